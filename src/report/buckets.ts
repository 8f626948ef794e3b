/**
 * Totals per time bucket (a UTC day, a UTC hour), for the most recent
 * `limit` buckets: a run over years of logs keeps `limit` of them, and
 * adds what it let go of into `folded`, which holds everything older than
 * the oldest bucket kept. Buckets are numbered (days or hours
 * since 1970), so the oldest is the smallest. Pure.
 */

/** What a bucket (or the folded rest) adds up. */
export interface Totals {
  records: number;
  failures: number;
  /** ftp.transfer.bytes of the records. */
  bytes: number;
}

export const newTotals = (): Totals => ({ records: 0, failures: 0, bytes: 0 });

export function addTotals(into: Totals, records: number, failures: number, bytes: number): void {
  into.records += records;
  into.failures += failures;
  into.bytes += bytes;
}

export class RecentBuckets {
  private readonly kept = new Map<number, Totals>();
  /** Every bucket at or before this one has been folded. */
  private foldedThrough = -Infinity;
  readonly folded: Totals = newTotals();

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
  }

  add(bucket: number, records: number, failures: number, bytes: number): void {
    if (bucket <= this.foldedThrough) {
      addTotals(this.folded, records, failures, bytes);
      return;
    }
    let t = this.kept.get(bucket);
    if (t === undefined) {
      // A new bucket comes once per day or hour of log time: finding the oldest by a scan is cheap enough.
      if (this.kept.size >= this.limit) this.foldOldest(bucket);
      if (bucket <= this.foldedThrough) {
        addTotals(this.folded, records, failures, bytes);
        return;
      }
      t = newTotals();
      this.kept.set(bucket, t);
    }
    addTotals(t, records, failures, bytes);
  }

  /** Makes room for `incoming`: folds the oldest of the kept buckets and `incoming` together. */
  private foldOldest(incoming: number): void {
    let oldest = incoming;
    for (const k of this.kept.keys()) if (k < oldest) oldest = k;
    if (oldest === incoming) {
      // Older than every bucket kept: it is the one folded.
      this.foldedThrough = incoming;
      return;
    }
    const t = this.kept.get(oldest)!;
    this.kept.delete(oldest);
    addTotals(this.folded, t.records, t.failures, t.bytes);
    this.foldedThrough = oldest;
  }

  /** Buckets kept now (never more than `limit`). */
  get size(): number {
    return this.kept.size;
  }

  /** The buckets kept, oldest first. */
  entries(): [number, Totals][] {
    return [...this.kept.entries()].sort((a, b) => a[0] - b[0]).map(([k, t]) => [k, { ...t }]);
  }
}
