/**
 * The options of each component, declared once (see spec.ts for what is
 * derived from them). The library options of `otlpSink()` are validated
 * against DELIVERY_OPTIONS; the commands build their flags, help and values
 * from these groups.
 */
import type { OptionGroup } from './spec.js';
import { localTimeZone } from '../enrich/timezone.js';

const MiB = 1024 * 1024;

/** Where records come from and how lines are read. */
export const INPUT_OPTIONS: OptionGroup = {
  title: 'Input',
  options: [
    { flag: 'format', key: 'format', kind: 'enum', values: ['eft', 'ncftpd', 'auto'], default: 'auto', placeholder: 'F', help: 'eft | ncftpd | auto (auto: detected per file from its first lines)' },
    { flag: 'timezone', key: 'timezone', kind: 'string', placeholder: 'TZ', defaultText: `this machine's, ${localTimeZone()}`, help: "IANA zone the logs' times are written in, e.g. Europe/Berlin" },
    { flag: 'encoding', key: 'encoding', kind: 'enum', values: ['utf8', 'latin1'], default: 'utf8', placeholder: 'E', help: 'utf8 | latin1 (ANSI-encoded Windows files)' },
    // 32 KiB: a record repeats its line's fields in its attributes, and
    // Grafana Loki refuses a record with over 64 KB of them (its default
    // max_structured_metadata_size); a line of 32 KiB stays well within that
    // (test/loki/records.test.ts). Real FTP log lines are under 2 KiB.
    { flag: 'max-line-bytes', key: 'maxLineBytes', kind: 'int', min: 64, max: 64 * MiB, default: 32768, placeholder: 'N', help: 'longer lines become parse-error records with their first N bytes' },
    {
      flag: 'workers',
      key: 'workers',
      kind: 'string',
      default: 'auto',
      placeholder: 'N|auto',
      help: 'threads that parse, enrich and encode (0: all on the main thread)',
      more: [
        'auto: one per core when the inputs total 16 MiB or more, else 0; stdin redirected',
        'from a file (- < FILE) counts by its size, stdin from a pipe gives 0. With --follow',
        'or --state-dir: for a file with 16 MiB or more unread (auto: one per core)',
      ],
    },
  ],
};

/** What `ship` reads: FTP server logs, or records written by `parse` (and dead letters). */
export const INPUT_KIND_OPTIONS: OptionGroup = {
  title: 'Input kind',
  options: [
    {
      flag: 'input',
      key: 'input',
      kind: 'enum',
      values: ['log', 'jsonl'],
      default: 'log',
      placeholder: 'KIND',
      help: "log (FTP server logs) | jsonl (records written by 'ftplog-otel parse', or dead-letter lines)",
    },
  ],
};

/** Record transforms given on the command line. */
export const TRANSFORM_OPTIONS: OptionGroup = {
  title: 'Records',
  options: [
    {
      flag: 'attribute',
      key: 'attributes',
      kind: 'list',
      placeholder: 'KEY=VALUE',
      help: 'set a string attribute on every record, repeatable (e.g. deployment.environment.name=prod)',
    },
  ],
};

