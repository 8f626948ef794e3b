/**
 * A writer that appends lines to files at a steady rate, as a busy server
 * writes its log: every tick, the lines due by then, split evenly over the
 * files, on a schedule that does not drift with the time the writes take.
 */
import { appendFileSync } from 'node:fs';

export interface PaceOptions {
  files: readonly string[];
  /** Lines per second over all files. */
  perSecond: number;
  seconds: number;
  /** @default 100 */
  tickMs?: number;
  /** The text of line `n` (0-based over all files) for file `fileIndex`, without its line end. */
  line(fileIndex: number, n: number): string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Appends at the given rate for the given time; resolves with the number of lines written. */
export async function appendAtRate(o: PaceOptions): Promise<number> {
  const tickMs = o.tickMs ?? 100;
  const ticks = Math.round((o.seconds * 1000) / tickMs);
  const perTick = Math.round((o.perSecond * tickMs) / 1000);
  const perFile = Math.max(1, Math.floor(perTick / o.files.length));
  const start = performance.now();
  let written = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (const [i, f] of o.files.entries()) {
      let text = '';
      for (let k = 0; k < perFile; k++) text += o.line(i, written + k * o.files.length + i) + '\n';
      appendFileSync(f, text);
    }
    written += perFile * o.files.length;
    await sleep(Math.max(0, start + (tick + 1) * tickMs - performance.now()));
  }
  return written;
}
