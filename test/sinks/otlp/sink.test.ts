import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpSink, type OtlpSinkOptions, type AckInfo } from '../../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';
import { logRecords } from '../../../src/transforms/log-records.js';
import { startReceiver, sequence, type OtlpReceiver, type Behavior } from '../../../src/receiver/receiver.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { eftLines } from '../../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

function records(n: number): Readable {
  return Readable.from([Buffer.from(eftLines(n))]).pipe(logRecords({ timezone: 'UTC', file: 'cl241118.log', now: () => NOW }));
}

function paths(r: OtlpReceiver): string[] {
  return r.records.map((x) => x.attributes['file.path'] as string);
}

function assertAllOnce(r: OtlpReceiver, n: number, allowDuplicates = 0): void {
  const seen = new Map<string, number>();
  for (const p of paths(r)) seen.set(p, (seen.get(p) ?? 0) + 1);
  for (let i = 0; i < n; i++) assert.ok(seen.has(`/in/f${i}.csv`), `record ${i} missing`);
  assert.equal(seen.size, n);
  const dups = r.records.length - seen.size;
  assert.ok(dups <= allowDuplicates, `${dups} duplicates, at most ${allowDuplicates} allowed`);
}

describe('otlpSink', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-sink-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sink(over: Partial<OtlpSinkOptions> & { protocol?: string; compression?: string } = {}) {
    const { protocol, compression, ...rest } = over;
    return otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url, ...(protocol ? { protocol } : {}), ...(compression ? { compression } : {}), timeoutMs: 2000 }, {}),
      resource: { 'service.name': 'eft-server', 'host.name': 'test-host' },
      backoff: { initialMs: 20, maxMs: 200 },
      deadLetter: join(dir, 'dead.jsonl'),
      ...rest,
    });
  }

  for (const [protocol, compression] of [
    ['http/protobuf', 'none'],
    ['http/json', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'gzip'],
  ] as const) {
    it(`delivers N lines as exactly N records, none duplicated (${protocol}, ${compression})`, async () => {
      const n = 5000;
      const s = sink({ protocol, compression, maxBatchRecords: 512 });
      await pipeline(records(n), s);
      assertAllOnce(receiver, n);
      assert.equal(receiver.records.length, n);
      assert.equal(s.stats.received, n);
      assert.equal(s.stats.accepted, n);
      assert.equal(s.stats.requests, Math.ceil(n / 512));
      assert.equal(s.stats.retries, 0);
      assert.equal(s.acknowledged.records, n);
      assert.deepEqual(s.acknowledged.position, { file: 'cl241118.log', line: n, offset: Buffer.byteLength(eftLines(n)) });
      for (const req of receiver.requests) {
        assert.equal(req.encoding, protocol === 'http/json' ? 'json' : 'protobuf');
        assert.equal(req.contentEncoding, compression === 'gzip' ? 'gzip' : 'identity');
      }
      // Requests may complete out of order (several in flight): find record 0 by its path.
      const first = receiver.records.find((x) => x.attributes['file.path'] === '/in/f0.csv')!;
      assert.deepEqual(first.resource, { 'service.name': 'eft-server', 'host.name': 'test-host' });
      assert.equal(first.timeUnixNano, BigInt(Date.parse('2024-11-18T08:00:00Z')) * 1_000_000n);
      assert.equal(first.observedTimeUnixNano, BigInt(NOW) * 1_000_000n);
      assert.equal(first.severityNumber, 9);
      assert.equal(first.severityText, 'INFO');
      assert.equal(first.eventName, 'ftp.upload');
      assert.equal(first.body, '2024-11-18 08:00:00; ftp; files.example.com; 21; payroll; C:\\out\\f0.csv; /in/f0.csv; upload; 226;');
      assert.equal(first.scope.name, 'ftplog-otel');
      assert.equal(first.attributes['server.port'], 21);
      assert.equal(first.attributeKinds['server.port'], 'int');
      assert.equal(first.attributeKinds['ftp.status.code'], 'int');
    });
  }

  it('waits for a collector that is down at start, then delivers everything with a bounded queue', async () => {
    await receiver.stop();
    const n = 3000;
    const s = sink({ maxQueueRecords: 600, maxBatchRecords: 200 });
    const retries: number[] = [];
    s.on('retry', (i: { attempt: number }) => retries.push(i.attempt));
    const done = pipeline(records(n), s);
    // Wait for the state, not for a time: two retries made and the queue full.
    for (let i = 0; i < 1000 && !(s.stats.retries >= 2 && s.stats.queuedRecords === 600); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(receiver.records.length, 0);
    assert.ok(s.stats.retries >= 2, `retries ${s.stats.retries}`);
    // The collector is down: the queue is full and reading waits.
    assert.equal(s.stats.queuedRecords, 600);
    await receiver.restart();
    await done;
    assertAllOnce(receiver, n);
    assert.equal(receiver.records.length, n);
    assert.equal(s.stats.accepted, n);
    assert.ok(s.stats.peakQueuedRecords <= 600, `peak ${s.stats.peakQueuedRecords}`);
  });

  it('survives interleaved 503s, 429s with Retry-After, slow answers and dropped connections', async () => {
    const cycle: Behavior[] = [
      { status: 503 },
      { status: 429, retryAfter: '0' },
      { delayMs: 150 },
      { destroySocket: true },
      { destroySocket: true, accept: true }, // took the records, answer lost
      {},
    ];
    let i = 0;
    let acceptedThenDropped = 0;
    receiver.setBehavior((req) => {
      const b = cycle[i++ % cycle.length]!;
      if (b.destroySocket === true && b.accept === true) acceptedThenDropped += req.recordCount;
      return b;
    });
    const n = 4000;
    const s = sink({ maxBatchRecords: 250, maxInFlight: 3 });
    await pipeline(records(n), s);
    // Duplicates only where the collector took the records but the answer was lost.
    assertAllOnce(receiver, n, acceptedThenDropped);
    assert.equal(receiver.records.length, n + acceptedThenDropped);
    assert.equal(s.stats.accepted, n);
    assert.ok(s.stats.retries >= 4, `retries ${s.stats.retries}`);
    assert.ok(acceptedThenDropped > 0);
  });

  it('gzips at the level asked for: level 9 bodies are smaller than level 1, both decode to the same records', async () => {
    const sent: Record<number, number> = {};
    for (const gzipLevel of [1, 9]) {
      const before = receiver.records.length;
      const s = sink({ compression: 'gzip', gzipLevel, maxBatchRecords: 1000 });
      await pipeline(records(1000), s);
      assert.equal(s.stats.accepted, 1000);
      assert.equal(receiver.records.length - before, 1000);
      sent[gzipLevel] = s.stats.bytesSent;
    }
    assert.ok(sent[9]! < sent[1]!, `level 9 ${sent[9]} bytes, level 1 ${sent[1]}`);
    assert.deepEqual(
      receiver.records.slice(0, 1000).map((r) => r.body),
      receiver.records.slice(1000).map((r) => r.body),
    );
    for (const bad of [0, 10, 1.5]) {
      assert.throws(() => sink({ compression: 'gzip', gzipLevel: bad }), (e: Error & { code?: string }) => e.code === 'ERR_INVALID_OPTION');
    }
  });

  it('dead-letters a batch refused with 400, delivers every other record and reports it', async () => {
    receiver.setBehavior(sequence([{}, {}, { status: 400 }]));
    const n = 1000;
    const s = sink({ maxBatchRecords: 100, maxInFlight: 1 });
    const dead: { reason: string; records: number }[] = [];
    s.on('deadletter', (d: { reason: string; records: number }) => dead.push(d));
    await pipeline(records(n), s);
    assert.equal(s.stats.deadLettered, 100);
    assert.equal(s.stats.accepted, 900);
    assert.equal(receiver.records.length, 900);
    // The reason carries the collector's own message (its google.rpc.Status).
    assert.deepEqual(dead.map((d) => [d.reason, d.records]), [['HTTP 400: injected status 400', 100]]);
    assert.deepEqual(s.stats.deadLetterReasons, { 'HTTP 400: injected status 400': 100 });
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(lines.length, 100);
    assert.equal(lines[0]!['reason'], 'HTTP 400: injected status 400');
    assert.equal(lines[0]!['status'], 400);
    assert.equal(lines[0]!['endpoint'], receiver.endpoint);
    assert.deepEqual(lines.map((l) => l['record']['attributes']['file.path']), Array.from({ length: 100 }, (_, k) => `/in/f${200 + k}.csv`));
    assert.equal(lines[0]!['source']['line'], 201);
    // Dead-lettered records are settled: the watermark passes them and reaches the end.
    assert.equal(s.acknowledged.records, 1000);
    assert.equal(s.acknowledged.position?.line, 1000);
  });

  it('splits a batch the collector answers 413 for', async () => {
    await receiver.close();
    receiver = await startReceiver({ maxBodyBytes: 40_000 });
    const n = 1000;
    const s = sink({ maxBatchRecords: 500 });
    await pipeline(records(n), s);
    assertAllOnce(receiver, n);
    assert.equal(receiver.records.length, n);
    assert.ok(s.stats.splits >= 2, `splits ${s.stats.splits}`);
    assert.equal(s.stats.deadLettered, 0);
  });

  it('counts records the collector rejects in a partial-success answer', async () => {
    receiver.setBehavior(sequence([{}, { partialSuccess: { rejected: 3, message: 'bad attribute' } }]));
    const s = sink({ maxBatchRecords: 10, maxInFlight: 1 });
    await pipeline(records(30), s);
    assert.equal(s.stats.rejected, 3);
    assert.deepEqual(s.stats.partialMessages, ['bad attribute']);
    // Accepted counts what the collector kept: records = accepted + rejected.
    assert.equal(s.stats.accepted, 27);
  });

  it('keeps the queue within its bound under a producer much faster than the collector', async () => {
    receiver.setBehavior({ delayMs: 20 });
    const n = 20000;
    const s = sink({ maxQueueRecords: 1000, maxBatchRecords: 250, maxInFlight: 2 });
    await pipeline(records(n), s);
    assertAllOnce(receiver, n);
    assert.equal(s.stats.accepted, n);
    assert.ok(s.stats.peakQueuedRecords <= 1000, `peak ${s.stats.peakQueuedRecords}`);
    assert.equal(s.stats.peakQueuedRecords, 1000); // it did fill up: the bound was exercised
    assert.ok(s.stats.peakInFlight <= 2);
  });

  it('bounds the queue by bytes too', async () => {
    receiver.setBehavior({ delayMs: 10 });
    const n = 3000;
    const s = sink({ maxQueueBytes: 100_000, maxBatchRecords: 50, maxBatchBytes: 30_000 });
    await pipeline(records(n), s);
    assert.equal(s.stats.accepted, n);
    // One record may cross the bound (it is admitted before the write waits).
    assert.ok(s.stats.peakQueuedBytes < 100_000 + 2000, `peak bytes ${s.stats.peakQueuedBytes}`);
  });

  it('acknowledges in order, each ack covering all records before it', async () => {
    receiver.setBehavior((req) => (req.requestIndex % 2 === 0 ? { delayMs: 60 } : {}));
    const s = sink({ maxBatchRecords: 100, maxInFlight: 4 });
    const acks: AckInfo[] = [];
    s.on('ack', (a: AckInfo) => acks.push({ ...a }));
    await pipeline(records(1000), s);
    assert.ok(acks.length >= 2);
    for (let k = 1; k < acks.length; k++) assert.ok(acks[k]!.records > acks[k - 1]!.records);
    for (const a of acks) assert.equal(a.position?.line, a.records);
    assert.equal(acks[acks.length - 1]!.records, 1000);
  });

  it('fails with ERR_EXPORT_RETRY_EXHAUSTED when maxRetryTimeMs runs out, never claiming delivery', async () => {
    receiver.setBehavior({ status: 503 });
    const s = sink({ maxRetryTimeMs: 300, maxBatchRecords: 50 });
    await assert.rejects(pipeline(records(200), s), { code: 'ERR_EXPORT_RETRY_EXHAUSTED', retryable: true });
    assert.equal(s.stats.accepted, 0);
    assert.equal(receiver.records.length, 0);
    // What was given up on, and everything queued behind it, is kept in the dead-letter file.
    assert.equal(s.stats.deadLettered, s.stats.received);
    assert.equal(s.stats.undelivered, 0);
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { reason: string });
    assert.equal(lines.length, s.stats.received);
    assert.equal(lines.filter((l) => l.reason.startsWith('gave up on 50 records after')).length, 50);
    assert.equal(lines.filter((l) => /^shutdown: (not delivered|in flight when stopped, the collector may have received them) \(gave up on 50 records/.test(l.reason)).length, s.stats.received - 50);
  });

  it('reports queued records as undelivered when destroyed (shutdown timeout)', async () => {
    await receiver.stop();
    const s = sink({ maxBatchRecords: 50 });
    const input = records(500);
    const done = pipeline(input, s).catch((e: Error) => e);
    await once(s, 'retry');
    s.destroy(new Error('shutdown timeout'));
    const err = await done;
    assert.ok(err instanceof Error);
    assert.equal(s.stats.accepted, 0);
    assert.ok(s.stats.received > 0);
    // Kept for a replay rather than dropped.
    assert.equal(s.stats.deadLettered, s.stats.received);
    assert.equal(s.stats.undelivered, 0);
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { reason: string });
    assert.equal(lines.length, s.stats.received);
    assert.ok(lines.every((l) => /^shutdown: (not delivered|in flight when stopped, the collector may have received them) \(shutdown timeout\)$/.test(l.reason)), lines[0]!.reason);
  });

  it('validates its options with ERR_INVALID_OPTION', () => {
    const config = resolveOtlpConfig({ endpoint: receiver.url }, {});
    const base = { config, resource: {} };
    assert.throws(() => otlpSink({ ...base, maxQueueRecords: 0 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => otlpSink({ ...base, maxBatchRecords: 1.5 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => otlpSink({ ...base, maxQueueRecords: 10, maxBatchRecords: 20 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => otlpSink({ ...base, maxRetryTimeMs: -1 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => otlpSink({ resource: {} } as never), { code: 'ERR_INVALID_OPTION' });
    assert.equal(existsSync(join(dir, 'dead.jsonl')), false);
  });

  it('sends one ResourceLogs per format (service.name by format)', async () => {
    const eft = Buffer.from(eftLines(3));
    const nc = Buffer.from('2010-01-11 12:47:44 #u2     | D,/home/x/.cshrc,,,,opc,,16.14.22.99,S0uObwACwXoA,\n');
    const s = otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url }, {}),
      resource: (f) => ({ 'service.name': f === 'ncftpd' ? 'ncftpd' : 'eft-server' }),
      deadLetter: join(dir, 'dead.jsonl'),
    });
    const a = Readable.from([eft]).pipe(logRecords({ timezone: 'UTC' }));
    const b = Readable.from([nc]).pipe(logRecords({ timezone: 'UTC' }));
    const both = Readable.from(
      (async function* () {
        for await (const r of a) yield r as FtpLogRecord;
        for await (const r of b) yield r as FtpLogRecord;
      })(),
    );
    await pipeline(both, s);
    assert.deepEqual(receiver.records.map((r) => r.resource['service.name']), ['eft-server', 'eft-server', 'eft-server', 'ncftpd']);
  });
});
