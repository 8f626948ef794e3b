/**
 * Reads a file in chunks into one buffer that is reused for every read, for a
 * consumer that copies what it keeps before it returns (readLogsParallel
 * copies each block into a slab for a worker).
 *
 * Why not fs.createReadStream(): it allocates a new buffer per read. On a
 * thread that allocates little else, V8 collects late, and dead read buffers
 * (64 KiB each, served by malloc) piled up: ~25 MB of the peak RSS of
 * `ftplog-otel parse` with worker threads (measured: peak 149 MB, and 109 MB
 * when the main thread was made to collect every 100 ms).
 *
 * Backpressure is explicit: pause() stops reading after the read in flight,
 * whose chunk is still delivered; resume() starts again. Nothing is buffered
 * here, so the bound is the one buffer.
 */
import { open, read, close } from 'node:fs';
import { Buffer } from 'node:buffer';
import { invalidOption } from '../errors.js';

export interface FileChunkHandlers {
  /** A chunk of the file, lent: its bytes are overwritten by the next read, so keep a copy of what is needed. */
  chunk(bytes: Buffer): void;
  /** The whole file was read (called once, after the last chunk). */
  end(): void;
  /** Opening or reading failed (called once; nothing follows). */
  error(err: NodeJS.ErrnoException): void;
}

/** Chunks handed to callbacks, with explicit backpressure. */
export interface ChunkSource {
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  /** Stops for good: no callback is called afterwards. */
  destroy(): void;
}

export interface FileChunkReader extends ChunkSource {
  /** Bytes read so far. */
  readonly bytesRead: number;
}

/** Starts reading `path` into a reused buffer of `chunkBytes`; the file is closed at the end, on error, and on destroy() once no read is in flight. */
export function readFileChunks(path: string, chunkBytes: number, handlers: FileChunkHandlers): FileChunkReader {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw invalidOption('chunkBytes', 'a positive integer', chunkBytes);
  const buf = Buffer.allocUnsafeSlow(chunkBytes);
  /** Undefined until open, and again once closing. */
  let fd: number | undefined;
  let reading = false;
  let isPaused = false;
  let done = false;
  let bytesRead = 0;

  const closeFd = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    close(f, () => {});
  };

  const finish = (err?: NodeJS.ErrnoException): void => {
    done = true;
    closeFd();
    if (err !== undefined) handlers.error(err);
    else handlers.end();
  };

  const next = (): void => {
    if (done || reading || isPaused || fd === undefined) return;
    reading = true;
    read(fd, buf, 0, chunkBytes, null, (err, n) => {
      reading = false;
      if (done) {
        closeFd();
        return;
      }
      if (err !== null) {
        finish(err);
        return;
      }
      if (n === 0) {
        finish();
        return;
      }
      bytesRead += n;
      handlers.chunk(buf.subarray(0, n));
      next();
    });
  };

  open(path, 'r', (err, f) => {
    if (done) {
      if (err === null) close(f, () => {});
      return;
    }
    if (err !== null) {
      finish(err);
      return;
    }
    fd = f;
    next();
  });

  return {
    pause() {
      isPaused = true;
    },
    resume() {
      isPaused = false;
      next();
    },
    isPaused: () => isPaused,
    destroy() {
      if (done) return;
      done = true;
      // A read in flight closes the file when it returns; an open in flight, when it opens.
      if (!reading) closeFd();
    },
    get bytesRead() {
      return bytesRead;
    },
  };
}

/**
 * Reads bytes [start, end) of a file already open as `fd` into a reused
 * buffer of `chunkBytes`, as readFileChunks() does; the handle stays open
 * (it is the caller's). Reading stops early, with end(), if the file is
 * shorter than `end` by then (it was truncated meanwhile).
 */
export function readRangeChunks(fd: number, start: number, end: number, chunkBytes: number, handlers: FileChunkHandlers): ChunkSource {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw invalidOption('chunkBytes', 'a positive integer', chunkBytes);
  const buf = Buffer.allocUnsafeSlow(chunkBytes);
  let position = start;
  let reading = false;
  let isPaused = false;
  let done = false;

  const next = (): void => {
    if (done || reading || isPaused) return;
    if (position >= end) {
      done = true;
      handlers.end();
      return;
    }
    reading = true;
    read(fd, buf, 0, Math.min(chunkBytes, end - position), position, (err, n) => {
      reading = false;
      if (done) return;
      if (err !== null) {
        done = true;
        handlers.error(err);
        return;
      }
      if (n === 0) {
        done = true;
        handlers.end();
        return;
      }
      position += n;
      handlers.chunk(buf.subarray(0, n));
      next();
    });
  };
  // Started on the next turn, as readFileChunks() starts once its open returns: the caller is set up by then.
  setImmediate(next);

  return {
    pause() {
      isPaused = true;
    },
    resume() {
      isPaused = false;
      next();
    },
    isPaused: () => isPaused,
    destroy() {
      done = true;
    },
  };
}
