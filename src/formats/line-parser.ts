/**
 * LineParser: LogLine in, ParsedLine out, with the counting and detection
 * rules every reader shares. Skipped lines (blank, header) are counted, not
 * emitted. With format 'auto' the first lines are held (at most
 * DETECT_WINDOW of them) until one shows its format. Pure: the parse()
 * stream stage and the fused record pipeline wrap it.
 */
import type { LogFormat, LogLine, ParsedLine } from '../model.js';
import type { LineEnd } from '../split/line-end.js';
import { detectLineFormat, FORMAT_OPTIONS, lineTime, parseLine, type FormatOption } from './detect.js';
import { FtplogError, invalidOption } from '../errors.js';

export interface ParseStats {
  lines: number;
  entries: number;
  errors: number;
  skippedBlank: number;
  skippedHeader: number;
  /** Lines of an input left out because its format was not recognised (skipUnrecognised). */
  unrecognised: number;
  /** The format in use: the option's, or the detected one. */
  format: LogFormat | undefined;
}

/** Lines held while auto-detecting; past this, undetectable lines become parse errors. */
export const DETECT_WINDOW = 16;

export function validateFormat(format: unknown): FormatOption {
  if (typeof format !== 'string' || !(FORMAT_OPTIONS as readonly string[]).includes(format)) {
    throw invalidOption('format', 'one of ' + FORMAT_OPTIONS.map((f) => `"${f}"`).join(', '), format);
  }
  return format as FormatOption;
}

export interface LineParserOptions {
  /**
   * An input whose first lines show no format (auto-detection) is left out
   * as a whole, counted in `unrecognised`, instead of each line becoming a
   * parse error. @default false
   */
  skipUnrecognised?: boolean;
  /** Called once when an input is given up on (with skipUnrecognised). */
  onUnrecognised?: () => void;
}

/**
 * A reusable line parser with the stage's counting and detection rules, for
 * callers that fuse stages (the stream below wraps it).
 */
export class LineParser {
  readonly stats: ParseStats;
  private readonly held: LogLine[] = [];
  /**
   * How the lines were cut, when the caller knows (the fused pipeline asks
   * its cutter): a line then only needs searching for the other line end.
   */
  lineEnd: (() => LineEnd | undefined) | undefined;
  private readonly skipUnrecognised: boolean;
  private readonly onUnrecognised: (() => void) | undefined;
  private gaveUp = false;

  constructor(format: FormatOption = 'auto', options: LineParserOptions = {}) {
    const f = validateFormat(format);
    this.stats = { lines: 0, entries: 0, errors: 0, skippedBlank: 0, skippedHeader: 0, unrecognised: 0, format: f === 'auto' ? undefined : f };
    this.skipUnrecognised = options.skipUnrecognised === true;
    this.onUnrecognised = options.onUnrecognised;
  }

  /** Whether lines are held (format detection): the position of the last line pushed is not yet dealt with. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Whether the input was given up on as not recognised (with `skipUnrecognised`). */
  get skipping(): boolean {
    return this.gaveUp;
  }

  /**
   * Leaves every line from now on out, counted in `stats.unrecognised`,
   * without a call of `onUnrecognised`: for the later blocks of an input
   * whose first block was given up on (worker threads).
   */
  skipAll(): void {
    this.gaveUp = true;
  }

  push(line: LogLine, emit: (p: ParsedLine) => void): void {
    this.stats.lines++;
    let format = this.stats.format;
    if (format === undefined) {
      if (this.gaveUp) {
        this.stats.unrecognised++;
        return;
      }
      if (line.truncated !== true) format = detectLineFormat(line.text);
      if (format === undefined) {
        if (isBlank(line.text)) {
          this.stats.skippedBlank++;
          return;
        }
        this.held.push(line);
        if (this.held.length > DETECT_WINDOW) {
          if (this.skipUnrecognised) this.giveUp();
          else this.fail(this.held.shift()!, undefined, 'format not recognised', emit);
        }
        return;
      }
      this.stats.format = format;
      const held = this.held.splice(0);
      for (const h of held) this.parse(format, h, emit);
    }
    this.parse(format, line, emit);
  }

