/**
 * followLogs(): the records of every file matching a set of patterns, read
 * as they grow, through rotation and restarts; a Readable of records whose
 * positions carry the file's identity (`fileId`).
 *
 * Design:
 * - A scan lists the matching files (on a timer, and at once when a watched
 *   folder reports a change) and tells each by device+inode and fingerprint
 *   (identity.ts): a known file renamed within the patterns keeps its
 *   reader; one no longer found is "rotated" and finished from its open
 *   handle once idle for `rotatedIdleMs`; a new file starts at its
 *   checkpoint, at the offset of the content it copies (copytruncate), or at
 *   its start (`startAt: 'end'` only for files found by the first scan).
 * - A poll reads every open file round-robin, one bounded chunk at a time,
 *   and stops while the consumer does not want more: backpressure reaches
 *   the files, and memory holds at most one chunk's records past the
 *   stream's high-water mark.
 * - Checkpoints advance only with settle(): the sink's report that the
 *   file's records are settled (accepted, or durably dead-lettered) up to a
 *   position. When every record read from a file is settled, the checkpoint
 *   moves to the end of the last line dealt with, so lines skipped or
 *   dropped by transforms advance it too.
 * - Without `follow`, the files are read to their end and the stream ends:
 *   a resumable `ship` (with checkpoints) of files that no longer grow.
 */
import { Readable } from 'node:stream';
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { Buffer } from 'node:buffer';
import type { FtpLogRecord } from '../../model.js';
import { FtplogError } from '../../errors.js';
import { fingerprintsMatch, holdsContentOf, identityKey, readFingerprint } from './identity.js';
import { FileTail, type FilePlace, type TailEvents, type TailSettings } from './tail.js';
import { OpenFailures } from './open-failures.js';
import { readLogsParallel, type ParallelLogsStream } from '../../parallel/read-parallel.js';
import { addDropped } from '../../records/transforms.js';
import { AUTO_WORKERS_MIN_BYTES } from '../source.js';
import type { EncodedRecords, OtlpEncoding } from '../../otlp/encoded.js';
import type { FormatOption } from '../../formats/detect.js';
import { invalidUtf8Warning, sumInputStats, unrecognisedWarning, type InputStats, type InputTotals, type ReadLogsStats } from '../log-files.js';

/** One file's checkpoint as the state directory keeps it. */
export interface CheckpointEntry {
  key: string;
  path: string;
  dev: number;
  ino: number;
  /** The file's first bytes, base64. */
  fingerprint: string;
  /** Every record before this byte offset is settled. */
  offset: number;
  line: number;
  size: number;
  /** When a scan last saw the file (ISO time). */
  seen: string;
}

/** What follow mode needs of a checkpoint store (see state.ts). */
export interface Checkpoints {
  get(key: string): CheckpointEntry | undefined;
  all(): CheckpointEntry[];
  set(entry: CheckpointEntry): void;
  delete(key: string): void;
  scheduleFlush(): void;
}

/**
 * How the files of one group of patterns are read, over the source's
 * options: an EFT folder and an NcFTPd folder followed by one agent, each
 * in its server's zone.
 */
export interface FileGroupSettings extends Partial<Pick<TailSettings, 'format' | 'timezone' | 'encoding' | 'maxLineBytes' | 'transforms'>> {
  startAt?: 'beginning' | 'end';
  ignoreOlderMs?: number;
}

/** Which files the patterns stand for now, and which folders to watch for changes. */
export interface FileSelector {
  list(): string[];
  dirs(): string[];
  /** The settings of a file of the last list(), when its group has its own; the same object for every file of a group. */
  settingsOf?(path: string): FileGroupSettings | undefined;
}

/** Settled progress of one source, as the OTLP sink reports it. */
export interface SourceProgress {
  readonly source: string;
  readonly records: number;
  readonly position: { readonly offset: number; readonly line: number } | undefined;
}

