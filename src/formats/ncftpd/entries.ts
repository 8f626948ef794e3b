/**
 * The rules for T, D, M, C, L and N entries: ..., user, e-mail, host,
 * session id, anchored on the session id (see the design note in
 * ../ncftpd.ts). Pure.
 */
import type { CivilTime, NcftpdEntry, NcftpdEntryType } from '../../model.js';
import { Ch, STATUS } from './tokens.js';
import type { NcftpdScanner } from './tokenizer.js';

/** Index of the session id in the smallest entry of these types (path plus seven fields). */
const MIN_SESSION = 7;

/**
 * Reads a T, D, M, C, L or N entry from the comma table of `sc` (fields up to
 * `last`; `trailing`: a comma ends the line); returns the entry, or the
 * reason the line is not one.
 */
export function parseOther(
  sc: NcftpdScanner,
  s: string,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  if (last + 1 < MIN_SESSION) return 'missing fields';
  let firstError: string | undefined;
  let tried = -1;
  if (last >= MIN_SESSION && sc.isSessionId(s, last)) {
    const r = shaped(sc, s, last, last, trailing, time, process, type);
    if (typeof r !== 'string') return r;
    firstError = r;
    tried = last;
  }
  // The rare rest in a function of its own, so that its first use does not
  // make V8 recompile this one (and what it is inlined into).
  return searchSession(sc, s, last, trailing, time, process, type, firstError, tried);
}

/** parseOther when the last field is not the session id: firstError and tried are what it found. */
function searchSession(
  sc: NcftpdScanner,
  s: string,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
  firstError: string | undefined,
  tried: number,
): NcftpdEntry | string {
  for (let j = MIN_SESSION; j < last; j++) {
    if (!sc.isSessionId(s, j)) continue;
    // Two shaped fields in a row are a host that looks like a session id, then the session id.
    if (j + 1 < last && sc.isSessionId(s, j + 1)) j++;
    const r = shaped(sc, s, j, last, trailing, time, process, type);
    if (typeof r !== 'string') return r;
    firstError ??= r;
    break;
  }
  // No usable session id shape: the last field is the session id, or the line ends at the host.
  if (last >= MIN_SESSION && tried !== last) {
    const r = shaped(sc, s, last, last, trailing, time, process, type);
    if (typeof r !== 'string') return r;
    firstError ??= r;
  }
  const r = shaped(sc, s, last + 1, last, trailing, time, process, type);
  if (typeof r !== 'string') return r;
  return firstError ?? r;
}

/**
 * Reads the entry given the session id's index j (j = last + 1: no session id).
 *
 * The searches in the readers below step their index in the loop condition,
 * which the first candidate runs too: the first candidate is nearly always
 * the one, and V8 would otherwise meet the step only at some rare line,
 * after compiling the reader, and compile it again.
 */
function shaped(
  sc: NcftpdScanner,
  s: string,
  j: number,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  switch (type) {
    case 'D':
    case 'M':
    case 'C':
      return shapedChange(sc, s, j, last, trailing, time, process, type);
    case 'T':
      return shapedListing(sc, s, j, last, trailing, time, process, type);
    default:
      return shapedRename(sc, s, j, last, trailing, time, process, type);
  }
}

/** D, M, C (delete, mkdir, chmod): path, reserved (C: mode), reserved, reserved, user, email, host. */
function shapedChange(
  sc: NcftpdScanner,
  s: string,
  j: number,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  const chmod = type === 'C';
  let i = j - 5;
  while (--i >= 1 && !((chmod ? sc.isOctal(s, i) : sc.isEmpty(i)) && sc.isEmpty(i + 1) && sc.isEmpty(i + 2)));
  if (i < 1) return chmod ? 'missing mode' : 'missing reserved fields';
  const path = s.slice(sc.commas[0] + 1, sc.commas[i]);
  const user = sc.opt(s, i + 3);
  const email = sc.span(s, i + 4, j - 2);
  const host = sc.opt(s, j - 1);
  const sessionId = j <= last ? sc.opt(s, j) : undefined;
  const extra = j <= last ? sc.extraAfter(s, j, last, trailing) : undefined;
  return {
    format: 'ncftpd',
    time,
    process,
    type,
    path,
    user,
    email,
    host,
    sessionId,
    size: undefined,
    duration: undefined,
    rate: undefined,
    suffix: undefined,
    status: undefined,
    transferType: undefined,
    notes: undefined,
    startTime: undefined,
    startSize: undefined,
    startOffset: undefined,
    pattern: undefined,
    recursive: undefined,
    mode: chmod ? sc.field(s, i) : undefined,
    target: undefined,
    extra,
  };
}

