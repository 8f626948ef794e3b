import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FtplogError } from '../../../src/errors.js';
import type { CheckpointEntry } from '../../../src/sources/follow/follow.js';
import { CheckpointStore, defaultStateDir, parseCheckpoints, type CheckpointStoreOptions } from '../../../src/sources/follow/state.js';
import { projectRoot } from '../../helpers/paths.js';

function isCode(code: string): (err: unknown) => boolean {
  return (err) => err instanceof FtplogError && err.code === code;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Checkpoint `i` at step `k`: every field follows from the two, so a file read back tells which step wrote it. */
function entryAt(i: number, k: number): CheckpointEntry {
  return {
    key: `2049:${1000 + i}`,
    path: `/var/log/ftp/xfer-${i}.log`,
    dev: 2049,
    ino: 1000 + i,
    fingerprint: Buffer.from(`2024-11-18 08:12:00 #u1 | R,/home/ftp/${i}`).toString('base64'),
    offset: 100 * k,
    line: k,
    size: 100 * k + i,
    seen: new Date(Date.UTC(2024, 10, 18) + k * 1000).toISOString(),
  };
}

describe('sources/follow/state: CheckpointStore', () => {
  let dir: string;
  let stores: CheckpointStore[] = [];
  let warnings: string[] = [];
  const open = (opts: CheckpointStoreOptions = {}, at = dir): CheckpointStore => {
    const s = CheckpointStore.open(at, { onWarning: (w) => warnings.push(w), ...opts });
    stores.push(s);
    return s;
  };
  const file = (): string => join(dir, 'checkpoints.json');
  const corruptFiles = (): string[] => readdirSync(dir).filter((f) => f.startsWith('checkpoints.json.corrupt-'));

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'ftplog-state-')), 'state');
    warnings = [];
  });
  afterEach(() => {
    for (const s of stores) s.close();
    stores = [];
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('creates the directory, owner-only, and names it and its file', () => {
    const s = open();
    assert.equal(s.dir, dir);
    assert.equal(s.file, file());
    assert.ok(statSync(dir).isDirectory());
    if (process.platform !== 'win32') assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(s.all(), []);
    assert.equal(existsSync(file()), false, 'nothing is written before there is something to write');
  });

  it('keeps every field of every entry exactly through flush and reopen', () => {
    const big = { ...entryAt(1, 3), key: 'big', dev: 2 ** 60, ino: 2 ** 63 };
    const s = open();
    s.set(entryAt(0, 7));
    s.set(big);
    s.set({ ...entryAt(2, 1), path: 'C:\\logs\\ünïcödé "quoted".log', fingerprint: '' });
    s.flush();
    s.close();
    const again = open();
    assert.deepEqual(again.all(), [entryAt(0, 7), big, { ...entryAt(2, 1), path: 'C:\\logs\\ünïcödé "quoted".log', fingerprint: '' }]);
    assert.deepEqual(again.get(entryAt(0, 7).key), entryAt(0, 7));
    assert.equal(again.get('nope'), undefined);
    assert.deepEqual(warnings, []);
  });

  it('writes the versioned format, owner-only, one entry a line', () => {
    const s = open();
    s.set(entryAt(0, 1));
    s.set(entryAt(1, 2));
    const before = Date.now();
    s.flush();
    const text = readFileSync(file(), 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['format', 'version', 'written', 'files']);
    assert.equal(doc.format, 'ftplog-otel.checkpoints');
    assert.equal(doc.version, 1);
    assert.ok(Math.abs(Date.parse(doc.written as string) - before) < 5000);
    assert.deepEqual(doc.files, [entryAt(0, 1), entryAt(1, 2)]);
    assert.equal(text.split('\n').length, 5);
    assert.deepEqual(Object.keys((doc.files as object[])[0]!), ['key', 'path', 'dev', 'ino', 'fingerprint', 'offset', 'line', 'size', 'seen']);
    if (process.platform !== 'win32') assert.equal(statSync(file()).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoints.json', 'lock'], 'no .tmp file is left');
  });

  it('keeps copies: changing an entry given or returned does not change the store', () => {
    const s = open();
    const e = entryAt(0, 1);
    s.set(e);
    e.offset = 999;
    s.get(e.key)!.offset = 998;
    s.all()[0]!.offset = 997;
    assert.equal(s.get(e.key)!.offset, 100);
  });

  it('drops fields that are not a checkpoint\'s, and refuses an entry that would not read back (ERR_INTERNAL)', () => {
    const s = open();
    s.set({ ...entryAt(0, 1), extra: 1 } as CheckpointEntry);
    assert.deepEqual(Object.keys(s.get(entryAt(0, 1).key)!), Object.keys(entryAt(0, 1)));
    for (const bad of [{ offset: -1 }, { offset: 1.5 }, { line: NaN }, { dev: -1 }, { ino: Infinity }, { fingerprint: 'not base64!' }, { seen: 'yesterday' }, { key: '' }]) {
      assert.throws(() => s.set({ ...entryAt(0, 1), ...bad }), isCode('ERR_INTERNAL'), JSON.stringify(bad));
    }
  });

  it('delete and prune forget entries, written with the next flush', () => {
    const s = open();
    for (let i = 0; i < 5; i++) s.set(entryAt(i, i));
    s.flush();
    s.delete(entryAt(0, 0).key);
    s.delete('not there');
    assert.equal(s.prune((e) => e.line % 2 === 0), 2);
    assert.equal(s.prune(() => true), 0);
    assert.deepEqual(s.all(), [entryAt(2, 2), entryAt(4, 4)]);
    s.close();
    assert.deepEqual(open().all(), [entryAt(2, 2), entryAt(4, 4)]);
  });

  it('scheduleFlush: changes in a burst share one write, at most one write per interval, the file holds the latest', async () => {
    const s = open({ flushIntervalMs: 300 });
    for (let k = 1; k <= 5; k++) {
      s.set(entryAt(0, k));
      s.scheduleFlush();
    }
    assert.equal(s.writes, 0, 'not written synchronously');
    await sleep(50);
    assert.equal(s.writes, 1, 'the first change after a quiet interval is written at once');
    assert.deepEqual(open({ lock: false }).all(), [entryAt(0, 5)]);
    for (let k = 6; k <= 10; k++) {
      s.set(entryAt(0, k));
      s.scheduleFlush();
      await sleep(10);
    }
    assert.equal(s.writes, 1, 'not again within the interval');
    await sleep(400);
    assert.equal(s.writes, 2);
    assert.deepEqual(open({ lock: false }).all(), [entryAt(0, 10)]);
    await sleep(350);
    assert.equal(s.writes, 2, 'nothing more to write');
  });

  it('a flush in between leaves the scheduled write nothing to do', async () => {
    const s = open({ flushIntervalMs: 20 });
    s.set(entryAt(0, 1));
    s.scheduleFlush();
    s.flush();
    await sleep(60);
    assert.equal(s.writes, 1);
  });

  it('a scheduled write that fails is told once, not thrown, and tried again until it works', async () => {
    const s = open({ flushIntervalMs: 20 });
    rmSync(dir, { recursive: true });
    s.set(entryAt(0, 1));
    s.scheduleFlush();
    await sleep(100);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /cannot write .*checkpoints\.json \(ENOENT\); trying again every 20 ms/);
    mkdirSync(dir);
    await sleep(100);
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /written again/);
    assert.deepEqual(open({ lock: false }).all(), [entryAt(0, 1)]);
  });

  it('close writes what is not written, releases the lock and timer, and is safe to call twice', () => {
    const s = open({ flushIntervalMs: 60_000 });
    s.set(entryAt(0, 1));
    s.scheduleFlush(); // written at once (nothing written before)
    s.set(entryAt(0, 2));
    s.scheduleFlush(); // waits a minute
    s.close();
    s.close();
    assert.equal(existsSync(join(dir, 'lock')), false);
    assert.deepEqual(open().all(), [entryAt(0, 2)]);
    for (const call of [() => s.set(entryAt(0, 3)), () => s.delete('x'), () => s.prune(() => true), () => s.flush(), () => s.scheduleFlush()]) {
      assert.throws(call, isCode('ERR_INTERNAL'));
    }
    assert.deepEqual(s.get(entryAt(0, 1).key), entryAt(0, 2), 'still readable');
  });

  it('close without changes does not write', () => {
    const s = open();
    s.close();
    assert.equal(existsSync(file()), false);
  });

  it('one store per directory: a second open is ERR_LOCKED, and the directory is free again after close', () => {
    const s = open();
    assert.throws(() => open(), (err: unknown) => isCode('ERR_LOCKED')(err) && (err as Error).message.includes(String(process.pid)));
    open({ lock: false }).close();
    s.close();
    open();
  });

  const corrupt: [string, string, RegExp][] = [
    ['not JSON', '{"format":"ftplog-otel.checkpoints","version":1,"files":[{"key":', /not JSON/],
    ['empty', '', /not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['another format', JSON.stringify({ format: 'filebeat.registry', version: 1, files: [] }), /format is "filebeat\.registry"/],
    ['no format', JSON.stringify({ version: 1, files: [] }), /format is missing/],
    ['a version that is not a number', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: '1', files: [] }), /version is "1"/],
    ['files not a list', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: {} }), /"files" is not a list/],
    ['a negative offset', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [entryAt(0, 1), { ...entryAt(1, 1), offset: -5 }] }), /files\[1\]: offset/],
    ['a line that is a string', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), line: '3' }] }), /files\[0\]: line/],
    ['a size that is not an integer', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), size: 1.5 }] }), /files\[0\]: size/],
    ['an inode that is null', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), ino: null }] }), /files\[0\]: ino/],
    ['a device that is a string', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), dev: '2049' }] }), /files\[0\]: dev/],
    ['a fingerprint that is not base64', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), fingerprint: 'a b' }] }), /fingerprint/],
    ['no path', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), path: undefined }] }), /files\[0\]: path/],
    ['a seen time that is not one', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [{ ...entryAt(0, 1), seen: 'x' }] }), /files\[0\]: seen/],
    ['an entry that is not an object', JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, files: [7] }), /files\[0\]: is not an object/],
  ];
  for (const [name, text, problem] of corrupt) {
    it(`a file that cannot be read as checkpoints (${name}) is set aside with a warning, and the store starts empty`, () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file(), text);
      const s = open();
      assert.deepEqual(s.all(), []);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, problem);
      assert.match(warnings[0]!, /files will be read per --start-at/);
      const aside = corruptFiles();
      assert.equal(aside.length, 1);
      assert.match(aside[0]!, /^checkpoints\.json\.corrupt-\d{8}T\d{6}\.\d{3}Z$/);
      assert.ok(warnings[0]!.includes(join(dir, aside[0]!)), 'the warning says where the file went');
      assert.equal(readFileSync(join(dir, aside[0]!), 'utf8'), text, 'kept as it was');
      assert.equal(existsSync(file()), false);
      s.set(entryAt(0, 1));
      s.close();
      assert.deepEqual(open().all(), [entryAt(0, 1)]);
    });
  }

  it('a file written by a newer version is refused with ERR_STATE, left as it is, and the lock released', () => {
    mkdirSync(dir, { recursive: true });
    const text = JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 2, files: [{ future: true }] });
    writeFileSync(file(), text);
    assert.throws(() => open(), (err: unknown) => isCode('ERR_STATE')(err) && /written by a newer ftplog-otel/.test((err as Error).message));
    assert.equal(readFileSync(file(), 'utf8'), text);
    assert.deepEqual(readdirSync(dir), ['checkpoints.json']);
  });

  it('a directory that cannot be created or written in is ERR_STATE, naming it and the OS error', () => {
    mkdirSync(join(dir, '..'), { recursive: true });
    const plain = join(dir, '..', 'a-file');
    writeFileSync(plain, '');
    for (const at of [join(plain, 'state'), plain]) {
      assert.throws(
        () => open({}, at),
        (err: unknown) => isCode('ERR_STATE')(err) && (err as Error).message.includes(at) && /\((ENOTDIR|EEXIST)\)/.test((err as Error).message),
      );
    }
  });

  it('refuses a flush interval that is not a positive integer', () => {
    assert.throws(() => open({ flushIntervalMs: 0 }), isCode('ERR_INVALID_OPTION'));
    assert.throws(() => open({ flushIntervalMs: 1.5 }), isCode('ERR_INVALID_OPTION'));
  });

  it('never corrupt: a writer killed at random moments leaves one of the states it wrote, in order', async function () {
    this.timeout(30_000);
    const entries = 200;
    const url = pathToFileURL(join(projectRoot, 'dist', 'src', 'sources', 'follow', 'state.js')).href;
    // Goes on from the step the file holds, writing every entry at each step.
    const script = `
      import { CheckpointStore } from ${JSON.stringify(url)};
      const entryAt = ${entryAt.toString()};
      const store = CheckpointStore.open(process.env.STATE_DIR, { onWarning: () => {} });
      let k = store.get(entryAt(0, 0).key)?.line ?? 0;
      process.stdout.write('open\\n');
      for (;;) {
        k++;
        for (let i = 0; i < ${entries}; i++) store.set(entryAt(i, k));
        store.flush();
      }`;
    let last = 0;
    let replacedLocks = 0;
    for (let round = 0; round < 20; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, STATE_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((res) => child.once('exit', res));
      await new Promise((res) => child.stdout.once('data', res));
      await sleep(Math.random() * 40);
      child.kill('SIGKILL');
      await exited;

      const lockLeft = existsSync(join(dir, 'lock'));
      warnings = [];
      const s = open();
      if (lockLeft) {
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, /replaced the lock file/);
        replacedLocks++;
      } else {
        assert.deepEqual(warnings, []);
      }
      assert.deepEqual(corruptFiles(), []);
      const got = s.all();
      const k = got[0]?.line ?? 0;
      assert.deepEqual(got, Array.from({ length: k === 0 ? 0 : entries }, (_, i) => entryAt(i, k)), `round ${round}: one whole state`);
      assert.ok(k >= last, `round ${round}: step ${k} after ${last}`);
      last = k;
      s.close();
      stores = stores.filter((x) => x !== s);
    }
    assert.ok(last > 20, `the writer got somewhere (${last} steps)`);
    assert.ok(replacedLocks > 0, 'the killed writer\'s lock was found and replaced');
  });
});

