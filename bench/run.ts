/**
 * The benchmark runner: generates (or reuses) realistic inputs, runs every
 * selected scenario several times, in turns (each scenario's first run, then
 * each one's second, ...), each run in a fresh child process, and
 * prints medians, ranges, ratios against baselines measured in the same run,
 * and the project's targets. Results also go to bench/out/results.json (and a
 * dated copy next to it).
 *
 *   npm run bench                       all scenarios, 5 runs each
 *   node dist/bench/run.js --quick      smoke check
 *   node dist/bench/run.js --only raw-cut,sdk-batch --runs 3
 *
 * Benchmarks are not tests: nothing here runs in `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_VERSION } from './generate.js';
import {
  BENCH_DIR,
  ALL_FORMATS,
  FORMATS,
  NotAvailableError,
  OUT_DIR,
  ROOT,
  ensureInput,
  formatRate,
  executableEnv,
  executableNodeFlags,
  machineInfo,
  renderTable,
  round,
  runChild,
  startReceiver,
  summarize,
  type ChildReport,
  type ChildSpec,
  type Format,
  type InputFile,
  type MachineInfo,
  type ReceiverHandle,
  type Summary,
} from './harness.js';
import { cliParseJsonl, cliStats } from './scenarios.js';

type Target =
  | { kind: 'rate'; min: number; zeroLoss?: boolean }
  | { kind: 'rss'; maxMB: number };

interface ScenarioDef {
  name: string;
  /** `--only` matches a scenario by name or by group. */
  group: string;
  kind: 'baseline' | 'project';
  summary: string;
  unit: 'lines' | 'records';
  /** `lines`: the per-format inputs of --lines; `big`: the 1 GiB inputs of rss-1gb. */
  input: 'lines' | 'big';
  receiver: boolean;
  /** Scenario whose median rate (same format) the ratio is computed against. */
  baseline?: string;
  target?: Target;
  /** rss-1gb runs once per mode unless --rss-runs says otherwise. */
  big?: boolean;
  spec(input: InputFile, url: string | undefined): ChildSpec;
}

const CHILD = join(BENCH_DIR, 'child.js');

function child(name: string, nodeFlags: string[] = []): (input: InputFile, url: string | undefined) => ChildSpec {
  return (input, url) => ({
    args: [CHILD, name, '--file', input.path, '--format', input.format, ...(url !== undefined ? ['--url', url] : [])],
    nodeFlags,
  });
}

/** Project scenarios run with the executable's node flags; baselines with Node's defaults. */
const PROJECT_FLAGS = executableNodeFlags();
/** The executable's environment (its #! line), on top of this process's. */
const PROJECT_ENV = { ...process.env, ...executableEnv() };
const project = (name: string) => (input: InputFile, url: string | undefined): ChildSpec => ({ ...child(name, PROJECT_FLAGS)(input, url), env: PROJECT_ENV });

const cliSpec = (input: InputFile): ChildSpec => ({ ...cliParseJsonl(input.path, input.lines), nodeFlags: PROJECT_FLAGS, env: PROJECT_ENV });
const statsSpec = (input: InputFile): ChildSpec => ({ ...cliStats(input.path, input.lines), nodeFlags: PROJECT_FLAGS, env: PROJECT_ENV });

const RSS_TARGET: Target = { kind: 'rss', maxMB: 150 };

/**
 * The existing NcFTPd parser (Perl, NcFTPd-Log-Parse from CPAN), when perl
 * and the module are installed; the runner says so when they are not.
 */
const perlSpec = (input: InputFile): ChildSpec => {
  if (input.format !== 'ncftpd') throw new NotAvailableError('the Perl parser reads NcFTPd transfer logs only');
  return { command: 'perl', args: [join(ROOT, 'bench', 'perl', 'ncftpd-xfer.pl'), input.path] };
};

