/**
 * Shared by the encoders: the OTLP value kind of an attribute, timestamps in
 * nanoseconds without BigInt, and a bounded cache of per-key facts.
 */
import { FtplogError } from '../errors.js';
import { toWords } from '../bytes.js';
import { ATTRIBUTE_TYPES, attributeType, type AttributeType } from '../schema.js';

export const KIND_SKIP = -1;
export const KIND_STRING = 0;
export const KIND_INT = 1;
export const KIND_DOUBLE = 2;
export const KIND_BOOL = 3;
export const KIND_ARRAY = 4;
export type ValueKind = -1 | 0 | 1 | 2 | 3 | 4;

/** int64 holds integers in [-2^63, 2^63). */
const INT64_LIMIT = 9223372036854775808;

/**
 * The attributes as the encoders walk them with for...in: `attributes`
 * itself when for...in lists only its own keys (a plain object, or one
 * without a prototype), otherwise a plain copy of its own enumerable
 * properties in their order. for...in also lists inherited enumerable keys,
 * which the OpenTelemetry SDK (Object.keys) and JSON.stringify leave out.
 */
export function ownAttributes<T extends object>(attributes: T): T {
  const proto = Object.getPrototypeOf(attributes) as unknown;
  if (proto === Object.prototype || proto === null) return attributes;
  // fromEntries defines the keys (an own `__proto__` stays a key).
  return Object.fromEntries(Object.entries(attributes)) as T;
}

function inferKind(value: unknown): ValueKind {
  switch (typeof value) {
    case 'string':
      return KIND_STRING;
    case 'number':
      return Number.isInteger(value) && value < INT64_LIMIT && value >= -INT64_LIMIT ? KIND_INT : KIND_DOUBLE;
    case 'boolean':
      return KIND_BOOL;
    case 'undefined':
      return KIND_SKIP;
    default:
      if (value === null) return KIND_SKIP;
      return Array.isArray(value) ? KIND_ARRAY : KIND_STRING;
  }
}

/**
 * The kind an attribute is sent as: its schema type when the JS value fits it
 * (an integer-valued `double` attribute stays a double), otherwise the kind of
 * the value itself, so a value of an unexpected type is sent unaltered rather
 * than coerced. Undefined and null values are skipped.
 */
export function valueKind(type: AttributeType, value: unknown): ValueKind {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return KIND_STRING;
      break;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value) && value < INT64_LIMIT && value >= -INT64_LIMIT) return KIND_INT;
      break;
    case 'double':
      if (typeof value === 'number') return KIND_DOUBLE;
      break;
    case 'bool':
      if (typeof value === 'boolean') return KIND_BOOL;
      break;
    case 'string[]':
      if (Array.isArray(value)) return KIND_ARRAY;
      break;
  }
  return inferKind(value);
}

/** Facts about one attribute key, computed once per key. */
export interface KeyInfo {
  /** The key's schema type; undefined when the key is not in the schema (the type then follows each value). */
  readonly fixed: AttributeType | undefined;
  /** Protobuf bytes of KeyValue.key: tag, length, UTF-8. */
  readonly proto: Uint8Array;
  /** The same bytes as little-endian 32-bit words, zero-padded, for copying four bytes at a time. */
  readonly protoWords: Uint32Array;
  /** JSON text up to the value: `{"key":"name","value":`. */
  readonly json: string;
}

/** Resource and record keys come from a small fixed set; the bound only guards against unbounded key sets. */
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyInfo>();

function makeKeyInfo(key: string): KeyInfo {
  const utf8 = Buffer.from(key, 'utf8');
  const len = utf8.length;
  let lenBytes = 1;
  for (let n = len; n >= 0x80; n = Math.floor(n / 128)) lenBytes++;
  const proto = new Uint8Array(1 + lenBytes + len);
  proto[0] = 0x0a;
  let p = 1;
  let n = len;
  while (n >= 0x80) {
    proto[p++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  proto[p++] = n;
  proto.set(utf8, p);
  const protoWords = toWords(proto);
  const fixed = Object.prototype.hasOwnProperty.call(ATTRIBUTE_TYPES, key) ? attributeType(key, undefined) : undefined;
  return { fixed, proto, protoWords, json: `{"key":${JSON.stringify(key)},"value":` };
}

export function keyInfo(key: string): KeyInfo {
  let info = keyCache.get(key);
  if (info === undefined) {
    info = makeKeyInfo(key);
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, info);
  }
  return info;
}

/** Kind of `value` under `key`, as attributeType() decides it. */
export function kindOf(info: KeyInfo, key: string, value: unknown): ValueKind {
  return valueKind(info.fixed ?? attributeType(key, value), value);
}

/** Largest epoch-ms time whose nanoseconds fit in an unsigned 64-bit integer (year 2554). */
export const MAX_TIMESTAMP_MS = 18446744073709;

/** Epoch ms split in whole ms and the rounded sub-ms nanoseconds; throws on a time OTLP cannot carry. */
function splitMs(ms: number, field: string): [whole: number, fracNs: number] {
  if (!(ms >= 0 && ms <= MAX_TIMESTAMP_MS)) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `${field} must be epoch milliseconds from 0 to ${MAX_TIMESTAMP_MS} (got ${String(ms)})`);
  }
  let whole = Math.floor(ms);
  let frac = Math.round((ms - whole) * 1e6);
  if (frac === 1e6) {
    whole += 1;
    frac = 0;
  }
  return [whole, frac];
}

/**
 * Epoch ms as the two 32-bit halves of the nanoseconds, exactly. ms * 1e6
 * exceeds 2^53, so the product is formed from the halves of ms: each partial
 * product stays below 2^53.
 */
export function msToNanoHalves(ms: number, field = 'timestamp'): [lo: number, hi: number] {
  const [whole, frac] = splitMs(ms, field);
  const msHi = Math.floor(whole / 4294967296);
  const msLo = whole - msHi * 4294967296;
  const low = msLo * 1e6 + frac; // < 2^52
  const carry = Math.floor(low / 4294967296);
  return [low >>> 0, (msHi * 1e6 + carry) >>> 0];
}

/** Epoch ms as the decimal nanoseconds string OTLP/JSON uses for fixed64. */
export function msToNanoString(ms: number, field = 'timestamp'): string {
  const [whole, frac] = splitMs(ms, field);
  if (whole === 0) return String(frac);
  return frac === 0 ? `${whole}000000` : `${whole}${String(frac).padStart(6, '0')}`;
}
