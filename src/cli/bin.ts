#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-old-space-size=192
/**
 * Entry point of the `ftplog-otel` executable: wires process I/O and signals
 * to runCli().
 *
 * The first line bounds memory (measured with `npm run bench`, peak RSS):
 * - `--max-old-space-size=192`: without it V8 lets the garbage of a million
 *   records a second pile up: shipping 1M NcFTPd lines peaked at 198 MB RSS
 *   in 8.9 s; with it, 153 MB in 9.5 s. (Also capping the young generation,
 *   --max-semi-space-size=8, saved a little more memory but cost 30% of the
 *   speed.)
 * - `MALLOC_MMAP_THRESHOLD_=131072` (glibc): worker threads hand their output
 *   to the main thread in buffers of a few MiB; glibc would otherwise raise
 *   its mmap threshold past that size after the first free and serve them
 *   from per-thread arenas it does not give back, so `parse --workers 2` on
 *   1M lines peaked at ~190 MB instead of ~150 MB. Other C libraries ignore it.
 */
import { runCli } from './main.js';
import { EXIT } from './command.js';

async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.OK);
  });
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
}

void main();
