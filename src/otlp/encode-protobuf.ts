/**
 * LogsBatch → OTLP protobuf `ExportLogsServiceRequest`, written by hand.
 *
 * Design: one pass, into a ByteWriter (src/bytes.ts) that the caller owns: a
 * run's buffer, or a scratch buffer for a whole request. A length prefix is
 * written before its content, so its size is predicted: for a string, from
 * its length in UTF-16 code units, which is exact for ASCII; for a record,
 * two bytes. When the content proves the prediction wrong (non-ASCII text, a
 * record under 128 bytes or over 16 KiB), the content is moved by the
 * difference: rare, and never more than one move per string or record.
 * Resource attributes and the scope go first, then the records; the outer
 * length prefixes are known last, and are written into the exact-size result
 * the scratch contents are copied to. Strings are written straight from the
 * JS string, attribute keys from bytes encoded once per key. What is
 * remembered from record to record (the key order, each key's last value) is
 * a ProtobufEncoder's, one per thread that encodes.
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
import { ByteWriter, KeptKey, KeyTable, SHORT_STRING, asString, keepValue, putKeptValue, putWords, utf8Write, writeAscii, writeUtf8 } from '../bytes.js';
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
/** Bytes reserved for a record's length prefix: records of 128 B to 16 KiB need no move. */
const RECORD_PREFIX = 2;
/** First size of the scratch buffer a request is written into. */
const SCRATCH_INITIAL = 64 * 1024;

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

// ---- scalars ----

function putInt64(w: ByteWriter, v: number): void {
  if (v >= 0 && v < 0x80000000) {
    w.putVarint(v);
    return;
  }
  // Two's complement halves; both divisions are by powers of two and exact.
  const b = w.buf;
  let p = w.pos;
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
  w.pos = p;
}

/**
 * tag, then the epoch-ms time as fixed64 nanoseconds (room for 9 bytes
 * ensured). Whole milliseconds (the usual case) take the arithmetic of
 * msToNanoHalves() inline, without its array; anything else goes through it.
 */
function putTime(w: ByteWriter, tag: number, ms: number, field: string): void {
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
  const p = w.pos;
  w.buf[p] = tag;
  const v = w.view;
  v.setUint32(p + 1, lo, true);
  v.setUint32(p + 5, hi, true);
  w.pos = p + 9;
}

/**
 * Places `n` content bytes, written at `at` in the expectation that the prefix
 * starting at pos takes `predicted` bytes, behind a prefix of `actual` bytes.
 */
function settle(w: ByteWriter, at: number, n: number, predicted: number, actual: number): void {
  if (actual !== predicted) w.buf.copyWithin(w.pos + actual, at, at + n);
}

// ---- attribute keys ----

/** Longest key (its KeyValue.key bytes) for which a scalar KeyValue's length always takes one byte: key + 2 + 11 < 128. */
const SCALAR_KEY_MAX = 114;

/**
 * An attribute key as the protobuf encoder remembers it: the key's bytes,
 * whether its schema type is double, and its last string value, kept as the
 * bytes of its KeyValue less the tag (every KeyValue whose length prefixes
 * are one byte fits).
 */
class ProtoKey extends KeptKey<ProtoKey> {
  /** The string value whose KeyValue bytes, without the tag, are kept; its length is keptLength. */
  keptValue = '';
  /** Length of keptValue; -1 until a value is kept. */
  keptLength = -1;
  /** Bytes of KeyValue.key: tag, length, UTF-8. */
  readonly keyBytes: number;
  /** The same bytes as little-endian 32-bit words, zero-padded. */
  readonly words: Uint32Array;
  /** The schema type is double: an integral number is still sent as a double. */
  readonly double: boolean;
  /** Longest string (in code units) whose KeyValue has one-byte length prefixes when it is ASCII. */
  readonly shortMax: number;

  constructor(key: string, info: KeyInfo | undefined) {
    super(key);
    this.keyBytes = info === undefined ? 0 : info.proto.length;
    this.words = info === undefined ? new Uint32Array(0) : info.protoWords;
    this.double = info !== undefined && info.fixed === 'double';
    // KeyValue length = key + 2 + (2 + n) must stay under 128.
    this.shortMax = info === undefined ? -1 : 123 - this.keyBytes;
  }
}

/** After a string KeyValue was written from `from` (its tag) to pos: keeps it as `k`'s last value if the key has credit, or is due a probe. */
function keepString(w: ByteWriter, k: ProtoKey, s: string, from: number): void {
  if (!keepValue(w, k, from + 1)) return;
  k.keptValue = s;
  k.keptLength = asString(s).length;
}

