/** `ftplog-otel parse`: log files to JSONL records on stdout. */
import { pipeline } from 'node:stream/promises';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, intOption } from './args.js';
import { Readable, Writable } from 'node:stream';
import { fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readLogs, resolveInputs, type ReadLogsStream } from '../sources/log-files.js';
import { readLogsParallel, type ParallelLogsStream } from '../parallel/read-parallel.js';
import type { JobOutput } from '../parallel/job.js';
import { toJsonLines } from '../transforms/json-lines.js';
import { validateFormat } from '../transforms/parse.js';
import { localTimeZone, validateTimeZone } from '../enrich/timezone.js';
import { formatCount, formatRate, progressWanted, startProgress } from './summary.js';
import type { FormatOption } from '../formats/detect.js';
import type { LineEncoding } from '../split/line-cutter.js';
import { FtplogError } from '../errors.js';

export const INPUT_HELP = `Input:
  FILE...                 log files; a directory stands for its files; - or no FILE reads stdin
  --format F              eft | ncftpd | auto (default auto: detected per file from its first lines)
  --timezone TZ           IANA zone the logs' times are written in (default: this machine's, ${localTimeZone()})
  --encoding E            utf8 | latin1 (ANSI-encoded Windows files) (default utf8)
  --max-line-bytes N      longer lines become parse-error records with their first N bytes (default 65536)
  --workers N|auto        threads that parse, enrich and encode log files (0: all on the main thread; default auto:
                          one per core when the inputs total 16 MiB or more, else 0; stdin redirected from a
                          file (- < FILE) counts by its size, stdin from a pipe gives 0;
                          JSONL input (ship --input jsonl) is always read on the main thread)`;

export const INPUT_OPTIONS = {
  format: { type: 'string' },
  timezone: { type: 'string' },
  encoding: { type: 'string' },
  'max-line-bytes': { type: 'string' },
  workers: { type: 'string' },
} as const;

export interface InputValues {
  format?: string;
  timezone?: string;
  encoding?: string;
  'max-line-bytes'?: string;
  workers?: string;
}

export interface InputConfig {
  inputs: string[];
  format: FormatOption;
  timezone: string;
  encoding: LineEncoding;
  maxLineBytes: number;
  /** Worker threads (0: none). */
  workers: number;
}

/** Input files of at least this many bytes in all make `--workers auto` use threads. */
export const AUTO_WORKERS_MIN_BYTES = 16 * 1024 * 1024;

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

/**
 * `--workers`: a count, or auto: one per core (at most 8) for inputs of at
 * least AUTO_WORKERS_MIN_BYTES in all, none for smaller ones. Stdin counts
 * with `stdinBytes` when it is a regular file; a pipe (a live `tail -f`, say)
 * has no size, and is read on the main thread.
 */
export function workersOption(value: string | undefined, inputs: readonly string[], stdinBytes?: number): number {
  if (value === undefined || value === 'auto') {
    let bytes = 0;
    for (const input of inputs) {
      if (input === '-') {
        if (stdinBytes === undefined) return 0;
        bytes += stdinBytes;
        continue;
      }
      try {
        bytes += statSync(input).size;
      } catch {
        return 0;
      }
    }
    return bytes >= AUTO_WORKERS_MIN_BYTES ? Math.min(availableParallelism(), 8) : 0;
  }
  return intOption('workers', value, 0, 64) ?? 0;
}

/** Records (or, from worker threads, encoded records) of the configured inputs. */
export type LogSource = ReadLogsStream | ParallelLogsStream;

