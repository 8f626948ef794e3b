/**
 * loggerSink(): emits each record through an @opentelemetry/api-logs Logger,
 * so the streams plug into an application's existing OpenTelemetry setup.
 * Delivery is then the provider's processors' business: the SDK's
 * BatchLogRecordProcessor drops records when its queue is full; use the OTLP
 * sink (otlpSink) where nothing may be lost.
 */
import { Writable } from 'node:stream';
import type { LoggerProvider, Logger } from '@opentelemetry/api-logs';
import type { FtpLogRecord } from '../model.js';
import { toOtelLogRecord } from '../otel/log-record.js';
import { invalidOption } from '../errors.js';

export interface LoggerSinkOptions {
  /** Provider to get the Logger from (e.g. an SDK LoggerProvider). */
  loggerProvider: LoggerProvider;
  /** Instrumentation scope name. @default 'ftplog-otel' */
  name?: string;
  /** Instrumentation scope version. */
  version?: string;
  /** Records buffered before backpressure. @default 1024 */
  highWaterMark?: number;
}

export interface LoggerSinkStream extends Writable {
  readonly logger: Logger;
  readonly stats: Readonly<{ emitted: number }>;
}

export function loggerSink(options: LoggerSinkOptions): LoggerSinkStream {
  if (options === null || typeof options !== 'object' || typeof options.loggerProvider?.getLogger !== 'function') {
    throw invalidOption('loggerProvider', 'a LoggerProvider', options?.loggerProvider);
  }
  const logger = options.loggerProvider.getLogger(options.name ?? 'ftplog-otel', options.version);
  const stats = { emitted: 0 };
  const stream = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 1024,
    write(record: FtpLogRecord, _enc, callback) {
      try {
        logger.emit(toOtelLogRecord(record));
      } catch (err) {
        callback(err as Error);
        return;
      }
      stats.emitted++;
      callback();
    },
  });
  return Object.assign(stream, { logger, stats }) as LoggerSinkStream;
}
