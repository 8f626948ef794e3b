/**
 * One followed file: an open handle, how far it has been read, and the
 * record pipeline its bytes go through.
 *
 * The handle stays open while the file is followed, so a file renamed or
 * deleted while being read is finished from it. Reads are synchronous and
 * bounded (`readChunkBytes` at a time): the caller decides when to read and
 * how much, which is how backpressure reaches the file. A last line without
 * its line end stays in the line cutter (never emitted, never covered by
 * `done`) until more bytes complete it, or until the file is finished.
 *
 * `done` is the position up to which every line has been dealt with:
 * emitted as a record, skipped (blank, header), or dropped by a transform.
 * Lines held for format detection are not done yet.
 */
import { Buffer } from 'node:buffer';
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { FtpLogRecord } from '../../model.js';
import { LineCutter, type LineEncoding } from '../../split/line-cutter.js';
import { LineParser } from '../../formats/line-parser.js';
import type { FormatOption } from '../../formats/detect.js';
import { createCountingEnricher } from '../../enrich/enrich.js';
import { RecordsPipeline } from '../../records/pipeline.js';
import { addDropped, compileTransforms, type TransformSpec } from '../../records/transforms.js';
import { readFingerprint } from './identity.js';
import { newInputStats, recordsCounts, type InputStats } from '../log-files.js';

export interface TailSettings {
  format: FormatOption;
  timezone: string;
  encoding: LineEncoding;
  maxLineBytes: number;
  transforms: readonly TransformSpec[];
  /**
   * Where reads land, shared by every file of a source: reads are
   * synchronous and the pipeline keeps no reference to a chunk, so one
   * buffer serves a hundred files. Its length is the read size.
   */
  readBuffer: Buffer;
  /** Clock for observed timestamps. */
  now: () => number;
}

/** A place in a file: the byte offset just past a line, and that line's number. */
export interface FilePlace {
  offset: number;
  line: number;
}

/** What a file's reader tells its source: each at most once per file. */
export interface TailEvents {
  /** The file's lines show no known format: nothing more is read from it. */
  unrecognised(tail: FileTail): void;
  /** The file's first line that is not valid UTF-8, by its number. */
  invalidUtf8(tail: FileTail, line: number): void;
}

export class FileTail {
  /** Where the file is found now (it may have been renamed since it was opened). */
  path: string;
  /** Set once the file is no longer at a matched path (renamed away, deleted, replaced). */
  rotatedAt: number | undefined;
  /** Next byte to read. */
  readOffset: number;
  /** Every line before this is dealt with. */
  done: FilePlace;
  /** Records emitted so far (over restarts of the file). */
  emitted = 0;
  /** Size at the last look. */
  size = 0;
  /** When bytes were last read (or the file opened). */
  lastActivity: number;
  /** When the file was last modified as it was opened: files are read oldest first. */
  modifiedAt = 0;
  /** Set when the file's format was not recognised: nothing more is read from it. */
  unrecognised = false;
  finished = false;
  readonly stats: InputStats;
  private fd: number | undefined;
  private pipeline!: RecordsPipeline;
  private parser!: LineParser;
  private cutter!: LineCutter;
  private observed = 0;
  /** Number of the last line cut. */
  private cutLine = 0;
  /** Counts of pipelines the file had before a restart from its start. */
  private earlier = newInputStats('', undefined);
  /** What the transforms of those pipelines dropped, by reason. */
  private readonly earlierDropped: Record<string, number> = {};
  /** A line not valid UTF-8 was reported (once per file, whichever thread read it). */
  private invalidUtf8Reported = false;

  constructor(
    readonly key: string,
    path: string,
    fd: number,
    readonly dev: number,
    readonly ino: number,
    /** The file's first bytes, as far as they have been seen. */
    public fingerprint: Buffer,
    start: FilePlace,
    /** How the file is read (its group's, when the selector gives files their own). */
    readonly settings: TailSettings,
    private readonly emit: (r: FtpLogRecord) => void,
    private readonly events: TailEvents,
  ) {
    this.path = path;
    this.fd = fd;
    this.readOffset = start.offset;
    this.done = { ...start };
    this.cutLine = start.line;
    this.lastActivity = settings.now();
    this.stats = newInputStats(path, undefined);
    this.startPipeline(start);
  }

  get open(): boolean {
    return this.fd !== undefined;
  }

  /** The open handle (undefined once closed). */
  get handle(): number | undefined {
    return this.fd;
  }

  /** The format the file's lines were found in, once known. */
  get format(): string | undefined {
    return this.pipeline.stats.parse.format;
  }

  /** How its lines end, once the cutter has decided. */
  get lineEnd(): 'lf' | 'cr' | undefined {
    return this.cutter.lineEnd;
  }

  /**
   * Lines up to `place` were read elsewhere (worker threads, from this
   * file's handle), with counts `read`: reading goes on from there.
   * Only when nothing is held (heldBytes 0).
   */
  continueAt(place: FilePlace, read: Omit<InputStats, 'input' | 'format' | 'bytes'>, format: string | undefined): void {
    this.keepCounts(read);
    if (format !== undefined) this.stats.format = format;
    this.readOffset = place.offset;
    this.done = { ...place };
    this.cutLine = place.line;
    this.lastActivity = this.settings.now();
    this.startPipeline(this.done);
    this.snapshot();
  }

