/**
 * Decoding of EFT GetLastCode values and NcFTPd completion statuses.
 *
 * GetLastCode is ambiguous on its own (2 is EFT's "not allowed by ruleset"
 * and SFTP's SSH_FX_NO_SUCH_FILE); the protocol column decides:
 *
 *   any protocol     10000..11999  Windows Sockets error
 *   any protocol     2000          EFT internal timeout
 *   ftp, ftps        100..599      FTP reply code (and the 6yz protected replies)
 *   sftp             -1..31        SFTP status (sftp claims 0..12 too)
 *   http, https      100..599      HTTP status code
 *   all but sftp     0..12         EFT's own code (1..8 are SOCKS5 replies)
 *   anything else                 unknown
 *
 * This runs once per log line, so every possible answer is built once at
 * module load and shared: the decoders return frozen objects, the same object
 * for the same input, and allocate nothing. Callers must not mutate them (or
 * rely on identity across versions). Every object has all six keys, absent
 * ones set to undefined, so they share one shape.
 *
 * `transient` follows the protocols' own notion of "try again later": FTP 4yz
 * (RFC 959's transient negative replies), HTTP 429, 502, 503 and 504 (the
 * statuses OTLP exporters themselves retry on), NcFTPd ABOR and INCOMPLETE.
 * Socket, SFTP and EFT failures are never transient: the transfer failed.
 */
import type { CodeEntry, DecodedStatus, Outcome, StatusKind } from './types.js';
import { EFT_TIMEOUT, eftEntry } from './eft.js';
import { FTP_REPLY_CLASSES, ftpReplyEntry } from './ftp-reply.js';
import { HTTP_CLASSES, httpEntry } from './http.js';
import { NCFTPD_STATUSES, ncftpdStatusEntry } from './ncftpd.js';
import { SFTP_CODES, SFTP_RANGE } from './sftp.js';
import { WINSOCK_RANGE, winsockEntry } from './winsock.js';

function make(
  kind: StatusKind,
  outcome: Outcome,
  transient: boolean,
  name: string | undefined,
  description: string | undefined,
  errorType: string | undefined,
): DecodedStatus {
  return Object.freeze({ kind, name, description, outcome, transient, errorType });
}

const UNKNOWN: DecodedStatus = make('unknown', 'unknown', false, undefined, undefined, undefined);

// ---- Windows Sockets: 10000..11999, every code precomputed ----
const WINSOCK: readonly DecodedStatus[] = Object.freeze(
  Array.from({ length: WINSOCK_RANGE.max - WINSOCK_RANGE.min + 1 }, (_, i) => {
    const code = WINSOCK_RANGE.min + i;
    const e = winsockEntry(code);
    return e?.name !== undefined
      ? make('winsock', 'failure', false, e.name, e.description, e.name)
      : make('winsock', 'failure', false, undefined, 'Windows Sockets error', `winsock_${code}`);
  }),
);

// ---- EFT: 0..12 (index = code; 9 is a hole) and 2000 ----
function eftStatus(e: CodeEntry): DecodedStatus {
  return e.code === 0
    ? make('eft', 'success', false, undefined, e.description, undefined)
    : make('eft', 'failure', false, undefined, e.description, `eft_${e.code}`);
}
const EFT_SMALL_MAX = 12;
const EFT: readonly (DecodedStatus | undefined)[] = Object.freeze(
  Array.from({ length: EFT_SMALL_MAX + 1 }, (_, code) => {
    const e = eftEntry(code);
    return e === undefined ? undefined : eftStatus(e);
  }),
);
const EFT_2000: DecodedStatus = eftStatus(eftEntry(EFT_TIMEOUT) as CodeEntry);

// ---- FTP reply codes: 100..699 (index = code - 100) ----
const FTP_MIN = 100;
const FTP_MAX = 699;
const FTP: readonly (DecodedStatus | undefined)[] = Object.freeze(
  Array.from({ length: FTP_MAX - FTP_MIN + 1 }, (_, i) => {
    const code = FTP_MIN + i;
    const digit = Math.floor(code / 100);
    const e = ftpReplyEntry(code);
    // 6yz protected replies wrap another reply: only the listed ones are decoded, outcome unknown.
    if (digit === 6) return e === undefined ? undefined : make('ftp_reply', 'unknown', false, undefined, e.description, undefined);
    const description = e?.description ?? FTP_REPLY_CLASSES[digit];
    if (digit === 2) return make('ftp_reply', 'success', false, undefined, description, undefined);
    if (digit === 4 || digit === 5) return make('ftp_reply', 'failure', digit === 4, undefined, description, `ftp_${code}`);
    return make('ftp_reply', 'unknown', false, undefined, description, undefined);
  }),
);

// ---- SFTP: -1..31 (index = code + 1) ----
const SFTP: readonly DecodedStatus[] = Object.freeze(
  SFTP_CODES.map((e) => {
    if (e.code === 0) return make('sftp', 'success', false, e.name, e.description, undefined);
    // -1 has no symbolic name in any source: fall back to <kind>_<code>.
    return make('sftp', 'failure', false, e.name, e.description, e.name ?? `sftp_${e.code}`);
  }),
);

