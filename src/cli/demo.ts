/**
 * `ftplog-otel demo`: the whole path in one command, no collector needed.
 * Starts the OTLP receiver on 127.0.0.1 (a free port), ships the given logs
 * (default: the bundled examples) to it over real OTLP/HTTP (or OTLP/gRPC
 * with --protocol grpc) with the same delivery code as `ship`, and prints
 * what the receiver decoded.
 */
import { reportSourceWarnings } from './summary.js';
import { fileURLToPath } from 'node:url';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs, commandHelp } from './args.js';
import { deliveryExitCode, deliverySummary, otlpConfigFrom, runDelivery, type Delivery } from './ship.js';
import { openSource, sourceConfig, type SourceOptions } from '../sources/source.js';
import { INPUT_OPTIONS, OTLP_OPTIONS, SELECT_OPTIONS } from '../options/components.js';
import { convertFlags, type OptionGroup } from '../options/spec.js';
import { otlpSink } from '../sinks/otlp/sink.js';
import { encodingOf } from '../sinks/otlp/config.js';
import { resourceAttributes } from '../otel/resource.js';
import { startReceiver } from '../receiver/receiver.js';
import { formatRecords, recordToJson } from '../receiver/print.js';

/** The example logs bundled with the package. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/logs', import.meta.url));

/** What `demo` takes of the collector options: how to send, not where. */
const SENDING: OptionGroup = {
  title: 'Sending',
  options: OTLP_OPTIONS.options.filter((o) => o.flag === 'protocol' || o.flag === 'compression').map((o) => ({ ...o, env: undefined })),
};

const OUTPUT: OptionGroup = {
  title: 'Output',
  options: [{ flag: 'json', key: 'json', kind: 'boolean', help: 'print the received records as JSON lines instead' }],
};

const GROUPS: readonly OptionGroup[] = [INPUT_OPTIONS, SELECT_OPTIONS, SENDING, OUTPUT];

const HELP = commandHelp(
  `Usage: ftplog-otel demo [options] [FILE...]

Starts an OTLP receiver on 127.0.0.1 (a free port; OTLP/HTTP, or OTLP/gRPC
with --protocol grpc), ships the given logs to it with 'ftplog-otel ship'
(default: the bundled examples in
${EXAMPLES_DIR}), and prints every record as the receiver decoded it, like
the collector's debug exporter. Nothing leaves this machine.

  FILE...                 log files; a directory stands for its files; a quoted glob
                          ('logs/**/cl*.log') for the files it matches`,
  GROUPS,
);

export const demoCommand: Command = {
  name: 'demo',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, GROUPS);
    if (values['help'] === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const v = convertFlags(GROUPS, values);
    const cfg = sourceConfig(v as SourceOptions, positionals.length > 0 ? positionals : [EXAMPLES_DIR], io.stdin);
    const grpc = v['protocol'] === 'grpc';
    const receiver = await startReceiver({ host: '127.0.0.1', port: 0, grpc });
    try {
      const config = otlpConfigFrom({ ...v, endpoint: receiver.url }, {});
      const where = grpc ? `OTLP/gRPC receiver listening on ${receiver.url}` : `OTLP/HTTP receiver listening on ${receiver.endpoint}`;
      io.stderr.write(`ftplog-otel demo: ${where}; shipping ${cfg.inputs.join(', ')}\n`);
      const d: Delivery = {
        started: Date.now(),
        records: openSource(cfg, { stdin: io.stdin, output: encodingOf(config.protocol) }),
        sink: otlpSink({ config, resource: (format) => resourceAttributes({ env: io.env, ...(format !== undefined ? { format } : {}) }), maxBatchDelayMs: 50 }),
      };
      reportSourceWarnings(d.records, io.stderr, 'ftplog-otel demo');
      const { error, interrupted } = await runDelivery(d, io, 5000, 'ftplog-otel demo');
      if (v['json'] === true) {
        for (const r of receiver.records) io.stdout.write(recordToJson(r) + '\n');
      } else {
        io.stdout.write(formatRecords(receiver.records) + '\n');
      }
      if (error !== undefined) io.stderr.write(`ftplog-otel demo: ${error.message}\n`);
      io.stderr.write(`ftplog-otel demo: the receiver decoded ${receiver.records.length} records from ${receiver.requests.length} requests\n`);
      deliverySummary('demo', d, io.stderr);
      return deliveryExitCode(d, error, interrupted);
    } finally {
      await receiver.close();
    }
  },
};
