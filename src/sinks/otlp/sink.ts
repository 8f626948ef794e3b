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
 * (network errors, 429, 502, 503, 504, a request past its deadline) retry the
 * same records with capped exponential backoff, without limit unless
 * maxRetryTimeMs is set; 413 splits the batch; other refusals go to the
 * dead-letter file.
 *
 * Records are encoded when they enter the queue (or arrive encoded, as runs
 * from worker threads: see src/otlp/encoded.ts), so the byte bound counts
 * exact encoded bytes and a retry or a 413 split re-sends the same bytes
 * without re-encoding; a request body is only the records' bytes behind a
 * small envelope (and gzip, when enabled). Refused records are decoded back
 * for the dead-letter file.
 *
 * Settling. Every record gets a sequence number on write. A record is
 * settled once the collector accepted it or its line is durably in the
 * dead-letter file; a settled batch is dropped from the queue at once (see
 * settled.ts for the bookkeeping that remains). The sink emits 'settled' with
 * each source's position up to which every record is settled (a checkpoint
 * may move there), and 'ack' with the same over all records, in order.
 *
 * Stopping. When the sink is destroyed with records still queued (a
 * shutdown that ran out of time, retries given up, an upstream failure),
 * those records are written to the dead-letter file with the reason, so a
 * replay can send them later (`ship --input jsonl`); only what cannot be
 * written there counts as not delivered.
 */
import { Writable } from 'node:stream';
import type { Attributes, FtpLogRecord, LogFormat, SourcePosition } from '../../model.js';
import { encodeLogsProtobufEnvelopeHead } from '../../otlp/encode-protobuf.js';
import { encodeLogsJsonEnvelopeParts } from '../../otlp/encode-json.js';
import { EncodedRecordsBuilder, RecordEntryEncoder, isEncodedRecords, recordStart, type EncodedRecords } from '../../otlp/encoded.js';
import { readExportAnswer, refusalMessage } from '../../otlp/response.js';
import { recordFormat } from '../../otel/resource.js';
import { FtplogError, invalidOption, positiveIntOption } from '../../errors.js';
import { redactUrl, type OtlpConfig } from './config.js';
import { HttpTransport, type HttpResponse } from './transport.js';
import { DEFAULT_BACKOFF, classifyError, classifyStatus, planRetry, type BackoffOptions, type Verdict } from './retry.js';
import { DeadLetterFile } from './dead-letter.js';
import { batchCount as count, halves, sliceView, type Batch, type Slice } from './batch.js';
import { DEFAULT_GZIP_LEVEL, gzipParts } from './gzip.js';
import { SettledTracker, type SettledProgress } from './settled.js';

export { DEFAULT_GZIP_LEVEL } from './gzip.js';
export type { SettledProgress } from './settled.js';

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
  /** Records the collector accepted (answered 2xx and did not report as rejected). */
  accepted: number;
  /** Records the collector reported as rejected in a partial-success answer (at most the size of each request). */
  rejected: number;
  /** Records written to the dead-letter file (refused, or still queued when the sink stopped). */
  deadLettered: number;
  /** Records that were neither accepted, rejected nor dead-lettered when the sink stopped. */
  undelivered: number;
  /** Dead-lettered records by reason (the first 10 reasons; later ones under "other"). */
  deadLetterReasons: Record<string, number>;
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
  /** Answers that made no sense as given (first 10): see readExportAnswer(). */
  warnings: string[];
  /** Last failure reason seen (for progress lines). */
  lastError: string | undefined;
}

export interface AckInfo {
  /** Records settled so far, in order: all before this point included. */
  records: number;
  /** Position of the last of them that had one. */
  position: SourcePosition | undefined;
}

export interface RetryInfo {
  reason: string;
  attempt: number;
  delayMs: number;
  records: number;
  /** Set when the collector's Retry-After was longer than the cap and was cut to it. */
  retryAfterCappedFromMs?: number;
}