// ---- fields ----

/** tag, length, UTF-8 of `s`. */
function putStringField(w: ByteWriter, tag: number, value: string): void {
  const s = asString(value);
  const len = s.length;
  w.ensure(8 + len * 3);
  const predicted = 1 + varintSize(len);
  const at = w.pos + predicted;
  const n = writeUtf8(w.buf, s, at);
  if (n !== len) settle(w, at, n, predicted, 1 + varintSize(n));
  w.buf[w.pos++] = tag;
  w.putVarint(n);
  w.pos += n;
}

/** tag, length, AnyValue { string_value }: the body, and the shape of string attributes after their key. */
function putStringAnyValueField(w: ByteWriter, tag: number, value: string): void {
  const s = asString(value);
  const len = s.length;
  w.ensure(16 + len * 3);
  const predictedAny = 1 + varintSize(len) + len;
  const predicted = 1 + varintSize(predictedAny) + 1 + varintSize(len);
  const at = w.pos + predicted;
  const n = writeUtf8(w.buf, s, at);
  const any = 1 + varintSize(n) + n;
  if (n !== len) settle(w, at, n, predicted, 1 + varintSize(any) + 1 + varintSize(n));
  const b = w.buf;
  b[w.pos++] = tag;
  w.putVarint(any);
  b[w.pos++] = TAG_1_LEN;
  w.putVarint(n);
  w.pos += n;
}

/**
 * One KeyValue with a string value. In order: the value kept for the key;
 * an ASCII string whose length prefixes are one byte each, written straight
 * behind them; anything else, with predicted prefixes.
 */
function putStringAttribute(w: ByteWriter, tag: number, k: ProtoKey, value: string): void {
  const s = asString(value);
  const len = s.length;
  const keyLen = k.keyBytes;
  w.ensure(28 + keyLen + len * 3); // with 3 bytes of padding after a key or a kept value
  const b = w.buf;
  const from = w.pos;
  if (len === k.keptLength && s === k.keptValue) {
    b[from] = tag;
    w.pos = from + 1;
    putKeptValue(w, k);
    return;
  }
  if (len <= k.shortMax) {
    // tag, KeyValue length, key, value tag, AnyValue length, string tag, string length.
    const at = from + keyLen + 6;
    const n = len <= SHORT_STRING ? writeAscii(b, s, at) : utf8Write(b, s, at);
    if (n === len) {
      b[from] = tag;
      b[from + 1] = keyLen + 4 + len;
      putWords(w.view, from + 2, k.words, keyLen);
      b[at - 4] = TAG_2_LEN;
      b[at - 3] = len + 2;
      b[at - 2] = TAG_1_LEN;
      b[at - 1] = len;
      w.pos = at + len;
      keepString(w, k, s, from);
      return;
    }
  }
  putStringAttributeAnyLength(w, tag, k, s);
  keepString(w, k, s, from);
}

/** One KeyValue with a string value of any length and content (room ensured by the caller). */
function putStringAttributeAnyLength(w: ByteWriter, tag: number, k: ProtoKey, s: string): void {
  const len = s.length;
  const keyLen = k.keyBytes;
  const predictedAny = 1 + varintSize(len) + len;
  const predictedKv = keyLen + 1 + varintSize(predictedAny) + predictedAny;
  const predicted = 1 + varintSize(predictedKv) + keyLen + 1 + varintSize(predictedAny) + 1 + varintSize(len);
  const at = w.pos + predicted;
  const n = utf8Write(w.buf, s, at);
  let any = predictedAny;
  let kv = predictedKv;
  if (n !== len) {
    any = 1 + varintSize(n) + n;
    kv = keyLen + 1 + varintSize(any) + any;
    settle(w, at, n, predicted, 1 + varintSize(kv) + keyLen + 1 + varintSize(any) + 1 + varintSize(n));
  }
  putKeyValueHead(w, tag, k, kv, any, TAG_1_LEN, n);
  w.pos += n;
}

/**
 * tag, KeyValue length, key, value tag, AnyValue length, the AnyValue's
 * field tag and the length of that field: what comes before a string or an
 * array value whose prefixes may take more than one byte (room ensured).
 */
