import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  MAX_GLOB_DEPTH,
  exclusionMatcher,
  expandInputs,
  hasGlob,
  inputMatcher,
  parseInputPattern,
  watchDirs,
  type PathFlavour,
} from '../../src/sources/glob.js';

/** What parseInputPattern() says of a pattern, without the functions. */
function shape(pattern: string, flavour: PathFlavour): { literal: boolean; base: string; recursive: boolean; maxDepth: number } {
  const { literal, base, recursive, maxDepth } = parseInputPattern(pattern, flavour);
  return { literal, base, recursive, maxDepth };
}

/** The paths of `paths` the pattern selects. */
function selected(pattern: string, flavour: PathFlavour, paths: readonly string[]): string[] {
  const p = parseInputPattern(pattern, flavour);
  return paths.filter((x) => p.match(x));
}

describe('glob inputs: patterns taken apart (pure)', () => {
  describe('POSIX', () => {
    it('splits each pattern into its static folder, recursion and depth', () => {
      const table: [string, ReturnType<typeof shape>][] = [
        ['/var/log/ncftpd/xfer.*', { literal: false, base: '/var/log/ncftpd', recursive: false, maxDepth: 0 }],
        ['logs/**/*.log', { literal: false, base: 'logs', recursive: true, maxDepth: MAX_GLOB_DEPTH }],
        ['examples/logs/cl*.log', { literal: false, base: 'examples/logs', recursive: false, maxDepth: 0 }],
        ['./examples//logs/cl*.log', { literal: false, base: 'examples/logs', recursive: false, maxDepth: 0 }],
        ['*.log', { literal: false, base: '.', recursive: false, maxDepth: 0 }],
        ['/*.log', { literal: false, base: '/', recursive: false, maxDepth: 0 }],
        ['/srv/*/ncftpd/xfer.*', { literal: false, base: '/srv', recursive: true, maxDepth: 2 }],
        ['/srv/logs/**', { literal: false, base: '/srv/logs', recursive: true, maxDepth: MAX_GLOB_DEPTH }],
        ['logs/xfer.{1,2}', { literal: false, base: 'logs', recursive: false, maxDepth: 0 }],
        ['logs/xfer.[12]', { literal: false, base: 'logs', recursive: false, maxDepth: 0 }],
        ['logs/a\\*b/*.log', { literal: false, base: 'logs/a*b', recursive: false, maxDepth: 0 }],
        ['/var/log/ncftpd/xfer.20241118', { literal: true, base: '/var/log/ncftpd/xfer.20241118', recursive: false, maxDepth: 0 }],
        ['examples/logs', { literal: true, base: 'examples/logs', recursive: false, maxDepth: 0 }],
        ['logs/(old)/x.log', { literal: true, base: 'logs/(old)/x.log', recursive: false, maxDepth: 0 }],
      ];
      for (const [pattern, want] of table) assert.deepEqual(shape(pattern, 'posix'), want, pattern);
    });

    it('matches full paths, relative and absolute, case-sensitively, leaving dotfiles out unless named', () => {
      const paths = [
        '/var/log/ncftpd/xfer.20241118',
        '/var/log/ncftpd/xfer.20241119',
        '/var/log/ncftpd/XFER.20241120',
        '/var/log/ncftpd/.xfer.swp',
        '/var/log/ncftpd/old/xfer.20231118',
        '/var/log/ncftpd/sess.20241118',
        '/var/log/ncftpd-xfer.1',
      ];
      assert.deepEqual(selected('/var/log/ncftpd/xfer.*', 'posix', paths), ['/var/log/ncftpd/xfer.20241118', '/var/log/ncftpd/xfer.20241119']);
      assert.deepEqual(selected('/var/log/ncftpd/.xfer*', 'posix', paths), ['/var/log/ncftpd/.xfer.swp']);
      assert.deepEqual(selected('/var/log/ncftpd/*/xfer.*', 'posix', paths), ['/var/log/ncftpd/old/xfer.20231118']);
      assert.deepEqual(selected('/var/log/ncftpd/**/xfer.*', 'posix', paths), ['/var/log/ncftpd/xfer.20241118', '/var/log/ncftpd/xfer.20241119', '/var/log/ncftpd/old/xfer.20231118']);
      assert.deepEqual(selected('/var/log/ncftpd/xfer.{20241118,20241120}', 'posix', paths), ['/var/log/ncftpd/xfer.20241118']);

      const rel = ['logs/a.log', './logs/b.log', 'logs/x/y/c.log', 'logs/.hidden/d.log', 'logs/e.txt', 'other/a.log', 'logs/x/.f.log', 'logs/README.md'];
      assert.deepEqual(selected('logs/*', 'posix', rel), ['logs/a.log', './logs/b.log', 'logs/e.txt']);
      assert.deepEqual(selected('logs/*.md', 'posix', rel), ['logs/README.md']);
      assert.deepEqual(selected('logs/**/*.log', 'posix', rel), ['logs/a.log', './logs/b.log', 'logs/x/y/c.log']);
      assert.deepEqual(selected('logs/*.log', 'posix', rel), ['logs/a.log', './logs/b.log']);
      assert.deepEqual(selected('*.log', 'posix', ['a.log', 'x/a.log', '../a.log', '.a.log']), ['a.log']);
      // A relative pattern and an absolute path (or the other way round) compare from the working directory.
      assert.deepEqual(selected('logs/*.log', 'posix', [join(process.cwd(), 'logs', 'a.log'), '/elsewhere/logs/a.log']), [join(process.cwd(), 'logs', 'a.log')]);
      assert.deepEqual(selected(join(process.cwd(), 'logs', '*.log'), 'posix', ['logs/a.log', 'a.log']), ['logs/a.log']);
    });

    it('a literal path selects itself, and (as a folder) the log files directly in it', () => {
      const paths = ['examples/logs', 'examples/logs/cl241118.log', 'examples/logs/README.md', 'examples/logs/.x.log', 'examples/logs/sub/a.log', 'examples/logs2/a.log'];
      assert.deepEqual(selected('examples/logs', 'posix', paths), ['examples/logs', 'examples/logs/cl241118.log']);
      assert.deepEqual(selected('examples/logs/cl241118.log', 'posix', paths), ['examples/logs/cl241118.log']);
    });

    it('tells which folders below the base may hold a match', () => {
      const p = parseInputPattern('/srv/*/ncftpd/xfer.*', 'posix');
      assert.deepEqual(['a', '.a', 'a/ncftpd', 'a/other', 'a/ncftpd/x'].map((d) => p.enter(d)), [true, false, true, false, false]);
      const g = parseInputPattern('logs/x*/**/*.log', 'posix');
      assert.deepEqual(['x1', 'y', 'x1/a', 'x1/a/b', 'x1/.git'].map((d) => g.enter(d)), [true, false, true, true, false]);
      const dot = parseInputPattern('logs/**/.old/*.log', 'posix');
      assert.equal(dot.enter('a/.old'), true);
      assert.equal(parseInputPattern('logs/**', 'posix').enter(Array(MAX_GLOB_DEPTH + 1).fill('d').join('/')), false);
    });

    it('a backslash escapes, and a bare parenthesis is no glob', () => {
      assert.deepEqual(
        ['a*', 'a?', 'a[12]', 'a{1,2}', 'a{1..3}', '@(a|b)', '!(a)', '+(a)', 'a\\*', 'a[', 'a{b}', '(x86)', 'a+b', '!a'].map((s) => hasGlob(s, 'posix')),
        [true, true, true, true, true, true, true, true, false, false, false, false, false, false],
      );
      assert.deepEqual(selected('logs/a\\*b/*.log', 'posix', ['logs/a*b/1.log', 'logs/aXb/1.log']), ['logs/a*b/1.log']);
      assert.deepEqual(selected('logs/*/(old)/*.log', 'posix', ['logs/x/(old)/1.log', 'logs/x/old/1.log']), ['logs/x/(old)/1.log']);
      assert.deepEqual(selected('logs/@(cl|ex)*.log', 'posix', ['logs/cl1.log', 'logs/ex1.log', 'logs/in1.log']), ['logs/cl1.log', 'logs/ex1.log']);
      assert.deepEqual(selected('logs/!x*.log', 'posix', ['logs/!x1.log', 'logs/y.log']), ['logs/!x1.log']);
    });
  });

  describe('win32', () => {
    const EFT = 'C:\\ProgramData\\Globalscape\\EFT Server\\Logs';

    it('splits each pattern into its static folder, recursion and depth: drive letters, UNC, spaces, either slash', () => {
      const table: [string, ReturnType<typeof shape>][] = [
        [`${EFT}\\cl*.log`, { literal: false, base: EFT, recursive: false, maxDepth: 0 }],
        ['C:/ProgramData/Globalscape/EFT Server/Logs/cl*.log', { literal: false, base: EFT, recursive: false, maxDepth: 0 }],
        ['\\\\server\\share\\Logs\\cl*.log', { literal: false, base: '\\\\server\\share\\Logs', recursive: false, maxDepth: 0 }],
        ['//server/share/Logs/cl*.log', { literal: false, base: '\\\\server\\share\\Logs', recursive: false, maxDepth: 0 }],
        ['\\\\server\\share\\*.log', { literal: false, base: '\\\\server\\share\\', recursive: false, maxDepth: 0 }],
        ['C:\\Logs\\**\\*.log', { literal: false, base: 'C:\\Logs', recursive: true, maxDepth: MAX_GLOB_DEPTH }],
        ['C:\\*.log', { literal: false, base: 'C:\\', recursive: false, maxDepth: 0 }],
        ['C:\\Program Files (x86)\\EFT\\*\\Logs\\cl*.log', { literal: false, base: 'C:\\Program Files (x86)\\EFT', recursive: true, maxDepth: 2 }],
        ['Logs\\cl*.log', { literal: false, base: 'Logs', recursive: false, maxDepth: 0 }],
        [`${EFT}\\cl241118.log`, { literal: true, base: `${EFT}\\cl241118.log`, recursive: false, maxDepth: 0 }],
        [EFT, { literal: true, base: EFT, recursive: false, maxDepth: 0 }],
      ];
      for (const [pattern, want] of table) assert.deepEqual(shape(pattern, 'win32'), want, pattern);
    });

    it('matches Windows paths with either separator, ignoring case; a backslash is never an escape', () => {
      const paths = [
        `${EFT}\\cl241118.log`,
        `${EFT}\\CL241119.LOG`,
        'c:/programdata/globalscape/eft server/logs/cl241120.log',
        `${EFT}\\ex241118.log`,
        `${EFT}\\in241118.log`,
        `${EFT}\\.cl241118.log`,
        `${EFT}\\Archive\\cl231118.log`,
        'D:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl241118.log',
      ];
      assert.deepEqual(selected(`${EFT}\\cl*.log`, 'win32', paths), paths.slice(0, 3));
      assert.deepEqual(selected('C:/programdata/GLOBALSCAPE/EFT Server/Logs/cl*.log', 'win32', paths), paths.slice(0, 3));
      assert.deepEqual(selected(`${EFT}\\**\\cl*.log`, 'win32', paths), [...paths.slice(0, 3), `${EFT}\\Archive\\cl231118.log`]);
      assert.deepEqual(selected(`${EFT}\\*\\cl*.log`, 'win32', paths), [`${EFT}\\Archive\\cl231118.log`]);
      assert.deepEqual(selected(`${EFT}\\[ce][lx]*.log`, 'win32', paths), paths.slice(0, 4));

      const unc = ['\\\\server\\share\\Logs\\cl241118.log', '//SERVER/Share/logs/CL241119.log', '\\\\server\\other\\Logs\\cl241118.log', '\\\\server\\share\\Logs\\sub\\cl1.log'];
      assert.deepEqual(selected('\\\\server\\share\\Logs\\cl*.log', 'win32', unc), unc.slice(0, 2));

      const x86 = ['C:\\Program Files (x86)\\EFT\\Site1\\Logs\\cl1.log', 'C:\\Program Files (x86)\\EFT\\Site1\\logs\\cl2.log', 'C:\\Program Files x86\\EFT\\Site1\\Logs\\cl1.log'];
      assert.deepEqual(selected('C:\\Program Files (x86)\\EFT\\*\\Logs\\cl*.log', 'win32', x86), x86.slice(0, 2));
      assert.deepEqual(selected('C:\\Logs\\*\\(old)\\*.log', 'win32', ['C:\\Logs\\a\\(old)\\1.log', 'C:\\Logs\\a\\old\\1.log']), ['C:\\Logs\\a\\(old)\\1.log']);
    });

    it('a literal path matches itself in any case, and (as a folder) the log files directly in it', () => {
      const paths = [`${EFT}\\cl241118.log`, `${EFT.toUpperCase()}\\CL241118.LOG`, `${EFT}\\README.md`, `${EFT}\\Archive\\cl1.log`, 'C:/ProgramData/Globalscape/EFT Server/Logs'];
      assert.deepEqual(selected(`${EFT}\\cl241118.log`, 'win32', paths), paths.slice(0, 2));
      assert.deepEqual(selected(EFT, 'win32', paths), [paths[0], paths[1], paths[4]]);
    });

    it('tells which folders below the base may hold a match, ignoring case', () => {
      const p = parseInputPattern('C:\\Sites\\*\\Logs\\cl*.log', 'win32');
      assert.deepEqual(['Site1', 'Site1/logs', 'Site1/Other', 'Site1/Logs/x'].map((d) => p.enter(d)), [true, true, false, false]);
    });

    it('takes backslashes in a pattern as separators where POSIX takes them as escapes', () => {
      assert.deepEqual(shape('Logs\\cl*.log', 'posix'), { literal: false, base: '.', recursive: false, maxDepth: 0 });
      assert.equal(hasGlob('a\\*', 'win32'), true);
    });
  });

  describe('exclusions', () => {
    it('a glob without a slash matches the file name, with one the full path (POSIX, case-sensitive)', () => {
      const excluded = exclusionMatcher(['*.gz', '/var/log/ncftpd/old/**', 'README.md'], 'posix');
      assert.deepEqual(
        ['/var/log/ncftpd/xfer.1.gz', '/var/log/ncftpd/.xfer.gz', '/var/log/ncftpd/xfer.GZ', '/var/log/ncftpd/old/xfer.1', '/var/log/ncftpd/older/xfer.1', 'logs/README.md', 'logs/gz/xfer.1'].map(excluded),
        [true, true, false, true, false, true, false],
      );
    });

    it('a path without glob characters excludes itself and everything below it', () => {
      const excluded = exclusionMatcher(['logs/archive'], 'posix');
      assert.deepEqual(['logs/archive', 'logs/archive/a.log', 'logs/archive/x/.b.log', 'logs/archived.log', 'logs/a.log'].map(excluded), [true, true, true, false, false]);
    });

    it('on win32, a backslash makes a path glob, and case does not matter', () => {
      const excluded = exclusionMatcher(['*.GZ', 'C:\\Logs\\Archive\\**'], 'win32');
      assert.deepEqual(['C:\\Logs\\cl1.log.gz', 'c:/logs/archive/cl1.log', 'C:\\LOGS\\ARCHIVE\\sub\\cl1.log', 'C:\\Logs\\cl1.log', 'C:\\Logs\\Archive2\\cl1.log'].map(excluded), [true, true, true, false, false]);
    });

    it('none: nothing is excluded', () => {
      assert.equal(exclusionMatcher([], 'posix')('/a/b.log'), false);
    });
  });

  describe('inputMatcher', () => {
    it('tells whether a path is one of the inputs, exclusions applied, without reading the disk', () => {
      const matches = inputMatcher(['/var/log/ncftpd/xfer.*', '/srv/eft/logs', '-'], { exclude: ['*.gz'], flavour: 'posix' });
      assert.deepEqual(
        ['/var/log/ncftpd/xfer.20241119', '/var/log/ncftpd/xfer.20241119.gz', '/var/log/ncftpd/sess.1', '/srv/eft/logs/cl241119.log', '/srv/eft/logs/README.md', '/srv/eft/logs/a/cl1.log', '-'].map(matches),
        [true, false, false, true, false, false, false],
      );
      const win = inputMatcher(['C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl*.log'], { exclude: ['C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl2023*'], flavour: 'win32' });
      assert.deepEqual(['C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\CL241119.log', 'C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl20231119.log'].map(win), [true, false]);
    });

    it('refuses a flavour it does not know and an exclusion list that is not one', () => {
      assert.throws(() => parseInputPattern('*.log', 'dos' as PathFlavour), { code: 'ERR_INVALID_OPTION' });
      assert.throws(() => inputMatcher(['*.log'], { exclude: '*.gz' as unknown as string[] }), { code: 'ERR_INVALID_OPTION' });
      assert.throws(() => expandInputs(['-'], { ignoreOlderMs: -1 }), { code: 'ERR_INVALID_OPTION' });
    });
  });
});

