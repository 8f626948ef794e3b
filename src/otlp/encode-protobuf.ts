/**
 * LogsBatch → OTLP protobuf `ExportLogsServiceRequest`, written by hand.
 *
 * Design: one pass. Records are written into a scratch buffer that is reused
 * from call to call (it grows by doubling and is released when a batch made it
 * larger than 16 MiB). A length prefix is written before its content, so its
 * size is predicted: for a string, from its length in UTF-16 code units, which
 * is exact for ASCII; for a record, two bytes. When the content proves the
 * prediction wrong (non-ASCII text, a record under 128 bytes or over 16 KiB),
 * the content is moved by the difference: rare, and never more than one move
 * per string or record. Resource attributes and the scope go first, then the
 * records; the outer length prefixes are known last, and are written into the
 * exact-size result the scratch contents are copied to. Strings are written
 * straight from the JS string, attribute keys from bytes encoded once per key.
 *
 * Field numbers (opentelemetry/proto, logs/v1, common/v1, resource/v1):
 *   ExportLogsServiceRequest.resource_logs 1
 *   ResourceLogs: resource 1, scope_logs 2
 *   Resource: attributes 1
 *   ScopeLogs: scope 1, log_records 2
 *   InstrumentationScope: name 1, version 2
 *   LogRecord: time_unix_nano 1 (fixed64), severity_number 2, severity_text 3,
 *     body 5, attributes 6, observed_time_unix_nano 11 (fixed64), event_name 12
 *   KeyValue: key 1, value 2
 *   AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4, array_value 5
 *   ArrayValue: values 1
 *
 * Default values are not written (proto3): a record without a timestamp has no
 * time_unix_nano, empty severity_text and event_name are left out. The body is
 * always written, even when it is the empty string. Elements of an array
 * attribute are sent as strings.
 */
import type { Attributes, FtpLogRecord } from '../model.js';
import { FtplogError } from '../errors.js';
import type { LogsBatch } from './types.js';
import { KeepCredit, asString, charCodeAt, earnCredit, putWords, spendCredit, takeWords, utf8Write } from '../bytes.js';
import { MAX_TIMESTAMP_MS, keyInfo, msToNanoHalves, ownAttributes, type KeyInfo } from './values.js';

// Tags: (field << 3) | wire type.
const TAG_LOGRECORD_TIME = 0x09; // 1, fixed64
const TAG_LOGRECORD_SEVERITY_NUMBER = 0x10; // 2, varint
const TAG_LOGRECORD_SEVERITY_TEXT = 0x1a; // 3, len
const TAG_LOGRECORD_BODY = 0x2a; // 5, len
const TAG_LOGRECORD_ATTRIBUTE = 0x32; // 6, len
const TAG_LOGRECORD_OBSERVED_TIME = 0x59; // 11, fixed64
const TAG_LOGRECORD_EVENT_NAME = 0x62; // 12, len
/** Field 1, len: resource_logs, resource, Resource.attributes, scope, name, KeyValue.key, string_value, ArrayValue.values. */
const TAG_1_LEN = 0x0a;
/** Field 2, len: scope_logs, log_records, version, KeyValue.value. */
const TAG_2_LEN = 0x12;
const TAG_ANY_BOOL = 0x10; // 2, varint
const TAG_ANY_INT = 0x18; // 3, varint
const TAG_ANY_DOUBLE = 0x21; // 4, fixed64
const TAG_ANY_ARRAY = 0x2a; // 5, len

const TWO_32 = 4294967296;
/** int64 holds integers in [-2^63, 2^63). */
const INT64_LIMIT = 9223372036854775808;
/** Strings up to this many code units are written by a JS loop; longer ones by one native call. */
const SHORT_STRING = 24;
/** Bytes reserved for a record's length prefix: records of 128 B to 16 KiB need no move. */
const RECORD_PREFIX = 2;
const SCRATCH_INITIAL = 256 * 1024;
const SCRATCH_KEEP_LIMIT = 16 * 1024 * 1024;

