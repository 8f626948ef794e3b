/**
 * readLogs(): the records of several inputs (files, or stdin as `-`), one
 * after the other, as one object stream. Each input gets its own
 * read → logRecords chain (so format detection and line numbers are per
 * file); the next file is opened only when the previous one has ended.
 * Backpressure reaches the file reader: records are pulled from the current
 * chain only while this stream's consumer wants more.
 */
import { Readable, pipeline } from 'node:stream';
import { createReadStream } from 'node:fs';
import type { FtpLogRecord } from '../model.js';
import { logRecords, type LogRecordsOptions, type LogRecordsStats, type LogRecordsStream } from '../transforms/log-records.js';
import { fromJsonLines, type FromJsonLinesStream } from '../transforms/json-lines.js';
import { FtplogError } from '../errors.js';
import { expandInputs } from './glob.js';
import { addDropped, applyTransforms, compileTransforms, newTransformStats, type TransformStats } from '../records/transforms.js';

function droppedSum(t: TransformStats): number {
  return Object.values(t.dropped).reduce((n, k) => n + k, 0);
}

export interface ReadLogsOptions extends Omit<LogRecordsOptions, 'file' | 'startOffset' | 'startLine' | 'skipUnrecognised' | 'onUnrecognised' | 'onInvalidUtf8'> {
  /** Stream read for the input `-`. @default process.stdin */
  stdin?: Readable;
  /** Bytes read from a file at a time (measured: 256 KiB keeps the parser busy where 64 KiB leaves it waiting on reads). @default 262144 */
  readChunkBytes?: number;
  /** What the inputs hold: FTP server logs, or JSONL records written by `parse`/toJsonLines(). @default 'log' */
  input?: 'log' | 'jsonl';
  /**
   * Inputs (as listed) that are left out, with a 'warning' event naming
   * them, when their format is not recognised (format 'auto'): files found
   * in a folder or by a glob, where other files may sit beside the logs.
   * Their lines are counted in `unrecognised`. @default []
   */
  skipUnrecognised?: readonly string[];
}

export interface InputStats {
  input: string;
  format: string | undefined;
  lines: number;
  records: number;
  parseErrors: number;
  skippedBlank: number;
  skippedHeader: number;
  truncated: number;
  success: number;
  failure: number;
  unknown: number;
  /** Records the transforms dropped. */
  dropped: number;
  /** Lines left out because the input's format was not recognised (a file found in a folder or by a glob that is not an FTP server log). */
  unrecognised: number;
  /** Lines whose bytes are not valid UTF-8 (an ANSI/latin1 file read as UTF-8): each undecodable sequence reads as U+FFFD. */
  invalidUtf8: number;
  bytes: number;
}

export interface ReadLogsStats {
  inputs: InputStats[];
  /** Records the transforms dropped, by reason, over every input read so far (readers that keep them apart). */
  readonly droppedBy?: Readonly<Record<string, number>>;
}

export type InputTotals = Omit<InputStats, 'input' | 'format'>;

/** The per-input counts of a logRecords() stage's (or RecordsPipeline's) stats. */
export function recordsCounts(s: LogRecordsStats): Omit<InputTotals, 'bytes'> {
  return {
    lines: s.split.lines,
    records: s.enrich.records,
    parseErrors: s.parse.errors,
    skippedBlank: s.parse.skippedBlank,
    skippedHeader: s.parse.skippedHeader,
    truncated: s.split.truncated,
    success: s.enrich.success,
    failure: s.enrich.failure,
    unknown: s.enrich.unknown,
    dropped: droppedSum(s.transform),
    unrecognised: s.parse.unrecognised,
    // The lines of an input left out as not a log are counted as that, not as text in the wrong encoding.
    invalidUtf8: s.parse.unrecognised > 0 ? 0 : s.split.invalidUtf8,
  };
}

/** The warning for an input left out because its format was not recognised. */
export function unrecognisedWarning(input: string): string {
  return `${input}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped`;
}

/** The warning for an input's first line that is not valid UTF-8 (given once per input). */
export function invalidUtf8Warning(input: string, line: number): string {
  return `${input}: line ${line} is not valid UTF-8 (its undecodable bytes read as U+FFFD, "\uFFFD"); if the file is ANSI/latin1, use --encoding latin1; the summary counts every such line`;
}

/** Zeroed stats of an input. */
export function newInputStats(input: string, format: string | undefined): InputStats {
  return { input, format, lines: 0, records: 0, parseErrors: 0, skippedBlank: 0, skippedHeader: 0, truncated: 0, success: 0, failure: 0, unknown: 0, dropped: 0, unrecognised: 0, invalidUtf8: 0, bytes: 0 };
}

/** The counts of several inputs added up. */
export function sumInputStats(inputs: readonly InputStats[]): InputTotals {
  const { input: _i, format: _f, ...t } = newInputStats('', undefined);
  for (const s of inputs) {
    for (const k of Object.keys(t) as (keyof InputTotals)[]) t[k] += s[k];
  }
  return t;
}

export interface ReadLogsStream extends Readable {
  readonly stats: ReadLogsStats;
  /** Totals over all inputs read so far (including the one being read). */
  totals(): InputTotals;
  /**
   * Stops reading: the input being read is closed, no further input is
   * opened, and the stream ends normally after the records it already holds.
   */
  stop(): void;
}

/**
 * Expands the command-line inputs: `-` (or no input) is stdin, a directory
 * stands for its regular files (sorted, not recursive, no dotfiles or *.md),
 * a glob pattern for the files it matches (see expandInputs()), anything
 * else must be a readable file; `exclude` and `ignoreOlderMs` leave files out. Throws ERR_INPUT
 * naming the first input that stands for no file.
 */
