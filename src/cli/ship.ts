/** `ftplog-otel ship`: log files to an OTLP/HTTP collector, every record accepted or the run fails. */
import { pipeline } from 'node:stream/promises';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, intOption, durationOption } from './args.js';
import { INPUT_HELP, INPUT_OPTIONS, inputConfig, readInputs, type InputValues, type LogSource } from './parse.js';
import { otlpSink, type OtlpSink, type OutageInfo, type RecoveryInfo, type RetryInfo } from '../sinks/otlp/sink.js';
import { resolveOtlpConfig, describeOtlpConfig, type OtlpConfig } from '../sinks/otlp/config.js';
import { DEFAULT_DEAD_LETTER_FILE, checkDeadLetterPath } from '../sinks/otlp/dead-letter.js';
import { resourceAttributes } from '../otel/resource.js';
import { formatCount, formatRate, progressWanted, startProgress } from './summary.js';
import { FtplogError } from '../errors.js';
import type { Writable } from 'node:stream';

export const OTLP_HELP = `Collector (flags win over the standard OTEL_EXPORTER_OTLP_* / OTEL_EXPORTER_OTLP_LOGS_* variables):
  --endpoint URL          OTLP/HTTP endpoint; /v1/logs is appended unless present
                          (default: $OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, $OTEL_EXPORTER_OTLP_ENDPOINT, http://localhost:4318)
  --protocol P            http/protobuf | http/json (default http/protobuf; $OTEL_EXPORTER_OTLP_PROTOCOL)
  --compression C         gzip | none (default none; $OTEL_EXPORTER_OTLP_COMPRESSION)
  --gzip-level N          1 (fastest, default) … 9 (smallest bodies)
  --header NAME=VALUE     extra request header, repeatable ($OTEL_EXPORTER_OTLP_HEADERS); values are never printed
  --timeout D             per-request timeout, e.g. 10s (default 10s; $OTEL_EXPORTER_OTLP_TIMEOUT in ms)
  --ca-file PEM           CA bundle to trust for https ($OTEL_EXPORTER_OTLP_CERTIFICATE)
  --cert-file PEM, --key-file PEM   client certificate and key for mutual TLS
  --service-name NAME     service.name resource attribute (default: $OTEL_SERVICE_NAME, else eft-server or ncftpd by format);
                          $OTEL_RESOURCE_ATTRIBUTES adds resource attributes`;

export const DELIVERY_HELP = `Delivery (nothing is dropped: when the queue is full, reading waits):
  --batch-size N          records per request (default 2048)
  --batch-delay D         longest a record waits for its batch to fill (default 200ms)
  --max-in-flight N       requests at once (default 4)
  --queue-records N       most records queued in memory (default 16384)
  --queue-bytes N         most encoded bytes queued in memory (default 33554432, at most 67108864)
  --max-retry-time D      give up when a batch has failed for this long, e.g. 10m (default: retry forever)
  --retry-initial D       first retry delay (default 500ms); --retry-max D: cap of the delay (default 30s);
                          a collector's Retry-After is followed up to 4 × --retry-max
  --dead-letter FILE      where records the collector refuses (HTTP 400 etc.) are written as JSONL with the reason
                          (default ./${DEFAULT_DEAD_LETTER_FILE}, created only when needed); send them again
                          with: ftplog-otel ship --input jsonl FILE
  --shutdown-timeout D    on SIGINT/SIGTERM, how long to deliver what is queued (default 10s); what is still
                          queued then, or at a second signal, goes to the dead-letter file`;

const HELP = `Usage: ftplog-otel ship [options] [FILE...]

Sends every record of the given log files (or stdin) to an OpenTelemetry
collector over OTLP/HTTP and exits 0 only once the collector has accepted
every record. Failed requests are retried; refused records go to a
dead-letter file; a summary goes to stderr.

${INPUT_HELP}
  --input KIND            log (FTP server logs, default) | jsonl (records written by 'ftplog-otel parse')

${OTLP_HELP}

${DELIVERY_HELP}

Output:
  --progress              progress to stderr every 5 s (default when stderr is a terminal)
  --quiet                 no summary
  -h, --help              this help

Exit status: 0 every record accepted; 1 some record not accepted (dead-lettered, rejected by
the collector, retries exhausted) or an input unreadable; 2 usage or configuration error;
130 interrupted (the summary says what was delivered).`;

export const OTLP_OPTIONS = {
  endpoint: { type: 'string' },
  protocol: { type: 'string' },
  compression: { type: 'string' },
  'gzip-level': { type: 'string' },
  header: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'ca-file': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
  'service-name': { type: 'string' },
} as const;

