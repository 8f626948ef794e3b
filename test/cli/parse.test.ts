import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { ATTRIBUTE_TYPES } from '../../src/schema.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'string[]';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int|double' : 'double';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

describe('ftplog-otel parse', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-parse-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON record per line of each file, in order, with the documented shape', async () => {
    const r = await cli(['parse', '--timezone', 'UTC', fixture('eft', 'eft-client-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2 + 7);
    for (const rec of lines) {
      assert.deepEqual(Object.keys(rec), ['timestamp', 'observedTimestamp', 'severityNumber', 'severityText', 'eventName', 'body', 'attributes']);
      assert.match(rec['timestamp'] as string, ISO);
      assert.match(rec['observedTimestamp'] as string, ISO);
      for (const [k, v] of Object.entries(rec['attributes'] as Record<string, unknown>)) {
        const t = (ATTRIBUTE_TYPES as Record<string, string>)[k];
        assert.ok(t !== undefined, `attribute ${k} is in the schema`);
        const got = typeOf(v);
        assert.ok(got === t || (got === 'int|double' && (t === 'int' || t === 'double')), `${k}: ${got} vs ${t}`);
      }
    }
    assert.equal(lines[0]!['timestamp'], '2006-03-06T10:11:03.000Z');
    assert.equal(lines[0]!['eventName'], 'ftp.download');
    assert.equal(lines[2]!['body'], '2010-01-11 15:42:17 #u5     | C,/home/sshaw/cti/web/trunk/public/js/large-sprite.gif,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,');
    assert.match(r.stderr, /^ftplog-otel parse: 2 input\(s\), 9 lines, 9 records \(success 9, failure 0, unknown 0, parse errors 0\); [\d.]+ s, [\d,]+ records\/s\n$/);
  });

  it('reads stdin with no FILE and with -, and reads times in --timezone', async () => {
    const input = '2024-07-01 12:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;\n';
    for (const args of [[], ['-']]) {
      const r = await cli(['parse', '--timezone', 'Europe/Berlin', ...args], { stdin: input });
      assert.equal(r.code, 0);
      const rec = JSON.parse(r.stdout) as { timestamp: string; attributes: Record<string, unknown> };
      assert.equal(rec.timestamp, '2024-07-01T10:00:00.000Z');
      assert.equal('log.file.path' in rec.attributes, false);
    }
  });

  it('says it is reading stdin when stdin is a terminal and no FILE is named, and only then', async () => {
    const input = '2024-07-01 12:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;\n';
    const notice = 'ftplog-otel parse: reading stdin (Ctrl-D to end; see --help)\n';
    const tty = await cli(['parse', '--quiet'], { stdin: input, stdinIsTTY: true });
    assert.deepEqual([tty.code, tty.stderr], [0, notice]);
    assert.equal(JSON.parse(tty.stdout).attributes['ftp.status.code'], 226);
    const file = join(dir, 'cl240701.log');
    writeFileSync(file, input);
    for (const [args, stdinIsTTY] of [[[], false], [['-'], true], [[file], true]] as const) {
      const r = await cli(['parse', '--quiet', ...args], { stdin: input, stdinIsTTY });
      assert.deepEqual([r.code, r.stderr], [0, ''], `${args.join(' ')} ${stdinIsTTY}`);
    }
  });

  it('says it is reading stdin on a real terminal (script from util-linux)', function () {
    // script (util-linux) is part of every Debian system; .ci/run installs it where it is missing.
    assert.equal(spawnSync('script', ['--version']).status, 0, 'this test needs script(1) from util-linux');
    const bin = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
    const command = `'${process.execPath}' '${bin}' parse --quiet`;
    // script gives the command a pseudo-terminal as stdin and ends it when its own stdin (empty here) ends.
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { input: '', encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.replace(/\r\n/g, '\n'), 'ftplog-otel parse: reading stdin (Ctrl-D to end; see --help)\n');
  });

  it('counts parse errors, headers and blank lines in the summary and never drops a line', async () => {
    const f = join(dir, 'cl241118.log');
    writeFileSync(
      f,
      'Time; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode; ACTION_RESULT\n' +
        '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 530; 1;\n\n' +
        '2024-11-18 08:00:01; ftp; h; x; u; C:\\a; /a; download; 226; 0;\n' +
        '2024-11-18 08:00:02; ftp; h; 21; u; C:\\a; /a; download; 421;\n',
    );
    const r = await cli(['parse', '--timezone', 'UTC', f]);
    assert.equal(r.code, 0);
    const recs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { eventName: string; severityText: string; attributes: Record<string, unknown>; timestamp: unknown });
    assert.deepEqual(recs.map((x) => [x.eventName, x.severityText]), [
      ['ftp.download', 'ERROR'],
      ['ftplog.parse_error', 'WARN'],
      ['ftp.download', 'WARN'],
    ]);
    // The line's own time, though the line does not parse.
    assert.equal(recs[1]!.timestamp, '2024-11-18T08:00:01.000Z');
    assert.equal(recs[1]!.attributes['ftplog.error'], 'invalid port "x"');
    assert.match(r.stderr, /5 lines, 3 records \(success 0, failure 2, unknown 0, parse errors 1\), 1 header and 1 blank lines skipped;/);
  });

  it('reads latin1 files with --encoding latin1', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, Buffer.concat([Buffer.from('2024-11-18 08:00:00; ftp; h; 21; u; C:\\'), Buffer.from([0xe9]), Buffer.from('t\xe9.txt; /a; download; 226;\n', 'latin1')]));
    const r = await cli(['parse', '--encoding', 'latin1', '--timezone', 'UTC', f]);
    assert.equal((JSON.parse(r.stdout) as { attributes: Record<string, string> }).attributes['ftp.local.path'], 'C:\\été.txt');
  });

  it('reads a quoted glob as the files it matches, as the directory reads them, and leaves out --exclude', async () => {
    const examples = join(projectRoot, 'examples', 'logs');
    const records = (stdout: string): Record<string, unknown>[] =>
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => {
          const { observedTimestamp: _o, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return rest;
        });
    const byDir = await cli(['parse', '--timezone', 'UTC', examples]);
    const byGlob = await cli(['parse', '--timezone', 'UTC', join(examples, '*')]);
    assert.equal(byDir.code, 0, byDir.stderr);
    assert.equal(byGlob.code, 0, byGlob.stderr);
    assert.equal(records(byGlob.stdout).length, 80);
    assert.deepEqual(records(byGlob.stdout), records(byDir.stdout));
    assert.match(byGlob.stderr, /^ftplog-otel parse: 2 input\(s\), 80 lines, 80 records /);

    // A tree of its own, so that other files under examples/ do not change the outcome.
    const tree = mkdtempSync(join(tmpdir(), 'ftplog-glob-'));
    try {
      mkdirSync(join(tree, 'eft', 'logs'), { recursive: true });
      mkdirSync(join(tree, 'ncftpd'));
      copyFileSync(join(examples, 'cl241118.log'), join(tree, 'eft', 'logs', 'cl241118.log'));
      copyFileSync(join(examples, 'xfer.20241118'), join(tree, 'ncftpd', 'xfer.20241118'));
      copyFileSync(join(examples, 'xfer.20241118'), join(tree, 'eft', 'xfer.20241118'));
      writeFileSync(join(tree, 'eft', 'README.md'), 'not a log\n');
      const eft = await cli(['parse', '--timezone', 'UTC', '--exclude', 'xfer.*', join(tree, '**', '*')]);
      assert.equal(eft.code, 0, eft.stderr);
      assert.deepEqual([...new Set(records(eft.stdout).map((r) => (r['attributes'] as Record<string, unknown>)['log.file.path']))], [join(tree, 'eft', 'logs', 'cl241118.log')]);
      assert.match(eft.stderr, /^ftplog-otel parse: 1 input\(s\), 40 lines, 40 records /);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }

    const none = await cli(['parse', join(examples, '*.gz')]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, `ftplog-otel parse: ${join(examples, '*.gz')}: no file matches\n`);
    assert.equal(none.stdout, '');
  });

  it('leaves out files last modified longer ago than --ignore-older, and says so when none is left', async () => {
    const examples = join(projectRoot, 'examples', 'logs');
    const tree = mkdtempSync(join(tmpdir(), 'ftplog-older-'));
    try {
      copyFileSync(join(examples, 'cl241118.log'), join(tree, 'cl241118.log'));
      copyFileSync(join(examples, 'xfer.20241118'), join(tree, 'xfer.20241118'));
      const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
      utimesSync(join(tree, 'cl241118.log'), tenDaysAgo, tenDaysAgo);
      const recent = await cli(['parse', '--timezone', 'UTC', '--ignore-older', '7d', tree]);
      assert.equal(recent.code, 0, recent.stderr);
      assert.match(recent.stderr, /^ftplog-otel parse: 1 input\(s\), 40 lines, 40 records /);
      assert.deepEqual([...new Set(recent.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { attributes: Record<string, unknown> }).attributes['log.file.name']))], ['xfer.20241118']);
      const all = await cli(['parse', '--timezone', 'UTC', '--ignore-older', '11d', tree]);
      assert.match(all.stderr, /^ftplog-otel parse: 2 input\(s\), 80 lines, 80 records /);
      utimesSync(join(tree, 'xfer.20241118'), tenDaysAgo, tenDaysAgo);
      const none = await cli(['parse', '--ignore-older', '7d', join(tree, '*')]);
      assert.equal(none.code, 1);
      assert.equal(none.stdout, '');
      assert.equal(none.stderr, `ftplog-otel parse: ${join(tree, '*')}: all 2 files are left out by the exclusions or their age\n`);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('leaves out a file in a folder that is not an FTP server log, with one warning, on one thread and on workers; a file named alone is read', async () => {
    const examples = join(projectRoot, 'examples', 'logs');
    const tree = mkdtempSync(join(tmpdir(), 'ftplog-mixed-'));
    try {
      copyFileSync(join(examples, 'cl241118.log'), join(tree, 'cl241118.log'));
      // An IIS/W3C log, as EFT writes beside its client logs.
      writeFileSync(join(tree, 'ex241118.log'), '#Software: Microsoft Internet Information Services 10.0\n#Fields: date time cs-method cs-uri-stem sc-status\n2024-11-18 00:00:01 GET /index.html 200\n');
      // An old log compressed beside the others: bytes that are not UTF-8, which only its one warning mentions.
      writeFileSync(join(tree, 'cl241001.log.gz'), gzipSync(readFileSync(join(examples, 'cl241118.log'))));
      mkdirSync(join(tree, 'archive'));
      copyFileSync(join(examples, 'cl241118.log'), join(tree, 'archive', 'cl241117.log'));
      const gzLines = gzipSync(readFileSync(join(examples, 'cl241118.log'))).toString('latin1').split('\n').length;
      const warnings = [
        `ftplog-otel parse: warning: ${tree}: its subfolder archive is not read (a folder stands for its own files); to read below it, give a quoted glob such as '${join(tree, '**', '*')}'\n`,
        `ftplog-otel parse: warning: ${join(tree, 'cl241001.log.gz')}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped\n`,
        `ftplog-otel parse: warning: ${join(tree, 'ex241118.log')}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped\n`,
      ];
      const outputs: string[] = [];
      for (const workers of ['0', '2']) {
        const r = await cli(['parse', '--timezone', 'UTC', '--workers', workers, tree]);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stderr.split(/(?<=\n)/);
        const summary = lines.at(-1)!;
        assert.deepEqual(lines.slice(0, -1), warnings, `workers ${workers}`);
        assert.match(summary, new RegExp(`^ftplog-otel parse: 3 input\\(s\\), ${43 + gzLines} lines, 40 records \\(success 33, failure 6, unknown 0, parse errors 1\\), ${3 + gzLines} lines of files that are not FTP server logs left out; `));
        assert.equal(r.stdout.trimEnd().split('\n').length, 40);
        outputs.push(r.stdout.replace(/"observedTimestamp":"[^"]*"/g, ''));
      }
      assert.equal(outputs[0], outputs[1]);
      const named = await cli(['parse', '--timezone', 'UTC', join(tree, 'ex241118.log')]);
      assert.equal(named.code, 0);
      assert.match(named.stderr, /^ftplog-otel parse: 1 input\(s\), 3 lines, 3 records \(success 0, failure 0, unknown 0, parse errors 3\); /);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('prints help and exits 0; rejects unknown options, bad values and missing files with one line and non-zero exit', async () => {
    const help = await cli(['parse', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: ftplog-otel parse/);
    const cases: [string[], number, RegExp][] = [
      [['parse', '--bogus'], 2, /^ftplog-otel parse: Unknown option '--bogus'\n$/],
      [['parse', '--format', 'xml'], 2, /^ftplog-otel parse: --format must be eft \| ncftpd \| xferlog \| vsftpd \| auto \(got "xml"\)\n$/],
      [['parse', '--timezone', 'Nowhere/City', '-'], 2, /IANA time zone/],
      [['parse', join(dir, 'missing.log')], 1, /missing\.log: no such file or directory\n$/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
    ];
    for (const [args, code, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, code, args.join(' '));
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    }
  });
});

describe('ftplog-otel explain', () => {
  it('explains a code per protocol', async () => {
    const r = await cli(['explain', '2', '--protocol', 'sftp']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /name: SSH_FX_NO_SUCH_FILE/);
    const f = await cli(['explain', '2', '--protocol', 'ftp']);
    assert.match(f.stdout, /kind: eft/);
    const w = await cli(['explain', '10060']);
    assert.match(w.stdout, /WSAETIMEDOUT/);
    assert.equal((await cli(['explain', 'abc'])).code, 2);
  });
});
