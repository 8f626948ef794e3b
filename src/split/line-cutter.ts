/**
 * Cuts bytes into lines without ever holding more than one line's worth of
 * bytes (plus the current chunk).
 *
 * Design: lines are found with Buffer#indexOf(LF) on the raw bytes and only
 * complete lines are decoded, so a multi-byte UTF-8 character split across
 * chunks is reassembled for free and no StringDecoder state is needed. The only
 * carried state is the unfinished tail of the previous chunk, capped at
 * `maxLineBytes`: past that the line is emitted truncated (flagged) and the rest
 * of it is skipped up to the next LF, so one runaway line cannot grow memory.
 *
 * Pure: no node:stream here; the stream stage in transforms/ is a thin wrapper.
 */
import { Buffer } from 'node:buffer';
import type { LogLine, SourcePosition } from '../model.js';
import { invalidOption } from '../errors.js';

export type LineEncoding = 'utf8' | 'latin1';

export interface LineCutterOptions {
  /**
   * Longest line kept whole, in bytes (terminator excluded). A longer line is
   * emitted with its first `maxLineBytes` bytes and `truncated: true`.
   * @default 65536
   */
  maxLineBytes?: number;
  /** Text encoding of the input. `latin1` for ANSI-encoded Windows files. @default 'utf8' */
  encoding?: LineEncoding;
  /** Source file path put on each line's position. */
  file?: string;
  /** Byte offset the input starts at (when resuming a file). A BOM is only stripped at offset 0. @default 0 */
  startOffset?: number;
  /** Number of lines before `startOffset` (when resuming). @default 0 */
  startLine?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineCutter {
  readonly maxLineBytes: number;
  readonly encoding: LineEncoding;
  readonly file: string | undefined;
  /** Absolute byte offset of the first byte not yet consumed into a line. */
  private offset: number;
  private lineNo: number;
  /** Unfinished line carried over from earlier chunks (at most maxLineBytes + 1 bytes). */
  private tail: Buffer | undefined;
  /** While skipping the remainder of an over-long line: its kept first part. */
  private discarding: Buffer | undefined;
  private bomChecked: boolean;

  constructor(options: LineCutterOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) throw invalidOption('maxLineBytes', 'a positive integer', max);
    const enc = options.encoding ?? 'utf8';
    if (enc !== 'utf8' && enc !== 'latin1') throw invalidOption('encoding', '"utf8" or "latin1"', enc);
    const start = options.startOffset ?? 0;
    if (!Number.isInteger(start) || start < 0) throw invalidOption('startOffset', 'a non-negative integer', start);
    const startLine = options.startLine ?? 0;
    if (!Number.isInteger(startLine) || startLine < 0) throw invalidOption('startLine', 'a non-negative integer', startLine);
    this.maxLineBytes = max;
    this.encoding = enc;
    this.file = options.file;
    this.offset = start;
    this.lineNo = startLine;
    this.bomChecked = start !== 0;
  }

  /** Bytes currently held for an unfinished line. */
  get bufferedBytes(): number {
    return this.tail === undefined ? 0 : this.tail.length;
  }

  /** Feeds one chunk; calls `emit` once per complete line, in order. */
  push(chunk: Buffer, emit: (line: LogLine) => void): void {
    const tail = this.tail;
    if (tail === undefined) {
      this.cutLines(chunk, 0, emit);
      return;
    }
    this.tail = undefined;
    // Only the carried line is joined with the chunk's first bytes, not the
    // whole chunk (a copy of every chunk otherwise).
    const nl = chunk.indexOf(LF);
    if (nl < 0 || nl === chunk.length - 1) {
      this.cutLines(Buffer.concat([tail, chunk], tail.length + chunk.length), tail.length, emit);
      return;
    }
    // The joined part ends with LF, so it leaves no tail behind.
    this.cutLines(Buffer.concat([tail, chunk.subarray(0, nl + 1)], tail.length + nl + 1), tail.length, emit);
    this.cutLines(chunk.subarray(nl + 1), 0, emit);
  }

