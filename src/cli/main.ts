/** The `ftplog-otel` command: dispatches to the subcommands. */
import { readFileSync } from 'node:fs';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { FtplogError } from '../errors.js';

/**
 * The commands, each loaded when it runs: the receiver alone loads the
 * official OTLP schema, and `ship` the HTTP, TLS and compression modules,
 * which `parse` and `--help` do not need (importing all five commands took
 * ~110 ms before any work, `parse` alone ~55 ms).
 */
interface CommandEntry {
  readonly name: string;
  /** One line for the top-level --help. */
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'ship',
    summary: 'send log records to an OTLP/HTTP collector, losslessly',
    load: async () => (await import('./ship.js')).shipCommand,
  },
  {
    name: 'parse',
    summary: 'parse log files into JSONL records on stdout',
    load: async () => (await import('./parse.js')).parseCommand,
  },
  {
    name: 'stats',
    summary: 'sum up logs: operations, errors, top users and hosts, bytes per day, busiest hours',
    load: async () => (await import('./stats.js')).statsCommand,
  },
  {
    name: 'run',
    summary: 'run a pipeline file: its sources, transforms and sink',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'validate',
    summary: 'check a pipeline file without running it',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    name: 'test',
    summary: "run a pipeline's golden cases (its NAME.test.yaml)",
    load: async () => (await import('./pipeline-test.js')).testCommand,
  },
  {
    name: 'receive',
    summary: 'run a local OTLP/HTTP logs receiver and print what arrives',
    load: async () => (await import('./receive.js')).receiveCommand,
  },
  {
    name: 'explain',
    summary: 'show how an EFT GetLastCode or an NcFTPd status decodes',
    load: async () => (await import('./explain.js')).explainCommand,
  },
  {
    name: 'demo',
    summary: 'ship logs (default: the bundled examples) to a local receiver and show what arrived',
    load: async () => (await import('./demo.js')).demoCommand,
  },
];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ftplog-otel <command> [options]

Ships FTP server logs (GlobalSCAPE EFT client logs, NcFTPd transfer logs, the
xferlog of vsftpd, ProFTPD and Pure-FTPd, vsftpd's own log) to OpenTelemetry
as standardized log records.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'ftplog-otel <command> --help' (or 'ftplog-otel help <command>') for a
command's options.
  -h, --help     this help
  -v, --version  print the version`;
}

/** `ftplog-otel help COMMAND`: the command's own --help. */
async function help(args: readonly string[], io: CliIO): Promise<number> {
  const entry = args.length === 1 ? COMMANDS.find((c) => c.name === args[0]) : undefined;
  if (entry === undefined) {
    const why = args.length === 1 ? `unknown command "${args[0]}"` : 'takes one COMMAND';
    io.stderr.write(`ftplog-otel help: ${why} (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT.USAGE;
  }
  return (await entry.load()).run(['--help'], io);
}

/** Runs the CLI with injected I/O; resolves to the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'help' && rest.length > 0) return help(rest, io);
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(topHelp() + '\n');
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(version() + '\n');
    return EXIT.OK;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (entry === undefined) {
    io.stderr.write(`ftplog-otel: unknown command "${first}" (try --help)\n`);
    return EXIT.USAGE;
  }
  try {
    return await (await entry.load()).run(rest, io);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e instanceof FtplogError && (e.code === 'ERR_INVALID_ARGUMENT' || e.code === 'ERR_INVALID_OPTION' || e.code === 'ERR_CONFIG')) {
      io.stderr.write(`ftplog-otel ${entry.name}: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof FtplogError) {
      io.stderr.write(`ftplog-otel ${entry.name}: ${e.message}\n`);
      return EXIT.FAILURE;
    }
    io.stderr.write(`ftplog-otel ${entry.name}: internal error: ${e?.stack ?? String(err)}\n`);
    return EXIT.FAILURE;
  }
}
