/**
 * Fidelity: for every line of the corpus (corpus.ts), whether the Collector's
 * regex pipeline (bench/collector/) gives the same fields as ftplog-otel.
 * ftplog-otel's `parse` output is the reference: it is what the project
 * claims to be right.
 *
 * A line counts right when
 *   - ftplog-otel made an entry of it, and the Collector's record for it was
 *     parsed with every field it produced equal to ftplog-otel's (fields.ts);
 *   - ftplog-otel made a parse-error record of it, and the Collector's record
 *     is the raw line, unparsed (both reject it);
 *   - ftplog-otel skipped it (a header), and the Collector made no parsed
 *     record of it.
 * A line whose record is missing, or that the Collector could not parse
 * while ftplog-otel could, or parsed into values while ftplog-otel rejects
 * it, counts wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Format } from '../harness.js';
import { BIN, TIMEZONE } from './backfill.js';
import { CollectorProcess } from './collector.js';
import { fidelityCorpus, type CorpusLine } from './corpus.js';
import { differingFields, parsedByPeer, rulesFor, type OurRecord, type PeerRecord } from './fields.js';

export type Verdict = 'fields equal' | 'both reject' | 'skipped by both' | 'fields differ' | 'not parsed' | 'parsed a rejected line' | 'record missing' | 'record for a skipped line';
const RIGHT: ReadonlySet<Verdict> = new Set(['fields equal', 'both reject', 'skipped by both']);

export interface FidelityResult {
  format: Format;
  lines: number;
  right: number;
  fraction: number;
  byCategory: Record<string, { lines: number; right: number }>;
  verdicts: Partial<Record<Verdict, number>>;
  /** Lines on which each field was wrong. */
  wrongFields: Record<string, number>;
  /** Attributes ftplog-otel sets that no capture of the regex pipeline maps to. */
  notProduced: string[];
  /** A few wrong lines per category, for reading. */
  examples: { category: string; verdict: Verdict; fields: string[]; line: string }[];
}