const SCENARIOS: readonly ScenarioDef[] = [
  { name: 'raw-cut', group: 'raw-cut', kind: 'baseline', summary: 'read, cut lines at 0x0a, decode', unit: 'lines', input: 'lines', receiver: false, spec: child('raw-cut') },
  { name: 'cut-split', group: 'cut-split', kind: 'baseline', summary: "+ split fields ('; ' or ',')", unit: 'lines', input: 'lines', receiver: false, baseline: 'raw-cut', spec: child('cut-split') },
  { name: 'cut-split-stringify', group: 'cut-split-stringify', kind: 'baseline', summary: '+ JSON.stringify per line', unit: 'lines', input: 'lines', receiver: false, baseline: 'raw-cut', spec: child('cut-split-stringify') },
  { name: 'perl-ncftpd', group: 'perl-ncftpd', kind: 'baseline', summary: 'an existing NcFTPd parser (Perl NcFTPd::Log::Parse, if installed)', unit: 'lines', input: 'lines', receiver: false, spec: perlSpec },
  { name: 'sdk-batch', group: 'sdk-batch', kind: 'baseline', summary: 'OTel SDK BatchLogRecordProcessor, paced (flush every 2048)', unit: 'records', input: 'lines', receiver: true, baseline: 'cut-split-stringify', spec: child('sdk-batch') },
  { name: 'sdk-batch-unpaced', group: 'sdk-batch', kind: 'baseline', summary: 'the same, unpaced: records the SDK dropped', unit: 'records', input: 'lines', receiver: true, baseline: 'sdk-batch', spec: child('sdk-batch-unpaced') },
  { name: 'sdk-serialize', group: 'sdk-serialize', kind: 'baseline', summary: "the SDK's protobuf serializer alone, 2048/batch, nothing sent", unit: 'records', input: 'lines', receiver: false, baseline: 'cut-split-stringify', spec: child('sdk-serialize') },
  { name: 'sdk-exporter-direct', group: 'sdk-exporter-direct', kind: 'baseline', summary: 'OTLP exporter direct, 2048/batch, 2 in flight', unit: 'records', input: 'lines', receiver: true, baseline: 'sdk-batch', spec: child('sdk-exporter-direct') },
  { name: 'parse-enrich', group: 'parse-enrich', kind: 'project', summary: 'library streams into a null sink', unit: 'lines', input: 'lines', receiver: false, baseline: 'cut-split-stringify', target: { kind: 'rate', min: 800_000 }, spec: project('parse-enrich') },
  { name: 'encode-protobuf', group: 'encode-protobuf', kind: 'project', summary: 'library streams, one thread, encoded as OTLP protobuf, nothing sent', unit: 'records', input: 'lines', receiver: false, baseline: 'sdk-serialize', spec: project('encode-protobuf') },
  { name: 'cli-parse-jsonl', group: 'cli-parse-jsonl', kind: 'project', summary: 'ftplog-otel parse FILE > /dev/null', unit: 'lines', input: 'lines', receiver: false, baseline: 'cut-split-stringify', target: { kind: 'rate', min: 400_000 }, spec: cliSpec },
  { name: 'cli-stats', group: 'cli-stats', kind: 'project', summary: 'ftplog-otel stats FILE > /dev/null (RSS: set it beside cli-parse-jsonl)', unit: 'lines', input: 'lines', receiver: false, baseline: 'cli-parse-jsonl', spec: statsSpec },
  { name: 'ship-protobuf', group: 'ship-protobuf', kind: 'project', summary: 'pipeline to OTLP/HTTP protobuf, zero loss', unit: 'records', input: 'lines', receiver: true, baseline: 'sdk-batch', target: { kind: 'rate', min: 200_000, zeroLoss: true }, spec: project('ship-protobuf') },
  { name: 'ship-protobuf-1thread', group: 'ship-protobuf', kind: 'project', summary: 'the same, all on the main thread (--workers 0)', unit: 'records', input: 'lines', receiver: true, baseline: 'sdk-batch', spec: project('ship-protobuf-1thread') },
  { name: 'ship-gzip', group: 'ship-gzip', kind: 'project', summary: 'the same with gzip bodies', unit: 'records', input: 'lines', receiver: true, baseline: 'sdk-batch', target: { kind: 'rate', min: 120_000, zeroLoss: true }, spec: project('ship-gzip') },
  { name: 'rss-1gb:parse-enrich', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, library into a null sink', unit: 'lines', input: 'big', receiver: false, target: RSS_TARGET, big: true, spec: project('parse-enrich') },
  { name: 'rss-1gb:cli-parse-jsonl', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, CLI parse', unit: 'lines', input: 'big', receiver: false, target: RSS_TARGET, big: true, spec: cliSpec },
  { name: 'rss-1gb:cli-stats', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, CLI stats', unit: 'lines', input: 'big', receiver: false, target: RSS_TARGET, big: true, spec: statsSpec },
  { name: 'rss-1gb:ship-protobuf', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, ship protobuf', unit: 'records', input: 'big', receiver: true, target: RSS_TARGET, big: true, spec: project('ship-protobuf') },
  { name: 'rss-1gb:ship-gzip', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, ship gzip', unit: 'records', input: 'big', receiver: true, target: RSS_TARGET, big: true, spec: project('ship-gzip') },
  { name: 'rss-1gb:ship-protobuf-1thread', group: 'rss-1gb', kind: 'project', summary: '1 GiB input, ship protobuf on one thread (as from stdin)', unit: 'records', input: 'big', receiver: true, target: RSS_TARGET, big: true, spec: project('ship-protobuf-1thread') },
];

// ---------------------------------------------------------------------------
// Options

interface Options {
  runs: number;
  lines: number;
  rssBytes: number;
  rssRuns: number;
  only: string[] | undefined;
  seed: string;
  /** The formats to run on. @default eft and ncftpd, the formats of the published figures */
  formats: readonly Format[];
}

const HELP = `Usage: node dist/bench/run.js [options]      (or: npm run bench -- [options])

Runs each scenario in a fresh child process, several times, and prints the
median rate with its range, CPU time, peak RSS, the ratio against a baseline
measured in the same run, and the project's target. Writes bench/out/results.json.
Inputs are generated once and cached in bench/out/.

Options:
  --runs N          runs per scenario and format (default 5)
  --lines N         lines per generated input (default 1000000)
  --only a,b        scenarios or groups to run (default: all)
  --quick           smoke check: 100000 lines, 2 runs, 64 MiB for rss-1gb
  --seed S          generator seed (default 1)
  --formats a,b     formats to run on: eft, ncftpd, xferlog, vsftpd (default eft,ncftpd);
                    baselines read eft and ncftpd only
  --rss-bytes B     size of the rss-1gb inputs (default 1G; suffixes K, M, G)
  --rss-runs N      runs per rss-1gb mode (default 1)
  --help            this text

Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(25)}${s.summary}${s.target !== undefined ? `  [target: ${describeTarget(s.target)}]` : ''}`).join('\n')}
`;

function describeTarget(t: Target): string {
  if (t.kind === 'rss') return `peak RSS <= ${t.maxMB} MB`;
  return `>= ${formatRate(t.min)}/s${t.zeroLoss === true ? ', zero loss' : ''}`;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg])?i?b?$/i.exec(text.trim());
  if (m === null) throw new Error(`invalid size ${JSON.stringify(text)}`);
  const unit = (m[2] ?? '').toLowerCase();
  return Math.round(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1));
}

function positiveInt(name: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function parseOptions(argv: string[]): Options | undefined {
  const o: Options = { runs: 5, lines: 1_000_000, rssBytes: 1024 ** 3, rssRuns: 1, only: undefined, seed: '1', formats: FORMATS };
  let quick = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg}: missing value`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return undefined;
      case '--runs':
        o.runs = positiveInt(arg, value());
        explicit.add('runs');
        break;
      case '--lines':
        o.lines = positiveInt(arg, value());
        explicit.add('lines');
        break;
      case '--only':
        o.only = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
        break;
      case '--quick':
        quick = true;
        break;
      case '--seed':
        o.seed = value();
        break;
      case '--formats': {
        const list = value().split(',').map((f) => f.trim());
        const bad = list.filter((f) => !(ALL_FORMATS as readonly string[]).includes(f));
        if (bad.length > 0 || list.length === 0) throw new Error(`--formats: expected some of ${ALL_FORMATS.join(', ')}, got ${JSON.stringify(bad.join(','))}`);
        o.formats = list as Format[];
        break;
      }
      case '--rss-bytes':
        o.rssBytes = parseSize(value());
        explicit.add('rssBytes');
        break;
      case '--rss-runs':
        o.rssRuns = positiveInt(arg, value());
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(arg)} (see --help)`);
    }
  }
  if (quick) {
    if (!explicit.has('runs')) o.runs = 2;
    if (!explicit.has('lines')) o.lines = 100_000;
    if (!explicit.has('rssBytes')) o.rssBytes = 64 * 1024 ** 2;
  }
  if (o.only !== undefined) {
    const known = new Set(SCENARIOS.flatMap((s) => [s.name, s.group]));
    const unknown = o.only.filter((n) => !known.has(n));
    if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; see --help`);
  }
  return o;
}

