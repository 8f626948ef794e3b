/**
 * Follow mode with the real sink and the project's receiver on 127.0.0.1:
 * checkpoints move only as the sink settles records (accepted, or written
 * to the dead-letter file), through refusals and outages.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { followLogs, type FollowSource } from '../../../src/sources/follow/follow.js';
import { otlpSink, type OtlpSink } from '../../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';
import { startReceiver, sequence, type OtlpReceiver } from '../../../src/receiver/receiver.js';
import { MemoryCheckpoints, folder, xferLine } from './follow.test.js';

function lines(tag: string, from: number, to: number): string {
  let t = '';
  for (let i = from; i < to; i++) t += xferLine(tag, i);
  return t;
}

async function until(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const READ_CHUNK = 16_384;

describe('sources/follow: delivery and checkpoints', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  let source: FollowSource | undefined;
  let done: Promise<void> | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-follow-d-'));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    receiver.setBehavior(() => ({}));
    source?.stop();
    await done?.catch(() => {});
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(checkpoints: MemoryCheckpoints, sinkOver: Record<string, unknown> = {}): { source: FollowSource; sink: OtlpSink } {
    const s = followLogs(folder(dir, /^xfer/), {
      follow: true,
      startAt: 'beginning',
      pollIntervalMs: 10,
      rotatedIdleMs: 50,
      fingerprintBytes: 1024,
      readChunkBytes: READ_CHUNK,
      format: 'auto',
      timezone: 'UTC',
      encoding: 'utf8',
      maxLineBytes: 65536,
      transforms: [],
      checkpoints,
    });
    const sink = otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url, timeoutMs: 2000 }, {}),
      resource: { 'service.name': 'ncftpd' },
      backoff: { initialMs: 10, maxMs: 50 },
      deadLetter: join(dir, 'dead.jsonl'),
      maxBatchDelayMs: 5,
      ...sinkOver,
    });
    sink.on('settled', (p) => {
      if (s.settle(p)) sink.forgetSource(p.source);
    });
    source = s;
    done = pipeline(s, sink);
    return { source: s, sink };
  }

  it('a refused batch goes to the dead-letter file, the checkpoint moves past it after that write, and following goes on', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 50));
    receiver.setBehavior(sequence([{ status: 400 }]));
    const cps = new MemoryCheckpoints();
    const offsets: number[] = [];
    const set = cps.set.bind(cps);
    cps.set = (e) => {
      // Whenever the checkpoint moves past line 50, those lines are already durably dead-lettered.
      if (e.offset > 0) offsets.push(e.offset);
      if (e.offset >= Buffer.byteLength(lines('a', 0, 50))) assert.equal(readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').length, 50);
      set(e);
    };
    const { sink } = start(cps);
    await until(() => sink.stats.deadLettered === 50, '50 dead letters');
    appendFileSync(f, lines('a', 50, 80));
    await until(() => receiver.records.length === 30, '30 accepted');
    await until(() => cps.all()[0]?.offset === statSync(f).size, 'the checkpoint at the end');
    assert.equal(sink.stats.accepted, 30);
    assert.deepEqual(receiver.records.map((r) => r.attributes['file.path']), Array.from({ length: 30 }, (_, i) => `/home/ftp/a-${50 + i}.txt`));
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
    assert.equal(source!.readableEnded, false);
  });

  it('while the collector refuses, reading pauses at the queue bound and the checkpoint stays at what was accepted; all arrives afterwards', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 20));
    const cps = new MemoryCheckpoints();
    let refusing = false;
    receiver.setBehavior(() => (refusing ? { status: 503 } : {}));
    const { sink } = start(cps, { maxQueueRecords: 200, maxBatchRecords: 50 });
    await until(() => receiver.records.length === 20, 'the first 20');
    await until(() => cps.all()[0]?.offset === statSync(f).size, 'the checkpoint after the first 20');
    const accepted = cps.all()[0]!.offset;
    refusing = true;
    appendFileSync(f, lines('a', 20, 5020));
    await until(() => sink.stats.retries >= 3, 'retries');
    // Reading stopped at the bound: the 20 accepted, the sink's queue (200), its stream buffer (4),
    // the source's buffer (1,024) and the lines of the one chunk being cut when that buffer filled.
    const bound = 20 + 200 + 4 + 1024 + Math.ceil(READ_CHUNK / Buffer.byteLength(xferLine('a', 20)));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(source!.totals().records <= bound, `read ${source!.totals().records} records during the outage, bound ${bound}`);
    assert.equal(cps.all()[0]!.offset, accepted);
    assert.equal(sink.inOutage, true);
    refusing = false;
    await until(() => receiver.records.length === 5020, 'all 5,020 records');
    await until(() => cps.all()[0]?.offset === statSync(f).size, 'the checkpoint at the end');
    assert.equal(new Set(receiver.records.map((r) => r.attributes['file.path'])).size, 5020);
    assert.equal(sink.inOutage, false);
  });
});
