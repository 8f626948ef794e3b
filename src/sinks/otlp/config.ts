/**
 * OTLP exporter settings (OTLP/HTTP or OTLP/gRPC) from flags and the standard
 * OTEL_EXPORTER_OTLP_* variables (signal-specific LOGS_ variables win over
 * the generic ones, flags win over both). Validated and frozen; header
 * values never appear in errors.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { FtplogError } from '../../errors.js';
import type { OtlpEncoding } from '../../otlp/encoded.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Whether request bodies are gzipped before they are sent: over HTTP with gzip; gRPC compresses each message itself. */
export function gzipsBodies(config: Pick<OtlpConfig, 'protocol' | 'compression'>): boolean {
  return config.compression === 'gzip' && config.protocol !== 'grpc';
}

/** How records are encoded for a protocol: gRPC carries the protobuf encoding. */
export function encodingOf(protocol: OtlpProtocol): OtlpEncoding {
  return protocol === 'http/json' ? 'http/json' : 'http/protobuf';
}
export type OtlpCompression = 'gzip' | 'none';

export interface OtlpConfig {
  /** Full URL of the logs endpoint, e.g. http://localhost:4318/v1/logs; for gRPC the host and port, e.g. http://localhost:4317/. */
  readonly url: URL;
  readonly protocol: OtlpProtocol;
  /** gRPC only: the collector's host:port, with the port as written (4317 when none is). */
  readonly grpcTarget?: string;
  readonly compression: OtlpCompression;
  /** Extra request headers (values are secrets: never print them). */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
  /** PEM CA bundle to trust for https. */
  readonly ca?: Buffer;
  /** PEM client certificate and key for mutual TLS. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export interface OtlpFlags {
  endpoint?: string;
  protocol?: string;
  compression?: string;
  /** `name=value` strings. */
  headers?: string[];
  timeoutMs?: number;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export const DEFAULT_ENDPOINT = 'http://localhost:4318';
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
export const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
export const LOGS_PATH = '/v1/logs';
export const DEFAULT_TIMEOUT_MS = 10_000;

function envValue(env: NodeJS.ProcessEnv, suffix: string): { name: string; value: string } | undefined {
  for (const name of [`OTEL_EXPORTER_OTLP_LOGS_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return { name, value: v.trim() };
  }
  return undefined;
}

function parseUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FtplogError('ERR_CONFIG', `${source}: not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FtplogError('ERR_CONFIG', `${source}: must be an http:// or https:// URL`);
  return url;
}

/** A base endpoint gets /v1/logs appended (OTEL_EXPORTER_OTLP_ENDPOINT's rule). */
export function appendLogsPath(base: URL): URL {
  const u = new URL(base.href);
  u.pathname = u.pathname.replace(/\/+$/, '') + LOGS_PATH;
  return u;
}

/** Parses a W3C-baggage-style header list `k1=v1,k2=v2` (values percent-decoded). */
export function parseHeaderList(text: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = eq <= 0 ? '' : part.slice(0, eq).trim();
    if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new FtplogError('ERR_CONFIG', `${source}: an entry is not name=value with a valid header name`);
    }
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new FtplogError('ERR_CONFIG', `${source}: the value of header "${name}" is not valid percent-encoding`);
    }
    checkHeaderValue(name, value, source);
    out[name.toLowerCase()] = value;
  }
  return out;
}

/**
 * A header value must be sendable as it is: visible Latin-1 characters,
 * spaces and tabs, no line breaks or other control characters (a newline
 * would end the header, and Node refuses such a value at every request,
 * which would retry for ever). The message names the header, never its value.
 */
export function checkHeaderValue(name: string, value: string, source: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      throw new FtplogError('ERR_CONFIG', `${source}: the value of header "${name}" contains a control character (such as a line break), which no HTTP header may carry`);
    }
    if (c > 0xff) {
      throw new FtplogError('ERR_CONFIG', `${source}: the value of header "${name}" contains a character outside Latin-1, which an HTTP header cannot carry (percent-encode it if the collector expects that)`);
    }
  }
}

/** What a PEM file given as each option must hold. */
const PEM_KINDS = {
  certificate: /-----BEGIN CERTIFICATE-----/,
  'client certificate': /-----BEGIN CERTIFICATE-----/,
  'client key': /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/,
} as const;

/**
 * Reads a PEM file and checks that it holds what it is given as: a file
 * that is not PEM would otherwise fail at the first request, with a TLS
 * error that points elsewhere. Certificates must also parse.
 */
