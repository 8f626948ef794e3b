/**
 * Golden cases of a pipeline: `NAME.test.yaml` beside `NAME.yaml`, each
 * case a few input lines read with one source's settings (or its own
 * format and time zone) and the records they must make, after the
 * pipeline's transforms:
 *
 *   tests:
 *     - name: a failed upload is an error
 *       source: 0                # which source's settings; default the first
 *       timezone: UTC            # optional, over the source's
 *       input: |
 *         2024-11-18 08:00:01; ftp; files.example.com; 21; payroll; C:\out\a.csv; /in/a.csv; upload; 550;
 *       expect:
 *         - event_name: ftp.upload
 *           severity: ERROR
 *           time: 2024-11-18T08:00:01Z
 *           attributes: { ftp.outcome: failure, ftp.status.code: 550 }
 *         - dropped: true        # the next record: dropped by a transform
 *
 * `attributes` is a subset: each listed attribute must have exactly that
 * value and type (a quoted "550" is not the number 550; ~ means not set).
 * Pure: the lines go through the same functions as a run, without streams.
 */
import { isDeepStrictEqual } from 'node:util';
import { Buffer } from 'node:buffer';
import type { FtpLogRecord } from '../model.js';
import { LineCutter, type LineEncoding } from '../split/line-cutter.js';
import { LineParser } from '../formats/line-parser.js';
import { createCountingEnricher } from '../enrich/enrich.js';
import { RecordsPipeline } from '../records/pipeline.js';
import { compileTransforms, type TransformResult } from '../records/transforms.js';
import { localTimeZone, validateTimeZone } from '../enrich/timezone.js';
import { INPUT_OPTIONS } from '../options/components.js';
import { optionByKey } from '../options/spec.js';
import type { FormatOption } from '../formats/detect.js';
import type { Pipeline } from './pipeline.js';
import { parseFile, ProblemList, sortProblems, type FileNode, type Problem } from './problems.js';
import { fileValue } from './values.js';

/** What one record must be. */
export type Expectation =
  | { readonly dropped: true }
  | { readonly eventName?: string; readonly severity?: string | number; readonly time?: string; readonly attributes?: Readonly<Record<string, unknown>> };

export interface GoldenCase {
  readonly name: string;
  readonly source: number;
  readonly format?: FormatOption;
  readonly timezone?: string;
  readonly input: string;
  readonly expect: readonly Expectation[];
}

export interface LoadedCases {
  readonly cases: GoldenCase[];
  readonly problems: Problem[];
}

const CASE_KEYS = ['name', 'source', 'format', 'timezone', 'input', 'expect'] as const;
const EXPECT_KEYS = ['event_name', 'severity', 'time', 'attributes', 'dropped'] as const;

/** The golden cases of a test file's text, checked against the pipeline (a case's source must exist). */
export function loadCases(text: string, pipeline: Pipeline): LoadedCases {
  const { doc, list } = parseFile(text);
  if (doc.errors.length > 0) return { cases: [], problems: sortProblems(list.problems) };
  const top = list.mapping(doc.contents as FileNode, '', ['tests'], 'a test file');
  const tests = top?.get('tests');
  if (top !== undefined && tests === undefined) list.error(doc.contents as FileNode, 'tests', 'tests is required: a list of cases');
  const items = tests === undefined ? [] : (list.sequence(tests.value, 'tests', 'tests', tests.key) ?? []);
  const cases: GoldenCase[] = [];
  items.forEach((item, i) => {
    const c = readCase(list, item, `tests[${i}]`, pipeline);
    if (c !== undefined) cases.push(c);
  });
  return { cases: list.failed ? [] : cases, problems: sortProblems(list.problems) };
}

