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
import { KIND_BOOL, KIND_DOUBLE, KIND_INT, KIND_SKIP, KIND_STRING, keyInfo, kindOf, msToNanoHalves, type KeyInfo } from './values.js';

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
/** Strings up to this many code units are written by a JS loop; longer ones by one native call. */
const SHORT_STRING = 40;
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

interface FastWrites {
  utf8Write?(s: string, offset: number, length?: number): number;
}

let buf: Buffer = Buffer.allocUnsafe(SCRATCH_INITIAL);
let view = new DataView(buf.buffer, buf.byteOffset, buf.length);
let pos = 0;

function setScratch(b: Buffer): void {
  buf = b;
  view = new DataView(b.buffer, b.byteOffset, b.length);
}

/** Native UTF-8 write: Buffer's own method where present (no argument parsing), else the public write(). */
const nativeUtf8Write: (s: string, at: number) => number =
  typeof (Buffer.prototype as FastWrites).utf8Write === 'function'
    ? (s, at) => (buf as FastWrites).utf8Write!(s, at, buf.length - at)
    : (s, at) => buf.write(s, at, 'utf8');

function ensure(extra: number): void {
  const need = pos + extra;
  if (need <= buf.length) return;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, pos);
  setScratch(bigger);
}

/** Writes `s` as UTF-8 at `at` (room for 3 bytes per code unit is ensured); returns the byte count. */
function writeUtf8(s: string, at: number): number {
  const len = s.length;
  if (len > SHORT_STRING) return nativeUtf8Write(s, at);
  const b = buf;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return nativeUtf8Write(s, at);
    b[at + i] = c;
  }
  return len;
}