  end(emit: (p: ParsedLine) => void): void {
    if (this.skipUnrecognised && this.held.length > 0) this.giveUp();
    for (const h of this.held.splice(0)) this.fail(h, undefined, 'format not recognised', emit);
  }

  private giveUp(): void {
    this.stats.unrecognised += this.held.length;
    this.held.length = 0;
    this.gaveUp = true;
    this.onUnrecognised?.();
  }

  private parse(format: LogFormat, line: LogLine, emit: (p: ParsedLine) => void): void {
    if (line.truncated === true) {
      this.fail(line, format, 'line too long (truncated)', emit);
      return;
    }
    const r = parseLine(format, line.text);
    switch (r.kind) {
      case 'entry': {
        const joined = joinedLines(line.text, this.lineEnd?.());
        if (joined !== '') {
          this.fail(line, format, joined, emit, false);
          return;
        }
        this.stats.entries++;
        emit({ kind: 'entry', entry: r.entry, line });
        return;
      }
      case 'skip':
        if (r.reason === 'blank') this.stats.skippedBlank++;
        else this.stats.skippedHeader++;
        return;
      case 'error': {
        // Lines joined by the other line end say so, rather than what the parser made of them.
        const joined = joinedLines(line.text, this.lineEnd?.());
        if (joined !== '') this.fail(line, format, joined, emit, false);
        else this.fail(line, format, r.reason, emit);
        return;
      }
      default:
        throw new FtplogError('ERR_INTERNAL', `parser returned an unknown result kind`);
    }
  }

  private fail(line: LogLine, format: LogFormat | undefined, reason: string, emit: (p: ParsedLine) => void, note = true): void {
    this.stats.errors++;
    const time = format === undefined ? undefined : lineTime(format, line.text);
    const why = note ? reason + lineEndNote(line.text) : reason;
    emit(time === undefined ? { kind: 'error', format, reason: why, line } : { kind: 'error', format, reason: why, line, time });
  }
}

/**
 * Why a line that could not be read may be several lines: it holds the line
 * end its input was not cut on. An input is cut on one line end, chosen on its
 * first 64 KiB (split/line-end.ts), so lines ended the other way further on
 * are read as one; said in the reason, with how many there are in the text
 * kept (an over-long line was cut, so there may be more).
 */
export function lineEndNote(text: string): string {
  const crs = count(text, '\r');
  if (crs > 0) return `; it holds ${crs} lone CR line end(s): CR ends lines only in an input with no LF in its first 64 KiB`;
  const lfs = count(text, '\n');
  if (lfs > 0) return `; it holds ${lfs} LF line end(s): an input with CR but no LF in its first 64 KiB is cut on CR only`;
  return '';
}

/**
 * A line that parsed, but in which a lone CR (an LF in CR mode) is followed
 * by the start of another log line: lines ended the other way, joined. The
 * parsers would read them as one entry (the rest in a path or in
 * `ftp.extra`) and the others would be lost, so it is a parse error instead,
 * with how many lines it holds; '' when there is none. A CR or LF followed
 * by anything else is data, as a stray CR in an LF file always was.
 */
export function joinedLines(text: string, cutOn?: LineEnd): string {
  // A scan of a short string per line (two when the line end is not known):
  // the price of never merging lines silently. A line cut on LF holds no LF,
  // and one cut on CR no CR, so only the other needs looking for.
  const ch =
    cutOn === 'lf' ? (text.indexOf('\r') >= 0 ? '\r' : undefined)
    : cutOn === 'cr' ? (text.indexOf('\n') >= 0 ? '\n' : undefined)
    : text.indexOf('\r') >= 0 ? '\r' : text.indexOf('\n') >= 0 ? '\n' : undefined;
  if (ch === undefined) return '';
  let lines = 1;
  for (let i = text.indexOf(ch); i >= 0; ) {
    const next = text.indexOf(ch, i + 1);
    if (detectLineFormat(text.slice(i + 1, next < 0 ? text.length : next)) !== undefined) lines++;
    i = next;
  }
  if (lines === 1) return '';
  return ch === '\r'
    ? `${lines} log lines joined by lone CR line ends: CR ends lines only in an input with no LF in its first 64 KiB`
    : `${lines} log lines joined by LF line ends: an input with CR but no LF in its first 64 KiB is cut on CR only`;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

