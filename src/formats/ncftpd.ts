/**
 * NcFTPd transfer log ("xfer log") line parser. Pure: no I/O, no node: imports.
 *
 *   1996-08-26 00:22:11 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,mozilla@my.host.com,actual.host.com,.tar.gz,OK,I,PsSf,841036734,RMf0YAABAAEA,4637440,10000,
 *
 * Design note: commas.
 * NcFTPd writes fields separated by commas and escapes nothing: paths,
 * listing patterns and the anonymous "e-mail" (whatever the user typed as
 * password) may contain commas. A blind split cannot work, so each entry type
 * is read by anchoring on the fields whose shape is known and letting the
 * free-text fields absorb whatever lies between the anchors:
 *
 * - R/S: the path ends at the leftmost `size,duration,rate` triple (an
 *   integer and two decimals with a point, as NcFTPd prints them with three
 *   decimals; a triple of plain integers is accepted only when no such triple
 *   exists). Requiring the point keeps a numeric last path piece
 *   (`/a/b,2`) and a numeric user name from being taken for the triple. The
 *   user is the field after the rate. The completion status is the leftmost
 *   status token (OK, ABOR, INCOMPLETE, PERM, NOENT, ERROR) that leaves room
 *   for user, e-mail and host, follows a suffix-shaped field, and is followed
 *   by fields of the right shape (type letter, notes, integers) for as many
 *   as the line has. Host and suffix are the two fields before the status;
 *   the e-mail is everything between user and host.
 * - T, D, M, C, L, N: the session id (12 base64 characters, as in every
 *   sample) anchors the right end: host is the field before it, the e-mail
 *   runs back to the user. The session id is the last field when that field
 *   has the shape; otherwise the leftmost field of that shape that leaves
 *   room for the fields before it (so junk after it becomes `extra`), or the
 *   second of two such fields in a row (a host such as `mailserver01` has
 *   the shape too). When no field fits, the last field is taken as the
 *   session id, and failing that the line is read as ending at the host.
 *   The reserved/mode/recursion/"to" fields are then matched as far right as
 *   they fit, i.e. the e-mail is assumed to hold as few commas as possible
 *   and the path (or pattern, or rename target) absorbs the rest. T's status
 *   is the leftmost status token after the path. For L/N, when several `to`
 *   fields could separate source and target, the first one followed by an
 *   absolute path is taken (both paths are absolute in NcFTPd's logs).
 * - A status token that is not one of the six is kept as is only where a
 *   comma-free e-mail (R/S) or path (T) puts it and when no known token fits.
 *
 * What stays ambiguous (an e-mail with commas and empty pieces next to a path
 * with commas, say) is resolved by these rules, not guessed per line; the
 * original line travels on with the record anyway.
 *
 * Every search is a single pass over precomputed comma positions, so the
 * cost stays linear in the line length whatever the input.
 *
 * Entries carry every key of their entry type (undefined when empty, unknown
 * or not logged) so that all entries of a type share one object shape.
 */
import type { CivilTime, NcftpdEntry, NcftpdEntryType, ParseResult } from '../model.js';

const CH_SPACE = 32;
const CH_PLUS = 43;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_7 = 55;
const CH_9 = 57;
const CH_COLON = 58;
const CH_A = 65;
const CH_Z = 90;
const CH_UNDERSCORE = 95;
const CH_a = 97;
const CH_z = 122;
const CH_PIPE = 124;

const BLANK: ParseResult<NcftpdEntry> = Object.freeze({ kind: 'skip', reason: 'blank' });

/**
 * Comma positions of the line being parsed. P[0] is the comma after the entry
 * type, P[nf] the line length; field j spans P[j]+1 .. P[j+1]. Reused across
 * calls (the parser is synchronous and never re-entered).
 */
let P = new Int32Array(64);

/** Is `text` shaped like an NcFTPd log line (date, time, process tag, `|`)? */
export function looksLikeNcftpd(text: string): boolean {
  return scanPrefix(text) >= 0;
}

