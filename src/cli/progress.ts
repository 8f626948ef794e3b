/**
 * Live progress of a delivery (`ship`, and any command that delivers
 * records the same way) and the table that ends it.
 *
 * On a terminal: one bar line on stderr, redrawn in place every 150 ms, with
 * bytes read of the inputs' total, records accepted a second, ETA and the
 * delivery state; any other message goes above it (the bar is cleared first
 * and drawn again below), and the bar is cleared at the end, where a table
 * of the figures follows. Elsewhere (a file, a pipe, a CI log): with --progress, one plain
 * line every 5 s, the same text as always, since scripts read it; and the
 * plain summary lines.
 *
 * The drawing is cli-progress's (a MultiBar of one bar, for its log() that
 * puts messages above the bar): it owns the redraw timer, the cursor moves,
 * clearing and cutting the line to the terminal's width. (log-update, the
 * other common choice, needs Node 22 from version 8 on.) The text of the
 * line is ours (progressLine(), a pure function), since cli-progress's
 * format tokens know of no total-less mode and no delivery state.
 *
 * Text from outside (file names, the collector's messages, the reasons of
 * errors) is written to a terminal with its control characters escaped, so a
 * log line cannot move the cursor or recolour the screen.
 */
import { Writable, type Readable } from 'node:stream';
import { MultiBar } from 'cli-progress';
import type { Delivery } from './ship.js';
import { formatCount, formatRate, isTerminal, progressWanted, startProgress, type ReadCounts } from './summary.js';
import { inputsBytes, stdinFileBytes } from '../sources/source.js';
import { escapeControls } from '../records/pretty.js';

/** Between plain progress lines, when stderr is not a terminal. */
export const PLAIN_PROGRESS_MS = 5000;
/** Between redraws of the bar. */
export const BAR_REDRAW_MS = 150;

