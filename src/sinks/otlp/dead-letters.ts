/**
 * The sink's side of the dead-letter file: batches go there whole, are
 * counted by reason once they are durably in it, and are then settled; when
 * the file cannot be written, nothing more goes there and what was meant
 * for it counts as not delivered. The sink finishes only once every write
 * it started has ended (`busy`).
 */
import { batchCount, type Batch } from './batch.js';
import type { DeadLetterFile } from './dead-letter.js';

/** The sink's counters this writer keeps. */
export interface DeadLetterCounters {
  deadLettered: number;
  undelivered: number;
  deadLetterReasons: Record<string, number>;
}

const MAX_REASONS = 10;

function countReason(reasons: Record<string, number>, reason: string, n: number): void {
  const key = reason in reasons || Object.keys(reasons).length < MAX_REASONS ? reason : 'other';
  reasons[key] = (reasons[key] ?? 0) + n;
}

export class DeadLetterWriter {
  private broken = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly file: DeadLetterFile,
    /** The endpoint as stored in each line (without credentials). */
    private readonly endpoint: string,
    private readonly counters: DeadLetterCounters,
    /** The batches are durably in the file: settle them. */
    private readonly written: (batches: readonly Batch[], reason: string, records: number) => void,
    /** A tracked piece of work ended: the sink may finish. */
    private readonly ended: () => void,
  ) {}

  /** Work under way that the sink must wait for. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  get path(): string {
    return this.file.path;
  }

  /** Counts `p` as work under way until it ends. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = (): void => {
      this.pending.delete(p);
      this.ended();
    };
    p.then(done, done);
    return p;
  }

  /** Waits for the writes under way. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pending]);
  }

  /**
   * Writes the batches' records with `reason`; resolves once they are in the
   * file (and settled), or with the error that kept them out (they then
   * count as not delivered, as does everything meant for the file later).
   * The sink waits for it to end, settling included.
   */
  write(batches: readonly Batch[], reason: string, status?: number): Promise<Error | undefined> {
    return this.track(this.writeNow(batches, reason, status));
  }

  private async writeNow(batches: readonly Batch[], reason: string, status?: number): Promise<Error | undefined> {
    const n = batches.reduce((k, b) => k + batchCount(b), 0);
    if (n === 0) return undefined;
    if (this.broken) {
      this.counters.undelivered += n;
      return undefined;
    }
    try {
      await this.file.writeEncoded(batches.flatMap((b) => b.slices), reason, this.endpoint, status);
    } catch (err) {
      this.broken = true;
      this.counters.undelivered += n;
      return err as Error;
    }
    this.counters.deadLettered += n;
    countReason(this.counters.deadLetterReasons, reason, n);
    this.written(batches, reason, n);
    return undefined;
  }

  close(): Promise<void> {
    return this.file.close().catch(() => {});
  }
}
