/**
 * ftplog-otel against the peer an operator would use instead: the
 * OpenTelemetry Collector reading the same logs with its filelog receiver and
 * the regex, time and severity operators in bench/collector/. Measured in the
 * same run, on the same generated logs, to the same counting receiver:
 *
 *   backfill   CPU seconds per million lines and peak RSS for reading the
 *              1M-line log of each format from the beginning; `ship` with the
 *              flags of the main benchmark figure; median of --runs, turns
 *              alternated
 *   follow     CPU a line while following one file that grows at 10,000
 *              lines/s (`ship --follow` and the filelog receiver, default polling)
 *   fidelity   the share of the lines of a corpus with the formats' quirks
 *              for which the regex pipeline gets every field it produces
 *              right, ftplog-otel's `parse` output being the reference
 *
 *   node dist/bench/peer.js [--runs N] [--only backfill,follow,fidelity] [--quick]
 *
 * The Collector is the one the end-to-end tests build (scripts/otelcol-build.sh,
 * or $FTPLOG_OTELCOL). Linux only (reads /proc). Results also go to
 * bench/out/peer.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FORMATS, OUT_DIR, ensureInput, machineInfo, renderTable, round, startReceiver, summarize, type Format, type InputFile, type ReceiverHandle, type Summary } from './harness.js';
import { collectorOnce, shipOnce, type Measured } from './peer/backfill.js';
import { BUILDER_MANIFEST, collectorVersion, findCollector, type CollectorVersion } from './peer/collector.js';
import { fidelity, type FidelityResult } from './peer/fidelity.js';
import { followLines, followOnce, type FollowMeasured, type Side } from './peer/follow-load.js';

const PARTS = ['backfill', 'follow', 'fidelity'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  runs: number;
  lines: number;
  followSeconds: number;
  perSecond: number;
  only: ReadonlySet<Part>;
  quick: boolean;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, lines: { type: 'string' }, 'follow-seconds': { type: 'string' }, rate: { type: 'string' }, only: { type: 'string' }, quick: { type: 'boolean' } },
  });
  const quick = values.quick === true;
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...PARTS];
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only: unknown part ${unknown.join(', ')} (one of ${PARTS.join(', ')})`);
  return {
    runs: positive('runs', values.runs, quick ? 1 : 3),
    lines: positive('lines', values.lines, quick ? 100_000 : 1_000_000),
    followSeconds: positive('follow-seconds', values['follow-seconds'], quick ? 10 : 30),
    perSecond: positive('rate', values.rate, 10_000),
    only: new Set(only as Part[]),
    quick,
  };
}

// ---------------------------------------------------------------------------
// Backfill

interface BackfillResult {
  format: Format;
  input: { lines: number; bytes: number };
  runs: Record<Side, Measured[]>;
  cpuSecondsPerMillionLines: Record<Side, Summary>;
  peakRssMB: Record<Side, Summary>;
  wallSeconds: Record<Side, Summary>;
  /** Collector / ftplog-otel, of the medians. */
  ratio: { cpu: number; peakRss: number; wall: number };
}

function summarizeSide(runs: Record<Side, Measured[]>, f: (m: Measured) => number): Record<Side, Summary> {
  return { 'ftplog-otel': summarize(runs['ftplog-otel'].map(f)), collector: summarize(runs.collector.map(f)) };
}

async function backfillFormat(input: InputFile, receiver: ReceiverHandle, binary: string, runs: number): Promise<BackfillResult> {
  const measured: Record<Side, Measured[]> = { 'ftplog-otel': [], collector: [] };
  let expected: number | undefined;
  const ship = async (run: number): Promise<void> => {
    const m = await shipOnce(input, receiver.url);
    if (expected !== undefined && m.records !== expected) throw new Error(`ship delivered ${m.records} records, earlier ${expected}`);
    expected = m.records;
    measured['ftplog-otel'].push(m);
    progress('backfill', input.format, 'ftplog-otel', run, runs, `${m.cpuSeconds.toFixed(2)} s CPU, ${m.peakRssMB.toFixed(0)} MB, ${m.wallSeconds.toFixed(2)} s`);
  };
  const collector = async (run: number): Promise<void> => {
    const m = await collectorOnce(binary, input, receiver.url, expected!);
    if (m.recordsAtEnd !== expected) process.stderr.write(`  the Collector delivered ${m.recordsAtEnd} records, ftplog-otel ${expected}\n`);
    measured.collector.push(m);
    progress('backfill', input.format, 'collector', run, runs, `${m.cpuSeconds.toFixed(2)} s CPU, ${m.peakRssMB.toFixed(0)} MB, ${m.wallSeconds.toFixed(2)} s`);
  };
  // In turns, the order alternated, so that neither side always meets the machine first.
  for (let run = 0; run < runs; run++) {
    if (run % 2 === 0 || expected === undefined) {
      await ship(run);
      await collector(run);
    } else {
      await collector(run);
      await ship(run);
    }
  }
  const perM = input.lines / 1e6;
  const cpu = summarizeSide(measured, (m) => m.cpuSeconds / perM);
  const rss = summarizeSide(measured, (m) => m.peakRssMB);
  const wall = summarizeSide(measured, (m) => m.wallSeconds);
  return {
    format: input.format,
    input: { lines: input.lines, bytes: input.bytes },
    runs: measured,
    cpuSecondsPerMillionLines: cpu,
    peakRssMB: rss,
    wallSeconds: wall,
    ratio: { cpu: ratioOf(cpu), peakRss: ratioOf(rss), wall: ratioOf(wall) },
  };
}

