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
 * - NcFTPd ends every entry with a comma, so the last field read must have
 *   one after it; text after that field (junk, or fields a newer version
 *   appends) is kept as `extra` and needs none. A line that ends inside a
 *   field is an error ("entry cut short"), not an entry whose last field
 *   reads as a shorter value (a host "68.1", a status "O"): such a line was
 *   cut by a crash, or read while it was being written.
 *
 * What stays ambiguous (an e-mail with commas and empty pieces next to a path
 * with commas, say) is resolved by these rules, not guessed per line; the
 * original line travels on with the record anyway.
 *
 * Every search is a single pass over precomputed comma positions, so the
 * cost stays linear in the line length whatever the input.
 *
 * Every entry carries every key of NcftpdEntry, in its order (undefined when
 * empty, unknown, not logged, or not of its entry type), so that all entries
 * share one object shape. With one shape per entry type, the enricher's reads
 * of entry fields saw five shapes and went megamorphic: a tenth of NcFTPd's
 * parse + enrich time.
 *
 * Speed (the parser runs for every line, so its cost was measured with V8's
 * optimizing compiler in mind):
 * - In optimized code a `charCodeAt` costs some twenty machine instructions
 *   and a builtin call (`indexOf`, `slice`, `startsWith`) a hundred or more,
 *   so each character is read once, and builtins are called only where they
 *   spare many reads (`indexOf` over free text).
 * - No `charCodeAt` reads past the end of the line: such a read makes V8
 *   deoptimize, after which the call stays a slow generic builtin call.
 * - R and S entries of the usual form (no comma in the e-mail) are read in
 *   one pass by quickTransfer, which tries the same candidates first that the
 *   general rules (TransferReader.parseTransfer) try first and leaves any other line to
 *   them, so both give the same entry. Other lines, and T, D, M, C, L and N,
 *   go the general way: comma table, then anchoring.
 * - Rare paths are kept out of the hot functions, or written so that their
 *   operations also run for ordinary lines: V8 compiles a function for what
 *   it has seen run, and recompiles it (at a cost of many thousand lines)
 *   when another path is taken.
 * - Tokens whose characters were compared anyway (status, transfer type,
 *   notes) are taken from constants instead of sliced out.
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
 * A parser of transfer log lines. Each one owns its scanning state (see
 * NcftpdScanner), so that parsers never share any: two of them can take
 * turns on different inputs.
 */
export class NcftpdParser {
  private readonly scanner = new NcftpdScanner();
  private readonly transfer = new TransferReader(this.scanner);

  /** Parses one transfer log line, given without its terminator. Never throws. */
  parse(text: string): ParseResult<NcftpdEntry> {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
    const s = end === text.length ? text : text.slice(0, end);
    const len = s.length;
    if (len === 0) return BLANK;

    // This function runs for every line, so it is kept small and its rare cases
    // go through one call each: V8 then compiles it once instead of again at the
    // first line that takes a path not taken before.
    const sc = this.scanner;
    const body = sc.scanPrefix(s);
    const time = body < 0 ? undefined : sc.readTime(s);
    if (time === undefined) return badPrefix(s, body);
    const process = s.slice(sc.tagStart, sc.tagEnd);
    // The common case, a type letter and its comma, without a search.
    const type = body + 1 < len && s.charCodeAt(body + 1) === CH_COMMA ? entryType(s.charCodeAt(body)) : undefined;
    if (type === undefined) return badEntryType(s, body);
    // A line without its final comma is left to the general rules, which tell a
    // cut-short entry from one with text after its last field.
    if ((type === 'R' || type === 'S') && s.charCodeAt(len - 1) === CH_COMMA) {
      const entry = quickTransfer(sc, s, body + 2, time, process, type);
      if (entry !== undefined) return { kind: 'entry', entry };
    }
    return this.parseFields(s, body + 1, time, process, type);
  }

  /** Reads the fields after the entry type, whose comma is at typeComma, by the general rules. */
  private parseFields(
    s: string,
    typeComma: number,
    time: CivilTime,
    process: string,
    type: NcftpdEntryType,
  ): ParseResult<NcftpdEntry> {
    const len = s.length;
    const nf = this.scanner.splitFields(s, typeComma);
    // commas[nf - 1] is the last comma: the line ends with a comma when it is the last character.
    const trailing = this.scanner.commas[nf - 1] === len - 1;
    // Not `trailing ? nf - 2 : nf - 1`, whose second subtraction only rare lines
    // (no final comma) would run: see Speed above.
    let last = nf - 1;
    if (trailing) last--;

    const result =
      type === 'R' || type === 'S'
        ? this.transfer.parseTransfer(s, last, trailing, time, process, type)
        : parseOther(this.scanner, s, last, trailing, time, process, type);
    if (typeof result === 'string') return fail(result);
    // No comma after the last field read, and nothing after it: cut short (see the design note).
    if (!trailing && result.extra === undefined) return fail(CUT_SHORT);
    return { kind: 'entry', entry: result };
  }
}

