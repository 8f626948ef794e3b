/**
 * Baselines: what the same machine does with the same input without any of
 * the project's code. They bound what the project's scenarios can reach and
 * put their numbers in proportion (ratios are computed in the same run).
 *
 *   raw-cut               read the file, cut lines at 0x0a, decode them, count them
 *   cut-split             + decode each line and split it into fields
 *   cut-split-stringify   + one JSON.stringify per line
 *   sdk-batch             OpenTelemetry JS SDK: LoggerProvider + BatchLogRecordProcessor
 *                         + OTLP/HTTP protobuf exporter, paced so nothing is dropped
 *   sdk-batch-unpaced     the same, emitting as fast as the file is read: counts drops
 *   sdk-exporter-direct   the OTLP exporter called directly, batches of 2048, 2 requests in flight
 *   sdk-serialize         the SDK's protobuf serializer alone, batches of 2048, nothing sent
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import type { LogAttributes } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { receiverStats, type Counts, type Format, type MeasureContext } from './harness.js';

const READ_CHUNK = 256 * 1024;

// @opentelemetry/otlp-transformer comes with the OTLP exporters: its serializer is what they send.
const transformer = createRequire(import.meta.url)('@opentelemetry/otlp-transformer') as {
  ProtobufLogsSerializer: { serializeRequest(records: ReadableLogRecord[]): Uint8Array | undefined };
};

/**
 * Reads `file` and calls `onLine` for each line, without its terminator (a
 * trailing CR is dropped too). After each chunk, `afterChunk` may return a
 * promise to wait for: that is how the SDK scenarios pace themselves.
 */
export async function forEachLine(
  file: string,
  onLine: (line: string) => void,
  afterChunk?: () => Promise<void> | undefined,
): Promise<void> {
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    if (carry !== undefined) {
      if (nl === -1) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      onLine(decodeLine(Buffer.concat([carry, chunk.subarray(0, nl)])));
      carry = undefined;
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    while (nl !== -1) {
      const end = nl > start && chunk[nl - 1] === 0x0d ? nl - 1 : nl;
      onLine(chunk.toString('utf8', start, end));
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    const wait = afterChunk?.();
    if (wait !== undefined) await wait;
  }
  if (carry !== undefined && carry.length > 0) onLine(decodeLine(carry));
}

function decodeLine(buf: Buffer): string {
  const end = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
  return buf.toString('utf8', 0, end);
}

/** raw-cut: cut lines and decode each to a string (what any line splitter must do), count them. */
export async function rawCut(file: string): Promise<Counts> {
  let lines = 0;
  let chars = 0;
  await forEachLine(file, (line) => {
    lines++;
    chars += line.length;
  });
  return { lines, records: lines, extra: { chars } };
}

/** The field separator a naive parser would use. */
function separator(format: Format): string {
  return format === 'eft' ? '; ' : ',';
}

/** cut-split: decode each line and split it into fields. */
export async function cutSplit(file: string, format: Format): Promise<Counts> {
  const sep = separator(format);
  let lines = 0;
  let fields = 0;
  await forEachLine(file, (line) => {
    lines++;
    fields += line.split(sep).length;
  });
  return { lines, records: lines, extra: { fields } };
}

/** cut-split-stringify: plus one JSON.stringify per line (the cost floor of a JSON-lines output). */
export async function cutSplitStringify(file: string, format: Format): Promise<Counts> {
  const sep = separator(format);
  let lines = 0;
  let bytes = 0;
  await forEachLine(file, (line) => {
    lines++;
    bytes += JSON.stringify(line.split(sep)).length;
  });
  return { lines, records: lines, extra: { jsonChars: bytes } };
}

// ---------------------------------------------------------------------------
// Records for the SDK baselines

interface RecordParts {
  timestampMs: number;
  severityNumber: number;
  severityText: string;
  eventName: string;
  attributes: LogAttributes;
}

/** 'YYYY-MM-DD HH:MM:SS' at the start of `s`, read as UTC (no zone handling: this is a baseline). */
function civilMs(s: string): number {
  return Date.UTC(
    +s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10),
    +s.slice(11, 13), +s.slice(14, 16), +s.slice(17, 19),
  );
}

const OK_CODES = new Set(['0', '150', '200', '201', '204', '226', '250', '257']);

/**
 * About 15 attributes per record, taken from the split fields by position:
 * roughly what the project's records carry, without its parsing rules.
 */
