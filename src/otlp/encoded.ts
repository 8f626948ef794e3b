/**
 * Records encoded ahead of their export request: the unit the delivery queue
 * holds, and what worker threads hand back (see src/parallel/).
 *
 * A run of records is the bytes each record takes inside an OTLP request,
 * concatenated (protobuf: ScopeLogs.log_records fields; JSON: LogRecord
 * objects each followed by a comma), the end of each record in those bytes,
 * and each record's source position. Any contiguous range of a run can be put
 * in a request by encodeLogsProtobufEnvelope()/encodeLogsJsonEnvelope()
 * without re-encoding, so a batch can be cut, retried or split at any record.
 * Pure: no streams.
 */
import { Buffer } from 'node:buffer';
import type { FtpLogRecord, LogFormat, SourcePosition } from '../model.js';
import { positionAt } from '../positions.js';
import { appendLogRecordEntryProtobuf, encodeLogRecordEntryProtobuf } from './encode-protobuf.js';
import { encodeLogRecordEntryJson } from './encode-json.js';

const EMPTY = Buffer.alloc(0);

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface EncodedRecords {
  /** Marks the object for stream stages that take records or runs. */
  readonly kind: 'encoded-records';
  readonly protocol: OtlpProtocol;
  /** Log format of every record in the run (it selects the resource). */
  readonly format: LogFormat | undefined;
  readonly count: number;
  readonly bytes: Uint8Array;
  /** ends[i] is the end of record i in `bytes`. */
  readonly ends: Uint32Array;
  /** Source file of every record in the run; undefined for stdin and records without one. */
  readonly file: string | undefined;
  /** Per record: 1-based line number in the source, or 0 when the record has no position. */
  readonly lines: Float64Array;
  /** Per record: byte offset just past the line's terminator. */
  readonly offsets: Float64Array;
  /**
   * Present on runs whose memory can be used again (runs from
   * readLogsParallel()): a consumer that is done with `bytes` calls it once,
   * and must not read `bytes` afterwards (the buffer is handed back to the
   * threads that encode, and the view becomes empty). `ends`, `lines` and
   * `offsets` stay readable. A consumer that never calls it leaves the
   * memory to the garbage collector, as for any other buffer.
   */
  readonly release?: () => void;
}

export function isEncodedRecords(v: unknown): v is EncodedRecords {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'encoded-records';
}

/** The record's bytes as they stand inside a request; a view valid until the next encode call. */
export function encodeRecordEntry(protocol: OtlpProtocol, r: FtpLogRecord): Uint8Array {
  if (protocol === 'http/protobuf') return encodeLogRecordEntryProtobuf(r);
  return Buffer.from(encodeLogRecordEntryJson(r), 'utf8');
}

/** Start of record `i` in the run's bytes. */
export function recordStart(run: EncodedRecords, i: number): number {
  return i === 0 ? 0 : run.ends[i - 1]!;
}

/** Bytes of records [from, to) of a run. */
export function rangeBytes(run: EncodedRecords, from: number, to: number): number {
  return to <= from ? 0 : run.ends[to - 1]! - recordStart(run, from);
}

/** Source position of record `i`, or undefined when it had none. */
export function recordPosition(run: EncodedRecords, i: number): SourcePosition | undefined {
  return positionAt(run, i);
}

/** Gives a buffer of at least `minBytes` to reuse, or undefined to allocate a new one. */
export type SpareBuffers = (minBytes: number) => Buffer | undefined;

/**
 * Collects encoded records of one format and one source file into a run.
 * Growth is by doubling; finish() returns the run and starts afresh. A run's
 * first buffer comes from `spare` when it has one.
 */
export class EncodedRecordsBuilder {
  private buf: Buffer;
  private used = 0;
  private ends: number[] = [];
  private lines: number[] = [];
  private offsets: number[] = [];

  constructor(
    readonly protocol: OtlpProtocol,
    readonly format: LogFormat | undefined,
    readonly file: string | undefined,
    private readonly initialBytes = 64 * 1024,
    private readonly spare?: SpareBuffers,
  ) {
    // Allocated on first use, never from Buffer's shared pool: the bytes may be
    // transferred to another thread.
    this.buf = EMPTY;
  }

  get count(): number {
    return this.ends.length;
  }

  get byteLength(): number {
    return this.used;
  }

  /** Appends one record's bytes (from encodeRecordEntry()) with the record's position. */
  append(entry: Uint8Array, position: SourcePosition | undefined): void {
    this.reserve(entry.length);
    this.buf.set(entry, this.used);
    this.ended(this.used + entry.length, position);
  }

  /** Records that a record's bytes end at `end`, and its position. */
  private ended(end: number, position: SourcePosition | undefined): void {
    this.used = end;
    this.ends.push(end);
    this.lines.push(position === undefined ? 0 : position.line);
    this.offsets.push(position === undefined ? 0 : position.offset);
  }

  /** Room for `extra` more bytes: doubling, from the initial size; never from the shared pool. */
  private reserve(extra: number): void {
    const need = this.used + extra;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, this.initialBytes);
    while (size < need) size *= 2;
    const bigger = (this.used === 0 ? this.spare?.(size) : undefined) ?? Buffer.allocUnsafeSlow(size);
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }

  /** Encodes and appends a record, straight into the run's buffer. */
  add(r: FtpLogRecord): void {
    if (this.protocol !== 'http/protobuf') {
      const json = encodeLogRecordEntryJson(r);
      this.reserve(3 * json.length);
      this.ended(this.used + this.buf.write(json, this.used, 'utf8'), r.position);
      return;
    }
    // At least 4 KiB of room: if the encoder must grow the buffer, its new one
    // (twice the size) is then too large to come from Buffer's shared pool.
    this.reserve(4096);
    const { buf, end } = appendLogRecordEntryProtobuf(this.buf, this.used, r);
    this.buf = buf;
    this.ended(end, r.position);
  }

  /**
   * The run so far; the builder is empty afterwards. With `copy` (the
   * default) the bytes are an exact-size copy; without, they are a view of
   * the builder's own buffer, which the builder then leaves to the run (no
   * copy, some unused room kept with it).
   */
  finish(copy = true): EncodedRecords {
    let bytes: Buffer;
    if (copy) {
      bytes = Buffer.allocUnsafeSlow(this.used);
      this.buf.copy(bytes, 0, 0, this.used);
    } else {
      bytes = this.buf.subarray(0, this.used);
      // A new buffer is taken on the next append.
      this.buf = EMPTY;
    }
    const run: EncodedRecords = {
      kind: 'encoded-records',
      protocol: this.protocol,
      format: this.format,
      count: this.ends.length,
      bytes,
      ends: Uint32Array.from(this.ends),
      file: this.file,
      lines: Float64Array.from(this.lines),
      offsets: Float64Array.from(this.offsets),
    };
    this.used = 0;
    this.ends = [];
    this.lines = [];
    this.offsets = [];
    if (this.buf.length > 4 * this.initialBytes) this.buf = EMPTY;
    return run;
  }
}