export interface FollowOptions extends Omit<TailSettings, 'readBuffer' | 'now'> {
  /** Keep following (true), or read every file to its end and end (false). */
  follow: boolean;
  startAt: 'beginning' | 'end';
  pollIntervalMs: number;
  rotatedIdleMs: number;
  fingerprintBytes: number;
  /** Files last modified longer ago are left out (unless already known). */
  ignoreOlderMs?: number;
  /** Checkpoints; without, every run starts as if for the first time. */
  checkpoints?: Checkpoints;
  /** Bytes read at a time (one buffer for all files). @default 262144 */
  readChunkBytes?: number;
  /** @default Date.now */
  now?: () => number;
  /** Watch folders for changes between polls. @default true */
  watch?: boolean;
  /**
   * Worker threads for a file with CATCH_UP_MIN_BYTES or more unread (a
   * backfill, or a restart after a long stop): that stretch is parsed,
   * enriched and encoded on them, as `ship` does, and comes out as runs of
   * OTLP-encoded records (EncodedRecords, which otlpSink takes beside
   * records). 0: every line on this thread. @default 0
   */
  workers?: number;
  /** How the worker threads encode (needed with workers). @default 'http/protobuf' */
  protocol?: OtlpEncoding;
}

export interface FileProgress {
  path: string;
  key: string;
  size: number;
  readOffset: number;
  settledOffset: number;
  state: 'reading' | 'idle' | 'rotated' | 'done';
}

/**
 * The folders are listed again, without a change reported, every this many
 * poll intervals of time: by the clock, not by polls, since a backfill polls
 * each time the consumer drains.
 */
const SCAN_EVERY_INTERVALS = 4;
/**
 * While polls find nothing new, they space out (doubling) up to this, so
 * an idle agent with many files costs little. A folder event or new bytes
 * bring the interval straight back to --poll-interval; without events (a
 * network share) a line waits at most this long to be seen.
 */
const IDLE_POLL_MAX_MS = 1000;

/** The wait before the next poll: `base` while files grow; doubling with each idle poll, up to IDLE_POLL_MAX_MS (or `base`, if longer). */
export function pollDelay(base: number, idlePolls: number): number {
  return Math.min(base * 2 ** idlePolls, Math.max(base, IDLE_POLL_MAX_MS));
}

/** Unread bytes of a file from which its reading goes to the worker threads (with FollowOptions.workers): the size from which ship's `--workers auto` uses them. */
export const CATCH_UP_MIN_BYTES = AUTO_WORKERS_MIN_BYTES;

/** Truncated files whose earlier content is remembered, for a copy of it listed after the truncation was seen. */
const TRUNCATED_KEPT = 16;
/**
 * How long a new file is left for a later scan while all it holds is the
 * start of content already known: a copy still being written (copytruncate's
 * copy, found between its creation and its last write) would otherwise be
 * taken for a new file and read again from its start.
 */
const COPY_WAIT_MS = 2000;

/** Objects this stream holds (for its consumer) beyond which no more runs are taken from the worker threads. */
const MAX_RUNS_WAITING = 4;

/** Stretches of files being read on the worker threads, one file after another, by one pool of threads. */
interface CatchUp {
  stream: ParallelLogsStream;
  /** In the order the stream reads them; by file identity. */
  stretches: Map<string, { tail: FileTail; start: FilePlace; end: number }>;
}

export class FollowSource extends Readable {
  readonly output = 'records' as const;
  readonly stats: ReadLogsStats;
  /** Every file read, finished ones too (as stats.inputs), for the drops by reason. */
  private readonly everyTail: FileTail[] = [];
  /** What the transforms dropped on the worker threads, by reason, counted when each catch-up is done (as its other counts). */
  private readonly catchUpDropped: Record<string, number> = {};
  /** Bytes lost to copytruncate's window (written after the copy, truncated before they were read), as far as they were seen. */
  copyTruncateLostBytes = 0;
  private readonly tails = new Map<string, FileTail>();
  private readonly settledByKey = new Map<string, SourceProgress>();
  /** Where each file's reading began in this run. */
  private readonly starts = new Map<string, FilePlace>();
  private readonly settings: TailSettings;
  /** The settings of each group of files that has its own (see FileSelector.settingsOf). */
  private readonly groupSettings = new Map<FileGroupSettings, TailSettings>();
  private readonly now: () => number;
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private full = false;
  private stopping = false;
  private scans = 0;
  /** performance.now() of the last listing. */
  private lastScanAt = 0;
  private scanWanted = true;
  private polling = false;
  /** Polls in a row that found no new bytes. */
  private idlePolls = 0;
  /** Bytes were read in the current poll. */
  private gotBytes = false;
  private catchUp: CatchUp | undefined;
  /** What truncated files held (newest first, at most TRUNCATED_KEPT), for their copies found later. */
  private readonly truncatedContent: { fingerprint: Buffer; place: FilePlace }[] = [];
  /** New files left for a later scan (see COPY_WAIT_MS), by key: when they were first seen. */
  private readonly waitingCopies = new Map<string, number>();
  private pumpScheduled = false;
  private readonly openFailures = new OpenFailures();

