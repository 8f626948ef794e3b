/**
 * Shared machinery of the benchmarks: what a scenario child reports, how the
 * runner starts children and reads their reports, cached generated inputs,
 * statistics and the printed table.
 *
 * Every scenario runs in a fresh child process so that its CPU time and peak
 * RSS are its own. A child prints exactly one JSON line (a ChildReport) on
 * stdout; anything else it has to say goes to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GENERATOR_VERSION, writeLogFile, type GeneratorFormat } from './generate.js';
import type { FtpdGeneratorFormat } from './generate-ftpd.js';

export type Format = GeneratorFormat | FtpdGeneratorFormat;
/** The formats of the published figures: their inputs stay as they are. */
export const FORMATS: readonly GeneratorFormat[] = ['eft', 'ncftpd'];
/** Every format the project reads; the runner's --formats picks among them. */
export const ALL_FORMATS: readonly Format[] = ['eft', 'ncftpd', 'xferlog', 'vsftpd'];

/** dist/bench/ at run time. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The project root (dist/bench/../..). */
export const ROOT = resolve(BENCH_DIR, '..', '..');
/** Generated inputs and results; git-ignored. */
export const OUT_DIR = join(ROOT, 'bench', 'out');

// ---------------------------------------------------------------------------
// Child side

/** What a scenario function counts. */
export interface Counts {
  /** Input lines read. */
  lines: number;
  /** Records produced (emitted to a sink or an exporter). */
  records: number;
  /** Records emitted but never received (only for scenarios that export). */
  dropped?: number;
  /** Anything else worth keeping in results.json (requests, bytes sent...). */
  extra?: Record<string, number | string>;
}

/** The JSON line a scenario child prints on stdout. */
export interface ChildReport extends Counts {
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** process.resourceUsage().maxRSS / 1024: peak RSS of the whole child process. */
  maxRssMB: number;
  /** Set instead of measurements when the scenario cannot run yet. */
  skipped?: string;
}

/** Thrown by a scenario that the project cannot run yet; the runner prints the reason and moves on. */
export class NotAvailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotAvailableError';
  }
}

/** Lets a scenario exclude its setup (imports, connections) from the measurement. */
export interface MeasureContext {
  /** Restarts the wall clock and the CPU counters. */
  start(): void;
  /**
   * Stops them (the first call counts): for the work a scenario does after
   * its measured part, such as asking the receiver what arrived.
   */
  stop(): void;
}

/**
 * Runs one scenario in this (child) process and prints its ChildReport.
 * Wall and CPU time run from `ctx.start()` (or the call) to `ctx.stop()` (or
 * the scenario's end); peak RSS covers the whole process.
 */
