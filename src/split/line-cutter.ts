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
 * Line ends: LF, with a CR before it dropped (CRLF), unless the input's first
 * 64 KiB hold a CR but no LF (old Mac files; see split/line-end.ts): then a
 * lone CR ends each line, with an LF right after it dropped, and any other LF
 * is data, as a stray CR is in an LF file. Until that is decided, the bytes
 * from the input's first CR on are held (at most those 64 KiB); the bytes
 * before it belong to the first line either way and are cut as usual.
 *
 * Invalid UTF-8 (an ANSI/latin1 file read as UTF-8): each undecodable
 * sequence is read as U+FFFD, and the line is flagged `invalidUtf8`. Checking
 * every line would cost a scan per line; instead the bytes of all the lines a
 * piece of input completes are checked at once (buffer.isUtf8, a native
 * vector scan: UTF-8 stays UTF-8 when cut at LF or CR), and only in a piece
 * that fails is each line looked at: a U+FFFD in its text, and then its bytes
 * (a U+FFFD can be written as such, EF BF BD, in a valid file).
 *
 * Pure: no node:stream here; the stream stage in transforms/ is a thin wrapper.
 */
import { FtplogError } from '../errors.js';
import { Buffer, isUtf8 } from 'node:buffer';
import type { LogLine, SourcePosition } from '../model.js';
import { invalidOption } from '../errors.js';
import { LineEndProbe, type LineEnd } from './line-end.js';

export type LineEncoding = 'utf8' | 'latin1';

export interface LineCutterOptions {
  /**
   * Longest line kept whole, in bytes (terminator excluded). A longer line is
   * emitted with its first `maxLineBytes` bytes and `truncated: true`.
   * @default 32768 (a record of a line that long stays within Grafana Loki's default 64 KB of structured metadata)
   */
  maxLineBytes?: number;
  /** Text encoding of the input. `latin1` for ANSI-encoded Windows files. @default 'utf8' */
  encoding?: LineEncoding;
  /** Source file path put on each line's position. */
  file?: string;
  /** Identity of the source file put on each line's position, when it is not its path (followed files). */
  fileId?: string;
  /** Byte offset the input starts at (when resuming a file). A BOM is only stripped at offset 0. @default 0 */
  startOffset?: number;
  /** Number of lines before `startOffset` (when resuming). @default 0 */
  startLine?: number;
  /**
   * What ends a line: `lf` (and CRLF), `cr` (a lone CR, old Mac files), or
   * `auto`: `cr` when the first 64 KiB given hold a CR but no LF, else `lf`.
   * @default 'auto'
   */
  lineEnd?: 'auto' | LineEnd;
}

