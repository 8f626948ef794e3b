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

/**
 * The read loop of both readers below: chunks from `fd` into `buf`, at
 * `position` onward (or the handle's own position, for null) up to `end`,
 * while not paused. Owns the handle (closes it when done) only if told so.
 */
class ChunkLoop implements FileChunkReader {
  bytesRead = 0;
  /** Undefined until given, and again once closing. */
  private fd: number | undefined;
  private reading = false;
  private paused = false;
  private done = false;

  constructor(
    private readonly buf: Buffer,
    private readonly handlers: FileChunkHandlers,
    private position: number | null,
    private readonly end: number,
    private readonly ownsFd: boolean,
  ) {}

  /** The handle is ready: reading starts (or, if destroyed meanwhile, an owned handle is closed). */
  start(fd: number): void {
    if (this.done) {
      if (this.ownsFd) close(fd, () => {});
      return;
    }
    this.fd = fd;
    this.next();
  }

  /** Opening failed (called at most once, before start()). */
  failed(err: NodeJS.ErrnoException): void {
    if (!this.done) this.finish(err);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.next();
  }

  isPaused(): boolean {
    return this.paused;
  }

  destroy(): void {
    if (this.done) return;
    this.done = true;
    // A read in flight closes the file when it returns; an open in flight, when it opens.
    if (!this.reading) this.closeFd();
  }

  private next(): void {
    if (this.done || this.reading || this.paused || this.fd === undefined) return;
    const { position, end } = this;
    if (position !== null && position >= end) {
      this.finish();
      return;
    }
    this.reading = true;
    const length = position === null ? this.buf.length : Math.min(this.buf.length, end - position);
    read(this.fd, this.buf, 0, length, position, (err, n) => {
      this.reading = false;
      if (this.done) {
        this.closeFd();
        return;
      }
      if (err !== null) {
        this.finish(err);
        return;
      }
      if (n === 0) {
        this.finish();
        return;
      }
      this.bytesRead += n;
      if (this.position !== null) this.position += n;
      this.handlers.chunk(this.buf.subarray(0, n));
      this.next();
    });
  }

  private finish(err?: NodeJS.ErrnoException): void {
    this.done = true;
    this.closeFd();
    if (err !== undefined) this.handlers.error(err);
    else this.handlers.end();
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    const f = this.fd;
    this.fd = undefined;
    if (this.ownsFd) close(f, () => {});
  }
}

function chunkBuffer(chunkBytes: number): Buffer {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw invalidOption('chunkBytes', 'a positive integer', chunkBytes);
  return Buffer.allocUnsafeSlow(chunkBytes);
}

/** Starts reading `path` into a reused buffer of `chunkBytes`; the file is closed at the end, on error, and on destroy() once no read is in flight. */
export function readFileChunks(path: string, chunkBytes: number, handlers: FileChunkHandlers): FileChunkReader {
  const loop = new ChunkLoop(chunkBuffer(chunkBytes), handlers, null, Infinity, true);
  open(path, 'r', (err, fd) => (err !== null ? loop.failed(err) : loop.start(fd)));
  return loop;
}

/**
 * Reads bytes [start, end) of a file already open as `fd` into a reused
 * buffer of `chunkBytes`, as readFileChunks() does; the handle stays open
 * (it is the caller's). Reading stops early, with end(), if the file is
 * shorter than `end` by then (it was truncated meanwhile).
 */
export function readRangeChunks(fd: number, start: number, end: number, chunkBytes: number, handlers: FileChunkHandlers): ChunkSource {
  const loop = new ChunkLoop(chunkBuffer(chunkBytes), handlers, start, end, false);
  // Started on the next turn, as readFileChunks() starts once its open returns: the caller is set up by then.
  setImmediate(() => loop.start(fd));
  return loop;
}
