/**
 * The JSONL record shape: one object per record with ISO-8601 UTC times.
 * Pure mapping both ways, so records can be chained between processes.
 */
import type { AttributeValue, Attributes, FtpLogRecord, SeverityText } from '../model.js';
import { SeverityNumber } from '../model.js';

export interface JsonRecord {
  /** ISO-8601 UTC with milliseconds; null when the line had no usable time (parse errors). */
  timestamp: string | null;
  observedTimestamp: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: string;
  attributes: Attributes;
}

export function toJsonRecord(r: FtpLogRecord): JsonRecord {
  return {
    timestamp: r.timestamp === undefined ? null : new Date(r.timestamp).toISOString(),
    observedTimestamp: new Date(r.observedTimestamp).toISOString(),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    eventName: r.eventName,
    body: r.body,
    attributes: r.attributes,
  };
}

/**
 * One record as a JSON line (with its LF). The definition of the JSONL
 * record text: JsonLineWriter (json-bytes.ts) writes the same bytes faster,
 * and falls back to this for records whose fields are not of the usual types.
 */
export function recordToJsonLine(r: FtpLogRecord): string {
  return JSON.stringify(toJsonRecord(r)) + '\n';
}

function isAttributeValue(v: unknown): v is AttributeValue {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isoToMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Reads a record back from its JSON object; returns a reason string when the shape is wrong. */
export function fromJsonRecord(v: unknown): FtpLogRecord | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  const observed = isoToMs(o['observedTimestamp']);
  if (observed === undefined) return 'missing or invalid "observedTimestamp"';
  let timestamp: number | undefined;
  if (o['timestamp'] !== null && o['timestamp'] !== undefined) {
    timestamp = isoToMs(o['timestamp']);
    if (timestamp === undefined) return 'invalid "timestamp"';
  }
  const sevText = o['severityText'];
  if (sevText !== 'INFO' && sevText !== 'WARN' && sevText !== 'ERROR') return 'invalid "severityText"';
  const sevNum = o['severityNumber'];
  if (typeof sevNum !== 'number' || !Number.isInteger(sevNum) || sevNum < 1 || sevNum > 24) return 'invalid "severityNumber"';
  if (typeof o['eventName'] !== 'string') return 'missing "eventName"';
  if (typeof o['body'] !== 'string') return 'missing "body"';
  const attrsIn = o['attributes'];
  if (attrsIn === null || typeof attrsIn !== 'object' || Array.isArray(attrsIn)) return 'missing "attributes"';
  const attributes: Attributes = {};
  for (const [k, val] of Object.entries(attrsIn as Record<string, unknown>)) {
    if (!isAttributeValue(val)) return `invalid value for attribute "${k}"`;
    attributes[k] = val;
  }
  return {
    timestamp,
    observedTimestamp: observed,
    severityNumber: sevNum,
    severityText: sevText as SeverityText,
    eventName: o['eventName'] as string,
    body: o['body'] as string,
    attributes,
  };
}

/**
 * The record a JSON line holds: the line itself for a record written by
 * `parse`, or its `record` for a dead-letter line (`{time, reason, …,
 * record}`), so that dead letters can be sent again as they are.
 */
export function recordOfLine(v: unknown): { value: unknown; deadLetter: boolean } {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const inner = o['record'];
    if (typeof o['reason'] === 'string' && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) return { value: inner, deadLetter: true };
  }
  return { value: v, deadLetter: false };
}

export { SeverityNumber };
