/** `ftplog-otel stats`: what a log holds, summed up for an administrator: a table, or with --json one JSON document. */
import { pipeline } from 'node:stream/promises';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, commandHelp } from './args.js';
import { elapsedSummary, formatCount, formatRate, noteTerminalStdin, progressWanted, readSummary, reportSourceWarnings, startProgress } from './summary.js';
import { openSource, sourceConfig, type SourceOptions } from '../sources/source.js';
import { INPUT_OPTIONS, OUTPUT_OPTIONS, REPORT_OPTIONS, SELECT_OPTIONS } from '../options/components.js';
import { convertFlags, libraryOption, optionByKey, type OptionGroup } from '../options/spec.js';
import { FtplogError } from '../errors.js';
import { ReportAggregator } from '../report/aggregate.js';
import { buildReport, reportJson, type InputCounts } from '../report/report.js';
import { reportTable } from '../report/table.js';
import { reportSink } from '../sinks/report.js';
import type { InputTotals } from '../sources/log-files.js';

/**
 * The input options but --workers: the worker threads hand back encoded
 * output, not records, so stats counts on the main thread (which, with no
 * output to encode, reads faster than parse with its workers).
 */
const STATS_INPUT_OPTIONS: OptionGroup = { ...INPUT_OPTIONS, options: INPUT_OPTIONS.options.filter((o) => o.key !== 'workers') };

const GROUPS: readonly OptionGroup[] = [STATS_INPUT_OPTIONS, SELECT_OPTIONS, REPORT_OPTIONS, OUTPUT_OPTIONS];

const HELP = commandHelp(
  `Usage: ftplog-otel stats [options] [FILE...]

Reads FTP server logs (EFT, NcFTPd, xferlog, vsftpd) and prints what they hold:
records by operation and outcome, the commonest errors and what they mean,
the users and hosts with the most failures and the most bytes, bytes per
day, the busiest hours, and parse errors by reason. Days and hours are UTC
(--timezone says how the logs' times are read). Memory stays bounded
whatever the input: each top list keeps count of --capacity names at most.

  FILE...                 log files; a directory stands for its files; a quoted glob
                          ('logs/**/cl*.log') for the files it matches; - or no FILE reads stdin`,
  GROUPS,
  `Exit status: 0 when every input was read (parse errors are counted, not failures),
1 when an input could not be read, 2 on a usage error.`,
);

function inputCounts(inputs: number, t: InputTotals): InputCounts {
  return {
    inputs,
    lines: t.lines,
    skippedHeader: t.skippedHeader,
    skippedBlank: t.skippedBlank,
    truncated: t.truncated,
    unrecognised: t.unrecognised ?? 0,
    invalidUtf8: t.invalidUtf8 ?? 0,
  };
}

export const statsCommand: Command = {
  name: 'stats',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, GROUPS);
    if (values['help'] === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const flags = convertFlags(GROUPS, values);
    // Defaulted by their one declaration.
    const report = (key: string): number => libraryOption(optionByKey(REPORT_OPTIONS, key), flags[key]) as number;
    const top = report('top');
    const capacity = report('capacity');
    if (capacity < top) throw new FtplogError('ERR_INVALID_ARGUMENT', `--capacity (${capacity}) must be at least --top (${top})`);
    const aggregator = new ReportAggregator({ capacity, days: report('days') });

    const cfg = sourceConfig({ ...(flags as SourceOptions), workers: 0 }, positionals, io.stdin);
    noteTerminalStdin(positionals, io.stdin, io.stderr, 'ftplog-otel stats');
    const started = Date.now();
    const records = openSource(cfg, { stdin: io.stdin });
    reportSourceWarnings(records, io.stderr, 'ftplog-otel stats');
    const stop = progressWanted(values['progress'] as boolean | undefined, io.stderr)
      ? startProgress(io.stderr, 5000, () => {
          const t = records.totals();
          return `ftplog-otel stats: ${formatCount(t.lines)} lines, ${formatCount(t.records)} records, ${formatRate(t.lines, Date.now() - started)} lines/s`;
        })
      : () => {};
    let code: number = EXIT.OK;
    try {
      await pipeline(records, reportSink(aggregator), { signal: io.signal });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
      code = EXIT.INTERRUPTED;
    } finally {
      stop();
    }
    const t = records.totals();
    const summary = buildReport(aggregator, inputCounts(records.stats.inputs.length, t), top, code === EXIT.INTERRUPTED);
    io.stdout.write(values['json'] === true ? reportJson(summary) : reportTable(summary));
    if (values['quiet'] !== true) {
      const ms = Date.now() - started;
      io.stderr.write(`${readSummary('ftplog-otel stats', records.stats.inputs.length, t)}; ${elapsedSummary(ms, t.records - t.dropped)}${code === EXIT.INTERRUPTED ? ' (interrupted)' : ''}\n`);
    }
    return code;
  },
};