export interface OutageInfo {
  /** The failure that began the series. */
  reason: string;
  /** Records in the failing request. */
  records: number;
  /** Delay before the first retry. */
  delayMs: number;
}

export interface RecoveryInfo {
  /** How long requests had been failing. */
  downMs: number;
  /** Retries during the outage. */
  retries: number;
}

export interface OtlpSink extends Writable {
  readonly stats: Readonly<OtlpSinkStats>;
  /** Records settled in order so far, over all sources. */
  readonly acknowledged: AckInfo;
  /** Per source, the position up to which every record is settled. */
  settledBySource(): SettledProgress[];
  /**
   * Stops sending: requests in flight are aborted, and every record queued
   * now or written later goes to the dead-letter file with `reason` (a
   * shutdown that ran out of time). The sink then finishes as usual when its
   * writer ends. Safe to call twice.
   */
  abandon(reason: string): void;
  readonly deadLetterPath: string;
  /** Settled position of every record, in order (accepted or dead-lettered). */
  on(event: 'ack', listener: (ack: AckInfo) => void): this;
  /** A source's settled position moved. */
  on(event: 'settled', listener: (progress: SettledProgress) => void): this;
  on(event: 'retry', listener: (info: RetryInfo) => void): this;
  /** The first failure of a series: requests fail and are being retried. */
  on(event: 'outage', listener: (info: OutageInfo) => void): this;
  /** A request succeeded again after an outage. */
  on(event: 'recovered', listener: (info: RecoveryInfo) => void): this;
  on(event: 'deadletter', listener: (info: { reason: string; records: number; path: string }) => void): this;
  on(event: 'partial', listener: (info: { rejected: number; message: string }) => void): this;
  /** An answer that made no sense as given. */
  on(event: 'warning', listener: (message: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

const MAX_REASONS = 10;

function countReason(reasons: Record<string, number>, reason: string, n: number): void {
  const key = reason in reasons || Object.keys(reasons).length < MAX_REASONS ? reason : 'other';
  reasons[key] = (reasons[key] ?? 0) + n;
}

interface ResolvedSinkOptions {
  maxQueueRecords: number;
  maxQueueBytes: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  maxInFlight: number;
  maxBatchDelayMs: number;
  maxRetryTimeMs: number;
  backoff: BackoffOptions;
  gzipLevel: number;
}

function resolveSinkOptions(options: OtlpSinkOptions): ResolvedSinkOptions {
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
  const maxBatchDelayMs = options.maxBatchDelayMs ?? 200;
  if (!Number.isFinite(maxBatchDelayMs) || maxBatchDelayMs < 0) throw invalidOption('maxBatchDelayMs', 'a non-negative number', maxBatchDelayMs);
  if (maxBatchRecords > maxQueueRecords) throw invalidOption('maxBatchRecords', `at most maxQueueRecords (${maxQueueRecords})`, maxBatchRecords);
  const maxRetryTimeMs = options.maxRetryTimeMs ?? Infinity;
  if (!(maxRetryTimeMs > 0)) throw invalidOption('maxRetryTimeMs', 'a positive number of milliseconds', maxRetryTimeMs);
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  if (!(backoff.initialMs >= 0) || !(backoff.maxMs >= backoff.initialMs) || !(backoff.multiplier >= 1)) {
    throw invalidOption('backoff', 'initialMs >= 0, maxMs >= initialMs, multiplier >= 1', JSON.stringify(backoff));
  }
  const gzipLevel = options.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) throw invalidOption('gzipLevel', 'an integer from 1 to 9', gzipLevel);
  return { maxQueueRecords, maxQueueBytes, maxBatchRecords, maxBatchBytes, maxInFlight, maxBatchDelayMs, maxRetryTimeMs, backoff, gzipLevel };
}

function newStats(): OtlpSinkStats {
  return {
    received: 0,
    accepted: 0,
    rejected: 0,
    deadLettered: 0,
    undelivered: 0,
    deadLetterReasons: {},
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
    warnings: [],
    lastError: undefined,
  };
}

export function otlpSink(options: OtlpSinkOptions): OtlpSink {
  const o = resolveSinkOptions(options);
  const { maxQueueRecords, maxQueueBytes, maxBatchRecords, maxBatchBytes, maxInFlight, maxBatchDelayMs, maxRetryTimeMs, backoff, gzipLevel } = o;
  const releaseRuns = options.releaseRuns === true;
  const random = options.random ?? Math.random;
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
  // Shown and stored: never with the URL's credentials or query values.
  const endpoint = redactUrl(config.url);
  const sent = config.protocol === 'http/json' ? 'json' : 'protobuf';

  const stats = newStats();
  const acknowledged: AckInfo = { records: 0, position: undefined };
  const tracker = new SettledTracker();

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
  /** Batches whose request is being made; the response handler claims its batch from here. */
  const inFlight = new Set<Batch>();
  /** Batches waiting for their retry, by timer. */
  const waitingRetry = new Map<NodeJS.Timeout, Batch>();
  /** Dead-letter writes under way (the sink finishes only after them). */
  const deadLettering = new Set<Promise<void>>();
  let heldWrite: (() => void) | undefined;
  let finalCallback: ((err?: Error | null) => void) | undefined;
  let failed: Error | undefined;
  let stopped = false;
  /** The dead-letter file could not be written: nothing more goes there. */
  let deadLetterBroken = false;
  let outage: { since: number; retries: number } | undefined;
  /** Batches given up on (retries exhausted, a fatal error): written to the dead-letter file as the sink stops. */
  const abandoned: Batch[] = [];

  /**
   * Records not yet settled (accepted or dead-lettered) of each run that can
   * hand its memory back (EncodedRecords.release); released when none is left.
   */
  const runsOpen = new Map<EncodedRecords, number>();

  const releaseSettledRuns = (slices: readonly Slice[]): void => {
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

  /** The batch's records are settled: out of the queue, and the settled positions move. */
  const settle = (b: Batch): void => {
    releaseSettledRuns(b.slices);
    release(count(b), b.bytes);
    for (const p of tracker.settle(b.startSeq, b.endSeq)) sink.emit('settled', p);
    const all = tracker.overall();
    if (all.records !== acknowledged.records) {
      acknowledged.records = all.records;
      acknowledged.position = all.position;
      sink.emit('ack', { records: all.records, position: all.position });
    }
  };

  /** Moves the records collected in `builder` to `pending` as one slice. */
  const sealBuilder = (): void => {
    if (builder === undefined || builder.count === 0) return;
    const run = builder.finish();
    pending.push({ run, from: 0, to: run.count });
  };

  /** The pending records as a batch, registered with the settled tracker; undefined when none. */
  const cutBatch = (): Batch | undefined => {
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      pendingTimer = undefined;
    }
    sealBuilder();
    if (pendingRecords === 0) return undefined;
    const b: Batch = {
      startSeq: nextSeq - pendingRecords,
      endSeq: nextSeq,
      slices: pending,
      bytes: pendingBytes,
      format: pendingFormat,
      attempts: 0,
      firstFailureAt: undefined,
    };
    let seq = b.startSeq;
    for (const s of pending) {
      const n = s.to - s.from;
      tracker.add(seq, seq + n, { file: s.run.file, lines: s.run.lines, offsets: s.run.offsets, from: s.from });
      seq += n;
    }
    pending = [];
    pendingRecords = 0;
    pendingBytes = 0;
    return b;
  };

  const formBatch = (): void => {
    const b = cutBatch();
    if (b !== undefined) ready.push(b);
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

  // Records that come one by one are encoded here, into one reused buffer.
  const entries = new RecordEntryEncoder(config.protocol);
  const takeRecord = (record: FtpLogRecord): void => {
    const format = recordFormat(record.attributes);
    const file = record.position?.file;
    if (pendingRecords > 0 && format !== pendingFormat) formBatch();
    let entry: Uint8Array;
    try {
      entry = entries.encode(record);
    } catch (err) {
      throw new FtplogError('ERR_ENCODE', `could not encode a record: ${(err as Error).message}`, { cause: err });
    }
    if (pendingRecords > 0 && pendingBytes + entry.length > maxBatchBytes) {
      formBatch();
      // formBatch() does not use `entries`: the entry view is still intact.
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

  const idle = (): boolean =>
    pendingRecords === 0 && ready.length === 0 && stats.inFlight === 0 && waitingRetry.size === 0 && deadLettering.size === 0;

  const maybeFinish = (): void => {
    if (finalCallback !== undefined && idle()) {
      const cb = finalCallback;
      finalCallback = undefined;
      transport.close();
      void deadLetter.close().finally(() => cb(failed ?? null));
    }
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

  const warn = (message: string): void => {
    if (stats.warnings.length < 10) stats.warnings.push(message);
    sink.emit('warning', message);
  };

  const scheduleRetry = (b: Batch, verdict: Extract<Verdict, { kind: 'retry' }>): void => {
    const now = Date.now();
    b.firstFailureAt ??= now;
    stats.lastError = verdict.reason;
    const deadline = b.firstFailureAt + maxRetryTimeMs;
    if (now >= deadline) {
      abandoned.push(b);
      fail(
        new FtplogError(
          'ERR_EXPORT_RETRY_EXHAUSTED',
          `gave up on ${count(b)} records after ${((now - b.firstFailureAt) / 1000).toFixed(1)} s of retries (limit ${maxRetryTimeMs / 1000} s); last error: ${verdict.reason}`,
        ),
      );
      return;
    }
    b.attempts++;
    stats.retries++;
    const plan = planRetry(b.attempts, backoff, random, verdict.retryAfterMs, now, deadline);
    if (outage === undefined) {
      outage = { since: now, retries: 0 };
      sink.emit('outage', { reason: verdict.reason, records: count(b), delayMs: plan.delayMs } satisfies OutageInfo);
    }
    outage.retries++;
    sink.emit('retry', { reason: verdict.reason, attempt: b.attempts, delayMs: plan.delayMs, records: count(b), ...(plan.retryAfterCappedFromMs !== undefined ? { retryAfterCappedFromMs: plan.retryAfterCappedFromMs } : {}) } satisfies RetryInfo);
    // Listeners of the events above may have stopped or abandoned the sink.
    if (stopped) {
      abandoned.push(b);
      return;
    }
    if (abandonedBecause !== undefined) {
      deadLetterAbandoned(b);
      return;
    }
    const t = setTimeout(() => {
      waitingRetry.delete(t);
      if (stopped) return;
      if (abandonedBecause !== undefined) {
        deadLetterAbandoned(b);
        return;
      }
      ready.unshift(b);
      dispatch();
      maybeFinish();
    }, plan.delayMs);
    waitingRetry.set(t, b);
  };

  const onAccepted = (b: Batch, res: HttpResponse): void => {
    const n = count(b);
    const answer = readExportAnswer(res.body, res.headers['content-type'], sent, n);
    if (answer.warning !== undefined) warn(answer.warning);
    if (answer.rejected > 0) {
      stats.rejected += answer.rejected;
      if (stats.partialMessages.length < 10) stats.partialMessages.push(answer.message);
      stats.lastError = `collector rejected ${answer.rejected} records: ${answer.message}`;
      sink.emit('partial', { rejected: answer.rejected, message: answer.message });
    }
    stats.accepted += n - answer.rejected;
    if (outage !== undefined) {
      const info: RecoveryInfo = { downMs: Date.now() - outage.since, retries: outage.retries };
      outage = undefined;
      sink.emit('recovered', info);
    }
    settle(b);
  };

  const onResponse = async (b: Batch, res: HttpResponse): Promise<void> => {
    const verdict = classifyStatus(res.status, res.headers['retry-after']);
    switch (verdict.kind) {
      case 'accepted':
        onAccepted(b, res);
        return;
      case 'retry':
        scheduleRetry(b, verdict);
        return;
      case 'split':
        if (count(b) > 1) {
          stats.splits++;
          ready.unshift(...halves(b));
          return;
        }
        await deadLetterBatch(b, `${verdict.reason}: a single record is larger than the collector accepts`, 413);
        return;
      case 'fatal':
        abandoned.push(b);
        fail(new FtplogError('ERR_EXPORT_REJECTED', verdict.reason));
        return;
      case 'reject': {
        const message = refusalMessage(res.body, res.headers['content-type']);
        await deadLetterBatch(b, message !== '' ? `${verdict.reason}: ${message}` : verdict.reason, verdict.status);
        return;
      }
    }
  };

  /** Writes the batches' records to the dead-letter file; settles them, or counts them not delivered. */
  const deadLetterBatches = async (batches: readonly Batch[], reason: string, status: number | undefined): Promise<Error | undefined> => {
    const n = batches.reduce((k, b) => k + count(b), 0);
    if (n === 0) return undefined;
    if (deadLetterBroken) {
      stats.undelivered += n;
      return undefined;
    }
    const write = deadLetter.writeEncoded(
      batches.flatMap((b) => b.slices),
      reason,
      endpoint,
      status,
    );
    deadLettering.add(write);
    try {
      await write;
    } catch (err) {
      deadLetterBroken = true;
      stats.undelivered += n;
      return err as Error;
    } finally {
      deadLettering.delete(write);
    }
    stats.deadLettered += n;
    countReason(stats.deadLetterReasons, reason, n);
    sink.emit('deadletter', { reason, records: n, path: deadLetter.path });
    for (const b of batches) settle(b);
    return undefined;
  };

  const deadLetterBatch = async (b: Batch, reason: string, status: number | undefined): Promise<void> => {
    stats.lastError = reason;
    const err = await deadLetterBatches([b], reason, status);
    // Could not even write them down: they are lost unless the run fails loudly.
    if (err !== undefined) {
      fail(new FtplogError('ERR_DEAD_LETTER', `collector refused ${count(b)} records (${reason}) and the dead-letter file could not be written: ${err.message}`, { cause: err }));
    }
  };

  const send = async (b: Batch): Promise<void> => {
    stats.inFlight++;
    inFlight.add(b);
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    try {
      let body: Buffer | Uint8Array[];
      try {
        body = await encode(b);
      } catch (err) {
        fail(new FtplogError('ERR_ENCODE', `could not encode a batch: ${(err as Error).message}`, { cause: err }));
        return;
      }
      if (stopped) return;
      stats.requests++;
      stats.bytesSent += Array.isArray(body) ? body.reduce((n, p) => n + p.byteLength, 0) : body.length;
      let res: HttpResponse;
      try {
        res = await transport.send(body, config.compression === 'gzip');
      } catch (err) {
        // Stopped meanwhile: the shutdown has taken the batch.
        if (stopped || !inFlight.delete(b)) return;
        const verdict = classifyError(err);
        if (verdict.kind === 'retry') scheduleRetry(b, verdict);
        else {
          abandoned.push(b);
          fail(new FtplogError('ERR_EXPORT_REJECTED', verdict.reason, { cause: err }));
        }
        return;
      }
      if (stopped || !inFlight.delete(b)) return;
      await onResponse(b, res);
    } finally {
      inFlight.delete(b);
      stats.inFlight--;
      if (!stopped) {
        dispatch();
        maybeFinish();
      }
    }
  };

  const dispatch = (): void => {
    while (!stopped && abandonedBecause === undefined && stats.inFlight < maxInFlight && ready.length > 0) {
      void send(ready.shift()!);
    }
  };

  /**
   * Every record still queued goes to the dead-letter file with the reason.
   * Requests in flight are aborted first; the collector may have received
   * them, so their records are written with a reason that says so.
   */
  const deadLetterQueue = async (why: string): Promise<void> => {
    for (const t of waitingRetry.keys()) clearTimeout(t);
    transport.abortAll();
    const aborted = [...inFlight];
    inFlight.clear();
    const queued = [...waitingRetry.values(), ...ready];
    waitingRetry.clear();
    ready.length = 0;
    const rest = cutBatch();
    if (rest !== undefined) queued.push(rest);
    await Promise.allSettled([...deadLettering]);
    await deadLetterBatches(abandoned.splice(0), why, undefined);
    await deadLetterBatches(aborted, `shutdown: in flight when stopped, the collector may have received them (${why})`, undefined);
    await deadLetterBatches(queued, `shutdown: not delivered (${why})`, undefined);
  };

  /** Set once the sink stops sending (abandon()): what is written from then on goes to the dead-letter file. */
  let abandonedBecause: string | undefined;

  const abandon = (why: string): void => {
    if (abandonedBecause !== undefined || stopped) return;
    abandonedBecause = why;
    if (pendingTimer !== undefined) clearTimeout(pendingTimer);
    const work = deadLetterQueue(why).finally(() => {
      deadLettering.delete(work);
      maybeFinish();
    });
    deadLettering.add(work);
  };

  /** While abandoning: a batch goes straight to the dead-letter file; `then` runs once it is there. */
  const deadLetterAbandoned = (b: Batch, then?: () => void): void => {
    const work = deadLetterBatches([b], `shutdown: not delivered (${abandonedBecause})`, undefined).then(() => {
      deadLettering.delete(work);
      then?.();
      maybeFinish();
    });
    deadLettering.add(work);
  };

  /** While abandoning: a written record (or run) goes straight to the dead-letter file; calls back once it is there. */
  const deadLetterWrite = (callback: (err?: Error | null) => void): void => {
    const b = cutBatch();
    if (b === undefined) callback();
    else deadLetterAbandoned(b, () => callback());
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
      if (abandonedBecause !== undefined) {
        deadLetterWrite(callback);
        return;
      }
      dispatch();
      if (hasRoom()) {
        callback();
        return;
      }
      // Queue full: the next write waits until a batch resolves. Batches
      // must be able to form, or nothing would ever free room.
      if (stats.inFlight === 0 && ready.length === 0 && waitingRetry.size === 0) {
        formBatch();
        dispatch();
      }
      heldWrite = () => callback();
    },
    final(callback) {
      if (abandonedBecause === undefined) formBatch();
      finalCallback = callback;
      dispatch();
      maybeFinish();
    },
    destroy(err, callback) {
      stopped = true;
      if (pendingTimer !== undefined) clearTimeout(pendingTimer);
      heldWrite = undefined;
      // Runs still queued may be in requests being aborted: not released, left to the garbage collector.
      runsOpen.clear();
      const why = (err ?? failed)?.message ?? 'stopped before every record was delivered';
      void deadLetterQueue(why).finally(async () => {
        transport.close();
        await deadLetter.close().catch(() => {});
        const fc = finalCallback;
        finalCallback = undefined;
        if (fc !== undefined) fc(err ?? failed ?? null);
        callback(err ?? failed ?? null);
      });
    },
  });
  Object.defineProperty(sink, 'stats', { value: stats, enumerable: true });
  Object.defineProperty(sink, 'acknowledged', { value: acknowledged, enumerable: true });
  Object.defineProperty(sink, 'deadLetterPath', { value: deadLetter.path, enumerable: true });
  Object.defineProperty(sink, 'abandon', { value: abandon, enumerable: false });
  Object.defineProperty(sink, 'settledBySource', { value: () => tracker.bySource(), enumerable: false });
  return sink as OtlpSink;
}
