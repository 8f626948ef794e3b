/**
 * The classic xferlog transfer log (man 5 xferlog), one line at a time. Pure.
 *
 *   Fri Dec  4 22:32:16 2026 1 127.0.0.1 14 /home/ftpuser/my_file.txt b _ i r ftpuser ftp 0 * c
 *
 * Fourteen space-separated fields: time (`Www Mmm dd hh:mm:ss yyyy`, see
 * ctime.ts), transfer time, remote host, file size, file name, transfer type,
 * special action flags, direction, access mode, user name, service name,
 * authentication method, authenticated user id, completion status.
 *
 * Design note: the file name and the user name are free text. vsftpd, ProFTPD
 * and Pure-FTPd write a space in a file name as `_`, but other servers (and
 * older versions) do not, and the user name of an anonymous user is whatever
 * they typed as password, possibly nothing: ProFTPD then writes two spaces in a
 * row. So the line is never split blindly; its fields are counted from both
 * ends:
 *
 * - From the left: the time stamp, then transfer time, host and size (none
 *   of which holds a space).
 * - From the right, on single spaces: completion status, authenticated user
 *   id, authentication method, service name.
 * - What lies between is `file type actions direction mode user`. The four
 *   one-letter fields are found as a run ` [ab] [CUT_]+ [oid] [agr] `; the
 *   rightmost such run is taken, so the user name holds none (a file name
 *   that itself contains such a run stays whole). The file name is
 *   everything left of the run, the user name everything right of it.
 *
 * Nothing here throws for any input.
 */
import type { CivilTime, ParseFailure, ParseResult, ParseSkip, XferlogEntry } from '../model.js';
import { readCtime, type CtimeEnd } from './ctime.js';

const SPACE = 32;
const BLANK: ParseSkip = Object.freeze({ kind: 'skip', reason: 'blank' });
/** Longest value quoted in a failure reason. */
const MAX_QUOTED = 40;
/** More digits than this cannot be an exact integer. */
const MAX_INT_DIGITS = 16;

const TIME_END: CtimeEnd = { end: 0 };

function failure(reason: string): ParseFailure {
  return { kind: 'error', reason };
}

export function quoteValue(value: string): string {
  return value.length > MAX_QUOTED ? `"${value.slice(0, MAX_QUOTED)}…"` : `"${value}"`;
}

/** A whole number of digits only, exact as a double; NaN otherwise. */
export function integer(s: string): number {
  if (s.length === 0 || s.length > MAX_INT_DIGITS) return NaN;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : NaN;
}

/** Digits with an optional fraction (`1`, `0.25`); NaN otherwise. */
function seconds(s: string): number {
  const dot = s.indexOf('.');
  if (dot < 0) return integer(s);
  if (Number.isNaN(integer(s.slice(0, dot))) || Number.isNaN(integer(s.slice(dot + 1)))) return NaN;
  return Number(s);
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** The next space-free token at or after `i` (leading spaces skipped): its start and end, or undefined at the end of the line. */
function token(text: string, i: number, end: number): { start: number; end: number } | undefined {
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  if (i >= end) return undefined;
  let j = i;
  while (j < end && text.charCodeAt(j) !== SPACE) j++;
  return { start: i, end: j };
}

function isOneOf(text: string, i: number, letters: string): boolean {
  const c = text.charAt(i);
  return c !== '' && letters.includes(c);
}

/**
 * The end of the special action flags run that starts at `i` and is
 * followed by a space (`_`, or letters of C U T), or -1.
 */
function actionsEnd(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && isOneOf(text, j, 'CUT_')) j++;
  return j > i && j < end && text.charCodeAt(j) === SPACE ? j : -1;
}

/**
 * The rightmost ` T A D M ` run in [from, to) (see the design note): the
 * index of its leading space, or -1. `to` is the space before the service name.
 */
function findFlags(text: string, from: number, to: number): number {
  for (let p = to - 1; p >= from; p--) {
    if (text.charCodeAt(p) !== SPACE || !isOneOf(text, p + 1, 'ab') || text.charCodeAt(p + 2) !== SPACE) continue;
    const a = actionsEnd(text, p + 3, to);
    if (a < 0 || a + 3 >= to || !isOneOf(text, a + 1, 'oid') || text.charCodeAt(a + 2) !== SPACE) continue;
    if (!isOneOf(text, a + 3, 'agr') || a + 4 > to || (a + 4 < to && text.charCodeAt(a + 4) !== SPACE)) continue;
    return p;
  }
  return -1;
}

