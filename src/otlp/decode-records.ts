/**
 * Records encoded ahead of their request (see encoded.ts) back to the JSONL
 * record shape (toJsonRecord() in src/jsonl/record-json.ts): how the
 * dead-letter file writes records it holds only as bytes. Pure, and small
 * on purpose: it reads what encode-protobuf.ts and encode-json.ts write for
 * a LogRecord, without a protobuf library or the OTLP schema.
 *
 * Read: time_unix_nano, observed_time_unix_nano, severity_number,
 * severity_text, body (a string), attributes (string, int, double, bool and
 * arrays of strings), event_name. Fields and value kinds the encoders never
 * write are skipped (protobuf) or ignored (JSON), so a record with more in it
 * still reads; bytes that are not a LogRecord throw ERR_PARSE.
 *
 * Values: an int64 becomes the number it equals (the encoders write ints
 * from JS numbers, so every one they write has one); one that no number
 * equals is kept exactly, as its decimal string. Doubles stay doubles, NaN
 * and the infinities included. A time present on the wire is a timestamp,
 * even at zero; an absent time_unix_nano is `null`.
 */
import { Buffer } from 'node:buffer';
import { FtplogError } from '../errors.js';
import type { AttributeValue, Attributes } from '../model.js';
import type { JsonRecord } from '../jsonl/record-json.js';
import type { OtlpEncoding } from './encoded.js';

function bad(message: string): never {
  throw new FtplogError('ERR_PARSE', `encoded log record: ${message}`);
}

/** ISO-8601 of a time in nanoseconds since the epoch (whole milliseconds, as toJsonRecord() writes them). */
function isoOfNanos(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** The number an int64 equals, or its decimal string when no number does. */
function int64Value(n: bigint): number | string {
  const x = Number(n);
  return BigInt(x) === n ? x : n.toString();
}

/** Sets `key` as an own property, so a key named `__proto__` stays a key (as JSON.parse makes it). */
function setAttribute(attributes: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  else attributes[key] = value;
}

/** Array elements are strings in the JSONL shape; the encoders send them as string values. */
function arrayElement(v: AttributeValue | undefined): string {
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
}

// ---- protobuf ----

// Wire types.
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** A cursor over [pos, end) of a protobuf message. */
class ProtoReader {
  constructor(
    private readonly bytes: Buffer,
    private readonly view: DataView,
    private pos: number,
    private readonly end: number,
  ) {}

  static of(bytes: Buffer): ProtoReader {
    return new ProtoReader(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length);
  }

  get more(): boolean {
    return this.pos < this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) bad('truncated varint');
    return this.bytes[this.pos++]!;
  }

  /** A varint up to 2^53 (tags, lengths, enums), as a number. */
  uint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
    return bad('varint too large for a tag, length or enum');
  }

  /** A varint as int64, exactly. */
  int64(): bigint {
    let n = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      n |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, n);
      shift += 7n;
    }
    return bad('varint longer than 10 bytes');
  }

  private need(n: number): number {
    const at = this.pos;
    if (n > this.end - at) bad('field runs past the end of its message');
    this.pos = at + n;
    return at;
  }

  fixed64(): bigint {
    const at = this.need(8);
    return this.view.getBigUint64(at, true);
  }

  double(): number {
    const at = this.need(8);
    return this.view.getFloat64(at, true);
  }

  /** A length-delimited field's content: returns its start; `pos` moves past it. */
  len(): number {
    return this.need(this.uint());
  }

  string(): string {
    const start = this.len();
    return this.bytes.toString('utf8', start, this.pos);
  }

  /** A reader over a length-delimited field's content; `pos` moves past it. */
  message(): ProtoReader {
    const start = this.len();
    return new ProtoReader(this.bytes, this.view, start, this.pos);
  }

  /** Skips a field of a number this reader does not know. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.int64();
        return;
      case FIXED64:
        this.need(8);
        return;
      case LEN:
        this.len();
        return;
      case FIXED32:
        this.need(4);
        return;
      default:
        bad(`unsupported wire type ${wireType}`);
    }
  }
}

/** Tag of `field` with `wireType`. */
const tag = (field: number, wireType: number): number => field * 8 + wireType;