export async function measure(run: (ctx: MeasureContext) => Promise<Counts>): Promise<void> {
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  let stopped: { wallMs: number; cpu: NodeJS.CpuUsage } | undefined;
  const stop = (): { wallMs: number; cpu: NodeJS.CpuUsage } => (stopped ??= { wallMs: performance.now() - t0, cpu: process.cpuUsage(cpu0) });
  const ctx: MeasureContext = {
    start() {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      stopped = undefined;
    },
    stop() {
      stop();
    },
  };
  let report: ChildReport;
  try {
    const counts = await run(ctx);
    const { wallMs, cpu } = stop();
    report = {
      ...counts,
      wallMs: round(wallMs, 1),
      cpuUserMs: round(cpu.user / 1000, 1),
      cpuSystemMs: round(cpu.system / 1000, 1),
      maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  } catch (err) {
    if (!(err instanceof NotAvailableError)) throw err;
    report = { lines: 0, records: 0, wallMs: 0, cpuUserMs: 0, cpuSystemMs: 0, maxRssMB: 0, skipped: err.message };
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ---------------------------------------------------------------------------
// Runner side: children

export interface ChildSpec {
  /**
   * A program to run instead of node, which prints a ChildReport line itself
   * (the Perl baseline). Exit code 3, or the program missing, means the
   * scenario is not available here.
   */
  command?: string;
  /** Arguments after the node executable (or `command`). */
  args: string[];
  /** Node/V8 flags before the arguments (project scenarios: the executable's own). */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * The child is an external program (the CLI) that does not print a report:
   * its stdout goes to /dev/null, wall time is measured around the process,
   * CPU and RSS come from the usage preload, and lines/records from `counts`.
   */
  external?: {
    counts: Counts;
    /** Count the lines the program prints instead of sending them to /dev/null (used by probes). */
    countOutput?: boolean;
    /** The fewest lines the probe must see printed for a 40-line example log. @default one per line, less 2 */
    minOutputLines?: number;
  };
  timeoutMs?: number;
}

const USAGE_PRELOAD = join(BENCH_DIR, 'usage-preload.js');

/**
 * The node flags on the first line of the installed executable
 * (`#!/usr/bin/env -S node --flag ...`), so project scenarios run under the
 * same V8 settings as `ftplog-otel` itself.
 */
export function executableNodeFlags(): string[] {
  return executableShebang().flags;
}

/** Environment assignments the executable's `#!/usr/bin/env -S NAME=value node ...` line makes. */
export function executableEnv(): Record<string, string> {
  return executableShebang().env;
}

function executableShebang(): { env: Record<string, string>; flags: string[] } {
  try {
    const first = readFileSync(join(ROOT, 'dist', 'src', 'cli', 'bin.js'), 'utf8').split('\n', 1)[0]!;
    const m = /^#!\S*env\s+(?:-S\s+)?((?:\w+=\S*\s+)*)node\s+(.*)$/.exec(first);
    if (m === null) return { env: {}, flags: [] };
    const env: Record<string, string> = {};
    for (const a of m[1]!.trim().split(/\s+/).filter((x) => x.includes('='))) {
      const eq = a.indexOf('=');
      env[a.slice(0, eq)] = a.slice(eq + 1);
    }
    return { env, flags: m[2]!.trim().split(/\s+/).filter((f) => f.startsWith('--')) };
  } catch {
    return { env: {}, flags: [] };
  }
}

/** Exit code of a `command` whose prerequisites are missing. */
const NOT_AVAILABLE_EXIT = 3;

/** Starts one child, waits for it, and returns its report. */
export async function runChild(spec: ChildSpec): Promise<ChildReport> {
  const timeoutMs = spec.timeoutMs ?? 20 * 60_000;
  if (spec.external !== undefined) return runExternal(spec, spec.external.counts, spec.external.countOutput === true, timeoutMs);

  const { command } = spec;
  const child = spawn(command ?? process.execPath, command !== undefined ? spec.args : [...(spec.nodeFlags ?? []), ...spec.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: spec.env ?? process.env,
  });
  let result: { code: number | null; stdout: string; stderr: string };
  try {
    result = await collect(child, timeoutMs);
  } catch (err) {
    if (command !== undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotAvailableError(`${command} is not installed`);
    throw err;
  }
  const { code, stdout, stderr } = result;
  if (command !== undefined && code === NOT_AVAILABLE_EXIT) {
    throw new NotAvailableError(stderr.trim().split('\n')[0] || `${command} exited with code ${NOT_AVAILABLE_EXIT}`);
  }
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`child exited with code ${code}: ${command ?? 'node'} ${spec.args.join(' ')}\n${tail(stderr)}`);
  }
  return JSON.parse(last) as ChildReport;
}

async function runExternal(spec: ChildSpec, counts: Counts, countOutput: boolean, timeoutMs: number): Promise<ChildReport> {
  const usageFile = join(tmpdir(), `ftplog-bench-usage-${process.pid}-${Date.now()}.json`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), '--import', pathToFileURL(USAGE_PRELOAD).href, ...spec.args], {
    stdio: ['ignore', countOutput ? 'pipe' : 'ignore', 'pipe'],
    env: { ...(spec.env ?? process.env), FTPLOG_BENCH_USAGE_FILE: usageFile },
  });
  const { code, stdout, stderr } = await collect(child, timeoutMs);
  const wallMs = performance.now() - t0;
  try {
    if (code !== 0) {
      const first = stderr.trim().split('\n')[0] ?? '';
      return { ...zeroReport(), skipped: `exit code ${code}${first !== '' ? `: ${first}` : ''}` };
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Pick<ChildReport, 'cpuUserMs' | 'cpuSystemMs' | 'maxRssMB'>;
    const extra = countOutput ? { ...counts.extra, outputLines: stdout.split('\n').filter((l) => l !== '').length } : counts.extra;
    return { ...counts, ...(extra !== undefined ? { extra } : {}), wallMs: round(wallMs, 1), ...usage };
  } finally {
    rmSync(usageFile, { force: true });
  }
}

function zeroReport(): ChildReport {
  return { lines: 0, records: 0, wallMs: 0, cpuUserMs: 0, cpuSystemMs: 0, maxRssMB: 0 };
}

function collect(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function tail(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-15).join('\n');
}

// ---------------------------------------------------------------------------
// Runner side: the counting OTLP receiver

export interface ReceiverHandle {
  /** OTLP/HTTP logs endpoint, e.g. http://127.0.0.1:40123/v1/logs */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts bench/receiver.js in a sibling process, so that its CPU and memory
 * are not charged to the scenario it serves.
 */
export async function startReceiver(): Promise<ReceiverHandle> {
  const child = spawn(process.execPath, [join(BENCH_DIR, 'receiver.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePromise, reject) => {
    let buf = '';
    const onData = (d: string): void => {
      buf += d;
      const m = /listening (\d+)/.exec(buf);
      if (m !== null) {
        child.stdout?.off('data', onData);
        resolvePromise(Number(m[1]));
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`receiver exited early (code ${code})`)));
    child.once('error', reject);
  });
  child.stdout?.resume();
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise();
        child.once('exit', () => resolvePromise());
        child.kill('SIGTERM');
      }),
  };
}

