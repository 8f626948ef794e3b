/**
 * The stream contract of every stage, as Node's own stream tests check it:
 * 'close' exactly once, nothing ('data', 'end', 'finish') after destroy(),
 * and the timers, sockets, files and threads a stage held released once it
 * has closed, whether it ended or was destroyed mid-way.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable, type Duplex, type Stream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { splitLines, parse, enrich, logRecords, loggerSink, toJsonLines, fromJsonLines, readLogs, readLogsParallel, otlpSink, resolveOtlpConfig } from '../../src/index.js';
import type { FtpLogRecord } from '../../src/index.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { eftLines } from '../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

/** Resources that keep a process alive (Mocha's own are the same before and after). */
function held(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) if (r !== 'TTYWrap') m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/** What is held once the test runner has set its own timers (after one turn). */
async function baseline(): Promise<Map<string, number>> {
  await new Promise((r) => setTimeout(r, 1));
  return held();
}

/** Waits until the resources held are those of `before` (a closed socket or thread goes away on a later turn). */
async function released(before: Map<string, number>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const now = held();
    if ([...new Set([...before.keys(), ...now.keys()])].every((k) => (now.get(k) ?? 0) <= (before.get(k) ?? 0))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(Object.fromEntries(held()), Object.fromEntries(before));
}

/** Counts a stream's events, and those that come after destroy(). */
function watch(s: Stream): { close: number; after: string[]; destroyed: () => void } {
  const w = { close: 0, after: [] as string[], destroyed: () => {} };
  let gone = false;
  w.destroyed = () => (gone = true);
  s.on('close', () => w.close++);
  for (const ev of ['data', 'end', 'finish']) s.on(ev, () => gone && w.after.push(ev));
  s.on('error', () => {});
  return w;
}

/** Destroys a reader once it has something to read: 'close' once, nothing after, and what it held released. */
async function destroyedMidway(r: Readable, before: Map<string, number>): Promise<void> {
  const w = watch(r);
  await once(r, 'readable');
  r.destroy();
  w.destroyed();
  await once(r, 'close');
  assert.equal(w.close, 1);
  assert.deepEqual(w.after, []);
  await released(before);
}

async function records(n: number): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  for await (const r of Readable.from([Buffer.from(eftLines(n))]).pipe(logRecords({ timezone: 'UTC', now: () => NOW, file: 'a.log' }))) out.push(r as FtpLogRecord);
  return out;
}

describe('stage lifecycle', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-life-'));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const transforms: [string, () => Duplex, () => Promise<unknown>][] = [
    ['splitLines', () => splitLines(), async () => Buffer.from(eftLines(3))],
    ['parse', () => parse(), async () => ({ text: eftLines(1).trimEnd(), position: { line: 1, offset: 10 } })],
    ['enrich', () => enrich({ timezone: 'UTC' }), async () => ({ kind: 'error', format: 'eft', reason: 'x', line: { text: 'x', position: { line: 1, offset: 2 } } })],
    ['logRecords', () => logRecords({ timezone: 'UTC' }), async () => Buffer.from(eftLines(3))],
    ['toJsonLines', () => toJsonLines(), async () => (await records(1))[0]],
    ['fromJsonLines', () => fromJsonLines(), async () => Buffer.from('{"body":"x"}\n')],
  ];

  for (const [name, make, input] of transforms) {
    it(`${name}: 'close' once after it ends, once after destroy(), nothing after destroy()`, async () => {
      const chunk = await input();
      const a = make();
      const wa = watch(a);
      a.resume();
      a.end(chunk);
      await once(a, 'close');
      assert.equal(wa.close, 1);

      const b = make();
      const wb = watch(b);
      b.resume();
      b.write(chunk);
      b.destroy();
      wb.destroyed();
      b.end();
      await once(b, 'close');
      await new Promise((r) => setImmediate(r));
      assert.equal(wb.close, 1);
      assert.deepEqual(wb.after, []);
      assert.equal(b.destroyed, true);
    });
  }

  it("loggerSink: 'close' once, nothing after destroy()", async () => {
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() })] });
    const s = loggerSink({ loggerProvider: provider });
    const w = watch(s);
    s.write((await records(1))[0]);
    s.destroy();
    w.destroyed();
    await once(s, 'close');
    await new Promise((r) => setImmediate(r));
    assert.equal(w.close, 1);
    assert.deepEqual(w.after, []);
    await provider.shutdown();
  });

  it('readLogs: closes its file when destroyed mid-way, and when it ends', async () => {
    const f = join(dir, 'a.log');
    writeFileSync(f, eftLines(50_000));
    const before = await baseline();
    await destroyedMidway(readLogs([f], { timezone: 'UTC' }), before);
    const all = readLogs([f], { timezone: 'UTC' });
    let n = 0;
    for await (const _ of all) n++;
    assert.equal(n, 50_000);
    await released(before);
  });

  it('readLogsParallel: ends its threads when destroyed mid-way, and when it ends', async () => {
    const f = join(dir, 'a.log');
    writeFileSync(f, eftLines(50_000));
    const before = await baseline();
    await destroyedMidway(readLogsParallel([f], { output: 'jsonl', workers: 2, timezone: 'UTC' }), before);
    let bytes = 0;
    for await (const c of readLogsParallel([f], { output: 'jsonl', workers: 2, timezone: 'UTC' })) bytes += (c as Buffer).length;
    assert.ok(bytes > 0);
    await released(before);
  });

  it('otlpSink: releases its timers and sockets when it finishes, and when destroyed with requests in flight', async () => {
    const before = await baseline();
    const make = () =>
      otlpSink({
        config: resolveOtlpConfig({ endpoint: receiver.url, timeoutMs: 5000 }, {}),
        resource: {},
        deadLetter: join(dir, 'dead.jsonl'),
        backoff: { initialMs: 10, maxMs: 50 },
      });
    const done = make();
    const wd = watch(done);
    await pipeline(Readable.from(await records(100)), done);
    assert.equal(wd.close, 1);
    await released(before);

    receiver.setBehavior({ delayMs: 2000 });
    const s = make();
    const w = watch(s);
    for (const r of await records(3000)) s.write(r);
    await receiver.waitForRequests(0);
    while (s.stats.inFlight === 0) await new Promise((r) => setImmediate(r));
    s.destroy();
    w.destroyed();
    await once(s, 'close');
    await new Promise((r) => setImmediate(r));
    assert.equal(w.close, 1);
    assert.deepEqual(w.after, []);
    assert.equal(s.stats.deadLettered, 3000);
    receiver.setBehavior({});
    await receiver.close();
    await released(before);
  });
});
