/**
 * Following a growing file: one log file appended at a steady rate (10,000
 * lines/s by default) while `ftplog-otel ship --follow` or the Collector's
 * filelog receiver follows it, each with its default polling, both
 * delivering to the counting receiver. The CPU the follower uses from the
 * first line written until the receiver has every line, over the lines
 * written, is the cost a line.
 *
 * The lines are those of the generated logs (bench/generate.ts), headers and
 * blank lines left out, so that each line makes exactly one record on
 * either side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executableEnv, executableNodeFlags, receiverStats, type Format } from '../harness.js';
import { generateEftLines, generateNcftpdLines } from '../generate.js';
import { appendAtRate } from '../pace.js';
import { cpuSeconds } from '../proc.js';
import { BIN, TIMEZONE, awaitRecords } from './backfill.js';
import { CollectorProcess, baseUrl } from './collector.js';

export type Side = 'ftplog-otel' | 'collector';

export interface FollowLoad {
  format: Format;
  perSecond: number;
  seconds: number;
  lines: readonly string[];
}

export interface FollowMeasured {
  written: number;
  delivered: number;
  cpuSeconds: number;
  /** From the first line written until the receiver had them all. */
  wallSeconds: number;
  cpuMsPer1000Lines: number;
  /** CPU over that time, % of one core. */
  cpuPercent: number;
}

/** Log lines of the benchmark's generated logs (same seed and options), without headers and blank lines. */
export function followLines(format: Format, count: number, seed = '1'): string[] {
  const source = format === 'eft' ? generateEftLines(Infinity, seed, { columns: 10, header: true, zone: TIMEZONE }) : generateNcftpdLines(Infinity, seed);
  const out: string[] = [];
  for (const line of source) {
    if (out.length >= count) break;
    if (line.trim() === '' || (format === 'eft' && /^time\s*[;|]/i.test(line))) continue;
    out.push(line);
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Follower {
  pid: number;
  check(): void;
  stop(): Promise<void>;
}

function startAgent(file: string, work: string, format: Format, url: string): Follower {
  const args = [BIN, 'ship', '--follow', '--quiet', '--format', format, '--timezone', TIMEZONE, '--endpoint', url, '--state-dir', join(work, 'state'), '--dead-letter', join(work, 'dead.jsonl'), file];
  const child: ChildProcess = spawn(process.execPath, [...executableNodeFlags(), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...executableEnv() } });
  // Kept for a failure message; it also says it is stopping when it is stopped.
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-8192)));
  return {
    pid: child.pid!,
    check() {
      if (child.exitCode !== null) throw new Error(`ship --follow exited (${child.exitCode}):\n${stderr}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function startCollector(binary: string, file: string, work: string, format: Format, url: string): Follower {
  const c = CollectorProcess.start(binary, { format, input: file, endpoint: baseUrl(url), storage: work });
  return { pid: c.pid, check: () => c.assertRunning(), stop: () => c.stop() };
}

/** One side following one file under the load. */
export async function followOnce(side: Side, load: FollowLoad, url: string, binary: string): Promise<FollowMeasured> {
  const work = mkdtempSync(join(tmpdir(), `ftplog-peer-follow-${side}-`));
  const file = join(work, load.format === 'eft' ? 'cl241118.log' : 'xfer.20241118');
  writeFileSync(file, '');
  const follower = side === 'collector' ? startCollector(binary, file, work, load.format, url) : startAgent(file, work, load.format, url);
  try {
    await sleep(2000); // started and watching the empty file
    follower.check();
    const before = (await receiverStats(url)).records;
    const cpu0 = cpuSeconds(follower.pid);
    const t0 = performance.now();
    const written = await appendAtRate({ files: [file], perSecond: load.perSecond, seconds: load.seconds, line: (_i, n) => load.lines[n % load.lines.length]! });
    const delivered = await awaitRecords(url, before, written, () => follower.check(), 30_000);
    const cpu = cpuSeconds(follower.pid) - cpu0;
    const wallSeconds = (performance.now() - t0) / 1000;
    return { written, delivered, cpuSeconds: cpu, wallSeconds, cpuMsPer1000Lines: (cpu * 1e6) / written, cpuPercent: (cpu / wallSeconds) * 100 };
  } finally {
    await follower.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
