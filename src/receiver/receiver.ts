/**
 * A real OTLP logs receiver: decodes requests as a collector does and
 * answers as one does, with per-request fault injection. The tests of the
 * whole project run against it, and `ftplog-otel receive` serves it.
 * It serves OTLP/HTTP, or OTLP/gRPC with the `grpc` option:
 *
 *   POST /v1/logs   application/x-protobuf | application/json
 *                   (another path with the `path` option, e.g. Loki's /otlp/v1/logs)
 *                   Content-Encoding: gzip | deflate | br | identity
 *   → 200 ExportLogsServiceResponse in the request's encoding
 *   → 400 undecodable body, 404 other paths, 405 other methods,
 *     413 body over maxBodyBytes, 415 other content types
 *
 *   gRPC LogsService/Export (grpc-encoding gzip or none)
 *   → OK with ExportLogsServiceResponse, or the Behavior's status as its
 *     gRPC code (grpcCode, else the HTTP status mapped as a collector maps
 *     it); a retryAfter goes out as a google.rpc.RetryInfo;
 *     RESOURCE_EXHAUSTED for a message over maxBodyBytes
 *
 * Design: a body is buffered up to maxBodyBytes (compressed and decompressed
 * alike), decoded, then answered after the request's Behavior. Stored records
 * and requests grow without bound unless `retain` is off; a test receiver is
 * short-lived, and the `receive` command turns retention off.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { FtplogError, invalidOption } from '../errors.js';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  encodeExportResponse,
  encodeRpcStatus,
  encodeStatus,
  grpcCodeForHttp,
  type PartialSuccess,
} from './decode.js';
import type { OtlpEncoding, ReceivedLogRecord, ReceivedRequest } from './types.js';
import { GRPC_EXPORT_PATH, listenGrpc, listenHttp, type GrpcAnswer, type Listener } from './listeners.js';

export type { AnyValueKind, OtlpEncoding, ReceivedLogRecord, ReceivedRequest } from './types.js';

/** How the receiver answers one request. */
export interface Behavior {
  /** HTTP status to answer. @default 200 */
  status?: number;
  /** Over gRPC: the status code to answer. @default the HTTP `status` mapped as a collector maps it (0 for 2xx) */
  grpcCode?: number;
  /**
   * Retry-After header value (seconds or an HTTP date), e.g. with 429 or
   * 503. Over gRPC: whole seconds, sent as a google.rpc.RetryInfo.
   */
  retryAfter?: string;
  /** Wait this long before answering (or dropping the connection). @default 0 */
  delayMs?: number;
  /** Drop the connection without answering. */
  destroySocket?: boolean;
  /**
   * Answer the status line and headers, then write one byte every
   * `intervalMs` and never end the response: a collector that hangs in the
   * middle of its answer. The records are not stored unless `accept` says so.
   */
  drip?: { intervalMs: number };
  /**
   * Answer with this body and content type instead of the encoded
   * ExportLogsServiceResponse or Status (e.g. a JSON answer to a protobuf
   * request).
   */
  rawAnswer?: { contentType: string; body: string | Uint8Array };
  /** Answer a 2xx with partial_success { rejected_log_records, error_message }. */
  partialSuccess?: PartialSuccess;
  /**
   * Whether the request's records are stored. With `destroySocket`, `true`
   * models a collector that took the records but whose answer was lost.
   * @default true for a 2xx status, false otherwise
   */
  accept?: boolean;
}

/** What a behavior function is told about the request it decides for. */
export interface RequestContext {
  /** Index of the request in `requests`. */
  requestIndex: number;
  recordCount: number;
  encoding: OtlpEncoding;
  records: readonly ReceivedLogRecord[];
}

export type BehaviorSource = Behavior | ((request: RequestContext) => Behavior);

/** Behaviors for the next requests in turn, then `then` for every later one. */
export function sequence(steps: readonly Behavior[], then: Behavior = {}): (request: RequestContext) => Behavior {
  let next = 0;
  return () => (next < steps.length ? steps[next++]! : then);
}

