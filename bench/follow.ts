/**
 * Follow-mode benchmarks: the agent (`ship --follow`) as a child process,
 * its CPU and memory read from /proc, against the project's receiver in
 * this process.
 *
 *   latency   one line appended every 50 ms to a followed file: time until
 *             the receiver has it (default settings), p50/p99/max
 *   idle      100 followed files, nothing written: CPU (% of one core) and
 *             peak RSS over the window
 *   steady    10,000 lines/s appended to 4 files: the agent's CPU, and that
 *             every line arrived
 *   backfill  a folder of old files (1M generated lines per format): the
 *             follow source against plain `ship` (worker threads, as users
 *             run it, and --workers 0, the same one thread), in turns,
 *             median of runs
 *
 *   node dist/bench/follow.js [--quick] [--only latency,idle,...] [--runs N]
 *
 * Linux only (reads /proc). Results also go to bench/out/follow.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startReceiver as startOtlpReceiver, type OtlpReceiver } from '../src/receiver/receiver.js';
import { OUT_DIR, ROOT, ensureInput, formatRate, machineInfo, renderTable, receiverStats, round, startReceiver, summarize, type ReceiverHandle } from './harness.js';
import { appendAtRate } from './pace.js';
import { cpuSeconds, rssMB } from './proc.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Row {
  scenario: string;
  figure: string;
  value: number;
  unit: string;
  target: string;
  met: boolean | undefined;
}

/** A line numbered `n` of followed file `tag`: its path carries both. */
function xferLine(tag: string, n: number): string {
  const s = String(n % 60).padStart(2, '0');
  return `2024-11-18 08:12:${s} #u1     | R,/home/ftp/${tag}-${n}.txt,1000,0.5,2.0,webadmin,,130.1.226.47,,OK,A,Ps,1731939176,ZztLUwABDLAA,1000,0,\n`;
}

function agent(endpoint: string, state: string, patterns: string[], extra: string[] = []): ChildProcess {
  const args = [BIN, 'ship', '--follow', '--quiet', '--endpoint', endpoint, '--timezone', 'UTC', '--state-dir', state, '--dead-letter', join(state, 'dead.jsonl'), ...extra, ...patterns];
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  await exited;
}

