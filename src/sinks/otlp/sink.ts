/**
 * otlpSink(): a Writable that delivers records to an OTLP/HTTP collector
 * without losing any.
 *
 * Design. Records wait in one bounded queue, counted by records and by
 * (estimated encoded) bytes; the queue holds the records not yet batched,
 * the batches ready to send, the batches in flight and the batches waiting to
 * be retried. A write's callback is held while the queue is full, so the
 * upstream pipeline — and the file reader behind it — waits: memory stays
 * bounded however slow or absent the collector is, and nothing is dropped.
 * Batches are cut by size, by bytes, by age (maxBatchDelayMs) and when the
 * resource changes; up to maxInFlight requests run at once. Retryable failures
 * (network errors, 429, 502, 503, 504) retry the same records with capped
 * exponential backoff, without limit unless maxRetryTimeMs is set; 413 splits
 * the batch; other refusals go to the dead-letter file. Encoded bodies exist
 * only while a request is in flight (a retry re-encodes), so the byte bound
 * covers them too.
 *
 * Acknowledgements: every record gets a sequence number on write. When the
 * collector has answered 2xx for every record up to some point, the sink
 * emits 'ack' with the position of the last of them, in order; follow mode
 * checkpoints on it and `ship` derives its exit status from it.
 */
import { Writable } from 'node:stream';
import { gzip as gzipCb } from 'node:zlib';
import { promisify } from 'node:util';
import type { Attributes, FtpLogRecord, LogFormat, SourcePosition } from '../../model.js';
import { encodeLogsProtobuf } from '../../otlp/encode-protobuf.js';
import { encodeLogsJson } from '../../otlp/encode-json.js';
import { decodePartialSuccessJson, decodePartialSuccessProtobuf } from '../../otlp/response.js';
import { recordFormat } from '../../otel/resource.js';
import { FtplogError, invalidOption } from '../../errors.js';
import type { OtlpConfig } from './config.js';
import { HttpTransport, type HttpResponse } from './transport.js';
import { DEFAULT_BACKOFF, backoffDelay, classifyError, classifyStatus, type BackoffOptions, type Verdict } from './retry.js';
import { DeadLetterFile } from './dead-letter.js';

const gzip = promisify(gzipCb);

export interface OtlpSinkOptions {
  /** Endpoint, protocol, headers, compression, timeout, TLS (see resolveOtlpConfig()). */
  config: OtlpConfig;
  /** Resource attributes, or a function of the record's format (for per-format service.name). */
  resource: Attributes | ((format: LogFormat | undefined) => Attributes);
  /** Instrumentation scope. @default { name: 'ftplog-otel' } */
  scope?: { name: string; version?: string };
  /** Most records queued (pending, ready, in flight, awaiting retry). @default 16384 */
  maxQueueRecords?: number;
  /** Most estimated encoded bytes queued. @default 33554432 (32 MiB) */
  maxQueueBytes?: number;
  /** Most records in one request. @default 2048 */
  maxBatchRecords?: number;
  /** Most estimated encoded bytes in one request. @default 4194304 (4 MiB) */
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
  /** Records buffered by the Writable itself before the queue. @default 256 */
  highWaterMark?: number;
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

interface Batch {
  startSeq: number;
  endSeq: number;
  records: FtpLogRecord[];
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

/** Rough encoded size of a record: its body, attribute values mostly repeat the body, plus keys. */
export function estimateRecordBytes(r: FtpLogRecord): number {
  return 2 * r.body.length + 512;
}

function positiveInt(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 1) throw invalidOption(name, 'a positive integer', v);
  return v;
}

export function otlpSink(options: OtlpSinkOptions): OtlpSink {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
  if (options.config === undefined || !(options.config.url instanceof URL)) throw invalidOption('config', 'an OtlpConfig (see resolveOtlpConfig)', options.config);
  if (options.resource === undefined || (typeof options.resource !== 'function' && typeof options.resource !== 'object')) {
    throw invalidOption('resource', 'resource attributes or a function of the format', options.resource);
  }
  const maxQueueRecords = positiveInt('maxQueueRecords', options.maxQueueRecords, 16384);
  const maxQueueBytes = positiveInt('maxQueueBytes', options.maxQueueBytes, 32 * 1024 * 1024);
  const maxBatchRecords = positiveInt('maxBatchRecords', options.maxBatchRecords, 2048);
  const maxBatchBytes = positiveInt('maxBatchBytes', options.maxBatchBytes, 4 * 1024 * 1024);
  const maxInFlight = positiveInt('maxInFlight', options.maxInFlight, 4);
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
  let pending: FtpLogRecord[] = [];
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

  const formBatch = (): void => {
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      pendingTimer = undefined;
    }
    if (pending.length === 0) return;
    ready.push({
      startSeq: nextSeq - pending.length,
      endSeq: nextSeq,
      records: pending,
      bytes: pendingBytes,
      format: pendingFormat,
      attempts: 0,
      firstFailureAt: undefined,
    });
    pending = [];
    pendingBytes = 0;
  };