function readCase(list: ProblemList, item: FileNode, at: string, pipeline: Pipeline): GoldenCase | undefined {
  const m = list.mapping(item, at, CASE_KEYS, at);
  if (m === undefined) return undefined;
  const text = (key: string, required: boolean): string | undefined => {
    const e = m.get(key);
    if (e === undefined) {
      if (required) list.error(item, `${at}.${key}`, `${at}: ${key} is required`);
      return undefined;
    }
    const v = list.value(e.value);
    if (typeof v !== 'string' || v === '') {
      list.error(e.value, `${at}.${key}`, `${key} must be ${key === 'input' ? 'the input lines, e.g. input: |' : 'a non-empty string'}`, e.key);
      return undefined;
    }
    return v;
  };
  const name = text('name', true);
  const input = text('input', true);
  const source = m.get('source') === undefined ? 0 : list.value(m.get('source')!.value);
  if (typeof source !== 'number' || !Number.isInteger(source) || source < 0 || source >= pipeline.sources.length) {
    list.error(m.get('source')?.value, `${at}.source`, `source must be the index of one of the pipeline's ${pipeline.sources.length} sources, from 0 (got ${JSON.stringify(source)})`, m.get('source')?.key);
  }
  const setting = (key: 'format' | 'timezone'): string | undefined => {
    const e = m.get(key);
    if (e === undefined) return undefined;
    const r = fileValue(key, optionByKey(INPUT_OPTIONS, key), list.value(e.value));
    if (!r.ok) list.error(e.value, `${at}.${key}`, r.message, e.key);
    return r.ok ? (r.value as string) : undefined;
  };
  const format = setting('format') as FormatOption | undefined;
  const timezone = setting('timezone');
  const expect = readExpectations(list, m.get('expect'), at, item);
  if (name === undefined || input === undefined || expect === undefined) return undefined;
  return { name, source: source as number, input, expect, ...(format !== undefined ? { format } : {}), ...(timezone !== undefined ? { timezone } : {}) };
}

function readExpectations(list: ProblemList, e: { key: FileNode; value: FileNode } | undefined, at: string, item: FileNode): Expectation[] | undefined {
  if (e === undefined) {
    list.error(item, `${at}.expect`, `${at}: expect is required: what each record must be`);
    return undefined;
  }
  const items = list.sequence(e.value, `${at}.expect`, 'expect', e.key);
  if (items === undefined) return undefined;
  const out: Expectation[] = [];
  let ok = true;
  items.forEach((node, j) => {
    const where = `${at}.expect[${j}]`;
    const x = list.mapping(node, where, EXPECT_KEYS, where);
    if (x === undefined) return void (ok = false);
    const v = (key: string): unknown => (x.has(key) ? list.value(x.get(key)!.value) : undefined);
    const fail = (key: string, message: string): void => {
      ok = false;
      list.error(x.get(key)?.value, `${where}.${key}`, message, x.get(key)?.key ?? node);
    };
    if (x.has('dropped')) {
      if (v('dropped') !== true) fail('dropped', 'dropped must be true (leave it out for a record that is kept)');
      else if (x.size > 1) fail('dropped', 'a dropped record has nothing else to check: give dropped: true alone');
      else out.push({ dropped: true });
      return;
    }
    const eventName = v('event_name');
    const severity = v('severity');
    const time = v('time');
    const attributes = v('attributes');
    if (eventName !== undefined && typeof eventName !== 'string') fail('event_name', 'event_name must be a string, e.g. ftp.upload');
    if (severity !== undefined && typeof severity !== 'string' && typeof severity !== 'number') fail('severity', 'severity must be a severity text (INFO, WARN, ERROR …) or number');
    if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) fail('time', 'time must be an ISO 8601 time, e.g. 2024-11-18T08:00:01Z');
    if (attributes !== undefined && (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes))) fail('attributes', 'attributes must be a mapping of attribute names to values');
    if (x.size === 0) fail('event_name', 'an expectation checks something: event_name, severity, time, attributes, or dropped: true');
    out.push({
      ...(typeof eventName === 'string' ? { eventName } : {}),
      ...(typeof severity === 'string' || typeof severity === 'number' ? { severity } : {}),
      ...(typeof time === 'string' ? { time } : {}),
      ...(attributes !== null && typeof attributes === 'object' ? { attributes: attributes as Record<string, unknown> } : {}),
    });
  });
  return ok ? out : undefined;
}