/** The collector, with the standard OTEL_EXPORTER_OTLP_* variables behind the flags. */
export const OTLP_OPTIONS: OptionGroup = {
  title: 'Collector (flags win over the standard OTEL_EXPORTER_OTLP_* / OTEL_EXPORTER_OTLP_LOGS_* variables)',
  options: [
    {
      flag: 'endpoint',
      key: 'endpoint',
      kind: 'string',
      placeholder: 'URL',
      defaultText: 'http://localhost:4318 (grpc: http://localhost:4317)',
      env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      help: 'collector endpoint; over HTTP /v1/logs is appended unless present, over gRPC scheme, host and port only',
    },
    {
      flag: 'protocol',
      key: 'protocol',
      kind: 'enum',
      values: ['http/protobuf', 'http/json', 'grpc'],
      default: 'http/protobuf',
      placeholder: 'P',
      env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      help: 'http/protobuf | http/json | grpc',
    },
    { flag: 'compression', key: 'compression', kind: 'enum', values: ['gzip', 'none'], default: 'none', placeholder: 'C', env: 'OTEL_EXPORTER_OTLP_COMPRESSION', help: 'gzip | none' },
    // Default 1: measured (`ship`, 1M EFT lines, 2 workers), level 1 sends 111k
    // records/s with bodies at 12.8% of their size, level 6 90k-103k at 9.1%;
    // compression competes with parsing for the CPU.
    { flag: 'gzip-level', key: 'gzipLevel', kind: 'int', min: 1, max: 9, default: 1, placeholder: 'N', help: '1 (fastest) … 9 (smallest bodies)' },
    { flag: 'header', key: 'headers', kind: 'list', placeholder: 'NAME=VALUE', env: 'OTEL_EXPORTER_OTLP_HEADERS', help: 'extra request header, repeatable; values are never printed' },
    {
      flag: 'timeout',
      key: 'timeoutMs',
      kind: 'duration',
      min: 1,
      default: 10_000,
      unitRequired: true,
      placeholder: 'D',
      env: 'OTEL_EXPORTER_OTLP_TIMEOUT, in ms',
      help: "each request's deadline: connect, send and the whole answer, e.g. 10s",
    },
    { flag: 'ca-file', key: 'caFile', kind: 'string', placeholder: 'PEM', env: 'OTEL_EXPORTER_OTLP_CERTIFICATE', help: 'CA bundle to trust for https' },
    { flag: 'cert-file', key: 'certFile', kind: 'string', placeholder: 'PEM', env: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', help: 'client certificate for mutual TLS' },
    { flag: 'key-file', key: 'keyFile', kind: 'string', placeholder: 'PEM', env: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', help: 'client key for mutual TLS' },
    {
      flag: 'service-name',
      key: 'serviceName',
      kind: 'string',
      placeholder: 'NAME',
      defaultText: 'eft-server or ncftpd by format',
      env: 'OTEL_SERVICE_NAME',
      help: 'service.name resource attribute',
      more: ['$OTEL_RESOURCE_ATTRIBUTES adds resource attributes'],
    },
  ],
};

/** Delivery: the queue, batches, retries and dead letters of otlpSink(). */
export const DELIVERY_OPTIONS: OptionGroup = {
  title: 'Delivery (nothing is dropped: when the queue is full, reading waits)',
  options: [
    { flag: 'batch-size', key: 'maxBatchRecords', kind: 'int', min: 1, max: 1_000_000, default: 2048, placeholder: 'N', help: 'records per request' },
    { flag: 'batch-bytes', key: 'maxBatchBytes', kind: 'int', min: 1024, max: 64 * MiB, default: 4 * MiB, placeholder: 'N', help: 'encoded bytes of records per request' },
    { flag: 'batch-delay', key: 'maxBatchDelayMs', kind: 'duration', min: 0, max: 3_600_000, default: 200, placeholder: 'D', help: 'longest a record waits for its batch to fill' },
    { flag: 'max-in-flight', key: 'maxInFlight', kind: 'int', min: 1, max: 64, default: 4, placeholder: 'N', help: 'requests at once' },
    { flag: 'queue-records', key: 'maxQueueRecords', kind: 'int', min: 1, max: 100_000_000, default: 16384, placeholder: 'N', help: 'most records queued in memory' },
    // The executable's heap is capped at 192 MiB (see cli/bin.ts); queued
    // records are held as their encoded bytes, so 64 MiB of queue is 64 MiB of buffers.
    { flag: 'queue-bytes', key: 'maxQueueBytes', kind: 'int', min: 65536, max: 64 * MiB, default: 32 * MiB, placeholder: 'N', help: 'most encoded bytes queued in memory' },
    { flag: 'max-retry-time', key: 'maxRetryTimeMs', kind: 'duration', min: 1, placeholder: 'D', defaultText: 'retry forever', help: 'give up when a batch has failed for this long, e.g. 10m' },
    { flag: 'retry-initial', key: 'backoff.initialMs', kind: 'duration', min: 0, max: 3_600_000, default: 500, placeholder: 'D', help: 'first retry delay' },
    {
      flag: 'retry-max',
      key: 'backoff.maxMs',
      kind: 'duration',
      min: 1,
      max: 3_600_000,
      default: 30_000,
      placeholder: 'D',
      help: 'cap of the retry delay',
      more: ["a collector's Retry-After is followed up to 4 × this"],
    },
    {
      flag: 'dead-letter',
      key: 'deadLetter',
      kind: 'string',
      default: 'ftplog-otel-dead-letter.jsonl',
      placeholder: 'FILE',
      help: 'where refused records go, as JSONL with the reason (created only when needed)',
      more: ['send them again with: ftplog-otel ship --input jsonl FILE'],
    },
    {
      flag: 'shutdown-timeout',
      key: 'shutdownTimeoutMs',
      kind: 'duration',
      min: 0,
      max: 3_600_000,
      default: 10_000,
      placeholder: 'D',
      help: 'on SIGINT/SIGTERM, how long to deliver what is queued',
      more: ['what is still queued then, or at a second signal, goes to the dead-letter file'],
    },
  ],
};

/** Which files the inputs stand for: glob patterns and exclusions (also without --follow). */
export const SELECT_OPTIONS: OptionGroup = {
  title: 'Selecting files',
  options: [
    {
      flag: 'exclude',
      key: 'exclude',
      kind: 'list',
      placeholder: 'GLOB',
      help: 'leave out files matching GLOB, repeatable (matched against the full path, or the file name when GLOB has no slash)',
    },
    { flag: 'ignore-older', key: 'ignoreOlderMs', kind: 'duration', min: 1000, placeholder: 'D', help: 'leave out files last modified longer ago than D, e.g. 7d (a followed file with a checkpoint is kept)' },
  ],
};

/** Following log folders as a long-lived agent (ship --follow). */
export const FOLLOW_OPTIONS: OptionGroup = {
  title: 'Follow mode',
  options: [
    { flag: 'follow', key: 'follow', kind: 'boolean', help: 'keep running: read new lines and new matching files as they appear' },
    {
      flag: 'state-dir',
      key: 'stateDir',
      kind: 'string',
      placeholder: 'DIR',
      defaultText: 'follow: $STATE_DIRECTORY, /var/lib/ftplog-otel (root), ~/.local/state/ftplog-otel, %ProgramData%\\ftplog-otel (Windows)',
      help: 'checkpoints: where each file was read and delivered up to',
      more: ['without --follow, given: a run stopped part-way continues from there'],
    },
    { flag: 'start-at', key: 'startAt', kind: 'enum', values: ['beginning', 'end'], default: 'beginning', placeholder: 'W', help: 'beginning | end: where to start in a file seen for the first time' },
    { flag: 'poll-interval', key: 'pollIntervalMs', kind: 'duration', min: 10, max: 60_000, default: 250, placeholder: 'D', help: 'how often files are checked for growth and rotation; while nothing changes, checks space out to 1s (folder events wake the agent at once)' },
    {
      flag: 'rotated-idle',
      key: 'rotatedIdleMs',
      kind: 'duration',
      min: 0,
      max: 86_400_000,
      default: 5000,
      placeholder: 'D',
      help: 'a rotated-away file idle for D is finished: an incomplete last line is sent as it is',
    },
    { flag: 'fingerprint-bytes', key: 'fingerprintBytes', kind: 'int', min: 64, max: 65536, default: 1024, placeholder: 'N', help: 'bytes from the start of a file that identify it across renames' },
    { flag: 'status-interval', key: 'statusIntervalMs', kind: 'duration', min: 1000, placeholder: 'D', help: 'one status line to stderr every D: files, lag, sent, retries, queue, dead letters, last error' },
    { flag: 'metrics-address', key: 'metricsAddress', kind: 'string', placeholder: 'HOST:PORT', help: 'serve /healthz and /metrics (Prometheus text) on HOST:PORT, e.g. 127.0.0.1:9464' },
  ],
};

/** What a command prints besides its output. */
export const OUTPUT_OPTIONS: OptionGroup = {
  title: 'Output',
  options: [
    { flag: 'progress', key: 'progress', kind: 'boolean', defaultText: 'on when stderr is a terminal', help: 'progress to stderr every 5 s' },
    { flag: 'quiet', key: 'quiet', kind: 'boolean', help: 'no summary' },
  ],
};

/** How `parse` shows records. */
export const VIEW_OPTIONS: OptionGroup = {
  title: 'View',
  options: [
    {
      flag: 'pretty',
      key: 'pretty',
      kind: 'boolean',
      help: 'one line per record for reading instead of JSONL: time (UTC), severity, event,',
      more: [
        'outcome, user, peer, path, status; parse errors with their reason and line.',
        'Control characters from the logs are shown escaped (\\x1b, \\u202e). Coloured when',
        'stdout is a terminal, unless $NO_COLOR is set or $TERM is dumb; $FORCE_COLOR',
        'colours anywhere (less -R). Records are read on the main thread (no --workers)',
      ],
    },
  ],
};

/** How `explain` reads a GetLastCode. */
export const EXPLAIN_OPTIONS: OptionGroup = {
  title: 'Options',
  options: [
    {
      flag: 'protocol',
      key: 'protocol',
      kind: 'string',
      short: 'p',
      default: 'ftp',
      placeholder: 'P',
      help: "EFT's PROTOCOL column: ftp | ftps | sftp | http | https | any other",
    },
  ],
};

/** The local receiver of `receive`. */
export const RECEIVE_OPTIONS: OptionGroup = {
  title: 'Options',
  options: [
    { flag: 'grpc', key: 'grpc', kind: 'boolean', help: 'serve OTLP/gRPC (default port 4317) instead of OTLP/HTTP' },
    { flag: 'port', key: 'port', kind: 'int', short: 'p', min: 0, max: 65535, placeholder: 'N', defaultText: '4318; 4317 with --grpc', help: 'port to listen on, 0 for any free one' },
    { flag: 'host', key: 'host', kind: 'string', default: '127.0.0.1', placeholder: 'H', help: 'interface to listen on' },
    { flag: 'quiet', key: 'quiet', kind: 'boolean', short: 'q', help: 'print only the number of records received each second' },
    { flag: 'json', key: 'json', kind: 'boolean', help: "one JSON object per record instead of the collector debug exporter's detailed layout" },
  ],
};
