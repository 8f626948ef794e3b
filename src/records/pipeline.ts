/**
 * The record pipeline without streams: bytes are cut into lines, parsed,
 * enriched and transformed, every record goes to `emit`, and the counters
 * are kept in `stats`. The logRecords() stage wraps it on the main thread;
 * worker threads run it on blocks (src/parallel/job.ts), with the same
 * transforms built from the same settings. Pure.
 */
import type { Buffer } from 'node:buffer';
import type { FtpLogRecord, LogLine, ParsedLine } from '../model.js';
import type { LineCutter } from '../split/line-cutter.js';
import type { LineParser, ParseStats } from '../formats/line-parser.js';
import { newEnrichStats, type CountingEnricher, type EnrichStats } from '../enrich/enrich.js';
import { applyTransforms, newTransformStats, type RecordTransform, type TransformStats } from './transforms.js';

export interface SplitStats {
  lines: number;
  truncated: number;
  /** Lines whose bytes are not valid UTF-8 (see LogLine.invalidUtf8). */
  invalidUtf8: number;
  /** Number of the first of them; 0 while there is none. */
  firstInvalidUtf8Line: number;
}

export interface LogRecordsStats {
  readonly split: SplitStats;
  readonly parse: ParseStats;
  readonly enrich: EnrichStats;
  /** Records the transforms dropped, by reason. */
  readonly transform: TransformStats;
}

export class RecordsPipeline {
  readonly stats: LogRecordsStats;
  /**
   * Called once, with its line number, for the first line that is not valid
   * UTF-8: as soon as the input is known to be a log, never for one left out
   * as not a log (see settleUtf8()).
   */
  onInvalidUtf8: ((line: number) => void) | undefined;
  /** The first such line, while it waits for the input's format. */
  private pendingUtf8: number | undefined;
  private readonly onLine: (line: LogLine) => void;
  private readonly onParsed: (p: ParsedLine) => void;

  constructor(
    private readonly cutter: LineCutter,
    private readonly parser: LineParser,
    enrichOne: CountingEnricher,
    emit: (r: FtpLogRecord) => void,
    transform?: RecordTransform,
    /** Called after each line has been dealt with (for a reader that tracks how far it got). */
    afterLine?: (line: LogLine) => void,
  ) {
    const stats: LogRecordsStats = {
      split: { lines: 0, truncated: 0, invalidUtf8: 0, firstInvalidUtf8Line: 0 },
      parse: parser.stats,
      enrich: newEnrichStats(),
      transform: newTransformStats(),
    };
    this.stats = stats;
    const invalid = (line: LogLine): void => {
      if (stats.split.invalidUtf8++ === 0) {
        stats.split.firstInvalidUtf8Line = line.position.line;
        this.pendingUtf8 = line.position.line;
      }
    };
    parser.lineEnd = () => cutter.lineEnd;
    // Plain closures over locals: they run once per line.
    const counts = stats.enrich;
    const dropped = stats.transform;
    const onParsed =
      transform === undefined
        ? (p: ParsedLine): void => emit(enrichOne(p, counts))
        : (p: ParsedLine): void => {
            const r = applyTransforms(transform, enrichOne(p, counts), dropped);
            if (r !== undefined) emit(r);
          };
    this.onParsed = onParsed;
    this.onLine =
      afterLine === undefined
        ? (line) => {
            stats.split.lines++;
            if (line.truncated === true) stats.split.truncated++;
            if (line.invalidUtf8 === true) invalid(line);
            parser.push(line, onParsed);
            if (this.pendingUtf8 !== undefined) this.settleUtf8(false);
          }
        : (line) => {
            stats.split.lines++;
            if (line.truncated === true) stats.split.truncated++;
            if (line.invalidUtf8 === true) invalid(line);
            parser.push(line, onParsed);
            if (this.pendingUtf8 !== undefined) this.settleUtf8(false);
            afterLine(line);
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
    if (this.pendingUtf8 !== undefined) this.settleUtf8(true);
  }

  /**
   * Tells onInvalidUtf8 of the first line that is not valid UTF-8 once the
   * input is known to be a log (its format found, or its end reached), and
   * never when it is left out as not a log: that input's one warning says so.
   */
  private settleUtf8(ended: boolean): void {
    if (this.parser.skipping) {
      this.pendingUtf8 = undefined;
    } else if (ended || this.parser.stats.format !== undefined) {
      const line = this.pendingUtf8!;
      this.pendingUtf8 = undefined;
      this.onInvalidUtf8?.(line);
    }
  }
}

