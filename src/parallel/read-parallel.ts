/**
 * readLogsParallel(): readLogs() spread over worker threads. The main thread
 * reads each input, cuts it into blocks of whole lines (blocks.ts) and hands
 * them to the workers, which split, parse, enrich and encode them (job.ts);
 * results are put back in input order and come out of this stream as JSONL
 * buffers or as runs of OTLP-encoded records (EncodedRecords, what otlpSink
 * takes), with the same records, counts and source positions as the
 * single-thread path.
 *
 * Bounds: at most `maxBlocks` blocks are out at once (reading, queued for a
 * worker, in a worker, or finished and waiting for their turn); reading
 * pauses at that bound and while this stream's consumer is not reading, so
 * memory is about maxBlocks × blockBytes × the encoding's expansion (JSONL
 * is ~6x the log text, OTLP protobuf ~4x), plus each worker's heap. A file
 * is read into one reused buffer and each block copied into a pooled slab
 * for its worker, so this thread, which allocates too little to collect
 * often, leaves no read buffers behind for a late collection to free.
 *
 * Format auto-detection follows the single-thread rules within each input's
 * first block; the rest of the input is parsed in the format found there.
 * (An input whose first block holds no recognisable line leaves each later
 * block to detect on its own.)
 */
import { Readable } from 'node:stream';
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { Buffer } from 'node:buffer';
import { BlockCutter, type Block } from './blocks.js';
import { readFileChunks, readRangeChunks, type ChunkSource } from '../sources/file-chunks.js';
import type { Job, JobCounts, JobOutput, JobResult, JobSettings } from './job.js';
import type { SpareMessage, WorkerData, WorkerReply } from './worker.js';
import { invalidUtf8Warning, newInputStats, sumInputStats, unrecognisedWarning, type InputStats, type InputTotals, type ReadLogsStats } from '../sources/log-files.js';
import type { EncodedRecords } from '../otlp/encoded.js';
import type { FormatOption } from '../formats/detect.js';
import type { LineEncoding } from '../split/line-cutter.js';
import { DEFAULT_MAX_LINE_BYTES } from '../split/line-cutter.js';
import { validateFormat } from '../formats/line-parser.js';
import { addDropped, compileTransforms, resolveTransformKeys, type TransformSpec } from '../records/transforms.js';
import { FtplogError, invalidOption, positiveIntOption } from '../errors.js';

export interface ReadLogsParallelOptions {
  /** What comes out: JSONL buffers, or records encoded for an OTLP protocol. */
  output: JobOutput;
  /** Worker threads. @default os.availableParallelism() */
  workers?: number;
  /** @default 'auto' */
  format?: FormatOption;
  /** IANA zone of the logs' times. @default the machine's zone */
  timezone?: string;
  /** @default 'utf8' */
  encoding?: LineEncoding;
  /** @default 65536 */
  maxLineBytes?: number;
  /** Record transforms, run in the worker threads after enrich. @default [] */
  transforms?: readonly TransformSpec[];
  /** Stream read for the input `-`. @default process.stdin */
  stdin?: Readable;
  /** Inputs (as listed) left out, with a 'warning' event, when their format is not recognised (see readLogs()). @default [] */
  skipUnrecognised?: readonly string[];
  /**
   * Bytes read at a time, about the size of a block. Measured (parse, 2
   * workers, 1M EFT lines): 64 KiB and 256 KiB blocks run at the same speed,
   * but peak RSS is ~128 MB with 64 KiB and ~235 MB with 256 KiB, where each
   * block's buffers are a few MiB. @default 65536
   */
  blockBytes?: number;
  /** Most blocks out at once. @default 2 per worker */
  maxBlocks?: number;
  /**
   * Heap limits of each worker. A worker's live data is one block's records;
   * the rest of its heap is garbage waiting for a collection. Measured (2
   * workers, 1M NcFTPd lines, `parse`): 166 MB peak RSS with 16/48 MB
   * young/old, 134 MB with 4/16, for about 7% less speed.
   * The old generation also gets 8 bytes per byte of `maxLineBytes`, so one
   * line of the largest size allowed always fits (64 KiB lines: 25 MB).
   * @default { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 24 + 8 × maxLineBytes in MB }
   */
  resourceLimits?: ResourceLimits;
}

