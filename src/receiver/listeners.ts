/**
 * The receiver's two ways in: an HTTP server for OTLP/HTTP and a gRPC
 * server (@grpc/grpc-js, loaded on first use) for OTLP/gRPC's
 * LogsService/Export. Each can be shut, dropping its connections, so that
 * the receiver can play a collector that goes down and comes back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type * as Grpc from '@grpc/grpc-js';
import { GRPC_EXPORT_PATH, grpcJs as grpc, passThrough } from '../otlp/grpc-js.js';

export { GRPC_EXPORT_PATH };

export interface Listener {
  readonly port: number;
  /** Stops listening and drops open connections. */
  shut(): Promise<void>;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What an OTLP/gRPC export is answered with. */
export interface GrpcAnswer {
  /** gRPC status code; 0 for OK. */
  code: number;
  /** The ExportLogsServiceResponse of an OK answer. */
  response?: Uint8Array;
  /** The status message of an error. */
  message?: string;
  /** A google.rpc.Status for the grpc-status-details-bin trailer. */
  details?: Buffer;
}

/** One unary export: the request's bytes (decompressed) and metadata. Undefined: no answer (the receiver stopped). */
export type GrpcHandler = (message: Buffer, metadata: Record<string, string>) => Promise<GrpcAnswer | undefined>;

function listenServer(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** An HTTP server passing every request to `handle`. */
export async function listenHttp(host: string, port: number, handle: HttpHandler): Promise<Listener> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('request', handle);
  const bound = await listenServer(server, host, port);
  return {
    port: bound,
    shut: () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      return done;
    },
  };
}

function metadataText(md: Grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = typeof v === 'string' ? v : `<${v.length} bytes>`;
  return out;
}

function serviceError(answer: GrpcAnswer): Partial<Grpc.StatusObject> {
  const metadata = new (grpc().Metadata)();
  if (answer.details !== undefined) metadata.set('grpc-status-details-bin', answer.details);
  return { code: answer.code, details: answer.message ?? '', metadata };
}

/** A gRPC server with the OTLP logs service, each export answered by `handle`; requests up to `maxMessageBytes`. */
export async function listenGrpc(host: string, port: number, maxMessageBytes: number, handle: GrpcHandler): Promise<Listener> {
  const g = grpc();
  const server = new g.Server({ 'grpc.max_receive_message_length': maxMessageBytes });
  const definition: Grpc.ServiceDefinition = {
    Export: { path: GRPC_EXPORT_PATH, requestStream: false, responseStream: false, requestSerialize: passThrough, requestDeserialize: passThrough, responseSerialize: passThrough, responseDeserialize: passThrough },
  };
  server.addService(definition, {
    Export: (call: Grpc.ServerUnaryCall<Buffer, Buffer>, callback: Grpc.sendUnaryData<Buffer>) => {
      handle(call.request, metadataText(call.metadata)).then(
        (answer) => {
          if (answer === undefined) return;
          if (answer.code === 0) callback(null, Buffer.from(answer.response ?? new Uint8Array(0)));
          else callback(serviceError(answer));
        },
        (err: unknown) => callback({ code: g.status.INTERNAL, details: String((err as Error)?.message ?? err) }),
      );
    },
  });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, g.ServerCredentials.createInsecure(), (err, p) => (err !== null ? reject(err) : resolve(p)));
  });
  return {
    port: bound,
    shut: () => {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