/** The input options; `stdin` is what `-` reads (for `--workers auto`, see stdinFileBytes()). */
export function inputConfig(values: InputValues, positionals: string[], stdin?: Readable): InputConfig {
  const format = validateFormat(values.format ?? 'auto');
  const timezone = validateTimeZone(values.timezone ?? localTimeZone());
  const encoding = values.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'latin1') {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--encoding must be utf8 or latin1 (got ${JSON.stringify(encoding)})`);
  }
  const maxLineBytes = intOption('max-line-bytes', values['max-line-bytes'], 64, 64 * 1024 * 1024) ?? 65536;
  const inputs = resolveInputs(positionals);
  const stdinBytes = inputs.includes('-') ? stdinFileBytes(stdin) : undefined;
  return { inputs, format, timezone, encoding, maxLineBytes, workers: workersOption(values.workers, inputs, stdinBytes) };
}

/**
 * The records of the configured inputs (stdin for `-`). With worker threads
 * (cfg.workers > 0, log input) they come out already encoded for `output`:
 * JSONL bytes, or runs of OTLP-encoded records for otlpSink.
 */
export function readInputs(cfg: InputConfig, io: CliIO, input: 'log' | 'jsonl' = 'log', output?: JobOutput): LogSource {
  if (cfg.workers > 0 && input === 'log' && output !== undefined) {
    return readLogsParallel(cfg.inputs, {
      output,
      workers: cfg.workers,
      format: cfg.format,
      timezone: cfg.timezone,
      encoding: cfg.encoding,
      maxLineBytes: cfg.maxLineBytes,
      stdin: io.stdin,
    });
  }
  return readLogs(cfg.inputs, {
    format: cfg.format,
    timezone: cfg.timezone,
    encoding: cfg.encoding,
    maxLineBytes: cfg.maxLineBytes,
    stdin: io.stdin,
    input,
  });
}

/**
 * Writes each chunk of `source` to `out` (an fd-backed stream, which it does
 * not end) and, once `out` has written it, hands the chunk back to `source`
 * for the workers to reuse. One chunk is in `out` at a time.
 */
function writeAndRelease(out: NodeJS.WritableStream, source: ParallelLogsStream): Writable {
  let failed: Error | undefined;
  const onError = (err: Error): void => {
    failed ??= err;
  };
  out.on('error', onError);
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failed !== undefined) {
        callback(failed);
        return;
      }
      out.write(chunk, (err) => {
        if (err != null) {
          callback(err);
          return;
        }
        source.release(chunk);
        callback();
      });
    },
    final(callback) {
      out.off('error', onError);
      callback(failed ?? null);
    },
    destroy(err, callback) {
      out.off('error', onError);
      callback(err);
    },
  });
}

const HELP = `Usage: ftplog-otel parse [options] [FILE...]

Parses EFT client logs (cl[yymmdd].log) and NcFTPd transfer logs and writes
one JSON object per record to stdout:
  {timestamp, observedTimestamp, severityNumber, severityText, eventName, body, attributes}
A summary (lines, records, parse errors, outcomes) goes to stderr.

${INPUT_HELP}

Output:
  --progress              print progress to stderr every 5 s (default when stderr is a terminal)
  --quiet                 no summary
  -h, --help              this help

Exit status: 0 when every input was read (parse errors are records, not failures),
1 when an input could not be read, 2 on a usage error.`;

interface ParseValues extends InputValues {
  progress?: boolean;
  quiet?: boolean;
  help?: boolean;
}

export const parseCommand: Command = {
  name: 'parse',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs<ParseValues>(args, {
      ...INPUT_OPTIONS,
      progress: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const cfg = inputConfig(values, positionals, io.stdin);
    const started = Date.now();
    const records = readInputs(cfg, io, 'log', 'jsonl');
    const stop = progressWanted(values.progress, io.stderr)
      ? startProgress(io.stderr, 5000, () => {
          const t = records.totals();
          return `ftplog-otel parse: ${formatCount(t.lines)} lines, ${formatCount(t.records)} records, ${formatRate(t.lines, Date.now() - started)} lines/s`;
        })
      : () => {};
    let code: number = EXIT.OK;
    try {
      if (records instanceof Readable && 'workers' in records) {
        // Chunks written to the process's own stdout are done with once written
        // (fd-backed), so their memory can go back to the workers; any other
        // stream may keep them.
        if (io.stdout === process.stdout) await pipeline(records, writeAndRelease(io.stdout, records), { signal: io.signal } as never);
        else await pipeline(records, io.stdout, { signal: io.signal, end: false } as never);
      } else {
        await pipeline(records, toJsonLines(), io.stdout, { signal: io.signal, end: false } as never);
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') code = EXIT.INTERRUPTED;
      else if ((err as NodeJS.ErrnoException).code === 'EPIPE') code = EXIT.OK;
      else throw err;
    } finally {
      stop();
    }
    if (values.quiet !== true) {
      const t = records.totals();
      const ms = Date.now() - started;
      io.stderr.write(
        `ftplog-otel parse: ${records.stats.inputs.length} input(s), ${formatCount(t.lines)} lines, ${formatCount(t.records)} records ` +
          `(success ${formatCount(t.success)}, failure ${formatCount(t.failure)}, unknown ${formatCount(t.unknown)}), ` +
          `${formatCount(t.parseErrors)} parse errors, ${formatCount(t.skippedHeader)} headers and ${formatCount(t.skippedBlank)} blank lines skipped, ` +
          `${(ms / 1000).toFixed(2)} s${code === EXIT.INTERRUPTED ? ' (interrupted)' : ''}\n`,
      );
    }
    return code;
  },
};