// ---------------------------------------------------------------------------
// Running

interface Result {
  scenario: string;
  kind: ScenarioDef['kind'];
  format: Format;
  unit: ScenarioDef['unit'];
  input: { path: string; lines: number; bytes: number };
  runs: ChildReport[];
  rate?: Summary;
  cpuSeconds?: Summary;
  /** Highest peak RSS over the runs. */
  peakRssMB?: number;
  /** Highest loss over the runs (exporting scenarios). */
  dropped?: number;
  baseline?: string;
  ratio?: number;
  target?: string;
  verdict?: 'PASS' | 'MISS';
  skipped?: string;
  error?: string;
}

function rateOf(s: ScenarioDef, r: ChildReport): number {
  return ((s.unit === 'lines' ? r.lines : r.records) / r.wallMs) * 1000;
}

function finish(s: ScenarioDef, result: Result): void {
  const runs = result.runs;
  if (runs.length === 0) return;
  result.rate = summarize(runs.map((r) => rateOf(s, r)));
  result.cpuSeconds = summarize(runs.map((r) => (r.cpuUserMs + r.cpuSystemMs) / 1000));
  result.peakRssMB = Math.max(...runs.map((r) => r.maxRssMB));
  if (runs.some((r) => r.dropped !== undefined)) result.dropped = Math.max(...runs.map((r) => r.dropped ?? 0));
  if (s.target !== undefined) {
    result.target = describeTarget(s.target);
    const t = s.target;
    const ok =
      t.kind === 'rss'
        ? result.peakRssMB <= t.maxMB
        : result.rate.median >= t.min && (t.zeroLoss !== true || (result.dropped ?? 0) === 0);
    result.verdict = ok ? 'PASS' : 'MISS';
  }
}

