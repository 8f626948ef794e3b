/** The `ftplog-otel` command: dispatches to the subcommands. */
import { readFileSync } from 'node:fs';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { FtplogError } from '../errors.js';
import { parseCommand } from './parse.js';
import { explainCommand } from './explain.js';
import { shipCommand } from './ship.js';
import { demoCommand } from './demo.js';
import { receiveCommand } from './receive.js';

export const COMMANDS: readonly Command[] = [shipCommand, parseCommand, receiveCommand, explainCommand, demoCommand];

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

Ships FTP server logs (GlobalSCAPE EFT client logs, NcFTPd transfer logs) to
OpenTelemetry as standardized log records.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'ftplog-otel <command> --help' for a command's options.
  -h, --help     this help
  -v, --version  print the version`;
}

/** Runs the CLI with injected I/O; resolves to the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(topHelp() + '\n');
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(version() + '\n');
    return EXIT.OK;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (cmd === undefined) {
    io.stderr.write(`ftplog-otel: unknown command "${first}" (try --help)\n`);
    return EXIT.USAGE;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e instanceof FtplogError && (e.code === 'ERR_INVALID_ARGUMENT' || e.code === 'ERR_INVALID_OPTION')) {
      io.stderr.write(`ftplog-otel ${cmd.name}: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof FtplogError) {
      io.stderr.write(`ftplog-otel ${cmd.name}: ${e.message}\n`);
      return EXIT.FAILURE;
    }
    io.stderr.write(`ftplog-otel ${cmd.name}: internal error: ${e?.stack ?? String(err)}\n`);
    return EXIT.FAILURE;
  }
}