/** The records a case's input makes with its settings, each with what the transforms made of it. */
export function caseRecords(c: GoldenCase, pipeline: Pipeline, env: NodeJS.ProcessEnv = process.env): TransformResult[] {
  const source = pipeline.sources[c.source]!.values;
  const encoding = (source['encoding'] ?? optionByKey(INPUT_OPTIONS, 'encoding').default) as LineEncoding;
  const cutter = new LineCutter({ encoding, maxLineBytes: (source['maxLineBytes'] ?? optionByKey(INPUT_OPTIONS, 'maxLineBytes').default) as number });
  const parser = new LineParser(c.format ?? ((source['format'] ?? 'auto') as FormatOption));
  const enrich = createCountingEnricher({ timezone: validateTimeZone(c.timezone ?? (source['timezone'] as string | undefined) ?? localTimeZone()), now: () => 0 });
  const made: FtpLogRecord[] = [];
  const records = new RecordsPipeline(cutter, parser, enrich, (r) => made.push(r));
  records.push(Buffer.from(c.input.endsWith('\n') ? c.input : `${c.input}\n`, encoding));
  records.end();
  const transform = compileTransforms(pipeline.transforms, env);
  return made.map((r) => (transform === undefined ? r : transform(r)));
}

function typed(v: unknown): string {
  if (v === undefined || v === null) return 'nothing (not set)';
  const kind = Array.isArray(v) ? 'list' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  return `${JSON.stringify(v)} (${kind})`;
}

/** How one record differs from its expectation: one line per difference, none when it matches. */
export function differences(x: Expectation, got: TransformResult): string[] {
  if ('dropped' in x) return 'dropped' in got ? [] : [`expected it dropped by a transform; it was kept (${got.eventName})`];
  if ('dropped' in got) return [`expected a record; a transform dropped it (${got.dropped})`];
  const out: string[] = [];
  if (x.eventName !== undefined && x.eventName !== got.eventName) out.push(`event_name: expected ${JSON.stringify(x.eventName)}, got ${JSON.stringify(got.eventName)}`);
  if (typeof x.severity === 'string' && x.severity.toUpperCase() !== got.severityText) out.push(`severity: expected ${x.severity}, got ${got.severityText}`);
  if (typeof x.severity === 'number' && x.severity !== got.severityNumber) out.push(`severity: expected ${x.severity}, got ${got.severityNumber} (${got.severityText})`);
  if (x.time !== undefined && Date.parse(x.time) !== got.timestamp) {
    out.push(`time: expected ${new Date(Date.parse(x.time)).toISOString()}, got ${got.timestamp === undefined ? 'none (a parse error)' : new Date(got.timestamp).toISOString()}`);
  }
  for (const [k, want] of Object.entries(x.attributes ?? {})) {
    const have = (got.attributes as Record<string, unknown>)[k];
    const same = want === null ? have === undefined : isDeepStrictEqual(want, have);
    if (!same) out.push(`attributes.${k}: expected ${typed(want)}, got ${typed(have)}`);
  }
  return out;
}

/** Every difference of a case: the count of records, then each record's. */
export function caseDifferences(c: GoldenCase, results: readonly TransformResult[]): string[] {
  const out: string[] = [];
  if (results.length !== c.expect.length) {
    const made = results.map((r) => ('dropped' in r ? 'dropped' : r.eventName)).join(', ');
    out.push(`expected ${c.expect.length} record${c.expect.length === 1 ? '' : 's'}, the input made ${results.length}${results.length > 0 ? ` (${made})` : ''}`);
  }
  const n = Math.min(results.length, c.expect.length);
  for (let i = 0; i < n; i++) for (const d of differences(c.expect[i]!, results[i]!)) out.push(`record ${i + 1}: ${d}`);
  return out;
}
