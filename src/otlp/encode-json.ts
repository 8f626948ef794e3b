/**
 * LogsBatch → OTLP/JSON `ExportLogsServiceRequest` text.
 *
 * Follows the OTLP/JSON mapping: lowerCamelCase field names, 64-bit integers
 * (time_unix_nano, int_value) as decimal strings, enums (severity_number) as
 * integers, non-finite doubles as "NaN", "Infinity", "-Infinity". Default
 * values are left out as in the protobuf encoding; the body is always present.
 */
import type { Attributes, FtpLogRecord } from '../model.js';
import { FtplogError } from '../errors.js';
import type { LogsBatch } from './types.js';
import { KIND_BOOL, KIND_DOUBLE, KIND_INT, KIND_SKIP, KIND_STRING, keyInfo, kindOf, msToNanoString, ownAttributes } from './values.js';

function jsonDouble(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function anyValueJson(kind: number, value: unknown): string {
  switch (kind) {
    case KIND_STRING:
      return `{"stringValue":${JSON.stringify(typeof value === 'string' ? value : String(value))}}`;
    case KIND_INT:
      // Beyond 2^53 String() gives the shortest round-trip form, not the exact integer the protobuf encoding sends.
      return `{"intValue":"${Number.isSafeInteger(value) ? String(value) : BigInt(value as number).toString()}"}`;
    case KIND_DOUBLE:
      return `{"doubleValue":${jsonDouble(value as number)}}`;
    case KIND_BOOL:
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    default: {
      const items = value as readonly unknown[];
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (i > 0) out += ',';
        out += `{"stringValue":${JSON.stringify(typeof item === 'string' ? item : String(item))}}`;
      }
      return out + ']}}';
    }
  }
}

function attributesJson(attributesIn: Attributes): string {
  const attributes = ownAttributes(attributesIn);
  let out = '[';
  let first = true;
  for (const key in attributes) {
    const value = attributes[key];
    const info = keyInfo(key);
    const kind = kindOf(info, key, value);
    if (kind === KIND_SKIP) continue;
    if (!first) out += ',';
    first = false;
    out += info.json + anyValueJson(kind, value) + '}';
  }
  return out + ']';
}

function recordJson(r: FtpLogRecord): string {
  let out = '{';
  if (r.timestamp !== undefined) out += `"timeUnixNano":"${msToNanoString(r.timestamp, 'timestamp')}",`;
  out += `"observedTimeUnixNano":"${msToNanoString(r.observedTimestamp, 'observedTimestamp')}"`;
  const severity = r.severityNumber;
  if (!Number.isInteger(severity) || severity < 0 || severity > 0x7fffffff) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `severityNumber must be a non-negative integer (got ${String(severity)})`);
  }
  if (severity !== 0) out += `,"severityNumber":${severity}`;
  if (r.severityText) out += `,"severityText":${JSON.stringify(r.severityText)}`;
  out += `,"body":{"stringValue":${JSON.stringify(typeof r.body === 'string' ? r.body : String(r.body))}}`;
  const attributes = attributesJson(r.attributes);
  if (attributes !== '[]') out += `,"attributes":${attributes}`;
  if (r.eventName) out += `,"eventName":${JSON.stringify(r.eventName)}`;
  return out + '}';
}

/**
 * Encodes a batch as OTLP/JSON (one ResourceLogs, one ScopeLogs). Attribute
 * value types follow src/schema.ts. Throws ERR_INVALID_ARGUMENT for a time
 * OTLP cannot carry or a severity number that is not a non-negative integer.
 */
export function encodeLogsJson(batch: LogsBatch): string {
  const { records, resource, scope } = batch;
  // Each record's text is flattened as soon as it is built (charCodeAt does
  // that): a batch-wide rope of small strings lives long enough to be promoted
  // by the garbage collector, which tripled the cost.
  const parts = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) {
    const text = recordJson(records[i]!);
    text.charCodeAt(0);
    parts[i] = text;
  }
  return envelopeHead(resource, scope) + parts.join(',') + ENVELOPE_TAIL;
}

const ENVELOPE_TAIL = ']}]}]}';

function envelopeHead(resource: Attributes, scope: { name: string; version?: string }): string {
  let scopeJson = '{';
  if (scope.name) scopeJson += `"name":${JSON.stringify(scope.name)}`;
  if (scope.version) scopeJson += `${scope.name ? ',' : ''}"version":${JSON.stringify(scope.version)}`;
  scopeJson += '}';
  return `{"resourceLogs":[{"resource":{"attributes":${attributesJson(resource)}},"scopeLogs":[{"scope":${scopeJson},"logRecords":[`;
}

/**
 * One record as an OTLP/JSON LogRecord object followed by a comma: the form
 * records take when encoded ahead of their request (see
 * encodeLogsJsonEnvelope()).
 */
export function encodeLogRecordEntryJson(r: FtpLogRecord): string {
  return recordJson(r) + ',';
}

/**
 * An OTLP/JSON request around records already encoded by
 * encodeLogRecordEntryJson() (concatenated in `parts`, at least one record):
 * the same text encodeLogsJson() gives for those records, as UTF-8.
 */
export function encodeLogsJsonEnvelope(
  resource: Attributes,
  scope: { name: string; version?: string },
  parts: readonly Uint8Array[],
  recordsBytes: number,
): Buffer {
  return Buffer.concat(encodeLogsJsonEnvelopeParts(resource, scope, parts, recordsBytes));
}

/**
 * encodeLogsJsonEnvelope() as the list of its pieces, for a writer that
 * sends them one after the other without joining them: the head, the parts
 * (the last one without its trailing comma) and the tail.
 */
export function encodeLogsJsonEnvelopeParts(
  resource: Attributes,
  scope: { name: string; version?: string },
  parts: readonly Uint8Array[],
  recordsBytes: number,
): Uint8Array[] {
  if (recordsBytes < 1 || parts.length === 0) throw new FtplogError('ERR_INVALID_ARGUMENT', 'an OTLP/JSON request needs at least one record');
  const out: Uint8Array[] = [Buffer.from(envelopeHead(resource, scope), 'utf8')];
  for (let i = 0; i < parts.length - 1; i++) out.push(parts[i]!);
  const last = parts[parts.length - 1]!;
  out.push(last.subarray(0, last.length - 1), TAIL_BYTES);
  return out;
}

const TAIL_BYTES = Buffer.from(ENVELOPE_TAIL, 'latin1');
