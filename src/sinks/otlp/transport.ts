/**
 * One OTLP/HTTP POST over a keep-alive agent, with a bounded response body
 * and one deadline for the whole exchange: connecting, sending the body and
 * reading the complete answer. A deadline on silence alone (a socket idle
 * timeout) never fires for a collector that answers one byte at a time, and a
 * request that never ends would hold its batch, and the run, forever.
 * Network failures reject with the socket error (its `code` tells the retry
 * policy what happened); the deadline rejects with ETIMEDOUT.
 */
import http from 'node:http';
import https from 'node:https';
import type { OtlpConfig } from './config.js';
import { classifyStatus, type Verdict } from './retry.js';

/** A collector's answer to one export, whatever carried it. */
export interface ExportResponse {
  /** What to do with the batch (retryable answers included). */
  verdict: Verdict;
  /** The ExportLogsServiceResponse of an accepted export, or the error body of a refusal. */
  body: Buffer;
  /** How `body` is encoded. */
  contentType: string | undefined;
}

/** How the request loop uses a transport: OTLP/HTTP (HttpTransport) or OTLP/gRPC (GrpcTransport). */
export interface ExportTransport {
  /**
   * Sends one export request. Resolves with the collector's answer; rejects
   * when none came (a network failure, the deadline, an abort), with an
   * error whose `code` says which.
   */
  send(body: Uint8Array | readonly Uint8Array[], gzipped: boolean): Promise<ExportResponse>;
  /** Aborts requests in flight (their outcome is unknown to the sender). */
  abortAll(): void;
  close(): void;
}

export interface HttpResponse extends ExportResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** Largest response body read; the rest is discarded (a collector's answer is tiny). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export class HttpTransport implements ExportTransport {
  private readonly agent: http.Agent;
  private readonly config: OtlpConfig;
  private readonly contentType: string;
  private readonly inflight = new Set<http.ClientRequest>();

  constructor(config: OtlpConfig, maxSockets: number) {
    this.config = config;
    this.contentType = config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    const opts = { keepAlive: true, maxSockets, ...(config.ca ? { ca: config.ca } : {}), ...(config.cert ? { cert: config.cert } : {}), ...(config.key ? { key: config.key } : {}) };
    this.agent = config.url.protocol === 'https:' ? new https.Agent(opts) : new http.Agent(opts);
  }

  /**
   * POSTs the body, given whole or as pieces written one after the other (no
   * copy to join them). Resolves with the response once the body has been
   * written out or the request closed, so the body's memory is free to reuse.
   */
  send(body: Uint8Array | readonly Uint8Array[], gzipped: boolean): Promise<HttpResponse> {
    const parts: readonly Uint8Array[] = body instanceof Uint8Array ? [body] : body;
    let length = 0;
    for (const p of parts) length += p.byteLength;
    const { url } = this.config;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      // Settled once the response has ended and the body is no longer being
      // written (a server may answer before reading it all): the caller may
      // then reuse the body's memory.
      let response: HttpResponse | undefined;
      let written = false;
      const settle = (): void => {
        if (response !== undefined && written) resolve(response);
      };
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...this.config.headers,
            'content-type': this.contentType,
            'content-length': String(length),
            'user-agent': 'ftplog-otel',
            ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) {
              chunks.push(c);
              size += c.length;
            }
          });
          res.on('end', () => {
            clearTimeout(deadline);
            this.inflight.delete(req);
            const status = res.statusCode ?? 0;
            const verdict = classifyStatus(status, res.headers['retry-after']);
            response = { status, headers: res.headers, body: Buffer.concat(chunks), verdict, contentType: res.headers['content-type'] };
            settle();
          });
          res.on('error', (err) => {
            this.inflight.delete(req);
            reject(err);
          });
        },
      );
      this.inflight.add(req);
      const deadline = setTimeout(() => {
        const err = new Error(`no complete response within ${this.config.timeoutMs} ms`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT';
        req.destroy(err);
      }, this.config.timeoutMs);
      req.once('close', () => clearTimeout(deadline));
      req.on('error', (err) => {
        this.inflight.delete(req);
        reject(err);
      });
      const bodyDone = (): void => {
        written = true;
        settle();
      };
      req.once('finish', bodyDone);
      req.once('close', bodyDone);
      if (parts.length === 1) req.end(parts[0]);
      else {
        req.cork();
        for (const p of parts) req.write(p);
        req.end();
      }
    });
  }

  /** Aborts requests in flight (their outcome is unknown to the sender). */
  abortAll(): void {
    for (const req of this.inflight) {
      const err = new Error('aborted by shutdown') as NodeJS.ErrnoException;
      err.code = 'ERR_SHUTDOWN';
      req.destroy(err);
    }
    this.inflight.clear();
  }

  close(): void {
    this.abortAll();
    this.agent.destroy();
  }
}