function readPem(path: string, kind: keyof typeof PEM_KINDS, source: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new FtplogError('ERR_CONFIG', `${source}: cannot read the ${kind} file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const text = pem.toString('latin1');
  if (!PEM_KINDS[kind].test(text)) {
    const what = kind === 'client key' ? 'a PEM private key (-----BEGIN … PRIVATE KEY-----)' : 'PEM certificates (-----BEGIN CERTIFICATE-----)';
    throw new FtplogError('ERR_CONFIG', `${source}: ${path} does not hold ${what}`);
  }
  if (kind !== 'client key') {
    for (const block of text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
      try {
        new X509Certificate(block);
      } catch (err) {
        throw new FtplogError('ERR_CONFIG', `${source}: ${path} holds a certificate that cannot be read (${(err as Error).message})`);
      }
    }
  }
  return pem;
}

/**
 * host:port for gRPC: the port as written, even a scheme's default one that
 * URL drops (https://collector:443), else 4317.
 */
export function grpcTarget(url: URL, text: string = url.href): string {
  const written = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)/i.exec(text.trim());
  const port = url.port !== '' ? url.port : written !== null ? String(Number(written[1])) : '4317';
  return `${url.hostname}:${port}`;
}

/**
 * The logs endpoint. Over HTTP: the flag (a base URL, or a full one ending
 * in /v1/logs), else the logs-specific variable (used as it is), else the
 * generic one (+ /v1/logs), else localhost:4318. Over gRPC the URL names
 * the collector's host and port only (a path is refused: gRPC has none to
 * give), with localhost:4317 by default.
 */
function resolveEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv, grpc: boolean): { url: URL; text: string } {
  const logsVar = env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']?.trim();
  const genericVar = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const [text, source] =
    flag !== undefined
      ? [flag, '--endpoint']
      : logsVar
        ? [logsVar, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']
        : genericVar
          ? [genericVar, 'OTEL_EXPORTER_OTLP_ENDPOINT']
          : [grpc ? DEFAULT_GRPC_ENDPOINT : DEFAULT_ENDPOINT, 'the default endpoint'];
  const url = parseUrl(text, source);
  if (grpc) {
    if (url.pathname.replace(/\/+$/, '') !== '') {
      throw new FtplogError('ERR_CONFIG', `${source}: an OTLP/gRPC endpoint is a scheme, host and port only (such as http://localhost:4317), without a path like ${url.pathname}`);
    }
    return { url, text };
  }
  const full = source === 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT' || (source === '--endpoint' && url.pathname.replace(/\/+$/, '').endsWith(LOGS_PATH));
  return { url: full ? url : appendLogsPath(url), text };
}

export function resolveOtlpConfig(flags: OtlpFlags = {}, env: NodeJS.ProcessEnv = process.env): OtlpConfig {
  const protoEnv = envValue(env, 'PROTOCOL');
  // The specification reads enum values of OTEL_* variables without regard to case.
  const protocol = flags.protocol ?? protoEnv?.value.toLowerCase() ?? 'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    const source = flags.protocol !== undefined ? '--protocol' : protoEnv!.name;
    throw new FtplogError('ERR_CONFIG', `${source}: "${protocol}" is not supported; use http/protobuf, http/json or grpc`);
  }
  const { url, text: endpointText } = resolveEndpoint(flags.endpoint, env, protocol === 'grpc');

  const compEnv = envValue(env, 'COMPRESSION');
  const compression = flags.compression ?? compEnv?.value.toLowerCase() ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') {
    throw new FtplogError('ERR_CONFIG', `${flags.compression !== undefined ? '--compression' : compEnv!.name}: must be gzip or none (got "${compression}")`);
  }

  const headers: Record<string, string> = {};
  const generic = env['OTEL_EXPORTER_OTLP_HEADERS'];
  if (generic) Object.assign(headers, parseHeaderList(generic, 'OTEL_EXPORTER_OTLP_HEADERS'));
  const logs = env['OTEL_EXPORTER_OTLP_LOGS_HEADERS'];
  if (logs) Object.assign(headers, parseHeaderList(logs, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS'));
  for (const h of flags.headers ?? []) Object.assign(headers, parseHeaderList(h, '--header'));
  for (const reserved of ['content-type', 'content-encoding', 'content-length', 'host']) {
    if (reserved in headers) throw new FtplogError('ERR_CONFIG', `header "${reserved}" is set by ftplog-otel and cannot be overridden`);
  }

  let timeoutMs = flags.timeoutMs;
  if (timeoutMs === undefined) {
    const t = envValue(env, 'TIMEOUT');
    if (t !== undefined) {
      const n = Number(t.value);
      if (!Number.isInteger(n) || n <= 0) throw new FtplogError('ERR_CONFIG', `${t.name}: must be a positive integer of milliseconds (got "${t.value}")`);
      timeoutMs = n;
    }
  }
  timeoutMs ??= DEFAULT_TIMEOUT_MS;

  const pem = (flag: string | undefined, flagName: string, suffix: string, kind: keyof typeof PEM_KINDS): Buffer | undefined => {
    if (flag !== undefined) return readPem(flag, kind, flagName);
    const e = envValue(env, suffix);
    return e === undefined ? undefined : readPem(e.value, kind, e.name);
  };
  const ca = pem(flags.caFile, '--ca-file', 'CERTIFICATE', 'certificate');
  const cert = pem(flags.certFile, '--cert-file', 'CLIENT_CERTIFICATE', 'client certificate');
  const key = pem(flags.keyFile, '--key-file', 'CLIENT_KEY', 'client key');
  const cfg: OtlpConfig = {
    url,
    protocol: protocol as OtlpProtocol,
    ...(protocol === 'grpc' ? { grpcTarget: grpcTarget(url, endpointText) } : {}),
    compression,
    headers: Object.freeze(headers),
    timeoutMs,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
  };
  return Object.freeze(cfg);
}

/**
 * The endpoint as it may be shown or stored: user information and query
 * values, where credentials are often put, replaced by `***`.
 */
export function redactUrl(url: URL): string {
  const u = new URL(url.href);
  if (u.username !== '' || u.password !== '') {
    u.username = '***';
    u.password = '';
  }
  if (u.search !== '') {
    const names = [...u.searchParams.keys()];
    u.search = names.map((n) => `${encodeURIComponent(n)}=***`).join('&');
  }
  return u.href;
}

/** A printable description of the config: header names only, never their values. */
export function describeOtlpConfig(c: OtlpConfig): string {
  const names = Object.keys(c.headers);
  return `${redactUrl(c.url)} (${c.protocol}${c.compression === 'gzip' ? ', gzip' : ''}${names.length > 0 ? `, headers: ${names.join(', ')}` : ''}${c.ca ? ', custom CA' : ''})`;
}