// ---- HTTP: 100..599 (index = code - 100) ----
const HTTP_MIN = 100;
const HTTP_MAX = 599;
/** Statuses by which a server asks the client to come back later. */
const HTTP_TRANSIENT: ReadonlySet<number> = new Set([429, 502, 503, 504]);
const HTTP: readonly DecodedStatus[] = Object.freeze(
  Array.from({ length: HTTP_MAX - HTTP_MIN + 1 }, (_, i) => {
    const code = HTTP_MIN + i;
    const digit = Math.floor(code / 100);
    const description = httpEntry(code)?.description ?? HTTP_CLASSES[digit];
    if (digit === 2) return make('http', 'success', false, undefined, description, undefined);
    if (digit >= 4) return make('http', 'failure', HTTP_TRANSIENT.has(code), undefined, description, `http_${code}`);
    // 1xx is not a final answer; 3xx means the transfer went elsewhere, and EFT does not say whether it followed.
    return make('http', 'unknown', false, undefined, description, undefined);
  }),
);

/** The shared answer for `code` in the codes every protocol agrees on (0..12 excepted), or undefined. */
function sharedStatus(code: number): DecodedStatus | undefined {
  if (code >= WINSOCK_RANGE.min && code <= WINSOCK_RANGE.max) return WINSOCK[code - WINSOCK_RANGE.min];
  if (code === EFT_TIMEOUT) return EFT_2000;
  return undefined;
}

/**
 * Decodes an EFT GetLastCode by protocol (already lowercased). Never throws;
 * anything it cannot place is `{ kind: 'unknown', outcome: 'unknown' }`.
 * Returns a frozen shared object: do not mutate.
 */
export function decodeEftCode(protocol: string, code: number | undefined): DecodedStatus {
  if (code === undefined) return UNKNOWN;
  // Non-integers fall through every array lookup below to UNKNOWN.
  const shared = sharedStatus(code);
  if (shared !== undefined) return shared;
  switch (protocol) {
    case 'ftp':
    case 'ftps':
      if (code >= FTP_MIN && code <= FTP_MAX) return FTP[code - FTP_MIN] ?? UNKNOWN;
      break;
    case 'sftp':
      return code >= SFTP_RANGE.min && code <= SFTP_RANGE.max ? (SFTP[code + 1] ?? UNKNOWN) : UNKNOWN;
    case 'http':
    case 'https':
      if (code >= HTTP_MIN && code <= HTTP_MAX) return HTTP[code - HTTP_MIN] ?? UNKNOWN;
      break;
  }
  return code >= 0 && code <= EFT_SMALL_MAX ? (EFT[code] ?? UNKNOWN) : UNKNOWN;
}

// ---- NcFTPd ----
const NCFTPD_TRANSIENT: ReadonlySet<string> = new Set(['ABOR', 'INCOMPLETE']);
const NCFTPD: ReadonlyMap<string, DecodedStatus> = new Map(
  NCFTPD_STATUSES.map(({ code: s, description }) => [
    s,
    s === 'OK'
      ? make('ncftpd', 'success', false, s, description, undefined)
      : make('ncftpd', 'failure', NCFTPD_TRANSIENT.has(s), s, description, s),
  ]),
);
/** Unknown tokens seen so far; bounded so junk input cannot grow it without limit. */
const NCFTPD_UNKNOWN = new Map<string, DecodedStatus>();
const NCFTPD_UNKNOWN_MAX = 64;

/**
 * Decodes an NcFTPd completion status (case-sensitive, as logged). An unknown
 * token decodes to outcome `unknown` with the token as its name; an absent or
 * empty status to `{ kind: 'unknown' }`. Returns a frozen object: do not mutate.
 */
export function decodeNcftpdStatus(status: string | undefined): DecodedStatus {
  if (status === undefined || status === '') return UNKNOWN;
  const known = NCFTPD.get(status) ?? NCFTPD_UNKNOWN.get(status);
  if (known !== undefined) return known;
  const s = make('ncftpd', 'unknown', false, status, undefined, undefined);
  if (NCFTPD_UNKNOWN.size < NCFTPD_UNKNOWN_MAX) NCFTPD_UNKNOWN.set(status, s);
  return s;
}

// ---- explain ----
const SHARED_RANGES = 'EFT 0..12 outside sftp, 2000, Windows Sockets 10000..11999';

function quoteEft(code: number): string {
  const e = Number.isInteger(code) && code !== EFT_TIMEOUT ? eftEntry(code) : undefined;
  return e === undefined ? '' : `, not EFT code ${code} "${e.description}"`;
}

