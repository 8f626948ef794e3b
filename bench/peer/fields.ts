/**
 * How a record the Collector's regex pipeline made is set against the record
 * ftplog-otel made for the same line: each capture of the regexes in
 * bench/collector/ is mapped to the attribute ftplog-otel gives that field,
 * and its text read the way a backend would compare it (a number as a
 * number, an empty capture as no value). Fixed renamings that need no
 * decoding are applied too (NcFTPd's entry letter to the operation, A/I to
 * ascii/binary, "-1" to unknown), and case is forgiven where ftplog-otel
 * lowercases, so that only what the regexes capture wrong counts.
 */
import type { Format } from '../harness.js';

export type AttrValue = string | number | boolean | string[];

/** A record as `ftplog-otel parse` prints it. */
export interface OurRecord {
  timestamp: string | null;
  severityNumber: number;
  eventName: string;
  body: string;
  attributes: Record<string, AttrValue>;
}

/** A record as the Collector's file exporter wrote it, flattened. */
export interface PeerRecord {
  body: string;
  /** Undefined when no time was parsed. */
  timeMs: number | undefined;
  severityNumber: number;
  attributes: Record<string, string>;
}

interface Rule {
  capture: string;
  attribute: string;
  /** The capture's value as ftplog-otel would hold it; undefined for no value. */
  read(raw: string): AttrValue | undefined;
}

const text = (raw: string): string | undefined => (raw === '' ? undefined : raw);
const num = (raw: string): number | undefined => (raw === '' ? undefined : Number(raw));
const known = (raw: string): number | undefined => (raw === '-1' ? undefined : num(raw));
const table =
  (t: Record<string, string>) =>
  (raw: string): string | undefined =>
    t[raw];

const EFT_RULES: readonly Rule[] = [
  { capture: 'protocol', attribute: 'network.protocol.name', read: (r) => text(r.toLowerCase()) },
  { capture: 'host', attribute: 'server.address', read: text },
  { capture: 'port', attribute: 'server.port', read: num },
  { capture: 'user', attribute: 'user.name', read: text },
  { capture: 'local_path', attribute: 'ftp.local.path', read: text },
  { capture: 'remote_path', attribute: 'file.path', read: text },
  { capture: 'operation', attribute: 'ftp.operation', read: (r) => text(r.toLowerCase().replace(/ /g, '_')) },
  { capture: 'code', attribute: 'ftp.status.code', read: num },
  { capture: 'action_result', attribute: 'eft.action_result', read: num },
];

const NCFTPD_RULES: readonly Rule[] = [
  { capture: 'process', attribute: 'ncftpd.process', read: text },
  { capture: 'type', attribute: 'ftp.operation', read: table({ R: 'download', S: 'upload', T: 'list', D: 'delete', M: 'mkdir', C: 'chmod', L: 'symlink', N: 'rename' }) },
  { capture: 'path', attribute: 'file.path', read: text },
  { capture: 'bytes', attribute: 'ftp.transfer.bytes', read: num },
  { capture: 'duration', attribute: 'ftp.transfer.duration', read: num },
  { capture: 'rate', attribute: 'ftp.transfer.rate', read: num },
  { capture: 'user', attribute: 'user.name', read: text },
  { capture: 'email', attribute: 'user.email', read: text },
  { capture: 'host', attribute: 'client.address', read: text },
  { capture: 'suffix', attribute: 'ftp.transfer.suffix', read: text },
  { capture: 'status', attribute: 'ftp.status.name', read: text },
  { capture: 'xfer_type', attribute: 'ftp.transfer.type', read: table({ A: 'ascii', I: 'binary' }) },
  { capture: 'notes', attribute: 'ftp.transfer.notes', read: (r) => (r === '' ? undefined : (r.match(/../g) ?? [])) },
  { capture: 'start_time', attribute: 'ftp.transfer.start_time', read: num },
  { capture: 'session_id', attribute: 'session.id', read: text },
  { capture: 'start_size', attribute: 'ftp.transfer.start_size', read: known },
  { capture: 'start_offset', attribute: 'ftp.transfer.start_offset', read: known },
  { capture: 'pattern', attribute: 'ftp.list.pattern', read: text },
  { capture: 'recursive', attribute: 'ftp.list.recursive', read: (r) => r === 'RECURSIVE' },
  { capture: 'mode', attribute: 'file.mode', read: text },
  { capture: 'target', attribute: 'ftp.target.path', read: text },
  { capture: 'extra', attribute: 'ftp.extra', read: text },
];

export function rulesFor(format: Format): readonly Rule[] {
  return format === 'eft' ? EFT_RULES : NCFTPD_RULES;
}

/** Whether the regex pipeline parsed the line: every regex captures the time. */
export function parsedByPeer(r: PeerRecord): boolean {
  return r.attributes['time'] !== undefined;
}

function same(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * The fields the regex pipeline produced for a line it parsed that differ
 * from ftplog-otel's record: the event time and severity (which its
 * operators always set for a parsed line), and every capture it made.
 */
export function differingFields(format: Format, ours: OurRecord, peer: PeerRecord): string[] {
  const wrong: string[] = [];
  const ourTime = ours.timestamp === null ? undefined : Date.parse(ours.timestamp);
  if (peer.timeMs !== ourTime) wrong.push('timestamp');
  if (peer.severityNumber !== ours.severityNumber) wrong.push('severity');
  for (const rule of rulesFor(format)) {
    const raw = peer.attributes[rule.capture];
    if (raw === undefined) continue;
    if (!same(rule.read(raw), ours.attributes[rule.attribute])) wrong.push(rule.attribute);
  }
  return wrong;
}
