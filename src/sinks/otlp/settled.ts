/**
 * Which records are settled, and up to where, per source.
 *
 * A record is settled when the collector accepted it or when its line is
 * durably in the dead-letter file: either way the sink is done with it and
 * the reader may forget it (a checkpoint may move past it). Records are
 * numbered in the order they reach the sink; the records of one source are
 * a subsequence of those numbers. Batches settle out of order (requests run
 * in parallel, some are retried, some are dead-lettered), so each source
 * keeps its records' ranges in order, settled or not, and its settled
 * position is that of the last record before its first unsettled one.
 *
 * Memory: an unsettled range keeps references to the per-record line and
 * offset arrays of its run (never the records' bytes); a settled range keeps
 * only the position of its last record, and settled neighbours merge, so a
 * source holds at most about twice as many ranges as it has unsettled ones,
 * which the sink's queue bounds. Nothing settled is held once the ranges
 * before it have settled too. Pure: no streams, no timers.
 */
import type { SourcePosition } from '../../model.js';
import { FtplogError } from '../../errors.js';
import { lastPositionIn, type PositionColumns } from '../../positions.js';

/** Positions of consecutive records: entries `from`… of a run's position columns. */
export interface PositionSpan extends PositionColumns {
  /** Index in `lines`/`offsets` of the range's first record. */
  readonly from: number;
}

interface Range {
  start: number;
  end: number;
  /** Records of the source in the range (settled ranges merged across other sources' records count only their own). */
  count: number;
  /** Set while unsettled. */
  span: PositionSpan | undefined;
  /** Once settled: position of its last record that had one. */
  last: SourcePosition | undefined;
}

/** What a source has settled, in order. */
export interface SettledProgress {
  /** The source's key: its file's identity (followed files) or path, or `-` for stdin and records without a file. */
  readonly source: string;
  /** Records of the source settled so far, all before `position` included. */
  readonly records: number;
  /** Position up to which every record of the source is settled. */
  readonly position: SourcePosition | undefined;
}

class SourceRanges {
  readonly ranges: Range[] = [];
  records = 0;
  position: SourcePosition | undefined;
  constructor(readonly key: string) {}
}

/** The key of a source: its file's identity when it has one apart from its path, its path, or `-`. */
export function sourceKey(file: string | undefined, fileId?: string): string {
  return fileId ?? file ?? '-';
}


export class SettledTracker {
  private readonly sources = new Map<string, SourceRanges>();
  /** Every record, whatever its source: the sink's in-order acknowledgement. */
  private readonly all = new SourceRanges('*');

  /** Registers records [start, end), in increasing order of `start`, with their positions. */
  add(start: number, end: number, span: PositionSpan): void {
    if (end <= start) return;
    const key = sourceKey(span.file, span.fileId);
    let src = this.sources.get(key);
    if (src === undefined) {
      src = new SourceRanges(key);
      this.sources.set(key, src);
    }
    for (const s of [src, this.all]) {
      const prev = s.ranges[s.ranges.length - 1];
      if (prev !== undefined && prev.end > start) throw new FtplogError('ERR_INTERNAL', `records ${start}-${end} registered out of order`);
      s.ranges.push({ start, end, count: end - start, span, last: undefined });
    }
  }

  /**
   * Marks records [start, end) settled. Returns the sources whose settled
   * position moved, each with its new progress.
   */
  settle(start: number, end: number): SettledProgress[] {
    const moved: SettledProgress[] = [];
    for (const src of this.sources.values()) {
      if (this.settleIn(src, start, end)) moved.push(this.progressOf(src));
    }
    this.settleIn(this.all, start, end);
    return moved;
  }

  /** In-order progress over every record. */
  overall(): SettledProgress {
    return this.progressOf(this.all);
  }

  /** Progress of each source seen so far. */
  bySource(): SettledProgress[] {
    return [...this.sources.values()].map((s) => this.progressOf(s));
  }

  /**
   * Forgets a source none of whose records is unsettled (a followed file that
   * was finished), so that a months-long run does not keep one entry per file
   * it ever read. Returns false, and keeps it, while it has unsettled records.
   */
  forget(key: string): boolean {
    const s = this.sources.get(key);
    if (s === undefined) return true;
    if (s.ranges.length > 0) return false;
    this.sources.delete(key);
    return true;
  }

  /** Ranges held over all sources (a measure of memory held for bookkeeping). */
  get heldRanges(): number {
    let n = this.all.ranges.length;
    for (const s of this.sources.values()) n += s.ranges.length;
    return n;
  }

  /** Records registered and not yet settled. */
  get unsettled(): number {
    let n = 0;
    for (const r of this.all.ranges) if (r.span !== undefined) n += r.count;
    return n;
  }

  private progressOf(s: SourceRanges): SettledProgress {
    return { source: s.key, records: s.records, position: s.position };
  }

  /** Settles [start, end) within one source's ranges; true when its settled position moved. */
  private settleIn(s: SourceRanges, start: number, end: number): boolean {
    const ranges = s.ranges;
    if (ranges.length === 0 || ranges[0]!.start >= end || ranges[ranges.length - 1]!.end <= start) return false;
    for (let k = 0; k < ranges.length; k++) {
      const r = ranges[k]!;
      if (r.end <= start) continue;
      if (r.start >= end) break;
      if (r.span === undefined) continue;
      const from = Math.max(r.start, start);
      const to = Math.min(r.end, end);
      const parts: Range[] = [];
      if (r.start < from) parts.push({ start: r.start, end: from, count: from - r.start, span: r.span, last: undefined });
      parts.push({ start: from, end: to, count: to - from, span: undefined, last: lastPositionIn(r.span, r.span.from + (from - r.start), r.span.from + (to - r.start)) });
      if (to < r.end) parts.push({ start: to, end: r.end, count: r.end - to, span: { ...r.span, from: r.span.from + (to - r.start) }, last: undefined });
      ranges.splice(k, 1, ...parts);
      k += parts.length - 1;
    }
    this.mergeSettled(ranges);
    let moved = false;
    while (ranges.length > 0 && ranges[0]!.span === undefined) {
      const r = ranges.shift()!;
      s.records += r.count;
      if (r.last !== undefined) s.position = r.last;
      moved = true;
    }
    return moved;
  }

  /**
   * Merges settled ranges that follow one another in the list (the records
   * between them, if any, are other sources'), keeping the later one's last
   * position.
   */
  private mergeSettled(ranges: Range[]): void {
    let w = 0;
    for (let k = 0; k < ranges.length; k++) {
      const r = ranges[k]!;
      const prev = w > 0 ? ranges[w - 1]! : undefined;
      if (prev !== undefined && prev.span === undefined && r.span === undefined) {
        prev.end = r.end;
        prev.count += r.count;
        if (r.last !== undefined) prev.last = r.last;
        continue;
      }
      ranges[w++] = r;
    }
    ranges.length = w;
  }
}