  constructor(
    private readonly selector: FileSelector,
    private readonly options: FollowOptions,
  ) {
    super({ objectMode: true, highWaterMark: 1024 });
    this.now = options.now ?? Date.now;
    this.settings = { ...options, readBuffer: Buffer.allocUnsafe(options.readChunkBytes ?? 262144), now: this.now };
    const { everyTail, catchUpDropped } = this;
    this.stats = {
      inputs: [],
      get droppedBy() {
        const all = { ...catchUpDropped };
        for (const t of everyTail) addDropped(all, t.droppedBy());
        return all;
      },
    };
  }

  /** Counts of every file read, added up. */
  totals(): InputTotals {
    return sumInputStats(this.stats.inputs);
  }

  release(): void {}

  /** Stops reading: the stream ends after what it has already read; incomplete last lines stay unread (the checkpoints exclude them). */
  stop(): void {
    if (this.stopping || this.destroyed) return;
    this.stopping = true;
    this.clearTimer();
    this.closeWatchers();
    this.dropCatchUp();
    for (const t of this.tails.values()) t.close();
    this.push(null);
  }

  /**
   * The sink settled a source's records up to `p`: the file's checkpoint
   * moves. Returns true when the file is finished and everything read from
   * it is settled (the sink may forget the source).
   */
  settle(p: SourceProgress): boolean {
    this.settledByKey.set(p.source, p);
    const tail = this.tails.get(p.source);
    if (tail === undefined) return false;
    this.saveCheckpoint(tail);
    return this.retireIfDone(tail);
  }

  /** The files followed now and how far each is read and settled. */
  files(): FileProgress[] {
    const out: FileProgress[] = [];
    for (const t of this.tails.values()) {
      const readOffset = this.catchUpOffset(t) ?? t.readOffset;
      const state = t.finished ? 'done' : t.rotatedAt !== undefined ? 'rotated' : readOffset < t.size ? 'reading' : 'idle';
      out.push({ path: t.path, key: t.key, size: t.size, readOffset, settledOffset: this.checkpointPlace(t).offset, state });
    }
    return out;
  }

  /** How far the worker threads have read a file whose stretch is with them (the bytes of the blocks they have handed back). */
  private catchUpOffset(t: FileTail): number | undefined {
    const c = this.catchUp;
    if (c === undefined || !c.stretches.has(t.key)) return undefined;
    const i = [...c.stretches.keys()].indexOf(t.key);
    return c.stretches.get(t.key)!.start.offset + (c.stream.stats.inputs[i]?.bytes ?? 0);
  }

  override _read(): void {
    this.full = false;
    this.pumpCatchUp();
    if (this.timer === undefined && !this.polling) this.poll();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.clearTimer();
    this.closeWatchers();
    this.dropCatchUp();
    for (const t of this.tails.values()) t.close();
    cb(err);
  }

  /** Reads what there is to read, then waits for the next poll or a change. */
  private poll(): void {
    this.clearTimer();
    if (this.stopping || this.destroyed) return;
    this.polling = true;
    try {
      this.pollOnce();
    } finally {
      this.polling = false;
    }
    // The consumer asked for more while this poll was pushing: go on.
    if (this.timer === undefined && !this.full && !this.stopping && !this.destroyed) setImmediate(() => this.timer === undefined && !this.polling && this.poll());
  }

