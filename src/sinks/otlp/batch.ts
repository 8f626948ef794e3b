/**
 * Batches of the delivery queue: contiguous runs of records, numbered in the
 * order they were written, as slices of encoded runs (see
 * src/otlp/encoded.ts). Cutting, splitting and viewing them never copies or
 * re-encodes a record. Pure.
 */
import type { LogFormat } from '../../model.js';
import { FtplogError } from '../../errors.js';
import { rangeBytes, recordStart, type EncodedRecords } from '../../otlp/encoded.js';

/** Records [from, to) of a run: a batch is a list of these. */
export interface Slice {
  run: EncodedRecords;
  from: number;
  to: number;
}

export interface Batch {
  /** Sequence number of the first record; the batch holds [startSeq, endSeq). */
  startSeq: number;
  endSeq: number;
  slices: Slice[];
  /** Encoded bytes of the records (exact). */
  bytes: number;
  format: LogFormat | undefined;
  /** Failed attempts so far. */
  attempts: number;
  /** When the first attempt of the current series failed. */
  firstFailureAt: number | undefined;
}

export function batchCount(b: Batch): number {
  return b.endSeq - b.startSeq;
}

export function sliceView(s: Slice): Uint8Array {
  const end = s.run.ends[s.to - 1]!;
  // A run released while still queued would send short requests: fail instead.
  if (s.run.bytes.byteLength < end) throw new FtplogError('ERR_INTERNAL', 'records of a released run are still queued');
  return s.run.bytes.subarray(recordStart(s.run, s.from), end);
}

/** Splits a batch's slices after its first `n` records. */
export function splitSlices(slices: readonly Slice[], n: number): [Slice[], Slice[]] {
  const left: Slice[] = [];
  const right: Slice[] = [];
  let need = n;
  for (const s of slices) {
    const len = s.to - s.from;
    if (need >= len) {
      left.push(s);
      need -= len;
    } else if (need > 0) {
      left.push({ run: s.run, from: s.from, to: s.from + need });
      right.push({ run: s.run, from: s.from + need, to: s.to });
      need = 0;
    } else {
      right.push(s);
    }
  }
  return [left, right];
}

export function slicesBytes(slices: readonly Slice[]): number {
  let n = 0;
  for (const s of slices) n += rangeBytes(s.run, s.from, s.to);
  return n;
}

/** The two halves of a batch the collector found too large (413): each starts a fresh series of attempts. */
export function halves(b: Batch): [Batch, Batch] {
  const mid = Math.ceil(batchCount(b) / 2);
  const [left, right] = splitSlices(b.slices, mid);
  const leftBytes = slicesBytes(left);
  return [
    { startSeq: b.startSeq, endSeq: b.startSeq + mid, slices: left, bytes: leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
    { startSeq: b.startSeq + mid, endSeq: b.endSeq, slices: right, bytes: b.bytes - leftBytes, format: b.format, attempts: 0, firstFailureAt: undefined },
  ];
}
