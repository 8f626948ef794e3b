/**
 * logRecords(): bytes in, FtpLogRecord out — splitLines + parse + enrich
 * fused into one stage. Same pure functions, same counters, one stream hop
 * instead of three: the per-object cost of a stream hop is a large share of
 * the work at a million lines a second. The three separate stages remain the
 * composable API and the reference the tests compare this one against.
 */
import type { Transform } from 'node:stream';
import type { Buffer } from 'node:buffer';
import { stage } from './stage.js';
import type { FtpLogRecord, LogLine, ParsedLine } from '../model.js';
import { LineCutter, type LineCutterOptions } from '../split/line-cutter.js';
import { LineParser, type ParseStats } from './parse.js';
import { createCountingEnricher, newEnrichStats, type CountingEnricher, type EnrichOptions, type EnrichStats } from '../enrich/enrich.js';
import type { FormatOption } from '../formats/detect.js';

export interface LogRecordsOptions extends LineCutterOptions, EnrichOptions {
  /** @default 'auto' */
  format?: FormatOption;
  /** Records buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface LogRecordsStats {
  readonly split: { lines: number; truncated: number };
  readonly parse: ParseStats;
  readonly enrich: EnrichStats;
}

export interface LogRecordsStream extends Transform {
  readonly stats: LogRecordsStats;
}

/**
 * The fused steps without a stream: bytes are cut into lines, parsed and
 * enriched, every record goes to `emit`, and the counters are kept in
 * `stats`. logRecords() wraps it; worker threads run it on blocks.
 */
export class RecordsPipeline {
  readonly stats: LogRecordsStats;
  private readonly onLine: (line: LogLine) => void;
  private readonly onParsed: (p: ParsedLine) => void;

  constructor(
    private readonly cutter: LineCutter,
    private readonly parser: LineParser,
    enrichOne: CountingEnricher,
    emit: (r: FtpLogRecord) => void,
  ) {
    const stats: LogRecordsStats = { split: { lines: 0, truncated: 0 }, parse: parser.stats, enrich: newEnrichStats() };
    this.stats = stats;
    // Plain closures over locals: they run once per line.
    const counts = stats.enrich;
    const onParsed = (p: ParsedLine): void => {
      emit(enrichOne(p, counts));
    };
    this.onParsed = onParsed;
    this.onLine = (line) => {
      stats.split.lines++;
      if (line.truncated === true) stats.split.truncated++;
      parser.push(line, onParsed);
    };
  }

  push(chunk: Buffer): void {
    this.cutter.push(chunk, this.onLine);
  }

  /** Bytes of an over-long line dropped before they were pushed (see LineCutter.skip()). */
  skip(bytes: number): void {
    this.cutter.skip(bytes);
  }

  end(): void {
    this.cutter.end(this.onLine);
    this.parser.end(this.onParsed);
  }
}

export function logRecords(options: LogRecordsOptions = {}): LogRecordsStream {
  const { format = 'auto', highWaterMark = 1024, timezone, now, ...cutterOptions } = options;
  const cutter = new LineCutter(cutterOptions);
  const parser = new LineParser(format);
  // One clock reading per chunk: the lines of a chunk were all read at the same
  // moment, and a clock call per line is a measurable share of the work.
  const clock = now ?? Date.now;
  let observed = 0;
  // (An invalid `now` is passed on for createCountingEnricher to reject as before.)
  const enrichOne = createCountingEnricher({ timezone, now: typeof clock === 'function' ? () => observed : now });
  let pipeline!: RecordsPipeline;
  const stream = stage<Buffer, FtpLogRecord>(
    { writableObjectMode: false, readableObjectMode: true, readableHighWaterMark: highWaterMark },
    (emit) => {
      pipeline = new RecordsPipeline(cutter, parser, enrichOne, emit);
      return {
        step: (chunk) => {
          observed = clock();
          pipeline.push(chunk);
        },
        end: () => {
          observed = clock();
          pipeline.end();
        },
      };
    },
  );
  return Object.assign(stream, { stats: pipeline.stats }) as LogRecordsStream;
}
