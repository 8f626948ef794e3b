/**
 * What the hand-written encoders (OTLP protobuf in src/otlp/encode-protobuf.ts,
 * JSONL in src/jsonl/json-bytes.ts) share: string reads that optimized code
 * keeps monomorphic, the native UTF-8 write, text kept as little-endian
 * 32-bit words and copied four bytes at a time, and the credit that decides
 * which attribute values are worth keeping. Pure.
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
export function takeWords(v: DataView, from: number, words: Uint32Array, bytes: number): void {
  for (let i = 0; 4 * i < bytes; i++) words[i] = v.getUint32(from + 4 * i, true);
}

/** Credit a key starts with, gains per repeated value, and is capped at; each value kept costs one. */
const CREDIT_START = 4;
const CREDIT_HIT = 2;
const CREDIT_MAX = 64;
const PROBE_EVERY = 64;

/**
 * Whether an attribute key's values are worth keeping. Values repeat a lot
 * from one record to the next (the log format, the file, the user, status
 * texts), and a value equal to the one kept is written by copying its bytes;
 * keeping a value costs a copy, so a key whose values do not repeat (paths)
 * soon runs out of credit and stops keeping them, but for one in PROBE_EVERY,
 * to notice when its values start repeating.
 */
export class KeepCredit {
  credit = CREDIT_START;
  probe = PROBE_EVERY;
}

/** A value was written that is not the one kept: whether to keep it (spending credit, or as a probe). */
export function spendCredit(k: KeepCredit): boolean {
  if (k.credit > 0) {
    k.credit--;
    return true;
  }
  if (--k.probe > 0) return false;
  k.probe = PROBE_EVERY;
  return true;
}

/** The value kept was written again. */
export function earnCredit(k: KeepCredit): void {
  if (k.credit < CREDIT_MAX) k.credit += CREDIT_HIT;
}
