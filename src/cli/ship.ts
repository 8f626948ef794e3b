/** `ftplog-otel ship`: log files to an OTLP/HTTP collector, every record accepted or the run fails. */
import { pipeline } from 'node:stream/promises';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, commandHelp } from './args.js';
import { otlpSink, type OtlpSink, type OtlpSinkOptions, type OutageInfo, type RecoveryInfo, type RetryInfo } from '../sinks/otlp/sink.js';
import { resolveOtlpConfig, describeOtlpConfig, encodingOf, type OtlpConfig, type OtlpFlags } from '../sinks/otlp/config.js';
import type { BackoffOptions } from '../sinks/otlp/retry.js';
import { openSource, sourceConfig, type Source, type SourceOptions } from '../sources/source.js';
import { runAgent } from './agent.js';
import { DELIVERY_OPTIONS, FOLLOW_OPTIONS, INPUT_KIND_OPTIONS, INPUT_OPTIONS, OTLP_OPTIONS, OUTPUT_OPTIONS, SELECT_OPTIONS, TRANSFORM_OPTIONS } from '../options/components.js';
import { convertFlags, optionByKey, type OptionGroup, type OptionValue } from '../options/spec.js';
import { DEFAULT_DEAD_LETTER_FILE, checkDeadLetterPath } from '../sinks/otlp/dead-letter.js';
import { resourceAttributes } from '../otel/resource.js';
import { elapsedSummary, formatCount, noteTerminalStdin, readSummary, reportSourceWarnings } from './summary.js';
import { deliveryTable, inputBytes, startDeliveryProgress } from './progress.js';
import { FtplogError } from '../errors.js';
import type { Writable } from 'node:stream';

const GROUPS: readonly OptionGroup[] = [INPUT_OPTIONS, SELECT_OPTIONS, INPUT_KIND_OPTIONS, TRANSFORM_OPTIONS, OTLP_OPTIONS, DELIVERY_OPTIONS, FOLLOW_OPTIONS, OUTPUT_OPTIONS];

const HELP = commandHelp(
  `Usage: ftplog-otel ship [options] [FILE...]
       ftplog-otel ship --follow [options] PATTERN...

Sends every record of the given log files (or stdin) to an OpenTelemetry
collector over OTLP/HTTP and exits 0 only once the collector has accepted
every record. Failed requests are retried; refused records go to a
dead-letter file; a summary goes to stderr.

With --follow it keeps running as an agent: files matching the patterns
are read as they grow, through rotation and restarts, and each file's
checkpoint in --state-dir moves only once its records are settled
(accepted, or written to the dead-letter file).

  FILE...                 log files; a directory stands for its files; a quoted glob
                          ('logs/**/cl*.log') for the files it matches; - or no FILE reads stdin
  PATTERN...              files, folders or quoted glob patterns, e.g. '/var/log/ncftpd/xfer.*'`,
  GROUPS,
  `Exit status: 0 every record accepted; 1 some record not accepted (dead-lettered, rejected by
the collector, retries exhausted) or an input unreadable; 2 usage or configuration error;
130 interrupted (the summary says what was delivered).`,
);

/** Converted flag values, by library key (see src/options). */
export type ShipValues = Record<string, OptionValue>;

/** The collector's settings from the flags, over the standard environment variables. */
export function otlpConfigFrom(v: ShipValues, env: NodeJS.ProcessEnv): OtlpConfig {
  const flags: OtlpFlags = {};
  for (const key of ['endpoint', 'protocol', 'compression', 'timeoutMs', 'caFile', 'certFile', 'keyFile'] as const) {
    if (v[key] !== undefined) (flags as Record<string, unknown>)[key] = v[key];
  }
  if (v['headers'] !== undefined) flags.headers = v['headers'] as string[];
  return resolveOtlpConfig(flags, env);
}

export interface Delivery {
  records: Source;
  sink: OtlpSink;
  started: number;
}

