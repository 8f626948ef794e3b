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
 * Layout: ncftpd/tokenizer.ts reads the prefix, the comma table and single
 * fields (NcftpdScanner), with the character codes and tokens of
 * ncftpd/tokens.ts; ncftpd/transfer.ts holds the rules for R and S,
 * ncftpd/entries.ts those for T, D, M, C, L and N; this module ties them
 * into NcftpdParser. The results of a scan (prefix numbers, comma table,
 * numbers read) are fields of objects that each parser owns, not returned
 * objects, so that a line allocates none and parsers share no state.
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
 *   general rules (parseTransfer) try first and leaves any other line to
 *   them, so both give the same entry. Other lines, and T, D, M, C, L and N,
 *   go the general way: comma table, then anchoring.
 * - Rare paths are kept out of the hot functions, or written so that their
 *   operations also run for ordinary lines: V8 compiles a function for what
 *   it has seen run, and recompiles it (at a cost of many thousand lines)
 *   when another path is taken.
 * - Tokens whose characters were compared anyway (status, transfer type,
 *   notes) are taken from constants instead of sliced out.
 * - Character codes are a const enum (ncftpd/tokens.ts), whose values tsc
 *   writes in place: a number imported as a `const` from another module is
 *   read from that module's binding at every use.
 */
import type { CivilTime, NcftpdEntry, NcftpdEntryType, ParseResult } from '../model.js';
import { parseOther } from './ncftpd/entries.js';
import { NcftpdScanner, NO_PIPE, NO_TAG, quoteDate } from './ncftpd/tokenizer.js';
import { Ch, entryType, quote } from './ncftpd/tokens.js';
import { TransferReader } from './ncftpd/transfer.js';

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
    const type = body + 1 < len && s.charCodeAt(body + 1) === Ch.COMMA ? entryType(s.charCodeAt(body)) : undefined;
    if (type === undefined) return badEntryType(s, body);
    // A line without its final comma is left to the general rules, which tell a
    // cut-short entry from one with text after its last field.
    if ((type === 'R' || type === 'S') && s.charCodeAt(len - 1) === Ch.COMMA) {
      const entry = this.transfer.quickTransfer(s, body + 2, time, process, type);
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

/**
 * The parser behind parseNcftpdLine, and the scanner behind looksLikeNcftpd.
 * Sharing them is safe: a call runs to its end before another can start.
 */
const PARSER = new NcftpdParser();
const PREFIX_SCANNER = new NcftpdScanner();

/** Is `text` shaped like an NcFTPd log line (date, time, process tag, `|`)? */
export function looksLikeNcftpd(text: string): boolean {
  return PREFIX_SCANNER.scanPrefix(text) >= 0;
}

/**
 * The time a line that does not parse still shows in its prefix (date, time,
 * process tag, `|`), for its parse-error record; undefined without that prefix.
 */
export function ncftpdLineTime(text: string): CivilTime | undefined {
  return PREFIX_SCANNER.scanPrefix(text) < 0 ? undefined : PREFIX_SCANNER.readTime(text);
}

/** Parses one transfer log line, given without its terminator. Never throws. */
export function parseNcftpdLine(text: string): ParseResult<NcftpdEntry> {
  return PARSER.parse(text);
}

/** The result for a line without a valid prefix (scanPrefix returned `body`, or the time is out of range). */
function badPrefix(s: string, body: number): ParseResult<NcftpdEntry> {
  // A blank line cannot have the prefix, so it is looked for only here.
  const c0 = s.charCodeAt(0);
  if ((c0 < Ch.ZERO || c0 > Ch.NINE) && s.trim() === '') return BLANK;
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

function fail(reason: string): ParseResult<NcftpdEntry> {
  return { kind: 'error', reason };
}