// ---- sizes ----

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Size of an int64 varint; negative values take ten bytes. */
function int64Size(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Size of a length-delimited field with a one-byte tag. */
function lenField(size: number): number {
  return 1 + varintSize(size) + size;
}

// ---- the scratch buffer ----

let buf: Buffer = Buffer.allocUnsafe(SCRATCH_INITIAL);
let view = new DataView(buf.buffer, buf.byteOffset, buf.length);
let pos = 0;

function setScratch(b: Buffer): void {
  buf = b;
  view = new DataView(b.buffer, b.byteOffset, b.length);
}

function ensure(extra: number): void {
  if (pos + extra > buf.length) grow(extra);
}

function grow(extra: number): void {
  const need = pos + extra;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, pos);
  setScratch(bigger);
}

/**
 * Writes `s` at `at` if it is all ASCII, and returns its length; otherwise
 * returns -1, having written some of it.
 */
function writeAscii(b: Buffer, value: string, at: number): number {
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
function writeUtf8(s: string, at: number): number {
  if (asString(s).length > SHORT_STRING) return utf8Write(buf, s, at);
  const n = writeAscii(buf, s, at);
  return n >= 0 ? n : utf8Write(buf, s, at);
}

function putVarint(n: number): void {
  const b = buf;
  let p = pos;
  while (n >= 0x80) {
    b[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[p++] = n;
  pos = p;
}

function putInt64(v: number): void {
  if (v >= 0 && v < 0x80000000) {
    putVarint(v);
    return;
  }
  // Two's complement halves; both divisions are by powers of two and exact.
  const b = buf;
  let p = pos;
  let lo = v >>> 0;
  let hi = Math.floor(v / TWO_32) >>> 0;
  while (hi !== 0) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 0x7f) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  b[p++] = lo;
  pos = p;
}

/**
 * tag, then the epoch-ms time as fixed64 nanoseconds (room for 9 bytes
 * ensured). Whole milliseconds (the usual case) take the arithmetic of
 * msToNanoHalves() inline, without its array; anything else goes through it.
 */
function putTime(tag: number, ms: number, field: string): void {
  let lo: number;
  let hi: number;
  if (ms >= 0 && ms <= MAX_TIMESTAMP_MS && Math.floor(ms) === ms) {
    const msHi = Math.floor(ms / TWO_32);
    const low = (ms - msHi * TWO_32) * 1e6; // < 2^52: exact
    lo = low >>> 0;
    hi = (msHi * 1e6 + Math.floor(low / TWO_32)) >>> 0;
  } else {
    const halves = msToNanoHalves(ms, field);
    lo = halves[0];
    hi = halves[1];
  }
  const p = pos;
  buf[p] = tag;
  const v = view;
  v.setUint32(p + 1, lo, true);
  v.setUint32(p + 5, hi, true);
  pos = p + 9;
}

/**
 * Places `n` content bytes, written at `at` in the expectation that the prefix
 * starting at `pos` takes `predicted` bytes, behind a prefix of `actual` bytes.
 */
function settle(at: number, n: number, predicted: number, actual: number): void {
  if (actual !== predicted) buf.copyWithin(pos + actual, at, at + n);
}

// ---- attribute keys ----

/**
 * Bytes of a KeyValue (less its tag) kept per key for its last string value:
 * enough for every KeyValue whose length prefixes are one byte.
 */
const VALUE_CACHE_BYTES = 128;
/** Longest key (its KeyValue.key bytes) for which a scalar KeyValue's length always takes one byte: key + 2 + 11 < 128. */
const SCALAR_KEY_MAX = 114;

/**
 * What the writer keeps per attribute key: the key's bytes, whether its
 * schema type is double, the key seen after it last time (so that the
 * lookup by name is skipped while keys come in the same order as before),
 * and the encoding of its last string value.
 *
 * A string value equal to the last one kept for its key (see KeepCredit) is
 * written by copying that KeyValue's bytes.
 */
class ProtoKey extends KeepCredit {
  /** The key that followed this one in the last attribute object written. */
  next: ProtoKey | undefined = undefined;
  /** The string value whose KeyValue bytes, without the tag, are in `cached` (`cachedBytes` of them). */
  cachedValue = '';
  /** Length of cachedValue; -1 until a value is kept. */
  cachedLength = -1;
  readonly cached = new Uint32Array(VALUE_CACHE_BYTES / 4);
  cachedBytes = 0;
  /** Bytes of KeyValue.key: tag, length, UTF-8. */
  readonly keyBytes: number;
  /** The same bytes as little-endian 32-bit words, zero-padded. */
  readonly words: Uint32Array;
  /** The schema type is double: an integral number is still sent as a double. */
  readonly double: boolean;
  /** Longest string (in code units) whose KeyValue has one-byte length prefixes when it is ASCII. */
  readonly shortMax: number;

  constructor(
    readonly key: string,
    info: KeyInfo | undefined,
  ) {
    super();
    this.keyBytes = info === undefined ? 0 : info.proto.length;
    this.words = info === undefined ? new Uint32Array(0) : info.protoWords;
    this.double = info !== undefined && info.fixed === 'double';
    // KeyValue length = key + 2 + (2 + n) must stay under 128.
    this.shortMax = info === undefined ? -1 : 123 - this.keyBytes;
  }
}

const PROTO_KEY_LIMIT = 4096;
const protoKeys = new Map<string, ProtoKey>();

function protoKey(key: string): ProtoKey {
  let k = protoKeys.get(key);
  if (k === undefined) {
    k = new ProtoKey(key, keyInfo(key));
    if (protoKeys.size < PROTO_KEY_LIMIT) protoKeys.set(key, k);
  }
  return k;
}

/** Heads of the key chains: one for record attributes, one for resource attributes. */
const RECORD_KEYS = new ProtoKey('', undefined);
const RESOURCE_KEYS = new ProtoKey('', undefined);

/**
 * After a string KeyValue was written from `from` (its tag) to `pos`: keeps
 * it as `k`'s last value if the key has credit, or is due a probe.
 */
function keepValue(k: ProtoKey, s: string, from: number): void {
  if (!spendCredit(k)) return;
  const n = pos - from - 1;
  if (n > VALUE_CACHE_BYTES) return;
  // Reads up to three bytes past pos: within the room ensured for the value.
  takeWords(view, from + 1, k.cached, n);
  k.cachedValue = s;
  k.cachedLength = asString(s).length;
  k.cachedBytes = n;
}

// ---- fields ----

/** tag, length, UTF-8 of `s`. */
function putStringField(tag: number, value: string): void {
  const s = asString(value);
  const len = s.length;
  ensure(8 + len * 3);
  const predicted = 1 + varintSize(len);
  const at = pos + predicted;
  const n = writeUtf8(s, at);
  if (n !== len) settle(at, n, predicted, 1 + varintSize(n));
  buf[pos++] = tag;
  putVarint(n);
  pos += n;
}

/** tag, length, AnyValue { string_value }: the body, and the shape of string attributes after their key. */
function putStringAnyValueField(tag: number, value: string): void {
  const s = asString(value);
  const len = s.length;
  ensure(16 + len * 3);
  const predictedAny = 1 + varintSize(len) + len;
  const predicted = 1 + varintSize(predictedAny) + 1 + varintSize(len);
  const at = pos + predicted;
  const n = writeUtf8(s, at);
  const any = 1 + varintSize(n) + n;
  if (n !== len) settle(at, n, predicted, 1 + varintSize(any) + 1 + varintSize(n));
  buf[pos++] = tag;
  putVarint(any);
  buf[pos++] = TAG_1_LEN;
  putVarint(n);
  pos += n;
}

/**
 * One KeyValue with a string value. In order: the value kept for the key;
 * an ASCII string whose length prefixes are one byte each, written straight
 * behind them; anything else, with predicted prefixes.
 */
function putStringAttribute(tag: number, k: ProtoKey, value: string): void {
  const s = asString(value);
  const len = s.length;
  const keyLen = k.keyBytes;
  const from = pos;
  if (from + 28 + keyLen + len * 3 > buf.length) grow(28 + keyLen + len * 3); // with 3 bytes of padding after a key or a kept value
  const b = buf;
  if (len === k.cachedLength && s === k.cachedValue) {
    b[from] = tag;
    const n = k.cachedBytes;
    putWords(view, from + 1, k.cached, n);
    pos = from + 1 + n;
    earnCredit(k);
    return;
  }
  if (len <= k.shortMax) {
    // tag, KeyValue length, key, value tag, AnyValue length, string tag, string length.
    const at = from + keyLen + 6;
    const n = len <= SHORT_STRING ? writeAscii(b, s, at) : utf8Write(buf, s, at);
    if (n === len) {
      b[from] = tag;
      b[from + 1] = keyLen + 4 + len;
      putWords(view, from + 2, k.words, keyLen);
      b[at - 4] = TAG_2_LEN;
      b[at - 3] = len + 2;
      b[at - 2] = TAG_1_LEN;
      b[at - 1] = len;
      pos = at + len;
      keepValue(k, s, from);
      return;
    }
  }
  putStringAttributeAnyLength(tag, k, s);
  keepValue(k, s, from);
}

/** One KeyValue with a string value of any length and content (room ensured by the caller). */
function putStringAttributeAnyLength(tag: number, k: ProtoKey, s: string): void {
  const len = s.length;
  const keyLen = k.keyBytes;
  const predictedAny = 1 + varintSize(len) + len;
  const predictedKv = keyLen + 1 + varintSize(predictedAny) + predictedAny;
  const predicted = 1 + varintSize(predictedKv) + keyLen + 1 + varintSize(predictedAny) + 1 + varintSize(len);
  const at = pos + predicted;
  const n = utf8Write(buf, s, at);
  let any = predictedAny;
  let kv = predictedKv;
  if (n !== len) {
    any = 1 + varintSize(n) + n;
    kv = keyLen + 1 + varintSize(any) + any;
    settle(at, n, predicted, 1 + varintSize(kv) + keyLen + 1 + varintSize(any) + 1 + varintSize(n));
  }
  buf[pos++] = tag;
  putVarint(kv);
  putWords(view, pos, k.words, keyLen);
  pos += keyLen;
  buf[pos++] = TAG_2_LEN;
  putVarint(any);
  buf[pos++] = TAG_1_LEN;
  putVarint(n);
  pos += n;
}

/** One KeyValue with an array of strings. */
function putArrayAttribute(tag: number, k: ProtoKey, items: readonly unknown[]): void {
  const keyLen = k.keyBytes;
  const count = items.length;
  // Short ASCII strings, every length prefix one byte: written straight in place.
  let predictedArray = 0;
  for (let i = 0; i < count; i++) {
    const item = items[i];
    if (typeof item !== 'string' || asString(item).length > SHORT_STRING) {
      predictedArray = -1;
      break;
    }
    predictedArray += 4 + asString(item).length;
  }
  if (predictedArray >= 0 && keyLen + predictedArray < 122) {
    ensure(keyLen + predictedArray + 12); // with 3 bytes of key padding
    // tag, KeyValue length, key, value tag, AnyValue length, array tag, array length.
    const b = buf;
    const from = pos;
    let at = from + keyLen + 6;
    for (let i = 0; i < count; i++) {
      const item = asString(items[i] as string);
      const len = item.length;
      b[at] = TAG_1_LEN;
      b[at + 1] = len + 2;
      b[at + 2] = TAG_1_LEN;
      b[at + 3] = len;
      if (writeAscii(b, item, at + 4) !== len) {
        at = -1;
        break;
      }
      at += 4 + len;
    }
    if (at >= 0) {
      b[from] = tag;
      b[from + 1] = keyLen + 4 + predictedArray;
      putWords(view, from + 2, k.words, keyLen);
      const p = from + keyLen + 2;
      b[p] = TAG_2_LEN;
      b[p + 1] = predictedArray + 2;
      b[p + 2] = TAG_ANY_ARRAY;
      b[p + 3] = predictedArray;
      pos = at;
      return;
    }
  }
  putArrayAttributeAnyLength(tag, k, items);
}

function putArrayAttributeAnyLength(tag: number, k: ProtoKey, items: readonly unknown[]): void {
  const keyLen = k.keyBytes;
  let predictedArray = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const len = typeof item === 'string' ? item.length : String(item).length;
    predictedArray += lenField(lenField(len));
  }
  const predictedAny = lenField(predictedArray);
  const predictedKv = keyLen + lenField(predictedAny);
  const predicted = 1 + varintSize(predictedKv) + keyLen + 1 + varintSize(predictedAny) + 1 + varintSize(predictedArray);
  ensure(predicted + 19); // with 3 bytes of key padding
  const start = pos;
  pos += predicted;
  const at = pos;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    putStringAnyValueField(TAG_1_LEN, typeof item === 'string' ? item : String(item));
  }
  const array = pos - at;
  ensure(8);
  pos = start;
  let any = predictedAny;
  let kv = predictedKv;
  if (array !== predictedArray) {
    any = lenField(array);
    kv = keyLen + lenField(any);
    settle(at, array, predicted, 1 + varintSize(kv) + keyLen + 1 + varintSize(any) + 1 + varintSize(array));
  }
  buf[pos++] = tag;
  putVarint(kv);
  putWords(view, pos, k.words, keyLen);
  pos += keyLen;
  buf[pos++] = TAG_2_LEN;
  putVarint(any);
  buf[pos++] = TAG_ANY_ARRAY;
  putVarint(array);
  pos += array;
}

