/**
 * Records of the classic xferlog and of vsftpd's own log: the same attribute
 * schema as the other formats (see README), built the same way (slots, a
 * mask, one object literal per combination: see AttributeShapes). Pure.
 */
import type { FtpLogRecord, LogLine, SeverityText, VsftpdEntry, XferlogEntry } from '../model.js';
import type { DecodedStatus, Outcome } from '../codes/types.js';
import { decodeXferlogStatus, VSFTPD_OK, vsftpdFailure } from '../codes/ftpd.js';
import { slotOf, VSFTPD_ATTRIBUTES, XFERLOG_ATTRIBUTES } from '../schema.js';
import { AttributeShapes, entryRecord, logFileBits, severityOf, type EnrichStats } from './enrich.js';
import type { CivilToEpoch } from './timezone.js';

interface Names {
  readonly operation: string;
  readonly eventName: string;
}

function names(operation: string): Names {
  return { operation, eventName: 'ftp.' + operation };
}

const DOWNLOAD = names('download');
const UPLOAD = names('upload');
const DELETE = names('delete');

const ACCESS_MODES: Record<string, string> = { a: 'anonymous', g: 'guest', r: 'real' };
const CONVERSIONS: Record<string, string> = { C: 'compress', U: 'uncompress', T: 'tar' };

