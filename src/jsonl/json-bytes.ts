/**
 * Records to JSON-line bytes, written into one growing buffer that can be
 * handed to another thread or a stream without copying: the same bytes as
 * `Buffer.from(recordToJsonLine(r))`, that is JSON.stringify of the record
 * object, which stays the definition (and the path for records whose fields
 * are not of the usual types).
 *
 * Design: the line is written as UTF-8 bytes into a ByteWriter (src/bytes.ts),
 * in the manner of the protobuf encoder (src/otlp/encode-protobuf.ts), rather
 * than built as a string and then written. Building it as a string cost most of `parse`'s time: some
 * 25 pieces joined per record, the joined string flattened (copied) and then
 * transcoded, and a regular expression run over each string value for the
 * characters JSON escapes. Here:
 *
 * - The text that repeats is kept as bytes and copied four at a time: the
 *   times up to their day, the text between the observed time and the
 *   body (severity and event name), and per attribute key its `,"key":` and
 *   the `,"key":value` of its last value, kept while the key's values repeat
 *   (the log format, the file, the user, status texts), as the protobuf
 *   encoder keeps its KeyValues (KeptKey in src/bytes.ts). What is kept is a
 *   JsonLineEncoder's, one per thread that writes. The time of day, integers
 *   and numbers of up to three decimals are written digit by digit.
 * - A string value is written where it goes (a JS loop for short ones, one
 *   native UTF-8 write for longer ones), and the written bytes are scanned
 *   for what JSON escapes (`"`, `\`, control characters), which is then
 *   escaped in place. A string with UTF-16 surrogates (JSON.stringify escapes
 *   lone ones) is written from JSON.stringify.
 *
 * Measured against building the line as a string (runJob's JSONL output for
 * the first 40 MB of the generated 1M-line logs, 64 KiB blocks, CPU time per
 * line, parsing included, medians of 5 rounds alternated, two sets): EFT
 * 8.5 -> 7.3 and 7.8 -> 6.4 µs, NcFTPd 11.0 -> 8.0 and 11.2 -> 8.6 µs.
 *
 * Pure: no streams.
 */
import { Buffer } from 'node:buffer';
import type { FtpLogRecord } from '../model.js';
import { recordToJsonLine } from './record-json.js';
import { ByteWriter, KeptKey, KeyTable, SHORT_STRING, asString, charCodeAt, keepValue, putKeptValue, toWords, utf8Write, type SpareBuffers } from '../bytes.js';

const QUOTE = 0x22;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;

const BACKSLASH = 0x5c;
/**
 * Bytes an escape adds, non-zero exactly for the bytes JSON.stringify escapes
 * in a string (controls, `"` and `\`; no byte of a multi-byte UTF-8 sequence
 * is one): 1 for the two-character escapes, 5 for `\u00xx`.
 */
const ESCAPE_EXTRA = new Uint8Array(256);
/** The letter after the backslash of a two-character escape. */
const SHORT_ESCAPE = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) ESCAPE_EXTRA[c] = 5;
for (const [c, letter] of [[0x22, '"'], [0x5c, '\\'], [0x08, 'b'], [0x0c, 'f'], [0x0a, 'n'], [0x0d, 'r'], [0x09, 't']] as const) {
  ESCAPE_EXTRA[c] = 1;
  SHORT_ESCAPE[c] = letter.charCodeAt(0);
}
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** A string of UTF-16 surrogates, paired or not: the rare case left to JSON.stringify. */
const SURROGATE = /[\ud800-\udfff]/;

/** Text kept as bytes: little-endian 32-bit words, copied four bytes at a time. */
interface Kept {
  words: Uint32Array;
  bytes: number;
}

function keep(text: string): Kept {
  const b = Buffer.from(text, 'utf8');
  return { words: toWords(b), bytes: b.length };
}

