/** `ftplog-otel receive`: a local OTLP logs receiver (HTTP, or gRPC) that prints what arrives. */
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { commandHelp, parseCommandArgs } from './args.js';
import { convertFlags, optionByKey } from '../options/spec.js';
import { RECEIVE_OPTIONS } from '../options/components.js';
import { FtplogError } from '../errors.js';
import { startReceiver, type OtlpReceiver } from '../receiver/receiver.js';
import { formatRate, formatRecords, formatRequest, recordToJson } from '../receiver/print.js';

const GROUPS = [RECEIVE_OPTIONS];

const HELP = commandHelp(
  `Usage: ftplog-otel receive [--grpc] [--port 4318] [--host 127.0.0.1] [--quiet | --json]

Runs an OTLP/HTTP logs receiver, as a collector's otlp receiver does, and
prints every log record that arrives, until interrupted (Ctrl-C). Accepts
POST /v1/logs with application/x-protobuf or application/json bodies,
gzip, deflate or br compressed or not; with --grpc, OTLP/gRPC's
LogsService/Export instead. Point ftplog-otel (or any OTLP exporter) at
http://HOST:PORT to see exactly what it sends.`,
  GROUPS,
  `Records go to stdout; the listening address, refused requests and the final
count go to stderr. If stdout falls more than 8 MiB behind, records are
counted but not printed until it catches up.

Example: ftplog-otel receive --port 4318 --json > received.jsonl`,
);

/** Records are counted but not printed while stdout holds more than this many unwritten bytes. */
const OUTPUT_BACKLOG_LIMIT = 8 * 1024 * 1024;
const RATE_INTERVAL_MS = 1000;

interface Values {
  port?: number;
  host?: string;
  quiet?: boolean;
  json?: boolean;
  grpc?: boolean;
}

function usage(io: CliIO, message: string): number {
  io.stderr.write(`ftplog-otel receive: ${message}\n`);
  return EXIT.USAGE;
}

export const receiveCommand: Command = {
  name: 'receive',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    let values: Values;
    try {
      const parsed = parseCommandArgs(args, GROUPS);
      if (parsed.values['help'] === true) {
        io.stdout.write(HELP + '\n');
        return EXIT.OK;
      }
      if (parsed.positionals.length > 0) return usage(io, `unexpected argument "${parsed.positionals[0]}" (see --help)`);
      values = convertFlags(GROUPS, parsed.values) as Values;
    } catch (err) {
      if (err instanceof FtplogError && err.code === 'ERR_INVALID_ARGUMENT') return usage(io, err.message);
      throw err;
    }
    const port = values.port ?? (values.grpc === true ? 4317 : 4318);
    if (values.quiet === true && values.json === true) return usage(io, '--quiet and --json cannot be combined');
    const host = values.host ?? (optionByKey(RECEIVE_OPTIONS, 'host').default as string);
    if (host.trim() === '') return usage(io, '--host must not be empty');
    if (io.signal.aborted) return EXIT.INTERRUPTED;

    let receiver: OtlpReceiver;
    try {
      receiver = await startReceiver({ host, port, retain: false, grpc: values.grpc === true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      io.stderr.write(`ftplog-otel receive: cannot listen on ${host}:${port}: ${e.code ?? e.message}\n`);
      return EXIT.FAILURE;
    }
    io.stderr.write(`ftplog-otel receive: listening on ${values.grpc === true ? `${receiver.url} (OTLP/gRPC)` : receiver.endpoint}\n`);

    let notPrinted = 0;
    let intervalRecords = 0;
    let intervalRequests = 0;
    receiver.on('request', (q) => {
      intervalRequests++;
      if (q.error !== undefined || q.status === undefined || q.status >= 300) io.stderr.write(`ftplog-otel receive: ${formatRequest(q)}\n`);
    });
    receiver.on('records', (records, q) => {
      intervalRecords += records.length;
      if (values.quiet === true) return;
      if (io.stdout.writableLength > OUTPUT_BACKLOG_LIMIT) {
        notPrinted += records.length;
        return;
      }
      if (values.json === true) {
        io.stdout.write(records.map(recordToJson).join('\n') + (records.length > 0 ? '\n' : ''));
      } else {
        io.stdout.write(`${formatRequest(q)}\n${formatRecords(records)}\n\n`);
      }
    });
    const timer =
      values.quiet === true
        ? setInterval(() => {
            if (intervalRequests > 0) {
              io.stdout.write(formatRate(new Date(), intervalRecords, intervalRequests, receiver.totals.acceptedRecords, RATE_INTERVAL_MS) + '\n');
            }
            intervalRecords = 0;
            intervalRequests = 0;
          }, RATE_INTERVAL_MS)
        : undefined;
    timer?.unref();

    try {
      if (!io.signal.aborted) await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    } finally {
      if (timer !== undefined) clearInterval(timer);
      await receiver.close();
    }
    const t = receiver.totals;
    const skipped = notPrinted > 0 ? ` (${notPrinted} not printed: output was behind)` : '';
    io.stderr.write(`ftplog-otel receive: received ${t.acceptedRecords} log records in ${t.requests} requests${skipped}\n`);
    return EXIT.OK;
  },
};
