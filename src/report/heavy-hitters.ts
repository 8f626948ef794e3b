/**
 * The most frequent (or heaviest) keys of a stream in fixed memory: the
 * Space-Saving algorithm (Metwally, Agrawal and El Abbadi, "Efficient
 * computation of frequent and top-k elements in data streams", 2005), with
 * weights.
 *
 * At most `capacity` keys are held. A key not held, when the tracker is
 * full, takes the place of the key with the smallest count, starting from
 * that count (which becomes its `error`). Hence, with N the sum of all
 * weights added:
 * - a count is never below the key's true total, and at most `error` above it;
 * - the smallest count held (`floor()`) is at most N / capacity, and a key
 *   not held has a true total of at most `floor()`: every key whose total is
 *   above it is held, so the true top keys are found.
 * While nothing has been evicted the counts are exact (every error is 0).
 *
 * Counts live in a min-heap (by count) indexed from a Map: an add is
 * O(log capacity). Pure.
 */

export interface HeavyHitter<D> {
  readonly key: string;
  /** At least the key's true total, and at most `error` above it. */
  readonly count: number;
  /** How far `count` may be above the true total (0: exact). */
  readonly error: number;
  /** What was given with the key when it last took its place. */
  readonly detail: D;
}

interface Slot<D> {
  key: string;
  count: number;
  error: number;
  detail: D;
  /** Place in the heap. */
  at: number;
}

export class SpaceSaving<D = undefined> {
  private readonly slots = new Map<string, Slot<D>>();
  /** Min-heap by count. */
  private readonly heap: Slot<D>[] = [];
  private weight = 0;
  private evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
  }

  /**
   * Adds `weight` (> 0) to `key`. `error` is what the weight itself may
   * overstate (a partial count merged in); `detail` is kept when the key
   * takes a place, for the report (what the key means).
   */
  add(key: string, weight: number, detail: D, error = 0): void {
    if (!(weight > 0)) return;
    this.weight += weight;
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      slot.count += weight;
      slot.error += error;
      this.down(slot.at);
      return;
    }
    if (this.heap.length < this.capacity) {
      const fresh: Slot<D> = { key, count: weight, error, detail, at: this.heap.length };
      this.heap.push(fresh);
      this.slots.set(key, fresh);
      this.up(fresh.at);
      return;
    }
    const min = this.heap[0]!;
    this.slots.delete(min.key);
    this.evicted++;
    min.key = key;
    min.error = min.count + error;
    min.count += weight;
    min.detail = detail;
    this.slots.set(key, min);
    this.down(0);
  }

  /** Keys held now (never more than `capacity`). */
  get size(): number {
    return this.heap.length;
  }

  /** Sum of every weight added. */
  get total(): number {
    return this.weight;
  }

  /** Keys that lost their place to another; 0 means every count is exact. */
  get evictions(): number {
    return this.evicted;
  }

  /**
   * The most a key's count may be above its true total, and the most a key
   * not held may have in all: the smallest count held once a key has been
   * evicted, else 0.
   */
  floor(): number {
    return this.evicted === 0 || this.heap.length === 0 ? 0 : this.heap[0]!.count;
  }

  /** The `n` highest counts, highest first; ties by key, so the order is stable. */
  top(n: number): HeavyHitter<D>[] {
    return [...this.heap]
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, n)
      .map((s) => ({ key: s.key, count: s.count, error: s.error, detail: s.detail }));
  }

  private up(i: number): void {
    const h = this.heap;
    const s = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.count <= s.count) break;
      h[i] = h[p]!;
      h[i]!.at = i;
      i = p;
    }
    h[i] = s;
    s.at = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const s = h[i]!;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.count < h[l]!.count ? r : l;
      if (h[c]!.count >= s.count) break;
      h[i] = h[c]!;
      h[i]!.at = i;
      i = c;
    }
    h[i] = s;
    s.at = i;
  }
}
