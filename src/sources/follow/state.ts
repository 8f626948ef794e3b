/**
 * The checkpoint store of follow mode: how far each followed file is read
 * and settled, kept in `<state dir>/checkpoints.json` across restarts.
 *
 * Design:
 * - The file is small (one entry per followed file) and rewritten whole:
 *   to `checkpoints.json.tmp`, fsynced, renamed over the old one, then the
 *   directory fsynced. A crash or power loss at any moment leaves the old
 *   file or the new one, never a mix.
 * - Changes are kept in memory and written at most once per
 *   `flushIntervalMs` (scheduleFlush), and by close(). Checkpoints move only
 *   with settled records, so one that lags after a crash means lines sent
 *   again, never lines lost.
 * - A file that cannot be read as checkpoints (a disk error, a hand edit) is
 *   moved aside, not overwritten, with a warning, and the store starts
 *   empty: files are read per --start-at. A file written by a newer version
 *   is refused (ERR_STATE): an older version would drop what it does not
 *   know.
 * - One process per directory (lock.ts).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, resolve, win32 } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FtplogError, invalidOption, positiveIntOption } from '../../errors.js';
import type { CheckpointEntry, Checkpoints } from './follow.js';
import { acquireLock, stateDirError, type StateLock } from './lock.js';

export const CHECKPOINTS_FORMAT = 'ftplog-otel.checkpoints';
export const CHECKPOINTS_VERSION = 1;
const FILE_NAME = 'checkpoints.json';

export interface CheckpointStoreOptions {
  /**
   * Told when the checkpoints file could not be read and was set aside, when
   * a stale lock was replaced, and when a scheduled write fails or works
   * again. @default process.emitWarning
   */
  onWarning?: (msg: string) => void;
  /** Take the directory's lock (lock.ts). @default true */
  lock?: boolean;
  /** Scheduled writes happen at most once per this many milliseconds. @default 1000 */
  flushIntervalMs?: number;
}

/** What a checkpoints file holds: its entries, what is wrong with it, or the newer version that wrote it. */
export type ParsedCheckpoints =
  | { kind: 'ok'; entries: CheckpointEntry[] }
  | { kind: 'corrupt'; problem: string }
  | { kind: 'newer'; version: number };

/**
 * Where checkpoints are kept when no --state-dir is given: systemd's
 * StateDirectory= (`$STATE_DIRECTORY`, the first when it lists several),
 * else the platform's place for a service's or a user's state.
 */
export function defaultStateDir(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  isRoot: boolean = process.getuid?.() === 0,
  home: string = homedir(),
): string {
  const systemd = env.STATE_DIRECTORY;
  // systemd separates several directories with ':', which on Windows starts a path.
  const first = platform === 'win32' ? systemd : systemd?.split(':')[0];
  if (first) return first;
  if (platform === 'win32') return win32.join(env.ProgramData || 'C:\\ProgramData', 'ftplog-otel');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'ftplog-otel');
  if (isRoot) return '/var/lib/ftplog-otel';
  // The XDG spec has relative paths in $XDG_STATE_HOME ignored.
  const xdg = env.XDG_STATE_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'state'), 'ftplog-otel');
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Device and inode numbers can pass 2^53 (Windows file indexes): any non-negative number, however rounded. */
const isFileNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isBase64 = (v: unknown): v is string => typeof v === 'string' && v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** A checkpoint from JSON: the entry with exactly its fields, or what is wrong with it. */
export function toCheckpointEntry(v: unknown): CheckpointEntry | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not an object';
  const { key, path, dev, ino, fingerprint, offset, line, size, seen } = v as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') return 'key is not a non-empty string';
  if (typeof path !== 'string') return 'path is not a string';
  if (!isFileNumber(dev)) return 'dev is not a non-negative number';
  if (!isFileNumber(ino)) return 'ino is not a non-negative number';
  if (!isBase64(fingerprint)) return 'fingerprint is not base64';
  if (!isCount(offset)) return 'offset is not a non-negative integer';
  if (!isCount(line)) return 'line is not a non-negative integer';
  if (!isCount(size)) return 'size is not a non-negative integer';
  if (!isTime(seen)) return 'seen is not a time';
  return { key, path, dev, ino, fingerprint, offset, line, size, seen };
}

