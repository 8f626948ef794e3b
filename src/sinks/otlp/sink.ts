/**
 * otlpSink(): a Writable that delivers records to an OTLP/HTTP collector
 * without losing any.
 *
 * Design. Records wait in one bounded queue, counted by records and by
 * encoded bytes; the queue holds the records not yet batched,
 * the batches ready to send, the batches in flight and the batches waiting to
 * be retried. A write's callback is held while the queue is full, so the
 * upstream pipeline — and the file reader behind it — waits: memory stays
 * bounded however slow or absent the collector is, and nothing is dropped.
 * Batches are cut by size, by bytes, by age (maxBatchDelayMs) and when the
 * resource changes; up to maxInFlight requests run at once. Retryable failures
 * (network errors, 429, 502, 503, 504) retry the same records with capped
 * exponential backoff, without limit unless maxRetryTimeMs is set; 413 splits
 * the batch; other refusals go to the dead-letter file.
 *
 * Records are encoded when they enter the queue (or arrive encoded, as runs
 * from worker threads: see src/otlp/encoded.ts), so the byte bound counts
 * exact encoded bytes and a retry or a 413 split re-sends the same bytes
 * without re-encoding; a request body is only the records' bytes behind a
 * small envelope (and gzip, when enabled). Refused records are decoded back
 * for the dead-letter file.
 *
 * Acknowledgements: every record gets a sequence number on write. When the
 * collector has answered 2xx for every record up to some point, the sink
 * emits 'ack' with the position of the last of them, in order; follow mode
 * checkpoints on it and `ship` derives its exit status from it.
 */
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Attributes, FtpLogRecord, LogFormat, SourcePosition } from '../../model.js';
import { encodeLogsProtobufEnvelopeHead } from '../../otlp/encode-protobuf.js';
import { encodeLogsJsonEnvelopeParts } from '../../otlp/encode-json.js';
import {
  EncodedRecordsBuilder,
  encodeRecordEntry,
  isEncodedRecords,
  rangeBytes,
  recordPosition,
  recordStart,
  type EncodedRecords,
} from '../../otlp/encoded.js';
import { decodePartialSuccessJson, decodePartialSuccessProtobuf } from '../../otlp/response.js';
import { recordFormat } from '../../otel/resource.js';
import { FtplogError, invalidOption, positiveIntOption } from '../../errors.js';
import type { OtlpConfig } from './config.js';
import { HttpTransport, type HttpResponse } from './transport.js';
import { DEFAULT_BACKOFF, backoffDelay, classifyError, classifyStatus, type BackoffOptions, type Verdict } from './retry.js';
import { DeadLetterFile } from './dead-letter.js';

/**
 * zlib's output buffer size for request bodies. zlib writes into a buffer of
 * this size and starts a new one when it is full, so with the default 16 KiB
 * a request left ~20 small buffers in the malloc arena for a later
 * collection; a 1 MiB buffer holds a whole body of a full batch (4 MiB at
 * most before compression, ~13% of that at level 1), comes from mmap, costs
 * memory only for the pages zlib writes, and goes back to the system when
 * collected. Measured (`ship` gzip, 2 workers, 1 GiB NcFTPd log, runs
 * alternated): peak RSS 130/131 MB against 144-154 MB with 16 KiB, and the
 * same compression time (4 bodies of 2 MiB in flight: 374 against 389 ms of
 * CPU for 64 MiB).
 */
const GZIP_CHUNK_BYTES = 1024 * 1024;

/**
 * gzip of `parts` one after the other, as the pieces zlib writes out. The
 * parts are fed to zlib as they are: joining them first would make a copy
 * the size of the request for every request, freed only by a later
 * collection. Measured (`ship` gzip, 2 workers, 1 GiB NcFTPd log): 183 MB
 * peak RSS with the join.
 */
function gzipParts(parts: readonly Uint8Array[], level: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    // memLevel 9 (zlib's largest hash table, ~128 KiB more per request being
    // compressed): measured on request bodies of the generated logs at level 1,
    // 3-10% more bytes compressed per CPU second than the default 8, and
    // bodies no larger.
    const gz = createGzip({ level, memLevel: 9, chunkSize: GZIP_CHUNK_BYTES });
    const out: Buffer[] = [];
    gz.on('data', (chunk: Buffer) => out.push(chunk));
    gz.once('error', reject);
    gz.once('end', () => resolve(out));
    for (const p of parts) gz.write(p);
    gz.end();
  });
}