/**
 * tag, KeyValue length, key, value tag, AnyValue length and the AnyValue's
 * own tag: the start of a scalar KeyValue whose AnyValue takes `any` bytes.
 * Returns where the value goes; room for it is ensured.
 */
function putScalarHead(tag: number, k: ProtoKey, any: number, anyTag: number): number {
  const keyLen = k.keyBytes;
  if (pos + keyLen + 24 > buf.length) grow(keyLen + 24); // with 3 bytes of key padding
  const kv = keyLen + 2 + any; // any <= 11
  let p = pos;
  const b = buf;
  b[p++] = tag;
  if (keyLen <= SCALAR_KEY_MAX) b[p++] = kv;
  else {
    pos = p;
    putVarint(kv);
    p = pos;
  }
  putWords(view, p, k.words, keyLen);
  p += keyLen;
  b[p] = TAG_2_LEN;
  b[p + 1] = any;
  b[p + 2] = anyTag;
  return p + 3;
}

function putIntAttribute(tag: number, k: ProtoKey, v: number): void {
  if (v >= 0 && v < 0x80000000) {
    let p = putScalarHead(tag, k, 1 + varintSize(v), TAG_ANY_INT);
    const b = buf;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
    pos = p + 1;
  } else {
    pos = putScalarHead(tag, k, 1 + int64Size(v), TAG_ANY_INT);
    putInt64(v);
  }
}