/**
 * Ships records to the sink. On abort (SIGINT/SIGTERM): stops reading and
 * gives the queue `shutdownMs` to drain; after that, or at once on a second
 * signal, the sink stops and writes what is still queued to the dead-letter
 * file.
 */
export async function runDelivery(
  d: Delivery,
  io: CliIO,
  shutdownMs: number,
  prefix = 'ftplog-otel ship',
): Promise<{ error: Error | undefined; interrupted: boolean }> {
  let interrupted = false;
  let shutdownTimer: NodeJS.Timeout | undefined;
  // The sink stops sending and dead-letters what it holds and what the
  // stopped reader still hands it; the pipeline then ends as usual.
  const stopNow = (why: string): void => d.sink.abandon(why);
  const onAbort = (): void => {
    interrupted = true;
    io.stderr.write(
      `${prefix}: stopping: no more input is read; delivering ${formatCount(d.sink.stats.queuedRecords)} queued records (up to ${formatSeconds(shutdownMs)}); ` +
        `what is not delivered by then goes to the dead-letter file. Interrupt again to stop at once.\n`,
    );
    d.records.stop();
    shutdownTimer = setTimeout(() => stopNow(`shutdown timeout (${formatSeconds(shutdownMs)})`), shutdownMs);
  };
  const onUrgent = (): void => {
    io.stderr.write(`${prefix}: interrupted again: stopping at once; queued records go to the dead-letter file\n`);
    d.records.stop();
    stopNow('interrupted twice');
  };
  if (io.signal.aborted) onAbort();
  else io.signal.addEventListener('abort', onAbort, { once: true });
  io.urgent?.addEventListener('abort', onUrgent, { once: true });
  let error: Error | undefined;
  try {
    await pipeline(d.records, d.sink);
  } catch (err) {
    error = err as Error;
  } finally {
    if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
    io.signal.removeEventListener('abort', onAbort);
    io.urgent?.removeEventListener('abort', onUrgent);
  }
  return { error, interrupted };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Tells the user, as it happens, what delivery is going through: the first
 * failure of a series (with the promise that nothing is dropped), the
 * recovery, a Retry-After that was cut, an answer that made no sense.
 * Returns a function that stops listening.
 */
export function reportDeliveryEvents(sink: OtlpSink, out: Writable, prefix: string): () => void {
  const onOutage = (o: OutageInfo): void => {
    out.write(`${prefix}: collector unreachable or refusing for now: ${o.reason}; retrying in ${formatSeconds(o.delayMs)} and until it answers, nothing is dropped\n`);
  };
  const onRecovered = (r: RecoveryInfo): void => {
    out.write(`${prefix}: collector accepting again after ${formatSeconds(Math.round(r.downMs / 100) * 100)} (${formatCount(r.retries)} retries)\n`);
  };
  const onRetry = (r: RetryInfo): void => {
    if (r.retryAfterCappedFromMs !== undefined) {
      out.write(`${prefix}: the collector asked to wait ${formatSeconds(r.retryAfterCappedFromMs)} (Retry-After); waiting ${formatSeconds(r.delayMs)}, the cap of 4 × --retry-max\n`);
    }
  };
  const onWarning = (m: string): void => {
    out.write(`${prefix}: warning: ${m}\n`);
  };
  sink.on('outage', onOutage);
  sink.on('recovered', onRecovered);
  sink.on('retry', onRetry);
  sink.on('warning', onWarning);
  return () => {
    sink.off('outage', onOutage);
    sink.off('recovered', onRecovered);
    sink.off('retry', onRetry);
    sink.off('warning', onWarning);
  };
}

/** The end-of-run summary: the plain lines, or with `table` (on a terminal) the same figures as a table; then what needs doing. */
export function deliverySummary(command: string, d: Delivery, out: Writable, options: { table?: boolean } = {}): void {
  const read = { ...d.records.totals(), droppedBy: d.records.stats.droppedBy };
  const inputs = d.records.stats.inputs.length;
  const s = d.sink.stats;
  const ms = Date.now() - d.started;
  const p = `ftplog-otel ${command}`;
  out.write(
    options.table === true
      ? deliveryTable(p, {
          inputs,
          read,
          records: s.received,
          accepted: s.accepted,
          rejected: s.rejected,
          deadLettered: s.deadLettered,
          undelivered: s.undelivered,
          requests: s.requests,
          retries: s.retries,
          elapsedMs: ms,
        })
      : `${readSummary(p, inputs, read, s.received)}\n` +
          `${p}: accepted ${formatCount(s.accepted)}, rejected by collector ${formatCount(s.rejected)}, dead-lettered ${formatCount(s.deadLettered)}, ` +
          `not delivered ${formatCount(s.undelivered)}; ${formatCount(s.requests)} requests, ${formatCount(s.retries)} retries, ${elapsedSummary(ms, s.accepted)}\n`,
  );
  if (s.deadLettered > 0) {
    const reasons = Object.entries(s.deadLetterReasons).map(([reason, n]) => `${formatCount(n)} ${reason}`);
    out.write(`${p}: dead letters written to ${d.sink.deadLetterPath}: ${reasons.join('; ')}\n`);
    out.write(`${p}: to send them again: ftplog-otel ship --input jsonl ${d.sink.deadLetterPath}\n`);
  }
  if (s.rejected > 0) out.write(`${p}: the collector rejected records: ${s.partialMessages.filter((m) => m !== '').join('; ') || '(no message)'}\n`);
  if (s.undelivered > 0) {
    const ack = d.sink.acknowledged;
    const where = ack.position === undefined ? 'nothing settled' : `every record settled through ${ack.position.file ?? 'stdin'}:${ack.position.line}`;
    out.write(`${p}: ${where} (${formatCount(ack.records)} records in order)\n`);
  }
}

/** The sink's options and the shutdown time from the flags; defaults are the sink's own. */
export function deliveryOptions(v: ShipValues): { sink: Partial<OtlpSinkOptions>; shutdownMs: number; deadLetter: string | undefined } {
  const batch = v['maxBatchRecords'] as number | undefined;
  const queue = (v['maxQueueRecords'] as number | undefined) ?? (optionByKey(DELIVERY_OPTIONS, 'maxQueueRecords').default as number);
  if (batch !== undefined && batch > queue) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--batch-size (${batch}) must not exceed --queue-records (${queue})`);
  }
  // Every delivery option given is the sink's option of the same key (backoff.* nested), but the shutdown time, which is the command's.
  const sink: Record<string, unknown> = {};
  const backoff: Partial<Record<keyof BackoffOptions, number>> = {};
  for (const { key } of DELIVERY_OPTIONS.options) {
    const value = v[key];
    if (value === undefined || key === 'shutdownTimeoutMs') continue;
    if (key.startsWith('backoff.')) backoff[key.slice('backoff.'.length) as keyof BackoffOptions] = value as number;
    else sink[key] = value;
  }
  if (v['gzipLevel'] !== undefined) sink['gzipLevel'] = v['gzipLevel'];
  sink['backoff'] = backoff;
  const deadLetter = v['deadLetter'] as string | undefined;
  return { sink: sink as Partial<OtlpSinkOptions>, shutdownMs: (v['shutdownTimeoutMs'] as number | undefined) ?? (optionByKey(DELIVERY_OPTIONS, 'shutdownTimeoutMs').default as number), deadLetter };
}

export function deliveryExitCode(d: Delivery, error: Error | undefined, interrupted: boolean): number {
  const s = d.sink.stats;
  if (interrupted) return EXIT.INTERRUPTED;
  if (error !== undefined) return EXIT.FAILURE;
  return s.accepted === s.received && s.rejected === 0 && s.deadLettered === 0 && s.undelivered === 0 ? EXIT.OK : EXIT.FAILURE;
}

/** The dead-letter path, checked before anything runs (ERR_INVALID_ARGUMENT: a usage error, exit 2). */
export function checkedDeadLetter(path: string | undefined): void {
  try {
    checkDeadLetterPath(path ?? DEFAULT_DEAD_LETTER_FILE);
  } catch (err) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', (err as Error).message, { cause: err });
  }
}

export interface DeliveryPlan {
  config: OtlpConfig;
  opts: ReturnType<typeof deliveryOptions>;
  /** A new sink with the settings (the agent makes it once it has started its source). */
  makeSink: () => OtlpSink;
}

/**
 * The collector, the sink's options and the resource from the converted
 * values and the environment, every one checked before anything runs
 * (usage errors: exit 2).
 */
export function planDelivery(v: ShipValues, env: NodeJS.ProcessEnv): DeliveryPlan {
  const config = otlpConfigFrom(v, env);
  const opts = deliveryOptions(v);
  checkedDeadLetter(opts.deadLetter);
  const serviceName = v['serviceName'] as string | undefined;
  try {
    resourceAttributes({ env }); // a malformed OTEL_RESOURCE_ATTRIBUTES is a usage error, before anything runs
  } catch (err) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', (err as Error).message, { cause: err });
  }
  const makeSink = (): OtlpSink =>
    otlpSink({
      config,
      resource: (format) => resourceAttributes({ env, ...(format !== undefined ? { format } : {}), ...(serviceName !== undefined ? { serviceName } : {}) }),
      ...opts.sink,
      // The sink is the only consumer of the runs: their memory goes back to the workers.
      releaseRuns: true,
    });
  return { config, opts, makeSink };
}

export const shipCommand: Command = {
  name: 'ship',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, GROUPS);
    if (values['help'] === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const v = convertFlags(GROUPS, values);
    const agent = v['follow'] === true || v['stateDir'] !== undefined;
    // The agent's patterns are expanded as it runs (files may appear later), not here.
    const cfg = sourceConfig(v as SourceOptions, agent ? [] : positionals, io.stdin, io.env);
    const { config, opts, makeSink } = planDelivery(v, io.env);
    const quiet = v['quiet'] === true;
    if (agent) {
      if (!quiet) io.stderr.write(`ftplog-otel ship: sending to ${describeOtlpConfig(config)}\n`);
      return runAgent({ cfg, patterns: positionals, values: v, makeSink, protocol: encodingOf(config.protocol), shutdownMs: opts.shutdownMs, quiet }, io);
    }
    const d: Delivery = { started: Date.now(), records: openSource(cfg, { stdin: io.stdin, output: encodingOf(config.protocol) }), sink: makeSink() };
    const progress = startDeliveryProgress(d, { out: io.stderr, prefix: 'ftplog-otel ship', progress: v['progress'] as boolean | undefined, quiet, totalBytes: inputBytes(cfg.inputs, io.stdin) });
    // Every message of the run goes through progress.stderr: above the bar on a terminal.
    const stderr = progress.stderr;
    reportSourceWarnings(d.records, stderr, 'ftplog-otel ship');
    if (!quiet) stderr.write(`ftplog-otel ship: sending to ${describeOtlpConfig(config)}\n`);
    noteTerminalStdin(positionals, io.stdin, stderr, 'ftplog-otel ship');
    const unreport = reportDeliveryEvents(d.sink, stderr, 'ftplog-otel ship');
    let outcome: Awaited<ReturnType<typeof runDelivery>>;
    try {
      outcome = await runDelivery(d, { ...io, stderr }, opts.shutdownMs);
    } finally {
      // The bar's redraw timer would otherwise keep the process alive.
      unreport();
      progress.stop();
    }
    const { error, interrupted } = outcome;
    if (error !== undefined) stderr.write(`ftplog-otel ship: ${error.message}\n`);
    if (!quiet || error !== undefined) deliverySummary('ship', d, stderr, { table: progress.table });
    return deliveryExitCode(d, error, interrupted);
  },
};
