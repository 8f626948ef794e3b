/**
 * Source positions of many records at once, as columns: the form in which
 * encoded runs carry them (src/otlp/encoded.ts), worker threads hand them
 * back, and the sink's settled tracker reads them. One record's position is
 * built from the columns only when it is asked for. Pure.
 */
import type { SourcePosition } from './model.js';

export interface PositionColumns {
  /** Source file of every record; undefined for stdin and in-memory input. */
  readonly file: string | undefined;
  /** Identity of the source file, when it is not its path (followed files). */
  readonly fileId?: string | undefined;
  /** Per record: 1-based line number, or 0 when the record has no position. */
  readonly lines: ArrayLike<number>;
  /** Per record: byte offset just past the line's terminator. */
  readonly offsets: ArrayLike<number>;
}

/** The position of record `i`, or undefined when it has none. */
export function positionAt(c: PositionColumns, i: number): SourcePosition | undefined {
  const line = c.lines[i]!;
  if (!(line > 0)) return undefined;
  const offset = c.offsets[i]!;
  if (c.file === undefined) return { line, offset };
  return c.fileId === undefined ? { file: c.file, line, offset } : { file: c.file, fileId: c.fileId, line, offset };
}

/** The position of the last of records [from, to) that has one. */
export function lastPositionIn(c: PositionColumns, from: number, to: number): SourcePosition | undefined {
  for (let i = to - 1; i >= from; i--) {
    const p = positionAt(c, i);
    if (p !== undefined) return p;
  }
  return undefined;
}
