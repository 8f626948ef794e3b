/**
 * Format auto-detection from the first non-empty lines, and a single
 * entry point to the per-format parsers. Pure.
 */
import type { CivilTime, FormatEntry, LogFormat, ParseResult } from '../model.js';
import { eftLineTime, isEftHeaderLine, looksLikeEft, parseEftLine } from './eft.js';
import { looksLikeNcftpd, ncftpdLineTime, parseNcftpdLine } from './ncftpd.js';
import { looksLikeVsftpd, parseVsftpdLine, vsftpdLineTime } from './vsftpd.js';
import { looksLikeXferlog, parseXferlogLine, xferlogLineTime } from './xferlog.js';

export type FormatOption = LogFormat | 'auto';
export const FORMAT_OPTIONS: readonly FormatOption[] = ['eft', 'ncftpd', 'xferlog', 'vsftpd', 'auto'];

/** The format one line shows, or undefined when it shows neither. */
export function detectLineFormat(text: string): LogFormat | undefined {
  if (looksLikeNcftpd(text)) return 'ncftpd';
  // Both start with the same time stamp; vsftpd's own log has `[pid N]` after it, xferlog a number.
  if (looksLikeVsftpd(text)) return 'vsftpd';
  if (looksLikeXferlog(text)) return 'xferlog';
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
  switch (format) {
    case 'eft':
      return parseEftLine(text);
    case 'ncftpd':
      return parseNcftpdLine(text);
    case 'xferlog':
      return parseXferlogLine(text);
    default:
      return parseVsftpdLine(text);
  }
}

/** The time a line that does not parse still shows where its format puts the time; undefined when it shows none. */
export function lineTime(format: LogFormat, text: string): CivilTime | undefined {
  switch (format) {
    case 'eft':
      return eftLineTime(text);
    case 'ncftpd':
      return ncftpdLineTime(text);
    case 'xferlog':
      return xferlogLineTime(text);
    default:
      return vsftpdLineTime(text);
  }
}
