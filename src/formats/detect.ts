/**
 * Format auto-detection from the first non-empty lines, and a single
 * entry point to the per-format parsers. Pure.
 */
import type { CivilTime, FormatEntry, LogFormat, ParseResult } from '../model.js';
import { eftLineTime, isEftHeaderLine, looksLikeEft, parseEftLine } from './eft.js';
import { looksLikeNcftpd, ncftpdLineTime, parseNcftpdLine } from './ncftpd.js';

export type FormatOption = LogFormat | 'auto';
export const FORMAT_OPTIONS: readonly FormatOption[] = ['eft', 'ncftpd', 'auto'];

/** The format one line shows, or undefined when it shows neither. */
export function detectLineFormat(text: string): LogFormat | undefined {
  if (looksLikeNcftpd(text)) return 'ncftpd';
  if (looksLikeEft(text) || isEftHeaderLine(text)) return 'eft';
  return undefined;
}

/** The format of a sample of lines: the first line that shows one decides. */
export function detectFormat(lines: Iterable<string>): LogFormat | undefined {
  for (const text of lines) {
    const f = detectLineFormat(text);
    if (f !== undefined) return f;
  }
  return undefined;
}

export function parseLine(format: LogFormat, text: string): ParseResult<FormatEntry> {
  return format === 'eft' ? parseEftLine(text) : parseNcftpdLine(text);
}

/** The time a line that does not parse still shows where its format puts the time; undefined when it shows none. */
export function lineTime(format: LogFormat, text: string): CivilTime | undefined {
  return format === 'eft' ? eftLineTime(text) : ncftpdLineTime(text);
}
