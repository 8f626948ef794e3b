import type { OptionGroup } from '../options/spec.js';
import type { Readable, Writable } from 'node:stream';

/** What a command may touch: injected so tests can run commands in-process. */
export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Aborted on a second SIGINT/SIGTERM: stop at once, keeping what can be kept. */
  readonly urgent?: AbortSignal;
}

export interface Command {
  readonly name: string;
  /** Full text printed by `ftplog-otel <name> --help`. */
  readonly help: string;
  /** The declared option groups its flags, help and values come from (src/options). */
  readonly options?: readonly OptionGroup[];
  /** Runs the command; resolves to the process exit code. Usage errors: print one line to stderr and resolve 2. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;