/** What one frame of the bar shows. */
export interface ProgressSnapshot {
  /** Bytes of the inputs read so far (the readers' positions). */
  bytes: number;
  /** Bytes of all inputs; undefined when unknown (a pipe on stdin). */
  totalBytes: number | undefined;
  elapsedMs: number;
  /** Records the collector accepted so far. */
  accepted: number;
  queued: number;
  retries: number;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** The unit `n` bytes are shown in: 0 for bytes, then 1 for KiB and so on. */
function byteUnit(n: number): number {
  let u = 0;
  while (n >= 1024 && u < UNITS.length) {
    n /= 1024;
    u++;
  }
  return u;
}

function inUnit(n: number, u: number): string {
  return u === 0 ? String(Math.max(0, Math.round(n))) : (n / 1024 ** u).toFixed(1);
}

/** `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(n: number): string {
  const u = byteUnit(n);
  return `${inUnit(n, u)} ${u === 0 ? 'B' : UNITS[u - 1]}`;
}

/** Done of total in the total's unit: `21.9/35.6 MiB`, `0.7/35.6 MiB`. */
export function formatBytesOf(done: number, total: number): string {
  const u = byteUnit(total);
  return `${inUnit(done, u)}/${inUnit(total, u)} ${u === 0 ? 'B' : UNITS[u - 1]}`;
}

/** A count in at most 5 characters for the bar: `9,999`, `16.7k`, `129k`, `1.2M`, never rounded up. */
export function formatShortCount(n: number): string {
  if (n < 10_000) return formatCount(n);
  const [d, u] = n < 1e6 ? [1e3, 'k'] : n < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const v = n / d;
  return v < 100 ? `${(Math.floor(v * 10) / 10).toFixed(1)}${u}` : `${Math.floor(v)}${u}`;
}

/** `0:05`, `12:34`, `1:02:03`; `--:--` when there is no estimate yet. Seconds round up: `0:00` only when done. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.ceil(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A bar of `width` cells, `fraction` of them full (clamped to 0..1). */
export function progressBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.floor(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/**
 * Time left: the longer of reading the rest (at the byte rate so far) and
 * delivering what is queued (at the rate records were accepted so far), since
 * a slow collector holds reading back only once the queue is full. Undefined
 * while there is no rate to go by.
 */
export function etaMs(s: ProgressSnapshot): number | undefined {
  if (s.totalBytes === undefined) return undefined;
  const ms = Math.max(s.elapsedMs, 1);
  const read = s.bytes >= s.totalBytes ? 0 : s.bytes > 0 ? ((s.totalBytes - s.bytes) * ms) / s.bytes : undefined;
  const send = s.queued === 0 ? 0 : s.accepted > 0 ? (s.queued * ms) / s.accepted : undefined;
  return read === undefined || send === undefined ? undefined : Math.max(read, send);
}

/** The widest and narrowest bar, in cells; between them it takes what the terminal has left. */
const BAR_MAX = 30;
const BAR_MIN = 6;

/**
 * One frame: with a total, `██████░░░░  50% 3.0/6.0 KiB · 1,234 records/s ·
 * ETA 0:03 · accepted 40, queued 2, retries 0` (counts from 10,000 on as
 * 16.7k, 129k, 1.2M, so that the line fits 80 columns); without one, bytes read and
 * their rate instead of the bar, percentage and ETA. The bar shrinks to fit
 * `columns` (one column is kept free so that no terminal wraps), and below
 * its narrowest the rate is left out; what still does not fit is cut by the
 * terminal renderer.
 */
export function progressLine(s: ProgressSnapshot, columns = 80): string {
  const rate = `${formatRate(s.accepted, s.elapsedMs)} records/s`;
  const n = formatShortCount;
  const state = `accepted ${n(s.accepted)}, queued ${n(s.queued)}, retries ${n(s.retries)}`;
  if (s.totalBytes === undefined) {
    const byteRate = formatBytes((s.bytes * 1000) / Math.max(s.elapsedMs, 1));
    return `${formatBytes(s.bytes)} read · ${byteRate}/s · ${rate} · ${state}`;
  }
  const fraction = s.totalBytes === 0 ? 1 : s.bytes / s.totalBytes;
  const percent = `${String(Math.floor(Math.min(1, fraction) * 100)).padStart(3)}%`;
  const eta = `ETA ${formatEta(etaMs(s))}`;
  const head = ` ${percent} ${formatBytesOf(s.bytes, s.totalBytes)}`;
  const tail = ` · ${eta} · ${state}`;
  let rest = `${head} · ${rate}${tail}`;
  // On a narrow terminal the rate goes first: the summary has it.
  if (columns - 1 - rest.length < BAR_MIN) rest = head + tail;
  const width = Math.max(BAR_MIN, Math.min(BAR_MAX, columns - 1 - rest.length));
  return progressBar(fraction, width) + rest;
}

/** Bytes of all inputs (`-` is stdin: known only when it is a regular file); undefined if any is unknown. */
export function inputBytes(inputs: readonly string[], stdin: Readable | undefined): number | undefined {
  return inputsBytes(inputs, inputs.includes('-') ? stdinFileBytes(stdin) : undefined);
}

/** The snapshot of a delivery now. */
export function deliverySnapshot(d: Delivery, totalBytes: number | undefined): ProgressSnapshot {
  const t = d.records.totals();
  const s = d.sink.stats;
  return { bytes: t.bytes, totalBytes, elapsedMs: Date.now() - d.started, accepted: s.accepted, queued: s.queuedRecords, retries: s.retries };
}

/** The plain progress line (not a terminal): its text is relied on, keep it. */
export function plainProgressLine(prefix: string, d: Delivery): string {
  const s = d.sink.stats;
  const t = d.records.totals();
  return (
    `${prefix}: read ${formatCount(t.lines)} lines, accepted ${formatCount(s.accepted)} records ` +
    `(${formatRate(s.accepted, Date.now() - d.started)}/s), queued ${formatCount(s.queuedRecords)}, retries ${formatCount(s.retries)}` +
    (s.lastError !== undefined ? `, last error: ${s.lastError}` : '')
  );
}

/** A row of the summary table: label, value (right-aligned), unit. */
export type TableRow = readonly [label: string, value: string, unit?: string];

/** Rows under a title line, in aligned columns: labels left, values right, units after. */
export function formatTable(title: string, rows: readonly TableRow[]): string {
  const lw = Math.max(...rows.map((r) => r[0].length));
  const vw = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([label, value, unit]) => `  ${label.padEnd(lw)}  ${value.padStart(vw)}${unit !== undefined ? ` ${unit}` : ''}`);
  return `${title}\n${lines.join('\n')}\n`;
}

/** What the summary table reports of a delivery. */
export interface DeliveryFigures {
  inputs: number;
  read: ReadCounts;
  /** Records the sink was handed. */
  records: number;
  accepted: number;
  rejected: number;
  deadLettered: number;
  undelivered: number;
  requests: number;
  retries: number;
  elapsedMs: number;
}

/** The summary table's rows: the figures of the plain summary lines, one a row; rows of what did not happen (skipped lines, say) left out. */
export function deliveryRows(f: DeliveryFigures): TableRow[] {
  const n = formatCount;
  const t = f.read;
  const optional: TableRow[] = [];
  if (t.skippedHeader + t.skippedBlank > 0) optional.push(['lines skipped', n(t.skippedHeader + t.skippedBlank), `(${n(t.skippedHeader)} header, ${n(t.skippedBlank)} blank)`]);
  if (t.dropped > 0) {
    optional.push(['dropped by transforms', n(t.dropped)]);
    // One row a reason, as the plain summary names them.
    for (const [reason, k] of Object.entries(t.droppedBy ?? {})) optional.push([`  ${escapeControls(reason)}`, n(k)]);
  }
  if ((t.unrecognised ?? 0) > 0) optional.push(['lines not FTP server logs', n(t.unrecognised!)]);
  if ((t.invalidUtf8 ?? 0) > 0) optional.push(['lines not valid UTF-8', n(t.invalidUtf8!)]);
  return [
    ['inputs', n(f.inputs)],
    ['lines', n(t.lines)],
    ['records', n(f.records)],
    ['  success', n(t.success)],
    ['  failure', n(t.failure)],
    ['  unknown', n(t.unknown)],
    ['parse errors', n(t.parseErrors)],
    ...optional,
    ['accepted', n(f.accepted)],
    ['rejected by collector', n(f.rejected)],
    ['dead-lettered', n(f.deadLettered)],
    ['not delivered', n(f.undelivered)],
    ['requests', n(f.requests)],
    ['retries', n(f.retries)],
    // As elapsedSummary() says them: the rate is of records accepted.
    ['elapsed', (f.elapsedMs / 1000).toFixed(2), 's'],
    ['rate', formatRate(f.accepted, f.elapsedMs), 'records/s'],
  ];
}

/** The summary table of a delivery, titled `PREFIX: summary`. */
export function deliveryTable(prefix: string, f: DeliveryFigures): string {
  return formatTable(`${prefix}: summary`, deliveryRows(f));
}

/** Each line of `text` with its control characters escaped; line ends kept. */
export function terminalText(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

/** A stream that hands each write, as text, to `write` at once. */
function lineSink(write: (text: string) => void): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, callback) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
}

