/**
 * The sink's bounded queue: records enter it encoded, are cut into batches,
 * and leave it when they are settled.
 *
 * Records written one by one are encoded at once into a builder; runs
 * written already encoded (from worker threads) are taken as slices. Both
 * wait as `pending` (builder records after the slices) until a batch is cut:
 * by count, by bytes, when the format (and so the resource) changes, or when
 * the oldest pending record has waited maxBatchDelayMs. Cut batches wait in
 * `ready` until the request loop takes them; batches that must be sent again
 * (a retry, the halves of a 413) go back to its front.
 *
 * The queue counts what it holds, by records and by encoded bytes, from
 * admission until settle(); hasRoom() is what the sink's writer waits on.
 * Every record gets a sequence number on admission, and every cut batch is
 * registered with the SettledTracker. A run that can hand its memory back
 * (EncodedRecords.release) is released once all its records are settled.
 * No I/O; one timer (the batch age).
 */
import type { FtpLogRecord, LogFormat } from '../../model.js';
import { EncodedRecordsBuilder, RecordEntryEncoder, recordStart, type EncodedRecords, type OtlpEncoding } from '../../otlp/encoded.js';
import { recordFormat } from '../../otel/resource.js';
import { FtplogError } from '../../errors.js';
import type { Batch, Slice } from './batch.js';
import { batchCount } from './batch.js';
import type { SettledTracker } from './settled.js';

export interface QueueLimits {
  maxQueueRecords: number;
  maxQueueBytes: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  maxBatchDelayMs: number;
}

/** The queue's counters, kept in the sink's stats object. */
export interface QueueCounters {
  received: number;
  queuedRecords: number;
  queuedBytes: number;
  peakQueuedRecords: number;
  peakQueuedBytes: number;
}

export class BatchQueue {
  /** Batches cut and waiting for a request, oldest first. */
  readonly ready: Batch[] = [];
  private nextSeq = 0;
  private builder: EncodedRecordsBuilder | undefined;
  private pending: Slice[] = [];
  private pendingRecords = 0;
  private pendingBytes = 0;
  private pendingFormat: LogFormat | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Records not yet settled of each run that can hand its memory back. */
  private readonly runsOpen = new Map<EncodedRecords, number>();
  /** Off once the queue is being emptied for good: runs may still be read by aborted requests. */
  private releasing: boolean;
  /** Records written one by one are encoded here, into one reused buffer. */
  private readonly entries: RecordEntryEncoder;

  constructor(
    private readonly limits: QueueLimits,
    private readonly protocol: OtlpEncoding,
    private readonly tracker: SettledTracker,
    private readonly counters: QueueCounters,
    releaseRuns: boolean,
    /** Called when the age timer has cut a batch. */
    private readonly onAged: () => void,
  ) {
    this.releasing = releaseRuns;
    this.entries = new RecordEntryEncoder(protocol);
  }

  /** Whether the writer may go on: below both bounds. */
  hasRoom(): boolean {
    return this.counters.queuedRecords < this.limits.maxQueueRecords && this.counters.queuedBytes < this.limits.maxQueueBytes;
  }

  /** Records admitted and not yet cut into a batch. */
  get pendingCount(): number {
    return this.pendingRecords;
  }

  /** Encodes a record and admits it. Throws ERR_ENCODE when it cannot be encoded. */
  takeRecord(record: FtpLogRecord): void {
    const format = recordFormat(record.attributes);
    const file = record.position?.file;
    const fileId = record.position?.fileId;
    if (this.pendingRecords > 0 && format !== this.pendingFormat) this.formBatch();
    let entry: Uint8Array;
    try {
      entry = this.entries.encode(record);
    } catch (err) {
      throw new FtplogError('ERR_ENCODE', `could not encode a record: ${(err as Error).message}`, { cause: err });
    }
    // formBatch() does not use `entries`: the entry view stays intact.
    if (this.pendingRecords > 0 && this.pendingBytes + entry.length > this.limits.maxBatchBytes) this.formBatch();
    if (this.builder === undefined || this.builder.format !== format || this.builder.file !== file || this.builder.fileId !== fileId) {
      this.sealBuilder();
      this.builder = new EncodedRecordsBuilder(this.protocol, format, file, undefined, undefined, undefined, fileId);
    }
    this.pendingFormat = format;
    this.builder.append(entry, record.position);
    this.admitted(1, entry.length);
  }