/**
 * Whether any of the four bytes of `w` is one JSON escapes: below 0x20,
 * `"` (0x22) or `\` (0x5c). Bit tricks on the whole word (a byte below n
 * <= 128 leaves its high bit set in `(w - n*0x01010101) & ~w`, and a zero
 * byte of `w ^ c*0x01010101` marks a byte equal to c): exact for "any", with
 * no false positive from the bytes of multi-byte UTF-8 sequences (>= 0x80).
 * Scanning a 150-byte line for them (callgrind) took some 32 instructions a
 * byte with a JS loop over the bytes, 13 with this.
 */
function hasEscape(w: number): boolean {
  const q = w ^ 0x22222222;
  const s = w ^ 0x5c5c5c5c;
  return ((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080) !== 0;
}

/** Index of the first byte in [from, end) of the buffer that JSON escapes, or -1. */
function findEscape(out: ByteWriter, from: number, end: number): number {
  const v = out.view;
  const b = out.buf;
  let i = from;
  for (const last = end - 4; i <= last; i += 4) if (hasEscape(v.getUint32(i, true))) break;
  for (; i < end; i++) if (ESCAPE_EXTRA[b[i]!] !== 0) return i;
  return -1;
}

/**
 * Escapes in place the bytes [from, end) of a string written at pos, which
 * hold at least one byte JSON escapes, the first at `from`; room for the
 * escapes is ensured. Returns the new end. The escapes are JSON.stringify's:
 * `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx` for other controls.
 * Bytes that need no escape are counted and moved four at a time.
 */
function escapeInPlace(out: ByteWriter, from: number, end: number): number {
  const b = out.buf;
  const v = out.view;
  let extra = 0;
  for (let i = from; i < end; ) {
    if (i + 4 <= end && !hasEscape(v.getUint32(i, true))) {
      i += 4;
      continue;
    }
    extra += ESCAPE_EXTRA[b[i]!]!;
    i++;
  }
  let dst = end + extra;
  const newEnd = dst;
  // From the end back to the first escape (then dst === src + 1: the rest stays where it is).
  for (let src = end - 1; dst > src + 1; ) {
    if (src - 3 >= from) {
      // Read before the write: the two may overlap while dst - src < 4.
      const w = v.getUint32(src - 3, true);
      if (!hasEscape(w)) {
        dst -= 4;
        v.setUint32(dst, w, true);
        src -= 4;
        continue;
      }
    }
    const c = b[src]!;
    src--;
    const e = ESCAPE_EXTRA[c]!;
    if (e === 0) b[--dst] = c;
    else if (e === 1) {
      b[--dst] = SHORT_ESCAPE[c]!;
      b[--dst] = BACKSLASH;
    } else {
      b[--dst] = HEX[c & 15]!;
      b[--dst] = HEX[c >> 4]!;
      b[--dst] = 0x30;
      b[--dst] = 0x30;
      b[--dst] = 0x75; // u
      b[--dst] = BACKSLASH;
    }
  }
  return newEnd;
}

/**
 * `"s"` as JSON.stringify writes it, straight to its place: a short string
 * of printable ASCII by a JS loop, anything else by one native write, whose
 * bytes are then checked and escaped in place. Strings with surrogates
 * (which JSON.stringify escapes when lone) are left to JSON.stringify.
 */
function putString(out: ByteWriter, value: string): void {
  const s = asString(value);
  const len = s.length;
  // UTF-8 takes at most 3 bytes per code unit, an escape at most 6; 3 more for putWords' padding.
  out.ensure(6 * len + 5);
  const b = out.buf;
  const start = out.pos;
  const at = start + 1;
  b[start] = QUOTE;
  let end = at + len;
  if (len <= SHORT_STRING) {
    let i = 0;
    for (; i < len; i++) {
      const c = charCodeAt(s, i);
      if (c >= 0x80 || ESCAPE_EXTRA[c] !== 0) break;
      b[at + i] = c;
    }
    if (i === len) {
      b[end] = QUOTE;
      out.pos = end + 1;
      return;
    }
  }
  const n = utf8Write(b, s, at);
  if (n !== len && SURROGATE.test(s)) {
    out.pos = start + utf8Write(b, JSON.stringify(s), start);
    return;
  }
  end = at + n;
  const first = findEscape(out, at, end);
  if (first >= 0) end = escapeInPlace(out, first, end);
  b[end] = QUOTE;
  out.pos = end + 1;
}

/** ASCII text (number literals) at pos; room ensured by the caller. */
function putAscii(out: ByteWriter, s: string): void {
  const b = out.buf;
  const at = out.pos;
  const len = asString(s).length;
  for (let i = 0; i < len; i++) b[at + i] = charCodeAt(s, i);
  out.pos = at + len;
}

/** Digits of a non-negative integer below 2^31 at pos; room ensured by the caller. */
function putDigits(out: ByteWriter, v: number): void {
  const b = out.buf;
  let digits = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
  let p = out.pos + digits;
  out.pos = p;
  do {
    const q = (v / 10) | 0;
    b[--p] = 48 + v - q * 10;
    v = q;
  } while (v !== 0);
}

/**
 * A number as JSON.stringify writes it (non-finite: null); room for 28 bytes
 * ensured by the caller.
 *
 * Integers below 2^31 and numbers of at most three decimals below 2^31
 * (NcFTPd durations and rates: 0.097, 332.785) are written digit by digit;
 * anything else by the engine's own conversion, which costs several times
 * as much. A number v with `Math.round(v * 1000) / 1000 === v` is the double
 * nearest to that decimal of at most 13 significant digits; two decimals of
 * at most 15 significant digits are never the same double, so the shortest
 * decimal that reads back as v, which is what the engine writes, is that
 * one, trailing zeros dropped.
 */
function putNumber(out: ByteWriter, v: number): void {
  if (v >= 0 && v < 0x80000000) {
    if ((v | 0) === v) {
      putDigits(out, v);
      return;
    }
    const m = Math.round(v * 1000);
    if (m / 1000 === v) {
      const whole = Math.floor(v);
      let frac = m - whole * 1000; // 1..999
      putDigits(out, whole);
      const b = out.buf;
      let p = out.pos;
      b[p++] = 0x2e; // .
      let scale = 100;
      while (frac !== 0) {
        const d = (frac / scale) | 0;
        b[p++] = 48 + d;
        frac -= d * scale;
        scale = (scale / 10) | 0;
      }
      out.pos = p;
      return;
    }
  }
  putAscii(out, Number.isFinite(v) ? '' + v : 'null');
}

// ---- times and the text up to the body ----

const DAY_MS = 86_400_000;
/** Times are whole milliseconds within ±8.64e15 (the Date range) on the fast path. */
const MAX_TIME = 8.64e15;

/**
 * `<lead>"<ISO-8601 time>"` for epoch-ms times, the same text as
 * `lead + JSON.stringify(new Date(t).toISOString())`, without
 * toISOString() (thousands of instructions: it formats with printf): the
 * text up to the day is kept as bytes while times stay in that day, and the
 * time of day is written digit by digit. (Keeping the text up to the minute
 * instead cost a new kept text every few records: logs of a few lines a
 * minute change minute that often.)
 */
class TimeWriter {
  private day = NaN;
  /** `<lead>"YYYY-MM-DDT` (or `±YYYYYY-MM-DDT` past year 9999) */
  private prefix: Kept = { words: new Uint32Array(1), bytes: 0 };

  constructor(private readonly lead: string) {}

  put(out: ByteWriter, t: number): void {
    out.ensure(80);
    if (!(Number.isInteger(t) && t >= -MAX_TIME && t <= MAX_TIME)) {
      // toISOString() truncates fractions and throws past the Date range (as toJsonRecord() does); left to it.
      putAscii(out, this.lead + '"' + new Date(t).toISOString() + '"');
      return;
    }
    let d = t - this.day;
    if (!(d >= 0 && d < DAY_MS)) {
      d = t % DAY_MS;
      if (d < 0) d += DAY_MS;
      this.day = t - d; // within the Date range: its ends are whole days
      const iso = new Date(this.day).toISOString(); // 2024-03-01T00:00:00.000Z
      this.prefix = keep(this.lead + '"' + iso.slice(0, iso.length - 13));
    }
    out.putKept(this.prefix.words, this.prefix.bytes);
    // d: milliseconds into the day, an integer below 86,400,000.
    const seconds = (d / 1000) | 0;
    const ms = d - seconds * 1000;
    const minutes = (seconds / 60) | 0;
    const second = seconds - minutes * 60;
    const hour = (minutes / 60) | 0;
    const minute = minutes - hour * 60;
    const b = out.buf;
    const p = out.pos;
    putTwoDigits(b, p, hour);
    b[p + 2] = COLON;
    putTwoDigits(b, p + 3, minute);
    b[p + 5] = COLON;
    putTwoDigits(b, p + 6, second);
    b[p + 8] = 0x2e; // .
    const hundreds = (ms / 100) | 0;
    putTwoDigits(b, p + 10, ms - hundreds * 100);
    b[p + 9] = 48 + hundreds;
    b[p + 12] = 0x5a; // Z
    b[p + 13] = QUOTE;
    out.pos = p + 14;
  }
}

/** `n` (0-99) as two digits at `at`. */
function putTwoDigits(b: Buffer, at: number, n: number): void {
  const tens = (n / 10) | 0;
  b[at] = 48 + tens;
  b[at + 1] = 48 + n - tens * 10;
}

const NO_TIMESTAMP = keep('{"timestamp":null');

/**
 * The text between the observed time and the body's value for one severity
 * and event name. A class, so that every Mid has one shape: made by object
 * spread (`{ ...keep(text), ... }`) each had its own, and the reads of
 * putHead(), once per record, went megamorphic (V8's --log-ic).
 */
class Mid implements Kept {
  readonly words: Uint32Array;
  readonly bytes: number;
  constructor(
    kept: Kept,
    readonly severityNumber: number,
    readonly severityText: string,
    /** The text of the same event name with another severity. */
    readonly other: Mid | undefined,
  ) {
    this.words = kept.words;
    this.bytes = kept.bytes;
  }
}

/** Mid texts kept at most: records come in a few event names and severities, which alternate. */
const MIDS_MAX = 256;

// ---- attributes ----

/** An attribute key as the JSON writer remembers it: `,"key":` as bytes, and its last value with the bytes of `,"key":value`. */
class JsonKey extends KeptKey<JsonKey> {
  /** `,"key":` */
  readonly prefix: Kept;
  /** The last value kept (a string, number or boolean; an array is kept as a copy); undefined: none. */
  keptValue: unknown = undefined;

  constructor(key: string) {
    super(key);
    this.prefix = keep(',' + JSON.stringify(key) + ':');
  }
}

const ATTRIBUTES = keep(',"attributes":');

/** After `,"key":value` was written from `from` to pos: keeps it as `k`'s last value if the key has credit, or is due a probe. */
function keepJsonValue(out: ByteWriter, k: JsonKey, value: unknown, from: number): void {
  if (!keepValue(out, k, from)) return;
  k.keptValue = Array.isArray(value) ? value.slice() : typeof value === 'string' ? own(value) : value;
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/**
 * A string value as kept: a new flat copy when it is longer than the
 * substrings V8 copies anyway (12 code units), so that a kept value never
 * holds the line it was cut from alive (a line can be 64 KiB).
 */
function own(s: string): string {
  return s.length > 12 ? ('\u0000' + s).slice(1) : s;
}

/** Whether `v` is an array with the same elements as `kept` (an array of strings kept by keepJsonValue). */
function sameArray(v: unknown[], kept: unknown): boolean {
  if (!Array.isArray(kept) || kept.length !== v.length) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== kept[i] || typeof v[i] !== 'string') return false;
  return true;
}

/**
 * A property read before the attribute loop. Objects created with a map that
 * V8 has since deprecated (the enricher's NcFTPd attribute objects, whose
 * number fields change representation) are migrated by the read; met first
 * inside the `for...in`, they turn its fast enumeration path off for good.
 */
const PROBE = Symbol('probe');

/**
 * `,"attributes":{...}` in the attributes' own order, `undefined` values and
 * functions left out as JSON.stringify leaves them out; then `}` and LF.
 * `head` starts the chain of keys in the order the last object had them.
 */
function putAttributes(out: ByteWriter, attrs: Record<string, unknown>, keys: KeyTable<JsonKey>, head: JsonKey): void {
  out.ensure(ATTRIBUTES.bytes + 4);
  out.putKept(ATTRIBUTES.words, ATTRIBUTES.bytes);
  const open = out.pos;
  let k = head;
  for (const key in attrs) {
    const value = attrs[key];
    k = keys.after(k, key);
    const from = out.pos;
    const kept = k.keptValue;
    if (kept !== undefined && (value === kept || (Array.isArray(value) && sameArray(value, kept)))) {
      out.ensure(k.keptBytes + 4);
      putKeptValue(out, k);
      continue;
    }
    const p = k.prefix;
    switch (typeof value) {
      case 'string':
        out.ensure(p.bytes + 4);
        out.putKept(p.words, p.bytes);
        putString(out, value);
        break;
      case 'number':
        out.ensure(p.bytes + 28);
        out.putKept(p.words, p.bytes);
        putNumber(out, value);
        break;
      case 'boolean':
        out.ensure(p.bytes + 8);
        out.putKept(p.words, p.bytes);
        putAscii(out, value ? 'true' : 'false');
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default: {
        if (isStringArray(value)) {
          out.ensure(p.bytes + 5);
          out.putKept(p.words, p.bytes);
          out.buf[out.pos++] = 0x5b; // [
          for (let i = 0; i < value.length; i++) {
            if (i > 0) out.buf[out.pos++] = 0x2c; // , (room left by putString's padding)
            putString(out, value[i]!);
          }
          out.ensure(4);
          out.buf[out.pos++] = 0x5d; // ]
          break;
        }
        const text = JSON.stringify(value) as string | undefined;
        if (text === undefined) continue; // toJSON() returned undefined
        out.ensure(p.bytes + 3 * text.length + 4);
        out.putKept(p.words, p.bytes);
        out.pos += utf8Write(out.buf, text, out.pos);
        if (!Array.isArray(value)) continue; // objects are not kept
      }
    }
    keepJsonValue(out, k, value, from);
  }
  out.ensure(4);
  const b = out.buf;
  let p = out.pos;
  if (p === open) b[p++] = OPEN_BRACE;
  else b[open] = OPEN_BRACE; // over the first attribute's comma
  b[p++] = 0x7d;
  b[p++] = 0x7d;
  b[p++] = 0x0a;
  out.pos = p;
}

/**
 * Writes records as JSON lines into any ByteWriter, remembering from one
 * record to the next the day of each time, the text between time and body,
 * the order of the attribute keys and each key's last value (which only
 * makes the writing faster: the bytes do not depend on it). One per thread
 * that writes.
 */
export class JsonLineEncoder {
  private readonly timestamps = new TimeWriter('{"timestamp":');
  private readonly observed = new TimeWriter(',"observedTimestamp":');
  /** Mid texts by event name, then severity. */
  private readonly mids = new Map<string, Mid>();
  private midsCount = 0;
  private readonly keys = new KeyTable((key) => new JsonKey(key));
  private readonly head = new JsonKey('');

  /**
   * Writes one record's JSON line, LF included, when its fields are of the
   * usual types; returns false, having written nothing, otherwise.
   */
  putRecord(out: ByteWriter, r: FtpLogRecord): boolean {
    const attrs = r.attributes as Record<string | symbol, unknown>;
    const ts = r.timestamp as unknown;
    const observed = r.observedTimestamp as unknown;
    const severityNumber = r.severityNumber as unknown;
    const severityText = r.severityText as unknown;
    const eventName = r.eventName as unknown;
    const body = r.body as unknown;
    if (
      !(ts === undefined || typeof ts === 'number') ||
      typeof observed !== 'number' ||
      typeof severityNumber !== 'number' ||
      typeof severityText !== 'string' ||
      typeof eventName !== 'string' ||
      typeof body !== 'string' ||
      typeof attrs !== 'object' ||
      attrs === null ||
      Array.isArray(attrs) ||
      attrs[PROBE] !== undefined ||
      // for...in would also list inherited enumerable keys, which JSON.stringify leaves out.
      Object.getPrototypeOf(attrs) !== Object.prototype
    ) {
      return false;
    }
    this.putHead(out, ts, observed, severityNumber, severityText, eventName);
    putString(out, body);
    putAttributes(out, attrs as Record<string, unknown>, this.keys, this.head);
    return true;
  }

  /** From the timestamp to the body's opening quote, exclusive. */
  private putHead(out: ByteWriter, ts: number | undefined, observed: number, severityNumber: number, severityText: string, eventName: string): void {
    if (ts === undefined) {
      out.ensure(NO_TIMESTAMP.bytes + 4);
      out.putKept(NO_TIMESTAMP.words, NO_TIMESTAMP.bytes);
    } else this.timestamps.put(out, ts);
    this.observed.put(out, observed);
    let m = this.mids.get(eventName);
    while (m !== undefined && (m.severityNumber !== severityNumber || m.severityText !== severityText)) m = m.other;
    if (m === undefined) m = this.newMid(severityNumber, severityText, eventName);
    out.ensure(m.bytes + 4);
    out.putKept(m.words, m.bytes);
  }

  private newMid(severityNumber: number, severityText: string, eventName: string): Mid {
    if (this.midsCount >= MIDS_MAX) {
      this.mids.clear();
      this.midsCount = 0;
    }
    const text = ',"severityNumber":' + JSON.stringify(severityNumber) + ',"severityText":' + JSON.stringify(severityText) + ',"eventName":' + JSON.stringify(eventName) + ',"body":';
    const m = new Mid(keep(text), severityNumber, severityText, this.mids.get(eventName));
    this.mids.set(eventName, m);
    this.midsCount++;
    return m;
  }
}

/** Records as JSON lines, appended to a buffer of the writer's own that take() hands over. */
export class JsonLineWriter {
  private readonly out: ByteWriter;

  /**
   * `initialBytes`: size of a new output buffer; it doubles as needed. A new
   * buffer comes from `spare` when it has one big enough. `encoder`: what is
   * remembered from record to record, shared by the writers of one thread
   * (a writer of its own by default).
   */
  constructor(
    initialBytes = 64 * 1024,
    spare?: SpareBuffers,
    private readonly encoder = new JsonLineEncoder(),
  ) {
    this.out = new ByteWriter(initialBytes, spare);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.out.pos;
  }

  /**
   * The bytes written so far, in a buffer of their own (never Buffer's shared
   * pool, so it can be transferred to another thread); the writer starts a
   * new buffer on the next write.
   */
  take(): Buffer {
    return this.out.take();
  }

  /** Appends one record's JSON line, LF included. */
  write(r: FtpLogRecord): void {
    const out = this.out;
    const start = out.pos;
    try {
      if (this.encoder.putRecord(out, r)) return;
    } catch (err) {
      out.pos = start; // nothing of a record that fails
      throw err;
    }
    // Fields of other types: the reference serializer.
    const line = recordToJsonLine(r);
    out.ensure(3 * line.length);
    out.pos += utf8Write(out.buf, line, out.pos);
  }
}
