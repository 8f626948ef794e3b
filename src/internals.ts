/**
 * `ftplog-otel/internals`: the lower-level building blocks the stages and
 * the CLI are made of, for tools built on ftplog-otel. Not part of the main
 * API (src/index.ts): they may change in any release. Everything importable
 * from here is listed here.
 */

// Bytes to lines, one chunk at a time, without a stream
export { LineCutter, type LineCutterOptions } from './split/line-cutter.js';

// Times and operations as the enricher reads them
export { createCivilToEpoch, localTimeZone, type CivilToEpoch } from './enrich/timezone.js';
export { normalizeEftOperation } from './enrich/enrich.js';

// Records to JSONL bytes and to OTLP-encoded runs, into growing buffers
export { JsonLineWriter } from './jsonl/json-bytes.js';
export { EncodedRecordsBuilder, type SpareBuffers } from './otlp/encoded.js';

// Command-line inputs: `-`, directories, files
export { resolveInputs } from './sources/log-files.js';

// The OTLP/HTTP receiver behind `ftplog-otel receive` (a debugging tool; it loads protobufjs and the OTLP schema)
export { startReceiver, type OtlpReceiver, type ReceiverOptions } from './receiver/receiver.js';

// The operating surface of a following agent: its status snapshot, the status line and the /metrics and /healthz server (loads prom-client)
export { formatStatusLine, type AgentStatus, type FileStatus, type StatusLineOptions } from './agent/status.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './agent/metrics.js';
