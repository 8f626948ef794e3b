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
import { isEncodedRecords, type EncodedRecords } from '../../otlp/encoded.js';
import { readExportAnswer, refusalMessage } from '../../otlp/response.js';
import { FtplogError, invalidOption } from '../../errors.js';
import { DELIVERY_OPTIONS, OTLP_OPTIONS } from '../../options/components.js';
import { libraryOption, optionByKey } from '../../options/spec.js';
import { redactUrl, type OtlpConfig } from './config.js';
import { HttpTransport, type HttpResponse } from './transport.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './retry.js';
import { DeadLetterFile } from './dead-letter.js';
import { DeadLetterWriter } from './dead-letters.js';
import { batchCount as count, halves, sliceView, type Batch } from './batch.js';
import { BatchQueue } from './queue.js';
import { RequestLoop, type RequestHost, type OutageInfo, type RecoveryInfo, type RetryInfo } from './requests.js';
import { gzipParts } from './gzip.js';
import { SettledTracker, type SettledProgress } from './settled.js';

export { DEFAULT_GZIP_LEVEL } from './gzip.js';
export type { SettledProgress } from './settled.js';
export type { OutageInfo, RecoveryInfo, RetryInfo } from './requests.js';

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

/** The sink's options, checked against their one declaration (src/options/components.ts), with its defaults. */
export function resolveSinkOptions(options: OtlpSinkOptions): ResolvedSinkOptions {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
  if (options.config === undefined || !(options.config.url instanceof URL)) throw invalidOption('config', 'an OtlpConfig (see resolveOtlpConfig)', options.config);
  if (options.resource === undefined || (typeof options.resource !== 'function' && typeof options.resource !== 'object')) {
    throw invalidOption('resource', 'resource attributes or a function of the format', options.resource);
  }
  const delivery = (key: string, value: unknown): number => libraryOption(optionByKey(DELIVERY_OPTIONS, key), value) as number;
  const maxQueueRecords = delivery('maxQueueRecords', options.maxQueueRecords);
  const maxBatchRecords = delivery('maxBatchRecords', options.maxBatchRecords);
  if (maxBatchRecords > maxQueueRecords) throw invalidOption('maxBatchRecords', `at most maxQueueRecords (${maxQueueRecords})`, maxBatchRecords);
  const backoff: BackoffOptions = {
    initialMs: delivery('backoff.initialMs', options.backoff?.initialMs),
    maxMs: delivery('backoff.maxMs', options.backoff?.maxMs),
    multiplier: options.backoff?.multiplier ?? DEFAULT_BACKOFF.multiplier,
  };
  if (!(backoff.maxMs >= backoff.initialMs) || !(backoff.multiplier >= 1)) {
    throw invalidOption('backoff', 'maxMs >= initialMs, multiplier >= 1', JSON.stringify(backoff));
  }
  return {
    maxQueueRecords,
    maxQueueBytes: delivery('maxQueueBytes', options.maxQueueBytes),
    maxBatchRecords,
    maxBatchBytes: delivery('maxBatchBytes', options.maxBatchBytes),
    maxInFlight: delivery('maxInFlight', options.maxInFlight),
    maxBatchDelayMs: delivery('maxBatchDelayMs', options.maxBatchDelayMs),
    maxRetryTimeMs: (libraryOption(optionByKey(DELIVERY_OPTIONS, 'maxRetryTimeMs'), options.maxRetryTimeMs) as number | undefined) ?? Infinity,
    backoff,
    gzipLevel: libraryOption(optionByKey(OTLP_OPTIONS, 'gzipLevel'), options.gzipLevel) as number,
  };
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

/** The resource of each format, computed once. */
function resourceLookup(resource: OtlpSinkOptions['resource']): (f: LogFormat | undefined) => Attributes {
  const resourceOf = typeof resource === 'function' ? resource : (): Attributes => resource;
  const cache = new Map<LogFormat | undefined, Attributes>();
  return (f) => {
    let r = cache.get(f);
    if (r === undefined) {
      r = resourceOf(f);
      cache.set(f, r);
    }
    return r;
  };
}

/** Builds the request body of a batch: the records' bytes behind their envelope, gzipped when asked. */
function requestBodies(options: OtlpSinkOptions, gzipLevel: number): (b: Batch) => Promise<Buffer | Uint8Array[]> {
  const { config } = options;
  const scope = options.scope ?? { name: 'ftplog-otel' };
  const resourceFor = resourceLookup(options.resource);
  return async (b) => {
    const records = b.slices.map(sliceView);
    const resource = resourceFor(b.format);
    const parts =
      config.protocol === 'http/json'
        ? encodeLogsJsonEnvelopeParts(resource, scope, records, b.bytes)
        : [encodeLogsProtobufEnvelopeHead(resource, scope, b.bytes), ...records];
    return config.compression === 'gzip' ? gzipParts(parts, gzipLevel) : parts;
  };
}

export function otlpSink(options: OtlpSinkOptions): OtlpSink {
  const o = resolveSinkOptions(options);
  const config = options.config;
  const deadLetterFile = options.deadLetter instanceof DeadLetterFile ? options.deadLetter : new DeadLetterFile(options.deadLetter);
  const transport = new HttpTransport(config, o.maxInFlight);
  const sent = config.protocol === 'http/json' ? 'json' : 'protobuf';

  const stats = newStats();
  const acknowledged: AckInfo = { records: 0, position: undefined };
  const tracker = new SettledTracker();
  const queue = new BatchQueue(o, config.protocol, tracker, stats, options.releaseRuns === true, () => loop.dispatch());
  /** Batches given up on (retries exhausted, a fatal error): written to the dead-letter file as the sink stops. */
  const givenUp: Batch[] = [];
  let heldWrite: (() => void) | undefined;
  let finalCallback: ((err?: Error | null) => void) | undefined;
  let failed: Error | undefined;
  let stopped = false;
  /** Set once the sink stops sending (abandon()): what is written from then on goes to the dead-letter file. */
  let abandonedBecause: string | undefined;

  // Stored in each dead letter: never with the URL's credentials or query values.
  const deadLetters = new DeadLetterWriter(
    deadLetterFile,
    redactUrl(config.url),
    stats,
    (batches, reason, records) => {
      sink.emit('deadletter', { reason, records, path: deadLetterFile.path });
      for (const b of batches) settle(b);
    },
    () => maybeFinish(),
  );

  const idle = (): boolean => queue.pendingCount === 0 && queue.ready.length === 0 && !loop.busy && !deadLetters.busy;

  const maybeFinish = (): void => {
    if (finalCallback !== undefined && !stopped && idle()) {
      const cb = finalCallback;
      finalCallback = undefined;
      transport.close();
      void deadLetters.close().finally(() => cb(failed ?? null));
    }
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

  /** The batch's records are settled: out of the queue, and the settled positions move. */
  const settle = (b: Batch): void => {
    queue.settle(b);
    if (heldWrite !== undefined && queue.hasRoom()) {
      const cb = heldWrite;
      heldWrite = undefined;
      cb();
    }
    for (const p of tracker.settle(b.startSeq, b.endSeq)) sink.emit('settled', p);
    const all = tracker.overall();
    if (all.records !== acknowledged.records) {
      acknowledged.records = all.records;
      acknowledged.position = all.position;
      sink.emit('ack', { records: all.records, position: all.position });
    }
  };

  /** A refused batch goes to the dead-letter file; when even that fails, the run fails loudly. */
  const refuse = async (b: Batch, reason: string, status: number | undefined): Promise<void> => {
    stats.lastError = reason;
    const err = await deadLetters.write([b], reason, status);
    if (err !== undefined) {
      fail(new FtplogError('ERR_DEAD_LETTER', `collector refused ${count(b)} records (${reason}) and the dead-letter file could not be written: ${err.message}`, { cause: err, retryable: false }));
    }
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
    settle(b);
  };

  /** While abandoning: a batch goes straight to the dead-letter file. */
  const deadLetterAbandoned = (b: Batch): Promise<unknown> => deadLetters.track(deadLetters.write([b], `shutdown: not delivered (${abandonedBecause})`));

  const host: RequestHost = {
    next: () => (abandonedBecause === undefined ? queue.ready.shift() : undefined),
    body: requestBodies(options, o.gzipLevel),
    answered: async (b, res, verdict) => {
      switch (verdict.kind) {
        case 'accepted':
          onAccepted(b, res);
          return;
        case 'split':
          if (count(b) > 1) {
            stats.splits++;
            queue.ready.unshift(...halves(b));
            return;
          }
          await refuse(b, `${verdict.reason}: a single record is larger than the collector accepts`, 413);
          return;
        case 'fatal':
          host.gaveUp(b, new FtplogError('ERR_EXPORT_REJECTED', verdict.reason, { retryable: false }));
          return;
        case 'reject': {
          const message = refusalMessage(res.body, res.headers['content-type']);
          await refuse(b, message !== '' ? `${verdict.reason}: ${message}` : verdict.reason, verdict.status);
          return;
        }
      }
    },
    gaveUp: (b, err) => {
      if (abandonedBecause !== undefined) {
        void deadLetterAbandoned(b);
        return;
      }
      givenUp.push(b);
      fail(err);
    },
    requeue: (b) => {
      if (abandonedBecause !== undefined) void deadLetterAbandoned(b);
      else queue.ready.unshift(b);
    },
    changed: () => {
      if (stopped) return;
      loop.dispatch();
      maybeFinish();
    },
    emit: (event, info) => void sink.emit(event, info),
  };
  const loop = new RequestLoop(transport, host, { maxInFlight: o.maxInFlight, backoff: o.backoff, maxRetryTimeMs: o.maxRetryTimeMs, random: options.random ?? Math.random, gzip: config.compression === 'gzip' }, stats);

  /**
   * Every record still queued goes to the dead-letter file with the reason.
   * Requests in flight are aborted first; the collector may have received
   * them, so their records are written with a reason that says so.
   */
  const deadLetterQueue = async (why: string): Promise<void> => {
    const { inFlight, waiting } = loop.takeAll();
    const queued = [...waiting, ...queue.drain()];
    await deadLetters.settled();
    await deadLetters.write(givenUp.splice(0), why);
    await deadLetters.write(inFlight, `shutdown: in flight when stopped, the collector may have received them (${why})`);
    await deadLetters.write(queued, `shutdown: not delivered (${why})`);
  };

  const abandon = (why: string): void => {
    if (abandonedBecause !== undefined || stopped) return;
    abandonedBecause = why;
    queue.stopTimer();
    void deadLetters.track(deadLetterQueue(why));
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
        if (isEncodedRecords(chunk)) queue.takeRun(chunk);
        else queue.takeRecord(chunk);
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (abandonedBecause !== undefined) {
        const b = queue.cutBatch();
        if (b === undefined) callback();
        else void deadLetterAbandoned(b).then(() => callback());
        return;
      }
      loop.dispatch();
      if (queue.hasRoom()) {
        callback();
        return;
      }
      // Queue full: the next write waits until a batch resolves. Batches
      // must be able to form, or nothing would ever free room.
      if (!loop.busy && queue.ready.length === 0) {
        queue.formBatch();
        loop.dispatch();
      }
      heldWrite = () => callback();
    },
    final(callback) {
      if (abandonedBecause === undefined) queue.formBatch();
      finalCallback = callback;
      loop.dispatch();
      maybeFinish();
    },
    destroy(err, callback) {
      stopped = true;
      queue.stopTimer();
      heldWrite = undefined;
      const why = (err ?? failed)?.message ?? 'stopped before every record was delivered';
      void deadLetterQueue(why).finally(async () => {
        transport.close();
        await deadLetters.close();
        const fc = finalCallback;
        finalCallback = undefined;
        if (fc !== undefined) fc(err ?? failed ?? null);
        callback(err ?? failed ?? null);
      });
    },
  });
  Object.defineProperty(sink, 'stats', { value: stats, enumerable: true });
  Object.defineProperty(sink, 'acknowledged', { value: acknowledged, enumerable: true });
  Object.defineProperty(sink, 'deadLetterPath', { value: deadLetterFile.path, enumerable: true });
  Object.defineProperty(sink, 'abandon', { value: abandon, enumerable: false });
  Object.defineProperty(sink, 'settledBySource', { value: () => tracker.bySource(), enumerable: false });
  return sink as OtlpSink;
}
