import type { NcftpdEntry } from '../../src/model.js';

/** The keys every NcFTPd entry carries, in the parser's order. */
export const NCFTPD_ENTRY_KEYS = [
  'format', 'time', 'process', 'type', 'path', 'user', 'email', 'host', 'sessionId',
  'size', 'duration', 'rate', 'suffix', 'status', 'transferType', 'notes', 'startTime', 'startSize', 'startOffset',
  'pattern', 'recursive', 'mode', 'target', 'extra',
] as const;

/** `fields` with every other key of an entry set to undefined, in the parser's order. */
export function fullEntry(fields: Partial<NcftpdEntry>): NcftpdEntry {
  const e: Record<string, unknown> = {};
  for (const key of NCFTPD_ENTRY_KEYS) e[key] = (fields as Record<string, unknown>)[key];
  return e as unknown as NcftpdEntry;
}