/** The checkpoints a file's text holds. */
export function parseCheckpoints(text: string): ParsedCheckpoints {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { kind: 'corrupt', problem: `not JSON: ${(err as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { kind: 'corrupt', problem: 'not a JSON object' };
  const { format, version, files } = doc as Record<string, unknown>;
  if (format !== CHECKPOINTS_FORMAT) return { kind: 'corrupt', problem: `its format is ${JSON.stringify(format) ?? 'missing'}, not "${CHECKPOINTS_FORMAT}"` };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return { kind: 'corrupt', problem: `its version is ${JSON.stringify(version) ?? 'missing'}` };
  if (version > CHECKPOINTS_VERSION) return { kind: 'newer', version };
  if (!Array.isArray(files)) return { kind: 'corrupt', problem: '"files" is not a list' };
  const entries: CheckpointEntry[] = [];
  for (let i = 0; i < files.length; i++) {
    const e = toCheckpointEntry(files[i]);
    if (typeof e === 'string') return { kind: 'corrupt', problem: `files[${i}]: ${e}` };
    entries.push(e);
  }
  return { kind: 'ok', entries };
}

/** A checkpoints file's text: one entry a line, for people reading it. */
export function serializeCheckpoints(entries: readonly CheckpointEntry[], written: Date): string {
  const head = `"format":${JSON.stringify(CHECKPOINTS_FORMAT)},"version":${CHECKPOINTS_VERSION},"written":${JSON.stringify(written.toISOString())}`;
  return `{${head},"files":[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

/** Creates the directory when missing and checks that files can be written in it. */
function prepareDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw stateDirError(dir, 'create it', err);
  }
  const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw stateDirError(dir, 'write in it', err);
  }
}

/** Fsyncs a directory, so a rename in it survives power loss; a no-op where directories cannot be (Windows). */
function fsyncDir(dir: string): void {
  const unsupported = (err: unknown): boolean => ['EISDIR', 'EPERM', 'EINVAL'].includes((err as NodeJS.ErrnoException).code ?? '');
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (err) {
    if (unsupported(err)) return;
    throw err;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!unsupported(err)) throw err;
  } finally {
    closeSync(fd);
  }
}