function putVarint(n: number): void {
  const b = buf;
  while (n >= 0x80) {
    b[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[pos++] = n;
}

function putInt64(v: number): void {
  if (v >= 0 && v < 0x80000000) {
    putVarint(v);
    return;
  }
  // Two's complement halves; both divisions are by powers of two and exact.
  const b = buf;
  let lo = v >>> 0;
  let hi = Math.floor(v / TWO_32) >>> 0;
  while (hi !== 0) {
    b[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 0x7f) {
    b[pos++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  b[pos++] = lo;
}

function putFixed32(n: number): void {
  const b = buf;
  b[pos++] = n & 0xff;
  b[pos++] = (n >>> 8) & 0xff;
  b[pos++] = (n >>> 16) & 0xff;
  b[pos++] = n >>> 24;
}

function putTime(tag: number, ms: number, field: string): void {
  const [lo, hi] = msToNanoHalves(ms, field);
  buf[pos++] = tag;
  putFixed32(lo);
  putFixed32(hi);
}

/**
 * Copies an attribute key's bytes, four at a time. The last word may write up
 * to three bytes past the key: every caller has ensured room for them, and
 * writes at least four bytes of value prefix (tag, length, tag, length or
 * value) right after the key, so the padding never reaches value bytes
 * already in place.
 */
function putKey(info: KeyInfo): void {
  const words = info.protoWords;
  const v = view;
  const p = pos;
  for (let i = 0; i < words.length; i++) v.setUint32(p + 4 * i, words[i]!, true);
  pos += info.proto.length;
}

/**
 * Places `n` content bytes, written at `at` in the expectation that the prefix
 * starting at `pos` takes `predicted` bytes, behind a prefix of `actual` bytes.
 */
function settle(at: number, n: number, predicted: number, actual: number): void {
  if (actual !== predicted) buf.copyWithin(pos + actual, at, at + n);
}

// ---- fields ----

/** tag, length, UTF-8 of `s`. */
function putStringField(tag: number, s: string): void {
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
function putStringAnyValueField(tag: number, s: string): void {
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

/** One KeyValue with a string value. */
function putStringAttribute(tag: number, key: KeyInfo, s: string): void {
  const len = s.length;
  const keyLen = key.proto.length;
  ensure(25 + keyLen + len * 3); // with 3 bytes of key padding
  const predictedAny = 1 + varintSize(len) + len;
  const predictedKv = keyLen + 1 + varintSize(predictedAny) + predictedAny;
  const predicted = 1 + varintSize(predictedKv) + keyLen + 1 + varintSize(predictedAny) + 1 + varintSize(len);
  const at = pos + predicted;
  const n = writeUtf8(s, at);
  let any = predictedAny;
  let kv = predictedKv;
  if (n !== len) {
    any = 1 + varintSize(n) + n;
    kv = keyLen + 1 + varintSize(any) + any;
    settle(at, n, predicted, 1 + varintSize(kv) + keyLen + 1 + varintSize(any) + 1 + varintSize(n));
  }
  buf[pos++] = tag;
  putVarint(kv);
  putKey(key);
  buf[pos++] = TAG_2_LEN;
  putVarint(any);
  buf[pos++] = TAG_1_LEN;
  putVarint(n);
  pos += n;
}

/** One KeyValue with an array of strings. */
function putArrayAttribute(tag: number, key: KeyInfo, items: readonly unknown[]): void {
  const keyLen = key.proto.length;
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
  putKey(key);
  buf[pos++] = TAG_2_LEN;
  putVarint(any);
  buf[pos++] = TAG_ANY_ARRAY;
  putVarint(array);
  pos += array;
}

/** One KeyValue with an int, double or bool value: sizes known up front. */
function putScalarAttribute(tag: number, key: KeyInfo, kind: number, value: unknown): void {
  const keyLen = key.proto.length;
  const any = kind === KIND_INT ? 1 + int64Size(value as number) : kind === KIND_DOUBLE ? 9 : 2;
  const kv = keyLen + 2 + any; // value tag + one-byte length: any <= 11
  ensure(9 + kv); // with 3 bytes of key padding
  buf[pos++] = tag;
  putVarint(kv);
  putKey(key);
  buf[pos++] = TAG_2_LEN;
  buf[pos++] = any;
  if (kind === KIND_INT) {
    buf[pos++] = TAG_ANY_INT;
    putInt64(value as number);
  } else if (kind === KIND_DOUBLE) {
    buf[pos++] = TAG_ANY_DOUBLE;
    buf.writeDoubleLE(value as number, pos);
    pos += 8;
  } else {
    buf[pos++] = TAG_ANY_BOOL;
    buf[pos++] = value ? 1 : 0;
  }
}

function putAttributes(tag: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    const info = keyInfo(key);
    const kind = kindOf(info, key, value);
    if (kind === KIND_STRING) putStringAttribute(tag, info, typeof value === 'string' ? value : String(value));
    else if (kind === KIND_SKIP) continue;
    else if (kind === KIND_INT || kind === KIND_DOUBLE || kind === KIND_BOOL) putScalarAttribute(tag, info, kind, value);
    else putArrayAttribute(tag, info, value as unknown as readonly unknown[]);
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
  putAttributes(TAG_LOGRECORD_ATTRIBUTE, r.attributes);
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
  putAttributes(TAG_1_LEN, resource);
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

// ---- measuring without writing ----

function utf8Length(s: string): number {
  const len = s.length;
  if (len > SHORT_STRING) return Buffer.byteLength(s, 'utf8');
  let n = len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
      n += 2;
    } else n += 2; // 3 bytes; a lone surrogate is written as U+FFFD, 3 bytes too
  }
  return n;
}

function anyValueSize(kind: number, value: unknown): number {
  switch (kind) {
    case KIND_STRING:
      return lenField(utf8Length(typeof value === 'string' ? value : String(value)));
    case KIND_INT:
      return 1 + int64Size(value as number);
    case KIND_DOUBLE:
      return 9;
    case KIND_BOOL:
      return 2;
    default: {
      const items = value as readonly unknown[];
      let array = 0;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        array += lenField(lenField(utf8Length(typeof item === 'string' ? item : String(item))));
      }
      return lenField(array);
    }
  }
}

function attributesSize(attributes: Attributes): number {
  let size = 0;
  for (const key in attributes) {
    const value = attributes[key];
    const info = keyInfo(key);
    const kind = kindOf(info, key, value);
    if (kind === KIND_SKIP) continue;
    size += lenField(info.proto.length + lenField(anyValueSize(kind, value)));
  }
  return size;
}

/**
 * Bytes a record adds to an encoded request: the LogRecord message with its
 * field tag and length prefix. The delivery queue bounds its bytes with it.
 */
export function logRecordProtobufSize(r: FtpLogRecord): number {
  let size = r.timestamp === undefined ? 9 : 18; // the times: tag + 8 bytes each
  const severity = checkSeverity(r.severityNumber);
  if (severity !== 0) size += 1 + varintSize(severity);
  if (r.severityText) size += lenField(utf8Length(r.severityText));
  size += lenField(lenField(utf8Length(typeof r.body === 'string' ? r.body : String(r.body))));
  size += attributesSize(r.attributes);
  if (r.eventName) size += lenField(utf8Length(r.eventName));
  return lenField(size);
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
