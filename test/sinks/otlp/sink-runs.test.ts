import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpSink, type OtlpSinkOptions, type AckInfo } from '../../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';
import { logRecords } from '../../../src/transforms/log-records.js';
import { EncodedRecordsBuilder, recordStart, type EncodedRecords, type OtlpEncoding } from '../../../src/otlp/encoded.js';
import { readLogsParallel } from '../../../src/parallel/read-parallel.js';
import { readLogs } from '../../../src/sources/log-files.js';
import { toJsonRecord } from '../../../src/jsonl/record-json.js';
import { recordFormat } from '../../../src/otel/resource.js';
import { startReceiver, sequence, type OtlpReceiver } from '../../../src/receiver/receiver.js';
import type { FtpLogRecord, LogFormat } from '../../../src/model.js';
import { eftLines } from '../../helpers/lines.js';
import { fixture } from '../../helpers/paths.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');
const FILE = 'cl241118.log';
const BAD_LINE = '2024-11-18 08:00:01; ftp; h; x; u; C:\\a; /a; download; 226;';
const NCFTPD = '2011-02-06 10:16:08 #u4     | R,/home/sshaw/ruby-mode.el,41,0.007,5.856,sshaw,,168.161.192.16,,OK,I,PsSf,1294215368,TSQoxwAEEbkA,41,0,\n';

/** The records of `text` read from `file` (null: stdin). */
async function recordsOf(text: string, file: string | null = FILE): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  await pipeline(
    Readable.from([Buffer.from(text)]),
    logRecords({ timezone: 'UTC', now: () => NOW, ...(file === null ? {} : { file }) }),
    new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (out.push(r), cb()) }),
  );
  return out;
}

/** A run of the records, of their source file (as the reader builds them). */
function runOf(protocol: OtlpEncoding, records: readonly FtpLogRecord[], format: LogFormat | undefined = 'eft'): EncodedRecords {
  const file = records[0]?.position?.file;
  const b = new EncodedRecordsBuilder(protocol, format, file, 256);
  for (const r of records) b.add(r);
  return b.finish();
}

/** Cuts records into runs of the given sizes (cycled). */
function runsOf(protocol: OtlpEncoding, records: readonly FtpLogRecord[], sizes: readonly number[]): EncodedRecords[] {
  const out: EncodedRecords[] = [];
  let k = 0;
  for (let i = 0; i < records.length; ) {
    const n = sizes[k++ % sizes.length]!;
    out.push(runOf(protocol, records.slice(i, i + n)));
    i += n;
  }
  return out;
}

function filePaths(r: OtlpReceiver): string[] {
  return r.records.map((x) => x.attributes['file.path'] as string);
}

function pathsOf(records: readonly FtpLogRecord[]): string[] {
  return records.map((x) => x.attributes['file.path'] as string);
}