export const DEFAULT_MAX_LINE_BYTES = 32 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineCutter {
  readonly maxLineBytes: number;
  readonly encoding: LineEncoding;
  readonly file: string | undefined;
  readonly fileId: string | undefined;
  /** Absolute byte offset of the first byte not yet consumed into a line. */
  private offset: number;
  private lineNo: number;
  /** Unfinished line carried over from earlier chunks (at most maxLineBytes + 1 bytes). */
  private tail: Buffer | undefined;
  /** While skipping the remainder of an over-long line: its kept first part. */
  private discarding: Buffer | undefined;
  private bomChecked: boolean;
  /** The byte that ends a line: LF, or CR in CR mode; LF while probing (the bytes cut then hold neither). */
  private sep = LF;
  private crMode = false;
  /** Set until the line end is decided. */
  private probe: LineEndProbe | undefined;
  /** While probing: the input from its first CR on, held until the line end is decided. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The bytes being cut are not all valid UTF-8: each line is checked (see the design note). */
  private checkLines = false;

  constructor(options: LineCutterOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) throw invalidOption('maxLineBytes', 'a positive integer', max);
    const enc = options.encoding ?? 'utf8';
    if (enc !== 'utf8' && enc !== 'latin1') throw invalidOption('encoding', '"utf8" or "latin1"', enc);
    const start = options.startOffset ?? 0;
    if (!Number.isInteger(start) || start < 0) throw invalidOption('startOffset', 'a non-negative integer', start);
    const startLine = options.startLine ?? 0;
    if (!Number.isInteger(startLine) || startLine < 0) throw invalidOption('startLine', 'a non-negative integer', startLine);
    const lineEnd = options.lineEnd ?? 'auto';
    if (lineEnd !== 'auto' && lineEnd !== 'lf' && lineEnd !== 'cr') throw invalidOption('lineEnd', '"auto", "lf" or "cr"', lineEnd);
    this.maxLineBytes = max;
    this.encoding = enc;
    this.file = options.file;
    this.fileId = options.fileId;
    this.offset = start;
    this.lineNo = startLine;
    this.bomChecked = start !== 0;
    if (lineEnd === 'auto') this.probe = new LineEndProbe();
    else this.decide(lineEnd);
  }

  /** Bytes currently held for an unfinished line (and, until the line end is decided, from the input's first CR on). */
  get bufferedBytes(): number {
    return (this.tail === undefined ? 0 : this.tail.length) + this.pendingBytes;
  }

  /** The line end in use; undefined while it is still being decided. */
  get lineEnd(): LineEnd | undefined {
    return this.probe !== undefined ? undefined : this.crMode ? 'cr' : 'lf';
  }

  /** Feeds one chunk; calls `emit` once per complete line, in order. */
  push(chunk: Buffer, emit: (line: LogLine) => void): void {
    if (this.probe === undefined) {
      this.pushCut(chunk, emit);
      return;
    }
    const step = this.probe.scan(chunk);
    if (step.lineEnd === undefined) {
      if (step.clear > 0) this.pushCut(step.clear === chunk.length ? chunk : chunk.subarray(0, step.clear), emit);
      if (step.clear < chunk.length) {
        const held = Buffer.from(chunk.subarray(step.clear));
        this.pending.push(held);
        this.pendingBytes += held.length;
      }
      return;
    }
    this.decide(step.lineEnd);
    this.flushPending(emit);
    this.pushCut(chunk, emit);
  }

  private decide(lineEnd: LineEnd): void {
    this.probe = undefined;
    this.crMode = lineEnd === 'cr';
    this.sep = this.crMode ? CR : LF;
  }

  /** Cuts the bytes held while probing, now that the line end is known. */
  private flushPending(emit: (line: LogLine) => void): void {
    if (this.pendingBytes === 0) return;
    const held = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.pushCut(held, emit);
  }

  private pushCut(chunk: Buffer, emit: (line: LogLine) => void): void {
    const tail = this.tail;
    if (tail === undefined) {
      this.cutLines(chunk, 0, emit);
      return;
    }
    this.tail = undefined;
    // Only the carried line is joined with the chunk's first bytes, not the
    // whole chunk (a copy of every chunk otherwise).
    const nl = chunk.indexOf(this.sep);
    if (nl < 0 || nl === chunk.length - 1) {
      this.cutLines(Buffer.concat([tail, chunk], tail.length + chunk.length), tail.length, emit);
      return;
    }
    // The joined part ends with a line end, so it leaves no tail behind.
    this.cutLines(Buffer.concat([tail, chunk.subarray(0, nl + 1)], tail.length + nl + 1), tail.length, emit);
    this.cutLines(chunk.subarray(nl + 1), 0, emit);
  }

  /** Cuts `buf`, whose first `base` bytes were searched for a line end before (a carried tail). */
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
    // Only search for a line end in bytes not searched before.
    let searchFrom = Math.max(start, base);
    const len = buf.length;
    const sep = this.sep;
    const crMode = this.crMode;
    if (this.encoding === 'utf8') {
      // The lines this call completes end at or before the last line end.
      const last = buf.lastIndexOf(sep);
      this.checkLines = last >= start && !isUtf8(buf.subarray(start, last + 1));
    }
    while (start < len) {
      const nl = buf.indexOf(sep, searchFrom);
      if (nl === -1) break;
      const consumed = nl + 1 - start;
      if (this.discarding !== undefined) {
        // The over-long line ends here: emit its kept part with the line's true end offset.
        const kept = this.discarding;
        this.discarding = undefined;
        this.offset += consumed;
        emit(this.line(kept, 0, kept.length, true, true));
      } else {
        let from = start;
        let end = nl;
        if (crMode) {
          if (from < end && buf[from] === LF) from++;
        } else if (end > start && buf[end - 1] === CR) end--;
        this.offset += consumed;
        this.lineNo++;
        if (end - from > this.maxLineBytes) {
          emit(this.line(buf, from, this.cut(buf, from), true));
        } else {
          emit(this.line(buf, from, end, false));
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
      // next line end, so the record's position is the line's real end (a
      // checkpoint taken on it never resumes mid-line). (+1: room for a CR
      // before the LF, or in CR mode for an LF after the previous CR.)
      this.lineNo++;
      this.offset += rest;
      const from = crMode && buf[start] === LF ? start + 1 : start;
      this.discarding = Buffer.from(buf.subarray(from, this.cut(buf, from)));
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
    if (this.discarding === undefined) throw new FtplogError('ERR_INVALID_ARGUMENT', 'LineCutter.skip() outside an over-long line');
    if (!Number.isInteger(bytes) || bytes < 0) throw invalidOption('bytes', 'a non-negative integer', bytes);
    this.offset += bytes;
  }

  /** Ends the input: emits a last line that had no terminator. */
  end(emit: (line: LogLine) => void): void {
    if (this.probe !== undefined) {
      this.decide(this.probe.finish());
      this.flushPending(emit);
    }
    const tail = this.tail;
    this.tail = undefined;
    if (this.discarding !== undefined) {
      const kept = this.discarding;
      this.discarding = undefined;
      emit(this.line(kept, 0, kept.length, true, true));
      return;
    }
    if (tail === undefined || tail.length === 0) return;
    if (!this.bomChecked) {
      this.bomChecked = true;
    }
    let from = 0;
    let end = tail.length;
    if (this.crMode) {
      if (tail[0] === LF) from = 1;
    } else if (tail[end - 1] === CR) end--;
    this.offset += tail.length;
    this.lineNo++;
    if (end - from > this.maxLineBytes) emit(this.line(tail, from, this.cut(tail, from), true, true));
    else emit(this.line(tail, from, end, false, true));
  }

  /** End of the kept part of an over-long line starting at `start`. */
  private cut(buf: Buffer, start: number): number {
    const end = start + this.maxLineBytes;
    return this.encoding === 'utf8' ? utf8Boundary(buf, start, end) : end;
  }

  /** `check`: look for invalid UTF-8 even where the bytes around the line were found valid. */
  private line(buf: Buffer, start: number, end: number, truncated: boolean, check = this.checkLines): LogLine {
    const position: SourcePosition =
      this.file === undefined
        ? { line: this.lineNo, offset: this.offset }
        : this.fileId === undefined
          ? { file: this.file, line: this.lineNo, offset: this.offset }
          : { file: this.file, fileId: this.fileId, line: this.lineNo, offset: this.offset };
    if (this.encoding !== 'utf8') {
      const text = latin1Slice(buf, start, end);
      return truncated ? { text, position, truncated: true } : { text, position };
    }
    const text = utf8Slice(buf, start, end);
    if (check && text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
      return truncated ? { text, position, truncated: true, invalidUtf8: true } : { text, position, invalidUtf8: true };
    }
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
