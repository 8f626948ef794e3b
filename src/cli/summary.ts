/** Progress lines and the end-of-run summary, written to stderr. */
import type { Writable } from 'node:stream';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatRate(n: number, ms: number): string {
  if (ms <= 0) return '-';
  return formatCount(Math.round((n * 1000) / ms));
}

/** --progress, --no-progress absent: on when stderr is a terminal. */
export function progressWanted(flag: boolean | undefined, stderr: Writable): boolean {
  return flag ?? (stderr as { isTTY?: boolean }).isTTY === true;
}

/** Calls `line()` every `intervalMs` and writes it to `out`; returns a stop function. */
export function startProgress(out: Writable, intervalMs: number, line: () => string): () => void {
  const t = setInterval(() => out.write(line() + '\n'), intervalMs);
  t.unref();
  return () => clearInterval(t);
}
