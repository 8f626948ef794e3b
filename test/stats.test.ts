/** Every component reports received, emitted, dropped by reason and errors, and nothing goes unaccounted. */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logRecords } from '../src/transforms/log-records.js';
import { otlpSink } from '../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../src/sinks/otlp/config.js';
import { pipelineComponents, sinkComponent, transformComponent, unaccounted } from '../src/stats.js';
import { startReceiver, sequence, type OtlpReceiver } from '../src/receiver/receiver.js';
import type { FtpLogRecord } from '../src/model.js';
import { eftLines } from './helpers/lines.js';

const HEADER = 'Time; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode\n';
const BAD = '2024-11-18 08:00:01; ftp; h; x; u; C:\\a; /a; download; 226;\n';

describe('component stats', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-stats-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the record pipeline: lines in, records out, blank and header lines dropped by reason, parse errors counted', async () => {
    const stage = logRecords({ timezone: 'UTC', transforms: [{ type: 'set', attributes: { env: 'prod' } }] });
    const text = HEADER + eftLines(10) + '\n\n' + BAD + eftLines(5, 10);
    await pipeline(Readable.from([Buffer.from(text)]), stage, new Writable({ objectMode: true, write: (_r, _e, cb) => cb() }));
    const [parse, enrich, transforms] = pipelineComponents(stage.stats);
    assert.deepEqual(parse, { component: 'parse', received: 19, emitted: 16, dropped: { blank: 2, header: 1 }, errors: 1 });
    assert.deepEqual(enrich, { component: 'enrich', received: 16, emitted: 16, dropped: {}, errors: 1 });
    assert.deepEqual(transforms, { component: 'transforms', received: 16, emitted: 16, dropped: {}, errors: 0 });
    for (const c of [parse!, enrich!, transforms!]) assert.equal(unaccounted(c), 0, c.component);
  });

  it('transforms: what a step drops is counted by reason', () => {
    const c = transformComponent({ dropped: { 'filter: success': 7, 'filter: list': 2 } }, 20);
    assert.deepEqual(c, { component: 'transforms', received: 20, emitted: 11, dropped: { 'filter: success': 7, 'filter: list': 2 }, errors: 0 });
    assert.equal(unaccounted(c), 0);
  });

  it('the OTLP sink: records in, accepted out, the rest dropped by reason', async () => {
    receiver.setBehavior(sequence([{ status: 503 }, { status: 400 }, { partialSuccess: { rejected: 3, message: 'x' } }]));
    const s = otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url }, {}),
      resource: {},
      deadLetter: join(dir, 'dead.jsonl'),
      maxBatchRecords: 10,
      maxInFlight: 1,
      backoff: { initialMs: 5, maxMs: 10 },
    });
    const records: FtpLogRecord[] = [];
    for await (const r of Readable.from([Buffer.from(eftLines(40))]).pipe(logRecords({ timezone: 'UTC' }))) records.push(r as FtpLogRecord);
    await pipeline(Readable.from(records), s);
    const c = sinkComponent(s.stats);
    assert.deepEqual(c, { component: 'otlp', received: 40, emitted: 27, dropped: { rejected: 3, dead_lettered: 10, not_delivered: 0, queued: 0 }, errors: 1 });
    assert.equal(unaccounted(c), 0);
  });
});
