/**
 * The state directory's lock: one process at a time keeps checkpoints in a
 * directory. Two writing the same checkpoints file would each overwrite what
 * the other settled, and lines would be sent twice or never.
 *
 * The lock is a file, `<dir>/lock`, created exclusively and holding who took
 * it: `{pid, hostname, startedAt}`, and on Linux the boot id. A lock whose
 * process is gone (its pid no longer runs on this host, or it was taken
 * before this host last started) or whose content cannot be read is
 * replaced, with a warning. A lock from another host cannot be checked from
 * here and counts as held.
 *
 * Two processes starting together on a stale lock could both replace it:
 * one removes it and takes the lock, the other, having judged the same
 * stale lock, removes the new one. So a stale lock is removed only by the
 * process holding `<dir>/lock.takeover` (created exclusively too), and only
 * if it still holds what was judged stale. Then the lock is created
 * exclusively again, and whoever fails finds it held.
 *
 * A lock file is created empty and written right after: an empty one a few
 * seconds old is being taken, not abandoned.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { FtplogError } from '../../errors.js';

/** Who holds a lock, as its file says. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO time). */
  startedAt: string;
  /** Linux's id of the boot the process ran in. */
  bootId?: string;
}

export interface StateLock {
  /** The lock file. */
  readonly file: string;
  /** Removes the lock file if it is still this process's. Safe to call twice. */
  release(): void;
}

/** Where and who a lock is judged from. */
export interface LockHost {
  hostname: string;
  bootId: string | undefined;
}

export type LockVerdict = { held: true; owner: LockOwner | undefined } | { held: false; reason: string };

/** How long an empty lock file counts as one being written by the process that created it. */
const EMPTY_LOCK_GRACE_MS = 5000;
/** How long a takeover file counts as one of a process replacing a stale lock now. */
const STALE_TAKEOVER_MS = 10_000;

/** Lock files held by this process: its own pid in a lock file it does not hold is a dead process's that had the same pid. */
const heldHere = new Set<string>();

/** The lock file's owner, or undefined when the content is not one. */
export function parseLockOwner(text: string): LockOwner | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { pid, hostname: host, startedAt, bootId } = v as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1) return undefined;
  if (typeof host !== 'string' || typeof startedAt !== 'string') return undefined;
  if (bootId !== undefined && typeof bootId !== 'string') return undefined;
  return bootId === undefined ? { pid, hostname: host, startedAt } : { pid, hostname: host, startedAt, bootId };
}

/**
 * Whether the lock file's content (`ageMs` old) stands for a lock still
 * held, as seen from `here`; `alive` tells whether a pid runs on this host.
 */
export function judgeLock(text: string, ageMs: number, here: LockHost, alive: (pid: number) => boolean): LockVerdict {
  if (text.trim() === '') return ageMs < EMPTY_LOCK_GRACE_MS ? { held: true, owner: undefined } : { held: false, reason: 'it is empty' };
  const owner = parseLockOwner(text);
  if (owner === undefined) return { held: false, reason: 'its content is not a lock' };
  if (owner.hostname !== here.hostname) return { held: true, owner };
  if (owner.bootId !== undefined && here.bootId !== undefined && owner.bootId !== here.bootId) {
    return { held: false, reason: `process ${owner.pid} took it before this host last started` };
  }
  if (alive(owner.pid)) return { held: true, owner };
  return { held: false, reason: `process ${owner.pid} that took it is gone` };
}

/** Whether a process runs under `pid` on this host (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** This boot's id on Linux, undefined elsewhere. */
function readBootId(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** ERR_STATE for an OS error `err` met doing `what` in the state directory. */
export function stateDirError(dir: string, what: string, err: unknown): FtplogError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new FtplogError('ERR_STATE', `state directory ${dir}: cannot ${what} (${code})`, { cause: err });
}

function lockedError(dir: string, file: string, owner: LockOwner | undefined, here: LockHost): FtplogError {
  const advice = 'stop it first, or use another --state-dir';
  if (owner === undefined) return new FtplogError('ERR_LOCKED', `state directory ${dir} is being locked by another process starting now; ${advice}`);
  const text = `state directory ${dir} is in use by process ${owner.pid} on ${owner.hostname} (since ${owner.startedAt}); ${advice}`;
  if (owner.hostname === here.hostname) return new FtplogError('ERR_LOCKED', text);
  return new FtplogError('ERR_LOCKED', `${text}; if ${owner.hostname} no longer runs it, remove ${file}`);
}

