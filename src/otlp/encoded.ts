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
import { ByteWriter, type SpareBuffers } from '../bytes.js';
import { ProtobufEncoder } from './encode-protobuf.js';
import { encodeLogRecordEntryJson } from './encode-json.js';

export type { SpareBuffers } from '../bytes.js';

/** How encoded records are written: the body encodings of OTLP/HTTP (gRPC carries the protobuf one). */
export type OtlpEncoding = 'http/protobuf' | 'http/json';

export interface EncodedRecords {
  /** Marks the object for stream stages that take records or runs. */
  readonly kind: 'encoded-records';
  readonly protocol: OtlpEncoding;
  /** Log format of every record in the run (it selects the resource). */
  readonly format: LogFormat | undefined;
  readonly count: number;
  readonly bytes: Uint8Array;
  /** ends[i] is the end of record i in `bytes`. */
  readonly ends: Uint32Array;
  /** Source file of every record in the run; undefined for stdin and records without one. */
  readonly file: string | undefined;
  /** Identity of that file, when it is not its path (followed files). */
  readonly fileId?: string | undefined;
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

/** Scratch room kept by a RecordEntryEncoder between records; a larger buffer (a huge record) is let go. */
const ENTRY_SCRATCH_KEEP = 1024 * 1024;

/** Encodes records one at a time, each into the same scratch buffer: for a sink that encodes on its own thread. */
export class RecordEntryEncoder {
  private readonly scratch = new ByteWriter(16 * 1024);
  private readonly protobuf = new ProtobufEncoder();

  constructor(readonly protocol: OtlpEncoding) {}

  /** The record's bytes as they stand inside a request; a view valid until the next encode(). */
  encode(r: FtpLogRecord): Uint8Array {
    if (this.protocol !== 'http/protobuf') return Buffer.from(encodeLogRecordEntryJson(r), 'utf8');
    const w = this.scratch;
    w.rewind();
    this.protobuf.putRecord(w, r);
    return w.buf.length > ENTRY_SCRATCH_KEEP ? w.take() : w.buf.subarray(0, w.pos);
  }
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

/**
 * Collects encoded records of one format and one source file into a run.
 * Growth is by doubling; finish() returns the run and starts afresh. A run's
 * first buffer comes from `spare` when it has one. Records given to add()
 * are encoded by `protobuf` (one per thread, so that what it remembers from
 * record to record outlives the run), or by one of the builder's own.
 */
export class EncodedRecordsBuilder {
  private readonly out: ByteWriter;
  private ends: number[] = [];
  private lines: number[] = [];
  private offsets: number[] = [];

  constructor(
    readonly protocol: OtlpEncoding,
    readonly format: LogFormat | undefined,
    readonly file: string | undefined,
    private readonly initialBytes = 64 * 1024,
    spare?: SpareBuffers,
    private protobuf?: ProtobufEncoder,
    readonly fileId?: string,
  ) {
    // Allocated on first use, never from Buffer's shared pool: the bytes may be
    // transferred to another thread.
    this.out = new ByteWriter(initialBytes, spare);
  }

  get count(): number {
    return this.ends.length;
  }

  get byteLength(): number {
    return this.out.pos;
  }

  /** Appends one record's bytes (from RecordEntryEncoder.encode()) with the record's position. */
  append(entry: Uint8Array, position: SourcePosition | undefined): void {
    const out = this.out;
    out.ensure(entry.length);
    out.buf.set(entry, out.pos);
    this.ended(out.pos + entry.length, position);
  }

  /** Records that a record's bytes end at `end`, and its position. */
  private ended(end: number, position: SourcePosition | undefined): void {
    this.out.pos = end;
    this.ends.push(end);
    this.lines.push(position === undefined ? 0 : position.line);
    this.offsets.push(position === undefined ? 0 : position.offset);
  }

  /** Encodes and appends a record, straight into the run's buffer. */
  add(r: FtpLogRecord): void {
    const out = this.out;
    if (this.protocol !== 'http/protobuf') {
      const json = encodeLogRecordEntryJson(r);
      out.ensure(3 * json.length);
      this.ended(out.pos + out.buf.write(json, out.pos, 'utf8'), r.position);
      return;
    }
    const start = out.pos;
    try {
      (this.protobuf ??= new ProtobufEncoder()).putRecord(out, r);
    } catch (err) {
      out.pos = start; // nothing of a record that fails
      throw err;
    }
    this.ended(out.pos, r.position);
  }

  /**
   * The run so far; the builder is empty afterwards. With `copy` (the
   * default) the bytes are an exact-size copy; without, they are a view of
   * the builder's own buffer, which the builder then leaves to the run (no
   * copy, some unused room kept with it).
   */
  finish(copy = true): EncodedRecords {
    const out = this.out;
    let bytes: Buffer;
    if (copy) {
      bytes = out.copy();
      out.rewind();
      // A buffer that had to grow far is let go.
      if (out.buf.length > 4 * this.initialBytes) out.take();
    } else {
      // A new buffer is taken on the next append.
      bytes = out.take();
    }
    const run: EncodedRecords = {
      kind: 'encoded-records',
      protocol: this.protocol,
      format: this.format,
      count: this.ends.length,
      bytes,
      ends: Uint32Array.from(this.ends),
      file: this.file,
      ...(this.fileId !== undefined ? { fileId: this.fileId } : {}),
      lines: Float64Array.from(this.lines),
      offsets: Float64Array.from(this.offsets),
    };
    this.ends = [];
    this.lines = [];
    this.offsets = [];
    return run;
  }
}