/**
 * gzip level of request bodies. Measured (`ship`, 1M EFT lines, 2 workers):
 * level 1 sends 111k records/s with bodies at 12.8% of their size, level 6
 * 90k-103k records/s at 9.1%; compression competes with parsing for the CPU.
 */
export const DEFAULT_GZIP_LEVEL = 1;

export interface OtlpSinkOptions {
  /** Endpoint, protocol, headers, compression, timeout, TLS (see resolveOtlpConfig()). */
  config: OtlpConfig;
  /** Resource attributes, or a function of the record's format (for per-format service.name). */
  resource: Attributes | ((format: LogFormat | undefined) => Attributes);
  /** Instrumentation scope. @default { name: 'ftplog-otel' } */
  scope?: { name: string; version?: string };
  /** Most records queued (pending, ready, in flight, awaiting retry). @default 16384 */
  maxQueueRecords?: number;
  /** Most encoded bytes queued. @default 33554432 (32 MiB) */
  maxQueueBytes?: number;
  /** Most records in one request. @default 2048 */
  maxBatchRecords?: number;
  /** Most encoded bytes of records in one request. @default 4194304 (4 MiB) */
  maxBatchBytes?: number;
  /** Longest a record waits for its batch to fill. @default 200 */
  maxBatchDelayMs?: number;
  /** Requests in flight at once (4 measured ~20% faster than 2 with gzip, where compression and the receiver's decompression sit inside each request's time). @default 4 */
  maxInFlight?: number;
  /** Retry backoff. @default { initialMs: 500, maxMs: 30000, multiplier: 2 } */
  backoff?: Partial<BackoffOptions>;
  /** Give up on a batch that has been failing this long (the sink then fails). @default Infinity (never) */
  maxRetryTimeMs?: number;
  /** Where refused records go: a path or a DeadLetterFile. @default ./ftplog-otel-dead-letter.jsonl */
  deadLetter?: string | DeadLetterFile;
  /**
   * Writes buffered by the Writable itself while the queue is full: records,
   * or runs of records from readLogsParallel() (a few hundred records each).
   * The queue is where records wait; this only keeps the next few writes at
   * hand. Measured (`ship` gzip, 2 workers, 1 GiB NcFTPd log): 249 MB RSS
   * with 256, 154 MB with 16, 144 MB with 4. @default 4
   */
  highWaterMark?: number;
  /** zlib level (1 fastest … 9 smallest) when the config asks for gzip. @default 1 */
  gzipLevel?: number;
  /**
   * Call EncodedRecords.release() on each run once all of its records are
   * accepted or dead-lettered, so that readLogsParallel() reuses its memory.
   * Only for a sink that is the runs' sole consumer: a run also queued
   * elsewhere (a stream teed to two sinks) must not be released by one of
   * them. `ftplog-otel ship` sets it. @default false
   */
  releaseRuns?: boolean;
  /** Randomness for jitter (tests). @default Math.random */
  random?: () => number;
}

export interface OtlpSinkStats {
  /** Records written to the sink. */
  received: number;
  /** Records in requests the collector answered 2xx (including any it reported as rejected). */
  accepted: number;
  /** Records the collector reported as rejected in a partial-success answer. */
  rejected: number;
  /** Records written to the dead-letter file. */
  deadLettered: number;
  /** Records that were neither accepted nor dead-lettered when the sink stopped (retries exhausted, shutdown). */
  undelivered: number;
  requests: number;
  retries: number;
  /** 413 answers that split a batch. */
  splits: number;
  /** Encoded (and compressed, if enabled) bytes sent, retries included. */
  bytesSent: number;
  queuedRecords: number;
  queuedBytes: number;
  /** Highest queuedRecords seen (never above maxQueueRecords). */
  peakQueuedRecords: number;
  /** Highest queuedBytes seen. */
  peakQueuedBytes: number;
  inFlight: number;
  peakInFlight: number;
  /** Messages of partial-success answers (first 10). */
  partialMessages: string[];
  /** Last failure reason seen (for progress lines). */
  lastError: string | undefined;
}