/** Is `text` shaped like an NcFTPd log line (date, time, process tag, `|`)? */
export function looksLikeNcftpd(text: string): boolean {
  return PREFIX_SCANNER.scanPrefix(text) >= 0;
}

/** Parses one transfer log line, given without its terminator. Never throws. */
export function parseNcftpdLine(text: string): ParseResult<NcftpdEntry> {
  return PARSER.parse(text);
}

/** The result for a line without a valid prefix (scanPrefix returned `body`, or the time is out of range). */
function badPrefix(s: string, body: number): ParseResult<NcftpdEntry> {
  // A blank line cannot have the prefix, so it is looked for only here.
  const c0 = s.charCodeAt(0);
  if ((c0 < CH_0 || c0 > CH_9) && s.trim() === '') return BLANK;
  if (body === NO_TAG) return fail('missing process tag');
  if (body === NO_PIPE) return fail('missing "|" after process tag');
  return fail(`invalid date ${quoteDate(s)}`);
}

const CUT_SHORT = 'entry cut short: no comma after its last field';

/** The error for a line whose entry type is not one known letter followed by a comma. */
function badEntryType(s: string, body: number): ParseResult<NcftpdEntry> {
  if (body >= s.length) return fail('missing entry type');
  const typeComma = s.indexOf(',', body);
  const typeEnd = typeComma < 0 ? s.length : typeComma;
  const type = typeEnd - body === 1 ? entryType(s.charCodeAt(body)) : undefined;
  if (type === undefined) return fail(`unknown entry type ${quote(s, body, typeEnd)}`);
  return fail('missing fields');
}

/** `p`, twice as long. */
function grown(p: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const g = new Int32Array(p.length * 2);
  g.set(p);
  return g;
}

function fail(reason: string): ParseResult<NcftpdEntry> {
  return { kind: 'error', reason };
}

// ---------------------------------------------------------------------------
// Characters and tokens. Prefix: `YYYY-MM-DD HH:MM:SS[.fff] TAG   | ` or `YY/MM/DD HH:MM:SS ...`

const BAD_DATE = -1;
const NO_TAG = -2;
const NO_PIPE = -3;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/** The two-digit number at i (in bounds), or -1 when either character is not a digit. */
function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - CH_0;
  const b = s.charCodeAt(i + 1) - CH_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days of the months of a common year, January at 1. */
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  // Every operation here runs for every line, whatever the month: V8 would
  // otherwise recompile the parser at the first line that takes a branch it
  // had not seen run. Leap years: divisible by 4, except centuries not
  // divisible by 400 (the three tests combined by exclusive or, `!==`).
  const days = MONTH_DAYS[month];
  const leap = (year % 4 === 0) !== (year % 100 === 0) !== (year % 400 === 0);
  return month === 2 && leap ? 29 : days;
}

