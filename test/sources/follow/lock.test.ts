import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FtplogError } from '../../../src/errors.js';
import { acquireLock, judgeLock, parseLockOwner, type LockHost, type StateLock } from '../../../src/sources/follow/lock.js';
import { projectRoot } from '../../helpers/paths.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  assert.ok(r.pid > 0);
  return r.pid;
}

function isCode(code: string): (err: unknown) => boolean {
  return (err) => err instanceof FtplogError && err.code === code;
}

const here: LockHost = { hostname: 'h1', bootId: 'boot-a' };
const owner = (o: Record<string, unknown>): string => JSON.stringify({ pid: 42, hostname: 'h1', startedAt: '2024-11-18T08:00:00.000Z', ...o });

describe('sources/follow/lock: judgeLock()', () => {
  const alive = (pid: number): boolean => pid === 42;
  const cases: [string, string, number, boolean][] = [
    ['a live process on this host', owner({}), 0, true],
    ['a process gone from this host', owner({ pid: 43 }), 0, false],
    ['another host (its processes cannot be checked)', owner({ pid: 43, hostname: 'h2' }), 0, true],
    ['a live pid taken before this host last started', owner({ bootId: 'boot-0' }), 0, false],
    ['the same boot', owner({ bootId: 'boot-a' }), 0, true],
    ['an empty file just created', '', 100, true],
    ['an empty file left behind', '', 60_000, false],
    ['not JSON', 'garbage\u0000', 0, false],
    ['JSON without a pid', '{"hostname":"h1","startedAt":"x"}', 0, false],
    ['a pid that is not a positive integer', owner({ pid: 0 }), 0, false],
    ['a hostname that is not a string', owner({ hostname: 7 }), 0, false],
  ];
  for (const [name, text, age, held] of cases) {
    it(`${name}: ${held ? 'held' : 'stale'}`, () => {
      assert.equal(judgeLock(text, age, here, alive).held, held);
    });
  }

  it('reads the owner back from what a lock file holds', () => {
    assert.deepEqual(parseLockOwner(owner({ bootId: 'b' })), { pid: 42, hostname: 'h1', startedAt: '2024-11-18T08:00:00.000Z', bootId: 'b' });
    assert.equal(parseLockOwner('[]'), undefined);
  });
});