/** One scenario on one format: what it runs on, how often, and what it has measured so far. */
interface Planned {
  s: ScenarioDef;
  input: InputFile;
  runs: number;
  result: Result;
}

/** No more runs for `p`: not available, failed, or all its runs done. */
function isDone(p: Planned): boolean {
  const r = p.result;
  return r.skipped !== undefined || r.error !== undefined || r.runs.length >= p.runs;
}

/** Runs `p` once more and records the report, or why it stops. */
async function runOnce(p: Planned, url: string | undefined, label: string): Promise<void> {
  const { s, result } = p;
  let report: ChildReport;
  try {
    report = await runChild(s.spec(p.input, url));
  } catch (err) {
    if (err instanceof NotAvailableError) {
      result.skipped = err.message;
      process.stderr.write(`${label}: not available: ${result.skipped}\n`);
      return;
    }
    result.error = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${label}: error\n${result.error}\n`);
    return;
  }
  if (report.skipped !== undefined) {
    result.skipped = report.skipped;
    process.stderr.write(`${label}: not available: ${result.skipped}\n`);
    return;
  }
  result.runs.push(report);
  const lost = report.dropped !== undefined ? `, dropped ${report.dropped}` : '';
  process.stderr.write(`${label}: ${formatRate(rateOf(s, report))} ${s.unit}/s, ${(report.wallMs / 1000).toFixed(2)} s, RSS ${report.maxRssMB.toFixed(0)} MB${lost}\n`);
}

/** Small real logs of each format, for probe(). */
const PROBE_FILES: Record<Format, string> = {
  eft: join(ROOT, 'examples', 'logs', 'cl241118.log'),
  ncftpd: join(ROOT, 'examples', 'logs', 'xfer.20241118'),
  xferlog: join(ROOT, 'test', 'fixtures', 'xferlog', 'vsftpd-3.0.3.xferlog'),
  vsftpd: join(ROOT, 'test', 'fixtures', 'vsftpd', 'vsftpd-3.0.3.log'),
};

/**
 * Runs a project scenario once on the small example log, so that a scenario
 * the project cannot run yet is reported before any large input is generated.
 */
async function probe(s: ScenarioDef, format: Format, url: string | undefined): Promise<string | undefined> {
  const input: InputFile = { path: PROBE_FILES[format], format, lines: format === 'eft' || format === 'ncftpd' ? 40 : 10, bytes: 0, seed: 'example' };
  try {
    const spec = s.spec(input, url);
    if (spec.external === undefined) return (await runChild(spec)).skipped;
    // An external program is measured with its output thrown away: check once that it prints a record per line.
    const report = await runChild({ ...spec, external: { ...spec.external, countOutput: true } });
    if (report.skipped !== undefined) return report.skipped;
    const printed = Number(report.extra?.['outputLines'] ?? 0);
    if (printed < (spec.external.minOutputLines ?? input.lines - 2)) return `printed ${printed} lines for the ${input.lines}-line example log`;
    return undefined;
  } catch (err) {
    if (err instanceof NotAvailableError) return err.message;
    return `fails on examples/logs: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
  }
}

