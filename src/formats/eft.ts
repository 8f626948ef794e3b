/**
 * GlobalSCAPE EFT Server client log (`cl[yymmdd].log`), one line at a time.
 *
 *   Time; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode[; ACTION_RESULT]
 *
 * Design note: the separator `;` is not escaped, and Windows file names (local
 * path) as well as POSIX names (remote path) may contain it. Every other column
 * is free of `;` (time, protocol token, host including IPv6, port, user,
 * operation word, integers), so the line is anchored from both ends:
 *
 * - A final `;` (after trailing whitespace) is the line terminator the vendor
 *   always writes. An empty last column without a terminator therefore reads as
 *   a terminated line; the two cannot be told apart. A line read as nine
 *   columns needs it: without it the line was cut short (by a crash, or read
 *   while it was written) and its GetLastCode may be cut too ("10060" read as
 *   "100", "226" as "2", EFT's own code for a failure). Whether EFT
 *   writes it after ACTION_RESULT is not known, so ten columns are read
 *   either way (a one-digit ACTION_RESULT cannot be cut inside; a line cut
 *   inside its GetLastCode reads as nine columns).
 * - Five columns are taken from the left: time, protocol, host, port, user.
 * - From the right, ten columns are tried first: ACTION_RESULT must be an
 *   integer, GetLastCode an integer or empty, and the operation a word (not an
 *   integer, no `/` or `\`). Otherwise nine columns: GetLastCode, operation.
 * - What remains is `LocalPath; RemotePath`. With a single `;` the split is
 *   unambiguous. With several, a candidate is a `;` followed by optional
 *   whitespace and `/` (or by nothing: empty remote path) whose left side is
 *   empty or starts like a Windows path (`C:`, `\\server`). The leftmost
 *   candidate whose remote side holds no `\` wins; failing that, the leftmost
 *   candidate. Leftmost, because a POSIX directory ending in `;` (`/in;/box`)
 *   is far more likely than a Windows path written with `/` after a name
 *   ending in `; `. A `\` right of the split means the split fell inside the
 *   local path, which is how `C:\dir; /x\f.txt; /r.txt` resolves. A local path
 *   that itself contains `; /` and no later `\` (`C:\a; /b; /r`) cannot be
 *   told from a remote path containing `; /` and reads as the latter.
 *
 * Scanning is indexOf/charCodeAt over the original string: fields are located
 * by index and only the strings kept in the entry are sliced. Nothing here
 * throws for any input.
 */
import type { CivilTime, EftEntry, ParseFailure, ParseResult, ParseSkip } from '../model.js';
import { daysInMonth, digits } from './calendar.js';

const SEMI = 59;
const SLASH = 47;
const BACKSLASH = 92;
const COLON = 58;
const PIPE = 124;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DASH = 45;
const SPACE = 32;

/** A nine-column line without its final `;`: see the design note. */
const CUT_SHORT = 'line cut short: no ";" after its last column';

/** Longest value quoted in a failure reason. */
const MAX_QUOTED = 40;
/** More digits than this cannot be an exact integer. */
const MAX_INT_DIGITS = 15;

const BLANK: ParseSkip = Object.freeze({ kind: 'skip', reason: 'blank' });
const HEADER: ParseSkip = Object.freeze({ kind: 'skip', reason: 'header' });

function isWs(c: number): boolean {
  return c === SPACE || (c >= 9 && c <= 13);
}

function skipWs(text: string, i: number, end: number): number {
  while (i < end && isWs(text.charCodeAt(i))) i++;
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isWs(text.charCodeAt(end - 1))) end--;
  return end;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Trimmed slice of [a, b). */
function field(text: string, a: number, b: number): string {
  a = skipWs(text, a, b);
  b = trimEnd(text, a, b);
  return a === b ? '' : text.slice(a, b);
}

function failure(reason: string): ParseFailure {
  return { kind: 'error', reason };
}

function quoted(text: string, a: number, b: number): string {
  const value = field(text, a, b);
  return value.length > MAX_QUOTED ? `"${value.slice(0, MAX_QUOTED)}…"` : `"${value}"`;
}

/** Index of the next `;` in [from, end), or -1. */
function nextSemi(text: string, from: number, end: number): number {
  const i = text.indexOf(';', from);
  return i >= 0 && i < end ? i : -1;
}