function putDoubleAttribute(tag: number, k: ProtoKey, v: number): void {
  const p = putScalarHead(tag, k, 9, TAG_ANY_DOUBLE);
  view.setFloat64(p, v, true);
  pos = p + 8;
}

function putBoolAttribute(tag: number, k: ProtoKey, v: boolean): void {
  const p = putScalarHead(tag, k, 2, TAG_ANY_BOOL);
  buf[p] = v ? 1 : 0;
  pos = p + 1;
}

/**
 * The attributes in their own order, each as its value kind says (the
 * schema type where the value fits it, else the value's own kind: see
 * valueKind() in values.ts). Only a double schema type changes the kind of a
 * value here: a string is always a string, a boolean a bool, an array an
 * array of strings, an integral number an int.
 */
function putAttributes(tag: number, attributesIn: Attributes, head: ProtoKey): void {
  const attributes = ownAttributes(attributesIn);
  let prev = head;
  for (const key in attributes) {
    const value = attributes[key] as unknown;
    let k = prev.next;
    if (k === undefined || k.key !== key) {
      k = protoKey(key);
      prev.next = k;
    }
    prev = k;
    if (typeof value === 'string') putStringAttribute(tag, k, value);
    else if (typeof value === 'number') {
      if (!k.double && Number.isInteger(value) && value < INT64_LIMIT && value >= -INT64_LIMIT) putIntAttribute(tag, k, value);
      else putDoubleAttribute(tag, k, value);
    } else if (typeof value === 'boolean') putBoolAttribute(tag, k, value);
    else if (value === undefined || value === null) continue;
    else if (Array.isArray(value)) putArrayAttribute(tag, k, value);
    else putStringAttribute(tag, k, String(value));
  }
}

