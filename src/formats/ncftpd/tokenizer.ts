/**
 * The tokenizer of NcFTPd transfer log lines: the prefix (date, time,
 * process tag), the comma table of the fields after the entry type and the
 * readers of one field's shape or number (NcftpdScanner), and the one-pass
 * number readers that find a field's end as they read it. The rules that
 * decide which field is which are in transfer.ts and entries.ts; the design
 * note in ../ncftpd.ts explains both. Pure.
 */
import type { CivilTime } from '../../model.js';
import { Ch, BASE64, POW10, isDigit, isSuffixChar, note, quote, statusAt } from './tokens.js';

// ---------------------------------------------------------------------------
// Prefix: `YYYY-MM-DD HH:MM:SS[.fff] TAG   | ` or `YY/MM/DD HH:MM:SS ...`

const BAD_DATE = -1;
export const NO_TAG = -2;
export const NO_PIPE = -3;

/** The two-digit number at i (in bounds), or -1 when either character is not a digit. */
function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - Ch.ZERO;
  const b = s.charCodeAt(i + 1) - Ch.ZERO;
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

export function quoteDate(s: string): string {
  // The date token, and the time token when one follows.
  let end = s.indexOf(' ');
  if (end < 0) return quote(s, 0, s.length);
  if (end + 1 < s.length && isDigit(s.charCodeAt(end + 1))) {
    const next = s.indexOf(' ', end + 1);
    end = next < 0 ? s.length : next;
  }
  return quote(s, 0, end);
}

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
    const d = s.charCodeAt(2) === Ch.SLASH ? 8 : 10;
    const separator = d === 8 ? Ch.SLASH : Ch.MINUS;
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
    if (s.charCodeAt(d) !== Ch.SPACE) return BAD_DATE;
    const t = d + 1;
    if (s.charCodeAt(t + 2) !== Ch.COLON || s.charCodeAt(t + 5) !== Ch.COLON) return BAD_DATE;
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
    if (c === Ch.DOT) {
      const f = ++i;
      while (i < len && isDigit((c = s.charCodeAt(i)))) i++;
      if (i === f) return BAD_DATE;
    }
    this.timePos = i;
    if (i === len || c !== Ch.SPACE) return BAD_DATE;
    do {
      if (++i === len) return NO_TAG;
      c = s.charCodeAt(i);
    } while (c === Ch.SPACE);
    const tagStart = i;
    while (c !== Ch.SPACE && c !== Ch.PIPE && ++i < len) c = s.charCodeAt(i);
    if (i === tagStart) return NO_TAG;
    this.tagStart = tagStart;
    this.tagEnd = i;
    while (c === Ch.SPACE && ++i < len) c = s.charCodeAt(i);
    if (i === len || c !== Ch.PIPE) return NO_PIPE;
    i++;
    if (i < len && s.charCodeAt(i) === Ch.SPACE) i++;
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
      millisecond = (s.charCodeAt(f) - Ch.ZERO) * 100;
      if (timePos > f + 1) millisecond += (s.charCodeAt(f + 1) - Ch.ZERO) * 10;
      if (timePos > f + 2) millisecond += s.charCodeAt(f + 2) - Ch.ZERO;
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
      if (c < Ch.A || c > Ch.Z) return false;
    }
    return true;
  }

  /** Empty, or a dotted token such as `.tar`, `.tar.Z`, `.tar.gz`. */
  isSuffix(s: string, j: number): boolean {
    const a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    if (a === b) return true;
    if (b - a < 2 || s.charCodeAt(a) !== Ch.DOT) return false;
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
      if (c < Ch.A || c > Ch.Z || d < Ch.a || d > Ch.z) return false;
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
    return len === 1 && c >= Ch.A && c <= Ch.Z;
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
      if (c < Ch.ZERO || c > Ch.SEVEN) return false;
    }
    return true;
  }

  /** Unsigned integer field (optionally signed), or NaN. */
  intField(s: string, j: number, signed: boolean): number {
    let a = this.commas[j] + 1;
    const b = this.commas[j + 1];
    let sign = 1;
    if (signed && s.charCodeAt(a) === Ch.MINUS) {
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
      if (c < Ch.ZERO || c > Ch.NINE) return NaN;
      n = n * 10 + (c - Ch.ZERO);
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
      if (c >= Ch.ZERO && c <= Ch.NINE) {
        n = n * 10 + (c - Ch.ZERO);
        nd++;
      } else if (c === Ch.DOT && dot < 0) {
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

/** `p`, twice as long. */
function grown(p: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const g = new Int32Array(p.length * 2);
  g.set(p);
  return g;
}

// ---------------------------------------------------------------------------
// One-pass number readers, for the usual R and S entry (transfer.ts)

/**
 * What readUint and readDecimal return for a number of more than 15 digits,
 * which intField and decField still read (through Number): the line is then
 * left to the general rules (TransferReader), not taken for one without a
 * triple there.
 */
export const TOO_LONG = -2;

/**
 * Unsigned integer from a up to the next comma or the end, as intField reads
 * it, into out[0]. Returns where the field ends, -1 if it is not a number,
 * or TOO_LONG.
 */
export function readUint(s: string, a: number, len: number, out: Float64Array): number {
  let n = -0; // see readDecimal
  let i = a;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.COMMA) break;
    if (c < Ch.ZERO || c > Ch.NINE) return -1;
    n = n * 10 + (c - Ch.ZERO);
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
export function readDecimal(s: string, a: number, len: number, out: Float64Array): number {
  // -0 rather than 0: a double from the start, so that V8 compiles the
  // arithmetic for doubles instead of for small integers, which it would have
  // to throw away (deoptimize) at the first number past 2^31. -0 * 10 + d is d.
  let n = -0;
  let nd = 0;
  let dot = -1;
  let i = a;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= Ch.ZERO && c <= Ch.NINE) {
      n = n * 10 + (c - Ch.ZERO);
      nd++;
    } else if (c === Ch.DOT && dot < 0) {
      dot = i;
    } else if (c === Ch.COMMA) {
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
export function readInt(s: string, a: number, len: number, out: Float64Array): number {
  let c = s.charCodeAt(a);
  if (c === Ch.COMMA) return a;
  const negative = c === Ch.MINUS;
  const first = negative ? a + 1 : a;
  let n = -0; // see readDecimal
  let i = first;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c === Ch.COMMA) break;
    if (c < Ch.ZERO || c > Ch.NINE) return -1;
    n = n * 10 + (c - Ch.ZERO);
  }
  if (i === first || i - first > 15) return -1;
  out[0] = negative ? -n || 0 : n;
  return i;
}

/** The comma ending the suffix field starting at a (empty or dotted, see isSuffix), or -1. */
export function suffixEnd(s: string, a: number, len: number): number {
  if (a === len) return -1;
  let c = s.charCodeAt(a);
  if (c === Ch.COMMA) return a;
  if (c !== Ch.DOT) return -1;
  let i = a + 1;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c === Ch.COMMA) break;
    if (!isSuffixChar(c)) return -1;
  }
  return i === len || i - a < 2 ? -1 : i;
}