function putKeyValueHead(w: ByteWriter, tag: number, k: ProtoKey, kv: number, any: number, anyTag: number, n: number): void {
  const b = w.buf;
  b[w.pos++] = tag;
  w.putVarint(kv);
  putWords(w.view, w.pos, k.words, k.keyBytes);
  w.pos += k.keyBytes;
  b[w.pos++] = TAG_2_LEN;
  w.putVarint(any);
  b[w.pos++] = anyTag;
  w.putVarint(n);
}

/** One KeyValue with an array of strings. */
function putArrayAttribute(w: ByteWriter, tag: number, k: ProtoKey, items: readonly unknown[]): void {
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
    w.ensure(keyLen + predictedArray + 12); // with 3 bytes of key padding
    // tag, KeyValue length, key, value tag, AnyValue length, array tag, array length.
    const b = w.buf;
    const from = w.pos;
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
      putWords(w.view, from + 2, k.words, keyLen);
      const p = from + keyLen + 2;
      b[p] = TAG_2_LEN;
      b[p + 1] = predictedArray + 2;
      b[p + 2] = TAG_ANY_ARRAY;
      b[p + 3] = predictedArray;
      w.pos = at;
      return;
    }
  }
  putArrayAttributeAnyLength(w, tag, k, items);
}

function putArrayAttributeAnyLength(w: ByteWriter, tag: number, k: ProtoKey, items: readonly unknown[]): void {
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
  w.ensure(predicted + 19); // with 3 bytes of key padding
  const start = w.pos;
  w.pos += predicted;
  const at = w.pos;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    putStringAnyValueField(w, TAG_1_LEN, typeof item === 'string' ? item : String(item));
  }
  const array = w.pos - at;
  w.ensure(8);
  w.pos = start;
  let any = predictedAny;
  let kv = predictedKv;
  if (array !== predictedArray) {
    any = lenField(array);
    kv = keyLen + lenField(any);
    settle(w, at, array, predicted, 1 + varintSize(kv) + keyLen + 1 + varintSize(any) + 1 + varintSize(array));
  }
  putKeyValueHead(w, tag, k, kv, any, TAG_ANY_ARRAY, array);
  w.pos += array;
}

/**
 * tag, KeyValue length, key, value tag, AnyValue length and the AnyValue's
 * own tag: the start of a scalar KeyValue whose AnyValue takes `any` bytes.
 * Returns where the value goes; room for it is ensured.
 */
function putScalarHead(w: ByteWriter, tag: number, k: ProtoKey, any: number, anyTag: number): number {
  const keyLen = k.keyBytes;
  w.ensure(keyLen + 24); // with 3 bytes of key padding
  const kv = keyLen + 2 + any; // any <= 11
  const b = w.buf;
  let p = w.pos;
  b[p++] = tag;
  if (keyLen <= SCALAR_KEY_MAX) b[p++] = kv;
  else {
    w.pos = p;
    w.putVarint(kv);
    p = w.pos;
  }
  putWords(w.view, p, k.words, keyLen);
  p += keyLen;
  b[p] = TAG_2_LEN;
  b[p + 1] = any;
  b[p + 2] = anyTag;
  return p + 3;
}

function putIntAttribute(w: ByteWriter, tag: number, k: ProtoKey, v: number): void {
  if (v >= 0 && v < 0x80000000) {
    let p = putScalarHead(w, tag, k, 1 + varintSize(v), TAG_ANY_INT);
    const b = w.buf;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
    w.pos = p + 1;
  } else {
    w.pos = putScalarHead(w, tag, k, 1 + int64Size(v), TAG_ANY_INT);
    putInt64(w, v);
  }
}

function putDoubleAttribute(w: ByteWriter, tag: number, k: ProtoKey, v: number): void {
  const p = putScalarHead(w, tag, k, 9, TAG_ANY_DOUBLE);
  w.view.setFloat64(p, v, true);
  w.pos = p + 8;
}

function putBoolAttribute(w: ByteWriter, tag: number, k: ProtoKey, v: boolean): void {
  const p = putScalarHead(w, tag, k, 2, TAG_ANY_BOOL);
  w.buf[p] = v ? 1 : 0;
  w.pos = p + 1;
}

/**
 * The attributes in their own order, each as its value kind says (the
 * schema type where the value fits it, else the value's own kind: see
 * valueKind() in values.ts). Only a double schema type changes the kind of a
 * value here: a string is always a string, a boolean a bool, an array an
 * array of strings, an integral number an int. `head` starts the chain of
 * keys in the order the last object of its kind had them.
 */