async function until(pred: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function received(receiver: OtlpReceiver): { count: () => number; onRecord: (f: (path: string, at: number) => void) => void } {
  let count = 0;
  const listeners: ((path: string, at: number) => void)[] = [];
  receiver.on('records', (records: { attributes: Record<string, unknown> }[]) => {
    const at = performance.now();
    count += records.length;
    for (const r of records) for (const l of listeners) l(String(r.attributes['file.path']), at);
  });
  return { count: () => count, onRecord: (f) => listeners.push(f) };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function latency(work: string, quick: boolean): Promise<Row[]> {
  const receiver = await startOtlpReceiver({ retain: false });
  const seen = received(receiver);
  const sent = new Map<number, number>();
  const delays: number[] = [];
  seen.onRecord((path, at) => {
    const n = Number(/lat-(\d+)\.txt$/.exec(path)?.[1]);
    const t = sent.get(n);
    if (t !== undefined) delays.push(at - t);
  });
  const f = join(work, 'xfer.log');
  writeFileSync(f, '');
  const child = agent(receiver.url, join(work, 'state'), [f]);
  try {
    await sleep(1500); // started and watching
    const lines = quick ? 100 : 600;
    for (let n = 0; n < lines; n++) {
      sent.set(n, performance.now());
      appendFileSync(f, xferLine('lat', n));
      await sleep(50);
    }
    await until(() => delays.length >= lines, `${lines} lines`, 10_000);
  } finally {
    await stop(child);
    await receiver.close();
  }
  const p99 = percentile(delays, 99);
  return [
    { scenario: 'latency', figure: 'p50', value: round(percentile(delays, 50), 0), unit: 'ms', target: '', met: undefined },
    { scenario: 'latency', figure: 'p99', value: round(p99, 0), unit: 'ms', target: '≤ 1000 ms', met: p99 <= 1000 },
    { scenario: 'latency', figure: 'max', value: round(Math.max(...delays), 0), unit: 'ms', target: '', met: undefined },
  ];
}

/** CPU (% of one core) and peak RSS of `pid` over `ms`, sampled every second. */
async function usage(pid: number, ms: number): Promise<{ cpuPct: number; rssMB: number }> {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  let peak = rssMB(pid);
  while (performance.now() - t0 < ms) {
    await sleep(Math.min(1000, ms - (performance.now() - t0)));
    peak = Math.max(peak, rssMB(pid));
  }
  return { cpuPct: ((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100, rssMB: peak };
}

async function idle(work: string, quick: boolean): Promise<Row[]> {
  const receiver = await startOtlpReceiver({ retain: false });
  const seen = received(receiver);
  const logs = join(work, 'logs');
  mkdirSync(logs);
  for (let i = 0; i < 100; i++) {
    let t = '';
    for (let n = 0; n < 10; n++) t += xferLine(`f${i}`, n);
    writeFileSync(join(logs, `xfer.${String(i).padStart(3, '0')}`), t);
  }
  const child = agent(receiver.url, join(work, 'state'), [join(logs, 'xfer.*')]);
  let u: { cpuPct: number; rssMB: number };
  try {
    await until(() => seen.count() >= 1000, '1,000 records', 30_000);
    await sleep(2000); // the last checkpoint flush and settling done
    u = await usage(child.pid!, quick ? 10_000 : 60_000);
  } finally {
    await stop(child);
    await receiver.close();
  }
  const bare = await bareNodeRss();
  return [
    { scenario: 'idle 100 files', figure: 'cpu', value: round(u.cpuPct, 2), unit: '% core', target: '< 1 %', met: u.cpuPct < 1 },
    { scenario: 'idle 100 files', figure: 'peak rss', value: round(u.rssMB, 1), unit: 'MB', target: '≤ 80 MB', met: u.rssMB <= 80 },
    { scenario: 'idle 100 files', figure: 'rss of a bare node', value: round(bare, 1), unit: 'MB', target: '', met: undefined },
  ];
}

/** RSS of a Node process that only waits: the floor under any agent written for Node. */
async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    await sleep(2000);
    return rssMB(child.pid!);
  } finally {
    await stop(child);
  }
}

async function steady(work: string, quick: boolean): Promise<Row[]> {
  const receiver = await startOtlpReceiver({ retain: false });
  const seen = received(receiver);
  const logs = join(work, 'logs');
  mkdirSync(logs);
  const files = [0, 1, 2, 3].map((i) => join(logs, `xfer.${i}`));
  for (const f of files) writeFileSync(f, '');
  const child = agent(receiver.url, join(work, 'state'), [join(logs, 'xfer.*')]);
  const seconds = quick ? 10 : 30;
  let written = 0;
  let u: { cpuPct: number; rssMB: number } | undefined;
  try {
    await sleep(1500);
    // 10,000 lines/s: 1,000 every 100 ms, 250 to each file.
    const measuring = sleep(3000).then(() => usage(child.pid!, (seconds - 4) * 1000));
    written = await appendAtRate({ files, perSecond: 10_000, seconds, line: (i, n) => xferLine(`s${i}`, Math.floor(n / files.length)).slice(0, -1) });
    u = await measuring;
    await until(() => seen.count() >= written, `${written} records`, 30_000);
  } finally {
    await stop(child);
    await receiver.close();
  }
  return [
    { scenario: 'steady 10k lines/s', figure: 'cpu', value: round(u.cpuPct, 1), unit: '% core', target: '≤ 10 %', met: u.cpuPct <= 10 },
    { scenario: 'steady 10k lines/s', figure: 'peak rss', value: round(u.rssMB, 1), unit: 'MB', target: '', met: undefined },
    { scenario: 'steady 10k lines/s', figure: 'delivered', value: seen.count(), unit: `of ${written}`, target: 'all', met: seen.count() === written },
  ];
}

/** Seconds until `records` have arrived at the counting receiver, from the agent's start. */
async function timedFollow(receiver: ReceiverHandle, records: number, start: () => ChildProcess): Promise<number> {
  const before = (await receiverStats(receiver.url)).records;
  const t0 = performance.now();
  const child = start();
  try {
    await until(async () => (await receiverStats(receiver.url)).records - before >= records, `${records} records`, 600_000);
    return (performance.now() - t0) / 1000;
  } finally {
    await stop(child);
  }
}

/** Seconds a plain `ship` takes to deliver everything and exit 0, and how many records reached the receiver. */
async function timedShip(receiver: ReceiverHandle, args: string[]): Promise<{ seconds: number; records: number }> {
  const before = (await receiverStats(receiver.url)).records;
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'ship', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((r) => child.once('close', r));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`ship exited ${code}`);
  return { seconds, records: (await receiverStats(receiver.url)).records - before };
}

async function backfill(work: string, quick: boolean, runs: number): Promise<Row[]> {
  const lines = quick ? 100_000 : 1_000_000;
  const inputs = [await ensureInput('eft', { lines }, '1'), await ensureInput('ncftpd', { lines }, '1')];
  const logs = join(work, 'logs');
  mkdirSync(logs);
  for (const i of inputs) symlinkSync(i.path, join(logs, i.format === 'eft' ? 'cl241118.log' : 'xfer.20241118'));
  const receiver = await startReceiver();
  const secs = { follow: [] as number[], ship: [] as number[], ship0: [] as number[] };
  let records = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const common = ['--quiet', '--endpoint', receiver.url, '--timezone', 'UTC', '--dead-letter', join(work, 'dead.jsonl')];
      // ship exits when every record is accepted: it says how many the follow agent must deliver.
      const s0 = await timedShip(receiver, ['--workers', '0', ...common, logs]);
      const s = await timedShip(receiver, [...common, logs]);
      if (s0.records !== s.records || (records !== 0 && s.records !== records)) throw new Error(`ship delivered ${s0.records} and ${s.records} records`);
      records = s.records;
      secs.ship0.push(s0.seconds);
      secs.ship.push(s.seconds);
      secs.follow.push(await timedFollow(receiver, records, () => agent(receiver.url, join(work, `state-${run}`), [logs])));
    }
  } finally {
    await receiver.stop();
  }
  const rate = (x: number[]): number => records / summarize(x).median;
  const f = rate(secs.follow);
  const s = rate(secs.ship);
  const s0 = rate(secs.ship0);
  const scenario = `backfill ${formatRate(records)} records`;
  return [
    { scenario, figure: 'follow', value: round(f, 0), unit: 'records/s', target: '', met: undefined },
    { scenario, figure: 'ship (workers auto)', value: round(s, 0), unit: 'records/s', target: '', met: undefined },
    { scenario, figure: 'ship --workers 0', value: round(s0, 0), unit: 'records/s', target: '', met: undefined },
    // The target is against ship as users run it (worker threads for large inputs); the follow source reads on the main thread.
    { scenario, figure: 'follow / ship (auto)', value: round(f / s, 2), unit: '×', target: '≥ 0.9', met: f / s >= 0.9 },
    { scenario, figure: 'follow / ship --workers 0', value: round(f / s0, 2), unit: '×', target: '', met: undefined },
  ];
}

