/** enrich(): ParsedLine in, FtpLogRecord out. A thin stream around createEnricher(). */
import { Transform, type TransformCallback } from 'node:stream';
import type { FtpLogRecord, ParsedLine } from '../model.js';
import { createEnricher, type EnrichOptions } from '../enrich/enrich.js';

export interface EnrichStageOptions extends EnrichOptions {
  /** Records buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface EnrichStats {
  records: number;
  success: number;
  failure: number;
  unknown: number;
  parseErrors: number;
}

export interface EnrichStream extends Transform {
  readonly stats: Readonly<EnrichStats>;
}

export function newEnrichStats(): EnrichStats {
  return { records: 0, success: 0, failure: 0, unknown: 0, parseErrors: 0 };
}

export function countRecord(stats: EnrichStats, r: FtpLogRecord): void {
  stats.records++;
  const outcome = r.attributes['ftp.outcome'];
  if (outcome === 'success') stats.success++;
  else if (outcome === 'failure') stats.failure++;
  else if (outcome === 'unknown') stats.unknown++;
  else stats.parseErrors++;
}

export function enrich(options: EnrichStageOptions = {}): EnrichStream {
  const { highWaterMark = 1024, ...enrichOptions } = options;
  const enrichOne = createEnricher(enrichOptions);
  const stats = newEnrichStats();
  const stream = new Transform({
    objectMode: true,
    highWaterMark,
    transform(parsed: ParsedLine, _enc: BufferEncoding, callback: TransformCallback) {
      let record: FtpLogRecord;
      try {
        record = enrichOne(parsed);
      } catch (err) {
        callback(err as Error);
        return;
      }
      countRecord(stats, record);
      callback(null, record);
    },
  });
  return Object.assign(stream, { stats }) as EnrichStream;
}