function quoteDate(s: string): string {
  // The date token, and the time token when one follows.
  let end = s.indexOf(' ');
  if (end < 0) return quote(s, 0, s.length);
  if (end + 1 < s.length && isDigit(s.charCodeAt(end + 1))) {
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

/** The known completion statuses; statusCode returns indexes into this. */
const STATUS = ['', 'OK', 'ABOR', 'PERM', 'NOENT', 'ERROR', 'INCOMPLETE'] as const;

/**
 * Index in STATUS of the status token s[a..b), or 0. The length and the first
 * character single out the one candidate, and the entry takes the constant
 * string instead of a slice.
 */
function statusAt(s: string, a: number, b: number): number {
  switch (b - a) {
    case 2:
      return s.charCodeAt(a) === 79 && s.charCodeAt(a + 1) === 75 ? 1 : 0;
    case 4: {
      const c = s.charCodeAt(a);
      if (c === 65) return s.startsWith('BOR', a + 1) ? 2 : 0;
      if (c === 80) return s.startsWith('ERM', a + 1) ? 3 : 0;
      return 0;
    }
    case 5: {
      const c = s.charCodeAt(a);
      if (c === 78) return s.startsWith('OENT', a + 1) ? 4 : 0;
      if (c === 69) return s.startsWith('RROR', a + 1) ? 5 : 0;
      return 0;
    }
    case 10:
      return s.startsWith('INCOMPLETE', a) ? 6 : 0;
    default:
      return 0;
  }
}

/** A character of a dotted suffix after its dot. */
function isSuffixChar(c: number): boolean {
  return isAlnum(c) || c === CH_DOT || c === CH_UNDERSCORE || c === CH_MINUS || c === CH_PLUS;
}

function isAlnum(c: number): boolean {
  return (c >= CH_a && c <= CH_z) || (c >= CH_A && c <= CH_Z) || (c >= CH_0 && c <= CH_9);
}

/** BASE64[c] is 1 for the characters of a session id (c < 128). */
const BASE64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) BASE64[c] = isAlnum(c) || c === CH_PLUS || c === CH_SLASH ? 1 : 0;

/** Every possible note code (an uppercase and a lowercase letter), made once instead of a slice per note. */
const NOTES: string[] = [];
for (let c = CH_A; c <= CH_Z; c++) for (let d = CH_a; d <= CH_z; d++) NOTES.push(String.fromCharCode(c, d));

/** The note code of the letters c (A-Z) and d (a-z). */
function note(c: number, d: number): string {
  return NOTES[(c - CH_A) * 26 + d - CH_a];
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// ---------------------------------------------------------------------------
// The scanner: prefix, comma table, fields

/**
 * The scanning state of one parser, reused line after line: what the prefix
 * scan found, and the comma positions of the line's fields. Field j spans
 * commas[j]+1 .. commas[j+1].
 *
 * The results of a scan are fields of this object rather than a returned
 * object, so that a line allocates none; each parser owns its scanner, so
 * parsers share no state.
 */
export class NcftpdScanner {
  /**
   * Comma positions of the line being parsed (splitFields): commas[0] is the
   * comma after the entry type, commas[nf] the line length.
   */
  commas = new Int32Array(64);
  /**
   * What scanPrefix found: the date and time numbers (read while checking the
   * digits, so that readTime need not read them again), where the time ends
   * and where the process tag is.
   */
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  /** Index of the first fraction digit, when the time has a fraction. */
  fracPos = 0;
  timePos = 0;
  tagStart = 0;
  tagEnd = 0;
  /**
   * The number parsed by the last readUint, readDecimal or readInt call. A
   * typed array rather than a number field: V8 reads and writes it without
   * boxing the number, and the readers can return the field end, so that the
   * caller keeps its position in a local.
   */
  readonly value = new Float64Array(1);

  /**
   * Shape check of the prefix; returns the index where the entry starts, or a
   * negative code. The date and time sit at fixed offsets, and a line too short
   * to hold them (the character after the time included) cannot have the shape,
   * so one length test makes every fixed-offset read below safe.
   */
  scanPrefix(s: string): number {
    const len = s.length;
    // Shortest prefix: `YY/MM/DD HH:MM:SS` and the character after it.
    if (len < 18) return BAD_DATE;
    // The date is YY/MM/DD when a `/` is at 2 (YYYY-MM-DD has a digit there),
    // and both forms are read by the same code, d being the date's length:
    // V8 then need not recompile it at the first line of the rarer form.
    const d = s.charCodeAt(2) === CH_SLASH ? 8 : 10;
    const separator = d === 8 ? CH_SLASH : CH_MINUS;
    // YYYY-MM-DD needs two more characters.
    if (len < d + 10) return BAD_DATE;
    if (s.charCodeAt(d - 6) !== separator || s.charCodeAt(d - 3) !== separator) return BAD_DATE;
    // The first two digits, and the last two digits of the year (the same ones for YY).
    const y1 = num2(s, 0);
    const y2 = num2(s, d - 8);
    const month = num2(s, d - 5);
    const day = num2(s, d - 2);
    if (y1 < 0 || y2 < 0 || month < 0 || day < 0) return BAD_DATE;
    // YY: 70-99 are 19YY, 00-69 are 20YY.
    const century = y1 >= 70 ? 19 : 20;
    this.year = (d === 10 ? y1 : century) * 100 + y2;
    this.month = month;
    this.day = day;
    if (s.charCodeAt(d) !== CH_SPACE) return BAD_DATE;
    const t = d + 1;
    if (s.charCodeAt(t + 2) !== CH_COLON || s.charCodeAt(t + 5) !== CH_COLON) return BAD_DATE;
    const hour = num2(s, t);
    const minute = num2(s, t + 3);
    const second = num2(s, t + 6);
    if (hour < 0 || minute < 0 || second < 0) return BAD_DATE;
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    // From here on the reads are bounds-checked, and c is the character at i
    // (the last one read, when i reached the end), so that none is read twice.
    let i = t + 8;
    this.fracPos = i + 1;
    let c = s.charCodeAt(i);
    if (c === CH_DOT) {
      const f = ++i;
      while (i < len && isDigit((c = s.charCodeAt(i)))) i++;
      if (i === f) return BAD_DATE;
    }
    this.timePos = i;
    if (i === len || c !== CH_SPACE) return BAD_DATE;
    do {
      if (++i === len) return NO_TAG;
      c = s.charCodeAt(i);
    } while (c === CH_SPACE);
    const tagStart = i;
    while (c !== CH_SPACE && c !== CH_PIPE && ++i < len) c = s.charCodeAt(i);
    if (i === tagStart) return NO_TAG;
    this.tagStart = tagStart;
    this.tagEnd = i;
    while (c === CH_SPACE && ++i < len) c = s.charCodeAt(i);
    if (i === len || c !== CH_PIPE) return NO_PIPE;
    i++;
    if (i < len && s.charCodeAt(i) === CH_SPACE) i++;
    return i;
  }

  /** Range-checks the prefix time read by scanPrefix. */
  readTime(s: string): CivilTime | undefined {
    const year = this.year;
    const month = this.month;
    const day = this.day;
    const hour = this.hour;
    const minute = this.minute;
    const second = this.second;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    if (hour > 23 || minute > 59 || second > 60) return undefined;
    let millisecond = 0;
    // Fraction of a second: `.1` is 100 ms, digits past the third are dropped.
    const f = this.fracPos;
    const timePos = this.timePos;
    if (timePos > f) {
      millisecond = (s.charCodeAt(f) - CH_0) * 100;
      if (timePos > f + 1) millisecond += (s.charCodeAt(f + 1) - CH_0) * 10;
      if (timePos > f + 2) millisecond += s.charCodeAt(f + 2) - CH_0;
    }
    return { year, month, day, hour, minute, second, millisecond };
  }

  /**
   * Fills the comma table with the commas from typeComma (the one after the
   * entry type) on, and the line's length after them; returns the number of
   * fields, nf (commas[nf] is the length).
   */
  splitFields(s: string, typeComma: number): number {
    // indexOf (memchr for one-byte strings) costs far less per character than
    // a charCodeAt loop.
    let P = this.commas;
    let nf = 0;
    let comma = typeComma;
    P[0] = comma;
    while ((comma = s.indexOf(',', comma + 1)) >= 0) {
      if (++nf + 1 >= P.length) this.commas = P = grown(P);
      P[nf] = comma;
    }
    nf++;
    P[nf] = s.length;
    return nf;
  }

  field(s: string, j: number): string {
    return s.slice(this.commas[j] + 1, this.commas[j + 1]);
  }

  /** Field j, or undefined when empty. */
  opt(s: string, j: number): string | undefined {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    return a === b ? undefined : s.slice(a, b);
  }

  /** Fields from..to joined with their commas, or undefined when empty. */
  span(s: string, from: number, to: number): string | undefined {
    const a = this.commas[from] + 1;
    const b = this.commas[to + 1];
    return a === b ? undefined : s.slice(a, b);
  }

  isEmpty(j: number): boolean {
    return this.commas[j] + 1 === this.commas[j + 1];
  }

  is(s: string, j: number, literal: string): boolean {
    const a = this.commas[j] + 1;
    return this.commas[j + 1] - a === literal.length && s.startsWith(literal, a);
  }

  /** Field j is `to`. */
  isTo(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    return this.commas[j + 1] - a === 2 && s.charCodeAt(a) === 116 && s.charCodeAt(a + 1) === 111;
  }

  /** Text after field q up to the final comma (or the end), or undefined. */
  extraAfter(s: string, q: number, last: number, trailing: boolean): string | undefined {
    if (q >= last) return undefined;
    const a = this.commas[q + 1] + 1;
    const b = trailing ? s.length - 1 : s.length;
    return a >= b ? undefined : s.slice(a, b);
  }

  /** Field j quoted for an error message. */
  quoteField(s: string, j: number): string {
    return quote(s, this.commas[j] + 1, this.commas[j + 1]);
  }

  /** Index in STATUS of the status token in field j, or 0 when the field holds none. */
  statusCode(s: string, j: number): number {
    return statusAt(s, this.commas[j] + 1, this.commas[j + 1]);
  }

  /** An all-uppercase token, kept as an unknown status when no known one is found. */
  isUpperToken(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if (b === a || b - a > 16) return false;
    for (let i = a; i < b; i++) {
      const c = s.charCodeAt(i);
      if (c < CH_A || c > CH_Z) return false;
    }
    return true;
  }

  /** Empty, or a dotted token such as `.tar`, `.tar.Z`, `.tar.gz`. */
  isSuffix(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if (a === b) return true;
    if (b - a < 2 || s.charCodeAt(a) !== CH_DOT) return false;
    for (let i = a + 1; i < b; i++) if (!isSuffixChar(s.charCodeAt(i))) return false;
    return true;
  }

  /** 12 base64 characters, e.g. `S0u3WAAFv94A`. */
  isSessionId(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const end = a + 12;
    if (this.commas[j + 1] !== end) return false;
    for (let i = a; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || BASE64[c] === 0) return false;
    }
    return true;
  }

  /** Empty, or two-letter codes (`PsSf`, unknown ones such as `ApRz` too). */
  isNotes(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if ((b - a) % 2 !== 0) return false;
    for (let i = a; i < b; i += 2) {
      const c = s.charCodeAt(i);
      const d = s.charCodeAt(i + 1);
      if (c < CH_A || c > CH_Z || d < CH_a || d > CH_z) return false;
    }
    return true;
  }

  /** Notes field j (checked by isNotes) split in two-letter codes. */
  splitNotes(s: string, j: number): string[] | undefined {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if (a === b) return undefined;
    // Array literals of the final length for the usual one or two codes: no push calls.
    if (b - a === 2) return [note(s.charCodeAt(a), s.charCodeAt(a + 1))];
    if (b - a === 4) return [note(s.charCodeAt(a), s.charCodeAt(a + 1)), note(s.charCodeAt(a + 2), s.charCodeAt(a + 3))];
    const notes: string[] = [];
    for (let i = a; i < b; i += 2) notes.push(note(s.charCodeAt(i), s.charCodeAt(i + 1)));
    return notes;
  }

  /** Empty or one uppercase letter (FTP TYPE: NcFTPd logs A or I). */
  isTransferType(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const len = this.commas[j + 1] - a;
    if (len === 0) return true;
    const c = s.charCodeAt(a);
    return len === 1 && c >= CH_A && c <= CH_Z;
  }

  /** Transfer type field j (checked by isTransferType), or undefined when empty. */
  transferType(s: string, j: number): string | undefined {
    const a = this.commas[j] + 1;
    if (a === this.commas[j + 1]) return undefined;
    const c = s.charCodeAt(a);
    return c === 73 ? 'I' : c === 65 ? 'A' : s.slice(a, a + 1);
  }

  isOctal(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if (b === a || b - a > 6) return false;
    for (let i = a; i < b; i++) {
      const c = s.charCodeAt(i);
      if (c < CH_0 || c > CH_7) return false;
    }
    return true;
  }

  /** Unsigned integer field (optionally signed), or NaN. */
  intField(s: string, j: number, signed: boolean): number {
    let a = this.commas[j] + 1;
    const b = this.commas[j + 1];
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
  decField(s: string, j: number, point: boolean): number {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
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
    if (nd > 15) return Number(s.slice(a, b));
    return dot < 0 ? n : n / POW10[b - dot - 1];
  }
}

// ---------------------------------------------------------------------------
// R and S

/**
 * The general rules for R and S entries, on the comma table of a scanner.
 * The numbers that findTriple and transferTail read are kept here, so that
 * they are read only once; the reader belongs to one parser, as its scanner.
 */
class TransferReader {
  /** The numbers of the triple findTriple found. */
  private size = 0;
  private duration = 0;
  private rate = 0;
  /** Numbers read by transferTail from the fields after the status. */
  private startTime: number | undefined = undefined;
  private startSize: number | undefined = undefined;
  private startOffset: number | undefined = undefined;

  constructor(private readonly sc: NcftpdScanner) {}

  parseTransfer(
    s: string,
    last: number,
    trailing: boolean,
    time: CivilTime,
    process: string,
    type: NcftpdEntryType,
  ): NcftpdEntry | string {
    const sc = this.sc;
    let i = this.findTriple(s, last, true);
    if (i < 0) i = this.findTriple(s, last, false);
    if (i < 0) return 'missing size, duration and rate';
    const size = this.size;
    const duration = this.duration;
    const rate = this.rate;
    const u = i + 3;

    let k = -1;
    let status = 0;
    let firstError: string | undefined;
    for (let c = u + 4; c <= last; c++) {
      const code = sc.statusCode(s, c);
      if (code === 0 || !sc.isSuffix(s, c - 1)) continue;
      const error = this.transferTail(s, c, last);
      if (error === undefined) {
        k = c;
        status = code;
        break;
      }
      firstError ??= error;
    }
    if (k < 0 && firstError === undefined) {
      // No known status anywhere: accept an unknown token where a comma-free e-mail puts it.
      const c = u + 4;
      if (c <= last && sc.isUpperToken(s, c) && sc.isSuffix(s, c - 1) && this.transferTail(s, c, last) === undefined) k = c;
    }
    if (k < 0) return firstError ?? 'missing completion status';

    const n = Math.min(6, last - k);
    return {
      format: 'ncftpd',
      time,
      process,
      type,
      path: s.slice(sc.commas[0] + 1, sc.commas[i]),
      user: sc.opt(s, u),
      email: sc.span(s, u + 1, k - 3),
      host: sc.opt(s, k - 2),
      sessionId: n >= 4 ? sc.opt(s, k + 4) : undefined,
      size,
      duration,
      rate,
      suffix: sc.opt(s, k - 1),
      status: status === 0 ? sc.field(s, k) : STATUS[status],
      transferType: n >= 1 ? sc.transferType(s, k + 1) : undefined,
      notes: n >= 2 ? sc.splitNotes(s, k + 2) : undefined,
      startTime: this.startTime,
      startSize: this.startSize,
      startOffset: this.startOffset,
      pattern: undefined,
      recursive: undefined,
      mode: undefined,
      target: undefined,
      extra: sc.extraAfter(s, k + n, last, trailing),
    };
  }

  private findTriple(s: string, last: number, point: boolean): number {
    const sc = this.sc;
    for (let i = 1; i + 2 <= last; i++) {
      const c = s.charCodeAt(sc.commas[i] + 1);
      if (c < CH_0 || c > CH_9) continue;
      const size = sc.intField(s, i, false);
      if (Number.isNaN(size)) continue;
      const duration = sc.decField(s, i + 1, point);
      if (Number.isNaN(duration)) continue;
      const rate = sc.decField(s, i + 2, point);
      if (Number.isNaN(rate)) continue;
      this.size = size;
      this.duration = duration;
      this.rate = rate;
      return i;
    }
    return -1;
  }

  /** Checks and reads the fields after the completion status at k; returns a reason or undefined. */
  private transferTail(s: string, k: number, last: number): string | undefined {
    const sc = this.sc;
    const n = last - k;
    this.startTime = this.startSize = this.startOffset = undefined;
    if (n >= 1 && !sc.isTransferType(s, k + 1)) return `invalid transfer type ${sc.quoteField(s, k + 1)}`;
    if (n >= 2 && !sc.isNotes(s, k + 2)) return `invalid transfer notes ${sc.quoteField(s, k + 2)}`;
    if (n >= 3 && !sc.isEmpty(k + 3)) {
      const startTime = sc.intField(s, k + 3, true);
      if (Number.isNaN(startTime)) return `invalid start time ${sc.quoteField(s, k + 3)}`;
      this.startTime = startTime;
    }
    if (n >= 5 && !sc.isEmpty(k + 5)) {
      const startSize = sc.intField(s, k + 5, true);
      if (Number.isNaN(startSize)) return `invalid start size ${sc.quoteField(s, k + 5)}`;
      this.startSize = startSize === -1 ? undefined : startSize;
    }
    if (n >= 6 && !sc.isEmpty(k + 6)) {
      const startOffset = sc.intField(s, k + 6, true);
      if (Number.isNaN(startOffset)) return `invalid start offset ${sc.quoteField(s, k + 6)}`;
      this.startOffset = startOffset === -1 ? undefined : startOffset;
    }
    return undefined;
  }
}

// The usual R and S entry, in one pass.

/**
 * What readUint and readDecimal return for a number of more than 15 digits,
 * which intField and decField still read (through Number): the line is then
 * left to parseTransfer, not taken for one without a triple there.
 */
const TOO_LONG = -2;

/**
 * Reads an R or S entry in one left-to-right pass when it has the form
 * nearly every entry has: no comma in the e-mail, so that the completion
 * status comes four fields after the rate, followed by well-formed fields.
 * The triple is found as findTriple finds it (the leftmost fields that read
 * as size, duration and rate with points), and the status is the first
 * candidate of parseTransfer, so when the rest fits, the entry is the one
 * parseTransfer would build; for any other line this returns undefined and
 * parseTransfer reads it. `from` is where the path starts. Only lines that
 * end with a comma come here; the checks for the line's end without one stay
 * as guards against reading past it.
 *
 * Why: the comma ending a number, a status or a short field is found by the
 * character reads that check its content anyway, which saves the indexOf
 * call (and the comma table) that parseFields spends on every comma.
 */
function quickTransfer(
  sc: NcftpdScanner,
  s: string,
  from: number,
  time: CivilTime,
  process: string,
  type: NcftpdEntryType,
): NcftpdEntry | undefined {
  const len = s.length;
  const value = sc.value;
  // Size, duration and rate, each followed by a comma: the first fields that
  // read as such end the path. A number too long to read here, or the line's
  // end, leaves the line to parseTransfer.
  let pathEnd = s.indexOf(',', from);
  let q: number;
  let size = 0;
  let duration = 0;
  for (;; pathEnd = s.indexOf(',', pathEnd + 1)) {
    if (pathEnd < 0) return undefined;
    q = readUint(s, pathEnd + 1, len, value);
    if (q >= 0) {
      if (q === len) return undefined;
      size = value[0];
      q = readDecimal(s, q + 1, len, value);
      if (q >= 0) {
        if (q === len) return undefined;
        duration = value[0];
        q = readDecimal(s, q + 1, len, value);
        if (q >= 0) {
          if (q === len) return undefined;
          break;
        }
      }
    }
    if (q === TOO_LONG) return undefined;
  }
  const rate = value[0];
  // User, e-mail and host: free text, no comma in any of them. The e-mail is
  // often empty: one read then spares an indexOf call.
  const userStart = q + 1;
  const emailStart = s.indexOf(',', userStart) + 1;
  if (emailStart === 0 || emailStart === len) return undefined;
  const hostStart = (s.charCodeAt(emailStart) === CH_COMMA ? emailStart : s.indexOf(',', emailStart)) + 1;
  if (hostStart === 0) return undefined;
  const suffixStart = s.indexOf(',', hostStart) + 1;
  if (suffixStart === 0) return undefined;
  // Suffix: empty or dotted, then the status.
  const statusStart = suffixEnd(s, suffixStart, len) + 1;
  if (statusStart === 0) return undefined;
  q = statusStart;
  while (q < len && q - statusStart <= 10 && s.charCodeAt(q) !== CH_COMMA) q++;
  const status = statusAt(s, statusStart, q);
  if (status === 0) return undefined;

  // The fields after the status, as many as the line has (older versions log
  // fewer). The line has another field when q is neither the line's end nor
  // its final comma.
  let transferType: string | undefined;
  let notes: string[] | undefined;
  let startTime: number | undefined;
  let sessionId: string | undefined;
  let startSize: number | undefined;
  let startOffset: number | undefined;
  tail: {
    if (q >= len - 1) break tail;
    // Transfer type: empty or one capital letter.
    let a = q + 1;
    const c = s.charCodeAt(a);
    if (c !== CH_COMMA) {
      if (c < CH_A || c > CH_Z || (++a < len && s.charCodeAt(a) !== CH_COMMA)) return undefined;
      transferType = c === 73 ? 'I' : c === 65 ? 'A' : s.slice(q + 1, a);
    }
    q = a;
    if (q >= len - 1) break tail;
    // Notes: two-letter codes, collected into an array of the final length
    // for the usual one or two.
    let first: string | undefined;
    for (a = q + 1; a < len; a += 2) {
      const c = s.charCodeAt(a);
      if (c === CH_COMMA) break;
      if (c < CH_A || c > CH_Z || a + 1 === len) return undefined;
      const d = s.charCodeAt(a + 1);
      if (d < CH_a || d > CH_z) return undefined;
      const code = note(c, d);
      if (first === undefined) first = code;
      else if (notes === undefined) notes = [first, code];
      else notes.push(code);
    }
    if (notes === undefined && first !== undefined) notes = [first];
    q = a;
    if (q >= len - 1) break tail;
    a = q + 1;
    q = readInt(s, a, len, value);
    if (q < 0) return undefined;
    if (q > a) startTime = value[0];
    if (q >= len - 1) break tail;
    // Session id: anything.
    a = q + 1;
    q = s.indexOf(',', a);
    if (q < 0) q = len;
    if (q > a) sessionId = s.slice(a, q);
    if (q >= len - 1) break tail;
    a = q + 1;
    q = readInt(s, a, len, value);
    if (q < 0) return undefined;
    if (q > a && value[0] !== -1) startSize = value[0];
    if (q >= len - 1) break tail;
    a = q + 1;
    q = readInt(s, a, len, value);
    if (q < 0) return undefined;
    if (q > a && value[0] !== -1) startOffset = value[0];
    // Anything after the known fields (rare) is left to parseTransfer.
    if (q < len - 1) return undefined;
  }

  return {
    format: 'ncftpd',
    time,
    process,
    type,
    path: s.slice(from, pathEnd),
    user: emailStart - 1 > userStart ? s.slice(userStart, emailStart - 1) : undefined,
    email: hostStart - 1 > emailStart ? s.slice(emailStart, hostStart - 1) : undefined,
    host: suffixStart - 1 > hostStart ? s.slice(hostStart, suffixStart - 1) : undefined,
    sessionId,
    size,
    duration,
    rate,
    suffix: statusStart - 1 > suffixStart ? s.slice(suffixStart, statusStart - 1) : undefined,
    status: STATUS[status],
    transferType,
    notes,
    startTime,
    startSize,
    startOffset,
    pattern: undefined,
    recursive: undefined,
    mode: undefined,
    target: undefined,
    extra: undefined,
  };
}

/**
 * Unsigned integer from a up to the next comma or the end, as intField reads
 * it, into out[0]. Returns where the field ends, -1 if it is not a number,
 * or TOO_LONG.
 */
function readUint(s: string, a: number, len: number, out: Float64Array): number {
  let n = -0; // see readDecimal
  let i = a;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_COMMA) break;
    if (c < CH_0 || c > CH_9) return -1;
    n = n * 10 + (c - CH_0);
  }
  if (i === a) return -1;
  if (i - a > 15) return TOO_LONG;
  out[0] = n;
  return i;
}

