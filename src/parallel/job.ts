/**
 * One block of lines through split → parse → enrich → encode: the work a
 * worker thread does, as a pure function (the worker in worker.ts is a thin
 * message loop around it, and tests call it directly).
 *
 * Output is either JSONL (what `parse` writes) or OTLP-encoded records (what
 * the delivery queue takes; see src/otlp/encoded.ts). Line numbers are the
 * file's: the reader counts the line ends of the blocks before this one
 * (Job.startLine), so a record's line number can be encoded with it here.
 */
import { Buffer } from 'node:buffer';
import type { FtpLogRecord, LogFormat } from '../model.js';
import { LineCutter, type LineEncoding } from '../split/line-cutter.js';
import type { LineEnd } from '../split/line-end.js';
import { LineParser } from '../formats/line-parser.js';
import { RecordsPipeline } from '../records/pipeline.js';
import type { RecordTransform, TransformSpec } from '../records/transforms.js';
import type { CountingEnricher } from '../enrich/enrich.js';
import { JsonLineEncoder, JsonLineWriter } from '../jsonl/json-bytes.js';
import { EncodedRecordsBuilder, type OtlpEncoding, type SpareBuffers } from '../otlp/encoded.js';
import { ProtobufEncoder } from '../otlp/encode-protobuf.js';
import { recordFormat } from '../otel/resource.js';
import type { FormatOption } from '../formats/detect.js';
import { recordsCounts, type InputTotals } from '../sources/log-files.js';

export type JobOutput = 'jsonl' | OtlpEncoding;

export interface JobSettings {
  output: JobOutput;
  encoding: LineEncoding;
  maxLineBytes: number;
  /** Record transforms, as data: every thread builds the same chain from them. */
  transforms?: readonly TransformSpec[];
}

export interface Job {
  seq: number;
  file: string | undefined;
  format: FormatOption;
  startOffset: number;
  /** Lines of the input before the block's first (its first line is startLine + 1). @default 0 */
  startLine?: number;
  prefix?: Uint8Array;
  skipped?: number;
  bytes: Uint8Array;
  /** The input's line end (BlockCutter decides it on the input's first bytes; a block alone cannot). @default 'lf' */
  lineEnd?: LineEnd;
  /** Format 'auto': a block whose lines show no known format is left out (counted in `unrecognised`), not turned into parse errors. */
  skipUnrecognised?: boolean;
  /** The input was given up on in an earlier block: every line is counted in `unrecognised`, none parsed. */
  skipAll?: boolean;
}

/** Counters of one block, summed by the reader into its per-input stats. */
export type JobCounts = Omit<InputTotals, 'bytes'>;

/** One run of OTLP-encoded records (a block holds several when its records change format). */
export interface JobRun {
  format: LogFormat | undefined;
  bytes: Uint8Array;
  ends: Uint32Array;
  /** Line numbers in the input; 0 for a record without a position. */
  lines: Float64Array;
  offsets: Float64Array;
}

export interface JobResult {
  seq: number;
  /** Format the block's parser settled on (auto-detection), if any. */
  format: LogFormat | undefined;
  counts: JobCounts;
  /** output 'jsonl': the block's JSON lines. */
  jsonl?: Uint8Array;
  /** OTLP outputs: the block's records. */
  runs?: JobRun[];
  /** The block was given up on as not a known format (Job.skipUnrecognised). */
  gaveUp?: boolean;
  /** Number (in the input) of the block's first line that is not valid UTF-8, when it has one (counts.invalidUtf8 counts them). */
  firstInvalidUtf8Line?: number;
  /** Records the transforms dropped, by reason, when they dropped any (counts.dropped is their sum). */
  dropped?: Record<string, number>;
}

/**
 * The ArrayBuffers of a result, for postMessage's transfer list. Each one
 * belongs to the result alone (never Buffer's shared pool). Empty ones are
 * left out: there is nothing to gain by moving them, and an empty view may
 * be of a buffer shared by every empty result (JsonLineWriter.take() with
 * nothing written), which a transfer would detach for the next one.
 */
export function transferList(r: JobResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (view: ArrayBufferView): void => {
    if (view.byteLength > 0) out.push(view.buffer as ArrayBuffer);
  };
  if (r.jsonl !== undefined) add(r.jsonl);
  for (const run of r.runs ?? []) {
    add(run.bytes);
    add(run.ends);
    add(run.lines);
    add(run.offsets);
  }
  return out;
}

/**
 * First size of a block's output buffer: room for all of it at `expansion`
 * times the block's bytes, rounded up to 128 KiB (blocks of about the same
 * size then ask for the same size, and reuse each other's buffers), within
 * 128 KiB..16 MiB; a block with a line far longer than that grows its
 * buffer as needed.
 */
