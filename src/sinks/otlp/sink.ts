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
import { encodingOf, gzipsBodies, redactUrl, type OtlpConfig } from './config.js';
import { HttpTransport, type ExportResponse, type ExportTransport } from './transport.js';
import { GrpcTransport } from './grpc.js';
import { DEFAULT_BACKOFF, type BackoffOptions, type Verdict } from './retry.js';
import { DeadLetterFile } from './dead-letter.js';
import { DeadLetterWriter } from './dead-letters.js';
import { batchCount as count, halves, sliceView, type Batch } from './batch.js';
import { BatchQueue } from './queue.js';
import { RequestLoop, type RequestHost, type OutageInfo, type RecoveryInfo, type RetryInfo } from './requests.js';
import { gzipParts } from './gzip.js';
import { SettledTracker, type SettledProgress } from './settled.js';

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
  /** Forgets a source whose records are all settled (a finished followed file); false while some are not. */
  forgetSource(key: string): boolean;
  /** Whether requests are failing now (between 'outage' and 'recovered'). */
  readonly inOutage: boolean;
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

/**
 * Builds the request body of a batch: the records' bytes behind their
 * envelope, gzipped when asked over HTTP (gRPC compresses each message
 * itself).
 */
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
    return gzipsBodies(config) ? gzipParts(parts, gzipLevel) : parts;
  };
}

/** The sink: a Writable that joins the queue, the request loop, the settled tracker and the dead-letter writer. */
class OtlpSinkStream extends Writable {
  readonly stats = newStats();
  readonly deadLetterPath: string;
  private readonly transport: ExportTransport;
  private readonly tracker = new SettledTracker();
  private readonly queue: BatchQueue;
  private readonly loop: RequestLoop;
  private readonly deadLetters: DeadLetterWriter;
  /** Encoding of the requests, as answers are read. */
  private readonly sent: 'json' | 'protobuf';
  /** Batches given up on (retries exhausted, a fatal error): written to the dead-letter file as the sink stops. */
  private readonly givenUp: Batch[] = [];
  private heldWrite: (() => void) | undefined;
  private finalCallback: ((err?: Error | null) => void) | undefined;
  private failed: Error | undefined;
  private stopped = false;
  /** Set once the sink stops sending (abandon()): what is written from then on goes to the dead-letter file. */
  private abandonedBecause: string | undefined;

