/**
 * A source of records: what every command reads from, whatever the inputs
 * are (files, folders, glob patterns, stdin, JSONL records) and however
 * they are read (on the main thread, or on worker threads that hand back
 * encoded output).
 *
 * A Source is a Readable of records, or of encoded output when it was opened
 * for one (`output`), with per-input counts, a way to stop reading, and a way
 * to hand the memory of a chunk back. sourceConfig() resolves the input
 * options, openSource() picks the reader.
 */
import type { Readable } from 'node:stream';
import { fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { namedFiles } from './glob.js';
import { readLogs, resolveInputs, type InputTotals, type ReadLogsStats } from './log-files.js';
import { readLogsParallel } from '../parallel/read-parallel.js';
import type { JobOutput } from '../parallel/job.js';
import { INPUT_KIND_OPTIONS, INPUT_OPTIONS, SELECT_OPTIONS } from '../options/components.js';
import { libraryOption, optionByKey } from '../options/spec.js';
import { resolveTransformKeys, setFromFlags, type TransformSpec } from '../records/transforms.js';
import { redactFromFlags } from '../records/redact.js';
import { filtersFromFlags } from '../records/filter.js';
import { localTimeZone, validateTimeZone } from '../enrich/timezone.js';
import type { FormatOption } from '../formats/detect.js';
import type { LineEncoding } from '../split/line-cutter.js';
import { FtplogError } from '../errors.js';

/** What a source emits: records, or (from worker threads) JSONL bytes or OTLP-encoded runs. */
export type SourceOutput = 'records' | JobOutput;

export interface Source extends Readable {
  /** What the stream emits. */
  readonly output: SourceOutput;
  /** Per-input counts so far. */
  readonly stats: ReadLogsStats;
  /** The counts of every input added up. */
  totals(): InputTotals;
  /** Stops reading: nothing more is read, and the stream ends after what it has already read. */
  stop(): void;
  /** Gives back the memory of a chunk the consumer is done with (JSONL chunks from worker threads); otherwise does nothing. */
  release(chunk: unknown): void;
}

/** The resolved input options of a command. */
export interface SourceConfig {
  /** Files in the order they are read; `-` is stdin. */
  inputs: string[];
  format: FormatOption;
  timezone: string;
  encoding: LineEncoding;
  maxLineBytes: number;
  /** Worker threads (0: none). */
  workers: number;
  /** FTP server logs, or JSONL records (read on the main thread). */
  input: 'log' | 'jsonl';
  /** Record transforms, run where the records are made (main thread or workers). */
  transforms: TransformSpec[];
  /**
   * Inputs found in a folder or by a glob (not named one by one), with
   * format auto: left out with a warning when they are not FTP server logs,
   * rather than read as a flood of parse errors.
   */
  skipUnrecognised: string[];
  /** What the inputs hold but do not stand for (a folder's subfolders): given as 'warning' events when the source opens. */
  notices: string[];
}

/** The input options as library values (see INPUT_OPTIONS). */
export interface SourceOptions {
  format?: string;
  timezone?: string;
  encoding?: string;
  maxLineBytes?: number;
  /** A count, or 'auto'. */
  workers?: string | number;
  input?: string;
  transforms?: TransformSpec[];
  /** KEY=VALUE texts of --attribute: a set transform added after `transforms` (and the filters of dropOutcome, dropOperation). */
  attributes?: string[];
  /** Outcomes and operations whose records are dropped: a filter each, after `transforms`. */
  dropOutcome?: string[];
  dropOperation?: string[];
  /** Attributes a redact step, last of all, drops or hashes with the key in the variable redactKeyEnv. */
  redactDrop?: string[];
  redactHash?: string[];
  redactKeyEnv?: string;
  /** Globs of input files to leave out: by file name, or by full path when the glob has a separator (see SELECT_OPTIONS). */
  exclude?: string[];
  /** Leave out files last modified longer ago than this many milliseconds. */
  ignoreOlderMs?: number;
}

/** Input files of at least this many bytes in all make `workers: 'auto'` use threads. */
export const AUTO_WORKERS_MIN_BYTES = 16 * 1024 * 1024;

/** What `workers: 'auto'` uses when it uses threads: one per core, at most 8. */
export function autoWorkers(): number {
  return Math.min(availableParallelism(), 8);
}

/**
 * Bytes of stdin when it is a regular file (`ftplog-otel ship - < FILE`);
 * undefined for a pipe, a terminal, or a stream without a file descriptor.
 */
export function stdinFileBytes(stdin: Readable | undefined): number | undefined {
  const fd = (stdin as { fd?: unknown } | undefined)?.fd;
  if (typeof fd !== 'number') return undefined;
  try {
    const st = fstatSync(fd);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes of all inputs, `-` counting `stdinBytes` (see stdinFileBytes()); undefined if any size is unknown. */
export function inputsBytes(inputs: readonly string[], stdinBytes: number | undefined): number | undefined {
  let bytes = 0;
  for (const input of inputs) {
    if (input === '-') {
      if (stdinBytes === undefined) return undefined;
      bytes += stdinBytes;
      continue;
    }
    try {
      bytes += statSync(input).size;
    } catch {
      return undefined;
    }
  }
  return bytes;
}

/**
 * Worker threads: a count, or auto: one per core (at most 8) for inputs of
 * at least AUTO_WORKERS_MIN_BYTES in all, none for smaller ones. Stdin
 * counts with `stdinBytes` when it is a regular file; a pipe (a live
 * `tail -f`, say) has no size, and is read on the main thread.
 */
export function workersOption(value: string | number | undefined, inputs: readonly string[], stdinBytes?: number): number {
  if (value === undefined || value === 'auto') {
    const bytes = inputsBytes(inputs, stdinBytes);
    return bytes !== undefined && bytes >= AUTO_WORKERS_MIN_BYTES ? autoWorkers() : 0;
  }
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--workers must be auto or an integer from 0 to 64 (got ${JSON.stringify(value)})`);
  }
  return n;
}

/**
 * Resolves the input options and the inputs (`[]` is stdin); `stdin` is
 * what `-` reads (for workers: 'auto'); `env` holds the keys of redact steps
 * (read here, once: see resolveTransformKeys()).
 */
export function sourceConfig(options: SourceOptions, inputs: readonly string[], stdin?: Readable, env: NodeJS.ProcessEnv = process.env): SourceConfig {
  // Checked and defaulted by their one declaration (INPUT_OPTIONS, INPUT_KIND_OPTIONS, SELECT_OPTIONS).
  const input = (key: string, group = INPUT_OPTIONS): unknown => libraryOption(optionByKey(group, key), options[key as keyof SourceOptions]);
  const exclude = input('exclude', SELECT_OPTIONS) as string[] | undefined;
  const ignoreOlderMs = input('ignoreOlderMs', SELECT_OPTIONS) as number | undefined;
  const notices: string[] = [];
  const resolved = resolveInputs(inputs, {
    ...(exclude !== undefined ? { exclude } : {}),
    ...(ignoreOlderMs !== undefined ? { ignoreOlderMs } : {}),
    onNotice: (m) => notices.push(m),
  });
  const stdinBytes = resolved.includes('-') ? stdinFileBytes(stdin) : undefined;
  const format = input('format') as FormatOption;
  const named = namedFiles(inputs);
  return {
    inputs: resolved,
    format,
    timezone: validateTimeZone(options.timezone ?? localTimeZone()),
    encoding: input('encoding') as LineEncoding,
    maxLineBytes: input('maxLineBytes') as number,
    workers: workersOption(options.workers, resolved, stdinBytes),
    input: input('input', INPUT_KIND_OPTIONS) as 'log' | 'jsonl',
    transforms: resolveTransformKeys(transformsOf(options), env),
    skipUnrecognised: format === 'auto' ? resolved.filter((f) => f !== '-' && !named.has(f)) : [],
    notices,
  };
}

/** The transforms of the options: `transforms`, then those of the flags (filters, set, redact). */
function transformsOf(options: SourceOptions): TransformSpec[] {
  const redact = redactFromFlags(options.redactDrop, options.redactHash, options.redactKeyEnv);
  return [
    ...(options.transforms ?? []),
    ...filtersFromFlags({ dropOutcome: options.dropOutcome, dropOperation: options.dropOperation }),
    ...(options.attributes !== undefined && options.attributes.length > 0 ? [setFromFlags(options.attributes)] : []),
    ...(redact !== undefined ? [redact] : []),
  ];
}

/**
 * The records of the configured inputs (stdin for `-`). With worker threads
 * (cfg.workers > 0, log input) and an `output` asked for, they come out
 * already encoded for it: JSONL bytes, or runs of OTLP-encoded records for
 * otlpSink.
 */
export function openSource(cfg: SourceConfig, options: { stdin: Readable; output?: JobOutput }): Source {
  const source = openRecords(cfg, options);
  // After the caller has attached its listeners (it does so as soon as this returns).
  if (cfg.notices.length > 0) process.nextTick(() => cfg.notices.forEach((m) => source.emit('warning', m)));
  return source;
}

function openRecords(cfg: SourceConfig, options: { stdin: Readable; output?: JobOutput }): Source {
  if (cfg.workers > 0 && cfg.input === 'log' && options.output !== undefined) {
    const s = readLogsParallel(cfg.inputs, {
      output: options.output,
      workers: cfg.workers,
      format: cfg.format,
      timezone: cfg.timezone,
      encoding: cfg.encoding,
      maxLineBytes: cfg.maxLineBytes,
      stdin: options.stdin,
      transforms: cfg.transforms,
      skipUnrecognised: cfg.skipUnrecognised,
    });
    return Object.assign(s, { output: options.output }) as unknown as Source;
  }
  const s = readLogs(cfg.inputs, {
    format: cfg.format,
    timezone: cfg.timezone,
    encoding: cfg.encoding,
    maxLineBytes: cfg.maxLineBytes,
    stdin: options.stdin,
    input: cfg.input,
    transforms: cfg.transforms,
    skipUnrecognised: cfg.skipUnrecognised,
  });
  return Object.assign(s, { output: 'records' as const, release: (): void => {} }) as unknown as Source;
}