  /** Records the transforms dropped from the file on this thread, by reason (the worker threads' drops are the reader's to count). */
  droppedBy(): Record<string, number> {
    const all = { ...this.earlierDropped };
    addDropped(all, this.pipeline.stats.transform.dropped);
    return all;
  }

  /** Bytes held for an incomplete last line. */
  get heldBytes(): number {
    return this.readOffset - this.done.offset;
  }

  /** The file's size now, from its open handle; undefined once closed. */
  currentSize(): number | undefined {
    if (this.fd === undefined) return undefined;
    this.size = fstatSync(this.fd).size;
    return this.size;
  }

  /** Reads the file's first bytes again, while they are fewer than `bytes` (a file that was short when opened). */
  refreshFingerprint(bytes: number): void {
    if (this.fd !== undefined) this.fingerprint = readFingerprint(this.fd, bytes);
  }

  /**
   * Reads at most one chunk of new bytes into the pipeline. Returns the
   * bytes read: 0 at the end of the file (for now).
   */
  read(): number {
    if (this.fd === undefined || this.unrecognised) return 0;
    const buf = this.settings.readBuffer;
    const n = readSync(this.fd, buf, 0, buf.length, this.readOffset);
    if (n === 0) return 0;
    this.readOffset += n;
    this.lastActivity = this.settings.now();
    this.observed = this.lastActivity;
    // The pipeline keeps no reference to the chunk past push() (the cutter copies an unfinished tail).
    this.pipeline.push(buf.subarray(0, n));
    this.snapshot();
    return n;
  }

  /**
   * The file was truncated or shrank: it is read again from its start. The
   * line held incomplete (if any) is dropped with the old content.
   */
  restart(): void {
    this.keepCounts();
    this.earlier.bytes = this.stats.bytes;
    this.readOffset = 0;
    this.done = { offset: 0, line: 0 };
    this.cutLine = 0;
    this.startPipeline(this.done);
  }

  /** Finishes the file: an incomplete last line is emitted as it is, and the handle closed. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.observed = this.settings.now();
    if (!this.unrecognised) this.pipeline.end();
    this.done = { offset: this.readOffset, line: this.cutLine };
    this.snapshot();
    this.close();
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone: nothing to release.
    }
    this.fd = undefined;
  }

  private startPipeline(start: FilePlace): void {
    const s = this.settings;
    this.cutter = new LineCutter({ file: this.path, fileId: this.key, encoding: s.encoding, maxLineBytes: s.maxLineBytes, startOffset: start.offset, startLine: start.line });
    this.parser = new LineParser(s.format, { skipUnrecognised: true, onUnrecognised: () => this.gaveUp() });
    const enrichOne = createCountingEnricher({ timezone: s.timezone, now: () => this.observed });
    const parser = this.parser;
    this.pipeline = new RecordsPipeline(
      this.cutter,
      parser,
      enrichOne,
      (r) => {
        this.emitted++;
        this.emit(r);
      },
      compileTransforms(s.transforms),
      (line) => {
        this.cutLine = line.position.line;
        if (!parser.holding) this.done = { offset: line.position.offset, line: line.position.line };
      },
    );
    this.pipeline.onInvalidUtf8 = (line) => this.invalidUtf8(line);
  }

  /** A line that is not valid UTF-8 (found here, or by the worker threads): the first one is reported. */
  invalidUtf8(line: number): void {
    if (this.invalidUtf8Reported) return;
    this.invalidUtf8Reported = true;
    this.events.invalidUtf8(this, line);
  }

  /** The file's lines show no known format (found here, or by the worker threads): nothing more is read from it. */
  gaveUp(): void {
    if (this.unrecognised) return;
    this.unrecognised = true;
    this.events.unrecognised(this);
  }

  /** Before the pipeline is replaced: its counts so far (and `read`, counted elsewhere) go into `earlier`. Bytes are the caller's to keep. */
  private keepCounts(read?: Omit<InputStats, 'input' | 'format' | 'bytes'>): void {
    this.snapshot();
    addDropped(this.earlierDropped, this.pipeline.stats.transform.dropped);
    const { input: _i, format: _f, bytes: _b, ...counts } = this.stats;
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) this.earlier[k] = counts[k] + (read?.[k] ?? 0);
  }

  private snapshot(): void {
    const c = recordsCounts(this.pipeline.stats);
    const e = this.earlier;
    Object.assign(this.stats, {
      input: this.path,
      format: this.pipeline.stats.parse.format ?? this.stats.format,
      lines: e.lines + c.lines,
      records: e.records + c.records,
      parseErrors: e.parseErrors + c.parseErrors,
      skippedBlank: e.skippedBlank + c.skippedBlank,
      skippedHeader: e.skippedHeader + c.skippedHeader,
      truncated: e.truncated + c.truncated,
      success: e.success + c.success,
      failure: e.failure + c.failure,
      unknown: e.unknown + c.unknown,
      dropped: e.dropped + c.dropped,
      unrecognised: e.unrecognised + c.unrecognised,
      invalidUtf8: e.invalidUtf8 + c.invalidUtf8,
      bytes: e.bytes + this.readOffset,
    });
  }
}