  constructor(options: OtlpSinkOptions, o: ResolvedSinkOptions) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 4 });
    const config = options.config;
    const file = options.deadLetter instanceof DeadLetterFile ? options.deadLetter : new DeadLetterFile(options.deadLetter);
    this.deadLetterPath = file.path;
    this.sent = config.protocol === 'http/json' ? 'json' : 'protobuf';
    this.transport = config.protocol === 'grpc' ? new GrpcTransport(config) : new HttpTransport(config, o.maxInFlight);
    this.queue = new BatchQueue(o, encodingOf(config.protocol), this.tracker, this.stats, options.releaseRuns === true, () => this.loop.dispatch());
    // Stored in each dead letter: never with the URL's credentials or query values.
    this.deadLetters = new DeadLetterWriter(
      file,
      redactUrl(config.url),
      this.stats,
      (batches, reason, records) => {
        this.emit('deadletter', { reason, records, path: file.path });
        for (const b of batches) this.settle(b);
      },
      () => this.maybeFinish(),
    );
    const loopOptions = { maxInFlight: o.maxInFlight, backoff: o.backoff, maxRetryTimeMs: o.maxRetryTimeMs, random: options.random ?? Math.random, gzip: gzipsBodies(config) };
    this.loop = new RequestLoop(this.transport, this.requestHost(requestBodies(options, o.gzipLevel)), loopOptions, this.stats);
  }

  /** Records settled in order so far, over all sources (the tracker's own count). */
  get acknowledged(): AckInfo {
    const all = this.tracker.overall();
    return { records: all.records, position: all.position };
  }

  get inOutage(): boolean {
    return this.loop.inOutage;
  }

  /** Forgets a source whose records are all settled (see SettledTracker.forget()); false while some are not. */
  forgetSource(key: string): boolean {
    return this.tracker.forget(key);
  }

  settledBySource(): SettledProgress[] {
    return this.tracker.bySource();
  }

  abandon(why: string): void {
    if (this.abandonedBecause !== undefined || this.stopped) return;
    this.abandonedBecause = why;
    this.queue.stopTimer();
    void this.deadLetters.track(this.deadLetterQueue(why));
  }

  override _write(chunk: FtpLogRecord | EncodedRecords, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.failed !== undefined) {
      callback(this.failed);
      return;
    }
    try {
      if (isEncodedRecords(chunk)) this.queue.takeRun(chunk);
      else this.queue.takeRecord(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (this.abandonedBecause !== undefined) {
      const b = this.queue.cutBatch();
      if (b === undefined) callback();
      else void this.deadLetterAbandoned(b).then(() => callback());
      return;
    }
    this.loop.dispatch();
    if (this.queue.hasRoom()) {
      callback();
      return;
    }
    // Queue full: the next write waits until a batch resolves. Batches
    // must be able to form, or nothing would ever free room.
    if (!this.loop.busy && this.queue.ready.length === 0) {
      this.queue.formBatch();
      this.loop.dispatch();
    }
    this.heldWrite = () => callback();
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.abandonedBecause === undefined) this.queue.formBatch();
    this.finalCallback = callback;
    this.loop.dispatch();
    this.maybeFinish();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.stopped = true;
    this.queue.stopTimer();
    this.heldWrite = undefined;
    const why = (err ?? this.failed)?.message ?? 'stopped before every record was delivered';
    void this.deadLetterQueue(why).finally(async () => {
      this.transport.close();
      await this.deadLetters.close();
      const fc = this.finalCallback;
      this.finalCallback = undefined;
      if (fc !== undefined) fc(err ?? this.failed ?? null);
      callback(err ?? this.failed ?? null);
    });
  }

  private idle(): boolean {
    return this.queue.pendingCount === 0 && this.queue.ready.length === 0 && !this.loop.busy && !this.deadLetters.busy;
  }

  private maybeFinish(): void {
    if (this.finalCallback !== undefined && !this.stopped && this.idle()) {
      const cb = this.finalCallback;
      this.finalCallback = undefined;
      this.transport.close();
      void this.deadLetters.close().finally(() => cb(this.failed ?? null));
    }
  }

  private fail(err: Error): void {
    if (this.failed !== undefined) return;
    this.failed = err;
    this.destroy(err);
  }

  private warn(message: string): void {
    if (this.stats.warnings.length < 10) this.stats.warnings.push(message);
    this.emit('warning', message);
  }

  /** The batch's records are settled: out of the queue, and the settled positions move. */
  private settle(b: Batch): void {
    this.queue.settle(b);
    if (this.heldWrite !== undefined && this.queue.hasRoom()) {
      const cb = this.heldWrite;
      this.heldWrite = undefined;
      cb();
    }
    const before = this.tracker.overall().records;
    for (const p of this.tracker.settle(b.startSeq, b.endSeq)) this.emit('settled', p);
    const ack = this.acknowledged;
    if (ack.records !== before) this.emit('ack', ack);
  }

  /** A refused batch goes to the dead-letter file; when even that fails, the run fails loudly. */
  private async refuse(b: Batch, reason: string, status: number | undefined): Promise<void> {
    this.stats.lastError = reason;
    const err = await this.deadLetters.write([b], reason, status);
    if (err !== undefined) {
      this.fail(new FtplogError('ERR_DEAD_LETTER', `collector refused ${count(b)} records (${reason}) and the dead-letter file could not be written: ${err.message}`, { cause: err, retryable: false }));
    }
  }

  private accepted(b: Batch, res: ExportResponse): void {
    const n = count(b);
    const s = this.stats;
    const answer = readExportAnswer(res.body, res.contentType, this.sent, n);
    if (answer.warning !== undefined) this.warn(answer.warning);
    if (answer.rejected > 0) {
      s.rejected += answer.rejected;
      if (s.partialMessages.length < 10) s.partialMessages.push(answer.message);
      s.lastError = `collector rejected ${answer.rejected} records: ${answer.message}`;
      this.emit('partial', { rejected: answer.rejected, message: answer.message });
    }
    s.accepted += n - answer.rejected;
    this.settle(b);
  }

  /** Any answer but a retryable one. */
  private async answered(b: Batch, res: ExportResponse, verdict: Exclude<Verdict, { kind: 'retry' }>): Promise<void> {
    switch (verdict.kind) {
      case 'accepted':
        this.accepted(b, res);
        return;
      case 'split':
        if (count(b) > 1) {
          this.stats.splits++;
          this.queue.ready.unshift(...halves(b));
          return;
        }
        await this.refuse(b, `${verdict.reason}: a single record is larger than the collector accepts`, verdict.status);
        return;
      case 'fatal':
        this.gaveUp(b, new FtplogError('ERR_EXPORT_REJECTED', verdict.reason, { retryable: false }));
        return;
      case 'reject': {
        const message = refusalMessage(res.body, res.contentType);
        await this.refuse(b, message !== '' ? `${verdict.reason}: ${message}` : verdict.reason, verdict.status);
        return;
      }
    }
  }

  private gaveUp(b: Batch, err: FtplogError): void {
    if (this.abandonedBecause !== undefined) {
      void this.deadLetterAbandoned(b);
      return;
    }
    this.givenUp.push(b);
    this.fail(err);
  }

  private requestHost(body: (b: Batch) => Promise<Buffer | Uint8Array[]>): RequestHost {
    return {
      next: () => (this.abandonedBecause === undefined ? this.queue.ready.shift() : undefined),
      body,
      answered: (b, res, verdict) => this.answered(b, res, verdict),
      gaveUp: (b, err) => this.gaveUp(b, err),
      requeue: (b) => {
        if (this.abandonedBecause !== undefined) void this.deadLetterAbandoned(b);
        else this.queue.ready.unshift(b);
      },
      changed: () => {
        if (this.stopped) return;
        this.loop.dispatch();
        this.maybeFinish();
      },
      emit: (event, info) => void this.emit(event, info),
    };
  }

  /** While abandoning: a batch goes straight to the dead-letter file. */
  private deadLetterAbandoned(b: Batch): Promise<unknown> {
    return this.deadLetters.write([b], `shutdown: not delivered (${this.abandonedBecause})`);
  }

  /**
   * Every record still queued goes to the dead-letter file with the reason.
   * Requests in flight are aborted first; the collector may have received
   * them, so their records are written with a reason that says so.
   */
  private async deadLetterQueue(why: string): Promise<void> {
    const { inFlight, waiting } = this.loop.takeAll();
    const queued = [...waiting, ...this.queue.drain()];
    await this.deadLetters.settled();
    await this.deadLetters.write(this.givenUp.splice(0), why);
    await this.deadLetters.write(inFlight, `shutdown: in flight when stopped, the collector may have received them (${why})`);
    await this.deadLetters.write(queued, `shutdown: not delivered (${why})`);
  }
}

export function otlpSink(options: OtlpSinkOptions): OtlpSink {
  return new OtlpSinkStream(options, resolveSinkOptions(options)) as unknown as OtlpSink;
}
