/** `ftplog-otel parse`: log files to JSONL records on stdout, or with --pretty to lines for reading. */
import { pipeline } from 'node:stream/promises';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, commandHelp } from './args.js';
import { Transform, Writable } from 'node:stream';
import { toJsonLines } from '../transforms/json-lines.js';
import { elapsedSummary, formatCount, formatRate, isTerminal, noteTerminalStdin, progressWanted, readSummary, reportSourceWarnings, startProgress } from './summary.js';
import { openSource, sourceConfig, type Source, type SourceOptions } from '../sources/source.js';
import { INPUT_OPTIONS, OUTPUT_OPTIONS, SELECT_OPTIONS, TRANSFORM_OPTIONS, VIEW_OPTIONS } from '../options/components.js';
import { prettyRecord } from '../records/pretty.js';
import type { FtpLogRecord } from '../model.js';
import { convertFlags, type OptionGroup } from '../options/spec.js';

/**
 * Writes each chunk of `source` to `out` (an fd-backed stream, which it does
 * not end) and, once `out` has written it, hands the chunk back to `source`
 * for the workers to reuse. One chunk is in `out` at a time.
 */
function writeAndRelease(out: NodeJS.WritableStream, source: Source): Writable {
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

const GROUPS: readonly OptionGroup[] = [INPUT_OPTIONS, SELECT_OPTIONS, TRANSFORM_OPTIONS, VIEW_OPTIONS, OUTPUT_OPTIONS];

/**
 * Whether --pretty colours: FORCE_COLOR wins (as in Node itself; 0 or false
 * turns colour off), then NO_COLOR (https://no-color.org) and TERM=dumb turn
 * it off, else only a terminal gets it.
 */
export function colourWanted(env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return isTerminal(stdout);
}

/** Records in, one line of text each out. */
function toPrettyLines(colour: boolean): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(record: FtpLogRecord, _enc, callback) {
      callback(null, prettyRecord(record, { colour }) + '\n');
    },
  });
}

/**
 * Writes the records to `out` as `parse` does: JSONL (the workers' chunks
 * as they are), or with `pretty` one line each. `out` is not ended unless
 * `end` says so (a file is; stdout is not). Resolves to the exit code:
 * interrupted, or OK (also when the reader of a pipe went away).
 */
export async function writeParseOutput(records: Source, out: Writable, how: { pretty: boolean; colour: boolean; signal: AbortSignal; end?: boolean }): Promise<number> {
  const options = { signal: how.signal, end: how.end === true } as never;
  try {
    if (how.pretty) {
      await pipeline(records, toPrettyLines(how.colour), out, options);
    } else if (records.output === 'jsonl') {
      // Chunks written to the process's own stdout are done with once written
      // (fd-backed), so their memory can go back to the workers; any other
      // stream may keep them.
      if (out === process.stdout) await pipeline(records, writeAndRelease(out, records), { signal: how.signal } as never);
      else await pipeline(records, out, options);
    } else {
      await pipeline(records, toJsonLines(), out, options);
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') return EXIT.INTERRUPTED;
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.OK;
    throw err;
  }
  return EXIT.OK;
}

/** The summary line of a run that wrote records out: what was read, how fast, whether it was interrupted. */
export function parseSummary(prefix: string, records: Source, started: number, code: number): string {
  const t = records.totals();
  const ms = Date.now() - started;
  return `${readSummary(prefix, records.stats.inputs.length, { ...t, droppedBy: records.stats.droppedBy })}; ${elapsedSummary(ms, t.records - t.dropped)}${code === EXIT.INTERRUPTED ? ' (interrupted)' : ''}`;
}

const HELP = commandHelp(
  `Usage: ftplog-otel parse [options] [FILE...]

Parses EFT client logs (cl[yymmdd].log), NcFTPd transfer logs, xferlog and
vsftpd logs, and writes one JSON object per record to stdout:
  {timestamp, observedTimestamp, severityNumber, severityText, eventName, body, attributes}
A summary (lines, records, parse errors, outcomes) goes to stderr.

  FILE...                 log files; a directory stands for its files; a quoted glob
                          ('logs/**/cl*.log') for the files it matches; - or no FILE reads stdin`,
  GROUPS,
  `Exit status: 0 when every input was read (parse errors are records, not failures),
1 when an input could not be read, 2 on a usage error.`,
);

export const parseCommand: Command = {
  name: 'parse',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, GROUPS);
    if (values['help'] === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const cfg = sourceConfig(convertFlags(GROUPS, values) as SourceOptions, positionals, io.stdin, io.env);
    noteTerminalStdin(positionals, io.stdin, io.stderr, 'ftplog-otel parse');
    const started = Date.now();
    const pretty = values['pretty'] === true;
    // The view needs record objects: without an output asked for, the source reads on the main thread.
    const records = openSource(cfg, { stdin: io.stdin, ...(pretty ? {} : { output: 'jsonl' as const }) });
    reportSourceWarnings(records, io.stderr, 'ftplog-otel parse');
    const stop = values['quiet'] !== true && progressWanted(values['progress'] as boolean | undefined, io.stderr)
      ? startProgress(io.stderr, 5000, () => {
          const t = records.totals();
          return `ftplog-otel parse: ${formatCount(t.lines)} lines, ${formatCount(t.records)} records, ${formatRate(t.lines, Date.now() - started)} lines/s`;
        })
      : () => {};
    let code: number;
    try {
      code = await writeParseOutput(records, io.stdout, { pretty, colour: pretty && colourWanted(io.env, io.stdout), signal: io.signal });
    } finally {
      stop();
    }
    if (values['quiet'] !== true) io.stderr.write(parseSummary('ftplog-otel parse', records, started, code) + '\n');
    return code;
  },
};
