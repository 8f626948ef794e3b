/**
 * The one shape every stage here has: a pure step that may emit any number
 * of outputs per input, and an end step that flushes. Errors thrown by a step
 * fail the stream through the callback (never an uncaught throw), and every
 * path calls the callback exactly once.
 */
import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { Buffer } from 'node:buffer';

export type Emit<O> = (out: O) => void;

export function stage<I, O>(
  options: TransformOptions,
  step: (input: I, emit: Emit<O>) => void,
  end?: (emit: Emit<O>) => void,
): Transform {
  let stream: Transform;
  const emit: Emit<O> = (out) => {
    stream.push(out);
  };
  const bytesIn = options.writableObjectMode !== true && options.objectMode !== true;
  stream = new Transform({
    ...options,
    transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback) {
      try {
        step((bytesIn && typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk) as I, emit);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      try {
        end?.(emit);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback();
    },
  });
  return stream;
}
