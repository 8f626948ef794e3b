/** Progress lines and the end-of-run summary, written to stderr. */
import type { Writable } from 'node:stream';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Per second over `ms`, with a floor of 1 ms so that a run too short for the clock still has a rate. */
export function formatRate(n: number, ms: number): string {
  return formatCount(Math.round((n * 1000) / Math.max(ms, 1)));
}

/** Whether a stream is a terminal. */
export function isTerminal(stream: unknown): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** --progress, --no-progress absent: on when stderr is a terminal. */
export function progressWanted(flag: boolean | undefined, stderr: Writable): boolean {
  return flag ?? isTerminal(stderr);
}

/** Calls `line()` every `intervalMs` and writes it to `out`; returns a stop function. */
export function startProgress(out: Writable, intervalMs: number, line: () => string): () => void {
  const t = setInterval(() => out.write(line() + '\n'), intervalMs);
  t.unref();
  return () => clearInterval(t);
}

/** The counts a summary reports of the inputs read (see InputTotals). */
export interface ReadCounts {
  lines: number;
  records: number;
  success: number;
  failure: number;
  unknown: number;
  parseErrors: number;
  skippedHeader: number;
  skippedBlank: number;
  dropped: number;
  /** `dropped` by reason, when the reader keeps them apart. */
  droppedBy?: Readonly<Record<string, number>> | undefined;
  /** Lines of inputs left out as not FTP server logs. */
  unrecognised?: number;
  /** Lines whose bytes are not valid UTF-8. */
  invalidUtf8?: number;
}

/**
 * The first summary line of every command that reads logs: inputs, lines,
 * records by outcome, parse errors, what was skipped and dropped, lines not
 * valid UTF-8. `records`
 * is what the command handed on (the sink's count for ship), when it differs
 * from the reader's.
 */
export function readSummary(prefix: string, inputs: number, t: ReadCounts, records = t.records - t.dropped): string {
  const skipped = t.skippedHeader + t.skippedBlank > 0 ? `, ${formatCount(t.skippedHeader)} header and ${formatCount(t.skippedBlank)} blank lines skipped` : '';
  const dropped = t.dropped > 0 ? `, ${formatCount(t.dropped)} records dropped by transforms${droppedReasons(t.droppedBy)}` : '';
  const unrecognised = (t.unrecognised ?? 0) > 0 ? `, ${formatCount(t.unrecognised!)} lines of files that are not FTP server logs left out` : '';
  const invalidUtf8 = (t.invalidUtf8 ?? 0) > 0 ? `, ${formatCount(t.invalidUtf8!)} lines not valid UTF-8` : '';
  return (
    `${prefix}: ${inputs} input(s), ${formatCount(t.lines)} lines, ${formatCount(records)} records ` +
    `(success ${formatCount(t.success)}, failure ${formatCount(t.failure)}, unknown ${formatCount(t.unknown)}, parse errors ${formatCount(t.parseErrors)})${skipped}${dropped}${unrecognised}${invalidUtf8}`
  );
}

/** ` (2 filter "quiet-listings"; 1 filter drop outcome=success)`: most first, then by reason; '' without reasons. */
export function droppedReasons(by: Readonly<Record<string, number>> | undefined): string {
  const reasons = Object.entries(by ?? {}).filter(([, n]) => n > 0);
  if (reasons.length === 0) return '';
  reasons.sort(([ra, a], [rb, b]) => b - a || (ra < rb ? -1 : ra > rb ? 1 : 0));
  return ` (${reasons.map(([reason, n]) => `${formatCount(n)} ${reason}`).join('; ')})`;
}

/**
 * Says that stdin is being read when no input is named and stdin is a
 * terminal: without it the command seems to hang.
 */
export function noteTerminalStdin(inputs: readonly string[], stdin: unknown, out: Writable, prefix: string): void {
  if (inputs.length === 0 && isTerminal(stdin)) out.write(`${prefix}: reading stdin (Ctrl-D to end; see --help)\n`);
}

/** Prints a source's warnings (an input left out, say) to stderr as they come, whatever --quiet says. */
export function reportSourceWarnings(source: { on(event: 'warning', f: (m: string) => void): unknown }, out: Writable, prefix: string): void {
  source.on('warning', (m: string) => out.write(`${prefix}: warning: ${m}\n`));
}

/** Elapsed time and rate, as every summary ends: `0.42 s, 190,476 records/s`. */
export function elapsedSummary(ms: number, records: number): string {
  return `${(ms / 1000).toFixed(2)} s, ${formatRate(records, ms)} records/s`;
}
