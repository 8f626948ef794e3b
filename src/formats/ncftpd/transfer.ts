/**
 * The rules for R and S (transfer) entries: the one-pass reading of the
 * usual entry (quickTransfer), and the general rules on the comma table for
 * every other one (parseTransfer). See the design note in ../ncftpd.ts.
 * Pure.
 */
import type { CivilTime, NcftpdEntry, NcftpdEntryType } from '../../model.js';
import { Ch, STATUS, note, statusAt } from './tokens.js';
import { TOO_LONG, readDecimal, readInt, readUint, suffixEnd, type NcftpdScanner } from './tokenizer.js';

/**
 * The reader of R and S entries for one parser, on that parser's scanner.
 * What a step reads ahead of building the entry (the triple's numbers, the
 * fields after the status) is kept in its fields, so that it is read only
 * once and no line allocates a result object.
 */
export class TransferReader {
  /** The numbers of the triple findTriple found. */
  private size = 0;
  private duration = 0;
  private rate = 0;
  /** The fields after the status: the numbers from transferTail or readTail, the rest from readTail. */
  private transferType: string | undefined = undefined;
  private notes: string[] | undefined = undefined;
  private startTime: number | undefined = undefined;
  private sessionId: string | undefined = undefined;
  private startSize: number | undefined = undefined;
  private startOffset: number | undefined = undefined;

  constructor(private readonly sc: NcftpdScanner) {}

  /** Reads an R or S entry, on the comma table, by the general rules; returns the entry or the reason it is not one. */
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
      if (c < Ch.ZERO || c > Ch.NINE) continue;
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

  // The usual R and S entry, in one pass.

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
   * call (and the comma table) that NcftpdParser.parseFields spends on every
   * comma.
   */
  quickTransfer(
    s: string,
    from: number,
    time: CivilTime,
    process: string,
    type: NcftpdEntryType,
  ): NcftpdEntry | undefined {
    const len = s.length;
    const value = this.sc.value;
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
    const hostStart = (s.charCodeAt(emailStart) === Ch.COMMA ? emailStart : s.indexOf(',', emailStart)) + 1;
    if (hostStart === 0) return undefined;
    const suffixStart = s.indexOf(',', hostStart) + 1;
    if (suffixStart === 0) return undefined;
    // Suffix: empty or dotted, then the status.
    const statusStart = suffixEnd(s, suffixStart, len) + 1;
    if (statusStart === 0) return undefined;
    q = statusStart;
    while (q < len && q - statusStart <= 10 && s.charCodeAt(q) !== Ch.COMMA) q++;
    const status = statusAt(s, statusStart, q);
    if (status === 0) return undefined;

    if (!this.readTail(s, q, len, value)) return undefined;

    return {
      format: 'ncftpd',
      time,
      process,
      type,
      path: s.slice(from, pathEnd),
      user: emailStart - 1 > userStart ? s.slice(userStart, emailStart - 1) : undefined,
      email: hostStart - 1 > emailStart ? s.slice(emailStart, hostStart - 1) : undefined,
      host: suffixStart - 1 > hostStart ? s.slice(hostStart, suffixStart - 1) : undefined,
      sessionId: this.sessionId,
      size,
      duration,
      rate,
      suffix: statusStart - 1 > suffixStart ? s.slice(suffixStart, statusStart - 1) : undefined,
      status: STATUS[status],
      transferType: this.transferType,
      notes: this.notes,
      startTime: this.startTime,
      startSize: this.startSize,
      startOffset: this.startOffset,
      pattern: undefined,
      recursive: undefined,
      mode: undefined,
      target: undefined,
      extra: undefined,
    };
  }

  /**
   * Reads the fields after the status, which ends at q, as many as the line
   * has (older versions log fewer), into transferType .. startOffset. Returns
   * false when one is not of its shape, or when fields follow the known ones:
   * such lines are left to parseTransfer. The line has another field when q
   * is neither the line's end nor its final comma.
   */
  private readTail(s: string, q: number, len: number, value: Float64Array): boolean {
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
      if (c !== Ch.COMMA) {
        if (c < Ch.A || c > Ch.Z || (++a < len && s.charCodeAt(a) !== Ch.COMMA)) return false;
        transferType = c === 73 ? 'I' : c === 65 ? 'A' : s.slice(q + 1, a);
      }
      q = a;
      if (q >= len - 1) break tail;
      // Notes: two-letter codes, collected into an array of the final length
      // for the usual one or two.
      let first: string | undefined;
      for (a = q + 1; a < len; a += 2) {
        const c = s.charCodeAt(a);
        if (c === Ch.COMMA) break;
        if (c < Ch.A || c > Ch.Z || a + 1 === len) return false;
        const d = s.charCodeAt(a + 1);
        if (d < Ch.a || d > Ch.z) return false;
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
      if (q < 0) return false;
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
      if (q < 0) return false;
      if (q > a && value[0] !== -1) startSize = value[0];
      if (q >= len - 1) break tail;
      a = q + 1;
      q = readInt(s, a, len, value);
      if (q < 0) return false;
      if (q > a && value[0] !== -1) startOffset = value[0];
      // Anything after the known fields (rare) is left to parseTransfer.
      if (q < len - 1) return false;
    }
    this.transferType = transferType;
    this.notes = notes;
    this.startTime = startTime;
    this.sessionId = sessionId;
    this.startSize = startSize;
    this.startOffset = startOffset;
    return true;
  }
}