/** Runs both on the corpus of `format` and scores the Collector's records. */
export async function fidelity(format: Format, binary: string): Promise<FidelityResult> {
  const work = mkdtempSync(join(tmpdir(), 'ftplog-peer-fidelity-'));
  try {
    const corpus = fidelityCorpus(format);
    const file = join(work, format === 'eft' ? 'cl241103.log' : 'xfer.20241103');
    writeFileSync(file, corpus.map((l) => l.text + '\n').join(''));
    const ours = assignOurs(corpus, await ourRecords(file, format));
    const peer = await peerRecords(binary, file, format, work);
    return score(format, corpus, ours, peer);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function ourRecords(file: string, format: Format): Promise<OurRecord[]> {
  const child = spawn(process.execPath, [BIN, 'parse', '--quiet', '--workers', '0', '--format', format, '--timezone', TIMEZONE, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`ftplog-otel parse exited ${code}`);
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as OurRecord);
}

/** ftplog-otel's record of each corpus line (undefined: skipped), matched in order by body. */
function assignOurs(corpus: readonly CorpusLine[], records: readonly OurRecord[]): (OurRecord | undefined)[] {
  let next = 0;
  const out = corpus.map((line) => (records[next]?.body === line.text ? records[next++] : undefined));
  if (next !== records.length) throw new Error(`ftplog-otel printed ${records.length} records; ${next} matched the corpus lines in order`);
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The Collector's records of `file`, through its file exporter, once no more arrive. */
async function peerRecords(binary: string, file: string, format: Format, work: string): Promise<PeerRecord[]> {
  const out = join(work, 'exported.json');
  const overrides = [`yaml:exporters::file::path: ${out}`, 'yaml:service::pipelines::logs::exporters: [file]'];
  const collector = CollectorProcess.start(binary, { format, input: file, endpoint: 'http://127.0.0.1:9', storage: work, overrides });
  try {
    const deadline = Date.now() + 120_000;
    let last = -1;
    for (let stable = 0; stable < 3; ) {
      await sleep(1000);
      collector.assertRunning();
      if (Date.now() > deadline) throw new Error(`the Collector wrote ${last} bytes of records in 2 minutes, still growing or none`);
      const n = existsSync(out) ? statSync(out).size : 0;
      stable = n === last && n > 0 ? stable + 1 : 0;
      last = n;
    }
  } finally {
    await collector.stop();
  }
  return readExported(out);
}

interface OtlpJsonRecord {
  timeUnixNano?: string;
  severityNumber?: number;
  body?: { stringValue?: string };
  attributes?: { key: string; value: { stringValue?: string } }[];
}

function readExported(file: string): PeerRecord[] {
  const out: PeerRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const request = JSON.parse(line) as { resourceLogs?: { scopeLogs?: { logRecords?: OtlpJsonRecord[] }[] }[] };
    for (const rl of request.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const r of sl.logRecords ?? []) out.push(flatten(r));
  }
  return out;
}

function flatten(r: OtlpJsonRecord): PeerRecord {
  const attributes: Record<string, string> = {};
  for (const a of r.attributes ?? []) if (a.value.stringValue !== undefined) attributes[a.key] = a.value.stringValue;
  const ns = r.timeUnixNano !== undefined && r.timeUnixNano !== '0' ? BigInt(r.timeUnixNano) : undefined;
  return { body: r.body?.stringValue ?? '', timeMs: ns === undefined ? undefined : Number(ns / 1_000_000n), severityNumber: r.severityNumber ?? 0, attributes };
}

/** The filelog receiver trims leading and trailing blanks from each line by default. */
const key = (text: string): string => text.trim();

function byBody(records: readonly PeerRecord[]): Map<string, PeerRecord[]> {
  const map = new Map<string, PeerRecord[]>();
  for (const r of records) {
    const list = map.get(key(r.body));
    if (list === undefined) map.set(key(r.body), [r]);
    else list.push(r);
  }
  return map;
}

function judge(format: Format, ours: OurRecord | undefined, peer: PeerRecord | undefined): { verdict: Verdict; fields: string[] } {
  const parsed = peer !== undefined && parsedByPeer(peer);
  if (ours === undefined) return { verdict: parsed ? 'record for a skipped line' : 'skipped by both', fields: [] };
  if (peer === undefined) return { verdict: 'record missing', fields: [] };
  if (ours.eventName === 'ftplog.parse_error') return { verdict: parsed ? 'parsed a rejected line' : 'both reject', fields: [] };
  if (!parsed) return { verdict: 'not parsed', fields: [] };
  const fields = differingFields(format, ours, peer);
  return { verdict: fields.length === 0 ? 'fields equal' : 'fields differ', fields };
}

function score(format: Format, corpus: readonly CorpusLine[], ours: readonly (OurRecord | undefined)[], peer: readonly PeerRecord[]): FidelityResult {
  const pending = byBody(peer);
  const result: FidelityResult = { format, lines: corpus.length, right: 0, fraction: 0, byCategory: {}, verdicts: {}, wrongFields: {}, notProduced: notProduced(format, ours), examples: [] };
  corpus.forEach((line, i) => {
    const { verdict, fields } = judge(format, ours[i], pending.get(key(line.text))?.shift());
    const right = RIGHT.has(verdict);
    const c = (result.byCategory[line.category] ??= { lines: 0, right: 0 });
    c.lines++;
    if (right) c.right++;
    result.right += right ? 1 : 0;
    result.verdicts[verdict] = (result.verdicts[verdict] ?? 0) + 1;
    for (const f of fields) result.wrongFields[f] = (result.wrongFields[f] ?? 0) + 1;
    if (!right && result.examples.filter((e) => e.category === line.category).length < 3) result.examples.push({ category: line.category, verdict, fields, line: line.text });
  });
  result.fraction = result.right / result.lines;
  return result;
}

/** What ftplog-otel's records carry that the regex captures do not map to (file attributes aside). */
function notProduced(format: Format, ours: readonly (OurRecord | undefined)[]): string[] {
  const mapped = new Set(rulesFor(format).map((r) => r.attribute));
  const seen = new Set<string>();
  for (const r of ours) if (r !== undefined && r.eventName !== 'ftplog.parse_error') for (const k of Object.keys(r.attributes)) seen.add(k);
  return [...seen].filter((k) => !mapped.has(k) && !k.startsWith('log.file.')).sort();
}