const ANY_STRING = tag(1, LEN);
const ANY_BOOL = tag(2, VARINT);
const ANY_INT = tag(3, VARINT);
const ANY_DOUBLE = tag(4, FIXED64);
const ANY_ARRAY = tag(5, LEN);
const ARRAY_VALUES = tag(1, LEN);
const KV_KEY = tag(1, LEN);
const KV_VALUE = tag(2, LEN);

/**
 * Whether `t` is one of the `known` tags. A field of another number is
 * skipped; a known number with another wire type is not what the encoders
 * write, and throws.
 */
function expectOrSkip(r: ProtoReader, t: number, known: readonly number[]): boolean {
  if (known.includes(t)) return true;
  const field = Math.floor(t / 8);
  if (known.some((k) => Math.floor(k / 8) === field)) bad(`field ${field} has wire type ${t % 8}`);
  r.skip(t % 8);
  return false;
}

const ANY_TAGS = [ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY];

/** An AnyValue; undefined when it holds no kind read here. The last kind on the wire wins (a oneof). */
function protoAnyValue(r: ProtoReader): AttributeValue | undefined {
  let value: AttributeValue | undefined;
  while (r.more) {
    const t = r.uint();
    if (!expectOrSkip(r, t, ANY_TAGS)) continue;
    switch (t) {
      case ANY_STRING:
        value = r.string();
        break;
      case ANY_BOOL:
        value = r.int64() !== 0n;
        break;
      case ANY_INT:
        value = int64Value(r.int64());
        break;
      case ANY_DOUBLE:
        value = r.double();
        break;
      default: {
        const array = r.message();
        const items: string[] = [];
        while (array.more) {
          const at = array.uint();
          if (expectOrSkip(array, at, [ARRAY_VALUES])) items.push(arrayElement(protoAnyValue(array.message())));
        }
        value = items;
      }
    }
  }
  return value;
}

/** A KeyValue into `attributes`; one whose value holds no kind read here is left out. */
function protoKeyValue(r: ProtoReader, attributes: Attributes): void {
  let key = '';
  let value: AttributeValue | undefined;
  while (r.more) {
    const t = r.uint();
    if (!expectOrSkip(r, t, [KV_KEY, KV_VALUE])) continue;
    if (t === KV_KEY) key = r.string();
    else value = protoAnyValue(r.message());
  }
  if (value !== undefined) setAttribute(attributes, key, value);
}

// LogRecord fields (opentelemetry/proto logs/v1).
const LR_TIME = tag(1, FIXED64);
const LR_SEVERITY_NUMBER = tag(2, VARINT);
const LR_SEVERITY_TEXT = tag(3, LEN);
const LR_BODY = tag(5, LEN);
const LR_ATTRIBUTE = tag(6, LEN);
const LR_OBSERVED_TIME = tag(11, FIXED64);
const LR_EVENT_NAME = tag(12, LEN);
const LR_TAGS = [LR_TIME, LR_SEVERITY_NUMBER, LR_SEVERITY_TEXT, LR_BODY, LR_ATTRIBUTE, LR_OBSERVED_TIME, LR_EVENT_NAME];
/** ScopeLogs.log_records: the field each entry of a protobuf run is. */
const LOG_RECORDS = tag(2, LEN);

function protoLogRecord(r: ProtoReader): JsonRecord {
  let time: bigint | undefined;
  let observed = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AttributeValue | undefined;
  const attributes: Attributes = {};
  let eventName = '';
  while (r.more) {
    const t = r.uint();
    if (!expectOrSkip(r, t, LR_TAGS)) continue;
    switch (t) {
      case LR_TIME:
        time = r.fixed64();
        break;
      case LR_SEVERITY_NUMBER:
        severityNumber = r.uint();
        break;
      case LR_SEVERITY_TEXT:
        severityText = r.string();
        break;
      case LR_BODY:
        body = protoAnyValue(r.message());
        break;
      case LR_ATTRIBUTE:
        protoKeyValue(r.message(), attributes);
        break;
      case LR_OBSERVED_TIME:
        observed = r.fixed64();
        break;
      case LR_EVENT_NAME:
        eventName = r.string();
        break;
    }
  }
  return {
    timestamp: time === undefined ? null : isoOfNanos(time),
    observedTimestamp: isoOfNanos(observed),
    severityNumber,
    severityText,
    eventName,
    body: bodyText(body),
    attributes,
  };
}

