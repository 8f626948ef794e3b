/**
 * Cuts an input's bytes into blocks of whole lines, so that blocks can be
 * parsed independently (by worker threads) and their results put back in
 * order.
 *
 * A block ends just after a line end (or at the end of the input): a LF, or
 * a CR in an input whose first 64 KiB hold a CR but no LF, decided by the
 * same rule as LineCutter's (split/line-end.ts) and passed on with each block
 * for its LineCutter. Until that is decided no block goes out, and the bytes
 * from the input's first CR on are held (at most those 64 KiB). Bytes after
 * the last line end of a chunk are carried into the next block; the carry is bounded:
 * once an unfinished line is longer than `maxLineBytes` + 2 bytes, only that
 * much of it is kept (the `prefix` of the next block) and the rest is counted
 * (`skipped`) and dropped up to the line's end. (The input's first line keeps
 * 3 bytes more when it starts with a UTF-8 BOM: LineCutter strips the BOM
 * before it measures the line.) The block's LineCutter then
 * sees an over-long line, keeps the part it would have kept from the whole
 * line, and takes `skipped` into account for the offsets, so records and
 * positions are the same as when the input is cut in one pass.
 *
 * Chunks are lent: push() keeps copies of what it carries, never the chunk,
 * and a block's bytes come as the carried pieces followed by a view of the
 * chunk, for the caller to copy where they go before the chunk is reused (one
 * copy, where joining them here would allocate a block-sized buffer per
 * block).
 *
 * Pure: no streams, no threads.
 */
import { Buffer } from 'node:buffer';
import { invalidOption } from '../errors.js';
import { LineEndProbe, type LineEnd } from '../split/line-end.js';

const LF = 0x0a;
const CR = 0x0d;

export interface Block {
  /** Byte offset of the block's first byte in the input. */
  startOffset: number;
  /**
   * The start of an over-long line that began in earlier chunks (its first
   * maxLineBytes + 2 bytes; 3 more for a BOM at the start of the input),
   * when there is one; `bytes` then continues after the `skipped` bytes that
   * were dropped.
   */
  prefix?: Buffer;
  skipped?: number;
  /**
   * Whole lines (the last one may lack its LF at the end of input), in
   * pieces to be read in order. The last piece may be a view of the chunk
   * given to push(): valid only until that chunk's memory is reused.
   */
  parts: Buffer[];
  /** Bytes in `parts`. */
  byteLength: number;
  /** Bytes of input the block stands for: prefix + skipped + byteLength. */
  inputBytes: number;
  /** The input's line end, for the block's LineCutter. */
  lineEnd: LineEnd;
  /**
   * Line ends in the block: the lines before the next block's first one. The
   * reader numbers each block's lines from the sum over the blocks before it,
   * so records carry their line number in the file whichever thread parses them.
   */
  lineEnds: number;
}

