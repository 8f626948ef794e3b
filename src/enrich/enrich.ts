/**
 * Parsed entries to OpenTelemetry-shaped records: decoded status, outcome,
 * severity, event name and the standardized attributes of the record schema
 * (see README). Pure: no streams.
 */
import type {
  Attributes,
  CivilTime,
  EftEntry,
  FtpLogRecord,
  LogFormat,
  LogLine,
  NcftpdEntry,
  NcftpdEntryType,
  ParsedLine,
  SeverityText,
} from '../model.js';
import { SeverityNumber } from '../model.js';
import type { DecodedStatus, Outcome } from '../codes/types.js';
import { decodeEftCode, decodeNcftpdStatus } from '../codes/decode.js';
import { createCivilToEpoch, localTimeZone, type CivilToEpoch } from './timezone.js';
import { invalidOption } from '../errors.js';

export interface EnrichOptions {
  /** IANA zone the log's wall-clock times are read in. @default the machine's local zone */
  timezone?: string;
  /** Clock for `observedTimestamp` (epoch ms). @default Date.now */
  now?: () => number;
}

export const FORMAT_ATTRIBUTE: Record<LogFormat, string> = { eft: 'eft.client', ncftpd: 'ncftpd.xfer' };
export const PARSE_ERROR_EVENT = 'ftplog.parse_error';

const NCFTPD_OPERATIONS: Record<NcftpdEntryType, string> = {
  R: 'download',
  S: 'upload',
  T: 'list',
  D: 'delete',
  M: 'mkdir',
  C: 'chmod',
  L: 'symlink',
  N: 'rename',
};

/** EFT operation words to the normalized operation names. */
const EFT_OPERATIONS: Record<string, string> = {
  download: 'download',
  get: 'download',
  retr: 'download',
  upload: 'upload',
  put: 'upload',
  stor: 'upload',
  list: 'list',
  dir: 'list',
  nlst: 'list',
  mlsd: 'list',
  delete: 'delete',
  del: 'delete',
  dele: 'delete',
  remove: 'delete',
  rmdir: 'delete',
  mkdir: 'mkdir',
  mkd: 'mkdir',
  makedir: 'mkdir',
  chmod: 'chmod',
  symlink: 'symlink',
  rename: 'rename',
  move: 'rename',
};

let lastOp = '';
let lastNormalized = '';

/** Normalized operation of an EFT operation word (unknown words: lowercased, spaces as `_`). */
export function normalizeEftOperation(op: string): string {
  if (op === lastOp) return lastNormalized;
  const lower = op.toLowerCase();
  const normalized = Object.hasOwn(EFT_OPERATIONS, lower) ? EFT_OPERATIONS[lower]! : lower.replace(/\s+/g, '_');
  lastOp = op;
  lastNormalized = normalized;
  return normalized;
}

export function severityOf(outcome: Outcome, transient: boolean): SeverityText {
  if (outcome !== 'failure') return 'INFO';
  return transient ? 'WARN' : 'ERROR';
}

export type Enricher = (parsed: ParsedLine) => FtpLogRecord;

