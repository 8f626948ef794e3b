import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNcftpdLines } from '../../bench/generate.js';
import { Collector, collectorBinary, freePort, poll, QUIET_TELEMETRY, readExported, runFtplog, waitForExported, type CliRun } from './collector.js';

/**
 * Delivery through a real Collector: what ship counts as accepted is in the
 * fileexporter's output, whatever the Collector did in between.
 */

const TIMEZONE = 'America/Chicago';
const LINES = 20_000;

/** `n` generated NcFTPd lines, none blank (a blank line is skipped, not a record). */
function ncftpdLines(n: number, seed: string): string[] {
  const out: string[] = [];
  for (const line of generateNcftpdLines(n + 100, seed, { zone: TIMEZONE, start: '2024-06-01 00:00:00', meanGapSeconds: 5 })) {
    if (line.trim() !== '') out.push(line);
    if (out.length === n) break;
  }
  assert.equal(out.length, n);
  return out;
}

/** How often each body arrived. */
function bodyCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of readExported(file)) {
    const body = (e.record['body'] as { stringValue: string }).stringValue;
    counts.set(body, (counts.get(body) ?? 0) + 1);
  }
  return counts;
}

/** The lines that never arrived, and how many arrived more often than sent. */
function compare(lines: readonly string[], arrived: Map<string, number>): { lost: string[]; duplicates: number; sent: number } {
  const sent = new Map<string, number>();
  for (const l of lines) sent.set(l, (sent.get(l) ?? 0) + 1);
  const lost: string[] = [];
  let duplicates = 0;
  for (const [l, n] of sent) {
    const got = arrived.get(l) ?? 0;
    if (got < n) lost.push(l);
    else duplicates += got - n;
  }
  for (const l of arrived.keys()) if (!sent.has(l)) assert.fail(`arrived but never sent: ${l}`);
  return { lost, duplicates, sent: lines.length };
}

function retriesOf(run: CliRun): number {
  const m = /requests, ([\d,]+) retries/.exec(run.stderr);
  assert.ok(m, run.stderr);
  return Number(m[1]!.replace(/,/g, ''));
}

/** The Collector's OTLP receiver on `port`, over HTTP or gRPC as ship sends. */
function fileConfig(port: number, out: string, grpc: boolean, processors: Record<string, unknown> = {}): object {
  const protocol = grpc ? { grpc: { endpoint: `127.0.0.1:${port}` } } : { http: { endpoint: `127.0.0.1:${port}` } };
  return {
    receivers: { otlp: { protocols: protocol } },
    processors,
    // append: a restarted Collector adds to the file instead of truncating it.
    exporters: { file: { path: out, format: 'json', flush_interval: '100ms', append: true } },
    service: { telemetry: QUIET_TELEMETRY, pipelines: { logs: { receivers: ['otlp'], processors: Object.keys(processors), exporters: ['file'] } } },
  };
}

