/** enrich(): ParsedLine in, FtpLogRecord out. A thin stream around createEnricher(). */
import { Transform, type TransformCallback } from 'node:stream';
import type { FtpLogRecord, ParsedLine } from '../model.js';
import { createCountingEnricher, newEnrichStats, type EnrichOptions, type EnrichStats } from '../enrich/enrich.js';

export type { EnrichStats };

export interface EnrichStageOptions extends EnrichOptions {
  /** Records buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface EnrichStream extends Transform {
  readonly stats: Readonly<EnrichStats>;
}

export function enrich(options: EnrichStageOptions = {}): EnrichStream {
  const { highWaterMark = 1024, ...enrichOptions } = options;
  const enrichOne = createCountingEnricher(enrichOptions);
  const stats = newEnrichStats();
  const stream = new Transform({
    objectMode: true,
    highWaterMark,
    transform(parsed: ParsedLine, _enc: BufferEncoding, callback: TransformCallback) {
      let record: FtpLogRecord;
      try {
        record = enrichOne(parsed, stats);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback(null, record);
    },
  });
  return Object.assign(stream, { stats }) as EnrichStream;
}