function checkSeverity(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `severityNumber must be a non-negative integer (got ${String(n)})`);
  }
  return n;
}

/** ScopeLogs.log_records entry: tag, length, LogRecord. */
function putRecord(r: FtpLogRecord): void {
  const severity = checkSeverity(r.severityNumber);
  ensure(64);
  buf[pos++] = TAG_2_LEN;
  const start = pos;
  pos += RECORD_PREFIX;
  const at = pos;
  if (r.timestamp !== undefined) putTime(TAG_LOGRECORD_TIME, r.timestamp, 'timestamp');
  if (severity !== 0) {
    buf[pos++] = TAG_LOGRECORD_SEVERITY_NUMBER;
    putVarint(severity);
  }
  if (r.severityText) putStringField(TAG_LOGRECORD_SEVERITY_TEXT, r.severityText);
  putStringAnyValueField(TAG_LOGRECORD_BODY, typeof r.body === 'string' ? r.body : String(r.body));
  putAttributes(TAG_LOGRECORD_ATTRIBUTE, r.attributes, RECORD_KEYS);
  ensure(32);
  putTime(TAG_LOGRECORD_OBSERVED_TIME, r.observedTimestamp, 'observedTimestamp');
  if (r.eventName) putStringField(TAG_LOGRECORD_EVENT_NAME, r.eventName);
  const size = pos - at;
  const actual = varintSize(size);
  if (actual !== RECORD_PREFIX) {
    ensure(actual);
    pos = start;
    settle(at, size, RECORD_PREFIX, actual);
  } else {
    pos = start;
  }
  putVarint(size);
  pos += size;
}