export interface ReceiverStats {
  requests: number;
  records: number;
  bytes: number;
  errors: number;
}

/** Reads the receiver's counters (from a scenario child). */
export async function receiverStats(url: string): Promise<ReceiverStats> {
  const res = await fetch(new URL('/stats', url));
  if (!res.ok) throw new Error(`receiver /stats answered ${res.status}`);
  return (await res.json()) as ReceiverStats;
}

// ---------------------------------------------------------------------------
// Runner side: generated inputs

export interface InputFile {
  path: string;
  format: Format;
  lines: number;
  bytes: number;
  seed: string;
}

interface InputMeta {
  generatorVersion: number;
  format: Format;
  seed: string;
  lines: number;
  bytes: number;
}

/**
 * Returns a generated log, from bench/out/ when a file with the same format,
 * size, seed and generator version is there, else generated now.
 */
export async function ensureInput(format: Format, size: { lines: number } | { bytes: number }, seed: string): Promise<InputFile> {
  mkdirSync(OUT_DIR, { recursive: true });
  const sizeTag = 'lines' in size ? `${size.lines}l` : `${size.bytes}b`;
  const path = join(OUT_DIR, `${format}-${sizeTag}-s${seed}-g${GENERATOR_VERSION}.log`);
  const metaPath = path + '.json';
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as InputMeta;
      if (meta.generatorVersion === GENERATOR_VERSION && statSync(path).size === meta.bytes) {
        return { path, format, lines: meta.lines, bytes: meta.bytes, seed };
      }
    } catch {
      // regenerate below
    }
  }
  const what = 'lines' in size ? `${size.lines.toLocaleString('en-US')} lines` : `${(size.bytes / 1024 ** 2).toFixed(0)} MiB`;
  process.stderr.write(`generating ${format} input (${what}, seed ${seed}) -> ${path}\n`);
  const t0 = performance.now();
  const result = await writeLogFile(path, {
    format,
    lines: 'lines' in size ? size.lines : Infinity,
    ...('bytes' in size ? { bytes: size.bytes } : {}),
    seed,
    // Ten columns and a header: the heavier of the EFT layouts, and the header path is exercised.
    eft: { columns: 10, header: true, zone: 'America/Chicago' },
  });
  const meta: InputMeta = { generatorVersion: GENERATOR_VERSION, format, seed, lines: result.lines, bytes: result.bytes };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');
  process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { path, format, lines: result.lines, bytes: result.bytes, seed };
}

// ---------------------------------------------------------------------------
// Statistics and formatting

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]! };
}

/** 3.12M, 845k, 950 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(0)}k`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: round(loadavg()[0] ?? 0, 2),
  };
}

/** Renders rows as an aligned text table; the first row is the header. */
export function renderTable(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join('\n');
}
