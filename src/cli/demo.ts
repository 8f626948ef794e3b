/**
 * `ftplog-otel demo`: the whole path in one command, no collector needed.
 * Starts the OTLP/HTTP receiver on 127.0.0.1 (a free port), ships the given
 * logs (default: the bundled examples) to it over real OTLP/HTTP with the
 * same delivery code as `ship`, and prints what the receiver decoded.
 */
import { fileURLToPath } from 'node:url';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs } from './args.js';
import { INPUT_HELP, INPUT_OPTIONS, inputConfig, readInputs, type InputValues } from './parse.js';
import { deliveryExitCode, deliverySummary, otlpConfigFrom, runDelivery, type Delivery } from './ship.js';
import { otlpSink } from '../sinks/otlp/sink.js';
import { resourceAttributes } from '../otel/resource.js';
import { startReceiver } from '../receiver/receiver.js';
import { formatRecords, recordToJson } from '../receiver/print.js';

/** The example logs bundled with the package. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/logs', import.meta.url));

const HELP = `Usage: ftplog-otel demo [options] [FILE...]

Starts an OTLP/HTTP receiver on 127.0.0.1 (a free port), ships the given logs
to it with 'ftplog-otel ship' (default: the bundled examples in
${EXAMPLES_DIR}), and prints every record as the receiver decoded it, like
the collector's debug exporter. Nothing leaves this machine.

${INPUT_HELP}

  --protocol P            http/protobuf | http/json (default http/protobuf)
  --compression C         gzip | none (default none)
  --json                  print the received records as JSON lines instead
  -h, --help              this help`;

interface DemoValues extends InputValues {
  protocol?: string;
  compression?: string;
  json?: boolean;
  help?: boolean;
}

export const demoCommand: Command = {
  name: 'demo',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs<DemoValues>(args, {
      ...INPUT_OPTIONS,
      protocol: { type: 'string' },
      compression: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    const cfg = inputConfig(values, positionals.length > 0 ? positionals : [EXAMPLES_DIR], io.stdin);
    const receiver = await startReceiver({ host: '127.0.0.1', port: 0 });
    try {
      const config = otlpConfigFrom({ endpoint: receiver.url, protocol: values.protocol, compression: values.compression }, {});
      io.stderr.write(`ftplog-otel demo: OTLP/HTTP receiver listening on ${receiver.endpoint}; shipping ${cfg.inputs.join(', ')}\n`);
      const d: Delivery = {
        started: Date.now(),
        records: readInputs(cfg, io, 'log', config.protocol),
        sink: otlpSink({ config, resource: (format) => resourceAttributes({ env: io.env, ...(format !== undefined ? { format } : {}) }), maxBatchDelayMs: 50 }),
      };
      const { error, interrupted } = await runDelivery(d, io, 5000, 'ftplog-otel demo');
      if (values.json === true) {
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
