/**
 * The report of `ftplog-otel stats` as text for a terminal: sections of
 * fixed-width columns, names from the logs escaped (escapeControls) and cut
 * to their column, so a log line can neither drive the terminal nor push
 * the columns apart. Times are UTC. Pure.
 */
import { escapeControls } from '../records/pretty.js';
import type { ListBounds, StatsReport, TopList } from './report.js';
import type { Totals } from './buckets.js';

/** Width of a name column (user, host, error type, operation, reason). */
export const NAME_WIDTH = 32;
const NUMBER_WIDTH = 10;
/** The last column (an error's meaning) is cut to this. */
const MEANING_WIDTH = 60;

const count = (n: number): string => n.toLocaleString('en-US');

/** 1,023 B, 1.0 KiB, 24.0 MiB … (binary units, one decimal). */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (n < 1024) return `${count(n)} B`;
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** `text` escaped and cut to `width` characters, the cut marked with …. */
export function cell(text: string, width: number): string {
  const shown = [...escapeControls(text)];
  return shown.length <= width ? shown.join('') : shown.slice(0, width - 1).join('') + '…';
}

interface Column {
  readonly title: string;
  readonly width: number;
  /** Numbers are right-aligned; text left-aligned and cut. */
  readonly number?: boolean;
}

function row(columns: readonly Column[], values: readonly string[]): string {
  const cells = columns.map((c, i) => {
    const v = values[i] ?? '';
    if (c.number === true) return v.padStart(c.width);
    const last = i === columns.length - 1;
    const t = cell(v, c.width);
    return last ? t : t.padEnd(c.width);
  });
  return ('  ' + cells.join('  ')).trimEnd();
}

function section(title: string, columns: readonly Column[], rows: readonly (readonly string[])[], notes: readonly string[] = []): string[] {
  const head = row(
    columns,
    columns.map((c) => c.title),
  );
  if (rows.length === 0) return [title, ...notes.map((n) => `  ${n}`), '  (none)'];
  return [title, ...notes.map((n) => `  ${n}`), head, ...rows.map((r) => row(columns, r))];
}

/** What an approximate list says of its counts; nothing for an exact one. */
function approximation(b: ListBounds, what: string, unit: (n: number) => string): string[] {
  if (b.exact) return [];
  return [`approximate (more ${what} than the ${count(b.capacity)} tracked): a count may be up to ${unit(b.maxError)} over, and one not listed has at most ${unit(b.maxError)}`];
}

function topSection(title: string, list: TopList, nameTitle: string, what: string, valueTitle: string, unit: (n: number) => string): string[] {
  const columns: Column[] = [{ title: nameTitle, width: NAME_WIDTH }, { title: valueTitle, width: NUMBER_WIDTH, number: true }];
  if (!list.exact) columns.push({ title: 'over by ≤', width: NUMBER_WIDTH, number: true });
  const rows = list.top.map((e) => [e.name, unit(e.count), ...(list.exact ? [] : [unit(e.error)])]);
  return section(title, columns, rows, approximation(list, what, unit));
}

function totalsRow(label: string, t: Totals): string[] {
  return [label, count(t.records), count(t.failures), formatBytes(t.bytes)];
}

const TOTALS_COLUMNS: readonly Column[] = [
  { title: 'records', width: NUMBER_WIDTH, number: true },
  { title: 'failures', width: NUMBER_WIDTH, number: true },
  { title: 'bytes', width: NUMBER_WIDTH, number: true },
];

function meaning(e: StatsReport['errors']['top'][number]): string {
  const source = [e.kind, e.code].filter((x) => x !== undefined).join(' ');
  const name = e.name !== undefined && e.name !== e.errorType ? e.name : undefined;
  const text = [name, e.description].filter((x) => x !== undefined).join(': ');
  return [source, text].filter((x) => x !== '').join(' · ');
}