function selected(o: Options): ScenarioDef[] {
  if (o.only === undefined) return [...SCENARIOS];
  const only = new Set(o.only);
  return SCENARIOS.filter((s) => only.has(s.name) || only.has(s.group));
}

async function main(argv: string[]): Promise<number> {
  const o = parseOptions(argv);
  if (o === undefined) return 0;
  const scenarios = selected(o);
  const machine = machineInfo();
  const started = new Date();

  let receiver: ReceiverHandle | undefined;
  const results: Result[] = [];
  const inputs = new Map<string, InputFile>();
  let failed = false;
  try {
    if (scenarios.some((s) => s.receiver)) receiver = await startReceiver();
    const url = receiver?.url;

    // Project scenarios that cannot run yet are reported without generating anything for them.
    const unavailable = new Map<string, string>();
    for (const s of scenarios) {
      for (const format of o.formats) {
        const why = s.kind === 'project' ? await probe(s, format, url) : format === 'eft' || format === 'ncftpd' ? undefined : 'the baselines read EFT and NcFTPd logs only';
        if (why !== undefined) unavailable.set(`${s.name}/${format}`, why);
      }
    }

    const planned: Planned[] = [];
    for (const s of scenarios) {
      for (const format of o.formats) {
        const result: Result = { scenario: s.name, kind: s.kind, format, unit: s.unit, input: { path: '', lines: 0, bytes: 0 }, runs: [] };
        results.push(result);
        const why = unavailable.get(`${s.name}/${format}`);
        if (why !== undefined) {
          process.stderr.write(`${s.name} ${format}: not available: ${why}\n`);
          result.skipped = why;
          continue;
        }
        const key = `${format}/${s.input}`;
        let input = inputs.get(key);
        if (input === undefined) {
          input = await ensureInput(format, s.input === 'big' ? { bytes: o.rssBytes } : { lines: o.lines }, o.seed);
          inputs.set(key, input);
        }
        result.input = { path: input.path, lines: input.lines, bytes: input.bytes };
        planned.push({ s, input, runs: s.big === true ? o.rssRuns : o.runs, result });
      }
    }

    // Round-robin: every scenario's first run, then every second run, and so
    // on, so that a baseline and the scenarios set against it are measured
    // across the same stretch of the run, whatever the machine's load does
    // meanwhile.
    let total = planned.reduce((n, p) => n + p.runs, 0);
    let n = 0;
    for (let turn = 0; !planned.every(isDone); turn++) {
      for (const p of planned) {
        if (isDone(p)) continue;
        n++;
        await runOnce(p, url, `[${n}/${total}] ${p.s.name} ${p.input.format} run ${turn + 1}/${p.runs}`);
        if (p.result.error !== undefined) failed = true;
        // A scenario that stopped early (not available, failed) drops its remaining runs from the count.
        if (isDone(p)) total -= p.runs - (turn + 1);
      }
    }
    for (const p of planned) finish(p.s, p.result);
  } finally {
    await receiver?.stop();
  }

  // Ratios against baselines of this run.
  for (const r of results) {
    const s = SCENARIOS.find((x) => x.name === r.scenario)!;
    if (s.baseline === undefined || r.rate === undefined) continue;
    const base = results.find((x) => x.scenario === s.baseline && x.format === r.format);
    r.baseline = s.baseline;
    if (base?.rate !== undefined) r.ratio = round(r.rate.median / base.rate.median, 3);
  }

  const report = renderReport(results, o, machine, [...inputs.values()]);
  process.stdout.write(report + '\n');

  const json = {
    date: started.toISOString(),
    machine,
    options: { runs: o.runs, lines: o.lines, rssBytes: o.rssBytes, rssRuns: o.rssRuns, seed: o.seed, only: o.only ?? null, formats: o.formats },
    generatorVersion: GENERATOR_VERSION,
    inputs: [...inputs.values()],
    results,
  };
  // results.json is the latest run; the dated copy keeps earlier runs for comparison.
  const text = JSON.stringify(json, null, 2) + '\n';
  const out = join(OUT_DIR, 'results.json');
  writeFileSync(out, text);
  writeFileSync(join(OUT_DIR, `results-${started.toISOString().replace(/[-:]/g, '').slice(0, 15)}.json`), text);
  process.stdout.write(`\nresults: ${out}\n`);
  return failed ? 1 : 0;
}

