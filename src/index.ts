/**
 * ftplog-otel's public API. Everything a user may import is listed here;
 * lower-level building blocks are in `ftplog-otel/internals`
 * (src/internals.ts), and anything else is internal and may change.
 */

// Record shapes and errors
export type {
  LogFormat,
  SourcePosition,
  LogLine,
  CivilTime,
  EftEntry,
  NcftpdEntry,
  NcftpdEntryType,
  XferlogEntry,
  VsftpdEntry,
  FormatEntry,
  ParseResult,
  ParseSkip,
  ParseFailure,
  ParseSuccess,
  ParsedLine,
  AttributeValue,
  Attributes,
  FtpLogRecord,
  SeverityText,
} from './model.js';
export { SeverityNumber } from './model.js';
export { FtplogError, type FtplogErrorCode } from './errors.js';
export { ATTRIBUTE_TYPES, attributeType, type AttributeName, type AttributeType } from './schema.js';

// Pure parsing and decoding
export { parseEftLine, isEftHeaderLine, looksLikeEft } from './formats/eft.js';
export { parseNcftpdLine, looksLikeNcftpd } from './formats/ncftpd.js';
export { parseXferlogLine, looksLikeXferlog } from './formats/xferlog.js';
export { parseVsftpdLine, looksLikeVsftpd } from './formats/vsftpd.js';
export { detectFormat, detectLineFormat, parseLine, type FormatOption } from './formats/detect.js';
export { decodeEftCode, decodeNcftpdStatus, explainCode } from './codes/decode.js';
export type { DecodedStatus, StatusKind, Outcome } from './codes/types.js';
export { createEnricher, type EnrichOptions, type Enricher } from './enrich/enrich.js';
export type { LineEncoding } from './split/line-cutter.js';
export { toJsonRecord, fromJsonRecord, type JsonRecord } from './jsonl/record-json.js';
export { toOtelLogRecord } from './otel/log-record.js';
export { resourceAttributes, parseResourceAttributes, type ResourceOptions } from './otel/resource.js';
export { encodeLogsProtobuf } from './otlp/encode-protobuf.js';
export { encodeLogsJson } from './otlp/encode-json.js';
export type { LogsBatch } from './otlp/types.js';
export { isEncodedRecords, type EncodedRecords, type OtlpEncoding } from './otlp/encoded.js';

// Streams
export { splitLines, type SplitLinesOptions, type SplitLinesStream } from './transforms/split-lines.js';
export { parse, type ParseOptions, type ParseStream, type ParseStats } from './transforms/parse.js';
export { enrich, type EnrichStageOptions, type EnrichStream, type EnrichStats } from './transforms/enrich.js';
export { logRecords, type LogRecordsOptions, type LogRecordsStream } from './transforms/log-records.js';
export { toJsonLines, fromJsonLines, type ToJsonLinesOptions, type FromJsonLinesStream } from './transforms/json-lines.js';
export { readLogs, type ReadLogsOptions, type ReadLogsStream } from './sources/log-files.js';
export { readLogsParallel, type ReadLogsParallelOptions, type ParallelLogsStream } from './parallel/read-parallel.js';
export { loggerSink, type LoggerSinkOptions, type LoggerSinkStream } from './sinks/logger.js';
export {
  otlpSink,
  type OtlpSink,
  type OtlpSinkOptions,
  type OtlpSinkStats,
  type AckInfo,
  type SettledProgress,
  type OutageInfo,
  type RecoveryInfo,
  type RetryInfo,
} from './sinks/otlp/sink.js';
export { resolveTransformKeys, type TransformSpec, type SetTransform, type TransformResult } from './records/transforms.js';
export { createRedact, checkRedact, redactHash, type RedactTransform } from './records/redact.js';
export { createFilter, checkFilter, type FilterTransform, type Match } from './records/filter.js';
export { transformFromConfig, TRANSFORM_JSON_SCHEMA } from './records/transform-config.js';
export type { SpecError, SpecPath } from './records/spec-path.js';
export { pipelineComponents, sinkComponent, unaccounted, type ComponentStats } from './stats.js';
export { resolveOtlpConfig, type OtlpConfig, type OtlpFlags, type OtlpProtocol } from './sinks/otlp/config.js';
export { DeadLetterFile, DEFAULT_DEAD_LETTER_FILE } from './sinks/otlp/dead-letter.js';