  private pollOnce(): void {
    try {
      if (this.scanWanted || performance.now() - this.lastScanAt >= SCAN_EVERY_INTERVALS * this.options.pollIntervalMs) this.scan();
      this.gotBytes = false;
      const caughtUp = this.readAll();
      this.idlePolls = this.gotBytes ? 0 : Math.min(this.idlePolls + 1, 30);
      if (!caughtUp) return; // the consumer is full: _read() resumes
      this.finishIdleRotated();
      if (!this.options.follow && this.allRead()) {
        for (const t of this.tails.values()) this.finishTail(t);
        this.stopping = true;
        this.closeWatchers();
        this.push(null);
        return;
      }
    } catch (err) {
      this.destroy(err instanceof FtplogError ? err : new FtplogError('ERR_INPUT', `following files: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poll();
    }, pollDelay(this.options.pollIntervalMs, this.idlePolls));
  }

  /**
   * Reads the open files, the least recently modified first, each to its
   * end, until all are (true) or the consumer is full (false). Oldest first
   * keeps a backfill in time order, which a store such as Loki needs (it
   * refuses a line much older than the newest of its stream); files that
   * only grow a little take turns at each poll.
   */
  private readAll(): boolean {
    const byAge = [...this.tails.values()].sort(oldestFirst);
    this.startCatchUp(byAge);
    const tails = byAge.filter((t) => t.open && !this.waitsForWorkers(t));
    for (const t of tails) this.checkShrink(t);
    for (const t of tails) {
      for (;;) {
        const n = t.read();
        if (n > 0) {
          this.gotBytes = true;
          if (t.readOffset > t.size) t.size = t.readOffset;
          if (t.fingerprint.length < this.options.fingerprintBytes) t.refreshFingerprint(this.options.fingerprintBytes);
        }
        if (n === 0 || t.readOffset >= t.size || this.full) this.saveCheckpoint(t);
        if (this.full) return false;
        if (n === 0) break;
      }
    }
    return true;
  }

  /**
   * Hands every long unread stretch of a file (whole lines, up to its last
   * line end now) to the worker threads, to be read one file after another
   * by one pool. Each file goes on on this thread from where its stretch
   * ends once all the stretches are out.
   */
  private startCatchUp(byAge: readonly FileTail[]): void {
    const workers = this.options.workers ?? 0;
    if (workers <= 0 || this.catchUp !== undefined || this.stopping) return;
    const stretches: CatchUp['stretches'] = new Map();
    // One pool reads files of one group's settings: the first file's; the others' wait for the next pool.
    let settings: TailSettings | undefined;
    for (const t of byAge) {
      if (settings !== undefined && t.settings !== settings) continue;
      const stretch = this.stretchOf(t);
      if (stretch === undefined) continue;
      settings = t.settings;
      stretches.set(t.key, { tail: t, ...stretch });
    }
    if (stretches.size === 0 || settings === undefined) return;
    // One format for the pool: each file's own when they agree, else each file's first block decides.
    const formats = new Set([...stretches.values()].map((x) => x.tail.format ?? settings.format));
    const format = (formats.size === 1 ? [...formats][0]! : 'auto') as FormatOption;
    const stream = readLogsParallel(
      [...stretches.values()].map(({ tail, start, end }) => ({ file: tail.path, fileId: tail.key, fd: tail.handle!, start, end })),
      {
        output: this.options.protocol ?? 'http/protobuf',
        workers,
        format,
        skipUnrecognised: format === 'auto' ? [...stretches.values()].map((x) => x.tail.path) : [],
        timezone: settings.timezone,
        encoding: settings.encoding,
        maxLineBytes: settings.maxLineBytes,
        transforms: settings.transforms,
      },
    );
    const catchUp: CatchUp = { stream, stretches };
    this.catchUp = catchUp;
    stream.on('readable', () => this.pumpCatchUp());
    // Not an FTP log: its tail says so once, and reads no more of it.
    stream.on('unrecognised', (id: string) => stretches.get(id)?.tail.gaveUp());
    // Its first line not valid UTF-8: its tail reports it, once for the file whichever thread finds it.
    stream.on('invalidUtf8', (id: string, line: number) => stretches.get(id)?.tail.invalidUtf8(line));
    stream.once('end', () => this.catchUpDone(catchUp));
    stream.once('error', (err) => {
      if (this.catchUp === catchUp) this.destroy(err);
    });
  }

  /**
   * The stretch of `t` for the worker threads: CATCH_UP_MIN_BYTES or more
   * unread at the last look, in whole lines. A file not read yet goes too:
   * the workers find its format (or give up on it) as ship's do.
   */
  private stretchOf(t: FileTail): { start: FilePlace; end: number } | undefined {
    const fd = t.handle;
    if (fd === undefined || t.size - t.readOffset < CATCH_UP_MIN_BYTES || t.unrecognised || t.finished || t.heldBytes > 0) return undefined;
    const end = lastLineEndBefore(fd, t.size, t.lineEnd === 'cr' ? 0x0d : 0x0a);
    if (end === undefined || end - t.readOffset < CATCH_UP_MIN_BYTES) return undefined;
    return { start: { ...t.done }, end };
  }

  /**
   * While the worker threads read, files with a long unread stretch wait
   * for the next turn on them rather than taking this thread's time (which
   * the sink needs); files that only grow a little go on here.
   */
  private waitsForWorkers(t: FileTail): boolean {
    const c = this.catchUp;
    return c !== undefined && (c.stretches.has(t.key) || t.size - t.readOffset >= CATCH_UP_MIN_BYTES);
  }

  /**
   * Passes on what the worker threads have encoded, while fewer than
   * MAX_RUNS_WAITING objects wait here. A run is a block's records (hundreds
   * of KB), not one record: the parallel reader's bound holds the rest. The
   * stream asks for more (_read) up to its mark of 1,024 objects, far too
   * many runs, so a call of _read past the bound pushes nothing, and the
   * consumer's next read() resumes the pumping (see read()).
   */
  private pumpCatchUp(): void {
    const c = this.catchUp;
    if (c === undefined) return;
    while (!this.full && !this.stopping && !this.destroyed && this.readableLength < MAX_RUNS_WAITING) {
      const run = c.stream.read() as EncodedRecords | null;
      if (run === null) break;
      const tail = c.stretches.get(run.fileId!)?.tail;
      if (tail === undefined) {
        this.destroy(new FtplogError('ERR_INTERNAL', `a run of records of a file not handed to the worker threads (${run.file})`));
        return;
      }
      tail.emitted += run.count;
      if (!this.push(run)) this.full = true;
    }
  }

  /** Taking objects out may bring the stream under the bound for runs: the pumping resumes (after this read, not inside it). */
  override read(size?: number): unknown {
    const out: unknown = super.read(size);
    if (this.catchUp !== undefined && !this.pumpScheduled && this.readableLength < MAX_RUNS_WAITING) {
      this.pumpScheduled = true;
      queueMicrotask(() => {
        this.pumpScheduled = false;
        this.pumpCatchUp();
      });
    }
    return out;
  }

  /** The stretches are all out: each file goes on on this thread from where its stretch ends. */
  private catchUpDone(c: CatchUp): void {
    if (this.catchUp !== c) return;
    this.catchUp = undefined;
    addDropped(this.catchUpDropped, c.stream.stats.droppedBy ?? {});
    [...c.stretches.values()].forEach(({ tail, start, end }, i) => {
      const { input: _i, format, bytes: _b, ...read } = c.stream.stats.inputs[i]!;
      tail.continueAt({ offset: end, line: start.line + read.lines }, read, format);
      this.saveCheckpoint(tail);
    });
    if (this.timer !== undefined) this.clearTimer();
    if (!this.polling) setImmediate(() => this.timer === undefined && !this.polling && this.poll());
  }

  private dropCatchUp(): void {
    const c = this.catchUp;
    if (c === undefined) return;
    this.catchUp = undefined;
    c.stream.destroy();
  }

  /** A file that is now shorter than what was read of it is read again from its start, with a warning. */
  private checkShrink(t: FileTail): void {
    const before = t.size;
    const size = t.currentSize();
    if (size === undefined || size >= before) return;
    if (before > t.readOffset) this.copyTruncateLostBytes += before - t.readOffset;
    // The copy copytruncate made may be listed only after this: it must still be known as content already read.
    this.truncatedContent.unshift({ fingerprint: t.fingerprint, place: { ...this.checkpointPlace(t) } });
    this.truncatedContent.length = Math.min(this.truncatedContent.length, TRUNCATED_KEPT);
    this.emit(
      'warning',
      `${t.path}: truncated to ${size} bytes after ${t.readOffset} were read (copytruncate, or rewritten): reading it again from its start`,
    );
    t.restart();
    t.size = size;
    t.refreshFingerprint(this.options.fingerprintBytes);
  }

  private allRead(): boolean {
    if (this.catchUp !== undefined) return false;
    for (const t of this.tails.values()) if (t.open && !t.unrecognised && t.readOffset < t.size) return false;
    return true;
  }

  /** Rotated-away files idle for rotatedIdleMs are finished. */
  private finishIdleRotated(): void {
    const now = this.now();
    for (const t of this.tails.values()) {
      if (t.finished || t.rotatedAt === undefined) continue;
      if (t.readOffset < t.size || now - Math.max(t.lastActivity, t.rotatedAt) < this.options.rotatedIdleMs) continue;
      this.finishTail(t);
    }
  }

  private finishTail(t: FileTail): void {
    if (t.finished) return;
    t.finish();
    this.saveCheckpoint(t);
    this.retireIfDone(t);
  }

  /** A finished file whose records are all settled is dropped from the readers (its checkpoint stays until the file is gone). */
  private retireIfDone(t: FileTail): boolean {
    if (!t.finished || this.settledRecords(t) !== t.emitted) return false;
    this.tails.delete(t.key);
    this.settledByKey.delete(t.key);
    this.starts.delete(t.key);
    this.emit('retired', t.key);
    return true;
  }

  private settledRecords(t: FileTail): number {
    return this.settledByKey.get(t.key)?.records ?? 0;
  }

  /** Where a file's checkpoint stands: all settled → the last line dealt with; else the sink's settled position. */
  private checkpointPlace(t: FileTail): FilePlace {
    const p = this.settledByKey.get(t.key);
    // While workers read a stretch of the file, `done` is where that stretch began.
    if ((p?.records ?? 0) === t.emitted && this.catchUp?.stretches.has(t.key) !== true) return t.done;
    if (p?.position !== undefined) return { offset: p.position.offset, line: p.position.line };
    return this.starts.get(t.key) ?? { offset: 0, line: 0 };
  }

  private saveCheckpoint(t: FileTail): void {
    const store = this.options.checkpoints;
    if (store === undefined) return;
    const place = this.checkpointPlace(t);
    const old = store.get(t.key);
    if (old !== undefined && old.offset === place.offset && old.path === t.path && old.size === t.size) return;
    store.set({
      key: t.key,
      path: t.path,
      dev: t.dev,
      ino: t.ino,
      fingerprint: t.fingerprint.toString('base64'),
      offset: place.offset,
      line: place.line,
      size: t.size,
      seen: new Date(this.now()).toISOString(),
    });
    store.scheduleFlush();
  }

  /** Lists the matching files: new ones get a reader, known ones may have moved, missing ones are rotated. */
  private scan(): void {
    this.scanWanted = false;
    this.lastScanAt = performance.now();
    const first = this.scans++ === 0;
    const seen = new Set<string>();
    const now = this.now();
    const listed = this.selector.list();
    this.openFailures.keepOnly(new Set(listed));
    for (const path of listed) {
      let st;
      try {
        // bigint: a file index past 2^53 (NTFS, XFS) would round, and files next to each other would share a key.
        st = statSync(path, { bigint: true });
      } catch {
        continue; // gone between listing and looking
      }
      if (!st.isFile()) continue;
      const key = identityKey(st);
      if (seen.has(key)) continue; // a hard link, or the same file under two patterns
      seen.add(key);
      const known = this.tails.get(key);
      if (known !== undefined) {
        known.path = path;
        if (!known.finished) known.rotatedAt = undefined;
        continue;
      }
      const ignoreOlderMs = this.selector.settingsOf?.(path)?.ignoreOlderMs ?? this.options.ignoreOlderMs;
      if (ignoreOlderMs !== undefined && now - Number(st.mtimeMs) > ignoreOlderMs && this.options.checkpoints?.get(key) === undefined) continue;
      this.openTail(path, key, first);
    }
    for (const t of this.tails.values()) if (!seen.has(t.key) && t.rotatedAt === undefined) t.rotatedAt = now;
    this.pruneGone(seen);
    for (const key of this.waitingCopies.keys()) if (!seen.has(key)) this.waitingCopies.delete(key);
    if (this.options.watch !== false && this.options.follow) this.updateWatchers();
  }

  /** Checkpoints of files neither found nor being read are dropped. */
  private pruneGone(seen: Set<string>): void {
    const store = this.options.checkpoints;
    if (store === undefined) return;
    for (const e of store.all()) if (!seen.has(e.key) && !this.tails.has(e.key)) store.delete(e.key);
  }

  private openTail(path: string, key: string, firstScan: boolean): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (this.openFailures.failed(path, reason)) this.emit('warning', `${path}: cannot open (${reason}); trying again at each scan, without saying so again unless the reason changes`);
      return;
    }
    this.openFailures.opened(path);
    const st = fstatSync(fd, { bigint: true });
    const realKey = identityKey(st); // the file may have been replaced between stat and open
    const size = Number(st.size);
    const fingerprint = readFingerprint(fd, this.options.fingerprintBytes);
    if (!firstScan && this.mayBeCopyInProgress(realKey, fingerprint)) {
      closeSync(fd);
      this.scanWanted = true;
      return;
    }
    this.waitingCopies.delete(realKey);
    const start = this.startPlace(path, realKey, fingerprint, size, fd, firstScan);
    const tail = new FileTail(realKey, path, fd, Number(st.dev), Number(st.ino), fingerprint, start, this.settingsFor(path), (r) => this.pushRecord(r), this.tailEvents);
    tail.size = size;
    tail.modifiedAt = Number(st.mtimeMs);
    this.tails.set(realKey, tail);
    this.starts.set(realKey, { ...start });
    this.stats.inputs.push(tail.stats);
    this.everyTail.push(tail);
    if (realKey !== key) this.scanWanted = true;
    this.saveCheckpoint(tail);
  }

  /**
   * Whether a new file should wait for a later scan: all it holds so far
   * (nothing, or less than a fingerprint) is the start of content already
   * known, longer than it, so it may be a copy of that content still being
   * written. It waits COPY_WAIT_MS at most, then is taken as it is.
   */
  private mayBeCopyInProgress(key: string, fingerprint: Buffer): boolean {
    if (fingerprint.length >= this.options.fingerprintBytes) return false;
    const since = this.waitingCopies.get(key) ?? performance.now();
    if (performance.now() - since >= COPY_WAIT_MS) return false;
    const prefixOf = (known: Buffer): boolean => known.length > fingerprint.length && fingerprintsMatch(fingerprint, known);
    const known = [...this.tails.values()].some((t) => t.key !== key && prefixOf(t.fingerprint)) || this.truncatedContent.some((c) => prefixOf(c.fingerprint));
    if (known) this.waitingCopies.set(key, since);
    return known;
  }

  /** How a file is read: its group's settings over the source's, one object per group (catch-up pools group files by it). */
  private settingsFor(path: string): TailSettings {
    const group = this.selector.settingsOf?.(path);
    if (group === undefined) return this.settings;
    let merged = this.groupSettings.get(group);
    if (merged === undefined) {
      const { startAt: _s, ignoreOlderMs: _i, ...reading } = group;
      merged = { ...this.settings, ...reading };
      this.groupSettings.set(group, merged);
    }
    return merged;
  }

  /** Where to begin a file found by a scan. */
  private startPlace(path: string, key: string, fingerprint: Buffer, size: number, fd: number, firstScan: boolean): FilePlace {
    const cp = this.options.checkpoints?.get(key);
    if (cp !== undefined && fingerprintsMatch(Buffer.from(cp.fingerprint, 'base64'), fingerprint)) {
      if (size >= cp.offset) return { offset: cp.offset, line: cp.line };
      this.emit('warning', `${path}: now ${size} bytes, shorter than the ${cp.offset} already read: reading it again from its start`);
      return { offset: 0, line: 0 };
    }
    const copied = this.copiedPlace(key, fingerprint);
    if (copied !== undefined) return copied;
    if (firstScan && (this.selector.settingsOf?.(path)?.startAt ?? this.options.startAt) === 'end') return lastLineEnd(fd, size);
    return { offset: 0, line: 0 };
  }

  /**
   * A new file that begins with content already read (the copy copytruncate
   * makes): it starts where that content's checkpoint stands, so what was
   * settled is not sent again and what was not is read from the copy.
   */
  private copiedPlace(key: string, fingerprint: Buffer): FilePlace | undefined {
    for (const t of this.tails.values()) {
      if (t.key !== key && holdsContentOf(fingerprint, t.fingerprint)) return { ...this.checkpointPlace(t) };
    }
    for (const c of this.truncatedContent) if (holdsContentOf(fingerprint, c.fingerprint)) return { ...c.place };
    for (const e of this.options.checkpoints?.all() ?? []) {
      if (e.key !== key && !this.tails.has(e.key) && holdsContentOf(fingerprint, Buffer.from(e.fingerprint, 'base64'))) return { offset: e.offset, line: e.line };
    }
    return undefined;
  }

  private pushRecord(r: FtpLogRecord): void {
    if (!this.push(r)) this.full = true;
  }

  private readonly tailEvents: TailEvents = {
    unrecognised: (t) => this.emit('warning', unrecognisedWarning(t.path)),
    invalidUtf8: (t, line) => this.emit('warning', invalidUtf8Warning(t.path, line)),
  };

  private updateWatchers(): void {
    const want = new Set(this.selector.dirs());
    for (const [dir, w] of this.watchers) {
      if (!want.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.changed());
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // Not watchable (a network share, a folder not there yet): polling covers it.
      }
    }
  }

  /** A watched folder changed: look now rather than at the next poll. */
  private changed(): void {
    this.scanWanted = true;
    this.idlePolls = 0;
    if (this.timer !== undefined && !this.full) {
      this.clearTimer();
      setImmediate(() => {
        if (this.timer === undefined && !this.full) this.poll();
      });
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private closeWatchers(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/**
 * The end of the last complete line of a file (start-at end), with the
 * number of lines before it, counted by reading the file once.
 */
function lastLineEnd(fd: number, size: number): FilePlace {
  const buf = Buffer.allocUnsafe(256 * 1024);
  let offset = 0;
  let lines = 0;
  let lastEnd = 0;
  while (offset < size) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
    if (n === 0) break;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < n; i = buf.indexOf(0x0a, i + 1)) {
      lines++;
      lastEnd = offset + i + 1;
    }
    offset += n;
  }
  return { offset: lastEnd, line: lines };
}

function oldestFirst(a: FileTail, b: FileTail): number {
  return a.modifiedAt - b.modifiedAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** Just past the last `sep` byte before `size`, looking back at most 1 MiB; undefined if there is none there. */
function lastLineEndBefore(fd: number, size: number, sep: number): number | undefined {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0 && size - end < 1024 * 1024; ) {
    const from = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - from, from);
    const i = buf.subarray(0, n).lastIndexOf(sep);
    if (i >= 0) return from + i + 1;
    end = from;
  }
  return undefined;
}

/** Follows the files a selector lists (see FollowSource). */
export function followLogs(selector: FileSelector, options: FollowOptions): FollowSource {
  return new FollowSource(selector, options);
}

export type { InputStats };