function putAttributes(w: ByteWriter, tag: number, attributesIn: Attributes, keys: KeyTable<ProtoKey>, head: ProtoKey): void {
  const attributes = ownAttributes(attributesIn);
  let k = head;
  for (const key in attributes) {
    const value = attributes[key] as unknown;
    k = keys.after(k, key);
    if (typeof value === 'string') putStringAttribute(w, tag, k, value);
    else if (typeof value === 'number') {
      if (!k.double && Number.isInteger(value) && value < INT64_LIMIT && value >= -INT64_LIMIT) putIntAttribute(w, tag, k, value);
      else putDoubleAttribute(w, tag, k, value);
    } else if (typeof value === 'boolean') putBoolAttribute(w, tag, k, value);
    else if (value === undefined || value === null) continue;
    else if (Array.isArray(value)) putArrayAttribute(w, tag, k, value);
    else putStringAttribute(w, tag, k, String(value));
  }
}

function checkSeverity(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `severityNumber must be a non-negative integer (got ${String(n)})`);
  }
  return n;
}

/**
 * Writes records and the parts of a request around them, remembering from
 * one record to the next the order of the attribute keys and each key's
 * last value (which only makes the writing faster: the bytes do not depend
 * on it). One per thread that encodes; it writes into any ByteWriter.
 */
export class ProtobufEncoder {
  private readonly keys = new KeyTable((key) => new ProtoKey(key, keyInfo(key)));
  /** Heads of the key chains: one for record attributes, one for resource attributes. */
  private readonly recordKeys = new ProtoKey('', undefined);
  private readonly resourceKeys = new ProtoKey('', undefined);

  /** ScopeLogs.log_records entry: tag, length, LogRecord. */
  putRecord(w: ByteWriter, r: FtpLogRecord): void {
    const severity = checkSeverity(r.severityNumber);
    w.ensure(64);
    w.buf[w.pos++] = TAG_2_LEN;
    const start = w.pos;
    w.pos += RECORD_PREFIX;
    const at = w.pos;
    if (r.timestamp !== undefined) putTime(w, TAG_LOGRECORD_TIME, r.timestamp, 'timestamp');
    if (severity !== 0) {
      w.buf[w.pos++] = TAG_LOGRECORD_SEVERITY_NUMBER;
      w.putVarint(severity);
    }
    if (r.severityText) putStringField(w, TAG_LOGRECORD_SEVERITY_TEXT, r.severityText);
    putStringAnyValueField(w, TAG_LOGRECORD_BODY, typeof r.body === 'string' ? r.body : String(r.body));
    putAttributes(w, TAG_LOGRECORD_ATTRIBUTE, r.attributes, this.keys, this.recordKeys);
    w.ensure(32);
    putTime(w, TAG_LOGRECORD_OBSERVED_TIME, r.observedTimestamp, 'observedTimestamp');
    if (r.eventName) putStringField(w, TAG_LOGRECORD_EVENT_NAME, r.eventName);
    const size = w.pos - at;
    const actual = varintSize(size);
    if (actual !== RECORD_PREFIX) {
      w.ensure(actual);
      w.pos = start;
      settle(w, at, size, RECORD_PREFIX, actual);
    } else {
      w.pos = start;
    }
    w.putVarint(size);
    w.pos += size;
  }

  /** Writes the resource attributes, then the scope's fields, at the start of `w`; returns where the scope starts. */
  putResourceAndScope(w: ByteWriter, resource: Attributes, scope: { name: string; version?: string }): number {
    putAttributes(w, TAG_1_LEN, resource, this.keys, this.resourceKeys);
    const resourceEnd = w.pos;
    if (scope.name) putStringField(w, TAG_1_LEN, scope.name);
    if (scope.version) putStringField(w, TAG_2_LEN, scope.version);
    return resourceEnd;
  }
}

/**
 * Writes an `ExportLogsServiceRequest` up to its records (`recordsBytes` of
 * them) into a new buffer, with room for the records when `withRecords`: the
 * resource attributes are scratch [0, resourceEnd), the scope fields
 * [resourceEnd, scopeEnd). Returns the buffer and where the records go.
 */