/**
 * The bar on a terminal. Messages written to `messages` appear at once above
 * it; after stop() they go straight to the terminal (escaped, as before).
 */
export class TerminalBar {
  readonly messages: Writable;
  private readonly bars: MultiBar | undefined;
  private stopped = false;

  constructor(
    private readonly out: Writable,
    frame: (columns: number) => string,
    options: { draw: boolean; redrawMs?: number },
  ) {
    this.messages = lineSink((text) => this.message(terminalText(text)));
    if (!options.draw) return;
    this.bars = new MultiBar({
      stream: out as unknown as NodeJS.WritableStream,
      fps: 1000 / (options.redrawMs ?? BAR_REDRAW_MS),
      // Every frame is drawn, not only changed ones: a message above may just have overwritten the line.
      forceRedraw: true,
      clearOnComplete: true,
      // Cut to the width by cli-progress: no terminal mode (hidden cursor, no wrapping) that a killed process would leave behind.
      linewrap: true,
      hideCursor: false,
      gracefulExit: false,
      format: () => frame(this.columns()),
    });
    this.bars.create(1, 0);
  }

  /** Clears the bar for good (safe to call twice). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars?.stop();
  }

  private columns(): number {
    return (this.out as { columns?: number }).columns ?? 80;
  }

  private message(text: string): void {
    if (this.bars === undefined || this.stopped) {
      this.out.write(text);
      return;
    }
    this.bars.log(text);
    this.bars.update();
  }
}

export interface DeliveryProgressOptions {
  /** Where progress and messages go: stderr. */
  out: Writable;
  /** `ftplog-otel ship`. */
  prefix: string;
  /** --progress; undefined (not given): on when `out` is a terminal. */
  progress: boolean | undefined;
  /** --quiet: no progress at all. */
  quiet: boolean;
  /** Bytes of all inputs (see inputBytes()); undefined when unknown. */
  totalBytes: number | undefined;
  /** @default PLAIN_PROGRESS_MS */
  plainIntervalMs?: number;
  /** @default BAR_REDRAW_MS */
  redrawMs?: number;
}

export interface DeliveryProgress {
  /** Where every other message of the run goes while it runs (above the bar on a terminal). */
  readonly stderr: Writable;
  /** Whether the end-of-run summary is the table (stderr is a terminal) rather than the plain lines. */
  readonly table: boolean;
  /** Stops the progress and clears the bar (safe to call twice). */
  stop(): void;
}

/**
 * Starts the progress of a delivery: the bar on a terminal, plain lines
 * elsewhere when asked for, nothing with --quiet. Write every message of the
 * run to the returned `stderr`, and call stop() before the summary.
 */
export function startDeliveryProgress(d: Delivery, o: DeliveryProgressOptions): DeliveryProgress {
  const terminal = isTerminal(o.out);
  const wanted = !o.quiet && progressWanted(o.progress, o.out);
  if (terminal) {
    const bar = new TerminalBar(o.out, (columns) => progressLine(deliverySnapshot(d, o.totalBytes), columns), {
      draw: wanted,
      ...(o.redrawMs !== undefined ? { redrawMs: o.redrawMs } : {}),
    });
    return { stderr: bar.messages, table: true, stop: () => bar.stop() };
  }
  const stop = wanted ? startProgress(o.out, o.plainIntervalMs ?? PLAIN_PROGRESS_MS, () => plainProgressLine(o.prefix, d)) : () => {};
  return { stderr: o.out, table: false, stop };
}
