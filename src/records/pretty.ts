/**
 * The `parse --pretty` view: a record as one line for people to read.
 *
 *   2024-11-18 07:01:52Z  INFO   ftp.upload    success  müller.k  198.51.100.23  /ap/inbox/Rechnung 08353.pdf  SSH_FX_OK (0)
 *
 * Time (UTC, as the record carries it: --timezone says how the log's times
 * are read, not how they are shown), severity, event, outcome, user, peer
 * (EFT server.address, NcFTPd client.address), path (→ target for renames
 * and symlinks), status (name and code), and for NcFTPd transfers the bytes
 * and seconds. A parse error shows its reason, where it was, and its line.
 *
 * Every text taken from a log goes through escapeControls(), so a line can
 * never move the cursor, clear the screen or reorder what is shown. Pure.
 */
import type { FtpLogRecord } from '../model.js';
import { PARSE_ERROR_EVENT } from '../enrich/enrich.js';

/**
 * The characters a terminal acts on rather than shows: C0 (tab and line
 * breaks included), DEL, C1, the line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * `text` with each control character as a visible escape: `\x1b` below
 * U+0100, `\u202e` above. A backslash is left as it is (Windows paths are
 * full of them), so the view is for reading; the JSONL output is exact.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** SGR codes of the styles the view uses. */
const SGR = { red: [31, 39], yellow: [33, 39], bold: [1, 22], dim: [2, 22] } as const;
export type Style = keyof typeof SGR;

export interface PrettyOptions {
  /** ANSI colours and emphasis. @default false */
  readonly colour?: boolean;
}

/** `2024-11-18 07:01:52Z`, with `.123` when the time has milliseconds; `-` padded to that width when there is no time. */
export function prettyTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-'.padEnd(20);
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac === '.000' ? '' : frac}Z`;
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  return escapeControls(Array.isArray(v) ? v.join(',') : String(v));
}

/** `SSH_FX_OK (0)`, `OK`, `226`: the decoded name and the code as logged. */
function status(a: FtpLogRecord['attributes']): string | undefined {
  const name = text(a['ftp.status.name']);
  const code = text(a['ftp.status.code']);
  if (name !== undefined && code !== undefined) return `${name} (${code})`;
  return name ?? code;
}

/** `37830 B 0.664 s` for an NcFTPd transfer. */
function transfer(a: FtpLogRecord['attributes']): string | undefined {
  const bytes = a['ftp.transfer.bytes'];
  if (typeof bytes !== 'number') return undefined;
  const seconds = a['ftp.transfer.duration'];
  return typeof seconds === 'number' ? `${bytes} B ${seconds.toFixed(3)} s` : `${bytes} B`;
}

/** One record as one line, without its line break. */
export function prettyRecord(r: FtpLogRecord, options: PrettyOptions = {}): string {
  const paint = (style: Style, s: string): string => (options.colour === true ? `\x1b[${SGR[style][0]}m${s}\x1b[${SGR[style][1]}m` : s);
  const a = r.attributes;
  const severity = r.severityText.padEnd(5);
  const fields = [
    paint('dim', prettyTime(r.timestamp)),
    r.severityText === 'ERROR' ? paint('red', severity) : r.severityText === 'WARN' ? paint('yellow', severity) : severity,
    escapeControls(r.eventName).padEnd(12),
  ];
  if (r.eventName === PARSE_ERROR_EVENT) {
    const where = text(a['log.file.name']) ?? text(a['log.file.path']);
    const at = where !== undefined && r.position !== undefined ? ` (${where}:${r.position.line})` : '';
    fields.push(paint('yellow', `${text(a['ftplog.error']) ?? 'not parsed'}${at}`), paint('dim', `| ${escapeControls(r.body)}`));
    return fields.join('  ');
  }
  const failed = a['ftp.outcome'] === 'failure';
  const fail = (s: string): string => (failed ? paint('red', paint('bold', s)) : s);
  const path = text(a['file.path']);
  const target = text(a['ftp.target.path']);
  const st = status(a);
  const errorType = text(a['error.type']);
  fields.push(
    fail((text(a['ftp.outcome']) ?? 'unknown').padEnd(7)),
    text(a['user.name']) ?? '-',
    text(a['server.address']) ?? text(a['client.address']) ?? '-',
    (path ?? '-') + (target !== undefined ? ` → ${target}` : ''),
  );
  if (st !== undefined) fields.push(failed ? paint('red', st) : st);
  // error.type names the failure when the status has no name of its own (ftp_530, eft_action_failed).
  if (failed && errorType !== undefined && errorType !== text(a['ftp.status.name'])) fields.push(paint('red', errorType));
  const moved = transfer(a);
  if (moved !== undefined) fields.push(moved);
  return fields.join('  ');
}
