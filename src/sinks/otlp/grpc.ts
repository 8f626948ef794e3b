/**
 * OTLP/gRPC: one unary LogsService/Export call per request over
 * @grpc/grpc-js, carrying the same ExportLogsServiceRequest bytes the
 * http/protobuf encoder makes (no protobuf library in between). One HTTP/2
 * connection carries every request in flight. The call's deadline bounds
 * the whole exchange, as --timeout does over HTTP.
 *
 * Every status the collector answers with becomes a verdict (classifyGrpc):
 * the retryable codes of the OTLP specification, the RetryInfo a collector
 * attaches to say when to come back, and RESOURCE_EXHAUSTED for a message
 * over its size limit, which splits the batch. A call aborted by shutdown
 * rejects with ERR_SHUTDOWN. grpc-js's own retries are off: the request
 * loop retries, with its backoff and its dead-letter rules.
 */
import type * as Grpc from '@grpc/grpc-js';
import { GRPC_EXPORT_PATH, grpcJs as grpc, passThrough } from '../../otlp/grpc-js.js';
import { decodeRpcStatus } from '../../otlp/response.js';
import { grpcTarget, type OtlpConfig } from './config.js';
import { classifyGrpc } from './retry.js';
import type { ExportResponse, ExportTransport } from './transport.js';

/** grpc-js's number for gzip message compression. */
const GZIP = 2;
const PROTOBUF = 'application/x-protobuf';
const RECONNECT_INITIAL_MS = 100;
const RECONNECT_MAX_MS = 1000;

function credentials(config: OtlpConfig): Grpc.ChannelCredentials {
  const { credentials: c } = grpc();
  if (config.url.protocol !== 'https:') return c.createInsecure();
  return c.createSsl(config.ca ?? null, config.key ?? null, config.cert ?? null);
}

/** Request headers as gRPC metadata; names ending in -bin carry binary values, given here as text. */
function metadataOf(headers: Readonly<Record<string, string>>): Grpc.Metadata {
  const md = new (grpc().Metadata)();
  for (const [name, value] of Object.entries(headers)) md.add(name, name.endsWith('-bin') ? Buffer.from(value) : value);
  return md;
}

/** The answer a failed call stands for: its status, with the RetryInfo delay the collector may have attached. */
function failedCall(err: Grpc.ServiceError): ExportResponse {
  const details = err.metadata?.get('grpc-status-details-bin')[0];
  const status = details instanceof Buffer ? decodeRpcStatus(details) : undefined;
  return { verdict: classifyGrpc(err.code, err.details ?? '', status?.retryDelayMs), body: Buffer.alloc(0), contentType: undefined };
}

function shutdownError(): Error {
  const err = new Error('aborted by shutdown') as NodeJS.ErrnoException;
  err.code = 'ERR_SHUTDOWN';
  return err;
}

export class GrpcTransport implements ExportTransport {
  private readonly client: Grpc.Client;
  private readonly metadata: Grpc.Metadata;
  private readonly inflight = new Set<Grpc.ClientUnaryCall>();
  private readonly aborted = new WeakSet<Grpc.ClientUnaryCall>();

  constructor(private readonly config: OtlpConfig) {
    this.client = new (grpc().Client)(config.grpcTarget ?? grpcTarget(config.url), credentials(config), {
      'grpc.primary_user_agent': 'ftplog-otel',
      'grpc.enable_retries': 0,
      // The channel reconnects on its own schedule, up to 2 minutes apart by
      // default: a collector back after an outage would wait that long for
      // the next connection. Requests retry with their own backoff; the
      // connection is tried again at least every second.
      'grpc.initial_reconnect_backoff_ms': RECONNECT_INITIAL_MS,
      'grpc.max_reconnect_backoff_ms': RECONNECT_MAX_MS,
      // Answers are tiny; requests may be as large as a batch.
      'grpc.max_send_message_length': -1,
      ...(config.compression === 'gzip' ? { 'grpc.default_compression_algorithm': GZIP } : {}),
    });
    this.metadata = metadataOf(config.headers);
  }

  /** Sends the request; `gzipped` is not used: gRPC compresses each message itself when the config asks for gzip. */
  send(body: Uint8Array | readonly Uint8Array[]): Promise<ExportResponse> {
    const message = body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.concat(body);
    return new Promise<ExportResponse>((resolve, reject) => {
      const call = this.client.makeUnaryRequest<Buffer, Buffer>(
        GRPC_EXPORT_PATH,
        passThrough,
        passThrough,
        message,
        this.metadata.clone(),
        { deadline: Date.now() + this.config.timeoutMs },
        (err, value) => {
          this.inflight.delete(call);
          if (this.aborted.has(call)) reject(shutdownError());
          else if (err !== null) resolve(failedCall(err));
          else resolve({ verdict: { kind: 'accepted' }, body: value ?? Buffer.alloc(0), contentType: PROTOBUF });
        },
      );
      this.inflight.add(call);
    });
  }

  abortAll(): void {
    for (const call of this.inflight) {
      this.aborted.add(call);
      call.cancel();
    }
    this.inflight.clear();
  }

  close(): void {
    this.abortAll();
    this.client.close();
  }
}