export class BlockCutter {
  private offset = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** While dropping the rest of an over-long line: its kept start and the bytes dropped so far. */
  private overLong: { prefix: Buffer; skipped: number } | undefined;
  private readonly keep: number;
  /** The byte blocks end after: LF, or CR in CR mode; LF while probing (the bytes cut then hold neither). */
  private sep = LF;
  /** Set until the line end is decided. */
  private probe: LineEndProbe | undefined = new LineEndProbe();
  /** While probing: the input from its first CR on, held until the line end is decided. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** `startOffset`: where in its file the input begins (a range of a file: block offsets are the file's). */
  constructor(
    readonly maxLineBytes: number,
    startOffset = 0,
  ) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw invalidOption('maxLineBytes', 'a positive integer', maxLineBytes);
    this.offset = startOffset;
    // LineCutter treats a tail longer than maxLineBytes + 1 (room for a CR) as over-long.
    this.keep = maxLineBytes + 2;
  }

  /**
   * Bytes held for an unfinished line (bounded by maxLineBytes + 2, or + 5 on
   * a first line that starts with a BOM), plus, until the line end is
   * decided, the bytes from the input's first CR on (at most 64 KiB).
   */
  get heldBytes(): number {
    return (this.overLong !== undefined ? this.overLong.prefix.length : this.carryBytes) + this.pendingBytes;
  }

  /** The line end in use; undefined while it is still being decided. */
  get lineEnd(): LineEnd | undefined {
    return this.probe !== undefined ? undefined : this.sep === CR ? 'cr' : 'lf';
  }

  /** Feeds a chunk; returns the block it completes, if any. */
  push(chunk: Buffer): Block | undefined {
    if (chunk.length === 0) return undefined;
    if (this.probe === undefined) return this.cut(chunk);
    const step = this.probe.scan(chunk);
    if (step.lineEnd === undefined) {
      // No line end in the bytes before the first CR: they only extend the first line.
      if (step.clear > 0) this.cut(step.clear === chunk.length ? chunk : chunk.subarray(0, step.clear));
      if (step.clear < chunk.length) {
        const held = Buffer.from(chunk.subarray(step.clear));
        this.pending.push(held);
        this.pendingBytes += held.length;
      }
      return undefined;
    }
    this.decide(step.lineEnd);
    if (this.pendingBytes === 0) return this.cut(chunk);
    // One block for what was held and the chunk (not lent: a new buffer).
    const all = Buffer.concat([...this.pending, chunk], this.pendingBytes + chunk.length);
    this.pending = [];
    this.pendingBytes = 0;
    return this.cut(all);
  }

  private decide(lineEnd: LineEnd): void {
    this.probe = undefined;
    this.sep = lineEnd === 'cr' ? CR : LF;
  }

  private cut(chunk: Buffer): Block | undefined {
    const last = chunk.lastIndexOf(this.sep);
    if (this.overLong !== undefined) {
      if (last < 0) {
        this.overLong.skipped += chunk.length;
        return undefined;
      }
      const { prefix, skipped } = this.overLong;
      this.overLong = undefined;
      const bytes = chunk.subarray(0, last + 1);
      this.keepTail(chunk, last + 1);
      return this.block({ startOffset: this.offset, prefix, skipped, parts: [bytes], byteLength: bytes.length, inputBytes: prefix.length + skipped + bytes.length });
    }
    if (last < 0) {
      // A copy: the chunk is lent (a line longer than a chunk, so rare).
      this.carry.push(Buffer.from(chunk));
      this.carryBytes += chunk.length;
      if (this.carryBytes > this.keep) {
        const all = Buffer.concat(this.carry, this.carryBytes);
        // The input's first line (no block out yet): LineCutter strips a BOM
        // before measuring it, so 3 more bytes are kept for it to see the line
        // as over-long (or not) exactly as it would in one pass.
        const keep = this.offset === 0 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf ? this.keep + 3 : this.keep;
        if (all.length <= keep) {
          this.carry = [all];
          return undefined;
        }
        this.overLong = { prefix: Buffer.from(all.subarray(0, keep)), skipped: all.length - keep };
        this.carry = [];
        this.carryBytes = 0;
      }
      return undefined;
    }
    const head = chunk.subarray(0, last + 1);
    const byteLength = this.carryBytes + head.length;
    const parts = this.carryBytes === 0 ? [head] : [...this.carry, head];
    this.carry = [];
    this.carryBytes = 0;
    this.keepTail(chunk, last + 1);
    return this.block({ startOffset: this.offset, parts, byteLength, inputBytes: byteLength });
  }

  /**
   * Ends the input: the last block (an unterminated last line, or the rest of
   * an over-long one; or, when the input ended before its line end was
   * decided, all of what was held).
   */
  end(): Block | undefined {
    if (this.probe !== undefined) this.decide(this.probe.finish());
    const held = this.pending;
    const heldBytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.overLong !== undefined) {
      const { prefix, skipped } = this.overLong;
      this.overLong = undefined;
      return this.block({ startOffset: this.offset, prefix, skipped, parts: held, byteLength: heldBytes, inputBytes: prefix.length + skipped + heldBytes });
    }
    if (this.carryBytes + heldBytes === 0) return undefined;
    const parts = heldBytes === 0 ? this.carry : [...this.carry, ...held];
    const byteLength = this.carryBytes + heldBytes;
    this.carry = [];
    this.carryBytes = 0;
    return this.block({ startOffset: this.offset, parts, byteLength, inputBytes: byteLength });
  }

  private keepTail(chunk: Buffer, from: number): void {
    if (from >= chunk.length) return;
    // A copy, so the chunk (possibly a large buffer) is not retained.
    const tail = Buffer.from(chunk.subarray(from));
    this.carry.push(tail);
    this.carryBytes = tail.length;
    if (this.carryBytes > this.keep) {
      this.overLong = { prefix: Buffer.from(tail.subarray(0, this.keep)), skipped: tail.length - this.keep };
      this.carry = [];
      this.carryBytes = 0;
    }
  }

  private block(b: Omit<Block, 'lineEnd' | 'lineEnds'>): Block {
    this.offset += b.inputBytes;
    // The prefix and the skipped bytes of an over-long line hold no line end.
    return { ...b, lineEnd: this.sep === CR ? 'cr' : 'lf', lineEnds: countByte(b.parts, this.sep) };
  }
}

/** Occurrences of `byte` in the parts: a native search per line, about 1% of what parsing the line costs. */
export function countByte(parts: readonly Buffer[], byte: number): number {
  let n = 0;
  for (const part of parts) {
    for (let i = part.indexOf(byte); i !== -1; i = part.indexOf(byte, i + 1)) n++;
  }
  return n;
}
