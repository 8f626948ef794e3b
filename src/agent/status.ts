/**
 * What a following agent reports about itself: the snapshot that its status
 * line (--status-interval), its /metrics and its /healthz are all made from,
 * and the status line itself. Pure: the agent fills the snapshot in, and
 * everything here reads only what it is given.
 */
import { formatCount } from '../cli/summary.js';
import { validateTimeZone } from '../enrich/timezone.js';

/** One followed file, as far as it is read and settled. */
export interface FileStatus {
  path: string;
  /** The file's identity (it keeps it across renames). */
  key: string;
  /** Size when last looked at, in bytes. */
  size: number;
  /** Bytes read so far. */
  readOffset: number;
  /** Every record before this byte offset is settled: accepted by the collector or durably dead-lettered. */
  settledOffset: number;
  state: 'reading' | 'idle' | 'rotated' | 'done';
}

/** A following agent at one moment. Counts are cumulative since `startedAt`. */
export interface AgentStatus {
  /** ms epoch */
  startedAt: number;
  /** ms epoch of the snapshot */
  now: number;
  files: FileStatus[];
  /** Records made by the parser (including parse-error records). */
  recordsRead: number;
  /** Records accepted by the collector. */
  recordsSent: number;
  recordsDeadLettered: number;
  /** Records dropped by transforms. */
  recordsDropped: number;
  /** The same, by reason (a filter's name, or its condition); every reason's count adds up to recordsDropped. */
  recordsDroppedBy?: Readonly<Record<string, number>>;
  parseErrors: number;
  /** Lines whose bytes are not valid UTF-8 (read with U+FFFD in place of what does not decode). */
  invalidUtf8Lines: number;
  retries: number;
  queueRecords: number;
  queueBytes: number;
  /** The collector is currently unreachable, or refusing retryably. */
  outage: boolean;
  lastError: { message: string; at: number } | undefined;
  stopping: boolean;
}

/** Bytes of `f` not yet settled: what the agent still owes the collector from it (0 if it is settled to its end). */
export function fileLag(f: FileStatus): number {
  return Math.max(0, f.size - f.settledOffset);
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/**
 * Bytes for people, 1000-based, one decimal at most: `512 B`, `200 kB`,
 * `3.4 MB`, `1,024.5 GB`. A value that rounds up to 1000 of a unit is shown
 * in the next one (999,960 bytes is `1 MB`, not `1000 kB`).
 */
export function formatBytes(bytes: number): string {
  if (!(bytes >= 1000)) return `${bytes > 0 ? formatCount(Math.round(bytes)) : 0} B`;
  let unit = 0;
  let value = bytes;
  while (unit < BYTE_UNITS.length - 1 && Math.round(value * 10) / 10 >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${(Math.round(value * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 })} ${BYTE_UNITS[unit]}`;
}

/** The last part of a path, `/` or `\` separated (EFT's Windows paths read the same on any machine). */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) || path;
}

/** At most this many lagging files are named in the status line. */
const NAMED_FILES = 3;

function lagPart(files: readonly FileStatus[]): string {
  const lagging = files
    .map((f) => ({ name: fileName(f.path), path: f.path, lag: fileLag(f) }))
    .filter((f) => f.lag > 0)
    .sort((a, b) => b.lag - a.lag || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const total = lagging.reduce((sum, f) => sum + f.lag, 0);
  if (lagging.length === 0) return `lag ${formatBytes(0)}`;
  const named = lagging.slice(0, NAMED_FILES).map((f) => `${f.name} ${formatBytes(f.lag)}`);
  if (lagging.length > NAMED_FILES) named.push(`+${formatCount(lagging.length - NAMED_FILES)} more`);
  return `lag ${formatBytes(total)} (${named.join(', ')})`;
}

function pad2(n: string | undefined): string {
  return (n ?? '').padStart(2, '0');
}

/** `HH:MM:SS` in `timeZone`, with `YYYY-MM-DD ` before it when that day is not the snapshot's. */
function errorTime(at: number, now: number, timeZone: string | undefined): string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts = (t: number): Record<string, string> => Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  const e = parts(at);
  const n = parts(now);
  const time = `${pad2(e.hour)}:${pad2(e.minute)}:${pad2(e.second)}`;
  const day = `${e.year}-${pad2(e.month)}-${pad2(e.day)}`;
  return day === `${n.year}-${pad2(n.month)}-${pad2(n.day)}` ? time : `${day} ${time}`;
}

/** `text` on one line: each line break or other control character, with the white space around it, becomes one space. */
function oneLine(text: string): string {
  return text.replace(/\s*[\u0000-\u001f\u007f\u2028\u2029][\s\u0000-\u001f\u007f]*/g, ' ').trim();
}

export interface StatusLineOptions {
  /** IANA zone the last error's time is shown in. @default this machine's */
  timeZone?: string;
}

/**
 * One status line for stderr, without its line end:
 *
 *   status: 12 files, lag 3.4 MB (cl241118.log 3.2 MB, xfer.log 200 kB), sent 120,431, retries 3,
 *   queue 2,048 records/1.1 MB, dead letters 0, last error 14:02:11 collector unreachable: ECONNREFUSED
 *
 * (one line; wrapped here). Lag is what the files hold that is not settled
 * yet, size − settledOffset per file; the files that have some are named,
 * largest first, at most three and then `+N more`. The last error's time
 * has its date before it when it is from another day than the snapshot's;
 * its message is kept to the one line. `last error none` when there has
 * been none.
 */
export function formatStatusLine(s: AgentStatus, options: StatusLineOptions = {}): string {
  const timeZone = options.timeZone === undefined ? undefined : validateTimeZone(options.timeZone);
  const files = `${formatCount(s.files.length)} ${s.files.length === 1 ? 'file' : 'files'}`;
  const queue = `queue ${formatCount(s.queueRecords)} records/${formatBytes(s.queueBytes)}`;
  const lastError =
    s.lastError === undefined
      ? 'last error none'
      : `last error ${errorTime(s.lastError.at, s.now, timeZone)} ${oneLine(s.lastError.message)}`;
  return (
    `status: ${files}, ${lagPart(s.files)}, sent ${formatCount(s.recordsSent)}, retries ${formatCount(s.retries)}, ` +
    `${queue}, dead letters ${formatCount(s.recordsDeadLettered)}, ${lastError}`
  );
}