  const settled = (): boolean =>
    pending.length === 0 && ready.length === 0 && stats.inFlight === 0 && waitingRetry === 0;

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
      for (let i = b.records.length - 1; i >= 0; i--) {
        const p = b.records[i]!.position;
        if (p !== undefined) {
          acknowledged.position = p;
          break;
        }
      }
      moved = true;
    }
    if (moved) sink.emit('ack', { records: acknowledged.records, position: acknowledged.position });
  };

  const encode = async (b: Batch): Promise<Buffer> => {
    const batch = { resource: resourceFor(b.format), scope, records: b.records };
    const raw: Uint8Array | string = config.protocol === 'http/json' ? encodeLogsJson(batch) : encodeLogsProtobuf(batch);
    const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    return config.compression === 'gzip' ? gzip(buf) : buf;
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
          `gave up on ${b.records.length} records after ${Math.round((now - b.firstFailureAt) / 1000)} s of retries (limit ${Math.round(maxRetryTimeMs / 1000)} s); last error: ${verdict.reason}`,
        ),
      );
      return;
    }
    waitingRetry++;
    sink.emit('retry', { reason: verdict.reason, attempt: b.attempts, delayMs: delay, records: b.records.length });
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
        stats.accepted += b.records.length;
        acceptedAhead.set(b.startSeq, b);
        release(b.records.length, b.bytes);
        advanceAck();
        return;
      }
      case 'retry':
        scheduleRetry(b, verdict);
        return;
      case 'split':
        if (b.records.length > 1) {
          stats.splits++;
          const mid = Math.ceil(b.records.length / 2);
          const left = b.records.slice(0, mid);
          const right = b.records.slice(mid);
          const leftBytes = left.reduce((n, r) => n + estimateRecordBytes(r), 0);
          ready.unshift(
            { startSeq: b.startSeq, endSeq: b.startSeq + mid, records: left, bytes: leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
            { startSeq: b.startSeq + mid, endSeq: b.endSeq, records: right, bytes: b.bytes - leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
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
    try {
      await deadLetter.write(b.records, reason, endpoint, status);
    } catch (err) {
      // Could not even write them down: they are lost unless the run fails loudly.
      fail(new FtplogError('ERR_EXPORT_REJECTED', `collector refused ${b.records.length} records (${reason}) and the dead-letter file ${deadLetter.path} could not be written: ${(err as Error).message}`, { cause: err }));
      return;
    }
    stats.deadLettered += b.records.length;
    sink.emit('deadletter', { reason, records: b.records.length, path: deadLetter.path });
    release(b.records.length, b.bytes);
  };

  const send = async (b: Batch): Promise<void> => {
    stats.inFlight++;
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    try {
      let body: Buffer;
      try {
        body = await encode(b);
      } catch (err) {
        fail(new FtplogError('ERR_EXPORT_REJECTED', `could not encode a batch: ${(err as Error).message}`, { cause: err }));
        return;
      }
      if (stopped) return;
      stats.requests++;
      stats.bytesSent += body.length;
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
    highWaterMark: options.highWaterMark ?? 256,
    write(record: FtpLogRecord, _enc, callback) {
      if (failed !== undefined) {
        callback(failed);
        return;
      }
      const format = recordFormat(record.attributes);
      if (pending.length > 0 && format !== pendingFormat) formBatch();
      const bytes = estimateRecordBytes(record);
      if (pending.length > 0 && pendingBytes + bytes > maxBatchBytes) formBatch();
      pendingFormat = format;
      pending.push(record);
      pendingBytes += bytes;
      nextSeq++;
      stats.received++;
      stats.queuedRecords++;
      stats.queuedBytes += bytes;
      if (stats.queuedRecords > stats.peakQueuedRecords) stats.peakQueuedRecords = stats.queuedRecords;
      if (stats.queuedBytes > stats.peakQueuedBytes) stats.peakQueuedBytes = stats.queuedBytes;
      if (pending.length >= maxBatchRecords) formBatch();
      else if (pendingTimer === undefined) {
        pendingTimer = setTimeout(() => {
          pendingTimer = undefined;
          formBatch();
          dispatch();
        }, maxBatchDelayMs);
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