/**
 * Decimal with a point from a up to the next comma or the end, as decField
 * reads it, into out[0]. Returns where the field ends, -1 if it is not a
 * decimal with a point, or TOO_LONG.
 */
function readDecimal(s: string, a: number, len: number, out: Float64Array): number {
  // -0 rather than 0: a double from the start, so that V8 compiles the
  // arithmetic for doubles instead of for small integers, which it would have
  // to throw away (deoptimize) at the first number past 2^31. -0 * 10 + d is d.
  let n = -0;
  let nd = 0;
  let dot = -1;
  let i = a;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      n = n * 10 + (c - CH_0);
      nd++;
    } else if (c === CH_DOT && dot < 0) {
      dot = i;
    } else if (c === CH_COMMA) {
      break;
    } else {
      return -1;
    }
  }
  if (nd === 0 || dot < 0) return -1;
  if (nd > 15) return TOO_LONG;
  out[0] = n / POW10[i - dot - 1];
  return i;
}

/**
 * Optionally signed integer from a (below len) up to the next comma or the
 * end, as intField reads it, into out[0]. Returns where the field ends (a
 * when it is empty), or -1 if it is not a number of 1 to 15 digits.
 */
function readInt(s: string, a: number, len: number, out: Float64Array): number {
  let c = s.charCodeAt(a);
  if (c === CH_COMMA) return a;
  const negative = c === CH_MINUS;
  const first = negative ? a + 1 : a;
  let n = -0; // see readDecimal
  let i = first;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c === CH_COMMA) break;
    if (c < CH_0 || c > CH_9) return -1;
    n = n * 10 + (c - CH_0);
  }
  if (i === first || i - first > 15) return -1;
  out[0] = negative ? -n || 0 : n;
  return i;
}