const ratioOf = (s: Record<Side, Summary>): number => round(s.collector.median / s['ftplog-otel'].median, 2);

function progress(part: string, format: Format, side: Side, run: number, runs: number, what: string): void {
  process.stderr.write(`${part} ${format} ${side} run ${run + 1}/${runs}: ${what}\n`);
}

// ---------------------------------------------------------------------------
// Follow

interface FollowResult {
  format: Format;
  perSecond: number;
  seconds: number;
  runs: Record<Side, FollowMeasured[]>;
  cpuMsPer1000Lines: Record<Side, Summary>;
  cpuPercent: Record<Side, Summary>;
  /** Collector / ftplog-otel, of the medians. */
  ratio: number;
}

async function followFormat(format: Format, o: Options, receiver: ReceiverHandle, binary: string): Promise<FollowResult> {
  const load = { format, perSecond: o.perSecond, seconds: o.followSeconds, lines: followLines(format, o.perSecond * o.followSeconds) };
  const runs: Record<Side, FollowMeasured[]> = { 'ftplog-otel': [], collector: [] };
  for (let run = 0; run < o.runs; run++) {
    const order: Side[] = run % 2 === 0 ? ['ftplog-otel', 'collector'] : ['collector', 'ftplog-otel'];
    for (const side of order) {
      const m = await followOnce(side, load, receiver.url, binary);
      if (m.delivered !== m.written) throw new Error(`follow ${format} ${side}: ${m.delivered} of ${m.written} lines delivered`);
      runs[side].push(m);
      progress('follow', format, side, run, o.runs, `${m.cpuMsPer1000Lines.toFixed(1)} ms CPU per 1000 lines, ${m.cpuPercent.toFixed(1)}% of a core`);
    }
  }
  const per = (side: Side, f: (m: FollowMeasured) => number): Summary => summarize(runs[side].map(f));
  const cpu = { 'ftplog-otel': per('ftplog-otel', (m) => m.cpuMsPer1000Lines), collector: per('collector', (m) => m.cpuMsPer1000Lines) };
  return {
    format,
    perSecond: o.perSecond,
    seconds: o.followSeconds,
    runs,
    cpuMsPer1000Lines: cpu,
    cpuPercent: { 'ftplog-otel': per('ftplog-otel', (m) => m.cpuPercent), collector: per('collector', (m) => m.cpuPercent) },
    ratio: ratioOf(cpu),
  };
}

// ---------------------------------------------------------------------------
// Report

interface Report {
  at: string;
  machine: ReturnType<typeof machineInfo>;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd?: number;
  options: Omit<Options, 'only'> & { only: Part[] };
  collector?: CollectorVersion & { manifest: string; configs: string };
  skipped?: string;
  backfill?: BackfillResult[];
  follow?: FollowResult[];
  fidelity?: FidelityResult[];
}

const fmt = (s: Summary, digits: number): string => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const SIDES: readonly Side[] = ['ftplog-otel', 'collector'];

function backfillTable(results: readonly BackfillResult[]): string {
  const rows = [['format', 'side', 'CPU s / M lines', 'peak RSS MB', 'wall s', 'Collector / ftplog-otel (CPU, RSS, wall)']];
  for (const r of results) {
    for (const side of SIDES) {
      const ratio = side === 'collector' ? `${r.ratio.cpu.toFixed(2)}x, ${r.ratio.peakRss.toFixed(2)}x, ${r.ratio.wall.toFixed(2)}x` : '';
      rows.push([r.format, side, fmt(r.cpuSecondsPerMillionLines[side], 2), fmt(r.peakRssMB[side], 0), fmt(r.wallSeconds[side], 2), ratio]);
    }
  }
  return renderTable(rows);
}