export interface AckInfo {
  /** Records acknowledged so far, all before this point included. */
  records: number;
  /** Position of the last acknowledged record, when it had one. */
  position: SourcePosition | undefined;
}

/** Records [from, to) of a run: a batch is a list of these. */
interface Slice {
  run: EncodedRecords;
  from: number;
  to: number;
}

interface Batch {
  startSeq: number;
  endSeq: number;
  slices: Slice[];
  /** Encoded bytes of the records (exact). */
  bytes: number;
  format: LogFormat | undefined;
  attempts: number;
  firstFailureAt: number | undefined;
}

export interface OtlpSink extends Writable {
  readonly stats: Readonly<OtlpSinkStats>;
  /** Acknowledged watermark so far. */
  readonly acknowledged: AckInfo;
  readonly deadLetterPath: string;
  on(event: 'ack', listener: (ack: AckInfo) => void): this;
  on(event: 'retry', listener: (info: { reason: string; attempt: number; delayMs: number; records: number }) => void): this;
  on(event: 'deadletter', listener: (info: { reason: string; records: number; path: string }) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

function count(b: Batch): number {
  return b.endSeq - b.startSeq;
}

function sliceView(s: Slice): Uint8Array {
  const end = s.run.ends[s.to - 1]!;
  // A run released while still queued would send short requests: fail instead.
  if (s.run.bytes.byteLength < end) throw new Error('records of a released run are still queued');
  return s.run.bytes.subarray(recordStart(s.run, s.from), end);
}

/** Splits a batch's slices after its first `n` records. */
function splitSlices(slices: readonly Slice[], n: number): [Slice[], Slice[]] {
  const left: Slice[] = [];
  const right: Slice[] = [];
  let need = n;
  for (const s of slices) {
    const len = s.to - s.from;
    if (need >= len) {
      left.push(s);
      need -= len;
    } else if (need > 0) {
      left.push({ run: s.run, from: s.from, to: s.from + need });
      right.push({ run: s.run, from: s.from + need, to: s.to });
      need = 0;
    } else {
      right.push(s);
    }
  }
  return [left, right];
}

function slicesBytes(slices: readonly Slice[]): number {
  let n = 0;
  for (const s of slices) n += rangeBytes(s.run, s.from, s.to);
  return n;
}

export function otlpSink(options: OtlpSinkOptions): OtlpSink {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
  if (options.config === undefined || !(options.config.url instanceof URL)) throw invalidOption('config', 'an OtlpConfig (see resolveOtlpConfig)', options.config);
  if (options.resource === undefined || (typeof options.resource !== 'function' && typeof options.resource !== 'object')) {
    throw invalidOption('resource', 'resource attributes or a function of the format', options.resource);
  }
  const maxQueueRecords = positiveIntOption('maxQueueRecords', options.maxQueueRecords, 16384);
  const maxQueueBytes = positiveIntOption('maxQueueBytes', options.maxQueueBytes, 32 * 1024 * 1024);
  const maxBatchRecords = positiveIntOption('maxBatchRecords', options.maxBatchRecords, 2048);
  const maxBatchBytes = positiveIntOption('maxBatchBytes', options.maxBatchBytes, 4 * 1024 * 1024);
  const maxInFlight = positiveIntOption('maxInFlight', options.maxInFlight, 4);
  const releaseRuns = options.releaseRuns === true;
  const maxBatchDelayMs = options.maxBatchDelayMs ?? 200;
  if (!Number.isFinite(maxBatchDelayMs) || maxBatchDelayMs < 0) throw invalidOption('maxBatchDelayMs', 'a non-negative number', maxBatchDelayMs);
  if (maxBatchRecords > maxQueueRecords) throw invalidOption('maxBatchRecords', `at most maxQueueRecords (${maxQueueRecords})`, maxBatchRecords);
  const maxRetryTimeMs = options.maxRetryTimeMs ?? Infinity;
  if (!(maxRetryTimeMs > 0)) throw invalidOption('maxRetryTimeMs', 'a positive number of milliseconds', maxRetryTimeMs);
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  if (!(backoff.initialMs >= 0) || !(backoff.maxMs >= backoff.initialMs) || !(backoff.multiplier >= 1)) {
    throw invalidOption('backoff', 'initialMs >= 0, maxMs >= initialMs, multiplier >= 1', JSON.stringify(backoff));
  }
  const random = options.random ?? Math.random;
  const gzipLevel = options.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) throw invalidOption('gzipLevel', 'an integer from 1 to 9', gzipLevel);
  const config = options.config;
  const scope = options.scope ?? { name: 'ftplog-otel' };
  const fixedResource = options.resource;
  const resourceOf = typeof fixedResource === 'function' ? fixedResource : (): Attributes => fixedResource;
  const resourceCache = new Map<LogFormat | undefined, Attributes>();
  const resourceFor = (f: LogFormat | undefined): Attributes => {
    let r = resourceCache.get(f);
    if (r === undefined) {
      r = resourceOf(f);
      resourceCache.set(f, r);
    }
    return r;
  };
  const deadLetter = options.deadLetter instanceof DeadLetterFile ? options.deadLetter : new DeadLetterFile(options.deadLetter);
  const transport = new HttpTransport(config, maxInFlight);
  const endpoint = config.url.href;

  const stats: OtlpSinkStats = {
    received: 0,
    accepted: 0,
    rejected: 0,
    deadLettered: 0,
    undelivered: 0,
    requests: 0,
    retries: 0,
    splits: 0,
    bytesSent: 0,
    queuedRecords: 0,
    queuedBytes: 0,
    peakQueuedRecords: 0,
    peakQueuedBytes: 0,
    inFlight: 0,
    peakInFlight: 0,
    partialMessages: [],
    lastError: undefined,
  };
  const acknowledged: AckInfo = { records: 0, position: undefined };

  let nextSeq = 0;
  // Records written one by one are encoded at once into `builder`; runs
  // written already encoded are taken as slices. Both wait in `pending`
  // (builder records after the slices) until a batch is cut.
  let builder: EncodedRecordsBuilder | undefined;
  let pending: Slice[] = [];
  let pendingRecords = 0;
  let pendingBytes = 0;
  let pendingFormat: LogFormat | undefined;
  let pendingTimer: NodeJS.Timeout | undefined;
  const ready: Batch[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  let waitingRetry = 0;
  /** Accepted batches not yet contiguous with the watermark, by start sequence. */
  const acceptedAhead = new Map<number, Batch>();
  let ackSeq = 0;
  let heldWrite: (() => void) | undefined;
  let finalCallback: ((err?: Error | null) => void) | undefined;
  let failed: Error | undefined;
  let stopped = false;

  /**
   * Records not yet settled (accepted or dead-lettered) of each run that can
   * hand its memory back (EncodedRecords.release); released when none is left.
   */
  const runsOpen = new Map<EncodedRecords, number>();

  /** Settles the records of `slices`, releasing runs none of whose records remain. */
  const settleSlices = (slices: readonly Slice[]): void => {
    if (runsOpen.size === 0) return;
    for (const s of slices) {
      const open = runsOpen.get(s.run);
      if (open === undefined) continue;
      const left = open - (s.to - s.from);
      if (left > 0) runsOpen.set(s.run, left);
      else {
        runsOpen.delete(s.run);
        s.run.release!();
      }
    }
  };

  const hasRoom = (): boolean => stats.queuedRecords < maxQueueRecords && stats.queuedBytes < maxQueueBytes;

  const release = (records: number, bytes: number): void => {
    stats.queuedRecords -= records;
    stats.queuedBytes -= bytes;
    if (heldWrite !== undefined && hasRoom()) {
      const cb = heldWrite;
      heldWrite = undefined;
      cb();
    }
  };

  /** Moves the records collected in `builder` to `pending` as one slice. */
  const sealBuilder = (): void => {
    if (builder === undefined || builder.count === 0) return;
    const run = builder.finish();
    pending.push({ run, from: 0, to: run.count });
  };

  const formBatch = (): void => {
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      pendingTimer = undefined;
    }
    sealBuilder();
    if (pendingRecords === 0) return;
    ready.push({
      startSeq: nextSeq - pendingRecords,
      endSeq: nextSeq,
      slices: pending,
      bytes: pendingBytes,
      format: pendingFormat,
      attempts: 0,
      firstFailureAt: undefined,
    });
    pending = [];
    pendingRecords = 0;
    pendingBytes = 0;
  };

  /** Counts records entering the queue and starts the age timer of a new batch. */
  const admitted = (records: number, bytes: number): void => {
    nextSeq += records;
    pendingRecords += records;
    pendingBytes += bytes;
    stats.received += records;
    stats.queuedRecords += records;
    stats.queuedBytes += bytes;
    if (stats.queuedRecords > stats.peakQueuedRecords) stats.peakQueuedRecords = stats.queuedRecords;
    if (stats.queuedBytes > stats.peakQueuedBytes) stats.peakQueuedBytes = stats.queuedBytes;
    if (pendingRecords >= maxBatchRecords) formBatch();
    else if (pendingTimer === undefined && pendingRecords > 0) {
      pendingTimer = setTimeout(() => {
        pendingTimer = undefined;
        formBatch();
        dispatch();
      }, maxBatchDelayMs);
    }
  };

  const takeRecord = (record: FtpLogRecord): void => {
    const format = recordFormat(record.attributes);
    const file = record.position?.file;
    if (pendingRecords > 0 && format !== pendingFormat) formBatch();
    let entry: Uint8Array;
    try {
      entry = encodeRecordEntry(config.protocol, record);
    } catch (err) {
      throw new FtplogError('ERR_EXPORT_REJECTED', `could not encode a record: ${(err as Error).message}`, { cause: err });
    }
    if (pendingRecords > 0 && pendingBytes + entry.length > maxBatchBytes) {
      formBatch();
      // formBatch() ran no encoder: the entry view is still intact.
    }
    if (builder === undefined || builder.format !== format || builder.file !== file) {
      sealBuilder();
      builder = new EncodedRecordsBuilder(config.protocol, format, file);
    }
    pendingFormat = format;
    builder.append(entry, record.position);
    admitted(1, entry.length);
  };

  const takeRun = (run: EncodedRecords): void => {
    if (run.protocol !== config.protocol) {
      throw new FtplogError('ERR_INVALID_ARGUMENT', `records encoded for ${run.protocol} written to a sink sending ${config.protocol}`);
    }
    sealBuilder();
    if (releaseRuns && typeof run.release === 'function' && run.count > 0) runsOpen.set(run, run.count);
    let from = 0;
    while (from < run.count) {
      if (pendingRecords > 0 && run.format !== pendingFormat) formBatch();
      pendingFormat = run.format;
      // As many records as the batch has room for, by count and by bytes (at least one).
      const roomRecords = maxBatchRecords - pendingRecords;
      const base = recordStart(run, from);
      let to = Math.min(run.count, from + roomRecords);
      while (to > from + 1 && pendingBytes + run.ends[to - 1]! - base > maxBatchBytes) to--;
      if (pendingRecords > 0 && pendingBytes + run.ends[to - 1]! - base > maxBatchBytes) {
        formBatch();
        continue;
      }
      pending.push({ run, from, to });
      admitted(to - from, run.ends[to - 1]! - base);
      from = to;
    }
  };

  const settled = (): boolean =>
    pendingRecords === 0 && ready.length === 0 && stats.inFlight === 0 && waitingRetry === 0;

  const maybeFinish = (): void => {
    if (finalCallback !== undefined && settled()) {
      const cb = finalCallback;
      finalCallback = undefined;
      transport.close();
      cb(failed ?? null);
    }
  };

  const advanceAck = (): void => {
    let moved = false;
    let b: Batch | undefined;
    while ((b = acceptedAhead.get(ackSeq)) !== undefined) {
      acceptedAhead.delete(ackSeq);
      ackSeq = b.endSeq;
      acknowledged.records = ackSeq;
      search: for (let k = b.slices.length - 1; k >= 0; k--) {
        const s = b.slices[k]!;
        for (let i = s.to - 1; i >= s.from; i--) {
          const p = recordPosition(s.run, i);
          if (p !== undefined) {
            acknowledged.position = p;
            break search;
          }
        }
      }
      moved = true;
    }
    if (moved) sink.emit('ack', { records: acknowledged.records, position: acknowledged.position });
  };

  /** The request body: pieces sent one after the other (views of the queued runs), or one gzipped buffer. */
  const encode = async (b: Batch): Promise<Buffer | Uint8Array[]> => {
    const records = b.slices.map(sliceView);
    const resource = resourceFor(b.format);
    const parts =
      config.protocol === 'http/json'
        ? encodeLogsJsonEnvelopeParts(resource, scope, records, b.bytes)
        : [encodeLogsProtobufEnvelopeHead(resource, scope, b.bytes), ...records];
    return config.compression === 'gzip' ? gzipParts(parts, gzipLevel) : parts;
  };

  const fail = (err: Error): void => {
    if (failed !== undefined) return;
    failed = err;
    sink.destroy(err);
  };

  const scheduleRetry = (b: Batch, verdict: Extract<Verdict, { kind: 'retry' }>): void => {
    const now = Date.now();
    b.firstFailureAt ??= now;
    b.attempts++;
    stats.retries++;
    stats.lastError = verdict.reason;
    let delay = backoffDelay(b.attempts, backoff, random);
    if (verdict.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(verdict.retryAfterMs, backoff.maxMs * 4));
    if (now + delay - b.firstFailureAt > maxRetryTimeMs) {
      fail(
        new FtplogError(
          'ERR_EXPORT_RETRY_EXHAUSTED',
          `gave up on ${count(b)} records after ${Math.round((now - b.firstFailureAt) / 1000)} s of retries (limit ${Math.round(maxRetryTimeMs / 1000)} s); last error: ${verdict.reason}`,
        ),
      );
      return;
    }
    waitingRetry++;
    sink.emit('retry', { reason: verdict.reason, attempt: b.attempts, delayMs: delay, records: count(b) });
    const t = setTimeout(() => {
      retryTimers.delete(t);
      waitingRetry--;
      if (stopped) return;
      ready.unshift(b);
      dispatch();
    }, delay);
    retryTimers.add(t);
  };

  const onResponse = async (b: Batch, res: HttpResponse): Promise<void> => {
    const verdict = classifyStatus(res.status, res.headers['retry-after']);
    switch (verdict.kind) {
      case 'accepted': {
        const ps = config.protocol === 'http/json' ? decodePartialSuccessJson(res.body.toString('utf8')) : decodePartialSuccessProtobuf(res.body);
        if (ps !== undefined && ps.rejectedLogRecords > 0) {
          stats.rejected += ps.rejectedLogRecords;
          if (stats.partialMessages.length < 10) stats.partialMessages.push(ps.errorMessage);
          stats.lastError = `collector rejected ${ps.rejectedLogRecords} records: ${ps.errorMessage}`;
          sink.emit('partial', { rejected: ps.rejectedLogRecords, message: ps.errorMessage });
        }
        stats.accepted += count(b);
        acceptedAhead.set(b.startSeq, b);
        settleSlices(b.slices);
        release(count(b), b.bytes);
        advanceAck();
        return;
      }
      case 'retry':
        scheduleRetry(b, verdict);
        return;
      case 'split':
        if (count(b) > 1) {
          stats.splits++;
          const mid = Math.ceil(count(b) / 2);
          const [left, right] = splitSlices(b.slices, mid);
          const leftBytes = slicesBytes(left);
          ready.unshift(
            { startSeq: b.startSeq, endSeq: b.startSeq + mid, slices: left, bytes: leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
            { startSeq: b.startSeq + mid, endSeq: b.endSeq, slices: right, bytes: b.bytes - leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
          );
          return;
        }
        await deadLetterBatch(b, `${verdict.reason}: a single record is larger than the collector accepts`, 413);
        return;
      case 'fatal':
        fail(new FtplogError('ERR_EXPORT_REJECTED', verdict.reason));
        return;
      case 'reject': {
        const detail = res.body.length > 0 && config.protocol === 'http/json' ? `: ${res.body.toString('utf8').slice(0, 200)}` : '';
        await deadLetterBatch(b, `${verdict.reason}${detail}`, verdict.status);
        return;
      }
    }
  };

  const deadLetterBatch = async (b: Batch, reason: string, status: number | undefined): Promise<void> => {
    stats.lastError = reason;
    const n = count(b);
    try {
      await deadLetter.writeEncoded(b.slices, reason, endpoint, status);
    } catch (err) {
      // Could not even write them down: they are lost unless the run fails loudly.
      fail(new FtplogError('ERR_EXPORT_REJECTED', `collector refused ${n} records (${reason}) and the dead-letter file ${deadLetter.path} could not be written: ${(err as Error).message}`, { cause: err }));
      return;
    }
    stats.deadLettered += n;
    sink.emit('deadletter', { reason, records: n, path: deadLetter.path });
    settleSlices(b.slices);
    release(n, b.bytes);
  };

  const send = async (b: Batch): Promise<void> => {
    stats.inFlight++;
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    try {
      let body: Buffer | Uint8Array[];
      try {
        body = await encode(b);
      } catch (err) {
        fail(new FtplogError('ERR_EXPORT_REJECTED', `could not encode a batch: ${(err as Error).message}`, { cause: err }));
        return;
      }
      if (stopped) return;
      stats.requests++;
      stats.bytesSent += Array.isArray(body) ? body.reduce((n, p) => n + p.byteLength, 0) : body.length;
      let res: HttpResponse;
      try {
        res = await transport.send(body, config.compression === 'gzip');
      } catch (err) {
        if (stopped) return;
        const verdict = classifyError(err);
        if (verdict.kind === 'retry') scheduleRetry(b, verdict);
        else fail(new FtplogError('ERR_EXPORT_REJECTED', verdict.reason, { cause: err }));
        return;
      }
      if (stopped) return;
      await onResponse(b, res);
    } finally {
      stats.inFlight--;
      if (!stopped) {
        dispatch();
        maybeFinish();
      }
    }
  };

  const dispatch = (): void => {
    while (!stopped && stats.inFlight < maxInFlight && ready.length > 0) {
      void send(ready.shift()!);
    }
  };

  const sink = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 4,
    write(chunk: FtpLogRecord | EncodedRecords, _enc, callback) {
      if (failed !== undefined) {
        callback(failed);
        return;
      }
      try {
        if (isEncodedRecords(chunk)) takeRun(chunk);
        else takeRecord(chunk);
      } catch (err) {
        callback(err as Error);
        return;
      }
      dispatch();
      if (hasRoom()) {
        callback();
        return;
      }
      // Queue full: the next write waits until a batch resolves. Batches
      // must be able to form, or nothing would ever free room.
      if (stats.inFlight === 0 && ready.length === 0 && waitingRetry === 0) {
        formBatch();
        dispatch();
      }
      heldWrite = () => callback();
    },
    final(callback) {
      formBatch();
      finalCallback = callback;
      dispatch();
      maybeFinish();
    },
    destroy(err, callback) {
      stopped = true;
      if (pendingTimer !== undefined) clearTimeout(pendingTimer);
      for (const t of retryTimers) clearTimeout(t);
      retryTimers.clear();
      transport.close();
      // Whatever is still queued was not delivered: say so.
      stats.undelivered += stats.queuedRecords;
      // Runs still queued may be in requests being aborted: not released, left to the garbage collector.
      runsOpen.clear();
      stats.inFlight = 0;
      waitingRetry = 0;
      heldWrite = undefined;
      const fc = finalCallback;
      finalCallback = undefined;
      if (fc !== undefined) fc(err ?? failed ?? null);
      callback(err ?? failed ?? null);
    },
  });
  Object.defineProperty(sink, 'stats', { value: stats, enumerable: true });
  Object.defineProperty(sink, 'acknowledged', { value: acknowledged, enumerable: true });
  Object.defineProperty(sink, 'deadLetterPath', { value: deadLetter.path, enumerable: true });
  return sink as OtlpSink;
}