describe('sources/follow/state: parseCheckpoints()', () => {
  it('reads what it does not know of a version-1 file as nothing more than version 1', () => {
    const parsed = parseCheckpoints(JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 1, written: 'x', other: 1, files: [] }));
    assert.deepEqual(parsed, { kind: 'ok', entries: [] });
  });

  it('tells a newer version apart from a corrupt file', () => {
    assert.deepEqual(parseCheckpoints(JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 3 })), { kind: 'newer', version: 3 });
    assert.equal(parseCheckpoints(JSON.stringify({ format: 'ftplog-otel.checkpoints', version: 0, files: [] })).kind, 'corrupt');
  });
});

describe('sources/follow/state: defaultStateDir()', () => {
  const home = '/home/ann';
  const cases: [string, NodeJS.Platform, Record<string, string>, boolean, string, string][] = [
    ['systemd StateDirectory=, as root', 'linux', { STATE_DIRECTORY: '/var/lib/ftplog-otel-a' }, true, home, '/var/lib/ftplog-otel-a'],
    ['systemd StateDirectory= with several, the first', 'linux', { STATE_DIRECTORY: '/var/lib/a:/var/lib/b' }, false, home, '/var/lib/a'],
    ['systemd over XDG', 'linux', { STATE_DIRECTORY: '/srv/state', XDG_STATE_HOME: '/x' }, false, home, '/srv/state'],
    ['$STATE_DIRECTORY on macOS too', 'darwin', { STATE_DIRECTORY: '/srv/state' }, false, home, '/srv/state'],
    ['$STATE_DIRECTORY on Windows, a drive path kept whole', 'win32', { STATE_DIRECTORY: 'D:\\state', ProgramData: 'C:\\ProgramData' }, false, home, 'D:\\state'],
    ['an empty $STATE_DIRECTORY is not set', 'linux', { STATE_DIRECTORY: '' }, true, home, '/var/lib/ftplog-otel'],
    ['Linux, root', 'linux', {}, true, '/root', '/var/lib/ftplog-otel'],
    ['Linux, root, with $XDG_STATE_HOME (a service\'s place all the same)', 'linux', { XDG_STATE_HOME: '/x' }, true, '/root', '/var/lib/ftplog-otel'],
    ['Linux, a user', 'linux', {}, false, home, '/home/ann/.local/state/ftplog-otel'],
    ['Linux, a user with $XDG_STATE_HOME', 'linux', { XDG_STATE_HOME: '/data/state' }, false, home, '/data/state/ftplog-otel'],
    ['Linux, a relative $XDG_STATE_HOME is ignored', 'linux', { XDG_STATE_HOME: 'state' }, false, home, '/home/ann/.local/state/ftplog-otel'],
    ['FreeBSD, root', 'freebsd', {}, true, '/root', '/var/lib/ftplog-otel'],
    ['FreeBSD, a user', 'freebsd', {}, false, home, '/home/ann/.local/state/ftplog-otel'],
    ['macOS, a user', 'darwin', {}, false, '/Users/ann', '/Users/ann/Library/Application Support/ftplog-otel'],
    ['macOS, root', 'darwin', {}, true, '/var/root', '/var/root/Library/Application Support/ftplog-otel'],
    ['Windows', 'win32', { ProgramData: 'D:\\ProgramData' }, false, 'C:\\Users\\ann', 'D:\\ProgramData\\ftplog-otel'],
    ['Windows without %ProgramData%', 'win32', {}, false, 'C:\\Users\\ann', 'C:\\ProgramData\\ftplog-otel'],
  ];
  for (const [name, platform, env, root, h, want] of cases) {
    it(`${name}: ${want}`, () => {
      assert.equal(defaultStateDir(platform, env, root, h), want);
    });
  }

  it('defaults to this process\'s platform, environment, user and home', () => {
    assert.equal(typeof defaultStateDir(), 'string');
  });
});