function followTable(results: readonly FollowResult[]): string {
  const rows = [['format', 'side', 'CPU ms / 1000 lines', '% of a core', 'Collector / ftplog-otel']];
  for (const r of results) {
    for (const side of SIDES) rows.push([r.format, side, fmt(r.cpuMsPer1000Lines[side], 1), fmt(r.cpuPercent[side], 1), side === 'collector' ? `${r.ratio.toFixed(2)}x` : '']);
  }
  return renderTable(rows);
}

function fidelityTables(results: readonly FidelityResult[]): string {
  const rows = [['format', 'lines', 'ftplog-otel', 'regex pipeline right', 'fraction', 'status decoded (outcome, kind, description, error.type)']];
  for (const r of results) rows.push([r.format, String(r.lines), 'reference', String(r.right), r.fraction.toFixed(3), 'ftplog-otel: yes; regex pipeline: none']);
  const categories = [...new Set(results.flatMap((r) => Object.keys(r.byCategory)))];
  const byCat = [['category', ...results.map((r) => `${r.format} right / lines`)]];
  for (const c of categories) byCat.push([c, ...results.map((r) => (r.byCategory[c] !== undefined ? `${r.byCategory[c].right} / ${r.byCategory[c].lines}` : ''))]);
  const notes = results.map((r) => {
    const fields = Object.entries(r.wrongFields).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
    const verdicts = Object.entries(r.verdicts).map(([v, n]) => `${v} ${n}`);
    return `${r.format}: ${verdicts.join(', ')}\n  wrong fields: ${fields.join(', ') || 'none'}\n  not produced: ${r.notProduced.join(', ')}`;
  });
  return [renderTable(rows), '', renderTable(byCat), '', ...notes].join('\n');
}

function render(report: Report): string {
  const m = report.machine;
  const out = [`\nftplog-otel against the OpenTelemetry Collector (${report.collector?.binary ?? 'not available'}): Node ${m.node}, ${m.cpu}, ${m.cores} cores, load average ${m.loadAverage} at start, ${report.loadAverageAtEnd ?? '?'} at end`];
  if (report.collector !== undefined) out.push(`Collector modules: ${Object.entries(report.collector.modules).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (report.backfill !== undefined) out.push(`\nBackfill of the ${report.options.lines.toLocaleString('en-US')}-line logs, median (range) of ${report.options.runs}`, backfillTable(report.backfill));
  if (report.follow !== undefined) out.push(`\nFollowing one file growing at ${report.options.perSecond.toLocaleString('en-US')} lines/s for ${report.options.followSeconds} s, median (range) of ${report.options.runs}`, followTable(report.follow));
  if (report.fidelity !== undefined) out.push('\nFidelity: lines for which every field the regex pipeline produces equals ftplog-otel\'s', fidelityTables(report.fidelity));
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------

async function run(o: Options, binary: string, report: Report): Promise<void> {
  if (o.only.has('fidelity')) {
    report.fidelity = [];
    for (const format of FORMATS) {
      process.stderr.write(`fidelity ${format}\n`);
      report.fidelity.push(await fidelity(format, binary));
    }
  }
  if (!o.only.has('backfill') && !o.only.has('follow')) return;
  const receiver = await startReceiver();
  try {
    if (o.only.has('backfill')) {
      report.backfill = [];
      for (const format of FORMATS) report.backfill.push(await backfillFormat(await ensureInput(format, { lines: o.lines }, '1'), receiver, binary, o.runs));
    }
    if (o.only.has('follow')) {
      report.follow = [];
      for (const format of FORMATS) report.follow.push(await followFormat(format, o, receiver, binary));
    }
  } finally {
    await receiver.stop();
  }
}

async function main(): Promise<void> {
  const o = parseOptions();
  const report: Report = { at: new Date().toISOString(), machine: machineInfo(), options: { ...o, only: [...o.only] } };
  const found = findCollector();
  if ('skip' in found) {
    report.skipped = found.skip;
    process.stdout.write(`peer bench: not available: ${found.skip}\n`);
  } else {
    report.collector = { ...collectorVersion(found.binary), manifest: 'test/e2e/otelcol/builder.yaml', configs: 'bench/collector/' };
    process.stderr.write(`peer bench: ${report.collector.binary} (${BUILDER_MANIFEST})\n`);
    await run(o, found.binary, report);
    report.loadAverageAtEnd = round(loadavg()[0] ?? 0, 2);
    process.stdout.write(render(report));
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const text = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(join(OUT_DIR, 'peer.json'), text);
  writeFileSync(join(OUT_DIR, `peer-${report.at.replace(/[-:]/g, '').slice(0, 15)}.json`), text);
  process.stdout.write(`results: ${join(OUT_DIR, 'peer.json')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`peer bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