/** The special action flags as conversion names (`CT` → compress, tar); undefined for `_`. */
function conversions(flags: string): string[] | undefined {
  const out: string[] = [];
  for (const c of flags) {
    const name = CONVERSIONS[c];
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out.length === 0 ? undefined : out;
}

// xferlog attribute slots: indexes into the record shape declared in schema.ts.
const X_FORMAT = slotOf(XFERLOG_ATTRIBUTES, 'ftp.log.format');
const X_OPERATION = slotOf(XFERLOG_ATTRIBUTES, 'ftp.operation');
const X_OUTCOME = slotOf(XFERLOG_ATTRIBUTES, 'ftp.outcome');
const X_ERROR_TYPE = slotOf(XFERLOG_ATTRIBUTES, 'error.type');
const X_KIND = slotOf(XFERLOG_ATTRIBUTES, 'ftp.status.kind');
const X_NAME = slotOf(XFERLOG_ATTRIBUTES, 'ftp.status.name');
const X_DESCRIPTION = slotOf(XFERLOG_ATTRIBUTES, 'ftp.status.description');
const X_PROTOCOL = slotOf(XFERLOG_ATTRIBUTES, 'network.protocol.name');
const X_CLIENT = slotOf(XFERLOG_ATTRIBUTES, 'client.address');
const X_USER = slotOf(XFERLOG_ATTRIBUTES, 'user.name');
const X_EMAIL = slotOf(XFERLOG_ATTRIBUTES, 'user.email');
const X_ACCESS = slotOf(XFERLOG_ATTRIBUTES, 'ftp.access_mode');
const X_AUTH_USER = slotOf(XFERLOG_ATTRIBUTES, 'ftp.auth.user_id');
const X_PATH = slotOf(XFERLOG_ATTRIBUTES, 'file.path');
const X_BYTES = slotOf(XFERLOG_ATTRIBUTES, 'ftp.transfer.bytes');
const X_DURATION = slotOf(XFERLOG_ATTRIBUTES, 'ftp.transfer.duration');
const X_TYPE = slotOf(XFERLOG_ATTRIBUTES, 'ftp.transfer.type');
const X_CONVERSIONS = slotOf(XFERLOG_ATTRIBUTES, 'ftp.transfer.conversions');
const X_FILE_PATH = slotOf(XFERLOG_ATTRIBUTES, 'log.file.path');
const X_FILE_NAME = slotOf(XFERLOG_ATTRIBUTES, 'log.file.name');
const X_RECORD_NUMBER = slotOf(XFERLOG_ATTRIBUTES, 'log.file.record_number');

// Made on first use: this module and enrich.ts import each other, and
// AttributeShapes is not yet defined while this module is first evaluated.
let xferlogShapes: AttributeShapes | undefined;
let vsftpdShapes: AttributeShapes | undefined;

/** Sets the status attributes of a decoded status into slots; returns the mask bits. */
function statusBits(v: unknown[], s: DecodedStatus, errorType: number, kind: number, name: number, description: number): number {
  let m = (1 << kind) | (1 << name) | (1 << description);
  v[kind] = s.kind;
  v[name] = s.name;
  v[description] = s.description;
  if (s.errorType !== undefined) {
    m |= 1 << errorType;
    v[errorType] = s.errorType;
  }
  return m;
}

export function xferlogRecord(e: XferlogEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number, counts: EnrichStats): FtpLogRecord {
  const shapes = (xferlogShapes ??= new AttributeShapes(XFERLOG_ATTRIBUTES));
  const v = shapes.values;
  const n = e.direction === 'o' ? DOWNLOAD : e.direction === 'i' ? UPLOAD : DELETE;
  const status = decodeXferlogStatus(e.status);
  let m = (1 << X_FORMAT) | (1 << X_OPERATION) | (1 << X_OUTCOME) | (1 << X_PROTOCOL) | (1 << X_PATH) | (1 << X_BYTES) | (1 << X_DURATION);
  v[X_FORMAT] = 'xferlog';
  v[X_OPERATION] = n.operation;
  v[X_OUTCOME] = status.outcome;
  m |= statusBits(v, status, X_ERROR_TYPE, X_KIND, X_NAME, X_DESCRIPTION);
  v[X_PROTOCOL] = e.service;
  if (e.host !== '') {
    m |= 1 << X_CLIENT;
    v[X_CLIENT] = e.host;
  }
  // An anonymous user's "name" is the identification string they typed.
  const target = e.accessMode === 'a' ? X_EMAIL : X_USER;
  if (e.user !== '') {
    m |= 1 << target;
    v[target] = e.user;
  }
  const access = ACCESS_MODES[e.accessMode];
  if (access !== undefined) {
    m |= 1 << X_ACCESS;
    v[X_ACCESS] = access;
  }
  if (e.authUser !== '*') {
    m |= 1 << X_AUTH_USER;
    v[X_AUTH_USER] = e.authUser;
  }
  v[X_PATH] = e.path;
  v[X_BYTES] = e.size;
  v[X_DURATION] = e.duration;
  if (e.direction !== 'd') {
    m |= 1 << X_TYPE;
    v[X_TYPE] = e.transferType === 'a' ? 'ascii' : 'binary';
  }
  const conv = conversions(e.actions);
  if (conv !== undefined) {
    m |= 1 << X_CONVERSIONS;
    v[X_CONVERSIONS] = conv;
  }
  m |= logFileBits(v, line, X_FILE_PATH, X_FILE_NAME, X_RECORD_NUMBER);
  const severity: SeverityText = severityOf(status.outcome, status.transient);
  return entryRecord(shapes.build(m), line, toEpoch(e.time), observed, severity, n.eventName, status.outcome, counts);
}

// vsftpd attribute slots.
const V_FORMAT = slotOf(VSFTPD_ATTRIBUTES, 'ftp.log.format');
const V_OPERATION = slotOf(VSFTPD_ATTRIBUTES, 'ftp.operation');
const V_OUTCOME = slotOf(VSFTPD_ATTRIBUTES, 'ftp.outcome');
const V_ERROR_TYPE = slotOf(VSFTPD_ATTRIBUTES, 'error.type');
const V_KIND = slotOf(VSFTPD_ATTRIBUTES, 'ftp.status.kind');
const V_NAME = slotOf(VSFTPD_ATTRIBUTES, 'ftp.status.name');
const V_DESCRIPTION = slotOf(VSFTPD_ATTRIBUTES, 'ftp.status.description');
const V_PROTOCOL = slotOf(VSFTPD_ATTRIBUTES, 'network.protocol.name');
const V_CLIENT = slotOf(VSFTPD_ATTRIBUTES, 'client.address');
const V_USER = slotOf(VSFTPD_ATTRIBUTES, 'user.name');
const V_EMAIL = slotOf(VSFTPD_ATTRIBUTES, 'user.email');
const V_PATH = slotOf(VSFTPD_ATTRIBUTES, 'file.path');
const V_TARGET = slotOf(VSFTPD_ATTRIBUTES, 'ftp.target.path');
const V_MODE = slotOf(VSFTPD_ATTRIBUTES, 'file.mode');
const V_BYTES = slotOf(VSFTPD_ATTRIBUTES, 'ftp.transfer.bytes');
const V_RATE = slotOf(VSFTPD_ATTRIBUTES, 'ftp.transfer.rate');
const V_MESSAGE = slotOf(VSFTPD_ATTRIBUTES, 'ftp.message');
const V_PID = slotOf(VSFTPD_ATTRIBUTES, 'process.pid');
const V_FILE_PATH = slotOf(VSFTPD_ATTRIBUTES, 'log.file.path');
const V_FILE_NAME = slotOf(VSFTPD_ATTRIBUTES, 'log.file.name');
const V_RECORD_NUMBER = slotOf(VSFTPD_ATTRIBUTES, 'log.file.record_number');

/** vsftpd's action words to the normalized operations (RMDIR is a delete, as EFT's rmdir). */
const VSFTPD_OPERATIONS: Record<string, Names> = {
  LOGIN: names('login'),
  UPLOAD: UPLOAD,
  DOWNLOAD: DOWNLOAD,
  MKDIR: names('mkdir'),
  RMDIR: DELETE,
  DELETE: DELETE,
  RENAME: names('rename'),
  CHMOD: names('chmod'),
  CONNECT: names('connect'),
  'FTP command': names('command'),
  'FTP response': names('response'),
};

function vsftpdNames(action: string): Names {
  return Object.hasOwn(VSFTPD_OPERATIONS, action) ? VSFTPD_OPERATIONS[action]! : names(action.toLowerCase());
}

/**
 * The outcome of a line without OK or FAIL: a CONNECT says a connection was
 * accepted; a protocol line says nothing of success.
 */
function unresultedOutcome(action: string): Outcome {
  return action === 'CONNECT' ? 'success' : 'unknown';
}

export function vsftpdRecord(e: VsftpdEntry, line: LogLine, toEpoch: CivilToEpoch, observed: number, counts: EnrichStats): FtpLogRecord {
  const shapes = (vsftpdShapes ??= new AttributeShapes(VSFTPD_ATTRIBUTES));
  const v = shapes.values;
  const n = vsftpdNames(e.action);
  let m = (1 << V_FORMAT) | (1 << V_OPERATION) | (1 << V_OUTCOME) | (1 << V_PROTOCOL) | (1 << V_CLIENT) | (1 << V_PID);
  v[V_FORMAT] = 'vsftpd.log';
  v[V_OPERATION] = n.operation;
  let outcome: Outcome;
  let severity: SeverityText = 'INFO';
  if (e.result === undefined) outcome = unresultedOutcome(e.action);
  else {
    const status = e.result === 'OK' ? VSFTPD_OK : vsftpdFailure(n.operation);
    outcome = status.outcome;
    severity = severityOf(status.outcome, status.transient);
    m |= statusBits(v, status, V_ERROR_TYPE, V_KIND, V_NAME, V_DESCRIPTION);
  }
  v[V_OUTCOME] = outcome;
  v[V_PROTOCOL] = 'ftp';
  v[V_CLIENT] = e.client;
  if (e.user !== undefined && e.user !== '') {
    m |= 1 << V_USER;
    v[V_USER] = e.user;
  }
  if (e.anonPassword !== undefined && e.anonPassword !== '') {
    m |= 1 << V_EMAIL;
    v[V_EMAIL] = e.anonPassword;
  }
  if (e.path !== undefined) {
    m |= 1 << V_PATH;
    v[V_PATH] = e.path;
  }
  if (e.target !== undefined) {
    m |= 1 << V_TARGET;
    v[V_TARGET] = e.target;
  }
  if (e.mode !== undefined) {
    m |= 1 << V_MODE;
    v[V_MODE] = e.mode;
  }
  if (e.size !== undefined) {
    m |= 1 << V_BYTES;
    v[V_BYTES] = e.size;
  }
  if (e.rate !== undefined) {
    m |= 1 << V_RATE;
    v[V_RATE] = e.rate;
  }
  if (e.message !== undefined) {
    m |= 1 << V_MESSAGE;
    v[V_MESSAGE] = e.message;
  }
  v[V_PID] = e.pid;
  m |= logFileBits(v, line, V_FILE_PATH, V_FILE_NAME, V_RECORD_NUMBER);
  return entryRecord(shapes.build(m), line, toEpoch(e.time), observed, severity, n.eventName, outcome, counts);
}