/** Whether `text` starts like an xferlog line: a time stamp, then a number (the transfer time). */
export function looksLikeXferlog(text: string): boolean {
  if (readCtime(text, TIME_END) === undefined) return false;
  const t = token(text, TIME_END.end, text.length);
  return t !== undefined && t.start === TIME_END.end + 1 && !Number.isNaN(seconds(text.slice(t.start, t.end)));
}

/** The time a line that does not parse still shows at its start; undefined when it shows none. */
export function xferlogLineTime(text: string): CivilTime | undefined {
  return readCtime(text, TIME_END);
}

/** Parses one xferlog line, given without its terminator. Never throws. */
export function parseXferlogLine(line: string): ParseResult<XferlogEntry> {
  // A CR of a CRLF file, and trailing spaces, which no server writes, would read as part of the status.
  let len = line.length;
  while (len > 0 && (line.charCodeAt(len - 1) === 13 || line.charCodeAt(len - 1) === SPACE)) len--;
  const text = len === line.length ? line : line.slice(0, len);
  if (isBlank(text)) return BLANK;
  const time = readCtime(text, TIME_END);
  if (time === undefined) return failure(`invalid time stamp ${quoteValue(text.slice(0, 24))}: expected "Www Mmm dd hh:mm:ss yyyy"`);
  if (TIME_END.end < len && text.charCodeAt(TIME_END.end) !== SPACE) return failure(`invalid time stamp ${quoteValue(text.slice(0, TIME_END.end + 1))}: no space after the year`);

  const d = token(text, TIME_END.end, len);
  const h = d && token(text, d.end, len);
  const z = h && token(text, h.end, len);
  if (z === undefined || z.end >= len) return failure(`too few fields: expected 14`);
  const duration = seconds(text.slice(d!.start, d!.end));
  if (Number.isNaN(duration)) return failure(`transfer time ${quoteValue(text.slice(d!.start, d!.end))} is not a number of seconds`);
  const size = integer(text.slice(z.start, z.end));
  if (Number.isNaN(size)) return failure(`file size ${quoteValue(text.slice(z.start, z.end))} is not a number of bytes`);

  // The four fields at the right end, on single spaces.
  const right: string[] = [];
  let end = len;
  for (let k = 0; k < 4; k++) {
    const s = text.lastIndexOf(' ', end - 1);
    if (s <= z.end) return failure('too few fields: expected 14');
    right.push(text.slice(s + 1, end));
    end = s;
  }
  const [status, authUser, authMethod, service] = right as [string, string, string, string];
  if (status !== 'c' && status !== 'i') return failure(`completion status ${quoteValue(status)} is not c (complete) or i (incomplete)`);
  if (authUser === '') return failure('empty authenticated user id (expected * when unknown)');
  if (Number.isNaN(integer(authMethod))) return failure(`authentication method ${quoteValue(authMethod)} is not a number`);
  if (service === '') return failure('empty service name');

  const fileStart = z.end + 1;
  const flags = findFlags(text, fileStart + 1, end);
  if (flags < 0) {
    return failure('no transfer type, special action, direction and access mode fields (a|b, C/U/T/_, o|i|d, a|g|r) before the user name');
  }
  const actionsStop = actionsEnd(text, flags + 3, end);
  const modeAt = actionsStop + 3;
  const entry: XferlogEntry = {
    format: 'xferlog',
    time,
    duration,
    host: text.slice(h!.start, h!.end),
    size,
    path: text.slice(fileStart, flags),
    transferType: text.charAt(flags + 1),
    actions: text.slice(flags + 3, actionsStop),
    direction: text.charAt(actionsStop + 1),
    accessMode: text.charAt(modeAt),
    user: modeAt + 2 <= end ? text.slice(modeAt + 2, end) : '',
    service,
    authMethod,
    authUser,
    status,
  };
  return { kind: 'entry', entry };
}