/** Writes the resource attributes, then the scope's fields, at the start of the scratch; returns where the scope starts. */
function putResourceAndScope(resource: Attributes, scope: { name: string; version?: string }): number {
  putAttributes(TAG_1_LEN, resource, RESOURCE_KEYS);
  const resourceEnd = pos;
  if (scope.name) putStringField(TAG_1_LEN, scope.name);
  if (scope.version) putStringField(TAG_2_LEN, scope.version);
  return resourceEnd;
}

/**
 * Writes an `ExportLogsServiceRequest` up to its records (`recordsBytes` of
 * them) into a new buffer, with room for the records when `withRecords`: the
 * resource attributes are scratch [0, resourceEnd), the scope fields
 * [resourceEnd, scopeEnd). Returns the buffer and where the records go.
 */
function envelopeHead(resourceEnd: number, scopeEnd: number, recordsBytes: number, withRecords: boolean): { out: Buffer; at: number } {
  const resourceSize = resourceEnd;
  const scopeSize = scopeEnd - resourceEnd;
  const scopeLogsSize = lenField(scopeSize) + recordsBytes;
  const resourceLogsSize = lenField(resourceSize) + lenField(scopeLogsSize);
  const room = withRecords ? recordsBytes : 0;
  const out = Buffer.allocUnsafe(lenField(resourceLogsSize) - recordsBytes + room);
  let o = 0;
  const putHead = (tag: number, n: number): void => {
    out[o++] = tag;
    while (n >= 0x80) {
      out[o++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[o++] = n;
  };
  putHead(TAG_1_LEN, resourceLogsSize); // ExportLogsServiceRequest.resource_logs
  putHead(TAG_1_LEN, resourceSize); // ResourceLogs.resource
  o += buf.copy(out, o, 0, resourceEnd);
  putHead(TAG_2_LEN, scopeLogsSize); // ResourceLogs.scope_logs
  putHead(TAG_1_LEN, scopeSize); // ScopeLogs.scope
  o += buf.copy(out, o, resourceEnd, scopeEnd);
  if (o + room !== out.length) throw new Error(`protobuf size mismatch: head of ${o} + ${room} bytes in ${out.length}`);
  return { out, at: o };
}

/**
 * Encodes a batch as an OTLP `ExportLogsServiceRequest` (one ResourceLogs,
 * one ScopeLogs). Attribute value types follow src/schema.ts. Throws
 * ERR_INVALID_ARGUMENT for a time OTLP cannot carry (negative, not finite, or
 * past year 2554) or a severity number that is not a non-negative integer.
 */
export function encodeLogsProtobuf(batch: LogsBatch): Uint8Array {
  const { records, resource, scope } = batch;
  pos = 0;
  try {
    // Resource attributes, then the scope's fields, then the records, each region measured as written.
    const resourceEnd = putResourceAndScope(resource, scope);
    const scopeEnd = pos;
    for (let i = 0; i < records.length; i++) putRecord(records[i]!);
    const end = pos;
    const { out, at } = envelopeHead(resourceEnd, scopeEnd, end - scopeEnd, true);
    buf.copy(out, at, scopeEnd, end);
    return out;
  } finally {
    pos = 0;
    if (buf.length > SCRATCH_KEEP_LIMIT) setScratch(Buffer.allocUnsafe(SCRATCH_INITIAL));
  }
}

// ---- pre-encoded records ----

/**
 * One record as it stands inside a ScopeLogs message: the log_records field
 * (tag, length, LogRecord). The result is a view of the encoder's scratch
 * buffer, valid until the next call into this module: copy it out.
 */
export function encodeLogRecordEntryProtobuf(r: FtpLogRecord): Uint8Array {
  pos = 0;
  try {
    putRecord(r);
    return buf.subarray(0, pos);
  } finally {
    pos = 0;
  }
}

/**
 * Encodes a record's log_records entry straight into `target` at `at`, as
 * encodeLogRecordEntryProtobuf() would, without a copy. `target` grows by
 * doubling when the record does not fit (a new buffer of 4 KiB or more, so
 * never from Buffer's shared pool): use the returned buffer from then on.
 */
export function appendLogRecordEntryProtobuf(target: Buffer, at: number, r: FtpLogRecord): { buf: Buffer; end: number } {
  const scratch = buf;
  const scratchView = view;
  // One DataView per target buffer, not per record.
  if (target !== lastTarget) {
    lastTarget = target;
    lastTargetView = new DataView(target.buffer, target.byteOffset, target.length);
  }
  buf = target;
  view = lastTargetView!;
  pos = at;
  try {
    putRecord(r);
    if (buf !== target) {
      lastTarget = buf;
      lastTargetView = view;
    }
    return { buf, end: pos };
  } finally {
    buf = scratch;
    view = scratchView;
    pos = 0;
  }
}

let lastTarget: Buffer | undefined;
let lastTargetView: DataView | undefined;

/**
 * The bytes of an `ExportLogsServiceRequest` that come before its records:
 * followed by records encoded by encodeLogRecordEntryProtobuf() (`recordsBytes`
 * in all), they make the request encodeLogsProtobuf() gives for those records.
 */
export function encodeLogsProtobufEnvelopeHead(resource: Attributes, scope: { name: string; version?: string }, recordsBytes: number): Buffer {
  pos = 0;
  try {
    const resourceEnd = putResourceAndScope(resource, scope);
    const scopeEnd = pos;
    return envelopeHead(resourceEnd, scopeEnd, recordsBytes, false).out;
  } finally {
    pos = 0;
  }
}

/**
 * An `ExportLogsServiceRequest` around records already encoded by
 * encodeLogRecordEntryProtobuf() (concatenated in `parts`, `recordsBytes` in
 * all): the same bytes encodeLogsProtobuf() gives for those records.
 */
export function encodeLogsProtobufEnvelope(
  resource: Attributes,
  scope: { name: string; version?: string },
  parts: readonly Uint8Array[],
  recordsBytes: number,
): Buffer {
  const head = encodeLogsProtobufEnvelopeHead(resource, scope, recordsBytes);
  const out = Buffer.allocUnsafe(head.length + recordsBytes);
  let o = head.copy(out, 0);
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  if (o !== out.length) throw new Error(`protobuf size mismatch: wrote ${o} of ${out.length} bytes`);
  return out;
}
