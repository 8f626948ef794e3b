/**
 * The sink against collectors that misbehave: answers that never end,
 * refusals mid-run, nonsense partial-success counts, long Retry-After
 * values, and shutdowns with records still queued.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpSink, type OtlpSinkOptions, type AckInfo, type SettledProgress } from '../../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';
import { logRecords } from '../../../src/transforms/log-records.js';
import { startReceiver, sequence, type OtlpReceiver } from '../../../src/receiver/receiver.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { eftLines } from '../../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

function records(n: number, file = 'cl241118.log', first = 0): Readable {
  return Readable.from([Buffer.from(eftLines(n, first))]).pipe(logRecords({ timezone: 'UTC', file, now: () => NOW }));
}

async function collect(r: Readable): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  for await (const x of r) out.push(x as FtpLogRecord);
  return out;
}

describe('otlpSink against misbehaving collectors', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-hard-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sink(over: Partial<OtlpSinkOptions> & { protocol?: string; timeoutMs?: number } = {}) {
    const { protocol, timeoutMs, ...rest } = over;
    return otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url, ...(protocol ? { protocol } : {}), timeoutMs: timeoutMs ?? 2000 }, {}),
      resource: { 'service.name': 'eft-server' },
      backoff: { initialMs: 20, maxMs: 200 },
      deadLetter: join(dir, 'dead.jsonl'),
      ...rest,
    });
  }

  it('gives up on an answer that never ends at the request deadline, and retries', async () => {
    // Headers at once, then a byte every 50 ms for ever: silence never lasts the timeout.
    receiver.setBehavior(sequence([{ drip: { intervalMs: 50 } }]));
    const s = sink({ timeoutMs: 400, maxBatchRecords: 100 });
    const retries: string[] = [];
    s.on('retry', (r: { reason: string }) => retries.push(r.reason));
    await pipeline(records(100), s);
    assert.equal(receiver.records.length, 100);
    assert.equal(s.stats.accepted, 100);
    assert.deepEqual(retries, ['ETIMEDOUT: no complete response within 400 ms']);
    assert.equal(receiver.requests.length, 2);
  });

  it('settles past a dead-lettered batch at once and holds nothing of what is settled', async () => {
    receiver.setBehavior(sequence([{ status: 400 }]));
    const s = sink({ maxBatchRecords: 100, maxInFlight: 1 });
    const acks: AckInfo[] = [];
    s.on('ack', (a: AckInfo) => acks.push({ ...a }));
    await pipeline(records(1000), s);
    assert.equal(s.stats.deadLettered, 100);
    assert.equal(s.stats.accepted, 900);
    // The first ack already covers the refused batch, once it is in the file.
    assert.deepEqual(acks[0], { records: 100, position: { file: 'cl241118.log', line: 100, offset: Buffer.byteLength(eftLines(100)) } });
    assert.deepEqual(acks.map((a) => a.records), [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.equal(readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').length, 100);
    assert.equal(s.stats.queuedRecords, 0);
    assert.equal(s.stats.queuedBytes, 0);
  });

  it('reports settled positions per source, each moving on its own', async () => {
    const a = await collect(records(300, 'a.log'));
    const b = await collect(records(300, 'b.log', 300));
    // a's second batch is refused, b's are accepted.
    receiver.setBehavior((req) => (req.records[0]!.attributes['log.file.path'] === 'a.log' && req.requestIndex === 1 ? { status: 400 } : {}));
    const s = sink({ maxBatchRecords: 100, maxInFlight: 1 });
    const settled: SettledProgress[] = [];
    s.on('settled', (p: SettledProgress) => settled.push(p));
    await pipeline(Readable.from([...a, ...b]), s);
    const last = new Map(settled.map((p) => [p.source, p]));
    assert.deepEqual(last.get('a.log'), { source: 'a.log', records: 300, position: a[299]!.position });
    assert.deepEqual(last.get('b.log'), { source: 'b.log', records: 300, position: b[299]!.position });
    assert.deepEqual(
      settled.filter((p) => p.source === 'a.log').map((p) => p.records),
      [100, 200, 300],
    );
    assert.deepEqual(s.settledBySource(), [last.get('a.log'), last.get('b.log')]);
    assert.equal(s.stats.deadLettered, 100);
  });

  it('caps a partial-success count above the request, and warns', async () => {
    receiver.setBehavior({ partialSuccess: { rejected: 5_000_000, message: 'nonsense' } });
    const s = sink({ maxBatchRecords: 10, maxInFlight: 1 });
    const warnings: string[] = [];
    s.on('warning', (m: string) => warnings.push(m));
    await pipeline(records(30), s);
    assert.equal(s.stats.rejected, 30);
    assert.equal(s.stats.accepted, 0);
    assert.deepEqual(warnings, Array(3).fill('partial success rejected 5000000 records of a request of 10, counted as 10'));
  });

  it('reads a JSON partial success that answers a protobuf request', async () => {
    receiver.setBehavior(sequence([{ rawAnswer: { contentType: 'application/json', body: '{"partialSuccess":{"rejectedLogRecords":"4","errorMessage":"dropped"}}' } }]));
    const s = sink({ maxBatchRecords: 10, maxInFlight: 1 });
    const warnings: string[] = [];
    s.on('warning', (m: string) => warnings.push(m));
    await pipeline(records(20), s);
    assert.equal(s.stats.rejected, 4);
    assert.equal(s.stats.accepted, 16);
    assert.deepEqual(s.stats.partialMessages, ['dropped']);
    assert.deepEqual(warnings, ['the collector answered a protobuf request in json']);
  });

  it('cuts a long Retry-After to its cap and says so in the retry event', async () => {
    receiver.setBehavior(sequence([{ status: 503, retryAfter: '3600' }]));
    const s = sink({ backoff: { initialMs: 10, maxMs: 50 } });
    const retries: { delayMs: number; retryAfterCappedFromMs?: number }[] = [];
    s.on('retry', (r: { delayMs: number; retryAfterCappedFromMs?: number }) => retries.push(r));
    await pipeline(records(5), s);
    assert.equal(receiver.records.length, 5);
    assert.equal(retries.length, 1);
    assert.equal(retries[0]!.delayMs, 200);
    assert.equal(retries[0]!.retryAfterCappedFromMs, 3_600_000);
  });

  it('tells of the first failure of a series once, and of the recovery', async () => {
    receiver.setBehavior(sequence([{ status: 503 }, { status: 503 }, { status: 502 }]));
    const s = sink({ maxInFlight: 1 });
    const events: string[] = [];
    s.on('outage', (o: { reason: string; records: number }) => events.push(`outage ${o.reason} ${o.records}`));
    s.on('recovered', (r: { retries: number }) => events.push(`recovered after ${r.retries} retries`));
    await pipeline(records(10), s);
    assert.deepEqual(events, ['outage HTTP 503 10', 'recovered after 3 retries']);
  });

  it('writes what is still queued to the dead-letter file when destroyed, none lost, in-flight requests named as such', async () => {
    receiver.setBehavior({ delayMs: 5000 });
    const s = sink({ maxBatchRecords: 50, maxInFlight: 2 });
    const done = pipeline(records(500), s).catch((e: Error) => e);
    await receiver.waitForRequests(0);
    while (s.stats.inFlight < 2) await new Promise((r) => setImmediate(r));
    s.destroy(new Error('stop now'));
    assert.ok((await done) instanceof Error);
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { reason: string });
    assert.equal(s.stats.deadLettered, s.stats.received);
    assert.equal(s.stats.undelivered, 0);
    assert.equal(lines.length, s.stats.received);
    assert.equal(lines.filter((l) => l.reason === 'shutdown: in flight when stopped, the collector may have received them (stop now)').length, 100);
    assert.equal(lines.filter((l) => l.reason === 'shutdown: not delivered (stop now)').length, s.stats.received - 100);
    assert.deepEqual(s.stats.deadLetterReasons, {
      'shutdown: in flight when stopped, the collector may have received them (stop now)': 100,
      'shutdown: not delivered (stop now)': s.stats.received - 100,
    });
  });

  it('abandon(): stops sending, dead-letters what it holds and every later write, and then ends as usual', async () => {
    await receiver.stop();
    const s = sink({ maxBatchRecords: 100, maxQueueRecords: 300 });
    let abandoned = false;
    s.on('outage', () => {
      if (!abandoned) {
        abandoned = true;
        s.abandon('shutdown timeout');
        s.abandon('again');
      }
    });
    await pipeline(records(2000), s);
    assert.equal(s.stats.received, 2000);
    assert.equal(s.stats.accepted, 0);
    assert.equal(s.stats.deadLettered, 2000);
    assert.equal(s.stats.undelivered, 0);
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { reason: string; source: { line: number } });
    assert.deepEqual([...lines.map((l) => l.source.line)].sort((a, b) => a - b), Array.from({ length: 2000 }, (_, k) => k + 1));
    assert.ok(lines.every((l) => /^shutdown: (not delivered|in flight when stopped, the collector may have received them) \(shutdown timeout\)$/.test(l.reason)));
    assert.deepEqual(s.acknowledged.records, 2000);
  });
});