/**
 * A stretch of lines of a file already open: bytes [start.offset, end) of
 * `fd`, whose first line is line start.line + 1. `end` must be just past a
 * line end. The records carry `fileId` as their source's identity (a
 * followed file's), and the handle is left open. For the OTLP outputs.
 */
export interface RangeInput {
  file: string;
  fileId: string;
  fd: number;
  start: { offset: number; line: number };
  end: number;
}

export interface ParallelLogsStream extends Readable {
  readonly stats: ReadLogsStats;
  readonly workers: number;
  totals(): InputTotals;
  /** Stops reading: blocks not yet handed out are dropped, and the stream ends after the ones already emitted. */
  stop(): void;
  /**
   * Output 'jsonl': hands back a chunk this stream emitted, once its bytes
   * have been written out, for the workers to write later lines into (the
   * chunk must not be read afterwards: its view becomes empty). Anything
   * else is ignored. A consumer that never calls it leaves the chunks to the
   * garbage collector. (OTLP runs have their own EncodedRecords.release.)
   */
  release(chunk: Uint8Array): void;
}

interface InputState {
  /** Undefined for stdin. */
  file: string | undefined;
  /** The source identity of a range's records. */
  fileId: string | undefined;
  stats: InputStats;
  cutter: BlockCutter;
  /** A file read into one reused buffer, or stdin (paused, not closed, on destroy). */
  source: ChunkSource;
  /** Format given to new blocks; 'auto' until the first block has answered. */
  format: FormatOption;
  /** The first block is out and the format is not known yet: later blocks wait. */
  awaitingFormat: boolean;
  firstDispatched: boolean;
  /** Jobs waiting for the format (their bytes are in their slabs already). */
  held: Job[];
  /** Left out, with a warning, when its first block shows no known format. */
  skipUnrecognised: boolean;
  /** Its first block showed no known format: the rest is counted, not parsed. */
  gaveUp: boolean;
  /** Lines of the input in the blocks handed out so far (BlockCutter counts their line ends). */
  nextLine: number;
  /** Lines of the input in the results emitted so far: must agree with what the blocks were numbered from. */
  emittedLines: number;
  ended: boolean;
  /** Blocks of this input not yet emitted. */
  open: number;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Input memory shared with the workers, reused from block to block. A block
 * posted as an ordinary buffer is copied into a new allocation in the worker,
 * which V8 frees only at a full collection, and those come late in a worker
 * that allocates little else: measured (`parse`, 2 workers, 1M EFT lines,
 * other work on the machine), each worker's malloc arena held ~62 MB of dead
 * block copies, 245 MB peak RSS in all. A block is instead copied into a slab
 * of shared memory, which the worker reads in place and which is reused once
 * the block's result is back. At most `limit` slabs are kept.
 */
class SlabPool {
  private readonly free: Uint8Array[] = [];

  constructor(
    private readonly slabBytes: number,
    private readonly limit: number,
  ) {}

  /** A slab of at least `n` bytes. */
  acquire(n: number): Uint8Array {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const slab = this.free[i]!;
      if (slab.length >= n) {
        this.free.splice(i, 1);
        return slab;
      }
    }
    return new Uint8Array(new SharedArrayBuffer(Math.max(n, this.slabBytes)));
  }

  release(slab: Uint8Array): void {
    if (this.free.length < this.limit) this.free.push(slab);
  }
}

/** What readLogsParallel() resolves from its options. */
interface ParallelSettings {
  output: JobOutput;
  workerCount: number;
  blockBytes: number;
  maxBlocks: number;
  maxLineBytes: number;
  format: FormatOption;
  stdin: Readable;
  settings: JobSettings;
  resourceLimits: ResourceLimits;
  timezone: string | undefined;
  skipUnrecognised: ReadonlySet<string>;
}