function renderReport(results: readonly Result[], o: Options, machine: MachineInfo, inputs: readonly InputFile[]): string {
  const lines: string[] = [];
  lines.push(`ftplog-otel benchmarks: Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, load average ${machine.loadAverage} at start`);
  for (const i of inputs) {
    lines.push(`input ${i.format}: ${i.lines.toLocaleString('en-US')} lines, ${(i.bytes / 1024 ** 2).toFixed(1)} MiB (seed ${i.seed}, generator v${GENERATOR_VERSION})`);
  }
  lines.push(`runs: ${o.runs} per scenario and format (rss-1gb: ${o.rssRuns}), taken in turns; rate = median, range = min-max; each run in a fresh process`);
  lines.push('');

  const header = ['scenario', 'format', 'rate/s', 'range', 'unit', 'CPU s', 'RSS MB', 'lost', 'vs baseline', 'target', 'result'];
  const rows: string[][] = [header];
  for (const r of results) {
    if (r.skipped !== undefined || r.error !== undefined || r.rate === undefined) {
      const why = r.skipped !== undefined ? `not available: ${r.skipped}` : `error: ${(r.error ?? 'no runs').split('\n')[0]}`;
      rows.push([r.scenario, r.format, '', '', '', '', '', '', '', '', why]);
      continue;
    }
    rows.push([
      r.scenario,
      r.format,
      formatRate(r.rate.median),
      `${formatRate(r.rate.min)}-${formatRate(r.rate.max)}`,
      r.unit,
      r.cpuSeconds !== undefined ? r.cpuSeconds.median.toFixed(2) : '',
      r.peakRssMB !== undefined ? r.peakRssMB.toFixed(0) : '',
      r.dropped !== undefined ? r.dropped.toLocaleString('en-US') : '',
      r.ratio !== undefined ? `${r.ratio.toFixed(2)}x ${r.baseline}` : r.baseline !== undefined ? `(${r.baseline} not run)` : '',
      r.target ?? '',
      r.verdict ?? '',
    ]);
  }
  lines.push(renderTable(rows, new Set([2, 5, 6, 7])));
  return lines.join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