describe('glob inputs: expanded on disk', () => {
  let dir: string;
  const at = (...parts: string[]): string => join(dir, ...parts);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-glob-'));
    for (const name of ['cl241118.log', 'cl241119.log', 'ex241118.log', 'in241118.log', 'nc241118.log', 'README.md', '.cl241117.log']) writeFileSync(at(name), 'x\n');
    mkdirSync(at('nested'));
    writeFileSync(at('nested', 'cl241120.log'), 'x\n');
    mkdirSync(at('.hidden'));
    writeFileSync(at('.hidden', 'cl241121.log'), 'x\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const LOGS = ['cl241118.log', 'cl241119.log', 'ex241118.log', 'in241118.log', 'nc241118.log'];

  it('a folder stands for its log files, sorted: no README.md, no dotfile, nothing below it', () => {
    assert.deepEqual(expandInputs([dir]), LOGS.map((n) => at(n)));
  });

  it('a glob selects exactly the files it matches, each pattern sorted', () => {
    const table: [string, string[]][] = [
      [at('cl*.log'), [at('cl241118.log'), at('cl241119.log')]],
      [at('*.log'), LOGS.map((n) => at(n))],
      [at('*'), LOGS.map((n) => at(n))],
      [at('*.md'), [at('README.md')]],
      [at('*.MD'), []],
      [at('.cl*.log'), [at('.cl241117.log')]],
      [at('*', 'cl*.log'), [at('nested', 'cl241120.log')]],
      [at('**', 'cl*.log'), [at('cl241118.log'), at('cl241119.log'), at('nested', 'cl241120.log')]],
      [at('.hidden', '*.log'), [at('.hidden', 'cl241121.log')]],
      [at('{ex,in}*.log'), [at('ex241118.log'), at('in241118.log')]],
    ];
    for (const [pattern, want] of table) {
      if (want.length === 0) assert.throws(() => expandInputs([pattern]), { code: 'ERR_INPUT', message: `${pattern}: no file matches` });
      else assert.deepEqual(expandInputs([pattern]), want, pattern);
    }
  });

  it('relative patterns give relative paths', () => {
    const rel = relative(process.cwd(), dir);
    assert.deepEqual(expandInputs([join(rel, 'cl*.log')]), [join(rel, 'cl241118.log'), join(rel, 'cl241119.log')]);
  });

  it('keeps the order of the inputs and each file once, at its first place; - stays', () => {
    assert.deepEqual(expandInputs([at('cl241119.log'), '-', at('cl*.log'), dir]), [
      at('cl241119.log'),
      '-',
      at('cl241118.log'),
      at('ex241118.log'),
      at('in241118.log'),
      at('nc241118.log'),
    ]);
  });

  it('leaves out excluded files, by name or by path', () => {
    assert.deepEqual(expandInputs([dir], { exclude: ['ex*', 'in*'] }), [at('cl241118.log'), at('cl241119.log'), at('nc241118.log')]);
    assert.deepEqual(expandInputs([at('**', '*.log')], { exclude: [at('nested', '**'), at('nc*')] }), [at('cl241118.log'), at('cl241119.log'), at('ex241118.log'), at('in241118.log')]);
    assert.deepEqual(expandInputs([at('**', 'cl*.log')], { exclude: [at('nested')] }), [at('cl241118.log'), at('cl241119.log')]);
  });

  it('leaves out files last modified longer ago than ignoreOlderMs before now', () => {
    const now = Date.UTC(2024, 10, 20, 12);
    const day = 86_400_000;
    for (const [name, daysAgo] of [['cl241118.log', 2], ['cl241119.log', 1], ['ex241118.log', 3], ['in241118.log', 0], ['nc241118.log', 10]] as const) {
      const t = (now - daysAgo * day) / 1000;
      utimesSync(at(name), t, t);
    }
    assert.deepEqual(expandInputs([dir], { ignoreOlderMs: 2 * day, now }), [at('cl241118.log'), at('cl241119.log'), at('in241118.log')]);
    assert.deepEqual(expandInputs([at('cl*.log')], { ignoreOlderMs: 2 * day - 1, now }), [at('cl241119.log')]);
  });

  it('says which input stands for no file: ERR_INPUT', () => {
    const cases: [string[], Parameters<typeof expandInputs>[1], string][] = [
      [[at('missing.log')], {}, `${at('missing.log')}: no such file or directory`],
      [[at('*.gz')], {}, `${at('*.gz')}: no file matches`],
      [[at('missing', '*.log')], {}, `${at('missing', '*.log')}: no file matches`],
      [[at('nested', '*', '*.log')], {}, `${at('nested', '*', '*.log')}: no file matches`],
      [[at('cl*.log')], { exclude: ['cl*'] }, `${at('cl*.log')}: all 2 files are left out by the exclusions or their age`],
      [[at('cl241118.log')], { exclude: ['*.log'] }, `${at('cl241118.log')}: its 1 file is left out by the exclusions or their age`],
    ];
    for (const [inputs, options, message] of cases) assert.throws(() => expandInputs(inputs, options), { name: 'FtplogError', code: 'ERR_INPUT', message });
    mkdirSync(at('empty'));
    writeFileSync(at('empty', 'notes.md'), '');
    assert.throws(() => expandInputs([at('empty')]), { code: 'ERR_INPUT', message: `${at('empty')}: directory has no log files` });
  });

  it('follows a linked folder once and never around a loop; stops MAX_GLOB_DEPTH folders down', () => {
    symlinkSync(dir, at('nested', 'loop'), 'dir');
    symlinkSync(at('nested'), at('linked'), 'dir');
    assert.deepEqual(expandInputs([at('**', 'cl*.log')]), [at('cl241118.log'), at('cl241119.log'), at('nested', 'cl241120.log')]);
    assert.deepEqual(expandInputs([at('linked', '*.log')]), [at('linked', 'cl241120.log')]);
    rmSync(at('nested', 'loop'));
    rmSync(at('linked'));
    // d0 is the base; d1 … d32 are the 32 folders below it a match may lie in.
    const deep = Array.from({ length: MAX_GLOB_DEPTH + 2 }, (_, i) => `d${i}`);
    mkdirSync(at(...deep), { recursive: true });
    writeFileSync(at(...deep.slice(0, MAX_GLOB_DEPTH + 1), 'deepest-kept.log'), '');
    writeFileSync(at(...deep, 'too-deep.log'), '');
    assert.deepEqual(expandInputs([at('d0', '**', '*.log')]), [at(...deep.slice(0, MAX_GLOB_DEPTH + 1), 'deepest-kept.log')]);
  });

  it('lists the folders to watch: glob bases and the folders below them a match may be in', () => {
    mkdirSync(at('nested', 'deeper'));
    assert.deepEqual(watchDirs([at('**', 'cl*.log')]), [dir, at('nested'), at('nested', 'deeper')]);
    assert.deepEqual(watchDirs([at('*', 'cl*.log')]), [dir, at('nested')]);
    assert.deepEqual(watchDirs([at('cl*.log'), dir, at('nested', 'cl241120.log'), at('later', '*.log'), at('nested', 'gone.log'), '-']), [dir, at('nested'), at('later')]);
  });
});