/** Parses one transfer log line, given without its terminator. Never throws. */
export function parseNcftpdLine(text: string): ParseResult<NcftpdEntry> {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  const s = end === text.length ? text : text.slice(0, end);
  if (s.length === 0) return BLANK;
  const c0 = s.charCodeAt(0);
  if ((c0 < CH_0 || c0 > CH_9) && s.trim() === '') return BLANK;

  const body = scanPrefix(s);
  if (body < 0) {
    if (body === NO_TAG) return fail('missing process tag');
    if (body === NO_PIPE) return fail('missing "|" after process tag');
    return fail(`invalid date ${quoteDate(s)}`);
  }
  const time = readTime(s);
  if (time === undefined) return fail(`invalid date ${quoteDate(s)}`);
  const process = s.slice(tagStart, tagEnd);

  if (body >= s.length) return fail('missing entry type');
  let typeComma = s.indexOf(',', body);
  const typeEnd = typeComma < 0 ? s.length : typeComma;
  const type = typeEnd - body === 1 ? entryType(s.charCodeAt(body)) : undefined;
  if (type === undefined) return fail(`unknown entry type ${quote(s, body, typeEnd)}`);
  if (typeComma < 0) return fail('missing fields');

  // Comma positions of the body.
  let nf = 0;
  P[0] = typeComma;
  for (;;) {
    typeComma = s.indexOf(',', typeComma + 1);
    if (nf + 2 >= P.length) {
      const grown = new Int32Array(P.length * 2);
      grown.set(P);
      P = grown;
    }
    if (typeComma < 0) break;
    P[++nf] = typeComma;
  }
  nf++;
  P[nf] = s.length;
  const trailing = s.charCodeAt(s.length - 1) === CH_COMMA;
  const last = trailing ? nf - 2 : nf - 1;

  const result =
    type === 'R' || type === 'S'
      ? parseTransfer(s, last, trailing, time, process, type)
      : parseOther(s, last, trailing, { time, process, type });
  return typeof result === 'string' ? fail(result) : { kind: 'entry', entry: result };
}

interface Head {
  time: CivilTime;
  process: string;
  type: NcftpdEntryType;
}

function fail(reason: string): ParseResult<NcftpdEntry> {
  return { kind: 'error', reason };
}

// ---------------------------------------------------------------------------
// Prefix: `YYYY-MM-DD HH:MM:SS[.fff] TAG   | ` or `YY/MM/DD HH:MM:SS ...`

const BAD_DATE = -1;
const NO_TAG = -2;
const NO_PIPE = -3;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function digits(s: string, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Length of the date part (10 or 8), or 0 when neither form is present. */
function dateLength(s: string): number {
  if (s.charCodeAt(4) === CH_MINUS && s.charCodeAt(7) === CH_MINUS && digits(s, 0, 4) && digits(s, 5, 2) && digits(s, 8, 2)) {
    return 10;
  }
  if (s.charCodeAt(2) === CH_SLASH && s.charCodeAt(5) === CH_SLASH && digits(s, 0, 2) && digits(s, 3, 2) && digits(s, 6, 2)) {
    return 8;
  }
  return 0;
}

/** Where scanPrefix found the date, the end of the time and the process tag. */
let datePos = 0;
let timePos = 0;
let tagStart = 0;
let tagEnd = 0;

/** Shape check of the prefix; returns the index where the entry starts, or a negative code. */
function scanPrefix(s: string): number {
  const d = dateLength(s);
  if (d === 0 || s.charCodeAt(d) !== CH_SPACE) return BAD_DATE;
  const t = d + 1;
  if (s.charCodeAt(t + 2) !== CH_COLON || s.charCodeAt(t + 5) !== CH_COLON) return BAD_DATE;
  if (!digits(s, t, 2) || !digits(s, t + 3, 2) || !digits(s, t + 6, 2)) return BAD_DATE;
  let i = t + 8;
  if (s.charCodeAt(i) === CH_DOT) {
    const f = ++i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === f) return BAD_DATE;
  }
  datePos = d;
  timePos = i;
  if (s.charCodeAt(i) !== CH_SPACE) return BAD_DATE;
  while (s.charCodeAt(i) === CH_SPACE) i++;
  tagStart = i;
  for (let c = s.charCodeAt(i); i < s.length && c !== CH_SPACE && c !== CH_PIPE; c = s.charCodeAt(++i));
  if (i === tagStart) return NO_TAG;
  tagEnd = i;
  while (s.charCodeAt(i) === CH_SPACE) i++;
  if (s.charCodeAt(i) !== CH_PIPE) return NO_PIPE;
  i++;
  if (s.charCodeAt(i) === CH_SPACE) i++;
  return i;
}