/** Builds the enrich function: one call per parsed line. */
export function createEnricher(options: EnrichOptions = {}): Enricher {
  if (options.timezone !== undefined && typeof options.timezone !== 'string') {
    throw invalidOption('timezone', 'an IANA time zone name', options.timezone);
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw invalidOption('now', 'a function', options.now);
  const zoneToEpoch = createCivilToEpoch(options.timezone ?? localTimeZone());
  // Consecutive lines mostly share their second: reuse the last conversion.
  let lastTime: CivilTime | undefined;
  let lastEpoch = 0;
  const toEpoch: CivilToEpoch = (t) => {
    const p = lastTime;
    if (
      p !== undefined &&
      p.second === t.second &&
      p.minute === t.minute &&
      p.hour === t.hour &&
      p.day === t.day &&
      p.month === t.month &&
      p.year === t.year &&
      p.millisecond === t.millisecond
    ) {
      return lastEpoch;
    }
    lastTime = t;
    lastEpoch = zoneToEpoch(t);
    return lastEpoch;
  };
  const now = options.now ?? Date.now;
  return (parsed) => {
    const observed = now();
    if (parsed.kind === 'error') return parseErrorRecord(parsed.line, parsed.format, parsed.reason, observed);
    const entry = parsed.entry;
    return entry.format === 'eft'
      ? eftRecord(entry, parsed.line, toEpoch, observed)
      : ncftpdRecord(entry, parsed.line, toEpoch, observed);
  };
}

let lastFile = '';
let lastFileName = '';

/** Base name of a path, either separator; memoized for the file being read. */
function fileName(file: string): string {
  if (file !== lastFile) {
    const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    lastFile = file;
    lastFileName = slash === -1 ? file : file.slice(slash + 1);
  }
  return lastFileName;
}

function fileAttributes(attrs: Attributes, line: LogLine): void {
  const file = line.position.file;
  if (file === undefined) return;
  attrs['log.file.path'] = file;
  attrs['log.file.name'] = fileName(file);
}

export function parseErrorRecord(line: LogLine, format: LogFormat | undefined, reason: string, observed: number): FtpLogRecord {
  const attributes: Attributes = {};
  if (format !== undefined) attributes['ftp.log.format'] = FORMAT_ATTRIBUTE[format];
  fileAttributes(attributes, line);
  attributes['ftplog.error'] = reason;
  return {
    timestamp: undefined,
    observedTimestamp: observed,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    eventName: PARSE_ERROR_EVENT,
    body: line.text,
    attributes,
    position: line.position,
  };
}

function statusAttributes(attrs: Attributes, status: DecodedStatus): void {
  attrs['ftp.status.kind'] = status.kind;
  if (status.name !== undefined) attrs['ftp.status.name'] = status.name;
  if (status.description !== undefined) attrs['ftp.status.description'] = status.description;
}

/** The record of a parsed entry, once its attributes are built. */
function entryRecord(a: Attributes, line: LogLine, timestamp: number, observed: number, severity: SeverityText, operation: string): FtpLogRecord {
  fileAttributes(a, line);
  return {
    timestamp,
    observedTimestamp: observed,
    severityNumber: SeverityNumber[severity],
    severityText: severity,
    eventName: 'ftp.' + operation,
    body: line.text,
    attributes: a,
    position: line.position,
  };
}

function eftRecord(e: EftEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number): FtpLogRecord {
  const operation = normalizeEftOperation(e.operation);
  const status = decodeEftCode(e.protocol, e.code);
  let outcome: Outcome = status.outcome;
  let mismatch: boolean | undefined;
  let errorType = status.errorType;
  let severity = severityOf(status.outcome, status.transient);
  if (e.actionResult === 0 || e.actionResult === 1) {
    // EFT's rules act on ACTION_RESULT, so it decides the outcome.
    const decided: Outcome = e.actionResult === 0 ? 'success' : 'failure';
    mismatch = status.outcome !== 'unknown' && status.outcome !== decided;
    outcome = decided;
    if (decided === 'success') {
      errorType = undefined;
      severity = 'INFO';
    } else if (status.outcome !== 'failure') {
      errorType = 'eft_action_failed';
      severity = 'ERROR';
    }
  }
  const a: Attributes = {
    'ftp.log.format': 'eft.client',
    'ftp.operation': operation,
    'ftp.outcome': outcome,
  };
  if (errorType !== undefined) a['error.type'] = errorType;
  if (e.code !== undefined) {
    a['ftp.status.code'] = e.code;
    statusAttributes(a, status);
    if (status.kind === 'http') a['http.response.status_code'] = e.code;
  }
  if (e.protocol !== '') a['network.protocol.name'] = e.protocol;
  if (e.host !== '') a['server.address'] = e.host;
  if (e.port !== undefined) a['server.port'] = e.port;
  if (e.user !== '') a['user.name'] = e.user;
  if (e.remotePath !== '') a['file.path'] = e.remotePath;
  if (e.localPath !== '') a['ftp.local.path'] = e.localPath;
  if (e.actionResult !== undefined) a['eft.action_result'] = e.actionResult;
  if (mismatch !== undefined) a['eft.outcome_mismatch'] = mismatch;
  return entryRecord(a, line, toEpoch(e.time), observed, severity, operation);
}

function ncftpdRecord(e: NcftpdEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number): FtpLogRecord {
  const operation = NCFTPD_OPERATIONS[e.type];
  let outcome: Outcome = 'success'; // D M C L N are only logged on success
  let severity: SeverityText = 'INFO';
  let status: DecodedStatus | undefined;
  if (e.status !== undefined) {
    status = decodeNcftpdStatus(e.status);
    outcome = status.outcome;
    severity = severityOf(status.outcome, status.transient);
  } else if (e.type === 'R' || e.type === 'S' || e.type === 'T') {
    outcome = 'unknown';
  }
  const a: Attributes = {
    'ftp.log.format': 'ncftpd.xfer',
    'ftp.operation': operation,
    'ftp.outcome': outcome,
  };
  if (status !== undefined) {
    if (status.errorType !== undefined) a['error.type'] = status.errorType;
    statusAttributes(a, status);
  }
  a['network.protocol.name'] = 'ftp';
  if (e.host !== undefined) a['client.address'] = e.host;
  if (e.user !== undefined) a['user.name'] = e.user;
  if (e.email !== undefined) a['user.email'] = e.email;
  if (e.path !== '') a['file.path'] = e.path;
  if (e.target !== undefined) a['ftp.target.path'] = e.target;
  if (e.mode !== undefined) a['file.mode'] = e.mode;
  if (e.sessionId !== undefined) a['session.id'] = e.sessionId;
  a['ncftpd.process'] = e.process;
  if (e.size !== undefined) a['ftp.transfer.bytes'] = e.size;
  if (e.duration !== undefined) a['ftp.transfer.duration'] = e.duration;
  if (e.rate !== undefined) a['ftp.transfer.rate'] = e.rate;
  if (e.transferType === 'A') a['ftp.transfer.type'] = 'ascii';
  else if (e.transferType === 'I') a['ftp.transfer.type'] = 'binary';
  if (e.notes !== undefined && e.notes.length > 0) a['ftp.transfer.notes'] = e.notes;
  if (e.suffix !== undefined) a['ftp.transfer.suffix'] = e.suffix;
  if (e.startTime !== undefined) a['ftp.transfer.start_time'] = e.startTime;
  if (e.startSize !== undefined) a['ftp.transfer.start_size'] = e.startSize;
  if (e.startOffset !== undefined) a['ftp.transfer.start_offset'] = e.startOffset;
  if (e.pattern !== undefined) a['ftp.list.pattern'] = e.pattern;
  if (e.type === 'T') a['ftp.list.recursive'] = e.recursive === true;
  if (e.extra !== undefined) a['ftp.extra'] = e.extra;
  return entryRecord(a, line, toEpoch(e.time), observed, severity, operation);
}