describe('otlpSink with encoded runs', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-sink-runs-'));
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
      // Batches are cut by size and at the end only: request counts are exact.
      maxBatchDelayMs: 60_000,
      ...rest,
    });
  }

  for (const [protocol, compression] of [
    ['http/protobuf', 'none'],
    ['http/json', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'gzip'],
  ] as const) {
    it(`delivers the records of runs exactly once (${protocol}, ${compression})`, async () => {
      const n = 1000;
      const records = await recordsOf(eftLines(n));
      const s = sink({ protocol, compression, maxBatchRecords: 256 });
      const acks: AckInfo[] = [];
      s.on('ack', (a: AckInfo) => acks.push({ ...a }));
      await pipeline(Readable.from(runsOf(protocol, records, [1, 299, 500, 200])), s);
      assert.equal(receiver.records.length, n);
      assert.deepEqual(new Set(filePaths(receiver)), new Set(pathsOf(records)));
      assert.equal(s.stats.received, n);
      assert.equal(s.stats.accepted, n);
      assert.equal(s.stats.requests, 4);
      assert.equal(s.stats.retries, 0);
      assert.equal(s.stats.queuedRecords, 0);
      assert.equal(s.stats.queuedBytes, 0);
      assert.deepEqual(receiver.requests.map((r) => r.recordCount).sort((a, b) => a - b), [232, 256, 256, 256]);
      for (const req of receiver.requests) {
        assert.equal(req.encoding, protocol === 'http/json' ? 'json' : 'protobuf');
        assert.equal(req.contentEncoding, compression === 'gzip' ? 'gzip' : 'identity');
      }
      assert.equal(s.acknowledged.records, n);
      assert.deepEqual(s.acknowledged.position, { file: FILE, line: n, offset: Buffer.byteLength(eftLines(n)) });
      assert.deepEqual(acks[acks.length - 1], { records: n, position: records[n - 1]!.position });
      const k = receiver.records.findIndex((x) => x.attributes['file.path'] === '/in/f417.csv');
      const got = receiver.records[k]!;
      const want = records[417]!;
      assert.equal(got.timeUnixNano, BigInt(want.timestamp!) * 1_000_000n);
      assert.equal(got.observedTimeUnixNano, BigInt(NOW) * 1_000_000n);
      assert.equal(got.body, want.body);
      assert.equal(got.eventName, want.eventName);
      assert.equal(got.severityNumber, want.severityNumber);
      assert.deepEqual(got.attributes, want.attributes);
      assert.deepEqual(got.resource, { 'service.name': 'eft-server', 'host.name': 'test-host' });
    });
  }

  it('splits a run bigger than maxBatchRecords across requests, in order', async () => {
    const n = 1000;
    const records = await recordsOf(eftLines(n));
    const s = sink({ maxBatchRecords: 100, maxInFlight: 1 });
    await pipeline(Readable.from([runOf('http/protobuf', records)]), s);
    assert.equal(s.stats.requests, 10);
    assert.deepEqual(receiver.requests.map((r) => r.recordCount), Array(10).fill(100));
    assert.deepEqual(filePaths(receiver), pathsOf(records));
    assert.equal(s.stats.accepted, n);
  });

  it('cuts runs by maxBatchBytes too, never splitting a record', async () => {
    const records = await recordsOf(eftLines(60));
    const run = runOf('http/protobuf', records);
    const size = (i: number): number => run.ends[i]! - recordStart(run, i);
    const maxBatchBytes = size(0) * 3 + 10;
    // Greedy: as many whole records as fit.
    const expected: number[] = [];
    let inBatch = 0;
    let bytes = 0;
    for (let i = 0; i < run.count; i++) {
      if (inBatch > 0 && bytes + size(i) > maxBatchBytes) {
        expected.push(inBatch);
        inBatch = 0;
        bytes = 0;
      }
      inBatch++;
      bytes += size(i);
    }
    expected.push(inBatch);
    const s = sink({ maxBatchBytes, maxInFlight: 1 });
    // The same records as two runs, the cut falling inside a batch.
    const a = runOf('http/protobuf', records.slice(0, 25));
    const b = runOf('http/protobuf', records.slice(25));
    await pipeline(Readable.from([a, b]), s);
    assert.deepEqual(receiver.requests.map((r) => r.recordCount), expected);
    assert.ok(expected.every((c) => c <= 3));
    assert.deepEqual(filePaths(receiver), pathsOf(records));
  });

  it('keeps the order of records written as objects and as runs, mixed', async () => {
    const records = await recordsOf(eftLines(40));
    const s = sink({ maxBatchRecords: 4, maxInFlight: 1 });
    const chunks: (FtpLogRecord | EncodedRecords)[] = [
      ...records.slice(0, 5),
      runOf('http/protobuf', records.slice(5, 15)),
      records[15]!,
      runOf('http/protobuf', records.slice(16, 17)),
      runOf('http/protobuf', records.slice(17, 30)),
      ...records.slice(30, 33),
      runOf('http/protobuf', records.slice(33, 40)),
    ];
    const acks: AckInfo[] = [];
    s.on('ack', (a: AckInfo) => acks.push({ ...a }));
    await pipeline(Readable.from(chunks), s);
    assert.deepEqual(filePaths(receiver), pathsOf(records));
    assert.equal(s.stats.requests, 10);
    assert.deepEqual(acks.map((a) => a.records), [4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    for (const a of acks) assert.deepEqual(a.position, records[a.records - 1]!.position);
  });

  it('acknowledges the position of the last record that has one', async () => {
    const withPos = await recordsOf(eftLines(5));
    const stdin = await recordsOf(eftLines(3, 5), null);
    const noPos = (await recordsOf(eftLines(2, 8))).map(({ position: _p, ...r }) => r as FtpLogRecord);
    const s = sink({ maxInFlight: 1 });
    await pipeline(Readable.from([runOf('http/protobuf', withPos), runOf('http/protobuf', stdin)]), s);
    assert.deepEqual(s.acknowledged, { records: 8, position: { line: 3, offset: Buffer.byteLength(eftLines(3, 5)) } });
    const s2 = sink({ maxInFlight: 1 });
    await pipeline(Readable.from([runOf('http/protobuf', withPos), runOf('http/protobuf', noPos)]), s2);
    assert.deepEqual(s2.acknowledged, { records: 7, position: withPos[4]!.position });
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`dead-letters a batch of runs refused with 400, decoded with their positions (${protocol})`, async () => {
      receiver.setBehavior(sequence([{}, { status: 400 }]));
      const text = eftLines(150) + BAD_LINE + '\n' + eftLines(149, 150);
      const records = await recordsOf(text);
      const s = sink({ protocol, maxBatchRecords: 100, maxInFlight: 1 });
      const dead: { reason: string; records: number }[] = [];
      s.on('deadletter', (d: { reason: string; records: number }) => dead.push(d));
      await pipeline(Readable.from(runsOf(protocol, records, [30, 170, 100])), s);
      assert.equal(s.stats.deadLettered, 100);
      assert.equal(s.stats.accepted, 200);
      assert.equal(receiver.records.length, 200);
      assert.deepEqual(dead.map((d) => d.records), [100]);
      assert.match(dead[0]!.reason, /^HTTP 400/);
      const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
      assert.equal(lines.length, 100);
      for (let i = 0; i < 100; i++) {
        const want = records[100 + i]!;
        assert.equal(lines[i]!['status'], 400);
        assert.equal(lines[i]!['endpoint'], receiver.endpoint);
        assert.deepEqual(lines[i]!['source'], { ...want.position });
        assert.deepEqual(lines[i]!['record'], JSON.parse(JSON.stringify(toJsonRecord(want))));
      }
      // The parse-error record (line 151): no timestamp, its reason kept.
      assert.equal(lines[50]!['record']['timestamp'], '2024-11-18T08:00:01.000Z');
      assert.equal(lines[50]!['record']['eventName'], 'ftplog.parse_error');
      assert.equal(lines[50]!['record']['attributes']['ftplog.error'], 'invalid port "x"');
      assert.equal(lines[0]!['record']['timestamp'], '2024-11-18T08:01:40.000Z');
      assert.equal(lines[0]!['record']['observedTimestamp'], new Date(NOW).toISOString());
      // Dead-lettered records are settled: the in-order acknowledgement passes them.
      assert.equal(s.acknowledged.records, 300);
      assert.equal(s.acknowledged.position?.line, 300);
    });
  }

  it('dead-letters NcFTPd runs with doubles, arrays and large ints decoded to the record shape', async () => {
    receiver.setBehavior({ status: 400 });
    const records = await recordsOf(NCFTPD.repeat(3), 'xfer.log');
    const s = sink({ protocol: 'http/json', maxInFlight: 1 });
    await pipeline(Readable.from([runOf('http/json', records, 'ncftpd')]), s);
    assert.equal(s.stats.deadLettered, 3);
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => l['record']), records.map((r) => JSON.parse(JSON.stringify(toJsonRecord(r)))));
    assert.deepEqual(lines[2]!['record']['attributes']['ftp.transfer.notes'], ['Ps', 'Sf']);
    assert.equal(lines[2]!['record']['attributes']['ftp.transfer.duration'], 0.007);
  });

  it('splits a batch of runs the collector answers 413 for, and dead-letters a single record too large', async () => {
    await receiver.close();
    receiver = await startReceiver({ maxBodyBytes: 40_000 });
    const n = 1000;
    const records = await recordsOf(eftLines(n));
    const s = sink({ maxBatchRecords: 500, maxInFlight: 1 });
    await pipeline(Readable.from(runsOf('http/protobuf', records, [333])), s);
    assert.deepEqual(filePaths(receiver), pathsOf(records));
    assert.ok(s.stats.splits >= 2, `splits ${s.stats.splits}`);
    assert.equal(s.stats.accepted, n);
    assert.equal(s.stats.deadLettered, 0);
    for (const req of receiver.requests) if (req.status === 200) assert.ok(req.decodedBytes <= 40_000);

    const big = (await recordsOf(eftLines(3))).map((r, i) => (i === 1 ? { ...r, body: 'x'.repeat(50_000) } : r));
    const s2 = sink({ maxInFlight: 1 });
    const dead: string[] = [];
    s2.on('deadletter', (d: { reason: string }) => dead.push(d.reason));
    await pipeline(Readable.from([runOf('http/protobuf', big)]), s2);
    assert.equal(s2.stats.accepted, 2);
    assert.equal(s2.stats.deadLettered, 1);
    assert.equal(dead.length, 1);
    assert.match(dead[0]!, /single record is larger/);
  });

  /**
   * Runs that log their release, checking then that every one of their
   * records is settled: received by the collector or in the dead-letter file.
   */
  function releasable(runs: readonly EncodedRecords[], records: readonly FtpLogRecord[], log: number[]): EncodedRecords[] {
    let first = 0;
    return runs.map((run, k) => {
      const paths = pathsOf(records.slice(first, first + run.count));
      first += run.count;
      return {
        ...run,
        release: () => {
          const settled = new Set(filePaths(receiver));
          const deadFile = join(dir, 'dead.jsonl');
          if (existsSync(deadFile)) {
            for (const l of readFileSync(deadFile, 'utf8').trimEnd().split('\n')) settled.add((JSON.parse(l) as Record<string, any>)['record']['attributes']['file.path']);
          }
          for (const p of paths) assert.ok(settled.has(p), `run ${k} released before ${p} was settled`);
          log.push(k);
        },
      };
    });
  }

  it('releases each run once, when all of its records are accepted or dead-lettered: not while a batch waits to be retried', async () => {
    const records = await recordsOf(eftLines(1000));
    receiver.setBehavior(sequence([{ status: 503 }, {}, {}, { status: 400 }]));
    const log: number[] = [];
    const runs = releasable(runsOf('http/protobuf', records, [100, 300, 50]), records, log);
    const s = sink({ maxBatchRecords: 256, maxInFlight: 1, releaseRuns: true });
    await pipeline(Readable.from(runs), s);
    assert.equal(s.stats.retries, 1);
    assert.equal(s.stats.requests, 5);
    assert.ok(s.stats.deadLettered > 0);
    assert.equal(s.stats.accepted + s.stats.deadLettered, 1000);
    assert.deepEqual([...log].sort((a, b) => a - b), runs.map((_, k) => k));
  });

  it('releases the runs of a batch split after 413 once both halves are sent', async () => {
    await receiver.close();
    receiver = await startReceiver({ maxBodyBytes: 40_000 });
    const records = await recordsOf(eftLines(1000));
    const log: number[] = [];
    const runs = releasable(runsOf('http/protobuf', records, [333]), records, log);
    const s = sink({ maxBatchRecords: 500, maxInFlight: 1, releaseRuns: true });
    await pipeline(Readable.from(runs), s);
    assert.ok(s.stats.splits >= 2);
    assert.equal(s.stats.accepted, 1000);
    assert.deepEqual(log, runs.map((_, k) => k));
  });

  it('does not release runs it could not deliver', async () => {
    receiver.setBehavior({ status: 503 });
    const records = await recordsOf(eftLines(300));
    const log: number[] = [];
    const runs = releasable(runsOf('http/protobuf', records, [100]), records, log);
    const s = sink({ maxBatchRecords: 100, maxRetryTimeMs: 100, releaseRuns: true });
    await assert.rejects(pipeline(Readable.from(runs), s), { code: 'ERR_EXPORT_RETRY_EXHAUSTED' });
    assert.deepEqual(log, []);
  });

  it('does not release runs unless told to (releaseRuns): another consumer may still hold them', async () => {
    const records = await recordsOf(eftLines(300));
    const log: number[] = [];
    const runs = releasable(runsOf('http/protobuf', records, [100]), records, log);
    const s = sink({ maxBatchRecords: 100 });
    await pipeline(Readable.from(runs), s);
    assert.equal(s.stats.accepted, 300);
    assert.deepEqual(log, []);
  });

  it('holds at most 4 runs in its write buffer while the queue is full (the queue bounds the records)', async () => {
    receiver.setBehavior({ delayMs: 30 });
    const records = await recordsOf(eftLines(8000));
    const s = sink({ maxQueueRecords: 1000, maxBatchRecords: 500, maxInFlight: 1 });
    assert.equal(s.writableHighWaterMark, 4);
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, s.writableLength)), 1);
    try {
      await pipeline(Readable.from(runsOf('http/protobuf', records, [200])), s);
    } finally {
      clearInterval(timer);
    }
    assert.equal(s.stats.accepted, 8000);
    assert.ok(s.stats.peakQueuedRecords <= 1000 + 200, `peak queued ${s.stats.peakQueuedRecords}`);
    assert.ok(peak >= 1 && peak <= 4, `peak write buffer ${peak}`);
  });

  it('fails the pipeline with ERR_INVALID_ARGUMENT for a run encoded for the other protocol', async () => {
    const records = await recordsOf(eftLines(3));
    const s = sink({ protocol: 'http/protobuf' });
    await assert.rejects(pipeline(Readable.from([runOf('http/json', records)]), s), { code: 'ERR_INVALID_ARGUMENT' });
    assert.equal(s.stats.received, 0);
    assert.equal(receiver.requests.length, 0);
    const j = sink({ protocol: 'http/json' });
    await assert.rejects(pipeline(Readable.from([records[0]!, runOf('http/protobuf', records)]), j), { code: 'ERR_INVALID_ARGUMENT' });
  });

  for (const output of ['http/protobuf', 'http/json'] as const) {
    it(`delivers what readLogsParallel reads: the records and positions of readLogs (${output})`, async () => {
      const files = [fixture('eft', 'eft-client-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'), fixture('ncftpd', 'ncftpd-xfer-vendor.log')];
      const expected: FtpLogRecord[] = [];
      for await (const r of readLogs(files, { timezone: 'America/Chicago', now: () => NOW })) expected.push(r as FtpLogRecord);
      const s = sink({
        protocol: output,
        maxBatchRecords: 3,
        maxInFlight: 1,
        resource: (f) => ({ 'service.name': f === 'ncftpd' ? 'ncftpd' : 'eft-server' }),
        releaseRuns: true,
      });
      const acks: AckInfo[] = [];
      s.on('ack', (a: AckInfo) => acks.push({ ...a }));
      await pipeline(readLogsParallel(files, { output, workers: 2, blockBytes: 64, timezone: 'America/Chicago' }), s);
      assert.equal(receiver.records.length, expected.length);
      receiver.records.forEach((got, i) => {
        const want = expected[i]!;
        assert.equal(got.body, want.body);
        assert.deepEqual(got.attributes, want.attributes);
        assert.equal(got.timeUnixNano, want.timestamp === undefined ? 0n : BigInt(want.timestamp) * 1_000_000n);
        assert.equal(got.resource['service.name'], recordFormat(want.attributes) === 'ncftpd' ? 'ncftpd' : 'eft-server');
      });
      assert.deepEqual(acks.map((a) => a.position), acks.map((a) => expected[a.records - 1]!.position));
      assert.deepEqual(s.acknowledged, { records: expected.length, position: expected[expected.length - 1]!.position });
    });
  }
});
