#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-old-space-size=192 --max-semi-space-size=8
/**
 * Entry point of the `ftplog-otel` executable: wires process I/O and signals
 * to runCli().
 *
 * The first line bounds memory (measured with `npm run bench`, peak RSS):
 * - `--max-old-space-size=192`: without it V8 lets the garbage of a million
 *   records a second pile up: shipping 1M NcFTPd lines peaked at 198 MB RSS
 *   in 8.9 s; with it, 153 MB in 9.5 s.
 * - `--max-semi-space-size=8` (V8's default grows to 16 MB), for the main
 *   thread only (see heap.ts): from stdin, or with `--workers 0`, the young
 *   generation was the largest part of the peak: `ship` of the 1 GiB NcFTPd
 *   log from stdin peaked at 174 MB, 137 MB with 8, for ~8% more CPU time
 *   (66.7 s user + 10.7 s system against 69.6 s + 13.8 s). 2 cost ~30% more
 *   CPU on one thread.
 * - `MALLOC_MMAP_THRESHOLD_=131072` (glibc): worker threads hand their output
 *   to the main thread in buffers of a few MiB; glibc would otherwise raise
 *   its mmap threshold past that size after the first free and serve them
 *   from per-thread arenas it does not give back, so `parse --workers 2` on
 *   1M lines peaked at ~190 MB instead of ~150 MB. Other C libraries ignore it.
 */
import { runCli } from './main.js';
import { EXIT } from './command.js';
import { keepSemiSpaceFlagToMainThread } from './heap.js';

keepSemiSpaceFlagToMainThread();

async function main(): Promise<void> {
  // First signal: stop reading and drain. Second: stop at once (ship writes
  // what is queued to the dead-letter file, which takes milliseconds). Third:
  // exit without waiting for anything.
  const controller = new AbortController();
  const urgent = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (urgent.signal.aborted) process.exit(EXIT.INTERRUPTED);
    if (controller.signal.aborted) urgent.abort(new Error(`received ${sig} again`));
    else controller.abort(new Error(`received ${sig}`));
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
    urgent: urgent.signal,
  });
  process.exitCode = code;
}

void main();
