/**
 * The sink's request loop: up to maxInFlight requests at once, each a batch
 * taken from the queue; retryable failures wait out their backoff (never
 * past the batch's retry deadline) and go again; every other answer goes
 * back to the sink (accepted, split, refused), as do batches given up on.
 *
 * It also tells a series of failures apart from a single one: 'outage' on
 * the first failure while none is running, 'recovered' on the next answer
 * the collector accepts. A batch is in exactly one place: the queue, a
 * request (inFlight) or a retry timer (waiting); takeAll() empties the last
 * two when the sink stops, and a request that ends after that finds its
 * batch gone and leaves it alone.
 */
import { FtplogError } from '../../errors.js';
import type { Batch } from './batch.js';
import { batchCount } from './batch.js';
import type { ExportResponse, ExportTransport } from './transport.js';
import { classifyError, planRetry, type BackoffOptions, type Verdict } from './retry.js';

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

/** The counters the loop keeps in the sink's stats. */
export interface RequestCounters {
  requests: number;
  retries: number;
  bytesSent: number;
  inFlight: number;
  peakInFlight: number;
  lastError: string | undefined;
}

/** What the loop needs from the sink. */
export interface RequestHost {
  /** The next batch to send, or undefined. */
  next(): Batch | undefined;
  /** The request body of a batch. */
  body(b: Batch): Promise<Buffer | Uint8Array[]>;
  /** Any answer but a retryable one. */
  answered(b: Batch, res: ExportResponse, verdict: Exclude<Verdict, { kind: 'retry' }>): Promise<void>;
  /** A batch that will not be sent again: retries exhausted, a fatal error, or a body that could not be made. */
  gaveUp(b: Batch, err: FtplogError): void;
  /** A batch whose retry is due: it goes to the front of the queue. */
  requeue(b: Batch): void;
  /** A request ended or a retry became due: the sink may dispatch more or finish. */
  changed(): void;
  emit(event: 'retry' | 'outage' | 'recovered', info: RetryInfo | OutageInfo | RecoveryInfo): void;
}

export interface RequestOptions {
  maxInFlight: number;
  backoff: BackoffOptions;
  maxRetryTimeMs: number;
  random: () => number;
  gzip: boolean;
}

export class RequestLoop {
  private readonly inFlight = new Set<Batch>();
  private readonly waiting = new Map<NodeJS.Timeout, Batch>();
  private outage: { since: number; retries: number } | undefined;

  /** Whether requests are failing now (between 'outage' and 'recovered'). */
  get inOutage(): boolean {
    return this.outage !== undefined;
  }
  private stopped = false;

  constructor(
    private readonly transport: ExportTransport,
    private readonly host: RequestHost,
    private readonly o: RequestOptions,
    private readonly counters: RequestCounters,
  ) {}

  /** Requests in flight or batches waiting for their retry. */
  get busy(): boolean {
    return this.counters.inFlight > 0 || this.waiting.size > 0;
  }

  /** Starts requests while there is room and the host has batches. */
  dispatch(): void {
    while (!this.stopped && this.counters.inFlight < this.o.maxInFlight) {
      const b = this.host.next();
      if (b === undefined) return;
      void this.send(b);
    }
  }

  /**
   * Stops for good: retry timers are cleared, requests in flight aborted,
   * and their batches handed back (their outcome is unknown).
   */
  takeAll(): { inFlight: Batch[]; waiting: Batch[] } {
    this.stopped = true;
    for (const t of this.waiting.keys()) clearTimeout(t);
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    const inFlight = [...this.inFlight];
    this.inFlight.clear();
    this.transport.abortAll();
    return { inFlight, waiting };
  }

  private async send(b: Batch): Promise<void> {
    const c = this.counters;
    c.inFlight++;
    this.inFlight.add(b);
    if (c.inFlight > c.peakInFlight) c.peakInFlight = c.inFlight;
    try {
      let body: Buffer | Uint8Array[];
      try {
        body = await this.host.body(b);
      } catch (err) {
        if (this.inFlight.delete(b)) this.host.gaveUp(b, new FtplogError('ERR_ENCODE', `could not encode a batch: ${(err as Error).message}`, { cause: err, retryable: false }));
        return;
      }
      if (this.stopped) return;
      c.requests++;
      c.bytesSent += Array.isArray(body) ? body.reduce((n, p) => n + p.byteLength, 0) : body.length;
      let res: ExportResponse;
      try {
        res = await this.transport.send(body, this.o.gzip);
      } catch (err) {
        // Stopped meanwhile: takeAll() has the batch.
        if (!this.inFlight.delete(b)) return;
        const verdict = classifyError(err);
        if (verdict.kind === 'retry') this.retry(b, verdict);
        else this.host.gaveUp(b, new FtplogError('ERR_EXPORT_REJECTED', verdict.reason, { cause: err, retryable: false }));
        return;
      }
      if (!this.inFlight.delete(b)) return;
      const verdict = res.verdict;
      if (verdict.kind === 'retry') {
        this.retry(b, verdict);
        return;
      }
      if (verdict.kind === 'accepted') this.recovered();
      await this.host.answered(b, res, verdict);
    } finally {
      this.inFlight.delete(b);
      c.inFlight--;
      if (!this.stopped) this.host.changed();
    }
  }

  private recovered(): void {
    if (this.outage === undefined) return;
    const info: RecoveryInfo = { downMs: Date.now() - this.outage.since, retries: this.outage.retries };
    this.outage = undefined;
    this.host.emit('recovered', info);
  }

  /** Schedules the batch again, or gives up on it at its retry deadline. */
  private retry(b: Batch, verdict: Extract<Verdict, { kind: 'retry' }>): void {
    const now = Date.now();
    b.firstFailureAt ??= now;
    this.counters.lastError = verdict.reason;
    const deadline = b.firstFailureAt + this.o.maxRetryTimeMs;
    if (now >= deadline) {
      const spent = ((now - b.firstFailureAt) / 1000).toFixed(1);
      this.host.gaveUp(
        b,
        new FtplogError(
          'ERR_EXPORT_RETRY_EXHAUSTED',
          `gave up on ${batchCount(b)} records after ${spent} s of retries (limit ${this.o.maxRetryTimeMs / 1000} s); last error: ${verdict.reason}`,
          { retryable: true },
        ),
      );
      return;
    }
    b.attempts++;
    this.counters.retries++;
    const plan = planRetry(b.attempts, this.o.backoff, this.o.random, verdict.retryAfterMs, now, deadline);
    if (this.outage === undefined) {
      this.outage = { since: now, retries: 0 };
      this.host.emit('outage', { reason: verdict.reason, records: batchCount(b), delayMs: plan.delayMs });
    }
    this.outage.retries++;
    const info: RetryInfo = { reason: verdict.reason, attempt: b.attempts, delayMs: plan.delayMs, records: batchCount(b) };
    if (plan.retryAfterCappedFromMs !== undefined) info.retryAfterCappedFromMs = plan.retryAfterCappedFromMs;
    this.host.emit('retry', info);
    // A listener of the events above may have stopped the loop: the batch then goes back as given up.
    if (this.stopped) {
      this.host.gaveUp(b, new FtplogError('ERR_SHUTDOWN', 'stopped while retrying', { retryable: true }));
      return;
    }
    const t = setTimeout(() => {
      this.waiting.delete(t);
      if (this.stopped) return;
      this.host.requeue(b);
      this.dispatch();
      this.host.changed();
    }, plan.delayMs);
    this.waiting.set(t, b);
  }
}
