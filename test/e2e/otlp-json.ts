/**
 * What the Collector must write for a record that `ftplog-otel parse`
 * printed: the record in OTLP JSON as the Collector's pdata marshals it
 * (times as decimal strings, int64 as strings, omitted zero fields), with each
 * attribute in the OTLP value type the documented schema gives it. Compared
 * as canonical text, so that a whole run compares as two sorted lists.
 */
import { hostname } from 'node:os';
import type { AttributeValue } from '../../src/model.js';
import { attributeType } from '../../src/schema.js';
import type { JsonRecord } from '../../src/jsonl/record-json.js';
import type { ExportedRecord, OtlpJsonKeyValue } from './collector.js';

export function otlpJsonValue(name: string, v: AttributeValue): Record<string, unknown> {
  switch (attributeType(name, v)) {
    case 'string':
      return { stringValue: v };
    case 'int':
      return { intValue: String(v) };
    case 'double':
      return { doubleValue: v };
    case 'bool':
      return { boolValue: v };
    case 'string[]':
      return { arrayValue: { values: (v as string[]).map((s) => ({ stringValue: s })) } };
  }
}

const SERVICE_BY_FORMAT: Record<string, string> = { 'eft.client': 'eft-server', 'ncftpd.xfer': 'ncftpd' };

const nanos = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString();

/**
 * The Collector's record as `parse` predicts it; without observedTimeUnixNano
 * unless `observed` (two runs never share it; records shipped from parse's own
 * JSONL do).
 */
export function expectedRecord(r: JsonRecord, observed = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.timestamp !== null) out['timeUnixNano'] = nanos(r.timestamp);
  if (observed) out['observedTimeUnixNano'] = nanos(r.observedTimestamp);
  out['severityNumber'] = r.severityNumber;
  out['severityText'] = r.severityText;
  out['body'] = { stringValue: r.body };
  out['attributes'] = Object.entries(r.attributes).map(([key, v]) => ({ key, value: otlpJsonValue(key, v) }));
  out['eventName'] = r.eventName;
  return out;
}

/** Resource attributes ship sends for a record of `parse`: service.name by format, host.name, then OTEL_RESOURCE_ATTRIBUTES. */
export function expectedResource(r: JsonRecord, extra: Record<string, string>): OtlpJsonKeyValue[] {
  const service = SERVICE_BY_FORMAT[String(r.attributes['ftp.log.format'])];
  if (service === undefined) throw new Error(`record without a known ftp.log.format: ${JSON.stringify(r)}`);
  return [
    { key: 'service.name', value: { stringValue: service } },
    { key: 'host.name', value: { stringValue: hostname() } },
    ...Object.entries(extra).map(([key, v]) => ({ key, value: { stringValue: v } })),
  ];
}

/** JSON with object keys sorted at every level (arrays keep their order): equal data, equal text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** One arrived record as canonical text, observedTimeUnixNano left out unless `observed`. */
export function canonicalExported(e: ExportedRecord, observed = false): string {
  const { observedTimeUnixNano, ...rest } = e.record;
  const record = observed ? { ...rest, observedTimeUnixNano } : rest;
  return canonical({ resource: e.resource, scope: e.scope, record });
}

export function canonicalExpected(r: JsonRecord, resourceExtra: Record<string, string>, scope: Record<string, unknown>, observed = false): string {
  return canonical({ resource: expectedResource(r, resourceExtra), scope, record: expectedRecord(r, observed) });
}

/** For each attribute name seen, the OTLP value kinds it arrived as (stringValue, intValue, ...), sorted. */
export function kindsByAttribute(records: readonly ExportedRecord[]): Record<string, string> {
  const kinds = new Map<string, Set<string>>();
  for (const e of records) {
    for (const a of (e.record['attributes'] as OtlpJsonKeyValue[] | undefined) ?? []) {
      let set = kinds.get(a.key);
      if (set === undefined) kinds.set(a.key, (set = new Set()));
      for (const k of Object.keys(a.value)) set.add(k);
    }
  }
  return Object.fromEntries([...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, set]) => [key, [...set].sort().join('|')]));
}