function headline(r: StatsReport): string[] {
  const i = r.input;
  const span = r.first !== null && r.last !== null ? [`from ${r.first.replace('T', ' ').replace('.000Z', 'Z')} to ${r.last.replace('T', ' ').replace('.000Z', 'Z')}`] : [];
  const untimed = r.untimed > 0 ? [`${count(r.untimed)} records without a time are in no day or hour`] : [];
  return [
    ...(r.interrupted ? ['interrupted: the report is of what was read before the signal'] : []),
    `${count(i.inputs)} input(s), ${count(i.lines)} lines, ${count(r.records)} records, ${count(r.failures)} failures, ${count(r.parseErrors.count)} parse errors, ${formatBytes(r.bytes)} transferred`,
    ...span,
    ...untimed,
  ];
}

function dayRows(r: StatsReport): string[][] {
  const rows = r.days.rows.map((d) => totalsRow(d.day, d));
  if (r.days.earlier.records > 0) rows.unshift(totalsRow('earlier', r.days.earlier));
  return rows;
}

/** The report as lines of text, each ending in a line break. */
export function reportTable(r: StatsReport): string {
  const ops: Column[] = [
    { title: 'operation', width: NAME_WIDTH },
    { title: 'records', width: NUMBER_WIDTH, number: true },
    { title: 'success', width: NUMBER_WIDTH, number: true },
    { title: 'failure', width: NUMBER_WIDTH, number: true },
    { title: 'unknown', width: NUMBER_WIDTH, number: true },
  ];
  const errors: Column[] = [
    { title: 'error type', width: NAME_WIDTH },
    { title: 'count', width: NUMBER_WIDTH, number: true },
    ...(r.errors.exact ? [] : [{ title: 'over by ≤', width: NUMBER_WIDTH, number: true }]),
    { title: 'meaning', width: MEANING_WIDTH },
  ];
  const reasons: Column[] = [
    { title: 'reason', width: NAME_WIDTH * 2 },
    { title: 'count', width: NUMBER_WIDTH, number: true },
  ];
  const earlierHours = r.busiestHours.earlier.records > 0 ? [`hours before the ${count(r.busiestHours.limit)} most recent with records are not ranked (${count(r.busiestHours.earlier.records)} records)`] : [];
  const earlierDays = r.days.earlier.records > 0 ? [`days before the ${count(r.days.limit)} most recent with records are added up as "earlier"`] : [];
  const blocks: string[][] = [
    headline(r),
    section('Records by operation and outcome', ops, r.operations.map((o) => [o.operation, count(o.records), count(o.success), count(o.failure), count(o.unknown)])),
    section(
      `Top errors (of ${count(r.failures)} failures)`,
      errors,
      r.errors.top.map((e) => [e.errorType, count(e.count), ...(r.errors.exact ? [] : [count(e.error)]), meaning(e)]),
      approximation(r.errors, 'error kinds', count),
    ),
    topSection('Users by failures', r.users.byFailures, 'user', 'users', 'failures', count),
    topSection('Hosts by failures', r.hosts.byFailures, 'host', 'hosts', 'failures', count),
    topSection('Users by bytes', r.users.byBytes, 'user', 'users', 'bytes', formatBytes),
    topSection('Hosts by bytes', r.hosts.byBytes, 'host', 'hosts', 'bytes', formatBytes),
    section('Bytes per day (UTC)', [{ title: 'day', width: 10 }, ...TOTALS_COLUMNS], dayRows(r), earlierDays),
    section('Busiest hours (UTC)', [{ title: 'hour', width: 17 }, ...TOTALS_COLUMNS], r.busiestHours.rows.map((h) => totalsRow(h.hour.replace('T', ' '), h)), earlierHours),
    section(
      `Parse errors: ${count(r.parseErrors.count)}`,
      reasons,
      r.parseErrors.top.map((p) => [p.reason, count(p.count)]),
      approximation(r.parseErrors, 'reasons', count),
    ),
  ];
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}
