/**
 * The record schema: every attribute ftplog-otel sets, with its one fixed
 * type. Encoders use it so that an attribute is always sent with the same
 * OTLP value type (an integer-valued duration stays a double).
 */
import { FtplogError } from './errors.js';

export type AttributeType = 'string' | 'int' | 'double' | 'bool' | 'string[]';

export const ATTRIBUTE_TYPES = {
  'ftp.log.format': 'string',
  'ftp.operation': 'string',
  'ftp.outcome': 'string',
  'error.type': 'string',
  'ftp.status.code': 'int',
  'ftp.status.kind': 'string',
  'ftp.status.name': 'string',
  'ftp.status.description': 'string',
  'network.protocol.name': 'string',
  'server.address': 'string',
  'server.port': 'int',
  'client.address': 'string',
  'user.name': 'string',
  'user.email': 'string',
  'file.path': 'string',
  'ftp.local.path': 'string',
  'ftp.target.path': 'string',
  'file.mode': 'string',
  'http.response.status_code': 'int',
  'eft.action_result': 'int',
  'eft.outcome_mismatch': 'bool',
  'session.id': 'string',
  'ncftpd.process': 'string',
  'ftp.transfer.bytes': 'int',
  'ftp.transfer.duration': 'double',
  'ftp.transfer.rate': 'double',
  'ftp.transfer.type': 'string',
  'ftp.transfer.notes': 'string[]',
  'ftp.transfer.suffix': 'string',
  'ftp.transfer.start_time': 'int',
  'ftp.transfer.start_size': 'int',
  'ftp.transfer.start_offset': 'int',
  'ftp.list.pattern': 'string',
  'ftp.list.recursive': 'bool',
  'ftp.extra': 'string',
  'ftp.access_mode': 'string',
  'ftp.transfer.conversions': 'string[]',
  'ftp.auth.user_id': 'string',
  'ftp.message': 'string',
  'process.pid': 'int',
  'log.file.path': 'string',
  'log.file.name': 'string',
  // The line's number in its file (1-based; in the stream, for stdin): the
  // name the Collector's filelog receiver gives it (include_file_record_number).
  'log.file.record_number': 'int',
  'ftplog.error': 'string',
} as const satisfies Record<string, AttributeType>;

export type AttributeName = keyof typeof ATTRIBUTE_TYPES;

/** Type of an attribute: the schema's, else inferred from the JS value. */
export function attributeType(name: string, value: unknown): AttributeType {
  const t = (ATTRIBUTE_TYPES as Record<string, AttributeType>)[name];
  if (t !== undefined) return t;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (Array.isArray(value)) return 'string[]';
  return 'string';
}

/**
 * Where the line was read: the last attributes of every record shape (set
 * the same way for every format).
 */
const LOG_FILE_ATTRIBUTES = ['log.file.path', 'log.file.name', 'log.file.record_number'] as const satisfies readonly AttributeName[];

/**
 * The first attributes of the NcFTPd, xferlog and vsftpd record shapes:
 * format, operation, decoded status, protocol, client and user.
 */
const SERVER_LOG_HEAD = [
  'ftp.log.format',
  'ftp.operation',
  'ftp.outcome',
  'error.type',
  'ftp.status.kind',
  'ftp.status.name',
  'ftp.status.description',
  'network.protocol.name',
  'client.address',
  'user.name',
  'user.email',
] as const satisfies readonly AttributeName[];

/**
 * The attributes of an EFT record, in the order the record carries them:
 * the enricher builds records of this shape (one slot per name), so it
 * lists no names of its own.
 */
export const EFT_ATTRIBUTES = [
  'ftp.log.format',
  'ftp.operation',
  'ftp.outcome',
  'error.type',
  'ftp.status.code',
  'ftp.status.kind',
  'ftp.status.name',
  'ftp.status.description',
  'http.response.status_code',
  'network.protocol.name',
  'server.address',
  'server.port',
  'user.name',
  'file.path',
  'ftp.local.path',
  'eft.action_result',
  'eft.outcome_mismatch',
  ...LOG_FILE_ATTRIBUTES,
] as const satisfies readonly AttributeName[];

/** The attributes of an NcFTPd record, in the order the record carries them. */
export const NCFTPD_ATTRIBUTES = [
  ...SERVER_LOG_HEAD,
  'file.path',
  'ftp.target.path',
  'file.mode',
  'session.id',
  'ncftpd.process',
  'ftp.transfer.bytes',
  'ftp.transfer.duration',
  'ftp.transfer.rate',
  'ftp.transfer.type',
  'ftp.transfer.notes',
  'ftp.transfer.suffix',
  'ftp.transfer.start_time',
  'ftp.transfer.start_size',
  'ftp.transfer.start_offset',
  'ftp.list.pattern',
  'ftp.list.recursive',
  'ftp.extra',
  ...LOG_FILE_ATTRIBUTES,
] as const satisfies readonly AttributeName[];

/** The attributes of an xferlog record, in the order the record carries them. */
export const XFERLOG_ATTRIBUTES = [
  ...SERVER_LOG_HEAD,
  'ftp.access_mode',
  'ftp.auth.user_id',
  'file.path',
  'ftp.transfer.bytes',
  'ftp.transfer.duration',
  'ftp.transfer.type',
  'ftp.transfer.conversions',
  ...LOG_FILE_ATTRIBUTES,
] as const satisfies readonly AttributeName[];

/** The attributes of a vsftpd log record, in the order the record carries them. */
export const VSFTPD_ATTRIBUTES = [
  ...SERVER_LOG_HEAD,
  'file.path',
  'ftp.target.path',
  'file.mode',
  'ftp.transfer.bytes',
  'ftp.transfer.rate',
  'ftp.message',
  'process.pid',
  ...LOG_FILE_ATTRIBUTES,
] as const satisfies readonly AttributeName[];

/** The slot of `name` in a record shape; a name not in it is a bug. */
export function slotOf<T extends readonly string[]>(shape: T, name: T[number]): number {
  const i = shape.indexOf(name);
  if (i < 0) throw new FtplogError('ERR_INTERNAL', `attribute ${name} is not in the shape`);
  return i;
}