function why(protocol: string, code: number, s: DecodedStatus): string {
  if (!Number.isInteger(code)) return `${code} is not an integer`;
  if (code >= WINSOCK_RANGE.min && code <= WINSOCK_RANGE.max) {
    return s.name !== undefined
      ? `${WINSOCK_RANGE.min}..${WINSOCK_RANGE.max} are Windows Sockets errors under every protocol`
      : `${WINSOCK_RANGE.min}..${WINSOCK_RANGE.max} are Windows Sockets errors under every protocol; ${code} is not in the table`;
  }
  if (code === EFT_TIMEOUT) return `${EFT_TIMEOUT} is EFT's internal timeout under every protocol`;
  switch (s.kind) {
    case 'ftp_reply': {
      const digit = Math.floor(code / 100);
      if (digit === 6) return `${protocol} claims FTP reply codes; 6yz wraps a protected reply whose outcome is not visible`;
      const cls = FTP_REPLY_CLASSES[digit] ?? '';
      const listed = ftpReplyEntry(code) === undefined ? ` (${code} is not in the table)` : '';
      return `${protocol} claims 100..599 as FTP reply codes; ${digit}yz: ${cls.toLowerCase()}${listed}`;
    }
    case 'sftp':
      return `sftp claims ${SFTP_RANGE.min}..${SFTP_RANGE.max}, so ${code} is ${s.name ?? 'the unnamed unknown-error code'}${quoteEft(code)}`;
    case 'http': {
      const digit = Math.floor(code / 100);
      const listed = httpEntry(code) === undefined ? ` (${code} is not in the table)` : '';
      let rule = `${digit}xx: ${s.outcome}`;
      if (digit === 1) rule = '1xx is not a final status: unknown';
      else if (digit === 3) rule = '3xx redirects: whether EFT followed is not logged, unknown';
      else if (s.transient) rule = `${code} asks the client to retry later: transient failure`;
      return `${protocol} claims 100..599 as HTTP status codes; ${rule}${listed}`;
    }
    case 'eft': {
      const socks = code >= 1 && code <= 8 ? ' (a SOCKS5 reply code, RFC 1928)' : '';
      return `${ownCodes(protocol)}, so ${code} is EFT's own code${socks}`;
    }
    default:
      break;
  }
  if (protocol === 'sftp') {
    return `sftp claims ${SFTP_RANGE.min}..${SFTP_RANGE.max}; ${code} is neither that nor shared by every protocol (2000, Windows Sockets 10000..11999)`;
  }
  if (code >= 0 && code <= EFT_SMALL_MAX) return `${code} is not one of EFT's own codes (0..8, 10..12)`;
  const alias = winsockEntry(code);
  const aliasNote = alias?.name !== undefined ? `; ${alias.name} (${code}) is a Win32 alias, not a GetLastCode socket error` : '';
  return `${ownCodes(protocol)}; ${code} is not one shared by every protocol (${SHARED_RANGES})${aliasNote}`;
}

function ownCodes(protocol: string): string {
  switch (protocol) {
    case 'ftp':
    case 'ftps':
      return `${protocol} claims FTP reply codes (100..599, 631..633)`;
    case 'http':
    case 'https':
      return `${protocol} claims HTTP status codes (100..599)`;
    case '':
      return 'an empty protocol claims no codes';
    default:
      return `${protocol} claims no codes of its own`;
  }
}

/**
 * Human-readable lines explaining how an NcFTPd completion status decodes
 * (case-sensitive, as logged), for the `explain` command; undefined for a
 * status not in the table.
 */
export function explainNcftpdStatus(status: string): string[] | undefined {
  if (ncftpdStatusEntry(status) === undefined) return undefined;
  const s = decodeNcftpdStatus(status);
  const lines = [`code: ${status}`, `kind: ${s.kind}`, `name: ${s.name}`, `description: ${s.description}`];
  lines.push(`outcome: ${s.outcome}${s.transient ? ' (transient)' : ''}`);
  if (s.errorType !== undefined) lines.push(`error.type: ${s.errorType}`);
  const verdict = s.outcome === 'success' ? 'the only success' : s.transient ? 'a failure a retry may clear' : 'a failure';
  lines.push(`why: NcFTPd ends R, S and T entries with a completion status (${NCFTPD_STATUSES.map((e) => e.code).join(', ')}); ${status} is ${verdict}`);
  return lines;
}

/**
 * Human-readable lines explaining how `code` decodes under `protocol`
 * (case-insensitive), for the `explain` command.
 */
export function explainCode(code: number, protocol: string): string[] {
  const p = protocol.trim().toLowerCase();
  const s = decodeEftCode(p, code);
  const lines = [`code: ${code}`, `protocol: ${p === '' ? '(none)' : p}`, `kind: ${s.kind}`];
  if (s.name !== undefined) lines.push(`name: ${s.name}`);
  if (s.description !== undefined) lines.push(`description: ${s.description}`);
  lines.push(`outcome: ${s.outcome}${s.transient ? ' (transient)' : ''}`);
  if (s.errorType !== undefined) lines.push(`error.type: ${s.errorType}`);
  lines.push(`why: ${why(p, code, s)}`);
  return lines;
}
