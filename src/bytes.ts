/**
 * What the hand-written encoders (OTLP protobuf in src/otlp/encode-protobuf.ts,
 * JSONL in src/jsonl/json-bytes.ts) share: ByteWriter, the growing buffer
 * each of them writes into; string reads that optimized code keeps
 * monomorphic and the native UTF-8 write; text kept as little-endian 32-bit
 * words and copied four bytes at a time; and the per-key memory (KeyTable,
 * KeptKey) that follows the key order of the previous record and keeps a
 * key's last value as bytes while its values repeat. Pure.
 */
import { Buffer } from 'node:buffer';

/**
 * `s`, which is a string, as optimized code knows it: a string operand of +
 * with string feedback gets a string check, after which the optimizing
 * compiler takes `.length` straight from the string. Without it, reading
 * strings of many representations (sequential, sliced, internalized, one- or
 * two-byte) makes the property loads megamorphic.
 */
export function asString(s: string): string {
  return '' + s;
}

/**
 * String.prototype.charCodeAt, called by its constant name so that the
 * optimizing compiler inlines it whatever the string's representation
 * (s.charCodeAt(i) is looked up from the string, and megamorphic like length).
 */
export function charCodeAt(s: string, i: number): number {
  return String.prototype.charCodeAt.call(s, i);
}

interface NativeWrites {
  utf8Write(s: string, offset: number): number;
}

/**
 * Native UTF-8 write of `s` into `b` at `at`, room for it ensured; returns
 * the bytes written. Buffer's own method (every Node Buffer has it): no
 * argument parsing as in write(), and without a length it may write up to
 * the end of the buffer.
 */
export function utf8Write(b: Buffer, s: string, at: number): number {
  return (b as unknown as NativeWrites).utf8Write(s, at);
}

/** `bytes` as little-endian 32-bit words, the last one zero-padded. */
export function toWords(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  Buffer.from(words.buffer).set(bytes);
  return words;
}

/**
 * Copies `bytes` bytes kept as little-endian words to `at`, four at a time.
 * The last word may write up to three bytes past them: every caller has
 * ensured room for those, and writes over them what comes next.
 */
export function putWords(v: DataView, at: number, words: Uint32Array, bytes: number): void {
  for (let i = 0; 4 * i < bytes; i++) v.setUint32(at + 4 * i, words[i]!, true);
}

/**
 * Copies the `bytes` bytes at `from` into `words`. Reads up to three bytes
 * past them: every caller has room for those behind what it wrote.
 */
function takeWords(v: DataView, from: number, words: Uint32Array, bytes: number): void {
  for (let i = 0; 4 * i < bytes; i++) words[i] = v.getUint32(from + 4 * i, true);
}

/** Gives a buffer of at least `minBytes` to reuse, or undefined to allocate a new one. */
export type SpareBuffers = (minBytes: number) => Buffer | undefined;

const EMPTY = Buffer.alloc(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * A growing buffer and the position written up to. Writers read and write
 * `buf`, `view` and `pos` directly in their hot loops and call ensure()
 * before writing past what they have ensured; a growth replaces `buf` and
 * `view`, so a writer holding them in locals reloads them after ensure().
 *
 * A new buffer is `initialBytes`, or twice the current one, or more when
 * that is not enough; it never comes from Buffer's shared pool (the bytes
 * may be transferred to another thread), and comes from `spare` when
 * nothing has been written into the current one yet.
 */
export class ByteWriter {
  buf: Buffer = EMPTY;
  view: DataView = EMPTY_VIEW;
  pos = 0;

  constructor(
    private readonly initialBytes = 64 * 1024,
    private readonly spare?: SpareBuffers,
  ) {}

  /** Makes room for `extra` bytes at pos. */
  ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) this.grow(extra);
  }

  /** A larger buffer holding the bytes written so far, room for `extra` more. */
  grow(extra: number): void {
    const used = this.pos;
    const need = used + extra;
    const current = this.buf;
    if (need <= current.length) return;
    let size = Math.max(this.initialBytes, 2 * current.length, 16);
    while (size < need) size *= 2;
    const bigger = (used === 0 ? this.spare?.(size) : undefined) ?? Buffer.allocUnsafeSlow(size);
    if (used > 0) current.copy(bigger, 0, 0, used);
    this.use(bigger, used);
  }

  /** Writes on in `b` from `at` (the writer's own buffer is let go). */
  use(b: Buffer, at: number): void {
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
    this.pos = at;
  }

  /** Writes from the start of the buffer again. */
  rewind(): void {
    this.pos = 0;
  }

  /**
   * The bytes written, a view of the writer's buffer, which the writer lets
   * go: it takes a new one on its next write. Before any write, an empty
   * buffer of its own (never shared, so that it can be transferred).
   */
  take(): Buffer {
    const out = this.buf === EMPTY ? Buffer.allocUnsafeSlow(0) : this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = 0;
    return out;
  }

  /** The bytes written, copied into a buffer of their exact size (never from the shared pool). */
  copy(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** `n` as a varint at pos (unsigned, below 2^32); room ensured by the caller. */
  putVarint(n: number): void {
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
  }

  /** Kept bytes at pos (see putWords() for the room it needs past them). */
  putKept(words: Uint32Array, bytes: number): void {
    putWords(this.view, this.pos, words, bytes);
    this.pos += bytes;
  }
}