function outputRoom(expansion: number, blockBytes: number): number {
  const unit = 128 * 1024;
  return Math.min(16 * 1024 * 1024, Math.max(unit, Math.ceil((expansion * blockBytes) / unit) * unit));
}

/**
 * Output buffers handed back to a thread, reused for the runs it encodes
 * next: a run's buffer is then memory already in use rather than a new
 * allocation that only a later collection frees. At most `limit` are kept;
 * the most recently returned is used first.
 */
export class SparePool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly limit: number) {}

  add(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) if (b.byteLength > 0 && this.free.length < this.limit) this.free.push(b);
  }

  /** The most recently returned buffer if it has at least `minBytes` (a smaller one is let go), or undefined. */
  readonly take: SpareBuffers = (minBytes) => {
    let b: ArrayBuffer | undefined;
    while ((b = this.free.pop()) !== undefined) if (b.byteLength >= minBytes) return Buffer.from(b);
    return undefined;
  };
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The encoders of one thread: what they remember from record to record (key
 * orders, values that repeat, the day of the times) carries over from block
 * to block.
 */
export class JobEncoders {
  readonly jsonl = new JsonLineEncoder();
  readonly protobuf = new ProtobufEncoder();
}

/**
 * Runs a block through the pipeline with `enrich` (one enricher per thread:
 * it caches time-zone offsets), `encoders` (one per thread too) and
 * `transform` (the chain the thread built from settings.transforms); the
 * output (JSONL or OTLP runs) goes into buffers from `spare` when it has
 * some.
 */
export function runJob(
  job: Job,
  settings: JobSettings,
  enrich: CountingEnricher,
  spare?: SparePool,
  encoders = new JobEncoders(),
  transform?: RecordTransform,
): JobResult {
  const cutter = new LineCutter({
    maxLineBytes: settings.maxLineBytes,
    encoding: settings.encoding,
    startOffset: job.startOffset,
    startLine: job.startLine ?? 0,
    lineEnd: job.lineEnd ?? 'lf',
    ...(job.file !== undefined ? { file: job.file } : {}),
  });

  const jsonl = settings.output === 'jsonl' ? new JsonLineWriter(outputRoom(12, job.bytes.length), spare?.take, encoders.jsonl) : undefined;
  const runs: JobRun[] = [];
  let builder: EncodedRecordsBuilder | undefined;
  const seal = (): void => {
    if (builder === undefined || builder.count === 0) return;
    const run = builder.finish(false);
    runs.push({ format: run.format, bytes: run.bytes, ends: run.ends, lines: run.lines, offsets: run.offsets });
  };

  let onRecord: (r: FtpLogRecord) => void;
  const output = settings.output;
  if (output === 'jsonl') {
    onRecord = (r) => jsonl!.write(r);
  } else {
    const protocol = output;
    onRecord = (r) => {
      const format = recordFormat(r.attributes);
      if (builder === undefined || builder.format !== format) {
        seal();
        // Room for the block's records at once: OTLP protobuf is 5-6x the log
        // text (generated logs: EFT 4.9x, NcFTPd 6.0x), and a run's buffer
        // that had to grow is not reused.
        builder = new EncodedRecordsBuilder(protocol, format, job.file, outputRoom(7, job.bytes.length), spare?.take, encoders.protobuf);
      }
      builder.add(r);
    };
  }
  const parser = new LineParser(job.format, { skipUnrecognised: job.skipUnrecognised === true });
  if (job.skipAll === true) parser.skipAll();
  const pipeline = new RecordsPipeline(cutter, parser, enrich, onRecord, transform);
  let firstInvalidUtf8Line: number | undefined;
  pipeline.onInvalidUtf8 = (line) => {
    firstInvalidUtf8Line = line;
  };
  if (job.prefix !== undefined) {
    pipeline.push(asBuffer(job.prefix));
    pipeline.skip(job.skipped ?? 0);
  }
  pipeline.push(asBuffer(job.bytes));
  pipeline.end();

  const result: JobResult = { seq: job.seq, format: pipeline.stats.parse.format, counts: recordsCounts(pipeline.stats) };
  if (parser.skipping && job.skipAll !== true) result.gaveUp = true;
  if (firstInvalidUtf8Line !== undefined) result.firstInvalidUtf8Line = firstInvalidUtf8Line;
  if (result.counts.dropped > 0) result.dropped = pipeline.stats.transform.dropped;
  if (jsonl !== undefined) {
    result.jsonl = jsonl.take();
  } else {
    seal();
    result.runs = runs;
  }
  return result;
}
