/**
 * A server the end-to-end tests run as a child process (the Collector,
 * VictoriaLogs): the end of its log kept for failure messages, its exit
 * code, a graceful stop.
 */
import type { ChildProcess } from 'node:child_process';

/** How much of a server's log is kept: the end, for failure messages. */
const KEPT_OUTPUT = 64 * 1024;

export class ServerProcess {
  readonly #child: ChildProcess;
  #output = '';
  readonly #exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  /** `child` must have been spawned with stdout and stderr piped. */
  constructor(child: ChildProcess) {
    this.#child = child;
    const keep = (s: string): void => {
      this.#output = (this.#output + s).slice(-KEPT_OUTPUT);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal === null ? null : -1);
        resolve(code);
      }),
    );
  }

  /** The end of what the server logged. */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  /** Throws, with the end of its log, when the server has already exited; for a readiness poll. */
  assertRunning(what: string): void {
    if (this.#exitCode !== undefined) throw new Error(`${what} exited (${this.#exitCode}) before it was ready:\n${this.#output}`);
  }

  /** SIGTERM (a graceful shutdown), SIGKILL after `timeoutMs`. Resolves with the exit code. Safe to call twice. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    if (this.#exitCode === undefined) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    return this.#exited;
  }
}