function resolveParallel(options: ReadLogsParallelOptions): ParallelSettings {
  const output = options.output;
  if (output !== 'jsonl' && output !== 'http/protobuf' && output !== 'http/json') {
    throw invalidOption('output', '"jsonl", "http/protobuf" or "http/json"', output);
  }
  const workerCount = positiveIntOption('workers', options.workers, availableParallelism());
  const maxLineBytes = positiveIntOption('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  const encoding = options.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'latin1') throw invalidOption('encoding', '"utf8" or "latin1"', encoding);
  // Keys are read here, on the main thread: the threads get them resolved.
  const transforms = resolveTransformKeys(options.transforms ?? []);
  const settings: JobSettings = { output, encoding, maxLineBytes, ...(transforms.length > 0 ? { transforms } : {}) };
  compileTransforms(settings.transforms); // a bad spec fails here, not in every thread
  return {
    output,
    workerCount,
    blockBytes: positiveIntOption('blockBytes', options.blockBytes, 64 * 1024),
    maxBlocks: positiveIntOption('maxBlocks', options.maxBlocks, 2 * workerCount),
    maxLineBytes,
    format: validateFormat(options.format ?? 'auto'),
    stdin: options.stdin ?? process.stdin,
    settings,
    // A block holds one line of up to maxLineBytes: its text, record and
    // serialization must fit in the old generation whatever limit is set.
    resourceLimits: options.resourceLimits ?? {
      maxYoungGenerationSizeMb: 4,
      maxOldGenerationSizeMb: 24 + Math.ceil((8 * maxLineBytes) / (1024 * 1024)),
    },
    timezone: options.timezone,
    skipUnrecognised: new Set(options.skipUnrecognised ?? []),
  };
}

/**
 * The reader behind readLogsParallel(): inputs in turn, blocks out to the
 * workers, results back in order, into `out`.
 */
class ParallelReader {
  readonly out: ParallelLogsStream;
  private readonly queue: (string | RangeInput)[];
  /** Records the transforms dropped, by reason, added up block by block in their turn. */
  private readonly droppedBy: Record<string, number> = {};
  private readonly stats: ReadLogsStats = { inputs: [], droppedBy: this.droppedBy };
  private readonly slots: Slot[] = [];
  /** Input, size and input slab of each block out, by sequence number. */
  private readonly blocks = new Map<number, { input: InputState; inputBytes: number; slab: Uint8Array; startLine: number }>();
  private readonly slabs: SlabPool;
  /** Finished blocks waiting for their turn. */
  private readonly done = new Map<number, JobResult>();
  /**
   * Output buffers the consumer released (EncodedRecords.release, release()),
   * sent back to the workers at the end of the tick. Without this, each
   * buffer is freed only by a later collection on this thread, which
   * allocates little and collects late, later still when the machine is busy.
   * Workers keep a few for their next outputs and let the rest go; they
   * collect often.
   */
  private readonly returned: ArrayBuffer[] = [];
  /** Memory of the JSONL chunks and runs emitted and not yet released: only these go back, each once. */
  private readonly emitted = new WeakSet<ArrayBuffer>();
  private returnScheduled = false;
  private nextReturnSlot = 0;
  private nextSeq = 0;
  private emitSeq = 0;
  private current: InputState | undefined;
  private consumerWants = true;
  private finished = false;

  constructor(
    inputs: readonly (string | RangeInput)[],
    private readonly p: ParallelSettings,
  ) {
    this.queue = [...(inputs.length === 0 ? ['-'] : inputs)];
    // A block is at most one chunk plus an unfinished line (maxLineBytes + 5) before it, and a prefix of that size
    // (the first block of an input, 64 KiB more: what was held while its line end was decided).
    this.slabs = new SlabPool(2 * p.blockBytes, p.maxBlocks);
    const out = new Readable({
      objectMode: true,
      highWaterMark: 4,
      read: () => {
        this.consumerWants = true;
        this.flush();
        this.resumeIfRoom();
      },
      destroy: (err, callback) => {
        this.shutdown();
        callback(err);
      },
    }) as ParallelLogsStream;
    this.out = Object.assign(out, {
      stats: this.stats,
      workers: p.workerCount,
      stop: () => {
        if (this.finished || out.destroyed) return;
        this.shutdown();
        out.push(null);
      },
      totals: () => sumInputStats(this.stats.inputs),
      release: (chunk: Uint8Array) => this.giveBack(chunk?.buffer as ArrayBuffer | undefined),
    });
    if (!this.openNext()) {
      this.finished = true;
      out.push(null);
    }
  }

  /** Queues an emitted buffer to go back to the workers at the end of the tick; anything else is ignored. */
  private giveBack(memory: ArrayBuffer | undefined): void {
    if (memory === undefined || !this.emitted.has(memory)) return;
    this.emitted.delete(memory);
    if (this.finished || memory.byteLength === 0) return;
    this.returned.push(memory);
    if (!this.returnScheduled) {
      this.returnScheduled = true;
      setImmediate(() => this.sendReturned());
    }
  }

  private sendReturned(): void {
    this.returnScheduled = false;
    const { returned, slots } = this;
    if (this.finished || slots.length === 0) {
      returned.length = 0;
      return;
    }
    // Spread over the workers, which take blocks about equally.
    const per = Math.ceil(returned.length / slots.length);
    while (returned.length > 0) {
      const buffers = returned.splice(0, per);
      const slot = slots[this.nextReturnSlot++ % slots.length]!;
      const message: SpareMessage = { spare: buffers };
      slot.worker.postMessage(message, buffers);
    }
  }

  private shutdown(): void {
    this.finished = true;
    this.current?.source.destroy();
    for (const s of this.slots) void s.worker.terminate();
    this.slots.length = 0;
    this.done.clear();
    this.blocks.clear();
    this.returned.length = 0;
  }

  private fail(err: Error): void {
    if (this.finished) return;
    this.out.destroy(err);
  }

  private startWorkers(): void {
    if (this.slots.length > 0) return;
    const data: WorkerData = { settings: this.p.settings, timezone: this.p.timezone };
    for (let i = 0; i < this.p.workerCount; i++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data, resourceLimits: this.p.resourceLimits });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      worker.on('error', (err) => this.fail(new FtplogError('ERR_WORKER', `worker thread failed: ${err.message}`, { cause: err })));
      // A result that cannot be deserialized would leave its block unanswered: fail instead of waiting.
      worker.on('messageerror', (err) => this.fail(new FtplogError('ERR_WORKER', `worker thread result unreadable: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => {
        if (!this.finished) this.fail(new FtplogError('ERR_WORKER', `worker thread exited (code ${code}) with blocks unfinished`));
      });
      this.slots.push(slot);
    }
  }

  private outstanding(): number {
    return this.nextSeq - this.emitSeq;
  }

  private resumeIfRoom(): void {
    const c = this.current;
    if (c === undefined || c.ended || this.finished) return;
    if (this.consumerWants && this.outstanding() < this.p.maxBlocks && c.source.isPaused()) c.source.resume();
  }

  private dispatch(input: InputState, job: Job): void {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    slot.busy++;
    job.format = input.format;
    slot.worker.postMessage(job);
  }

  /** Copies the block into a slab at once (the chunk it views is reused by the next read), then hands it out or holds it. */
  private submit(input: InputState, block: Block): void {
    const seq = this.nextSeq++;
    const prefixBytes = block.prefix?.length ?? 0;
    const slab = this.slabs.acquire(prefixBytes + block.byteLength);
    if (block.prefix !== undefined) slab.set(block.prefix, 0);
    let end = prefixBytes;
    for (const part of block.parts) {
      slab.set(part, end);
      end += part.length;
    }
    const startLine = input.nextLine;
    input.nextLine += block.lineEnds;
    const job: Job = {
      seq,
      file: input.file,
      format: input.format,
      startOffset: block.startOffset,
      startLine,
      lineEnd: block.lineEnd,
      bytes: slab.subarray(prefixBytes, end),
      ...(block.prefix !== undefined ? { prefix: slab.subarray(0, prefixBytes), skipped: block.skipped ?? 0 } : {}),
    };
    if (input.skipUnrecognised) job.skipUnrecognised = true;
    if (input.gaveUp) job.skipAll = true;
    this.blocks.set(seq, { input, inputBytes: block.inputBytes, slab, startLine });
    input.open++;
    if (input.awaitingFormat) {
      input.held.push(job);
      return;
    }
    if (input.format === 'auto' && !input.firstDispatched) input.awaitingFormat = true;
    input.firstDispatched = true;
    this.dispatch(input, job);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (this.finished) return;
    slot.busy--;
    if (!reply.ok) {
      this.fail(new FtplogError('ERR_WORKER', `worker thread: ${reply.message}${reply.code !== undefined ? ` (${reply.code})` : ''}`));
      return;
    }
    const r = reply.result;
    const info = this.blocks.get(r.seq);
    if (info === undefined) return;
    this.slabs.release(info.slab);
    const input = info.input;
    if (input.awaitingFormat) {
      // The first block answered: later blocks of the input use what it found.
      input.awaitingFormat = false;
      if (r.format !== undefined) input.format = r.format;
      this.noteGaveUp(input, r);
      for (const job of input.held.splice(0)) {
        if (input.gaveUp) job.skipAll = true;
        this.dispatch(input, job);
      }
    }
    this.noteGaveUp(input, r);
    this.done.set(r.seq, r);
    this.flush();
    this.resumeIfRoom();
  }

  /**
   * A block of an input that may be left out showed no known format: the
   * input's later blocks are counted, not parsed, and a warning names it
   * once; 'unrecognised' gives its identity (a range's fileId, or its path).
   */
  private noteGaveUp(input: InputState, r: JobResult): void {
    if (r.gaveUp !== true || input.gaveUp) return;
    input.gaveUp = true;
    this.out.emit('unrecognised', input.fileId ?? input.file ?? '-');
    this.out.emit('warning', unrecognisedWarning(input.file ?? '-'));
  }

  /**
   * The input's first line that is not valid UTF-8 (found in its blocks'
   * turn, so the same line as on one thread): a warning names it, once per
   * input; 'invalidUtf8' gives the input's identity (as 'unrecognised') and the line.
   */
  private noteInvalidUtf8(input: InputState, line: number): void {
    this.out.emit('invalidUtf8', input.fileId ?? input.file ?? '-', line);
    this.out.emit('warning', invalidUtf8Warning(input.file ?? '-', line));
  }

  /** A block's result, in its turn: counted into its input's stats and pushed out. */
  private emitResult(r: JobResult, input: InputState, inputBytes: number, startLine: number): void {
    const s = input.stats;
    const c = r.counts;
    if (r.format !== undefined && s.format === undefined) s.format = r.format;
    const firstInvalidUtf8 = s.invalidUtf8 === 0 && r.firstInvalidUtf8Line !== undefined;
    for (const k of Object.keys(c) as (keyof JobCounts)[]) s[k] += c[k];
    if (r.dropped !== undefined) addDropped(this.droppedBy, r.dropped);
    s.bytes += inputBytes;
    if (input.emittedLines !== startLine) {
      // The block was numbered from a count of line ends that its parse does not agree with: a bug, never a wrong number sent on.
      this.fail(new FtplogError('ERR_INTERNAL', `${input.file ?? 'stdin'}: a block numbered from line ${startLine + 1} follows ${input.emittedLines} lines`));
      return;
    }
    input.emittedLines += c.lines;
    if (firstInvalidUtf8) this.noteInvalidUtf8(input, r.firstInvalidUtf8Line!);
    if (r.jsonl !== undefined) {
      if (r.jsonl.length === 0) return;
      this.emitted.add(r.jsonl.buffer as ArrayBuffer);
      if (!this.out.push(Buffer.from(r.jsonl.buffer, r.jsonl.byteOffset, r.jsonl.byteLength))) this.consumerWants = false;
      return;
    }
    for (const run of r.runs ?? []) {
      const lines = run.lines;
      const memory = run.bytes.buffer as ArrayBuffer;
      this.emitted.add(memory);
      const encoded: EncodedRecords = {
        kind: 'encoded-records',
        protocol: this.p.output as EncodedRecords['protocol'],
        format: run.format,
        count: run.ends.length,
        bytes: Buffer.from(memory, run.bytes.byteOffset, run.bytes.byteLength),
        ends: run.ends,
        file: input.file,
        ...(input.fileId !== undefined ? { fileId: input.fileId } : {}),
        lines,
        offsets: run.offsets,
        release: () => this.giveBack(memory),
      };
      if (!this.out.push(encoded)) this.consumerWants = false;
    }
  }

  private flush(): void {
    while (!this.finished && this.consumerWants) {
      const r = this.done.get(this.emitSeq);
      if (r === undefined) break;
      this.done.delete(this.emitSeq);
      const info = this.blocks.get(this.emitSeq)!;
      this.blocks.delete(this.emitSeq);
      this.emitSeq++;
      info.input.open--;
      this.emitResult(r, info.input, info.inputBytes, info.startLine);
      if (info.input.ended && info.input.open === 0) this.inputDone(info.input);
    }
  }

  private inputDone(input: InputState): void {
    if (this.current !== input) return;
    this.current = undefined;
    if (!this.openNext()) {
      this.finished = true;
      for (const s of this.slots) void s.worker.terminate();
      this.slots.length = 0;
      this.out.push(null);
    }
  }

  private openNext(): boolean {
    const next = this.queue.shift();
    if (next === undefined) return false;
    const range = typeof next === 'string' ? undefined : next;
    const name = typeof next === 'string' ? next : next.file;
    const isStdin = name === '-';
    const { format, maxLineBytes, blockBytes, stdin } = this.p;
    // As readLogs() reports it: a format given is the input's format, even with no lines.
    const inputStats = newInputStats(name, format === 'auto' ? undefined : format);
    this.stats.inputs.push(inputStats);
    const onChunk = (chunk: Buffer): void => {
      if (this.finished) return;
      const block = input.cutter.push(chunk);
      if (block !== undefined) this.submit(input, block);
      if (this.outstanding() >= this.p.maxBlocks || !this.consumerWants) input.source.pause();
    };
    const onEnd = (): void => {
      if (this.finished) return;
      const block = input.cutter.end();
      if (block !== undefined) this.submit(input, block);
      input.ended = true;
      if (input.open === 0) this.inputDone(input);
    };
    const onError = (err: Error): void => this.fail(new FtplogError('ERR_INPUT', `${name}: ${err.message}`, { cause: err }));
    const handlers = { chunk: onChunk, end: onEnd, error: onError };
    const input: InputState = {
      file: isStdin ? undefined : name,
      fileId: range?.fileId,
      stats: inputStats,
      cutter: new BlockCutter(maxLineBytes, range?.start.offset ?? 0),
      source:
        range !== undefined
          ? readRangeChunks(range.fd, range.start.offset, range.end, blockBytes, handlers)
          : isStdin
            ? stdinChunks(stdin, onChunk, onEnd, onError)
            : readFileChunks(name, blockBytes, handlers),
      format,
      awaitingFormat: false,
      firstDispatched: false,
      held: [],
      skipUnrecognised: format === 'auto' && this.p.skipUnrecognised.has(name),
      gaveUp: false,
      nextLine: range?.start.line ?? 0,
      emittedLines: range?.start.line ?? 0,
      ended: false,
      open: 0,
    };
    this.current = input;
    this.startWorkers();
    return true;
  }
}

export function readLogsParallel(inputs: readonly (string | RangeInput)[], options: ReadLogsParallelOptions): ParallelLogsStream {
  return new ParallelReader(inputs, resolveParallel(options)).out;
}

/** Stdin as a ChunkSource: its chunks are new buffers, so lending them is free. */
function stdinChunks(stdin: Readable, chunk: (b: Buffer) => void, end: () => void, error: (err: Error) => void): ChunkSource {
  const onData = (c: Buffer | string): void => chunk(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  stdin.on('data', onData);
  stdin.once('end', end);
  stdin.once('error', error);
  return {
    pause: () => stdin.pause(),
    resume: () => stdin.resume(),
    isPaused: () => stdin.isPaused(),
    destroy: () => {
      stdin.removeListener('data', onData);
      stdin.pause();
    },
  };
}