export const DELIVERY_OPTIONS = {
  'batch-size': { type: 'string' },
  'batch-delay': { type: 'string' },
  'max-in-flight': { type: 'string' },
  'queue-records': { type: 'string' },
  'queue-bytes': { type: 'string' },
  'max-retry-time': { type: 'string' },
  'retry-initial': { type: 'string' },
  'retry-max': { type: 'string' },
  'dead-letter': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
} as const;

export interface OtlpValues {
  endpoint?: string;
  protocol?: string;
  compression?: string;
  'gzip-level'?: string;
  header?: string[];
  timeout?: string;
  'ca-file'?: string;
  'cert-file'?: string;
  'key-file'?: string;
  'service-name'?: string;
}

export interface DeliveryValues {
  'batch-size'?: string;
  'batch-delay'?: string;
  'max-in-flight'?: string;
  'queue-records'?: string;
  'queue-bytes'?: string;
  'max-retry-time'?: string;
  'retry-initial'?: string;
  'retry-max'?: string;
  'dead-letter'?: string;
  'shutdown-timeout'?: string;
}

interface ShipValues extends InputValues, OtlpValues, DeliveryValues {
  input?: string;
  progress?: boolean;
  quiet?: boolean;
  help?: boolean;
}

export function otlpConfigFrom(values: OtlpValues, env: NodeJS.ProcessEnv): OtlpConfig {
  const timeoutMs = durationOption('timeout', values.timeout);
  try {
    return resolveOtlpConfig(
      {
        ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
        ...(values.protocol !== undefined ? { protocol: values.protocol } : {}),
        ...(values.compression !== undefined ? { compression: values.compression } : {}),
        ...(values.header !== undefined ? { headers: values.header } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(values['ca-file'] !== undefined ? { caFile: values['ca-file'] } : {}),
        ...(values['cert-file'] !== undefined ? { certFile: values['cert-file'] } : {}),
        ...(values['key-file'] !== undefined ? { keyFile: values['key-file'] } : {}),
      },
      env,
    );
  } catch (err) {
    if (err instanceof FtplogError && err.code === 'ERR_CONFIG') throw new FtplogError('ERR_INVALID_ARGUMENT', err.message, { cause: err });
    throw err;
  }
}

/** `--gzip-level` as an otlpSink option. */
export function gzipLevelOption(values: OtlpValues): { gzipLevel?: number } {
  const level = intOption('gzip-level', values['gzip-level'], 1, 9);
  return level === undefined ? {} : { gzipLevel: level };
}

export interface Delivery {
  records: LogSource;
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

export function deliverySummary(command: string, d: Delivery, out: Writable): void {
  const t = d.records.totals();
  const s = d.sink.stats;
  const ms = Date.now() - d.started;
  const p = `ftplog-otel ${command}`;
  out.write(
    `${p}: ${d.records.stats.inputs.length} input(s), ${formatCount(t.lines)} lines, ` +
      `${formatCount(s.received)} records (success ${formatCount(t.success)}, failure ${formatCount(t.failure)}, unknown ${formatCount(t.unknown)}, parse errors ${formatCount(t.parseErrors)})\n` +
      `${p}: accepted ${formatCount(s.accepted)}, rejected by collector ${formatCount(s.rejected)}, dead-lettered ${formatCount(s.deadLettered)}, ` +
      `not delivered ${formatCount(s.undelivered)}; ${formatCount(s.requests)} requests, ${formatCount(s.retries)} retries, ` +
      `${(ms / 1000).toFixed(2)} s, ${formatRate(s.accepted, Math.max(ms, 1))} records/s\n`,
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

export function deliveryOptions(values: DeliveryValues): {
  maxBatchRecords: number | undefined;
  maxBatchDelayMs: number | undefined;
  maxInFlight: number | undefined;
  maxQueueRecords: number | undefined;
  maxQueueBytes: number | undefined;
  maxRetryTimeMs: number | undefined;
  backoff: { initialMs?: number; maxMs?: number };
  deadLetter: string | undefined;
  shutdownMs: number;
} {
  const maxBatchRecords = intOption('batch-size', values['batch-size'], 1, 1_000_000);
  const maxQueueRecords = intOption('queue-records', values['queue-records'], 1, 100_000_000);
  if (maxBatchRecords !== undefined && maxBatchRecords > (maxQueueRecords ?? 16384)) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--batch-size (${maxBatchRecords}) must not exceed --queue-records (${maxQueueRecords ?? 16384})`);
  }
  const initialMs = durationOption('retry-initial', values['retry-initial']);
  const maxMs = durationOption('retry-max', values['retry-max']);
  return {
    maxBatchRecords,
    maxBatchDelayMs: durationOption('batch-delay', values['batch-delay']),
    maxInFlight: intOption('max-in-flight', values['max-in-flight'], 1, 64),
    maxQueueRecords,
    // The executable's heap is capped at 192 MiB (see bin.ts); queued records
    // are held as their encoded bytes, so 64 MiB of queue is 64 MiB of buffers.
    maxQueueBytes: intOption('queue-bytes', values['queue-bytes'], 65536, 64 * 1024 * 1024),
    maxRetryTimeMs: durationOption('max-retry-time', values['max-retry-time']),
    backoff: { ...(initialMs !== undefined ? { initialMs } : {}), ...(maxMs !== undefined ? { maxMs } : {}) },
    deadLetter: values['dead-letter'],
    shutdownMs: durationOption('shutdown-timeout', values['shutdown-timeout']) ?? 10_000,
  };
}

export function deliveryExitCode(d: Delivery, error: Error | undefined, interrupted: boolean): number {
  const s = d.sink.stats;
  if (interrupted) return EXIT.INTERRUPTED;
  if (error !== undefined) return EXIT.FAILURE;
  return s.accepted === s.received && s.rejected === 0 && s.deadLettered === 0 && s.undelivered === 0 ? EXIT.OK : EXIT.FAILURE;
}

/** The dead-letter path, checked before anything runs (ERR_INVALID_ARGUMENT: a usage error, exit 2). */
export function checkedDeadLetter(path: string | undefined): string | undefined {
  try {
    checkDeadLetterPath(path ?? DEFAULT_DEAD_LETTER_FILE);
  } catch (err) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', (err as Error).message, { cause: err });
  }
  return path;
}

export const shipCommand: Command = {
  name: 'ship',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs<ShipValues>(args, {
      ...INPUT_OPTIONS,
      ...OTLP_OPTIONS,
      ...DELIVERY_OPTIONS,
      input: { type: 'string' },
      progress: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const input = values.input ?? 'log';
    if (input !== 'log' && input !== 'jsonl') throw new FtplogError('ERR_INVALID_ARGUMENT', `--input must be log or jsonl (got ${JSON.stringify(input)})`);
    const cfg = inputConfig(values, positionals, io.stdin);
    const config = otlpConfigFrom(values, io.env);
    const opts = deliveryOptions(values);
    checkedDeadLetter(opts.deadLetter);
    const serviceName = values['service-name'];
    try {
      resourceAttributes({ env: io.env }); // a malformed OTEL_RESOURCE_ATTRIBUTES is a usage error, before anything runs
    } catch (err) {
      throw new FtplogError('ERR_INVALID_ARGUMENT', (err as Error).message, { cause: err });
    }

    const d: Delivery = {
      started: Date.now(),
      records: readInputs(cfg, io, input, config.protocol),
      sink: otlpSink({
        config,
        resource: (format) => resourceAttributes({ env: io.env, ...(format !== undefined ? { format } : {}), ...(serviceName !== undefined ? { serviceName } : {}) }),
        ...(opts.maxBatchRecords !== undefined ? { maxBatchRecords: opts.maxBatchRecords } : {}),
        ...(opts.maxBatchDelayMs !== undefined ? { maxBatchDelayMs: opts.maxBatchDelayMs } : {}),
        ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
        ...(opts.maxQueueRecords !== undefined ? { maxQueueRecords: opts.maxQueueRecords } : {}),
        ...(opts.maxQueueBytes !== undefined ? { maxQueueBytes: opts.maxQueueBytes } : {}),
        ...(opts.maxRetryTimeMs !== undefined ? { maxRetryTimeMs: opts.maxRetryTimeMs } : {}),
        backoff: opts.backoff,
        ...(opts.deadLetter !== undefined ? { deadLetter: opts.deadLetter } : {}),
        ...gzipLevelOption(values),
        // The sink is the only consumer of the runs: their memory goes back to the workers.
        releaseRuns: true,
      }),
    };
    if (values.quiet !== true) io.stderr.write(`ftplog-otel ship: sending to ${describeOtlpConfig(config)}\n`);
    const stop = progressWanted(values.progress, io.stderr)
      ? startProgress(io.stderr, 5000, () => {
          const s = d.sink.stats;
          const t = d.records.totals();
          return (
            `ftplog-otel ship: read ${formatCount(t.lines)} lines, accepted ${formatCount(s.accepted)} records ` +
            `(${formatRate(s.accepted, Date.now() - d.started)}/s), queued ${formatCount(s.queuedRecords)}, retries ${formatCount(s.retries)}` +
            (s.lastError !== undefined ? `, last error: ${s.lastError}` : '')
          );
        })
      : () => {};
    const unreport = reportDeliveryEvents(d.sink, io.stderr, 'ftplog-otel ship');
    const { error, interrupted } = await runDelivery(d, io, opts.shutdownMs);
    unreport();
    stop();
    if (error !== undefined) io.stderr.write(`ftplog-otel ship: ${error.message}\n`);
    if (values.quiet !== true || error !== undefined) deliverySummary('ship', d, io.stderr);
    return deliveryExitCode(d, error, interrupted);
  },
};