/** Creates the lock file with `text`; false when it exists. */
function createLock(dir: string, file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw stateDirError(dir, 'create its lock file', err);
  }
  try {
    writeSync(fd, text);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      // An empty lock file is replaced once it is a few seconds old.
    }
    throw stateDirError(dir, 'write its lock file', err);
  }
  closeSync(fd);
  return true;
}

/** The lock file's content and age, or undefined when it is gone. */
function readLock(dir: string, file: string): { text: string; ageMs: number } | undefined {
  try {
    const ageMs = Date.now() - statSync(file).mtimeMs;
    return { text: readFileSync(file, 'utf8'), ageMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateDirError(dir, 'read its lock file', err);
  }
}

/**
 * Removes a stale lock if it still holds `judged`. Only the process that
 * created `<lock>.takeover` may: a lock is never removed by one process just
 * after another replaced it.
 */
function removeStale(dir: string, file: string, judged: string, text: string): 'removed' | 'changed' | 'busy' {
  const takeover = `${file}.takeover`;
  if (!createLock(dir, takeover, text)) {
    const other = readLock(dir, takeover);
    if (other === undefined) return 'changed';
    if (other.ageMs < STALE_TAKEOVER_MS) return 'busy';
    // Left by a process that died replacing a lock (a takeover takes milliseconds).
    removeIfThere(dir, takeover);
    return 'changed';
  }
  try {
    if (readLock(dir, file)?.text !== judged) return 'changed';
    removeIfThere(dir, file);
    return 'removed';
  } finally {
    removeIfThere(dir, takeover);
  }
}

function removeIfThere(dir: string, file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw stateDirError(dir, `remove ${file}`, err);
  }
}

/**
 * Takes the lock of a state directory (which must exist): creates
 * `<dir>/lock`, replacing a stale one (and telling `onWarning`). Throws
 * ERR_LOCKED when a live process holds it, ERR_STATE when the directory
 * cannot be written.
 */
export function acquireLock(dir: string, onWarning?: (msg: string) => void): StateLock {
  const file = resolve(join(dir, 'lock'));
  const here: LockHost = { hostname: hostname(), bootId: readBootId() };
  const owner: LockOwner = { pid: process.pid, hostname: here.hostname, startedAt: new Date().toISOString() };
  if (here.bootId !== undefined) owner.bootId = here.bootId;
  const text = `${JSON.stringify(owner)}\n`;
  const alive = (pid: number): boolean => (pid === process.pid ? heldHere.has(file) : processAlive(pid));
  // A stale lock takes a second round, a takeover file left behind a third; a fourth covers a lock released meanwhile.
  for (let round = 0; round < 4; round++) {
    if (createLock(dir, file, text)) {
      heldHere.add(file);
      return heldLock(file, text);
    }
    const found = readLock(dir, file);
    if (found === undefined) continue;
    const verdict = judgeLock(found.text, found.ageMs, here, alive);
    if (verdict.held) throw lockedError(dir, file, verdict.owner, here);
    const removed = removeStale(dir, file, found.text, text);
    if (removed === 'busy') throw lockedError(dir, file, undefined, here);
    if (removed === 'removed') onWarning?.(`state directory ${dir}: replaced the lock file ${file}: ${verdict.reason}`);
  }
  throw new FtplogError('ERR_LOCKED', `state directory ${dir}: its lock file ${file} kept changing while being taken; another process is starting there`);
}

function heldLock(file: string, text: string): StateLock {
  let released = false;
  return {
    file,
    release(): void {
      if (released) return;
      released = true;
      heldHere.delete(file);
      // A lock file left behind (it could not be read or removed) names this process: the next start finds it gone and replaces it.
      try {
        if (readFileSync(file, 'utf8') === text) unlinkSync(file);
      } catch {
        // Gone already, or out of reach: see above.
      }
    },
  };
}
