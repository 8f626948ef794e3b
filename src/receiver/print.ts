/**
 * Text for `ftplog-otel receive`: the detailed layout of the collector's debug
 * exporter, one JSON line per record, and the one-line request and rate
 * summaries. Pure.
 */
import type { AnyValueKind, ReceivedLogRecord, ReceivedRequest } from './types.js';

const SEVERITY_NAMES = ['Unspecified', 'Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'];

/** `Info(9)`, `Warn2(14)`, `Unspecified(0)`, as the collector prints severity numbers. */
export function formatSeverityNumber(n: number): string {
  if (n === 0) return 'Unspecified(0)';
  if (!Number.isInteger(n) || n < 1 || n > 24) return `SeverityNumber(${n})`;
  const base = SEVERITY_NAMES[Math.floor((n - 1) / 4) + 1]!;
  const step = ((n - 1) % 4) + 1;
  return `${base}${step === 1 ? '' : step}(${n})`;
}

/** Nanoseconds since the epoch as Go prints a UTC time: `2024-05-06 12:34:56.123 +0000 UTC`. */
export function formatNanos(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const d = new Date(Number(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return `${ns} ns`;
  const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
  let text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (frac !== 0n) text += '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  return text + ' +0000 UTC';
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** A value with its kind, as the collector prints it: `Str(x)`, `Int(5)`, `Double(1.5)`, `Bool(true)`, `Slice([...])`. */
export function formatValue(value: unknown, kind: AnyValueKind | undefined): string {
  switch (kind) {
    case 'string':
      return `Str(${String(value)})`;
    case 'int':
      return `Int(${String(value)})`;
    case 'double':
      return `Double(${String(value)})`;
    case 'bool':
      return `Bool(${String(value)})`;
    case 'array':
      return `Slice(${JSON.stringify(plain(value))})`;
    case 'kvlist':
      return `Map(${JSON.stringify(plain(value))})`;
    case 'bytes':
      return `Bytes(${plain(value) as string})`;
    default:
      return 'Empty()';
  }
}

function attributeLines(values: Record<string, unknown>, kinds: Record<string, AnyValueKind>): string[] {
  return Object.keys(values).map((k) => `     -> ${k}: ${formatValue(values[k], kinds[k])}`);
}

/** One LogRecord block of the debug exporter's detailed output. */
export function formatRecord(r: ReceivedLogRecord, index: number): string {
  const lines = [
    `LogRecord #${index}`,
    `ObservedTimestamp: ${formatNanos(r.observedTimeUnixNano)}`,
    `Timestamp: ${formatNanos(r.timeUnixNano)}`,
    `SeverityText: ${r.severityText}`,
    `SeverityNumber: ${formatSeverityNumber(r.severityNumber)}`,
    `EventName: ${r.eventName}`,
    `Body: ${formatValue(r.body, r.bodyKind)}`,
  ];
  const attributes = attributeLines(r.attributes, r.attributeKinds);
  if (attributes.length > 0) lines.push('Attributes:', ...attributes);
  lines.push(`Trace ID: ${r.traceId}`, `Span ID: ${r.spanId}`, `Flags: ${r.flags}`);
  return lines.join('\n');
}

/**
 * The records of one request in the debug exporter's detailed layout:
 * ResourceLog, ScopeLogs and LogRecord blocks. Records of one ResourceLogs
 * share their resource object and those of one ScopeLogs their scope object,
 * which is how the blocks are told apart.
 */
export function formatRecords(records: readonly ReceivedLogRecord[]): string {
  const lines: string[] = [];
  let resource: object | undefined;
  let scope: object | undefined;
  let resourceIndex = -1;
  let scopeIndex = -1;
  let recordIndex = 0;
  for (const r of records) {
    if (r.resource !== resource) {
      resource = r.resource;
      scope = undefined;
      scopeIndex = -1;
      lines.push(`ResourceLog #${++resourceIndex}`);
      const attributes = attributeLines(r.resource, r.resourceKinds);
      if (attributes.length > 0) lines.push('Resource attributes:', ...attributes);
    }
    if (r.scope !== scope) {
      scope = r.scope;
      recordIndex = 0;
      lines.push(`ScopeLogs #${++scopeIndex}`, `InstrumentationScope ${r.scope.name} ${r.scope.version}`.trimEnd());
    }
    lines.push(formatRecord(r, recordIndex++));
  }
  return lines.join('\n');
}

/** A record as one JSON object: 64-bit values as decimal strings, bytes as base64. */
export function recordToJson(r: ReceivedLogRecord): string {
  const { resource, resourceKinds, scope, attributes, attributeKinds, body, bodyKind, ...rest } = r;
  return JSON.stringify({
    ...plain(rest) as Record<string, unknown>,
    body: plain(body),
    bodyKind,
    attributes: plain(attributes),
    attributeKinds,
    resource: plain(resource),
    resourceKinds,
    scope,
  });
}

/** `#3 POST /v1/logs application/x-protobuf gzip 1234 B → 200, 10 log records`. */
export function formatRequest(q: ReceivedRequest): string {
  const status = q.status === undefined ? 'dropped' : String(q.status);
  const encoding = q.contentEncoding === 'identity' ? '' : ` ${q.contentEncoding}`;
  const type = q.contentType === '' ? '(no content type)' : q.contentType;
  const error = q.error === undefined ? '' : `: ${q.error}`;
  return `#${q.index} ${q.method} ${q.path} ${type}${encoding} ${q.bytes} B → ${status}, ${q.recordCount} log records${error}`;
}

/** One line of the quiet mode: what arrived during the last interval. */
export function formatRate(at: Date, records: number, requests: number, totalRecords: number, intervalMs: number): string {
  const perSecond = Math.round((records * 1000) / intervalMs);
  return `${at.toISOString()} ${perSecond} log records/s (${requests} requests), ${totalRecords} in total`;
}
