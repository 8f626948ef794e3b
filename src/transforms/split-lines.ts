/**
 * splitLines(): bytes in, LogLine objects out. A thin stream around
 * LineCutter; see split/line-cutter.ts for the buffering bound.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Buffer } from 'node:buffer';
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
  let stream: Transform;
  const emit = (line: LogLine): void => {
    stats.lines++;
    if (line.truncated === true) stats.truncated++;
    stream.push(line);
  };
  stream = new Transform({
    writableObjectMode: false,
    readableObjectMode: true,
    readableHighWaterMark: highWaterMark,
    transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback) {
      try {
        cutter.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk, emit);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      try {
        cutter.end(emit);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
  });
  return Object.assign(stream, { stats }) as SplitLinesStream;
}