describe('sources/follow/lock: acquireLock()', () => {
  let dir: string;
  let locks: StateLock[] = [];
  let children: ChildProcess[] = [];
  const take = (onWarning?: (msg: string) => void): StateLock => {
    const l = acquireLock(dir, onWarning);
    locks.push(l);
    return l;
  };
  const lockFile = (): string => join(dir, 'lock');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-lock-'));
  });
  afterEach(() => {
    for (const l of locks) l.release();
    for (const c of children) c.kill('SIGKILL');
    locks = [];
    children = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates <dir>/lock naming this process, host and start, and removes it on release', () => {
    const before = Date.now();
    const l = take();
    assert.equal(l.file, lockFile());
    const o = JSON.parse(readFileSync(l.file, 'utf8')) as Record<string, unknown>;
    assert.equal(o.pid, process.pid);
    assert.equal(o.hostname, hostname());
    assert.ok(Date.parse(o.startedAt as string) >= before - 1000);
    l.release();
    assert.equal(existsSync(l.file), false);
  });

  it('a second acquire is refused with ERR_LOCKED naming the holder', () => {
    take();
    assert.throws(() => take(), (err: unknown) => isCode('ERR_LOCKED')(err) && (err as Error).message.includes(`process ${process.pid} on ${hostname()}`));
  });

  it('refuses a lock held by another live process on this host', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(child);
    writeFileSync(lockFile(), owner({ pid: child.pid, hostname: hostname() }));
    assert.throws(() => take(), (err: unknown) => isCode('ERR_LOCKED')(err) && (err as Error).message.includes(String(child.pid)));
  });

  it('refuses a lock from another host, saying it can be removed if that host no longer runs it', () => {
    writeFileSync(lockFile(), owner({ pid: deadPid(), hostname: `not-${hostname()}` }));
    assert.throws(
      () => take(),
      (err: unknown) => isCode('ERR_LOCKED')(err) && (err as Error).message.includes(`remove ${lockFile()}`),
    );
    assert.ok(existsSync(lockFile()));
  });

  it('replaces a lock whose process is gone, and says so', () => {
    const pid = deadPid();
    writeFileSync(lockFile(), owner({ pid, hostname: hostname() }));
    const warnings: string[] = [];
    take((w) => warnings.push(w));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`process ${pid} that took it is gone`));
    assert.equal((JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number }).pid, process.pid);
    assert.deepEqual(readdirSync(dir), ['lock']);
  });

  it('replaces a lock that names this pid but was not taken by this process (an earlier run with the same pid)', () => {
    writeFileSync(lockFile(), owner({ pid: process.pid, hostname: hostname() }));
    const warnings: string[] = [];
    take((w) => warnings.push(w));
    assert.equal(warnings.length, 1);
  });

  it('replaces a lock whose content is not a lock', () => {
    writeFileSync(lockFile(), 'garbage');
    const warnings: string[] = [];
    take((w) => warnings.push(w));
    assert.match(warnings[0]!, /its content is not a lock/);
    assert.equal((JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number }).pid, process.pid);
  });

  it('leaves a fresh empty lock (being written) alone, and replaces an old one', () => {
    writeFileSync(lockFile(), '');
    assert.throws(() => take(), isCode('ERR_LOCKED'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(), old, old);
    take();
    assert.equal((JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number }).pid, process.pid);
  });

  it('does not replace a stale lock while another process is replacing it; does once that one is long gone', () => {
    writeFileSync(lockFile(), owner({ pid: deadPid(), hostname: hostname() }));
    writeFileSync(`${lockFile()}.takeover`, owner({ pid: deadPid(), hostname: hostname() }));
    assert.throws(() => take(), isCode('ERR_LOCKED'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${lockFile()}.takeover`, old, old);
    take();
    assert.deepEqual(readdirSync(dir), ['lock']);
  });

  if (process.platform === 'linux') {
    it('replaces a lock taken before this host last started, even when its pid now runs', () => {
      writeFileSync(lockFile(), owner({ pid: 1, hostname: hostname(), bootId: 'an-earlier-boot' }));
      const warnings: string[] = [];
      take((w) => warnings.push(w));
      assert.match(warnings[0]!, /before this host last started/);
    });
  }

  it('release is idempotent and leaves a lock that is no longer its own', () => {
    const l = take();
    const theirs = owner({ pid: 7, hostname: hostname() });
    writeFileSync(l.file, theirs);
    l.release();
    l.release();
    assert.equal(readFileSync(lockFile(), 'utf8'), theirs);
  });

  it('a released lock can be taken again; a lock released twice does not remove the new one', () => {
    const first = take();
    first.release();
    const second = take();
    first.release();
    assert.ok(existsSync(second.file));
  });

  it('a directory that cannot be written: ERR_STATE', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    assert.throws(() => acquireLock(join(file, 'sub')), isCode('ERR_STATE'));
  });

  it('of processes starting together on a stale lock, exactly one takes it', async function () {
    this.timeout(20_000);
    const url = pathToFileURL(join(projectRoot, 'dist', 'src', 'sources', 'follow', 'lock.js')).href;
    // The one that takes the lock holds it until its stdin ends, so that none can take it after it was released.
    const script = `
      import { acquireLock } from ${JSON.stringify(url)};
      const start = Number(process.env.START_AT);
      while (Date.now() < start) {}
      try {
        const lock = acquireLock(process.env.LOCK_DIR);
        process.stdout.write('got');
        process.stdin.on('end', () => lock.release()).resume();
      } catch (err) {
        process.stdout.write(err.code);
      }`;
    for (let round = 0; round < 3; round++) {
      rmSync(lockFile(), { force: true });
      writeFileSync(lockFile(), owner({ pid: deadPid(), hostname: hostname() }));
      const env = { ...process.env, LOCK_DIR: dir, START_AT: String(Date.now() + 400) };
      const started = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['pipe', 'pipe', 'inherit'] }));
      children.push(...started);
      const outs = await Promise.all(started.map((c) => new Promise<string>((res) => c.stdout!.once('data', (b: Buffer) => res(b.toString())))));
      for (const c of started) c.stdin!.end();
      await Promise.all(started.map((c) => (c.exitCode !== null ? undefined : new Promise((res) => c.once('exit', res)))));
      assert.deepEqual([...outs].sort(), ['ERR_LOCKED', 'ERR_LOCKED', 'ERR_LOCKED', 'got']);
      assert.deepEqual(readdirSync(dir), [], 'the lock is released, and nothing is left aside');
    }
  });
});