function two(s: string, i: number): number {
  return (s.charCodeAt(i) - CH_0) * 10 + s.charCodeAt(i + 1) - CH_0;
}

/** Reads and range-checks the prefix time; the shape was checked by scanPrefix. */
function readTime(s: string): CivilTime | undefined {
  let year: number;
  if (datePos === 10) {
    year = two(s, 0) * 100 + two(s, 2);
  } else {
    const yy = two(s, 0);
    year = yy >= 70 ? 1900 + yy : 2000 + yy;
  }
  const p = datePos - 5;
  const month = two(s, p);
  const day = two(s, p + 3);
  const hour = two(s, p + 6);
  const minute = two(s, p + 9);
  const second = two(s, p + 12);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let millisecond = 0;
  // Fraction of a second: `.1` is 100 ms, digits past the third are dropped.
  const f = p + 15;
  if (timePos > f) millisecond = (s.charCodeAt(f) - CH_0) * 100;
  if (timePos > f + 1) millisecond += (s.charCodeAt(f + 1) - CH_0) * 10;
  if (timePos > f + 2) millisecond += s.charCodeAt(f + 2) - CH_0;
  return { year, month, day, hour, minute, second, millisecond };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function quoteDate(s: string): string {
  // The date token, and the time token when one follows.
  let end = s.indexOf(' ');
  if (end < 0) return quote(s, 0, s.length);
  if (isDigit(s.charCodeAt(end + 1))) {
    const next = s.indexOf(' ', end + 1);
    end = next < 0 ? s.length : next;
  }
  return quote(s, 0, end);
}

function quote(s: string, a: number, b: number): string {
  return b - a > 40 ? `"${s.slice(a, a + 40)}…"` : `"${s.slice(a, b)}"`;
}

function entryType(c: number): NcftpdEntryType | undefined {
  switch (c) {
    case 82: return 'R';
    case 83: return 'S';
    case 84: return 'T';
    case 68: return 'D';
    case 77: return 'M';
    case 67: return 'C';
    case 76: return 'L';
    case 78: return 'N';
    default: return undefined;
  }
}

// ---------------------------------------------------------------------------
// Field helpers; field j spans P[j]+1 .. P[j+1].

function field(s: string, j: number): string {
  return s.slice(P[j] + 1, P[j + 1]);
}

/** Field j, or undefined when empty. */
function opt(s: string, j: number): string | undefined {
  const a = P[j] + 1;
  const b = P[j + 1];
  return a === b ? undefined : s.slice(a, b);
}

/** Fields from..to joined with their commas, or undefined when empty. */
function span(s: string, from: number, to: number): string | undefined {
  const a = P[from] + 1;
  const b = P[to + 1];
  return a === b ? undefined : s.slice(a, b);
}

function isEmpty(j: number): boolean {
  return P[j] + 1 === P[j + 1];
}

function is(s: string, j: number, literal: string): boolean {
  const a = P[j] + 1;
  return P[j + 1] - a === literal.length && s.startsWith(literal, a);
}

/** Text after field q up to the final comma (or the end), or undefined. */
function extraAfter(s: string, q: number, last: number, trailing: boolean): string | undefined {
  if (q >= last) return undefined;
  const a = P[q + 1] + 1;
  const b = trailing ? s.length - 1 : s.length;
  return a >= b ? undefined : s.slice(a, b);
}

function isStatus(s: string, j: number): boolean {
  const a = P[j] + 1;
  switch (P[j + 1] - a) {
    case 2: return s.startsWith('OK', a);
    case 4: return s.startsWith('ABOR', a) || s.startsWith('PERM', a);
    case 5: return s.startsWith('NOENT', a) || s.startsWith('ERROR', a);
    case 10: return s.startsWith('INCOMPLETE', a);
    default: return false;
  }
}

/** An all-uppercase token, kept as an unknown status when no known one is found. */
function isUpperToken(s: string, j: number): boolean {
  const a = P[j] + 1;
  const b = P[j + 1];
  if (b === a || b - a > 16) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_A || c > CH_Z) return false;
  }
  return true;
}

