import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BatchQueue, type QueueCounters, type QueueLimits } from '../../../src/sinks/otlp/queue.js';
import { SettledTracker } from '../../../src/sinks/otlp/settled.js';
import { batchCount } from '../../../src/sinks/otlp/batch.js';
import { EncodedRecordsBuilder, type EncodedRecords } from '../../../src/otlp/encoded.js';
import { logRecords } from '../../../src/transforms/log-records.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { eftLines } from '../../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');
const NCFTPD = '2011-02-06 10:16:08 #u4     | R,/home/sshaw/ruby-mode.el,41,0.007,5.856,sshaw,,168.161.192.16,,OK,I,PsSf,1294215368,TSQoxwAEEbkA,41,0,\n';

async function recordsOf(text: string, file = 'a.log'): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  await pipeline(
    Readable.from([Buffer.from(text)]),
    logRecords({ timezone: 'UTC', now: () => NOW, file }),
    new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (out.push(r), cb()) }),
  );
  return out;
}

function counters(): QueueCounters {
  return { received: 0, queuedRecords: 0, queuedBytes: 0, peakQueuedRecords: 0, peakQueuedBytes: 0 };
}

function queue(limits: Partial<QueueLimits> = {}, releaseRuns = false) {
  const c = counters();
  const tracker = new SettledTracker();
  let aged = 0;
  const q = new BatchQueue(
    { maxQueueRecords: 1000, maxQueueBytes: 1 << 20, maxBatchRecords: 10, maxBatchBytes: 1 << 20, maxBatchDelayMs: 60_000, ...limits },
    'http/protobuf',
    tracker,
    c,
    releaseRuns,
    () => aged++,
  );
  return { q, c, tracker, aged: () => aged };
}

describe('BatchQueue', () => {
  it('cuts batches by count, numbers records in order, and counts what it holds until settled', async () => {
    const { q, c, tracker } = queue();
    for (const r of await recordsOf(eftLines(25))) q.takeRecord(r);
    assert.deepEqual(q.ready.map((b) => [b.startSeq, b.endSeq]), [[0, 10], [10, 20]]);
    assert.equal(q.pendingCount, 5);
    q.formBatch();
    assert.deepEqual(q.ready.map((b) => [b.startSeq, b.endSeq]), [[0, 10], [10, 20], [20, 25]]);
    assert.equal(c.received, 25);
    assert.equal(c.queuedRecords, 25);
    const bytes = q.ready.reduce((n, b) => n + b.bytes, 0);
    assert.equal(c.queuedBytes, bytes);
    for (const b of q.ready.splice(0)) {
      q.settle(b);
      tracker.settle(b.startSeq, b.endSeq);
    }
    assert.equal(c.queuedRecords, 0);
    assert.equal(c.queuedBytes, 0);
    assert.equal(c.peakQueuedRecords, 25);
    assert.equal(tracker.overall().records, 25);
    q.stopTimer();
  });

  it('cuts by bytes, and when the format changes', async () => {
    const eft = await recordsOf(eftLines(4));
    const { q: small } = queue({ maxBatchBytes: 300 });
    for (const r of eft) small.takeRecord(r);
    small.formBatch();
    assert.ok(small.ready.every((b) => b.bytes <= 300 || batchCount(b) === 1));
    assert.ok(small.ready.length >= 2);
    const nc = await recordsOf(NCFTPD, 'xfer.log');
    const { q } = queue();
    q.takeRecord(eft[0]!);
    q.takeRecord(nc[0]!);
    q.takeRecord(eft[1]!);
    q.formBatch();
    assert.deepEqual(q.ready.map((b) => [b.format, batchCount(b)]), [['eft', 1], ['ncftpd', 1], ['eft', 1]]);
    q.stopTimer();
  });

  it('takes runs as slices, cut to the batch bounds, and releases a run once all its records are settled', async () => {
    const records = await recordsOf(eftLines(25));
    const b = new EncodedRecordsBuilder('http/protobuf', 'eft', 'a.log');
    for (const r of records) b.add(r);
    let released = 0;
    const run: EncodedRecords = { ...b.finish(), release: () => released++ };
    const { q } = queue({}, true);
    q.takeRun(run);
    q.formBatch();
    assert.deepEqual(q.ready.map((x) => x.slices.map((s) => [s.from, s.to])), [[[0, 10]], [[10, 20]], [[20, 25]]]);
    const [x, y, z] = q.ready.splice(0);
    q.settle(z!);
    q.settle(x!);
    assert.equal(released, 0);
    q.settle(y!);
    assert.equal(released, 1);
  });

  it('refuses a run encoded for another protocol', async () => {
    const b = new EncodedRecordsBuilder('http/json', 'eft', 'a.log');
    for (const r of await recordsOf(eftLines(1))) b.add(r);
    const { q } = queue();
    assert.throws(() => q.takeRun(b.finish()), { code: 'ERR_INVALID_ARGUMENT' });
  });

  it('says when it is full, by records or by bytes', async () => {
    const records = await recordsOf(eftLines(5));
    const { q } = queue({ maxQueueRecords: 3 });
    q.takeRecord(records[0]!);
    q.takeRecord(records[1]!);
    assert.equal(q.hasRoom(), true);
    q.takeRecord(records[2]!);
    assert.equal(q.hasRoom(), false);
    q.stopTimer();
    const { q: byBytes } = queue({ maxQueueBytes: 100 });
    byBytes.takeRecord(records[0]!);
    assert.equal(byBytes.hasRoom(), false);
    byBytes.stopTimer();
  });

  it('cuts a batch when its oldest record has waited maxBatchDelayMs', async () => {
    const records = await recordsOf(eftLines(3));
    const { q, aged } = queue({ maxBatchDelayMs: 5 });
    for (const r of records) q.takeRecord(r);
    assert.equal(q.ready.length, 0);
    while (aged() === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(q.ready.map((b) => batchCount(b)), [3]);
  });

  it('drain() hands over everything not taken by a request, pending records included, and stops releasing runs', async () => {
    const records = await recordsOf(eftLines(15));
    const { q } = queue();
    for (const r of records) q.takeRecord(r);
    const all = q.drain();
    assert.deepEqual(all.map((b) => [b.startSeq, b.endSeq]), [[0, 10], [10, 15]]);
    assert.equal(q.ready.length, 0);
    assert.equal(q.pendingCount, 0);
  });
});