  /** Admits a run of encoded records as slices, cut to the batch bounds. */
  takeRun(run: EncodedRecords): void {
    if (run.protocol !== this.protocol) {
      throw new FtplogError('ERR_INVALID_ARGUMENT', `records encoded for ${run.protocol} written to a sink sending ${this.protocol}`);
    }
    this.sealBuilder();
    if (this.releasing && typeof run.release === 'function' && run.count > 0) this.runsOpen.set(run, run.count);
    const { maxBatchRecords, maxBatchBytes } = this.limits;
    let from = 0;
    while (from < run.count) {
      if (this.pendingRecords > 0 && run.format !== this.pendingFormat) this.formBatch();
      this.pendingFormat = run.format;
      // As many records as the batch has room for, by count and by bytes (at least one).
      const base = recordStart(run, from);
      let to = Math.min(run.count, from + maxBatchRecords - this.pendingRecords);
      while (to > from + 1 && this.pendingBytes + run.ends[to - 1]! - base > maxBatchBytes) to--;
      if (this.pendingRecords > 0 && this.pendingBytes + run.ends[to - 1]! - base > maxBatchBytes) {
        this.formBatch();
        continue;
      }
      this.pending.push({ run, from, to });
      this.admitted(to - from, run.ends[to - 1]! - base);
      from = to;
    }
  }

  /** Cuts the pending records into a batch at the end of `ready`. */
  formBatch(): void {
    const b = this.cutBatch();
    if (b !== undefined) this.ready.push(b);
  }

  /** The pending records as a batch, registered with the tracker; undefined when none. */
  cutBatch(): Batch | undefined {
    this.stopTimer();
    this.sealBuilder();
    if (this.pendingRecords === 0) return undefined;
    const b: Batch = {
      startSeq: this.nextSeq - this.pendingRecords,
      endSeq: this.nextSeq,
      slices: this.pending,
      bytes: this.pendingBytes,
      format: this.pendingFormat,
      attempts: 0,
      firstFailureAt: undefined,
    };
    let seq = b.startSeq;
    for (const s of this.pending) {
      const n = s.to - s.from;
      this.tracker.add(seq, seq + n, { file: s.run.file, fileId: s.run.fileId, lines: s.run.lines, offsets: s.run.offsets, from: s.from });
      seq += n;
    }
    this.pending = [];
    this.pendingRecords = 0;
    this.pendingBytes = 0;
    return b;
  }

  /**
   * Everything the queue holds and no request has taken: the ready batches
   * and the pending records as one more. From now on no run is released
   * (requests being aborted may still read them).
   */
  drain(): Batch[] {
    this.releasing = false;
    this.runsOpen.clear();
    const all = this.ready.splice(0);
    const rest = this.cutBatch();
    if (rest !== undefined) all.push(rest);
    return all;
  }

  /** The batch's records leave the queue: room for the writer, and runs none of whose records remain are released. */
  settle(b: Batch): void {
    this.counters.queuedRecords -= batchCount(b);
    this.counters.queuedBytes -= b.bytes;
    if (this.runsOpen.size === 0) return;
    for (const s of b.slices) {
      const open = this.runsOpen.get(s.run);
      if (open === undefined) continue;
      const left = open - (s.to - s.from);
      if (left > 0) this.runsOpen.set(s.run, left);
      else {
        this.runsOpen.delete(s.run);
        s.run.release!();
      }
    }
  }

  stopTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Moves the records collected in the builder to `pending` as one slice. */
  private sealBuilder(): void {
    if (this.builder === undefined || this.builder.count === 0) return;
    const run = this.builder.finish();
    this.pending.push({ run, from: 0, to: run.count });
  }

  /** Counts records entering the queue and starts the age timer of a new batch. */
  private admitted(records: number, bytes: number): void {
    const c = this.counters;
    this.nextSeq += records;
    this.pendingRecords += records;
    this.pendingBytes += bytes;
    c.received += records;
    c.queuedRecords += records;
    c.queuedBytes += bytes;
    if (c.queuedRecords > c.peakQueuedRecords) c.peakQueuedRecords = c.queuedRecords;
    if (c.queuedBytes > c.peakQueuedBytes) c.peakQueuedBytes = c.queuedBytes;
    if (this.pendingRecords >= this.limits.maxBatchRecords) this.formBatch();
    else if (this.timer === undefined && this.pendingRecords > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.formBatch();
        this.onAged();
      }, this.limits.maxBatchDelayMs);
    }
  }
}