/** Empty, or a dotted token such as `.tar`, `.tar.Z`, `.tar.gz`. */
function isSuffix(s: string, j: number): boolean {
  const a = P[j] + 1;
  const b = P[j + 1];
  if (a === b) return true;
  if (b - a < 2 || s.charCodeAt(a) !== CH_DOT) return false;
  for (let i = a + 1; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== CH_DOT && c !== CH_UNDERSCORE && c !== CH_MINUS && c !== CH_PLUS) return false;
  }
  return true;
}

function isAlnum(c: number): boolean {
  return (c >= CH_a && c <= CH_z) || (c >= CH_A && c <= CH_Z) || (c >= CH_0 && c <= CH_9);
}

/** 12 base64 characters, e.g. `S0u3WAAFv94A`. */
function isSessionId(s: string, j: number): boolean {
  const a = P[j] + 1;
  if (P[j + 1] - a !== 12) return false;
  for (let i = a; i < a + 12; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== CH_PLUS && c !== CH_SLASH) return false;
  }
  return true;
}

/** Empty, or two-letter codes (`PsSf`, unknown ones such as `ApRz` too). */
function isNotes(s: string, j: number): boolean {
  const a = P[j] + 1;
  const b = P[j + 1];
  if ((b - a) % 2 !== 0) return false;
  for (let i = a; i < b; i += 2) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    if (c < CH_A || c > CH_Z || d < CH_a || d > CH_z) return false;
  }
  return true;
}

function splitNotes(s: string, j: number): string[] | undefined {
  const a = P[j] + 1;
  const b = P[j + 1];
  if (a === b) return undefined;
  const notes: string[] = [];
  for (let i = a; i < b; i += 2) notes.push(s.slice(i, i + 2));
  return notes;
}

/** Empty or one uppercase letter (FTP TYPE: NcFTPd logs A or I). */
function isTransferType(s: string, j: number): boolean {
  const a = P[j] + 1;
  const len = P[j + 1] - a;
  if (len === 0) return true;
  const c = s.charCodeAt(a);
  return len === 1 && c >= CH_A && c <= CH_Z;
}

function isOctal(s: string, j: number): boolean {
  const a = P[j] + 1;
  const b = P[j + 1];
  if (b === a || b - a > 6) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_7) return false;
  }
  return true;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Unsigned integer field (optionally signed), or NaN. */
function intField(s: string, j: number, signed: boolean): number {
  let a = P[j] + 1;
  const b = P[j + 1];
  let sign = 1;
  if (signed && s.charCodeAt(a) === CH_MINUS) {
    sign = -1;
    a++;
  }
  if (a === b) return NaN;
  if (b - a > 15) {
    for (let i = a; i < b; i++) if (!isDigit(s.charCodeAt(i))) return NaN;
    return sign * Number(s.slice(a, b)) || 0;
  }
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return NaN;
    n = n * 10 + (c - CH_0);
  }
  return sign === 1 ? n : -n || 0;
}

/**
 * Decimal field `digits[.digits]`, or NaN. With `point`, the point is
 * required. Exact: an integer below 2^53 divided by a power of ten is the
 * correctly rounded value of the decimal.
 */
function decField(s: string, j: number, point: boolean): number {
  const a = P[j] + 1;
  const b = P[j + 1];
  let n = 0;
  let nd = 0;
  let dot = -1;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      n = n * 10 + (c - CH_0);
      nd++;
    } else if (c === CH_DOT && dot < 0) {
      dot = i;
    } else {
      return NaN;
    }
  }
  if (nd === 0 || (point && dot < 0)) return NaN;
  if (dot < 0) return nd > 15 ? Number(s.slice(a, b)) : n;
  const frac = b - dot - 1;
  return nd > 15 ? Number(s.slice(a, b)) : n / POW10[frac];
}

// ---------------------------------------------------------------------------
// R and S

