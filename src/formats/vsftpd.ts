/**
 * vsftpd's own log (`vsftpd_log_file`, the default log, or written beside
 * the xferlog with `dual_log_enable=YES`), one line at a time. Pure.
 *
 *   Sat Dec  5 07:31:53 2026 [pid 15157] CONNECT: Client "127.0.0.1"
 *   Sat Dec  5 07:31:53 2026 [pid 15156] [ftpuser] FAIL LOGIN: Client "127.0.0.1"
 *   Sat Dec  5 07:31:58 2026 [pid 15159] [ftp] OK LOGIN: Client "127.0.0.1", anon password "me@example.com"
 *   Sat Dec  5 07:32:01 2026 [pid 15160] [ftpuser] OK UPLOAD: Client "127.0.0.1", "/home/ftpuser/my file.txt", 14 bytes, 27.40Kbyte/sec
 *   Sat Dec  5 07:32:02 2026 [pid 15160] [ftpuser] OK RENAME: Client "127.0.0.1", "/home/ftpuser/a /home/ftpuser/b"
 *   Sat Dec  5 07:32:03 2026 [pid 15160] [ftpuser] OK CHMOD: Client "127.0.0.1", "/home/ftpuser/b 600"
 *   Sat Dec  5 07:32:04 2026 [pid 15161] [ftpuser] FAIL DOWNLOAD: Client "127.0.0.1", "/home/ftpuser/missing", 0.00Kbyte/sec
 *
 * After the time stamp (ctime.ts) and `[pid N]`: the user in brackets (not
 * before login), `OK` or `FAIL` (not for CONNECT and the protocol lines of
 * `log_ftp_protocol=YES`), the action, and `: Client "address"`, followed
 * for most actions by `, "path"` and what the action adds.
 *
 * Design note: vsftpd quotes paths but escapes nothing, so a path may hold
 * `"` and `, `; and a user name is what the client sent, so a failed login's
 * user may hold anything. Each part is therefore found from a known anchor:
 * the first `: Client "` whose left side reads as `[user] RESULT ACTION`,
 * the transfer's `", N bytes, R Kbyte/sec` counted from the end of the line,
 * and a quoted value's closing quote as the line's last character.
 *
 * A rename is logged as one quoted string, `"source target"`, with nothing
 * to tell where a source holding spaces ends. vsftpd logs both paths
 * absolute, so the split is at a ` /`: the only one, else the first whose
 * two sides are in the same folder (renames mostly are), else the first.
 * The original line travels with the record in any case.
 *
 * Nothing here throws for any input.
 */
import type { CivilTime, ParseFailure, ParseResult, ParseSkip, VsftpdEntry } from '../model.js';
import { readCtime, type CtimeEnd } from './ctime.js';
import { integer, quoteValue } from './xferlog.js';

const BLANK: ParseSkip = Object.freeze({ kind: 'skip', reason: 'blank' });
const TIME_END: CtimeEnd = { end: 0 };
const PID = ' [pid ';
const CLIENT = ': Client "';
const PROTOCOL_ACTIONS = ['FTP command', 'FTP response'];
/** A transfer's end; a download of a file that could not be opened has no byte count. */
const TRANSFER = /", (?:(\d{1,16}) bytes, )?(\d+(?:\.\d+)?)Kbyte\/sec$/;
/** CHMOD's `"path mode"`. */
const CHMOD = /^(.+) ([0-7]{1,4})$/;
const ANON_PASSWORD = 'anon password "';

function failure(reason: string): ParseFailure {
  return { kind: 'error', reason };
}

/** The part between `[pid N] ` and `: Client "`, read: undefined when it is not `[user] RESULT ACTION` in some form. */
interface Head {
  user: string | undefined;
  result: 'OK' | 'FAIL' | undefined;
  action: string;
}

function isActionWord(word: string): boolean {
  return /^[A-Z][A-Z_]*$/.test(word);
}

function readHead(head: string): Head | undefined {
  let action = PROTOCOL_ACTIONS.find((a) => head === a || head.endsWith(' ' + a));
  if (action === undefined) {
    action = head.slice(head.lastIndexOf(' ') + 1);
    if (!isActionWord(action)) return undefined;
  }
  let rest = head.slice(0, head.length - action.length);
  let result: Head['result'];
  if (rest.endsWith('OK ') && (rest.length === 3 || rest.endsWith(' OK '))) result = 'OK';
  else if (rest.endsWith('FAIL ') && (rest.length === 5 || rest.endsWith(' FAIL '))) result = 'FAIL';
  if (result !== undefined) rest = rest.slice(0, rest.length - result.length - 1);
  if (rest === '') return { user: undefined, result, action };
  if (!rest.startsWith('[') || !rest.endsWith('] ')) return undefined;
  return { user: rest.slice(1, -2), result, action };
}

/** The pid after the time stamp: its value and the index past `] `, or undefined. */
function readPid(text: string, at: number): { pid: number; end: number } | undefined {
  if (!text.startsWith(PID, at)) return undefined;
  const close = text.indexOf('] ', at + PID.length);
  if (close < 0) return undefined;
  const digits = text.slice(at + PID.length, close);
  if (!/^\d{1,10}$/.test(digits)) return undefined;
  return { pid: Number(digits), end: close + 2 };
}