/** A port where the Collector was: accepts connections and drops them at once, counting them. */
async function downCollector(port: number): Promise<{ attempts: () => number; close: () => Promise<void> }> {
  let attempts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    attempts++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    attempts: () => attempts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('e2e: delivery through a real OpenTelemetry Collector', function () {
  let binary: string;
  let dir: string | undefined;
  let collector: Collector | undefined;
  let down: { close: () => Promise<void> } | undefined;
  let ship: ChildProcess | undefined;

  before(async function () {
    binary = await collectorBinary(this);
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-e2e-delivery-'));
  });

  afterEach(async () => {
    if (ship !== undefined && ship.exitCode === null) ship.kill('SIGKILL');
    ship = undefined;
    await down?.close();
    down = undefined;
    await collector?.dispose();
    collector = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  for (const protocol of ['http/protobuf', 'grpc']) {
    const grpc = protocol === 'grpc';
    it(`${protocol}: the Collector stopped and restarted in the middle of a ship of ${LINES.toLocaleString('en-US')} lines: nothing lost, duplicates only of what was in flight`, async function () {
      this.timeout(60_000);
      const lines = ncftpdLines(LINES, 'e2e-restart');
      const [a, b] = [8_000, 14_000];
      const chunk = (from: number, to: number): string => lines.slice(from, to).join('\n') + '\n';
      const port = await freePort();
      const out = join(dir!, 'out.jsonl');
      const config = fileConfig(port, out, grpc);
      collector = await Collector.start(binary, { config, readyPort: port, dir: dir! });

      const batchSize = 500;
      const maxInFlight = 4;
      const run = runFtplog(
        ['ship', '-', '--protocol', protocol, '--endpoint', `http://127.0.0.1:${port}`, '--timezone', TIMEZONE, '--batch-size', String(batchSize), '--max-in-flight', String(maxInFlight), '--batch-delay', '50ms', '--retry-initial', '50ms', '--retry-max', '250ms', '--dead-letter', join(dir!, 'dead-letter.jsonl')],
        { stdin: true, onSpawn: (child) => (ship = child) },
      );
      const stdin = ship!.stdin!;
      stdin.write(chunk(0, a));
      await waitForExported(out, a);

      // The next lines go out while the Collector shuts down: some requests may be in flight.
      stdin.write(chunk(a, b));
      assert.equal(await collector.stop(), 0, collector.output);
      // While it is down, more lines arrive and ship keeps trying: wait until it has tried twice.
      const standIn = await downCollector(port);
      down = standIn;
      stdin.write(chunk(b, LINES));
      await poll('ship to retry against the stopped Collector', () => (standIn.attempts() >= 2 ? true : undefined));
      await standIn.close();
      down = undefined;
      collector = await Collector.start(binary, { config, readyPort: port, dir: dir! });
      stdin.end();

      const result = await run;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /20,000 records/);
      assert.match(result.stderr, /accepted 20,000, rejected by collector 0, dead-lettered 0, not delivered 0;/);
      assert.ok(retriesOf(result) >= 2, result.stderr);

      await waitForExported(out, LINES);
      assert.equal(await collector.stop(), 0, collector.output);
      const { lost, duplicates } = compare(lines, bodyCounts(out));
      assert.deepEqual(lost, []);
      assert.ok(duplicates <= batchSize * maxInFlight, `${duplicates} duplicates, more than the ${batchSize * maxInFlight} records that can be in flight`);
      assert.equal(readExported(out).length, LINES + duplicates);
    });

    it(`${protocol}: memory_limiter refusing under pressure: ship retries and all ${LINES.toLocaleString('en-US')} records arrive once`, async function () {
      this.timeout(60_000);
      const lines = ncftpdLines(LINES, 'e2e-memory');
      const input = join(dir!, 'xfer.log');
      writeFileSync(input, lines.join('\n') + '\n');
      const port = await freePort();
      const out = join(dir!, 'out.jsonl');
      // With the Go garbage collector off, every request's garbage stays on the
      // heap until memory_limiter forces a collection at its hard limit (16 MiB);
      // above the soft limit (8 MiB) it refuses data, and ship must retry.
      const config = fileConfig(port, out, grpc, { memory_limiter: { check_interval: '20ms', limit_mib: 16, spike_limit_mib: 8 } });
      collector = await Collector.start(binary, { config, readyPort: port, dir: dir!, env: { GOGC: 'off' } });

      const result = await runFtplog(['ship', input, '--protocol', protocol, '--endpoint', `http://127.0.0.1:${port}`, '--timezone', TIMEZONE, '--batch-size', '1000', '--retry-initial', '20ms', '--retry-max', '200ms', '--dead-letter', join(dir!, 'dead-letter.jsonl')]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /accepted 20,000, rejected by collector 0, dead-lettered 0, not delivered 0;/);
      assert.ok(retriesOf(result) >= 1, `memory_limiter never refused:\n${result.stderr}`);
      assert.match(collector.output, /Memory usage is above hard limit/);

      await waitForExported(out, LINES);
      assert.equal(await collector.stop(), 0, collector.output);
      // A refused request never reaches the exporter: every record exactly once.
      const { lost, duplicates } = compare(lines, bodyCounts(out));
      assert.deepEqual(lost, []);
      assert.equal(duplicates, 0);
      assert.equal(readExported(out).length, LINES);
    });
  }
});