function envelopeHead(scratch: Buffer, resourceEnd: number, scopeEnd: number, recordsBytes: number, withRecords: boolean): { out: Buffer; at: number } {
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
  o += scratch.copy(out, o, 0, resourceEnd);
  putHead(TAG_2_LEN, scopeLogsSize); // ResourceLogs.scope_logs
  putHead(TAG_1_LEN, scopeSize); // ScopeLogs.scope
  o += scratch.copy(out, o, resourceEnd, scopeEnd);
  if (o + room !== out.length) throw new FtplogError('ERR_INTERNAL', `protobuf size mismatch: head of ${o} + ${room} bytes in ${out.length}`);
  return { out, at: o };
}

/**
 * Encodes a batch as an OTLP `ExportLogsServiceRequest` (one ResourceLogs,
 * one ScopeLogs). Attribute value types follow src/schema.ts. Throws
 * ERR_INVALID_ARGUMENT for a time OTLP cannot carry (negative, not finite, or
 * past year 2554) or a severity number that is not a non-negative integer.
 */
/**
 * The writer and encoder of encodeLogsProtobuf(), kept from call to call: a
 * fresh scratch buffer grown to the batch's size, and an encoder that has
 * forgotten the keys and values it saw, cost 25-35% more CPU per record
 * (`npm run bench --only encode-protobuf`, 300k lines, 1.37-1.49 s against
 * 1.88 s). Calls are synchronous and never nest, so one pair serves them
 * all; a scratch buffer grown past ONE_SHOT_KEEP by a huge batch is let go.
 */
let oneShot: { w: ByteWriter; encoder: ProtobufEncoder } | undefined;
const ONE_SHOT_KEEP = 8 * 1024 * 1024;

export function encodeLogsProtobuf(batch: LogsBatch): Uint8Array {
  const { records, resource, scope } = batch;
  oneShot ??= { w: new ByteWriter(SCRATCH_INITIAL), encoder: new ProtobufEncoder() };
  const { w, encoder } = oneShot;
  w.rewind();
  try {
    return encodeBatch(w, encoder, records, resource, scope);
  } finally {
    if (w.buf.length > ONE_SHOT_KEEP) oneShot = undefined;
  }
}

function encodeBatch(w: ByteWriter, encoder: ProtobufEncoder, records: LogsBatch['records'], resource: LogsBatch['resource'], scope: LogsBatch['scope']): Uint8Array {
  // Resource attributes, then the scope's fields, then the records, each region measured as written.
  const resourceEnd = encoder.putResourceAndScope(w, resource, scope);
  const scopeEnd = w.pos;
  for (let i = 0; i < records.length; i++) encoder.putRecord(w, records[i]!);
  const end = w.pos;
  const { out, at } = envelopeHead(w.buf, resourceEnd, scopeEnd, end - scopeEnd, true);
  w.buf.copy(out, at, scopeEnd, end);
  return out;
}

// ---- pre-encoded records ----

/**
 * One record as it stands inside a ScopeLogs message: the log_records field
 * (tag, length, LogRecord), in a buffer of its own. Encoders of many records
 * use a ProtobufEncoder and a ByteWriter instead.
 */
export function encodeLogRecordEntryProtobuf(r: FtpLogRecord): Uint8Array {
  const w = new ByteWriter(1024);
  new ProtobufEncoder().putRecord(w, r);
  return w.take();
}

/**
 * Encodes a record's log_records entry straight into `target` at `at`, as
 * encodeLogRecordEntryProtobuf() would, without a copy. `target` grows by
 * doubling when the record does not fit (a new buffer, never from Buffer's
 * shared pool): use the returned buffer from then on.
 */
export function appendLogRecordEntryProtobuf(target: Buffer, at: number, r: FtpLogRecord): { buf: Buffer; end: number } {
  const w = new ByteWriter(target.length);
  w.use(target, at);
  new ProtobufEncoder().putRecord(w, r);
  return { buf: w.buf, end: w.pos };
}

/**
 * The bytes of an `ExportLogsServiceRequest` that come before its records:
 * followed by records encoded by encodeLogRecordEntryProtobuf() (`recordsBytes`
 * in all), they make the request encodeLogsProtobuf() gives for those records.
 */
export function encodeLogsProtobufEnvelopeHead(resource: Attributes, scope: { name: string; version?: string }, recordsBytes: number): Buffer {
  const w = new ByteWriter(1024);
  const resourceEnd = new ProtobufEncoder().putResourceAndScope(w, resource, scope);
  return envelopeHead(w.buf, resourceEnd, w.pos, recordsBytes, false).out;
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
  if (o !== out.length) throw new FtplogError('ERR_INTERNAL', `protobuf size mismatch: wrote ${o} of ${out.length} bytes`);
  return out;
}