/**
 * Index of the last `;` at or before `from` (>= 0), or -1. A loop rather than
 * lastIndexOf, which V8 runs outside compiled code; it is only used to walk
 * back over the short right-hand columns.
 */
function prevSemi(text: string, from: number): number {
  for (let i = from; i >= 0; i--) if (text.charCodeAt(i) === SEMI) return i;
  return -1;
}

function countFields(text: string, start: number, end: number): number {
  let n = 1;
  for (let i = nextSemi(text, start, end); i >= 0; i = nextSemi(text, i + 1, end)) n++;
  return n;
}

/** Signed decimal integer in [a, b) (already trimmed); NaN if not one. */
function parseInteger(text: string, a: number, b: number): number {
  let negative = false;
  const c = text.charCodeAt(a);
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    a++;
  }
  if (a >= b || b - a > MAX_INT_DIGITS) return NaN;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` in [a, b) (already trimmed). */
function parseTime(text: string, a: number, b: number): CivilTime | undefined {
  const n = b - a;
  if (n < 19) return undefined;
  if (
    text.charCodeAt(a + 4) !== DASH ||
    text.charCodeAt(a + 7) !== DASH ||
    text.charCodeAt(a + 10) !== SPACE ||
    text.charCodeAt(a + 13) !== COLON ||
    text.charCodeAt(a + 16) !== COLON
  ) {
    return undefined;
  }
  const year = digits(text, a, 4);
  const month = digits(text, a + 5, 2);
  const day = digits(text, a + 8, 2);
  const hour = digits(text, a + 11, 2);
  const minute = digits(text, a + 14, 2);
  const second = digits(text, a + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let millisecond = 0;
  if (n > 19) {
    if (text.charCodeAt(a + 19) !== DOT || n === 20) return undefined;
    // Fraction of a second: the first three digits give milliseconds, later ones are dropped.
    let scale = 100;
    for (let i = a + 20; i < b; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      millisecond += d * scale;
      scale = (scale / 10) | 0;
    }
  }
  return { year, month, day, hour, minute, second, millisecond };
}

/** A value that can stand in the Operation column: a word, not a number or a path. */
function isOperation(text: string, a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isNaN(parseInteger(text, a, b))) return false;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c === SLASH || c === BACKSLASH) return false;
  }
  return true;
}

/** Whether the text at `i` starts like a Windows path: `C:` or `\\server`. */
function isWindowsPathStart(text: string, i: number, end: number): boolean {
  if (end - i < 2) return false;
  const c0 = text.charCodeAt(i);
  const c1 = text.charCodeAt(i + 1);
  if (c0 === BACKSLASH && c1 === BACKSLASH) return true;
  const lower = c0 | 0x20;
  return lower >= 97 && lower <= 122 && c1 === COLON;
}

/**
 * The `;` separating the local from the remote path within [ms, me), which holds
 * at least one `;`; -1 when no split is plausible. See the design note.
 */
function findPathSeparator(text: string, ms: number, me: number): number {
  const first = nextSemi(text, ms, me);
  if (nextSemi(text, first + 1, me) < 0) return first;
  // Several `;` between the user and the operation: a `;` in a name, or two
  // entries on one line. Only this rare case pays for the search.
  if (secondEntryStart(text, first, me) >= 0) return JOINED;
  const localStart = skipWs(text, ms, me);
  const windowsLocal = isWindowsPathStart(text, localStart, me);
  const lastBackslash = text.lastIndexOf('\\', me - 1);
  let fallback = -1;
  for (let k = first; k >= 0; k = nextSemi(text, k + 1, me)) {
    const localEmpty = localStart >= k;
    if (!localEmpty && !windowsLocal) {
      // Local side is not empty here and will not be for any later `;`.
      break;
    }
    const rs = skipWs(text, k + 1, me);
    if (rs < me && text.charCodeAt(rs) !== SLASH) continue;
    if (lastBackslash < rs) return k;
    if (fallback < 0) fallback = k;
  }
  return fallback;
}

/** findPathSeparator's answer for a line holding a second entry. */
const JOINED = -2;

/**
 * Where a second entry starts in [from, me): a `;` followed by an EFT time
 * and another `;`, as when a line end was lost and two lines became one.
 * No path or name holds `; 2024-11-18 01:02:10;`. -1 when there is none.
 */
function secondEntryStart(text: string, from: number, me: number): number {
  for (let k = from; k >= 0; k = nextSemi(text, k + 1, me)) {
    const a = skipWs(text, k + 1, me);
    const next = nextSemi(text, a, me);
    if (next < 0) return -1;
    if (next - a >= 19 && parseTime(text, a, trimEnd(text, a, next)) !== undefined) return a;
  }
  return -1;
}

function joinedFailure(text: string, s5: number, me: number): ParseFailure {
  const a = secondEntryStart(text, nextSemi(text, s5 + 1, me), me);
  return failure(`two entries on one line (a lost line end?): the second starts at ${quoted(text, a, nextSemi(text, a, me))}`);
}

function lowerToken(text: string, a: number, b: number): string {
  const value = field(text, a, b);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return value.toLowerCase();
  }
  return value;
}

/**
 * The time a line that does not parse still shows in its first field, for
 * its parse-error record; undefined when that field is not a valid time.
 */
export function eftLineTime(text: string): CivilTime | undefined {
  const len = text.length;
  const start = skipWs(text, 0, len);
  const semi = nextSemi(text, start, len);
  const end = trimEnd(text, start, semi < 0 ? len : semi);
  return parseTime(text, start, end);
}

/**
 * Parses one EFT client log line (without its line terminator). Blank lines
 * and header lines are skipped; anything that does not fit the layout is a
 * failure with a short reason. Never throws.
 */
export function parseEftLine(text: string): ParseResult<EftEntry> {
  const len = text.length;
  const start = skipWs(text, 0, len);
  if (start === len) return BLANK;
  if ((text.charCodeAt(start) | 0x20) === 116 && isEftHeaderLine(text)) return HEADER;

  let end = trimEnd(text, start, len);
  const terminated = text.charCodeAt(end - 1) === SEMI;
  if (terminated) end--;

  // Left anchors: time; protocol; host; port; user;
  const s1 = nextSemi(text, start, end);
  const s2 = s1 < 0 ? -1 : nextSemi(text, s1 + 1, end);
  const s3 = s2 < 0 ? -1 : nextSemi(text, s2 + 1, end);
  const s4 = s3 < 0 ? -1 : nextSemi(text, s3 + 1, end);
  const s5 = s4 < 0 ? -1 : nextSemi(text, s4 + 1, end);
  // Right anchors: ...; operation; code[; action result]
  const p1 = s5 < 0 ? -1 : prevSemi(text, end - 1);
  const p2 = p1 > s5 ? prevSemi(text, p1 - 1) : -1;
  const p3 = p2 > s5 ? prevSemi(text, p2 - 1) : -1;
  if (p3 <= s5) {
    return failure(`expected 9 or 10 fields, found ${countFields(text, start, end)}`);
  }
  // Room for ten columns: another `;` between the user and p3 (searched
  // forwards: the path before p3 is long, and indexOf is fast).
  const tenFields = p3 > s5 + 1 && nextSemi(text, s5 + 1, p3) >= 0;

  const ta = skipWs(text, start, s1);
  const tb = trimEnd(text, ta, s1);
  const time = parseTime(text, ta, tb);
  if (time === undefined) return failure(`invalid time ${quoted(text, ta, tb)}`);

  const pa = skipWs(text, s3 + 1, s4);
  const pb = trimEnd(text, pa, s4);
  let port: number | undefined;
  if (pa < pb) {
    const n = pb - pa <= 5 && isDigit(text.charCodeAt(pa)) ? parseInteger(text, pa, pb) : NaN;
    if (!(n <= 65535)) return failure(`invalid port ${quoted(text, pa, pb)}`);
    port = n;
  }

  // Trimmed bounds of the last three columns.
  const r0a = skipWs(text, p1 + 1, end);
  const r0b = trimEnd(text, r0a, end);
  const r1a = skipWs(text, p2 + 1, p1);
  const r1b = trimEnd(text, r1a, p1);
  const r2a = skipWs(text, p3 + 1, p2);
  const r2b = trimEnd(text, r2a, p2);

  let operationA = 0;
  let operationB = 0;
  let code: number | undefined;
  let actionResult: number | undefined;
  let sep = -1;
  let middleEnd = -1;
  let tenShaped = false;

  if (tenFields && r0a < r0b) {
    const ar = parseInteger(text, r0a, r0b);
    const c = r1a < r1b ? parseInteger(text, r1a, r1b) : undefined;
    if (!Number.isNaN(ar) && !Number.isNaN(c) && isOperation(text, r2a, r2b)) {
      tenShaped = true;
      sep = findPathSeparator(text, s5 + 1, p3);
      if (sep === JOINED) return joinedFailure(text, s5, p3);
      if (sep >= 0) {
        actionResult = ar;
        code = c;
        operationA = r2a;
        operationB = r2b;
        middleEnd = p3;
      }
    }
  }
  if (sep < 0) {
    const c = r0a < r0b ? parseInteger(text, r0a, r0b) : undefined;
    if (Number.isNaN(c)) {
      return failure(tenShaped ? 'no plausible split between local and remote path' : `invalid GetLastCode ${quoted(text, r0a, r0b)}`);
    }
    if (!isOperation(text, r1a, r1b)) {
      return failure(tenShaped ? 'no plausible split between local and remote path' : `invalid operation ${quoted(text, r1a, r1b)}`);
    }
    sep = findPathSeparator(text, s5 + 1, p2);
    if (sep === JOINED) return joinedFailure(text, s5, p2);
    if (sep < 0) return failure('no plausible split between local and remote path');
    if (!terminated) return failure(CUT_SHORT);
    code = c;
    actionResult = undefined;
    operationA = r1a;
    operationB = r1b;
    middleEnd = p2;
  }

  const entry: EftEntry = {
    format: 'eft',
    time,
    protocol: lowerToken(text, s1 + 1, s2),
    host: field(text, s2 + 1, s3),
    port,
    user: field(text, s4 + 1, s5),
    localPath: field(text, s5 + 1, sep),
    remotePath: field(text, sep + 1, middleEnd),
    operation: operationA === operationB ? '' : text.slice(operationA, operationB),
    code,
    actionResult,
  };
  return { kind: 'entry', entry };
}

/**
 * Whether a line is one of the column headers the vendor prints
 * (`Time; Protocol; ...`, `TIME; PROT: HOST:PORT; ...`, `TIME | PROTOCOL | ...`):
 * it starts with `time` followed by `;` or `|` and mentions `prot`, in any case.
 */
export function isEftHeaderLine(text: string): boolean {
  const len = text.length;
  let i = skipWs(text, 0, len);
  if (len - i < 9) return false;
  if (
    (text.charCodeAt(i) | 0x20) !== 116 ||
    (text.charCodeAt(i + 1) | 0x20) !== 105 ||
    (text.charCodeAt(i + 2) | 0x20) !== 109 ||
    (text.charCodeAt(i + 3) | 0x20) !== 101
  ) {
    return false;
  }
  i = skipWs(text, i + 4, len);
  const c = text.charCodeAt(i);
  if (c !== SEMI && c !== PIPE) return false;
  for (i++; i + 4 <= len; i++) {
    if (
      (text.charCodeAt(i) | 0x20) === 112 &&
      (text.charCodeAt(i + 1) | 0x20) === 114 &&
      (text.charCodeAt(i + 2) | 0x20) === 111 &&
      (text.charCodeAt(i + 3) | 0x20) === 116
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Cheap format check for auto-detection: the line starts with
 * `YYYY-MM-DD HH:MM:SS` (optionally `.fff`) followed by `;`. Ranges are not validated.
 */
export function looksLikeEft(text: string): boolean {
  if (text.length < 20) return false;
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    switch (i) {
      case 4:
      case 7:
        if (c !== DASH) return false;
        break;
      case 10:
        if (c !== SPACE) return false;
        break;
      case 13:
      case 16:
        if (c !== COLON) return false;
        break;
      default:
        if (!isDigit(c)) return false;
    }
  }
  let i = 19;
  if (text.charCodeAt(i) === DOT) {
    i++;
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  while (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === 9) i++;
  return text.charCodeAt(i) === SEMI;
}
