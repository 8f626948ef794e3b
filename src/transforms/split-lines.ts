/**
 * splitLines(): bytes in, LogLine objects out. A thin stream around
 * LineCutter; see split/line-cutter.ts for the buffering bound.
 */
import type { Transform } from 'node:stream';
import type { Buffer } from 'node:buffer';
import { stage } from './stage.js';
import type { LogLine } from '../model.js';
import { LineCutter, type LineCutterOptions } from '../split/line-cutter.js';

export type SplitLinesOptions = LineCutterOptions & {
  /** Lines buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
};

export interface SplitLinesStats {
  lines: number;
  truncated: number;
  /** Lines whose bytes are not valid UTF-8 (see LogLine.invalidUtf8). */
  invalidUtf8: number;
}

export interface SplitLinesStream extends Transform {
  readonly stats: Readonly<SplitLinesStats>;
}

export function splitLines(options: SplitLinesOptions = {}): SplitLinesStream {
  const { highWaterMark = 1024, ...cutterOptions } = options;
  const cutter = new LineCutter(cutterOptions);
  const stats: SplitLinesStats = { lines: 0, truncated: 0, invalidUtf8: 0 };
  const stream = stage<Buffer, LogLine>(
    { writableObjectMode: false, readableObjectMode: true, readableHighWaterMark: highWaterMark },
    (emit) => {
      const counted = (line: LogLine): void => {
        stats.lines++;
        if (line.truncated === true) stats.truncated++;
        if (line.invalidUtf8 === true) stats.invalidUtf8++;
        emit(line);
      };
      return { step: (chunk) => cutter.push(chunk, counted), end: () => cutter.end(counted) };
    },
  );
  return Object.assign(stream, { stats }) as SplitLinesStream;
}