function recordParts(line: string, lineNo: number, format: Format, logPath: string, logName: string): RecordParts {
  if (format === 'eft') {
    const f = line.split('; ');
    const last = f[f.length - 1] ?? '';
    if (last.endsWith(';')) f[f.length - 1] = last.slice(0, -1);
    const code = f[8] ?? '';
    const ok = OK_CODES.has(code);
    return {
      timestampMs: civilMs(line),
      severityNumber: ok ? 9 : 13,
      severityText: ok ? 'INFO' : 'WARN',
      eventName: 'ftp.eft.' + (f[7] ?? 'unknown'),
      attributes: {
        'ftp.log.format': 'eft',
        'log.file.path': logPath,
        'log.file.name': logName,
        'log.record.line': lineNo,
        'network.protocol.name': (f[1] ?? '').toLowerCase(),
        'server.address': f[2] ?? '',
        'server.port': Number(f[3]),
        'user.name': f[4] ?? '',
        'ftp.local.path': f[5] ?? '',
        'file.path': f[6] ?? '',
        'ftp.operation': f[7] ?? '',
        'ftp.status.code': Number(code),
        'ftp.status.kind': ok ? 'success' : 'error',
        'eft.action_result': Number(f[9]),
        'ftp.outcome': ok ? 'success' : 'failure',
      },
    };
  }
  const bar = line.indexOf('| ');
  const f = line.slice(bar + 2).split(',');
  const status = f[9] ?? '';
  const ok = status === 'OK' || status === '';
  return {
    timestampMs: civilMs(line),
    severityNumber: ok ? 9 : 13,
    severityText: ok ? 'INFO' : 'WARN',
    eventName: 'ftp.ncftpd.' + (f[0] ?? '?'),
    attributes: {
      'ftp.log.format': 'ncftpd',
      'log.file.path': logPath,
      'log.file.name': logName,
      'log.record.line': lineNo,
      'ncftpd.process': line.slice(20, bar).trim(),
      'ftp.operation': f[0] ?? '',
      'file.path': f[1] ?? '',
      'ftp.transfer.bytes': Number(f[2]),
      'ftp.transfer.duration': Number(f[3]),
      'user.name': f[5] ?? '',
      'user.email': f[6] ?? '',
      'client.address': f[7] ?? '',
      'ftp.outcome': ok ? 'success' : 'failure',
      'ftp.transfer.type': f[10] ?? '',
      'session.id': f[13] ?? '',
    },
  };
}

const SCOPE = { name: 'ftplog-otel-bench', version: '0' };

function benchResource(): Resource {
  return resourceFromAttributes({ 'service.name': 'ftplog-otel-bench' });
}

export interface SdkBatchOptions {
  /** Wait for the processor to flush every `flushEvery` records (no drops); false emits as fast as the file is read. */
  paced: boolean;
  /** @default 2048 (the processor's queue size) */
  flushEvery?: number;
  /** @default 2048 (the SDK default) */
  maxQueueSize?: number;
  /** @default 2048 (the SDK's default is 512; one request per flush is faster here) */
  maxExportBatchSize?: number;
}

/**
 * sdk-batch: the path an application takes with the OpenTelemetry JS SDK. The
 * BatchLogRecordProcessor drops records silently once its queue is full;
 * paced, the scenario waits on forceFlush() every `flushEvery` records so the
 * queue never overflows. Drops are counted as records emitted minus records
 * the receiver counted.
 */
export async function sdkBatch(file: string, format: Format, url: string, options: SdkBatchOptions, ctx: MeasureContext): Promise<Counts> {
  const maxQueueSize = options.maxQueueSize ?? 2048;
  const flushEvery = Math.min(options.flushEvery ?? maxQueueSize, maxQueueSize);
  const exporter = new OTLPLogExporter({ url, timeoutMillis: 30_000 });
  const processor = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize,
    maxExportBatchSize: options.maxExportBatchSize ?? 2048,
    scheduledDelayMillis: 200,
  });
  const provider = new LoggerProvider({ resource: benchResource(), processors: [processor] });
  const logger = provider.getLogger(SCOPE.name, SCOPE.version);
  const logPath = resolve(file);
  const logName = basename(file);
  const before = await receiverStats(url);
  ctx.start();

  let lines = 0;
  let sinceFlush = 0;
  let flush: Promise<void> | undefined;
  await forEachLine(
    file,
    (line) => {
      lines++;
      const p = recordParts(line, lines, format, logPath, logName);
      logger.emit({
        timestamp: p.timestampMs,
        observedTimestamp: Date.now(),
        severityNumber: p.severityNumber,
        severityText: p.severityText,
        eventName: p.eventName,
        body: line,
        attributes: p.attributes,
      });
      if (options.paced && ++sinceFlush >= flushEvery) {
        // A flush started here completes before the next chunk is read; lines of
        // this chunk past the limit are few (one chunk holds ~1,700 lines).
        sinceFlush = 0;
        flush ??= provider.forceFlush();
      }
    },
    () => {
      if (flush === undefined) return undefined;
      const f = flush;
      flush = undefined;
      return f;
    },
  );
  await provider.shutdown();
  ctx.stop();
  const after = await receiverStats(url);
  const received = after.records - before.records;
  return {
    lines,
    records: lines,
    dropped: lines - received,
    extra: { received, requests: after.requests - before.requests, bytesSent: after.bytes - before.bytes, flushEvery: options.paced ? flushEvery : 0 },
  };
}