export interface ReceiverOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Largest body accepted, before and after decompression, as a collector's max_request_body_size. @default 20 MiB */
  maxBodyBytes?: number;
  /** Keep received records and requests in `records` and `requests`. @default true */
  retain?: boolean;
  /**
   * The one path served; every other path is answered 404. `/otlp/v1/logs`
   * is where Grafana Loki takes OTLP logs, so the receiver can stand in for it.
   * @default '/v1/logs'
   */
  path?: string;
  /** Serve OTLP/gRPC (LogsService/Export) instead of OTLP/HTTP. @default false */
  grpc?: boolean;
}

interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly retain: boolean;
  readonly path: string;
  readonly grpc: boolean;
}

const LOGS_PATH = '/v1/logs';

function resolveOptions(options: ReceiverOptions): ResolvedOptions {
  const { host = '127.0.0.1', port = 0, maxBodyBytes = 20 * 1024 * 1024, retain = true, path = LOGS_PATH, grpc = false } = options;
  if (typeof host !== 'string' || host === '') throw invalidOption('host', 'a non-empty string', host);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidOption('port', 'an integer from 0 to 65535', port);
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw invalidOption('maxBodyBytes', 'a positive integer', maxBodyBytes);
  if (typeof retain !== 'boolean') throw invalidOption('retain', 'a boolean', retain);
  if (typeof path !== 'string' || !/^\/[^?#\s]*$/.test(path)) throw invalidOption('path', 'a path starting with "/", without query or spaces', path);
  if (typeof grpc !== 'boolean') throw invalidOption('grpc', 'a boolean', grpc);
  return Object.freeze({ host, port, maxBodyBytes, retain, path: grpc ? GRPC_EXPORT_PATH : path, grpc });
}
const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

function encodingOf(contentType: string): OtlpEncoding | undefined {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

class BodyTooLarge extends Error {}

async function decompress(body: Buffer, contentEncoding: string, limit: number): Promise<Buffer> {
  const opts = { maxOutputLength: limit };
  try {
    switch (contentEncoding) {
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, opts);
      case 'deflate':
        return await inflate(body, opts);
      case 'br':
        return await brotli(body, opts);
      default:
        throw new FtplogError('ERR_PARSE', `unsupported Content-Encoding "${contentEncoding}"`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge();
    if (err instanceof FtplogError) throw err;
    throw new FtplogError('ERR_PARSE', `body does not decompress as ${contentEncoding}: ${(err as Error).message}`, { cause: err });
  }
}

export interface ReceiverTotals {
  /** Requests completed (answered or dropped), refused ones included. */
  requests: number;
  /** Log records decoded, stored or not. */
  records: number;
  /** Log records stored. */
  acceptedRecords: number;
}

interface Waiter {
  count: () => number;
  n: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface OtlpReceiver {
  on(event: 'records', listener: (records: ReceivedLogRecord[], request: ReceivedRequest) => void): this;
  on(event: 'request', listener: (request: ReceivedRequest) => void): this;
  once(event: 'records', listener: (records: ReceivedLogRecord[], request: ReceivedRequest) => void): this;
  once(event: 'request', listener: (request: ReceivedRequest) => void): this;
  off(event: 'records', listener: (records: ReceivedLogRecord[], request: ReceivedRequest) => void): this;
  off(event: 'request', listener: (request: ReceivedRequest) => void): this;
}

/**
 * A listening receiver. Events: 'request' (every request, once answered or
 * dropped) and 'records' (the records of each accepted request).
 */
export class OtlpReceiver extends EventEmitter {
  /** `http://host:port` (the endpoint to give an OTLP/gRPC exporter) */
  readonly url: string;
  /** `url` + the served path (`/v1/logs` unless the `path` option says otherwise; the Export method's path over gRPC) */
  readonly endpoint: string;
  readonly port: number;
  readonly host: string;
  /** Accepted records in arrival order (empty when `retain` is off). */
  readonly records: ReceivedLogRecord[] = [];
  /** Every request in arrival order, as it arrives (empty when `retain` is off); `requests[i].index === i` until clear(). */
  readonly requests: ReceivedRequest[] = [];
  readonly #totals: ReceiverTotals = { requests: 0, records: 0, acceptedRecords: 0 };

  #listener: Listener;
  readonly #options: ResolvedOptions;
  #behavior: BehaviorSource = {};
  /** Pending delayed answers: stop() and close() end them early. */
  readonly #sleeps = new Map<NodeJS.Timeout, () => void>();
  readonly #waiters = new Set<Waiter>();
  #listening = true;
  #closing: Promise<void> | undefined;
  #restarting: Promise<void> | undefined;
  #arrivals = 0;

  /** Use startReceiver(). */
  constructor(options: ResolvedOptions, listener: Listener) {
    super();
    this.#options = options;
    this.#listener = listener;
    const port = listener.port;
    this.port = port;
    this.host = options.host;
    const shown = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
    this.url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
    this.endpoint = this.url + options.path;
  }

  /** Starts a receiver; resolves once it listens. */
  static async start(options: ResolvedOptions): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const listener = await OtlpReceiver.#listen(options, options.port, () => receiver!);
    receiver = new OtlpReceiver(options, listener);
    return receiver;
  }

  /** Listens on `port` (0: any free one), handing requests to `target()`. */
  static #listen(o: ResolvedOptions, port: number, target: () => OtlpReceiver): Promise<Listener> {
    return o.grpc
      ? listenGrpc(o.host, port, o.maxBodyBytes, (message, metadata) => target().#handleGrpc(message, metadata))
      : listenHttp(o.host, port, (req, res) => target().#handleHttp(req, res));
  }

  /** Sets how later requests are answered: one Behavior for all, or a function deciding per request. */
  setBehavior(behavior: BehaviorSource): void {
    if (typeof behavior !== 'function' && (typeof behavior !== 'object' || behavior === null)) {
      throw invalidOption('behavior', 'a Behavior object or a function', behavior);
    }
    this.#behavior = behavior;
  }

  /** Forgets stored records and requests (totals stay). */
  clear(): void {
    this.records.length = 0;
    this.requests.length = 0;
  }

  /** Resolves with `records` once at least `n` records were accepted; rejects with ERR_EXPORT_TIMEOUT after `timeoutMs`. */
  waitForRecords(n: number, timeoutMs = 5000): Promise<ReceivedLogRecord[]> {
    return this.#wait(() => this.#totals.acceptedRecords, n, timeoutMs, 'records').then(() => this.records);
  }

  /** Resolves with `requests` once at least `n` requests were completed (answered or dropped); rejects with ERR_EXPORT_TIMEOUT after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    return this.#wait(() => this.#totals.requests, n, timeoutMs, 'requests').then(() => this.requests);
  }

  /** Counts since start, kept whatever `retain` says. */
  get totals(): ReceiverTotals {
    return { ...this.#totals };
  }

  /** True while the port is listening. */
  get listening(): boolean {
    return this.#listening;
  }

  /** Stops listening and drops open connections, keeping state: clients see the collector down. */
  async stop(): Promise<void> {
    if (!this.#listening || this.#closing !== undefined) return;
    this.#listening = false;
    await this.#shutServer();
  }

  /** Listens again on the same port after stop(). */
  restart(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new FtplogError('ERR_SHUTDOWN', 'receiver is closed'));
    if (this.#listening) return Promise.resolve();
    this.#restarting ??= (async () => {
      try {
        this.#listener = await OtlpReceiver.#listen(this.#options, this.port, () => this);
        this.#listening = true;
      } finally {
        this.#restarting = undefined;
      }
    })();
    return this.#restarting;
  }

  /** Stops for good: closes the port, destroys open sockets, cancels pending answers and waits. Safe to call twice. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      const wasListening = this.#listening;
      this.#listening = false;
      for (const w of this.#waiters) {
        clearTimeout(w.timer);
        w.reject(new FtplogError('ERR_SHUTDOWN', 'receiver closed while waiting'));
      }
      this.#waiters.clear();
      this.#closing = wasListening ? this.#shutServer() : Promise.resolve();
    }
    return this.#closing;
  }

  #shutServer(): Promise<void> {
    for (const [t, wake] of this.#sleeps) {
      clearTimeout(t);
      wake();
    }
    this.#sleeps.clear();
    return this.#listener.shut();
  }

  #handleHttp(req: IncomingMessage, res: ServerResponse): void {
    this.#handle(req, res).catch((err: unknown) => {
      // The client went away mid-body, or a behavior function threw: answer 500 if anyone still listens.
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end(String((err as Error)?.message ?? err));
      } else res.destroy();
    });
  }

  #wait(count: () => number, n: number, timeoutMs: number, what: string): Promise<void> {
    if (count() >= n) return Promise.resolve();
    if (this.#closing !== undefined) return Promise.reject(new FtplogError('ERR_SHUTDOWN', 'receiver is closed'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        count,
        n,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new FtplogError('ERR_EXPORT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${n} ${what} (have ${count()})`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const w of this.#waiters) {
      if (w.count() >= w.n) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#sleeps.delete(t);
        resolve();
      }, ms);
      this.#sleeps.set(t, resolve);
    });
  }

  /** A new request in `requests`. */
  #arrival(fields: Pick<ReceivedRequest, 'method' | 'path' | 'contentType' | 'encoding' | 'contentEncoding' | 'headers'>): ReceivedRequest {
    const request: ReceivedRequest = { index: this.#arrivals++, ...fields, bytes: 0, decodedBytes: 0, recordCount: 0, status: undefined, accepted: false, completed: false, receivedAt: Date.now() };
    if (this.#options.retain) this.requests.push(request);
    return request;
  }

  /** Marks a request completed, whatever became of it. */
  #completed(request: ReceivedRequest): void {
    request.completed = true;
    this.#totals.requests++;
    this.emit('request', request);
    this.#notify();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    const request = this.#arrival({
      method: req.method ?? '',
      path: (req.url ?? '').split('?', 1)[0]!,
      contentType,
      encoding: encodingOf(contentType),
      contentEncoding: (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity',
      headers: { ...req.headers },
    });
    try {
      await this.#answer(req, res, request);
    } finally {
      this.#completed(request);
    }
  }

  /**
   * Applies the Behavior to a decoded request: waits its delay, stores the
   * records when it accepts them. Undefined when the receiver stopped
   * meanwhile (the connection is gone).
   */
  async #decide(request: ReceivedRequest, records: ReceivedLogRecord[]): Promise<{ behavior: Behavior; status: number; ok: boolean; accept: boolean } | undefined> {
    request.recordCount = records.length;
    const source = this.#behavior;
    const behavior = typeof source === 'function' ? source({ requestIndex: request.index, recordCount: records.length, encoding: request.encoding ?? 'protobuf', records }) : source;
    const status = behavior.status ?? 200;
    const ok = status >= 200 && status < 300;
    if (behavior.delayMs !== undefined && behavior.delayMs > 0) {
      await this.#sleep(behavior.delayMs);
      if (!this.#listening) return undefined;
    }
    // Records are stored before the answer leaves, so a client that got its answer finds them.
    const accept = behavior.accept ?? (ok && behavior.destroySocket !== true && behavior.drip === undefined);
    this.#totals.records += records.length;
    if (accept) {
      request.accepted = true;
      if (this.#options.retain) for (const r of records) this.records.push(r);
      this.#totals.acceptedRecords += records.length;
    }
    return { behavior, status, ok, accept };
  }

  /** One OTLP/gRPC export: decoded, decided and answered as over HTTP, with gRPC codes. */
  async #handleGrpc(message: Buffer, metadata: Record<string, string>): Promise<GrpcAnswer | undefined> {
    const request = this.#arrival({
      method: 'POST',
      path: GRPC_EXPORT_PATH,
      contentType: metadata['content-type'] ?? 'application/grpc',
      encoding: 'protobuf',
      contentEncoding: metadata['grpc-encoding'] ?? 'identity',
      headers: metadata,
    });
    try {
      request.bytes = request.decodedBytes = message.length;
      let records: ReceivedLogRecord[];
      try {
        records = decodeLogsProtobuf(message, request.index);
      } catch (err) {
        request.error = (err as Error).message;
        request.status = 400;
        return { code: 3, message: request.error };
      }
      const decided = await this.#decide(request, records);
      if (decided === undefined) return undefined;
      const { behavior, status, ok, accept } = decided;
      request.status = status;
      const code = behavior.grpcCode ?? (ok ? 0 : grpcCodeForHttp(status));
      const answer: GrpcAnswer =
        code === 0
          ? { code, response: encodeExportResponse('protobuf', behavior.partialSuccess) }
          : { code, message: `injected status ${status}`, ...retryInfo(code, `injected status ${status}`, behavior.retryAfter) };
      if (accept) queueMicrotask(() => this.emit('records', records, request));
      return answer;
    } finally {
      this.#completed(request);
    }
  }

  #reply(res: ServerResponse, request: ReceivedRequest, status: number, contentType: string, body: Uint8Array | string, headers: Record<string, string> = {}): void {
    request.status = status;
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.end(body);
  }

  /** A refusal by the receiver itself (not a Behavior). */
  #refuse(res: ServerResponse, request: ReceivedRequest, status: number, message: string, extra: Record<string, string> = {}): void {
    request.error = message;
    if (request.encoding === undefined || status === 404 || status === 405 || status === 415) {
      this.#reply(res, request, status, 'text/plain; charset=utf-8', message, extra);
    } else {
      const enc = request.encoding;
      this.#reply(res, request, status, CONTENT_TYPES[enc], encodeStatus(enc, grpcCodeForHttp(status), message), extra);
    }
  }

  async #answer(req: IncomingMessage, res: ServerResponse, request: ReceivedRequest): Promise<void> {
    if (request.path !== this.#options.path) {
      req.resume();
      return this.#refuse(res, request, 404, '404 page not found');
    }
    if (request.method !== 'POST') {
      req.resume();
      return this.#refuse(res, request, 405, '405 method not allowed, supported: [POST]', { Allow: 'POST' });
    }
    if (request.encoding === undefined) {
      req.resume();
      return this.#refuse(res, request, 415, '415 unsupported media type, supported: [application/json, application/x-protobuf]');
    }
    const limit = this.#options.maxBodyBytes;
    const body = await readBody(req, limit);
    if (body === undefined) {
      // Refuse and close: the rest of the oversized body is not read.
      this.#refuse(res, request, 413, `request body larger than ${limit} bytes`, { Connection: 'close' });
      res.once('finish', () => req.socket.destroy());
      return;
    }
    request.bytes = body.length;
    let records: ReceivedLogRecord[];
    try {
      const plain = await decompress(body, request.contentEncoding, limit);
      request.decodedBytes = plain.length;
      records = request.encoding === 'protobuf' ? decodeLogsProtobuf(plain, request.index) : decodeLogsJson(plain, request.index);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.#refuse(res, request, 413, `decompressed body larger than ${limit} bytes`);
      return this.#refuse(res, request, 400, (err as Error).message);
    }
    const decided = await this.#decide(request, records);
    // Stopped or closed while waiting: the connection is gone.
    if (decided === undefined) return;
    const { behavior, status, ok, accept } = decided;
    if (behavior.destroySocket === true) {
      req.socket.destroy();
    } else if (behavior.drip !== undefined) {
      request.status = status;
      res.writeHead(status, { 'Content-Type': CONTENT_TYPES[request.encoding] });
      const timer = setInterval(() => res.write('.'), behavior.drip.intervalMs);
      res.once('close', () => clearInterval(timer));
    } else if (behavior.rawAnswer !== undefined) {
      const headers: Record<string, string> = {};
      if (behavior.retryAfter !== undefined) headers['Retry-After'] = behavior.retryAfter;
      this.#reply(res, request, status, behavior.rawAnswer.contentType, behavior.rawAnswer.body, headers);
    } else {
      const headers: Record<string, string> = {};
      if (behavior.retryAfter !== undefined) headers['Retry-After'] = behavior.retryAfter;
      const enc = request.encoding;
      const body = ok ? encodeExportResponse(enc, behavior.partialSuccess) : encodeStatus(enc, grpcCodeForHttp(status), `injected status ${status}`);
      this.#reply(res, request, status, CONTENT_TYPES[enc], body, headers);
    }
    if (accept) this.emit('records', records, request);
  }
}

/** Reads a body of at most `limit` bytes; undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new Error('client aborted the request'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** The status, with its RetryInfo, of a gRPC error, for a Retry-After of whole seconds. */
function retryInfo(code: number, message: string, retryAfter: string | undefined): Pick<GrpcAnswer, 'details'> {
  if (retryAfter === undefined || !/^\d+$/.test(retryAfter.trim())) return {};
  return { details: encodeRpcStatus(code, message, Number(retryAfter.trim()) * 1000) };
}

/** Starts a receiver; resolves once it listens. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  return OtlpReceiver.start(resolveOptions(options));
}
