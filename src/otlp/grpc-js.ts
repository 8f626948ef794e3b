/**
 * @grpc/grpc-js, loaded on first use (runs over HTTP never pay for it), and
 * what both ends of OTLP/gRPC share: the Export method's path and the
 * serializer that passes the protobuf bytes through as they are.
 */
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';

/** The one method OTLP/gRPC logs use. */
export const GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

let grpcModule: typeof Grpc | undefined;

export function grpcJs(): typeof Grpc {
  grpcModule ??= createRequire(import.meta.url)('@grpc/grpc-js') as typeof Grpc;
  return grpcModule;
}

/** (De)serializer of messages that are protobuf bytes already. */
export const passThrough = (b: Buffer): Buffer => b;
