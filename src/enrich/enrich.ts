/**
 * Parsed entries to OpenTelemetry-shaped records: decoded status, outcome,
 * severity, event name and the standardized attributes of the record schema
 * (see README). Pure: no streams.
 */
import type {
  AttributeValue,
  Attributes,
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
import { FtplogError, invalidOption } from '../errors.js';
import { EFT_ATTRIBUTES, NCFTPD_ATTRIBUTES, slotOf } from '../schema.js';
import { vsftpdRecord, xferlogRecord } from './ftpd.js';

export interface EnrichOptions {
  /** IANA zone the log's wall-clock times are read in. @default the machine's local zone */
  timezone?: string;
  /** Clock for `observedTimestamp` (epoch ms). @default Date.now */
  now?: () => number;
}

export const FORMAT_ATTRIBUTE: Record<LogFormat, string> = { eft: 'eft.client', ncftpd: 'ncftpd.xfer', xferlog: 'xferlog', vsftpd: 'vsftpd.log' };
export const PARSE_ERROR_EVENT = 'ftplog.parse_error';

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

/** A normalized operation and its event name. */
interface OperationNames {
  readonly operation: string;
  readonly eventName: string;
}
/** EFT operation words seen so far, with their names; bounded. */
const eftNames = new Map<string, OperationNames>();
const OPERATION_CACHE_MAX = 256;

/** The last operation word looked up, and its names ('' names as the lookup would). */
let lastOp = '';
let lastOpNames = namesOf('');

function eftOperationNames(op: string): OperationNames {
  // Consecutive lines mostly share their operation word; comparing it costs
  // less than hashing each line's new copy of it for the map.
  if (op === lastOp) return lastOpNames;
  let names = eftNames.get(op);
  if (names === undefined) {
    const lower = op.toLowerCase();
    const operation = Object.hasOwn(EFT_OPERATIONS, lower) ? EFT_OPERATIONS[lower]! : lower.replace(/\s+/g, '_');
    names = namesOf(operation);
    if (eftNames.size >= OPERATION_CACHE_MAX) eftNames.clear();
    eftNames.set(op, names);
  }
  lastOp = op;
  lastOpNames = names;
  return names;
}

/** Normalized operation of an EFT operation word (unknown words: lowercased, spaces as `_`). */
export function normalizeEftOperation(op: string): string {
  return eftOperationNames(op).operation;
}

function namesOf(operation: string): OperationNames {
  return { operation, eventName: 'ftp.' + operation };
}
const NCFTPD_DOWNLOAD = namesOf('download');
const NCFTPD_UPLOAD = namesOf('upload');
const NCFTPD_LIST = namesOf('list');
const NCFTPD_DELETE = namesOf('delete');
const NCFTPD_MKDIR = namesOf('mkdir');
const NCFTPD_CHMOD = namesOf('chmod');
const NCFTPD_SYMLINK = namesOf('symlink');
const NCFTPD_RENAME = namesOf('rename');

/**
 * Names of an NcFTPd entry type. A switch rather than a lookup by key in a
 * table: the table's reads took eight keys and went megamorphic.
 */
function ncftpdNames(type: NcftpdEntryType): OperationNames {
  switch (type) {
    case 'R':
      return NCFTPD_DOWNLOAD;
    case 'S':
      return NCFTPD_UPLOAD;
    case 'T':
      return NCFTPD_LIST;
    case 'D':
      return NCFTPD_DELETE;
    case 'M':
      return NCFTPD_MKDIR;
    case 'C':
      return NCFTPD_CHMOD;
    case 'L':
      return NCFTPD_SYMLINK;
    default:
      return NCFTPD_RENAME;
  }
}

export function severityOf(outcome: Outcome, transient: boolean): SeverityText {
  if (outcome !== 'failure') return 'INFO';
  return transient ? 'WARN' : 'ERROR';
}

/**
 * The severity, text and number, of a record whose status decoded to
 * `status` (for EFT, a logged ACTION_RESULT decides instead: see eftRecord).
 */
export function statusSeverity(status: Pick<DecodedStatus, 'outcome' | 'transient'>): { text: SeverityText; number: number } {
  const text = severityOf(status.outcome, status.transient);
  return { text, number: severityNumber(text) };
}

export type Enricher = (parsed: ParsedLine) => FtpLogRecord;

/** Records made, by outcome; parse errors are records without one. */
export interface EnrichStats {
  records: number;
  success: number;
  failure: number;
  unknown: number;
  parseErrors: number;
}

export function newEnrichStats(): EnrichStats {
  return { records: 0, success: 0, failure: 0, unknown: 0, parseErrors: 0 };
}

/** Counts one record: by its outcome, or as a parse error when it has none. */
function countRecord(counts: EnrichStats, outcome: Outcome | undefined): void {
  counts.records++;
  if (outcome === 'success') counts.success++;
  else if (outcome === 'failure') counts.failure++;
  else if (outcome === 'unknown') counts.unknown++;
  else counts.parseErrors++;
}

/**
 * The enrich function the streams and worker threads use: it also counts
 * each record into `counts`. The enricher knows each record's outcome;
 * reading it back from the record's attributes, whose objects have one
 * shape per combination of attributes, was a megamorphic property load per
 * record (~0.6% of the samples of a parse + enrich profile).
 */
export type CountingEnricher = (parsed: ParsedLine, counts: EnrichStats) => FtpLogRecord;

/** Builds the enrich function: one call per parsed line. */
export function createEnricher(options: EnrichOptions = {}): Enricher {
  const enrich = createCountingEnricher(options);
  const counts = newEnrichStats();
  return (parsed) => enrich(parsed, counts);
}

export function createCountingEnricher(options: EnrichOptions = {}): CountingEnricher {
  if (options.timezone !== undefined && typeof options.timezone !== 'string') {
    throw invalidOption('timezone', 'an IANA time zone name', options.timezone);
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw invalidOption('now', 'a function', options.now);
  const toEpoch = createCivilToEpoch(options.timezone ?? localTimeZone());
  const now = options.now ?? Date.now;
  return (parsed, counts) => {
    const observed = now();
    if (parsed.kind === 'error') {
      const record = parseErrorRecord(parsed.line, parsed.format, parsed.reason, observed, parsed.time === undefined ? undefined : toEpoch(parsed.time));
      countRecord(counts, undefined);
      return record;
    }
    const entry = parsed.entry;
    switch (entry.format) {
      case 'eft':
        return eftRecord(entry, parsed.line, toEpoch, observed, counts);
      case 'ncftpd':
        return ncftpdRecord(entry, parsed.line, toEpoch, observed, counts);
      case 'xferlog':
        return xferlogRecord(entry, parsed.line, toEpoch, observed, counts);
      default:
        return vsftpdRecord(entry, parsed.line, toEpoch, observed, counts);
    }
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
  if (file !== undefined) {
    attrs['log.file.path'] = file;
    attrs['log.file.name'] = fileName(file);
  }
  if (line.position.line > 0) attrs['log.file.record_number'] = line.position.line;
}

/**
 * Sets where the line was read (file path and name, line number) into the
 * slots of a record shape, as fileAttributes does; returns their mask bits.
 */
export function logFileBits(v: AttributeValue[], line: LogLine, pathSlot: number, nameSlot: number, numberSlot: number): number {
  let m = 0;
  const file = line.position.file;
  if (file !== undefined) {
    m = (1 << pathSlot) | (1 << nameSlot);
    v[pathSlot] = file;
    v[nameSlot] = fileName(file);
  }
  if (line.position.line > 0) {
    m |= 1 << numberSlot;
    v[numberSlot] = line.position.line;
  }
  return m;
}

/**
 * The record of a line that did not parse: its raw text as the body, the
 * reason in `ftplog.error`, and the time the line still shows, when it
 * shows one (a cut-short line keeps its time). Without a time of its own,
 * a log store would file it at the time it was read, far after its
 * neighbours in a backfill: Grafana Loki then refuses the rest of the
 * stream as out of order.
 */
export function parseErrorRecord(line: LogLine, format: LogFormat | undefined, reason: string, observed: number, timestamp?: number): FtpLogRecord {
  const attributes: Attributes = {};
  if (format !== undefined) attributes['ftp.log.format'] = FORMAT_ATTRIBUTE[format];
  fileAttributes(attributes, line);
  attributes['ftplog.error'] = reason;
  return {
    timestamp,
    observedTimestamp: observed,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    eventName: PARSE_ERROR_EVENT,
    body: line.text,
    attributes,
    position: line.position,
  };
}

/*
 * Attribute objects. Which attributes a record has varies from line to line,
 * and adding them one by one gives every combination its own chain of hidden
 * classes: the stores see dozens of shapes and go megamorphic, and the
 * property backing store is regrown several times per record. Instead the
 * values are put in numbered slots, a bit mask says which are present, and one
 * small function per mask seen builds the object from a single object literal
 * (one allocation, one shape per combination, keys in the documented order).
 * Those functions are generated from the slot names; where code generation is
 * not allowed, and past a bound on the number of combinations, the object is
 * built key by key with the same result.
 */

type AttributeBuilder = (v: readonly AttributeValue[]) => Attributes;

const MAX_SHAPES = 512;

/** Exported for tests only. */
export class AttributeShapes {
  /** Values of the record being built, by slot; read only where the mask has the slot's bit. */
  readonly values: AttributeValue[];
  private readonly builders = new Map<number, AttributeBuilder>();
  private lastMask = -1;
  private lastBuilder: AttributeBuilder = () => ({});
  private codegen: boolean;

  constructor(
    private readonly keys: readonly string[],
    options: { codegen?: boolean } = {},
  ) {
    // Bits 0..30 of the mask: it stays a positive small integer.
    if (keys.length > 31) throw new FtplogError('ERR_INTERNAL', 'too many attribute slots');
    this.values = new Array<AttributeValue>(keys.length).fill('');
    this.codegen = options.codegen ?? true;
  }

  /** Number of generated builders (one per combination of slots seen). */
  get shapes(): number {
    return this.builders.size;
  }

  build(mask: number): Attributes {
    // Consecutive records mostly share their combination: the last builder
    // is kept, and the map is only asked when the combination changes.
    if (mask === this.lastMask) return this.lastBuilder(this.values);
    const builder = this.builders.get(mask) ?? this.compile(mask);
    if (builder === undefined) return this.buildSlowly(mask);
    this.lastMask = mask;
    this.lastBuilder = builder;
    return builder(this.values);
  }

  private compile(mask: number): AttributeBuilder | undefined {
    if (!this.codegen || this.builders.size >= MAX_SHAPES) return undefined;
    const props: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if ((mask & (1 << i)) !== 0) props.push(`${JSON.stringify(this.keys[i])}: v[${i}]`);
    }
    let builder: AttributeBuilder;
    try {
      builder = new Function('v', `return { ${props.join(', ')} };`) as AttributeBuilder;
    } catch {
      this.codegen = false; // e.g. --disallow-code-generation-from-strings
      return undefined;
    }
    this.builders.set(mask, builder);
    return builder;
  }

  private buildSlowly(mask: number): Attributes {
    const a: Attributes = {};
    for (let i = 0; i < this.keys.length; i++) if ((mask & (1 << i)) !== 0) a[this.keys[i]!] = this.values[i]!;
    return a;
  }
}

// EFT attribute slots: indexes into the record shape declared in schema.ts.
const E_FORMAT = slotOf(EFT_ATTRIBUTES, 'ftp.log.format');
const E_OPERATION = slotOf(EFT_ATTRIBUTES, 'ftp.operation');
const E_OUTCOME = slotOf(EFT_ATTRIBUTES, 'ftp.outcome');
const E_ERROR_TYPE = slotOf(EFT_ATTRIBUTES, 'error.type');
const E_CODE = slotOf(EFT_ATTRIBUTES, 'ftp.status.code');
const E_KIND = slotOf(EFT_ATTRIBUTES, 'ftp.status.kind');
const E_NAME = slotOf(EFT_ATTRIBUTES, 'ftp.status.name');
const E_DESCRIPTION = slotOf(EFT_ATTRIBUTES, 'ftp.status.description');
const E_HTTP_CODE = slotOf(EFT_ATTRIBUTES, 'http.response.status_code');
const E_PROTOCOL = slotOf(EFT_ATTRIBUTES, 'network.protocol.name');
const E_HOST = slotOf(EFT_ATTRIBUTES, 'server.address');
const E_PORT = slotOf(EFT_ATTRIBUTES, 'server.port');
const E_USER = slotOf(EFT_ATTRIBUTES, 'user.name');
const E_REMOTE = slotOf(EFT_ATTRIBUTES, 'file.path');
const E_LOCAL = slotOf(EFT_ATTRIBUTES, 'ftp.local.path');
const E_ACTION = slotOf(EFT_ATTRIBUTES, 'eft.action_result');
const E_MISMATCH = slotOf(EFT_ATTRIBUTES, 'eft.outcome_mismatch');
const E_FILE_PATH = slotOf(EFT_ATTRIBUTES, 'log.file.path');
const E_FILE_NAME = slotOf(EFT_ATTRIBUTES, 'log.file.name');
const E_RECORD_NUMBER = slotOf(EFT_ATTRIBUTES, 'log.file.record_number');
const EFT_SHAPES = new AttributeShapes(EFT_ATTRIBUTES);

// NcFTPd attribute slots: indexes into the record shape declared in schema.ts.
const N_FORMAT = slotOf(NCFTPD_ATTRIBUTES, 'ftp.log.format');
const N_OPERATION = slotOf(NCFTPD_ATTRIBUTES, 'ftp.operation');
const N_OUTCOME = slotOf(NCFTPD_ATTRIBUTES, 'ftp.outcome');
const N_ERROR_TYPE = slotOf(NCFTPD_ATTRIBUTES, 'error.type');
const N_KIND = slotOf(NCFTPD_ATTRIBUTES, 'ftp.status.kind');
const N_NAME = slotOf(NCFTPD_ATTRIBUTES, 'ftp.status.name');
const N_DESCRIPTION = slotOf(NCFTPD_ATTRIBUTES, 'ftp.status.description');
const N_PROTOCOL = slotOf(NCFTPD_ATTRIBUTES, 'network.protocol.name');
const N_CLIENT = slotOf(NCFTPD_ATTRIBUTES, 'client.address');
const N_USER = slotOf(NCFTPD_ATTRIBUTES, 'user.name');
const N_EMAIL = slotOf(NCFTPD_ATTRIBUTES, 'user.email');
const N_PATH = slotOf(NCFTPD_ATTRIBUTES, 'file.path');
const N_TARGET = slotOf(NCFTPD_ATTRIBUTES, 'ftp.target.path');
const N_MODE = slotOf(NCFTPD_ATTRIBUTES, 'file.mode');
const N_SESSION = slotOf(NCFTPD_ATTRIBUTES, 'session.id');
const N_PROCESS = slotOf(NCFTPD_ATTRIBUTES, 'ncftpd.process');
const N_BYTES = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.bytes');
const N_DURATION = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.duration');
const N_RATE = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.rate');
const N_TYPE = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.type');
const N_NOTES = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.notes');
const N_SUFFIX = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.suffix');
const N_START_TIME = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.start_time');
const N_START_SIZE = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.start_size');
const N_START_OFFSET = slotOf(NCFTPD_ATTRIBUTES, 'ftp.transfer.start_offset');
const N_PATTERN = slotOf(NCFTPD_ATTRIBUTES, 'ftp.list.pattern');
const N_RECURSIVE = slotOf(NCFTPD_ATTRIBUTES, 'ftp.list.recursive');
const N_EXTRA = slotOf(NCFTPD_ATTRIBUTES, 'ftp.extra');
const N_FILE_PATH = slotOf(NCFTPD_ATTRIBUTES, 'log.file.path');
const N_FILE_NAME = slotOf(NCFTPD_ATTRIBUTES, 'log.file.name');
const N_RECORD_NUMBER = slotOf(NCFTPD_ATTRIBUTES, 'log.file.record_number');
const NCFTPD_SHAPES = new AttributeShapes(NCFTPD_ATTRIBUTES);

function severityNumber(severity: SeverityText): number {
  return severity === 'INFO' ? SeverityNumber.INFO : severity === 'WARN' ? SeverityNumber.WARN : SeverityNumber.ERROR;
}

/** The record of a parsed entry, once its attributes are built; counted into `counts` under `outcome`. */
export function entryRecord(
  a: Attributes,
  line: LogLine,
  timestamp: number,
  observed: number,
  severity: SeverityText,
  eventName: string,
  outcome: Outcome,
  counts: EnrichStats,
): FtpLogRecord {
  const record: FtpLogRecord = {
    timestamp,
    observedTimestamp: observed,
    severityNumber: severityNumber(severity),
    severityText: severity,
    eventName,
    body: line.text,
    attributes: a,
    position: line.position,
  };
  countRecord(counts, outcome);
  return record;
}

function eftRecord(e: EftEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number, counts: EnrichStats): FtpLogRecord {
  const names = eftOperationNames(e.operation);
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
  const v = EFT_SHAPES.values;
  let m = (1 << E_FORMAT) | (1 << E_OPERATION) | (1 << E_OUTCOME);
  v[E_FORMAT] = 'eft.client';
  v[E_OPERATION] = names.operation;
  v[E_OUTCOME] = outcome;
  if (errorType !== undefined) {
    m |= 1 << E_ERROR_TYPE;
    v[E_ERROR_TYPE] = errorType;
  }
  if (e.code !== undefined) {
    m |= (1 << E_CODE) | (1 << E_KIND);
    v[E_CODE] = e.code;
    v[E_KIND] = status.kind;
    if (status.name !== undefined) {
      m |= 1 << E_NAME;
      v[E_NAME] = status.name;
    }
    if (status.description !== undefined) {
      m |= 1 << E_DESCRIPTION;
      v[E_DESCRIPTION] = status.description;
    }
    if (status.kind === 'http') {
      m |= 1 << E_HTTP_CODE;
      v[E_HTTP_CODE] = e.code;
    }
  }
  if (e.protocol !== '') {
    m |= 1 << E_PROTOCOL;
    v[E_PROTOCOL] = e.protocol;
  }
  if (e.host !== '') {
    m |= 1 << E_HOST;
    v[E_HOST] = e.host;
  }
  if (e.port !== undefined) {
    m |= 1 << E_PORT;
    v[E_PORT] = e.port;
  }
  if (e.user !== '') {
    m |= 1 << E_USER;
    v[E_USER] = e.user;
  }
  if (e.remotePath !== '') {
    m |= 1 << E_REMOTE;
    v[E_REMOTE] = e.remotePath;
  }
  if (e.localPath !== '') {
    m |= 1 << E_LOCAL;
    v[E_LOCAL] = e.localPath;
  }
  if (e.actionResult !== undefined) {
    m |= 1 << E_ACTION;
    v[E_ACTION] = e.actionResult;
  }
  if (mismatch !== undefined) {
    m |= 1 << E_MISMATCH;
    v[E_MISMATCH] = mismatch;
  }
  m |= logFileBits(v, line, E_FILE_PATH, E_FILE_NAME, E_RECORD_NUMBER);
  return entryRecord(EFT_SHAPES.build(m), line, toEpoch(e.time), observed, severity, names.eventName, outcome, counts);
}

function ncftpdRecord(e: NcftpdEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number, counts: EnrichStats): FtpLogRecord {
  let outcome: Outcome = 'success'; // D M C L N are only logged on success
  let severity: SeverityText = 'INFO';
  const v = NCFTPD_SHAPES.values;
  let m = (1 << N_FORMAT) | (1 << N_OPERATION) | (1 << N_OUTCOME) | (1 << N_PROTOCOL) | (1 << N_PROCESS);
  v[N_FORMAT] = 'ncftpd.xfer';
  const names = ncftpdNames(e.type);
  v[N_OPERATION] = names.operation;
  if (e.status !== undefined) {
    const status = decodeNcftpdStatus(e.status);
    outcome = status.outcome;
    severity = severityOf(status.outcome, status.transient);
    if (status.errorType !== undefined) {
      m |= 1 << N_ERROR_TYPE;
      v[N_ERROR_TYPE] = status.errorType;
    }
    m |= 1 << N_KIND;
    v[N_KIND] = status.kind;
    if (status.name !== undefined) {
      m |= 1 << N_NAME;
      v[N_NAME] = status.name;
    }
    if (status.description !== undefined) {
      m |= 1 << N_DESCRIPTION;
      v[N_DESCRIPTION] = status.description;
    }
  } else if (e.type === 'R' || e.type === 'S' || e.type === 'T') {
    outcome = 'unknown';
  }
  v[N_OUTCOME] = outcome;
  v[N_PROTOCOL] = 'ftp';
  if (e.host !== undefined) {
    m |= 1 << N_CLIENT;
    v[N_CLIENT] = e.host;
  }
  if (e.user !== undefined) {
    m |= 1 << N_USER;
    v[N_USER] = e.user;
  }
  if (e.email !== undefined) {
    m |= 1 << N_EMAIL;
    v[N_EMAIL] = e.email;
  }
  if (e.path !== '') {
    m |= 1 << N_PATH;
    v[N_PATH] = e.path;
  }
  if (e.target !== undefined) {
    m |= 1 << N_TARGET;
    v[N_TARGET] = e.target;
  }
  if (e.mode !== undefined) {
    m |= 1 << N_MODE;
    v[N_MODE] = e.mode;
  }
  if (e.sessionId !== undefined) {
    m |= 1 << N_SESSION;
    v[N_SESSION] = e.sessionId;
  }
  v[N_PROCESS] = e.process;
  if (e.size !== undefined) {
    m |= 1 << N_BYTES;
    v[N_BYTES] = e.size;
  }
  if (e.duration !== undefined) {
    m |= 1 << N_DURATION;
    v[N_DURATION] = e.duration;
  }
  if (e.rate !== undefined) {
    m |= 1 << N_RATE;
    v[N_RATE] = e.rate;
  }
  if (e.transferType === 'A') {
    m |= 1 << N_TYPE;
    v[N_TYPE] = 'ascii';
  } else if (e.transferType === 'I') {
    m |= 1 << N_TYPE;
    v[N_TYPE] = 'binary';
  }
  if (e.notes !== undefined && e.notes.length > 0) {
    m |= 1 << N_NOTES;
    v[N_NOTES] = e.notes;
  }
  if (e.suffix !== undefined) {
    m |= 1 << N_SUFFIX;
    v[N_SUFFIX] = e.suffix;
  }
  if (e.startTime !== undefined) {
    m |= 1 << N_START_TIME;
    v[N_START_TIME] = e.startTime;
  }
  if (e.startSize !== undefined) {
    m |= 1 << N_START_SIZE;
    v[N_START_SIZE] = e.startSize;
  }
  if (e.startOffset !== undefined) {
    m |= 1 << N_START_OFFSET;
    v[N_START_OFFSET] = e.startOffset;
  }
  if (e.pattern !== undefined) {
    m |= 1 << N_PATTERN;
    v[N_PATTERN] = e.pattern;
  }
  if (e.type === 'T') {
    m |= 1 << N_RECURSIVE;
    v[N_RECURSIVE] = e.recursive === true;
  }
  if (e.extra !== undefined) {
    m |= 1 << N_EXTRA;
    v[N_EXTRA] = e.extra;
  }
  m |= logFileBits(v, line, N_FILE_PATH, N_FILE_NAME, N_RECORD_NUMBER);
  return entryRecord(NCFTPD_SHAPES.build(m), line, toEpoch(e.time), observed, severity, names.eventName, outcome, counts);
}
