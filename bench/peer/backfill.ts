/**
 * Backfill: the 1M-line generated log of one format read from its first
 * line to its last and delivered to the counting receiver, once by
 * `ftplog-otel ship` (the flags of the main benchmark figure: worker
 * threads, auto) and once by the Collector (filelog from the beginning).
 *
 * `ship` exits once every record is accepted; its CPU time and peak RSS come
 * from its own rusage at exit (bench/usage-preload.ts). The Collector never
 * exits, so it is done when the receiver has counted as many records as
 * `ship` delivered; its CPU time and VmHWM are read from /proc at that
 * moment, before it is stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, executableEnv, executableNodeFlags, receiverStats, runChild, type InputFile } from '../harness.js';
import { CollectorProcess, baseUrl } from './collector.js';

export const TIMEZONE = 'America/Chicago';
export const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

/** One side's figures for one run. */
export interface Measured {
  cpuSeconds: number;
  peakRssMB: number;
  wallSeconds: number;
  records: number;
  /** Records counted once the process had stopped (the Collector may deliver more than expected). */
  recordsAtEnd?: number;
}

/** `ftplog-otel ship FILE` as the main benchmark figure runs it, under the executable's own node flags. */
export async function shipOnce(input: InputFile, url: string): Promise<Measured> {
  const work = mkdtempSync(join(tmpdir(), 'ftplog-peer-ship-'));
  try {
    const before = (await receiverStats(url)).records;
    const args = [BIN, 'ship', '--workers', 'auto', '--format', input.format, '--timezone', TIMEZONE, '--endpoint', url, '--quiet', '--dead-letter', join(work, 'dead.jsonl'), input.path];
    const report = await runChild({ args, nodeFlags: executableNodeFlags(), env: { ...process.env, ...executableEnv() }, external: { counts: { lines: input.lines, records: 0 } } });
    if (report.skipped !== undefined) throw new Error(`ship failed: ${report.skipped}`);
    const records = (await receiverStats(url)).records - before;
    return { cpuSeconds: (report.cpuUserMs + report.cpuSystemMs) / 1000, peakRssMB: report.maxRssMB, wallSeconds: report.wallMs / 1000, records };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the receiver until `target` records have arrived since `before`;
 * throws when the count stops moving for `stallMs` or `check` throws.
 */
export async function awaitRecords(url: string, before: number, target: number, check: () => void, stallMs = 60_000): Promise<number> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    check();
    const got = (await receiverStats(url)).records - before;
    if (got >= target) return got;
    if (got !== last) {
      last = got;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > stallMs) {
      throw new Error(`stalled at ${got} of ${target} records`);
    }
    await sleep(50);
  }
}

/** The Collector reading `input` from its beginning until `expected` records have arrived. */
export async function collectorOnce(binary: string, input: InputFile, url: string, expected: number): Promise<Measured> {
  const storage = mkdtempSync(join(tmpdir(), 'ftplog-peer-otelcol-'));
  const before = (await receiverStats(url)).records;
  const t0 = performance.now();
  const collector = CollectorProcess.start(binary, { format: input.format, input: input.path, endpoint: baseUrl(url), storage });
  let measured: Measured;
  try {
    const records = await awaitRecords(url, before, expected, () => collector.assertRunning());
    const wallSeconds = (performance.now() - t0) / 1000;
    measured = { cpuSeconds: collector.cpuSeconds(), peakRssMB: collector.peakRssMB(), wallSeconds, records };
  } finally {
    await collector.stop();
    rmSync(storage, { recursive: true, force: true });
  }
  return { ...measured, recordsAtEnd: (await receiverStats(url)).records - before };
}