/** The first `: Client "` after `from` whose left side reads as a head. */
function findClient(text: string, from: number): { head: Head; at: number } | undefined {
  for (let at = text.indexOf(CLIENT, from); at >= 0; at = text.indexOf(CLIENT, at + 1)) {
    const head = readHead(text.slice(from, at));
    if (head !== undefined) return { head, at };
  }
  return undefined;
}

/** The value of `"value"` filling all of `s`, or undefined. */
function quotedWhole(s: string): string | undefined {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : undefined;
}

/** Where a rename's `"source target"` splits: see the design note; -1 when it cannot. */
export function renameSplit(value: string): number {
  let first = -1;
  for (let i = value.indexOf(' /', 1); i >= 0; i = value.indexOf(' /', i + 1)) {
    if (first < 0) first = i;
    const source = value.slice(0, i);
    const target = value.slice(i + 1);
    if (source.slice(0, source.lastIndexOf('/') + 1) === target.slice(0, target.lastIndexOf('/') + 1)) return i;
  }
  if (first >= 0) return first;
  // Relative paths (not seen from vsftpd): only a single space is unambiguous.
  const space = value.indexOf(' ');
  return space > 0 && value.indexOf(' ', space + 1) < 0 ? space : -1;
}

/** Fills the parts after the client (`rest`, without its leading `, `) into `e`; a reason when they do not read. */
function readRest(e: VsftpdEntry, rest: string): string | undefined {
  const action = e.action;
  if (action === 'LOGIN') {
    if (!rest.startsWith(ANON_PASSWORD) || !rest.endsWith('"') || rest.length <= ANON_PASSWORD.length) return `unexpected text after the client of a LOGIN: ${quoteValue(rest)}`;
    e.anonPassword = rest.slice(ANON_PASSWORD.length, -1);
    return undefined;
  }
  if (action === 'UPLOAD' || action === 'DOWNLOAD') {
    const m = TRANSFER.exec(rest);
    if (m === null || !rest.startsWith('"') || m.index < 1) return `expected "path", N bytes, R Kbyte/sec after the client of ${action}: ${quoteValue(rest)}`;
    e.path = rest.slice(1, m.index);
    const size = m[1] === undefined ? undefined : integer(m[1]);
    if (Number.isNaN(size)) return `byte count ${m[1]} is too large to be exact`;
    e.size = size;
    e.rate = Number(m[2]);
    return undefined;
  }
  const value = quotedWhole(rest);
  if (value === undefined) return `expected a quoted value after the client of ${action}: ${quoteValue(rest)}`;
  if (PROTOCOL_ACTIONS.includes(action)) e.message = value;
  else if (action === 'RENAME') {
    const at = renameSplit(value);
    if (at < 0) return `cannot tell the source of a RENAME from its target: ${quoteValue(value)}`;
    e.path = value.slice(0, at);
    e.target = value.slice(at + 1);
  } else if (action === 'CHMOD') {
    const m = CHMOD.exec(value);
    if (m === null) return `expected "path mode" after the client of CHMOD: ${quoteValue(value)}`;
    e.path = m[1];
    e.mode = m[2];
  } else e.path = value;
  return undefined;
}

/** Whether `text` starts like a vsftpd log line: a time stamp, then `[pid N]`. */
export function looksLikeVsftpd(text: string): boolean {
  return readCtime(text, TIME_END) !== undefined && readPid(text, TIME_END.end) !== undefined;
}

/** The time a line that does not parse still shows at its start; undefined when it shows none. */
export function vsftpdLineTime(text: string): CivilTime | undefined {
  return readCtime(text, TIME_END);
}

/** Parses one vsftpd log line, given without its terminator. Never throws. */
export function parseVsftpdLine(line: string): ParseResult<VsftpdEntry> {
  let len = line.length;
  while (len > 0 && line.charCodeAt(len - 1) === 13) len--;
  const text = len === line.length ? line : line.slice(0, len);
  if (text.trim() === '') return BLANK;
  const time = readCtime(text, TIME_END);
  if (time === undefined) return failure(`invalid time stamp ${quoteValue(text.slice(0, 24))}: expected "Www Mmm dd hh:mm:ss yyyy"`);
  const pid = readPid(text, TIME_END.end);
  if (pid === undefined) return failure('missing "[pid N]" after the time stamp');
  const found = findClient(text, pid.end);
  if (found === undefined) return failure(`expected "[user] OK|FAIL ACTION: Client "address"" after the pid: ${quoteValue(text.slice(pid.end))}`);
  const clientStart = found.at + CLIENT.length;
  const clientEnd = text.indexOf('"', clientStart);
  if (clientEnd < 0) return failure('client address without its closing quote');
  const entry: VsftpdEntry = {
    format: 'vsftpd',
    time,
    pid: pid.pid,
    user: found.head.user,
    result: found.head.result,
    action: found.head.action,
    client: text.slice(clientStart, clientEnd),
    path: undefined,
    target: undefined,
    mode: undefined,
    size: undefined,
    rate: undefined,
    anonPassword: undefined,
    message: undefined,
  };
  if (clientEnd + 1 < len) {
    if (!text.startsWith(', ', clientEnd + 1)) return failure(`unexpected text after the client: ${quoteValue(text.slice(clientEnd + 1))}`);
    const reason = readRest(entry, text.slice(clientEnd + 3));
    if (reason !== undefined) return failure(reason);
  }
  return { kind: 'entry', entry };
}
