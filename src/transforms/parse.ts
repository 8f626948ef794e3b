/**
 * parse(): LogLine in, ParsedLine out. Skipped lines (blank, header) are
 * counted, not emitted. With format 'auto' the first lines are held (at most
 * DETECT_WINDOW of them) until one shows its format.
 */
import type { Transform } from 'node:stream';
import { stage } from './stage.js';
import type { LogLine, ParsedLine } from '../model.js';
import type { FormatOption } from '../formats/detect.js';
import { LineParser, type ParseStats } from '../formats/line-parser.js';

export { LineParser, validateFormat, DETECT_WINDOW, lineEndNote, joinedLines, type ParseStats } from '../formats/line-parser.js';

export interface ParseOptions {
  /** Input format; 'auto' detects it from the first non-empty lines. @default 'auto' */
  format?: FormatOption;
  /** Parsed lines buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface ParseStream extends Transform {
  readonly stats: Readonly<ParseStats>;
}

export function parse(options: ParseOptions = {}): ParseStream {
  const { highWaterMark = 1024 } = options;
  const parser = new LineParser(options.format ?? 'auto');
  const stream = stage<LogLine, ParsedLine>(
    { objectMode: true, highWaterMark },
    (emit) => ({ step: (line) => parser.push(line, emit), end: () => parser.end(emit) }),
  );
  return Object.assign(stream, { stats: parser.stats }) as ParseStream;
}