/** A line as the SDK's exporters take a record (what a LoggerProvider would hand them). */
function readableRecord(line: string, lineNo: number, format: Format, logPath: string, logName: string, resource: Resource): ReadableLogRecord {
  const p = recordParts(line, lineNo, format, logPath, logName);
  const now = Date.now();
  return {
    hrTime: [Math.floor(p.timestampMs / 1000), (p.timestampMs % 1000) * 1e6],
    hrTimeObserved: [Math.floor(now / 1000), (now % 1000) * 1e6],
    severityNumber: p.severityNumber,
    severityText: p.severityText,
    eventName: p.eventName,
    body: line,
    attributes: p.attributes,
    droppedAttributesCount: 0,
    resource,
    instrumentationScope: SCOPE,
  };
}

/**
 * sdk-serialize: the SDK's protobuf serialization alone (ProtobufLogsSerializer,
 * what OTLPLogExporter sends), in batches of `batchSize`, nothing sent. With
 * the records built as sdk-exporter-direct builds them, it measures what an
 * exporter costs before the network.
 */
export async function sdkSerialize(file: string, format: Format, ctx: MeasureContext, batchSize = 2048): Promise<Counts> {
  const resource = benchResource();
  const logPath = resolve(file);
  const logName = basename(file);
  ctx.start();
  let lines = 0;
  let bytes = 0;
  let requests = 0;
  let batch: ReadableLogRecord[] = [];
  const serialize = (): void => {
    const body = transformer.ProtobufLogsSerializer.serializeRequest(batch);
    if (body === undefined) throw new Error('ProtobufLogsSerializer returned nothing');
    bytes += body.length;
    requests++;
    batch = [];
  };
  await forEachLine(file, (line) => {
    lines++;
    batch.push(readableRecord(line, lines, format, logPath, logName, resource));
    if (batch.length >= batchSize) serialize();
  });
  if (batch.length > 0) serialize();
  return { lines, records: lines, extra: { requests, bytes } };
}

/**
 * sdk-exporter-direct: the OTLP/HTTP protobuf exporter called without a
 * processor, with batches of `batchSize` records and at most `inFlight`
 * requests outstanding; reading waits while both are busy, so nothing is
 * dropped. Records are plain ReadableLogRecord objects.
 */
export async function sdkExporterDirect(
  file: string,
  format: Format,
  url: string,
  ctx: MeasureContext,
  batchSize = 2048,
  inFlight = 2,
): Promise<Counts> {
  const exporter = new OTLPLogExporter({ url, timeoutMillis: 30_000 });
  const resource = benchResource();
  const logPath = resolve(file);
  const logName = basename(file);
  const before = await receiverStats(url);
  ctx.start();

  let lines = 0;
  let failed = 0;
  let batch: ReadableLogRecord[] = [];
  const ready: ReadableLogRecord[][] = [];
  let active = 0;
  let wake: (() => void) | undefined;

  const pump = (): void => {
    while (active < inFlight && ready.length > 0) {
      const records = ready.shift()!;
      active++;
      exporter.export(records, (result: ExportResult) => {
        if (result.code !== ExportResultCode.SUCCESS) failed += records.length;
        active--;
        pump();
        const w = wake;
        wake = undefined;
        w?.();
      });
    }
  };
  const waitForRoom = (): Promise<void> | undefined => {
    if (ready.length === 0) return undefined;
    return new Promise<void>((r) => (wake = r)).then(() => waitForRoom());
  };

  await forEachLine(
    file,
    (line) => {
      lines++;
      batch.push(readableRecord(line, lines, format, logPath, logName, resource));
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
        pump();
      }
    },
    waitForRoom,
  );
  if (batch.length > 0) ready.push(batch);
  pump();
  while (ready.length > 0 || active > 0) await new Promise<void>((r) => (wake = r));
  await exporter.shutdown();
  ctx.stop();
  const after = await receiverStats(url);
  const received = after.records - before.records;
  return {
    lines,
    records: lines,
    dropped: lines - received,
    extra: { received, failed, requests: after.requests - before.requests, bytesSent: after.bytes - before.bytes },
  };
}