/** T (listing): path, status, pattern, recursion (empty or RECURSIVE), user, email, host. */
function shapedListing(
  sc: NcftpdScanner,
  s: string,
  j: number,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  let st = -1;
  let status = 0;
  for (let i = 0; ++i <= j - 6; ) {
    status = sc.statusCode(s, i);
    if (status !== 0) {
      st = i;
      break;
    }
  }
  if (st < 0 && sc.isUpperToken(s, 1)) st = 1;
  if (st < 0) return 'missing completion status';
  let r = j - 3;
  while (--r >= st + 2 && !(sc.isEmpty(r) || sc.is(s, r, 'RECURSIVE')));
  if (r < st + 2) return 'missing recursion field';
  return {
    format: 'ncftpd',
    time,
    process,
    type,
    path: s.slice(sc.commas[0] + 1, sc.commas[st]),
    user: sc.opt(s, r + 1),
    email: sc.span(s, r + 2, j - 2),
    host: sc.opt(s, j - 1),
    sessionId: j <= last ? sc.opt(s, j) : undefined,
    size: undefined,
    duration: undefined,
    rate: undefined,
    suffix: undefined,
    status: status === 0 ? sc.field(s, st) : STATUS[status],
    transferType: undefined,
    notes: undefined,
    startTime: undefined,
    startSize: undefined,
    startOffset: undefined,
    pattern: sc.span(s, st + 1, r - 1),
    recursive: !sc.isEmpty(r),
    mode: undefined,
    target: undefined,
    extra: j <= last ? sc.extraAfter(s, j, last, trailing) : undefined,
  };
}

/** L (symbolic link) and N (rename): path, `to`, target, reserved (empty), user, email, host. */
function shapedRename(
  sc: NcftpdScanner,
  s: string,
  j: number,
  last: number,
  trailing: boolean,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | string {
  let e = j - 3;
  while (--e >= 3 && !sc.isEmpty(e));
  if (e < 3) return 'missing reserved field';
  const absolute = s.charCodeAt(sc.commas[0] + 1) === Ch.SLASH;
  let to = -1;
  for (let t = 0; ++t <= e - 2; ) {
    if (!sc.isTo(s, t)) continue;
    if (to < 0) to = t;
    if (!absolute || s.charCodeAt(sc.commas[t + 1] + 1) === Ch.SLASH) {
      to = t;
      break;
    }
  }
  if (to < 0) return 'missing "to" field';
  return {
    format: 'ncftpd',
    time,
    process,
    type,
    path: s.slice(sc.commas[0] + 1, sc.commas[to]),
    user: sc.opt(s, e + 1),
    email: sc.span(s, e + 2, j - 2),
    host: sc.opt(s, j - 1),
    sessionId: j <= last ? sc.opt(s, j) : undefined,
    size: undefined,
    duration: undefined,
    rate: undefined,
    suffix: undefined,
    status: undefined,
    transferType: undefined,
    notes: undefined,
    startTime: undefined,
    startSize: undefined,
    startOffset: undefined,
    pattern: undefined,
    recursive: undefined,
    mode: undefined,
    target: sc.span(s, to + 1, e - 1),
    extra: j <= last ? sc.extraAfter(s, j, last, trailing) : undefined,
  };
}
