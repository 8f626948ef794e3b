/**
 * parse(): LogLine in, ParsedLine out. Skipped lines (blank, header) are
 * counted, not emitted. With format 'auto' the first lines are held (at most
 * DETECT_WINDOW of them) until one shows its format.
 */
import type { Transform } from 'node:stream';
import { stage } from './stage.js';
import type { LogFormat, LogLine, ParsedLine } from '../model.js';
import { detectLineFormat, FORMAT_OPTIONS, parseLine, type FormatOption } from '../formats/detect.js';
import { FtplogError, invalidOption } from '../errors.js';

export interface ParseOptions {
  /** Input format; 'auto' detects it from the first non-empty lines. @default 'auto' */
  format?: FormatOption;
  /** Parsed lines buffered on the readable side before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface ParseStats {
  lines: number;
  entries: number;
  errors: number;
  skippedBlank: number;
  skippedHeader: number;
  /** The format in use: the option's, or the detected one. */
  format: LogFormat | undefined;
}

export interface ParseStream extends Transform {
  readonly stats: Readonly<ParseStats>;
}

/** Lines held while auto-detecting; past this, undetectable lines become parse errors. */
export const DETECT_WINDOW = 16;

export function validateFormat(format: unknown): FormatOption {
  if (typeof format !== 'string' || !(FORMAT_OPTIONS as readonly string[]).includes(format)) {
    throw invalidOption('format', 'one of "eft", "ncftpd", "auto"', format);
  }
  return format as FormatOption;
}

/**
 * A reusable line parser with the stage's counting and detection rules, for
 * callers that fuse stages (the stream below wraps it).
 */
export class LineParser {
  readonly stats: ParseStats;
  private readonly held: LogLine[] = [];

  constructor(format: FormatOption = 'auto') {
    const f = validateFormat(format);
    this.stats = { lines: 0, entries: 0, errors: 0, skippedBlank: 0, skippedHeader: 0, format: f === 'auto' ? undefined : f };
  }

  push(line: LogLine, emit: (p: ParsedLine) => void): void {
    this.stats.lines++;
    let format = this.stats.format;
    if (format === undefined) {
      if (line.truncated !== true) format = detectLineFormat(line.text);
      if (format === undefined) {
        if (isBlank(line.text)) {
          this.stats.skippedBlank++;
          return;
        }
        this.held.push(line);
        if (this.held.length > DETECT_WINDOW) this.fail(this.held.shift()!, undefined, 'format not recognised', emit);
        return;
      }
      this.stats.format = format;
      const held = this.held.splice(0);
      for (const h of held) this.parse(format, h, emit);
    }
    this.parse(format, line, emit);
  }

  end(emit: (p: ParsedLine) => void): void {
    for (const h of this.held.splice(0)) this.fail(h, undefined, 'format not recognised', emit);
  }

  private parse(format: LogFormat, line: LogLine, emit: (p: ParsedLine) => void): void {
    if (line.truncated === true) {
      this.fail(line, format, 'line too long (truncated)', emit);
      return;
    }
    const r = parseLine(format, line.text);
    switch (r.kind) {
      case 'entry':
        this.stats.entries++;
        emit({ kind: 'entry', entry: r.entry, line });
        return;
      case 'skip':
        if (r.reason === 'blank') this.stats.skippedBlank++;
        else this.stats.skippedHeader++;
        return;
      case 'error':
        this.fail(line, format, r.reason, emit);
        return;
      default:
        throw new FtplogError('ERR_INTERNAL', `parser returned an unknown result kind`);
    }
  }

  private fail(line: LogLine, format: LogFormat | undefined, reason: string, emit: (p: ParsedLine) => void): void {
    this.stats.errors++;
    emit({ kind: 'error', format, reason, line });
  }
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

export function parse(options: ParseOptions = {}): ParseStream {
  const { highWaterMark = 1024 } = options;
  const parser = new LineParser(options.format ?? 'auto');
  const stream = stage<LogLine, ParsedLine>(
    { objectMode: true, highWaterMark },
    (emit) => ({ step: (line) => parser.push(line, emit), end: () => parser.end(emit) }),
  );
  return Object.assign(stream, { stats: parser.stats }) as ParseStream;
}