/** The body is a string in the JSONL shape; the encoders always send one. */
function bodyText(v: AttributeValue | undefined): string {
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes protobuf run bytes: ScopeLogs.log_records entries (tag, length,
 * LogRecord) one after the other. Other ScopeLogs fields are skipped.
 */
export function decodeRecordsProtobuf(bytes: Uint8Array): JsonRecord[] {
  const r = ProtoReader.of(asBuffer(bytes));
  const out: JsonRecord[] = [];
  while (r.more) {
    const t = r.uint();
    if (expectOrSkip(r, t, [LOG_RECORDS])) out.push(protoLogRecord(r.message()));
  }
  return out;
}

// ---- JSON ----

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field that, when present, must be of the type `check` accepts. */
function field<T>(o: Obj, name: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (!check(v)) bad(`${name} must be ${what}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
/** A 64-bit integer: a decimal string as OTLP/JSON writes it, or a number. */
const isIntegral = (v: unknown): v is string | number =>
  (typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v));
const isDouble = (v: unknown): v is string | number =>
  typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity';

function jsonAnyValue(v: unknown): AttributeValue | undefined {
  if (!isObject(v)) return bad('an AnyValue must be an object');
  const s = field(v, 'stringValue', isString, 'a string');
  if (s !== undefined) return s;
  const b = field(v, 'boolValue', isBoolean, 'a boolean');
  if (b !== undefined) return b;
  const i = field(v, 'intValue', isIntegral, 'an integer');
  if (i !== undefined) return int64Value(BigInt.asIntN(64, BigInt(i)));
  const d = field(v, 'doubleValue', isDouble, 'a number');
  if (d !== undefined) return Number(d);
  const a = field(v, 'arrayValue', isObject, 'an object');
  if (a !== undefined) return (field(a, 'values', isList, 'an array') ?? []).map((e) => arrayElement(jsonAnyValue(e)));
  return undefined;
}

function jsonTime(o: Obj, name: string): bigint | undefined {
  const v = field(o, name, isIntegral, 'an integer');
  return v === undefined ? undefined : BigInt.asUintN(64, BigInt(v));
}

function jsonLogRecord(v: unknown): JsonRecord {
  if (!isObject(v)) return bad('a LogRecord must be an object');
  const time = jsonTime(v, 'timeUnixNano');
  const attributes: Attributes = {};
  for (const kv of field(v, 'attributes', isList, 'an array') ?? []) {
    if (!isObject(kv)) bad('an attribute must be an object');
    const value = kv['value'] === undefined || kv['value'] === null ? undefined : jsonAnyValue(kv['value']);
    if (value !== undefined) setAttribute(attributes, field(kv, 'key', isString, 'a string') ?? '', value);
  }
  const body = v['body'] === undefined || v['body'] === null ? undefined : jsonAnyValue(v['body']);
  return {
    timestamp: time === undefined ? null : isoOfNanos(time),
    observedTimestamp: isoOfNanos(jsonTime(v, 'observedTimeUnixNano') ?? 0n),
    severityNumber: Number(field(v, 'severityNumber', isIntegral, 'an integer') ?? 0),
    severityText: field(v, 'severityText', isString, 'a string') ?? '',
    eventName: field(v, 'eventName', isString, 'a string') ?? '',
    body: bodyText(body),
    attributes,
  };
}

/** Decodes http/json run bytes: LogRecord objects, each followed by a comma. */
export function decodeRecordsJson(bytes: Uint8Array): JsonRecord[] {
  const text = asBuffer(bytes).toString('utf8').trimEnd();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(`[${text.endsWith(',') ? text.slice(0, -1) : text}]`);
  } catch (err) {
    throw new FtplogError('ERR_PARSE', `encoded log records: not LogRecord objects separated by commas (${(err as Error).message})`, { cause: err });
  }
  return (parsed as unknown[]).map(jsonLogRecord);
}

/** Decodes the bytes of encoded records (a run's, or a range of them) of either protocol. */
export function decodeRecords(protocol: OtlpEncoding, bytes: Uint8Array): JsonRecord[] {
  return protocol === 'http/protobuf' ? decodeRecordsProtobuf(bytes) : decodeRecordsJson(bytes);
}