/** Strings up to this many code units are written by a JS loop; longer ones by one native call. */
export const SHORT_STRING = 24;

/**
 * Writes `s` at `at` if it is all ASCII, and returns its length; otherwise
 * returns -1, having written some of it.
 */
export function writeAscii(b: Buffer, value: string, at: number): number {
  const s = asString(value);
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = charCodeAt(s, i);
    if (c >= 0x80) return -1;
    b[at + i] = c;
  }
  return len;
}

/** Writes `s` as UTF-8 at `at` (room for 3 bytes per code unit is ensured); returns the byte count. */
export function writeUtf8(b: Buffer, s: string, at: number): number {
  if (asString(s).length > SHORT_STRING) return utf8Write(b, s, at);
  const n = writeAscii(b, s, at);
  return n >= 0 ? n : utf8Write(b, s, at);
}

// ---- per-key memory ----

/** Credit a key starts with, gains per repeated value, and is capped at; each value kept costs one. */
const CREDIT_START = 4;
const CREDIT_HIT = 2;
const CREDIT_MAX = 64;
const PROBE_EVERY = 64;
/** Bytes kept per key for its last value. */
const KEPT_VALUE_BYTES = 128;

/**
 * What an encoder remembers of one attribute key: the key that followed it
 * in the last attribute object written (so that the lookup by name is
 * skipped while keys come in the same order as before), and the bytes its
 * last value was written as.
 *
 * Values repeat a lot from one record to the next (the log format, the
 * file, the user, status texts), and a value equal to the one kept is
 * written by copying its bytes. Keeping a value costs a copy, so a key whose
 * values do not repeat (paths) soon runs out of credit and stops keeping
 * them, but for one in PROBE_EVERY, to notice when its values start
 * repeating. Subclasses add what their encoding writes and compares.
 */
export class KeptKey<K> {
  /** The key that followed this one in the last attribute object written. */
  next: K | undefined = undefined;
  credit = CREDIT_START;
  probe = PROBE_EVERY;
  /** The bytes of the last value kept, as little-endian words (`keptBytes` of them). */
  readonly kept = new Uint32Array(KEPT_VALUE_BYTES / 4);
  keptBytes = 0;

  constructor(readonly key: string) {}
}

/** The value kept was written again. */
function earnCredit(k: KeptKey<unknown>): void {
  if (k.credit < CREDIT_MAX) k.credit += CREDIT_HIT;
}

/** Copies `k`'s kept bytes to pos (room ensured, with 3 bytes past them), and credits the key. */
export function putKeptValue(w: ByteWriter, k: KeptKey<unknown>): void {
  w.putKept(k.kept, k.keptBytes);
  earnCredit(k);
}

/**
 * A value other than the one kept was written, from `from` to pos: keeps
 * its bytes if the key has credit (spending it) or is due a probe, and they
 * fit. Returns whether it kept them; the caller then records the value they
 * stand for. Reads up to three bytes past pos (within the room ensured for
 * the value).
 */
export function keepValue(w: ByteWriter, k: KeptKey<unknown>, from: number): boolean {
  if (k.credit > 0) k.credit--;
  else if (--k.probe > 0) return false;
  else k.probe = PROBE_EVERY;
  const n = w.pos - from;
  if (n > KEPT_VALUE_BYTES) return false;
  takeWords(w.view, from, k.kept, n);
  k.keptBytes = n;
  return true;
}

/** Resource and record keys come from a small fixed set; the bound only guards against unbounded key sets. */
const KEY_LIMIT = 4096;

/** An encoder's memory of attribute keys, by name (at most KEY_LIMIT of them; past it, a key is made afresh each time). */
export class KeyTable<K extends KeptKey<K>> {
  private readonly byName = new Map<string, K>();

  constructor(private readonly make: (key: string) => K) {}

  /** The key `key` after `prev` in an attribute object: prev's next when keys come in the order they came last time. */
  after(prev: K, key: string): K {
    const k = prev.next;
    if (k !== undefined && k.key === key) return k;
    return (prev.next = this.get(key));
  }

  get(key: string): K {
    let k = this.byName.get(key);
    if (k === undefined) {
      k = this.make(key);
      if (this.byName.size < KEY_LIMIT) this.byName.set(key, k);
    }
    return k;
  }
}