const SCENARIOS = ['latency', 'idle', 'steady', 'backfill'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, runs: { type: 'string' } } });
  const quick = values.quick === true;
  const only = values.only?.split(',') ?? [...SCENARIOS];
  const runs = values.runs !== undefined ? Number(values.runs) : quick ? 1 : 3;
  const rows: Row[] = [];
  for (const name of SCENARIOS) {
    if (!only.includes(name)) continue;
    const work = mkdtempSync(join(tmpdir(), `ftplog-bench-follow-${name}-`));
    process.stderr.write(`follow bench: ${name}\n`);
    try {
      if (name === 'latency') rows.push(...(await latency(work, quick)));
      if (name === 'idle') rows.push(...(await idle(work, quick)));
      if (name === 'steady') rows.push(...(await steady(work, quick)));
      if (name === 'backfill') rows.push(...(await backfill(work, quick, runs)));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const table = [['scenario', 'figure', 'value', 'unit', 'target', 'met'], ...rows.map((r) => [r.scenario, r.figure, r.value.toLocaleString('en-US'), r.unit, r.target, r.met === undefined ? '' : r.met ? 'yes' : 'NO'])];
  process.stdout.write(`\nFollow mode (${quick ? 'quick' : 'full'}; backfill median of ${runs})\n${renderTable(table, new Set([2]))}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'follow.json'), JSON.stringify({ at: new Date().toISOString(), machine: machineInfo(), quick, rows }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`follow bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
