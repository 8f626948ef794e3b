/**
 * What to do with an export's result, per the OTLP specification. Over
 * HTTP: 429, 502, 503, 504 and network failures are retried (Retry-After
 * honoured), 413 splits the batch, any other answer outside 2xx is final
 * (the batch goes to the dead-letter file). Over gRPC: the status codes the
 * specification calls retryable are retried (RetryInfo honoured),
 * RESOURCE_EXHAUSTED only with a RetryInfo, a message over the collector's
 * size limit splits the batch, every other code is final. Backoff is capped
 * exponential with full jitter. Pure.
 */
export type Verdict =
  | { kind: 'accepted' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'split'; reason: string; status?: number }
  | { kind: 'reject'; reason: string; status?: number }
  | { kind: 'fatal'; reason: string };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Retry-After: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

export function classifyStatus(status: number, retryAfter?: string | string[]): Verdict {
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  if (RETRYABLE_STATUS.has(status)) {
    const ms = parseRetryAfter(retryAfter);
    return ms === undefined ? { kind: 'retry', reason: `HTTP ${status}` } : { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: ms };
  }
  if (status === 413) return { kind: 'split', reason: 'HTTP 413 (payload too large)', status };
  return { kind: 'reject', reason: `HTTP ${status}`, status };
}

/** gRPC status codes by number (google.rpc.Code). */
export const GRPC_CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** The codes the OTLP/gRPC specification says to retry (RESOURCE_EXHAUSTED only with RetryInfo). */
const RETRYABLE_GRPC = new Set([1, 4, 10, 11, 14, 15]);
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
/** Node's messages for certificates it does not trust or that name another host, and for a TLS handshake that failed. */
const GRPC_TLS_FAILURE = /certificate|altnames|SSL routines|wrong version number/i;

/** `UNAVAILABLE (14)` */
export function grpcCodeName(code: number): string {
  return `${GRPC_CODE_NAMES[code] ?? 'code'} (${code})`;
}

/**
 * The verdict on a gRPC status: `details` is the status message, and
 * `retryDelayMs` the delay of the google.rpc.RetryInfo the collector sent
 * with it, when it sent one (the sign that trying again can succeed).
 */
export function classifyGrpc(code: number, details: string, retryDelayMs?: number): Verdict {
  if (code === 0) return { kind: 'accepted' };
  const reason = `gRPC ${grpcCodeName(code)}${details !== '' ? `: ${details}` : ''}`;
  // grpc-js reports a failed TLS handshake as UNAVAILABLE, with the TLS error in its message.
  if (code === UNAVAILABLE && GRPC_TLS_FAILURE.test(details)) {
    return { kind: 'fatal', reason: `TLS: ${reason} (is the collector's CA given with --ca-file or OTEL_EXPORTER_OTLP_CERTIFICATE, and does its certificate name the endpoint's host?)` };
  }
  const withDelay = retryDelayMs === undefined ? {} : { retryAfterMs: retryDelayMs };
  if (RETRYABLE_GRPC.has(code)) return { kind: 'retry', reason, ...withDelay };
  if (code === RESOURCE_EXHAUSTED) {
    // grpc-go and grpc-js both say "larger than max" of a message over the receiver's limit.
    if (/larger than max/i.test(details)) return { kind: 'split', reason };
    if (retryDelayMs !== undefined) return { kind: 'retry', reason, ...withDelay };
  }
  return { kind: 'reject', reason };
}

/** TLS verification failures: retrying cannot fix a certificate or a CA setting. */
const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|ERR_SSL_)/;

export function classifyError(err: unknown): Extract<Verdict, { kind: 'retry' | 'fatal' }> {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = (err as Error | undefined)?.message ?? String(err);
  if (code !== undefined && TLS_CODES.test(code)) {
    return { kind: 'fatal', reason: `TLS: ${code}: ${message} (is the collector's CA given with --ca-file or OTEL_EXPORTER_OTLP_CERTIFICATE?)` };
  }
  if (code !== undefined && RETRYABLE_CODES.has(code)) return { kind: 'retry', reason: `${code}: ${message}` };
  if (/socket hang up/i.test(message)) return { kind: 'retry', reason: `ECONNRESET: ${message}` };
  // Unknown transport failures are retried too: giving up would lose records.
  return { kind: 'retry', reason: code !== undefined ? `${code}: ${message}` : message };
}

export interface BackoffOptions {
  /** First delay. @default 500 */
  initialMs: number;
  /** Cap of the delay. @default 30000 */
  maxMs: number;
  /** @default 2 */
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, multiplier: 2 };

/** Delay before retry number `attempt` (1-based): full jitter over the capped exponential. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.initialMs * Math.pow(o.multiplier, Math.max(0, attempt - 1)));
  // Half fixed, half jitter: never hammers, never waits longer than the cap.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A collector's Retry-After is followed up to this many times the backoff cap. */
export const RETRY_AFTER_CAP_FACTOR = 4;

export interface RetryPlan {
  /** Wait this long before the next attempt. */
  delayMs: number;
  /** The Retry-After the collector asked for, when it was longer than the cap and cut to it. */
  retryAfterCappedFromMs?: number;
}

/**
 * When to try a failing batch again: the backoff for its attempt number, or
 * the collector's Retry-After when that is longer, up to
 * RETRY_AFTER_CAP_FACTOR × the backoff cap (a collector asking for an hour
 * would otherwise hold the run for an hour); never past `deadline` (the
 * retry time limit), so the last attempt falls on it. Pure.
 */
export function planRetry(
  attempt: number,
  o: BackoffOptions,
  random: () => number,
  retryAfterMs: number | undefined,
  now: number,
  deadline: number,
): RetryPlan {
  let delayMs = backoffDelay(attempt, o, random);
  let capped: number | undefined;
  if (retryAfterMs !== undefined) {
    const cap = o.maxMs * RETRY_AFTER_CAP_FACTOR;
    if (retryAfterMs > cap) capped = retryAfterMs;
    delayMs = Math.max(delayMs, Math.min(retryAfterMs, cap));
  }
  delayMs = Math.max(0, Math.min(delayMs, deadline - now));
  return capped === undefined ? { delayMs } : { delayMs, retryAfterCappedFromMs: capped };
}
