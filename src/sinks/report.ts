/**
 * reportSink(): records into a ReportAggregator (src/report/), for
 * `ftplog-otel stats`. A thin stage: the counting is the aggregator's.
 */
import { Writable } from 'node:stream';
import type { FtpLogRecord } from '../model.js';
import type { ReportAggregator } from '../report/aggregate.js';

export function reportSink(aggregator: ReportAggregator): Writable {
  return new Writable({
    objectMode: true,
    highWaterMark: 1024,
    write(record: FtpLogRecord, _enc, callback) {
      try {
        aggregator.add(record);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
    writev(chunks, callback) {
      try {
        for (const c of chunks) aggregator.add(c.chunk as FtpLogRecord);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
  });
}