/** Replaces `file` with `text`, durably and all at once. */
function writeAtomically(dir: string, file: string, text: string): void {
  const tmp = `${file}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    fsyncDir(dir);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Renamed already, or never created.
    }
    throw stateDirError(dir, `write ${file}`, err);
  }
}

/** The checkpoints in `file`: none when it is missing; none, with the file set aside and a warning, when it cannot be read as checkpoints. */
function loadCheckpoints(dir: string, file: string, warn: (msg: string) => void): CheckpointEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw stateDirError(dir, `read ${file}`, err);
  }
  const parsed = parseCheckpoints(text);
  if (parsed.kind === 'ok') return parsed.entries;
  if (parsed.kind === 'newer') {
    throw new FtplogError(
      'ERR_STATE',
      `${file} was written by a newer ftplog-otel (checkpoints version ${parsed.version}; this one knows version ${CHECKPOINTS_VERSION}): upgrade, or use another --state-dir`,
    );
  }
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[-:]/g, '')}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    throw stateDirError(dir, `set aside the unreadable ${file} (${parsed.problem})`, err);
  }
  warn(`${file} cannot be read as checkpoints (${parsed.problem}): moved it to ${aside} and starting without checkpoints; files will be read per --start-at`);
  return [];
}

function closedError(what: string): FtplogError {
  return new FtplogError('ERR_INTERNAL', `checkpoint store: ${what}() after close()`);
}

export class CheckpointStore implements Checkpoints {
  /** The state directory (absolute). */
  readonly dir: string;
  /** The checkpoints file, `<dir>/checkpoints.json`. */
  readonly file: string;
  private readonly entries = new Map<string, CheckpointEntry>();
  private readonly lock: StateLock | undefined;
  private readonly intervalMs: number;
  private readonly warn: (msg: string) => void;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private lastAttemptAt = -Infinity;
  /** The error of the last scheduled write, while writes fail. */
  private failing: string | undefined;
  private closed = false;
  private writeCount = 0;

  private constructor(dir: string, entries: CheckpointEntry[], lock: StateLock | undefined, intervalMs: number, warn: (msg: string) => void) {
    this.dir = dir;
    this.file = join(dir, FILE_NAME);
    for (const e of entries) this.entries.set(e.key, e);
    this.lock = lock;
    this.intervalMs = intervalMs;
    this.warn = warn;
  }

  /**
   * Opens the checkpoints of a state directory, creating the directory when
   * missing and taking its lock. Throws ERR_STATE when the directory cannot
   * be used or its file was written by a newer version, ERR_LOCKED when
   * another process holds it.
   */
  static open(dir: string, opts: CheckpointStoreOptions = {}): CheckpointStore {
    if (typeof dir !== 'string' || dir === '') throw invalidOption('stateDir', 'a directory path', dir);
    const intervalMs = positiveIntOption('flushIntervalMs', opts.flushIntervalMs, 1000);
    const warn = opts.onWarning ?? ((msg: string) => process.emitWarning(msg, 'FtplogWarning'));
    const abs = resolve(dir);
    prepareDir(abs);
    const lock = opts.lock === false ? undefined : acquireLock(abs, warn);
    try {
      return new CheckpointStore(abs, loadCheckpoints(abs, join(abs, FILE_NAME), warn), lock, intervalMs, warn);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** How many times the file has been written since open(). */
  get writes(): number {
    return this.writeCount;
  }

  get(key: string): CheckpointEntry | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : { ...e };
  }

  all(): CheckpointEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** Keeps a copy of `entry` (written with the next flush). An entry that would not read back is a bug: ERR_INTERNAL. */
  set(entry: CheckpointEntry): void {
    if (this.closed) throw closedError('set');
    const e = toCheckpointEntry(entry);
    if (typeof e === 'string') throw new FtplogError('ERR_INTERNAL', `checkpoint of ${String(entry?.key)}: ${e}`);
    this.entries.set(e.key, e);
    this.dirty = true;
  }

  /** Forgets a file's checkpoint (written with the next flush). */
  delete(key: string): void {
    if (this.closed) throw closedError('delete');
    if (this.entries.delete(key)) this.dirty = true;
  }

  /** Forgets every checkpoint `keep` says no to (written with the next flush); returns how many. */
  prune(keep: (e: CheckpointEntry) => boolean): number {
    if (this.closed) throw closedError('prune');
    let n = 0;
    for (const e of [...this.entries.values()]) {
      if (keep({ ...e })) continue;
      this.entries.delete(e.key);
      n++;
    }
    if (n > 0) this.dirty = true;
    return n;
  }

  /** Writes every checkpoint now, durably (ERR_STATE when it cannot). */
  flush(): void {
    if (this.closed) throw closedError('flush');
    this.write();
  }

  /**
   * Has the checkpoints written soon: at once when the last write is
   * `flushIntervalMs` old, else when it will be. Calls in between share
   * that write. The timer does not keep the process alive: close() writes
   * what is left.
   */
  scheduleFlush(): void {
    if (this.closed) throw closedError('scheduleFlush');
    this.dirty = true;
    if (this.timer !== undefined) return;
    const delay = Math.max(0, this.lastAttemptAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.scheduledWrite(), delay);
    this.timer.unref();
  }

  /** Writes what is not written yet, stops the timer and releases the lock. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      if (this.dirty) this.write();
    } finally {
      this.lock?.release();
    }
  }

  private write(): void {
    this.lastAttemptAt = Date.now();
    writeAtomically(this.dir, this.file, serializeCheckpoints([...this.entries.values()], new Date()));
    this.dirty = false;
    this.writeCount++;
  }

  /** A failed scheduled write is told once (not at every try) and tried again after the interval. */
  private scheduledWrite(): void {
    this.timer = undefined;
    if (!this.dirty || this.closed) return;
    try {
      this.write();
    } catch (err) {
      const msg = (err as Error).message;
      if (msg !== this.failing) this.warn(`${msg}; trying again every ${this.intervalMs} ms`);
      this.failing = msg;
      this.scheduleFlush();
      return;
    }
    if (this.failing !== undefined) this.warn(`${this.file} written again`);
    this.failing = undefined;
  }
}
