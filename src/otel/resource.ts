/**
 * The OpenTelemetry resource of the records: service.name and host.name,
 * with the standard OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES honoured.
 */
import { hostname } from 'node:os';
import type { Attributes, LogFormat } from '../model.js';
import { FtplogError } from '../errors.js';

export const DEFAULT_SERVICE_NAMES: Record<LogFormat, string> = { eft: 'eft-server', ncftpd: 'ncftpd', xferlog: 'ftp-server', vsftpd: 'vsftpd' };

/**
 * Parses OTEL_RESOURCE_ATTRIBUTES (`key1=value1,key2=value2`, values
 * percent-encoded as the specification says). Throws ERR_CONFIG on a malformed list.
 */
export function parseResourceAttributes(text: string | undefined): Attributes {
  const out: Attributes = {};
  if (text === undefined || text.trim() === '') return out;
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new FtplogError('ERR_CONFIG', `OTEL_RESOURCE_ATTRIBUTES: "${pair.trim()}" is not key=value`);
    const key = pair.slice(0, eq).trim();
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new FtplogError('ERR_CONFIG', `OTEL_RESOURCE_ATTRIBUTES: the value of "${key}" is not valid percent-encoding`);
    }
    out[key] = value;
  }
  return out;
}

export interface ResourceOptions {
  /** Format of the records, for the default service.name. */
  format?: LogFormat;
  /** Explicit service.name (e.g. a --service-name flag); wins over the environment. */
  serviceName?: string;
  /** Environment to read OTEL_* from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Resource attributes: OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME, then an explicit name win over the defaults. */
export function resourceAttributes(options: ResourceOptions = {}): Attributes {
  const env = options.env ?? process.env;
  const fromEnv = parseResourceAttributes(env['OTEL_RESOURCE_ATTRIBUTES']);
  const attrs: Attributes = {
    'service.name': options.format === undefined ? 'ftplog-otel' : DEFAULT_SERVICE_NAMES[options.format],
    'host.name': hostname(),
    ...fromEnv,
  };
  const envName = env['OTEL_SERVICE_NAME'];
  if (envName !== undefined && envName.trim() !== '') attrs['service.name'] = envName.trim();
  if (options.serviceName !== undefined) attrs['service.name'] = options.serviceName;
  return attrs;
}

/** Format of a record from its `ftp.log.format` attribute. */
export function recordFormat(attributes: Attributes): LogFormat | undefined {
  const f = attributes['ftp.log.format'];
  switch (f) {
    case 'eft.client':
      return 'eft';
    case 'ncftpd.xfer':
      return 'ncftpd';
    case 'xferlog':
      return 'xferlog';
    case 'vsftpd.log':
      return 'vsftpd';
    default:
      return undefined;
  }
}