export function resolveInputs(inputs: readonly string[], options: { exclude?: readonly string[]; ignoreOlderMs?: number; onNotice?: (message: string) => void } = {}): string[] {
  return expandInputs(inputs.length === 0 ? ['-'] : inputs, options);
}

export function readLogs(inputs: readonly string[], options: ReadLogsOptions = {}): ReadLogsStream {
  const { stdin = process.stdin, readChunkBytes = 262144, input: inputKind = 'log', skipUnrecognised = [], ...recordOptions } = options;
  const skippable = new Set(skipUnrecognised);
  const queue = [...inputs];
  /** The transforms' drops of each input opened so far. */
  const drops: TransformStats[] = [];
  const stats: ReadLogsStats = {
    inputs: [],
    get droppedBy() {
      const all: Record<string, number> = {};
      for (const d of drops) addDropped(all, d.dropped);
      return all;
    },
  };
  let current: LogRecordsStream | FromJsonLinesStream | undefined;
  let stopping = false;
  let currentStats: InputStats | undefined;
  let source: Readable | undefined;
  let waiting = false;
  const jsonTransform = inputKind === 'jsonl' ? compileTransforms(recordOptions.transforms) : undefined;
  /** Records the transforms dropped from the current JSONL input. */
  let jsonDropped = newTransformStats();

  const snapshot = (): void => {
    if (current === undefined || currentStats === undefined) return;
    const bytes = source === undefined ? currentStats.bytes : (source as Readable & { bytesRead?: number }).bytesRead ?? currentStats.bytes;
    if (!('split' in current.stats)) {
      const j = current.stats;
      Object.assign(currentStats, {
        format: 'jsonl',
        lines: j.lines,
        records: j.records + j.errors,
        parseErrors: j.errors + j.parseErrors,
        success: j.success,
        failure: j.failure,
        unknown: j.unknown,
        dropped: droppedSum(jsonDropped),
        bytes,
      });
      return;
    }
    Object.assign(currentStats, recordsCounts(current.stats), {
      format: current.stats.parse.format,
      bytes,
    });
  };

  const out = new Readable({
    objectMode: true,
    highWaterMark: 1024,
    read() {
      pump();
    },
    destroy(err, callback) {
      current?.destroy();
      source?.destroy();
      callback(err);
    },
  }) as ReadLogsStream;

  const openNext = (): boolean => {
    const input = queue.shift();
    if (input === undefined) return false;
    const isStdin = input === '-';
    const src: Readable = isStdin ? stdin : createReadStream(input, { highWaterMark: readChunkBytes });
    const fileOption = isStdin ? {} : { file: input };
    const stage =
      inputKind === 'jsonl'
        ? fromJsonLines({ ...fileOption, ...(recordOptions.maxLineBytes !== undefined ? { maxLineBytes: recordOptions.maxLineBytes } : {}), ...(recordOptions.now ? { now: recordOptions.now } : {}) })
        : logRecords({
            ...recordOptions,
            ...fileOption,
            onInvalidUtf8: (line) => out.emit('warning', invalidUtf8Warning(input, line)),
            ...(skippable.has(input) ? { skipUnrecognised: true, onUnrecognised: () => out.emit('warning', unrecognisedWarning(input)) } : {}),
          });
    const inputStats = newInputStats(input, undefined);
    stats.inputs.push(inputStats);
    current = stage;
    currentStats = inputStats;
    jsonDropped = newTransformStats();
    drops.push('split' in stage.stats ? stage.stats.transform : jsonDropped);
    source = src;
    stage.on('readable', () => {
      if (waiting && current === stage) {
        waiting = false;
        pump();
      }
    });
    pipeline(src, stage, (err) => {
      if (err) {
        const e = stopping || ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' && out.destroyed) ? undefined : err;
        if (e !== undefined) out.destroy(new FtplogError('ERR_INPUT', `${input}: ${e.message}`, { cause: e }));
      }
    });
    stage.once('end', () => {
      snapshot();
      if (current === stage) {
        current = undefined;
        currentStats = undefined;
        source = undefined;
        pump();
      }
    });
    return true;
  };

  const pump = (): void => {
    for (;;) {
      if (out.destroyed || stopping) return;
      if (current === undefined && !openNext()) {
        out.push(null);
        return;
      }
      const stage = current!;
      let r: FtpLogRecord | null;
      while ((r = stage.read() as FtpLogRecord | null) !== null) {
        // Records read back from JSONL were not made here: the transforms run now.
        if (jsonTransform !== undefined) {
          r = applyTransforms(jsonTransform, r, jsonDropped) ?? null;
          if (r === null) continue;
        }
        if (!out.push(r)) return;
      }
      if (current === stage) {
        // Nothing buffered: wait for 'readable' or 'end'.
        waiting = true;
        return;
      }
    }
  };

  Object.assign(out, {
    stats,
    stop() {
      if (stopping || out.destroyed) return;
      // Records already parsed are counted in the stats: hand them on rather
      // than drop them with the stage, so the counts and what reaches the
      // consumer agree. The stage's buffer is bounded by its highWaterMark.
      if (current !== undefined) {
        let r: FtpLogRecord | null;
        while ((r = current.read() as FtpLogRecord | null) !== null) out.push(r);
      }
      snapshot();
      stopping = true;
      queue.length = 0;
      const stage = current;
      const src = source;
      current = undefined;
      source = undefined;
      stage?.destroy();
      if (src !== stdin) src?.destroy();
      out.push(null);
    },
    totals() {
      snapshot();
      return sumInputStats(stats.inputs);
    },
  });
  return out;
}