  /** Cuts `buf`, whose first `base` bytes were searched for LF before (a carried tail). */
  private cutLines(buf: Buffer, base: number, emit: (line: LogLine) => void): void {
    let start = 0;
    if (!this.bomChecked) {
      if (buf.length < 3 && buf.length > 0 && isBomPrefix(buf)) {
        this.tail = buf;
        return;
      }
      this.bomChecked = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        start = 3;
        this.offset += 3;
      }
    }
    // Only search for LF in bytes not searched before.
    let searchFrom = Math.max(start, base);
    const len = buf.length;
    while (start < len) {
      const nl = buf.indexOf(LF, searchFrom);
      if (nl === -1) break;
      const consumed = nl + 1 - start;
      if (this.discarding !== undefined) {
        // The over-long line ends here: emit its kept part with the line's true end offset.
        const kept = this.discarding;
        this.discarding = undefined;
        this.offset += consumed;
        emit(this.line(kept, 0, kept.length, true));
      } else {
        let end = nl;
        if (end > start && buf[end - 1] === CR) end--;
        this.offset += consumed;
        this.lineNo++;
        if (end - start > this.maxLineBytes) {
          emit(this.line(buf, start, this.cut(buf, start), true));
        } else {
          emit(this.line(buf, start, end, false));
        }
      }
      start = nl + 1;
      searchFrom = start;
    }
    if (start >= len) return;
    const rest = len - start;
    if (this.discarding !== undefined) {
      this.offset += rest;
      return;
    }
    if (rest > this.maxLineBytes + 1) {
      // Over-long line: keep what the bound allows and skip the rest up to the
      // next LF, so the record's position is the line's real end (a checkpoint
      // taken on it never resumes mid-line). (+1: room for a CR before the LF.)
      this.lineNo++;
      this.offset += rest;
      this.discarding = Buffer.from(buf.subarray(start, this.cut(buf, start)));
      return;
    }
    // Copy so the caller's chunk (possibly a large pooled buffer) is not retained.
    this.tail = Buffer.from(buf.subarray(start));
  }

  /**
   * Accounts for `bytes` bytes of input that were not passed in because they
   * lie inside the over-long line being discarded (a reader that drops them
   * itself so as not to hold them). Only valid while such a line is being
   * skipped: after push() was given more than maxLineBytes + 1 bytes without
   * a LF.
   */
  skip(bytes: number): void {
    if (this.discarding === undefined) throw new RangeError('LineCutter.skip() outside an over-long line');
    if (!Number.isInteger(bytes) || bytes < 0) throw invalidOption('bytes', 'a non-negative integer', bytes);
    this.offset += bytes;
  }

  /** Ends the input: emits a last line that had no terminator. */
  end(emit: (line: LogLine) => void): void {
    const tail = this.tail;
    this.tail = undefined;
    if (this.discarding !== undefined) {
      const kept = this.discarding;
      this.discarding = undefined;
      emit(this.line(kept, 0, kept.length, true));
      return;
    }
    if (tail === undefined || tail.length === 0) return;
    if (!this.bomChecked) {
      this.bomChecked = true;
    }
    let end = tail.length;
    if (tail[end - 1] === CR) end--;
    this.offset += tail.length;
    this.lineNo++;
    if (end > this.maxLineBytes) emit(this.line(tail, 0, this.cut(tail, 0), true));
    else emit(this.line(tail, 0, end, false));
  }

  /** End of the kept part of an over-long line starting at `start`. */
  private cut(buf: Buffer, start: number): number {
    const end = start + this.maxLineBytes;
    return this.encoding === 'utf8' ? utf8Boundary(buf, start, end) : end;
  }

  private line(buf: Buffer, start: number, end: number, truncated: boolean): LogLine {
    const position: SourcePosition =
      this.file === undefined
        ? { line: this.lineNo, offset: this.offset }
        : { file: this.file, line: this.lineNo, offset: this.offset };
    const text = this.encoding === 'utf8' ? utf8Slice(buf, start, end) : latin1Slice(buf, start, end);
    return truncated ? { text, position, truncated: true } : { text, position };
  }
}

// Buffer's own decoders, without toString()'s argument checks and encoding
// lookup (a share of the per-line cost); toString() where they are missing.
interface SliceDecoders {
  utf8Slice?: (start: number, end: number) => string;
  latin1Slice?: (start: number, end: number) => string;
}
const proto = Buffer.prototype as unknown as SliceDecoders;
const utf8Slice: (buf: Buffer, start: number, end: number) => string =
  typeof proto.utf8Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Required<SliceDecoders>).utf8Slice(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);
const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof proto.latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Required<SliceDecoders>).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

function isBomPrefix(buf: Buffer): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = 0; i < buf.length; i++) if (buf[i] !== bom[i]) return false;
  return true;
}

/** Moves `end` back so it does not cut a UTF-8 sequence in two. */
function utf8Boundary(buf: Buffer, start: number, end: number): number {
  let e = end;
  // buf[e] is the first byte left out: while it is a continuation byte
  // (10xxxxxx), the character it belongs to started before e.
  while (e > start && end - e < 3 && e < buf.length && (buf[e]! & 0xc0) === 0x80) e--;
  return e < buf.length && (buf[e]! & 0xc0) === 0x80 ? end : e;
}