/** The comma ending the suffix field starting at a (empty or dotted, see isSuffix), or -1. */
function suffixEnd(s: string, a: number, len: number): number {
  if (a === len) return -1;
  let c = s.charCodeAt(a);
  if (c === CH_COMMA) return a;
  if (c !== CH_DOT) return -1;
  let i = a + 1;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c === CH_COMMA) break;
    if (!isSuffixChar(c)) return -1;
  }
  return i === len || i - a < 2 ? -1 : i;
}

// ---------------------------------------------------------------------------
// T, D, M, C, L, N: ..., user, email, host, session id

/** Index of the session id in the smallest entry of these types (path plus seven fields). */
const MIN_SESSION = 7;

function parseOther(
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
 * The searches below step their index in the loop condition, which the first
 * candidate runs too: the first candidate is nearly always the one, and V8
 * would otherwise meet the step only at some rare line, after compiling this
 * function, and compile it again.
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
    case 'C': {
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
    case 'T': {
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
    default: {
      // L and N: path, `to`, target, reserved (empty), user, email, host.
      let e = j - 3;
      while (--e >= 3 && !sc.isEmpty(e));
      if (e < 3) return 'missing reserved field';
      const absolute = s.charCodeAt(sc.commas[0] + 1) === CH_SLASH;
      let to = -1;
      for (let t = 0; ++t <= e - 2; ) {
        if (!sc.isTo(s, t)) continue;
        if (to < 0) to = t;
        if (!absolute || s.charCodeAt(sc.commas[t + 1] + 1) === CH_SLASH) {
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
  }
}

/**
 * The parser behind parseNcftpdLine and looksLikeNcftpd. Sharing it is safe:
 * a call runs to its end before another can start.
 */
const PARSER = new NcftpdParser();
const PREFIX_SCANNER = new NcftpdScanner();
