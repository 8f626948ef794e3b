import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { reportSink } from '../../src/sinks/report.js';
import { ReportAggregator } from '../../src/report/aggregate.js';
import type { FtpLogRecord } from '../../src/model.js';

function record(i: number): FtpLogRecord {
  return {
    timestamp: Date.UTC(2024, 10, 18, 0, 0, i),
    observedTimestamp: 0,
    severityNumber: 9,
    severityText: 'INFO',
    eventName: 'ftp.upload',
    body: '',
    attributes: { 'ftp.operation': 'upload', 'ftp.outcome': 'success', 'ftp.transfer.bytes': i, 'user.name': `u${i % 3}` },
  };
}

describe('reportSink', () => {
  it('adds every record it is given to the aggregator', async () => {
    const agg = new ReportAggregator();
    await pipeline(Readable.from(Array.from({ length: 5000 }, (_, i) => record(i))), reportSink(agg));
    assert.equal(agg.records, 5000);
    assert.equal(agg.bytes, (4999 * 5000) / 2);
    assert.deepEqual(Object.fromEntries(agg.operations), { upload: { success: 5000, failure: 0, unknown: 0 } });
  });

  it('fails the pipeline when the aggregator throws, and emits close once', async () => {
    const agg = new ReportAggregator();
    agg.add = () => {
      throw new Error('broken');
    };
    const sink = reportSink(agg);
    let closes = 0;
    sink.on('close', () => closes++);
    await assert.rejects(pipeline(Readable.from([record(1), record(2)]), sink), /broken/);
    await new Promise((r) => setImmediate(r));
    assert.equal(closes, 1);
  });
});