function findTriple(s: string, last: number, point: boolean): number {
  for (let i = 1; i + 2 <= last; i++) {
    const c = s.charCodeAt(P[i] + 1);
    if (c < CH_0 || c > CH_9) continue;
    if (!Number.isNaN(intField(s, i, false)) && !Number.isNaN(decField(s, i + 1, point)) && !Number.isNaN(decField(s, i + 2, point))) {
      return i;
    }
  }
  return -1;
}

/** Numbers read by transferTail from the fields after the status. */
let tailStart: number | undefined;
let tailSize: number | undefined;
let tailOffset: number | undefined;

/** Checks and reads the fields after the completion status at k; returns a reason or undefined. */
function transferTail(s: string, k: number, last: number): string | undefined {
  const n = last - k;
  tailStart = tailSize = tailOffset = undefined;
  if (n >= 1 && !isTransferType(s, k + 1)) return `invalid transfer type ${quote(s, P[k + 1] + 1, P[k + 2])}`;
  if (n >= 2 && !isNotes(s, k + 2)) return `invalid transfer notes ${quote(s, P[k + 2] + 1, P[k + 3])}`;
  if (n >= 3 && !isEmpty(k + 3)) {
    tailStart = intField(s, k + 3, true);
    if (Number.isNaN(tailStart)) return `invalid start time ${quote(s, P[k + 3] + 1, P[k + 4])}`;
  }
  if (n >= 5 && !isEmpty(k + 5)) {
    tailSize = intField(s, k + 5, true);
    if (Number.isNaN(tailSize)) return `invalid start size ${quote(s, P[k + 5] + 1, P[k + 6])}`;
    if (tailSize === -1) tailSize = undefined;
  }
  if (n >= 6 && !isEmpty(k + 6)) {
    tailOffset = intField(s, k + 6, true);
    if (Number.isNaN(tailOffset)) return `invalid start offset ${quote(s, P[k + 6] + 1, P[k + 7])}`;
    if (tailOffset === -1) tailOffset = undefined;
  }
  return undefined;
}

function parseTransfer(
  s: string,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  let point = true;
  let i = findTriple(s, last, true);
  if (i < 0) {
    point = false;
    i = findTriple(s, last, false);
  }
  if (i < 0) return 'missing size, duration and rate';
  const u = i + 3;

  let k = -1;
  let firstError: string | undefined;
  for (let c = u + 4; c <= last; c++) {
    if (!isStatus(s, c) || !isSuffix(s, c - 1)) continue;
    const error = transferTail(s, c, last);
    if (error === undefined) {
      k = c;
      break;
    }
    firstError ??= error;
  }
  if (k < 0 && firstError === undefined) {
    // No known status anywhere: accept an unknown token where a comma-free e-mail puts it.
    const c = u + 4;
    if (c <= last && isUpperToken(s, c) && isSuffix(s, c - 1) && transferTail(s, c, last) === undefined) k = c;
  }
  if (k < 0) return firstError ?? 'missing completion status';

  const n = Math.min(6, last - k);
  return {
    format: 'ncftpd',
    time,
    process,
    type,
    path: s.slice(P[0] + 1, P[i]),
    user: opt(s, u),
    email: span(s, u + 1, k - 3),
    host: opt(s, k - 2),
    sessionId: n >= 4 ? opt(s, k + 4) : undefined,
    size: intField(s, i, false),
    duration: decField(s, i + 1, point),
    rate: decField(s, i + 2, point),
    suffix: opt(s, k - 1),
    status: field(s, k),
    transferType: n >= 1 ? opt(s, k + 1) : undefined,
    notes: n >= 2 ? splitNotes(s, k + 2) : undefined,
    startTime: tailStart,
    startSize: tailSize,
    startOffset: tailOffset,
    extra: extraAfter(s, k + n, last, trailing),
  };
}

// ---------------------------------------------------------------------------
// T, D, M, C, L, N: ..., user, email, host, session id

/** Index of the session id in the smallest entry of these types (path plus seven fields). */
const MIN_SESSION = 7;

