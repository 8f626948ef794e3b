/**
 * The report of `ftplog-otel stats` as data: what `--json` prints, and what
 * the table (table.ts) shows. The shape is documented in docs/stats.md and
 * versioned by `version`; a field is only ever added to it. Pure.
 */
import type { Totals } from './buckets.js';
import type { SpaceSaving } from './heavy-hitters.js';
import { type ErrorMeaning, type ReportAggregator } from './aggregate.js';

export const REPORT_VERSION = 1;

/** How far a top list can be trusted. */
export interface ListBounds {
  /** Keys the tracker holds at most. */
  capacity: number;
  /** Keys it holds now. */
  tracked: number;
  /** Sum of what was counted (failures, or bytes). */
  total: number;
  /** No key was ever let go of: every count is the true one. */
  exact: boolean;
  /** The most a count may be above the true one, and the most a key not listed may have (0 when exact). */
  maxError: number;
}

export interface TopEntry {
  name: string;
  /** At least the true count, and at most `error` above it. */
  count: number;
  error: number;
}

export interface TopList extends ListBounds {
  top: TopEntry[];
}

export interface ErrorEntry extends ErrorMeaning {
  count: number;
  error: number;
}

export interface DayRow extends Totals {
  /** YYYY-MM-DD, UTC. */
  day: string;
}

export interface HourRow extends Totals {
  /** YYYY-MM-DDTHH:00Z. */
  hour: string;
}

export interface OperationRow {
  operation: string;
  records: number;
  success: number;
  failure: number;
  unknown: number;
}

/** What was read, as the reader counted it. */
export interface InputCounts {
  inputs: number;
  lines: number;
  skippedHeader: number;
  skippedBlank: number;
  /** Lines longer than --max-line-bytes (parse errors with their first bytes). */
  truncated: number;
  /** Lines of files left out as not FTP server logs. */
  unrecognised: number;
  /** Lines whose bytes are not valid UTF-8. */
  invalidUtf8: number;
}

export interface StatsReport {
  version: number;
  /** The run was stopped (SIGINT, SIGTERM) before it had read every input: the report is of what it read. */
  interrupted: boolean;
  /** Days and hours are of this zone. */
  timeZone: 'UTC';
  input: InputCounts;
  /** Every record, parse errors included. */
  records: number;
  failures: number;
  /** ftp.transfer.bytes of every record (NcFTPd transfers; EFT client logs carry no sizes). */
  bytes: number;
  /** Records without a time, in no day or hour (parse errors aside). */
  untimed: number;
  /** Earliest and latest record time, ISO 8601 UTC; null without any. */
  first: string | null;
  last: string | null;
  operations: OperationRow[];
  errors: ListBounds & { top: ErrorEntry[] };
  users: { byFailures: TopList; byBytes: TopList };
  hosts: { byFailures: TopList; byBytes: TopList };
  days: { limit: number; rows: DayRow[]; earlier: Totals };
  busiestHours: { limit: number; rows: HourRow[]; earlier: Totals };
  parseErrors: ListBounds & { count: number; top: { reason: string; count: number; error: number }[] };
}

function bounds(t: SpaceSaving<unknown>): ListBounds {
  return { capacity: t.capacity, tracked: t.size, total: t.total, exact: t.evictions === 0, maxError: t.floor() };
}

function topList(t: SpaceSaving<undefined>, n: number): TopList {
  return { ...bounds(t), top: t.top(n).map((e) => ({ name: e.key, count: e.count, error: e.error })) };
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The report of what `agg` has added up, with `top` rows per list. */
export function buildReport(agg: ReportAggregator, input: InputCounts, top: number, interrupted = false): StatsReport {
  const operations = [...agg.operations.entries()]
    .map(([operation, c]) => ({ operation, records: c.success + c.failure + c.unknown, ...c }))
    .sort((a, b) => b.records - a.records || (a.operation < b.operation ? -1 : 1));
  const days = agg.days.entries().map(([d, t]) => ({ day: new Date(d * 86_400_000).toISOString().slice(0, 10), ...t }));
  const hours = agg.hours
    .entries()
    .sort((a, b) => b[1].records - a[1].records || a[0] - b[0])
    .slice(0, top)
    .map(([h, t]) => ({ hour: `${new Date(h * 3_600_000).toISOString().slice(0, 13)}:00Z`, ...t }));
  return {
    version: REPORT_VERSION,
    interrupted,
    timeZone: 'UTC',
    input,
    records: agg.records,
    failures: agg.failures,
    bytes: agg.bytes,
    untimed: agg.untimed,
    first: iso(agg.first),
    last: iso(agg.last),
    operations,
    errors: { ...bounds(agg.errors), top: agg.errors.top(top).map((e) => ({ ...e.detail, count: e.count, error: e.error })) },
    users: { byFailures: topList(agg.usersByFailures, top), byBytes: topList(agg.usersByBytes, top) },
    hosts: { byFailures: topList(agg.hostsByFailures, top), byBytes: topList(agg.hostsByBytes, top) },
    days: { limit: agg.days.limit, rows: days, earlier: { ...agg.days.folded } },
    busiestHours: { limit: agg.hours.limit, rows: hours, earlier: { ...agg.hours.folded } },
    parseErrors: {
      count: agg.parseErrors,
      ...bounds(agg.parseErrorReasons),
      top: agg.parseErrorReasons.top(top).map((e) => ({ reason: e.key, count: e.count, error: e.error })),
    },
  };
}

/** Characters JSON.stringify leaves as they are that a terminal would act on (C1, bidirectional controls, line separators). */
const RAW_CONTROLS = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * The report as one JSON document (2-space indent, a final line break).
 * Characters a terminal would act on are written as \u escapes: the same
 * JSON value, safe to print.
 */
export function reportJson(report: StatsReport): string {
  return JSON.stringify(report, null, 2).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
