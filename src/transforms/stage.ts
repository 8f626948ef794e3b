/**
 * The one shape every stage here has: a pure step that may emit any number
 * of outputs per input, and an end step that flushes. `setup` receives the
 * stage's emit function once and returns the two steps, so per-stage
 * callbacks are built once, not per chunk. Errors thrown by a step fail the
 * stream through the callback (never an uncaught throw), and every path
 * calls the callback exactly once.
 */
import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { Buffer } from 'node:buffer';

export type Emit<O> = (out: O) => void;

export interface StageSteps<I> {
  step(input: I): void;
  end?(): void;
}

export function stage<I, O>(options: TransformOptions, setup: (emit: Emit<O>) => StageSteps<I>): Transform {
  let stream: Transform;
  const { step, end } = setup((out) => {
    stream.push(out);
  });
  const bytesIn = options.writableObjectMode !== true && options.objectMode !== true;
  stream = new Transform({
    ...options,
    transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback) {
      try {
        step((bytesIn && typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk) as I);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      try {
        end?.();
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
  });
  return stream;
}
