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
}

export interface SplitLinesStream extends Transform {
  readonly stats: Readonly<SplitLinesStats>;
}

export function splitLines(options: SplitLinesOptions = {}): SplitLinesStream {
  const { highWaterMark = 1024, ...cutterOptions } = options;
  const cutter = new LineCutter(cutterOptions);
  const stats: SplitLinesStats = { lines: 0, truncated: 0 };
  const stream = stage<Buffer, LogLine>(
    { writableObjectMode: false, readableObjectMode: true, readableHighWaterMark: highWaterMark },
    (emit) => {
      const counted = (line: LogLine): void => {
        stats.lines++;
        if (line.truncated === true) stats.truncated++;
        emit(line);
      };
      return { step: (chunk) => cutter.push(chunk, counted), end: () => cutter.end(counted) };
    },
  );
  return Object.assign(stream, { stats }) as SplitLinesStream;
}