function parseOther(s: string, last: number, trailing: boolean, head: Head): NcftpdEntry | string {
  if (last + 1 < MIN_SESSION) return 'missing fields';
  let firstError: string | undefined;
  let tried = -1;
  if (last >= MIN_SESSION && isSessionId(s, last)) {
    const r = shaped(s, last, last, trailing, head);
    if (typeof r !== 'string') return r;
    firstError = r;
    tried = last;
  }
  for (let j = MIN_SESSION; j < last; j++) {
    if (!isSessionId(s, j)) continue;
    // Two shaped fields in a row are a host that looks like a session id, then the session id.
    if (j + 1 < last && isSessionId(s, j + 1)) j++;
    const r = shaped(s, j, last, trailing, head);
    if (typeof r !== 'string') return r;
    firstError ??= r;
    break;
  }
  // No usable session id shape: the last field is the session id, or the line ends at the host.
  if (last >= MIN_SESSION && tried !== last) {
    const r = shaped(s, last, last, trailing, head);
    if (typeof r !== 'string') return r;
    firstError ??= r;
  }
  const r = shaped(s, last + 1, last, trailing, head);
  if (typeof r !== 'string') return r;
  return firstError ?? r;
}

/** Reads the entry given the session id's index j (j = last + 1: no session id). */
function shaped(s: string, j: number, last: number, trailing: boolean, head: Head): NcftpdEntry | string {
  const sessionId = j <= last ? opt(s, j) : undefined;
  const extra = j <= last ? extraAfter(s, j, last, trailing) : undefined;
  const host = opt(s, j - 1);
  switch (head.type) {
    case 'D':
    case 'M':
    case 'C': {
      const chmod = head.type === 'C';
      let i = j - 6;
      for (; i >= 1; i--) {
        if ((chmod ? isOctal(s, i) : isEmpty(i)) && isEmpty(i + 1) && isEmpty(i + 2)) break;
      }
      if (i < 1) return chmod ? 'missing mode' : 'missing reserved fields';
      const path = s.slice(P[0] + 1, P[i]);
      const user = opt(s, i + 3);
      const email = span(s, i + 4, j - 2);
      const { time, process, type } = head;
      return chmod
        ? { format: 'ncftpd', time, process, type, path, user, email, host, sessionId, mode: field(s, i), extra }
        : { format: 'ncftpd', time, process, type, path, user, email, host, sessionId, extra };
    }
    case 'T': {
      let st = -1;
      for (let i = 1; i <= j - 6; i++) {
        if (isStatus(s, i)) {
          st = i;
          break;
        }
      }
      if (st < 0 && isUpperToken(s, 1)) st = 1;
      if (st < 0) return 'missing completion status';
      let r = j - 4;
      for (; r >= st + 2; r--) if (isEmpty(r) || is(s, r, 'RECURSIVE')) break;
      if (r < st + 2) return 'missing recursion field';
      return {
        format: 'ncftpd',
        time: head.time,
        process: head.process,
        type: head.type,
        path: s.slice(P[0] + 1, P[st]),
        user: opt(s, r + 1),
        email: span(s, r + 2, j - 2),
        host,
        sessionId,
        status: field(s, st),
        pattern: span(s, st + 1, r - 1),
        recursive: !isEmpty(r),
        extra,
      };
    }
    default: {
      // L and N: path, `to`, target, reserved (empty), user, email, host.
      let e = j - 4;
      for (; e >= 3; e--) if (isEmpty(e)) break;
      if (e < 3) return 'missing reserved field';
      const absolute = s.charCodeAt(P[0] + 1) === CH_SLASH;
      let to = -1;
      for (let t = 1; t <= e - 2; t++) {
        if (!is(s, t, 'to')) continue;
        if (to < 0) to = t;
        if (!absolute || s.charCodeAt(P[t + 1] + 1) === CH_SLASH) {
          to = t;
          break;
        }
      }
      if (to < 0) return 'missing "to" field';
      return {
        format: 'ncftpd',
        time: head.time,
        process: head.process,
        type: head.type,
        path: s.slice(P[0] + 1, P[to]),
        user: opt(s, e + 1),
        email: span(s, e + 2, j - 2),
        host,
        sessionId,
        target: span(s, to + 1, e - 1),
        extra,
      };
    }
  }
}
