/**
 * Grafana Loki's native OTLP ingestion as a pure function: the stream labels,
 * structured metadata and log line Loki 3.x makes of one OTLP log record, and
 * the per-entry limits it applies before storing it. A record that breaks a
 * limit is refused by Loki after the Collector has accepted it, so nothing
 * upstream reports the loss.
 *
 * Read from grafana/loki (3.x; 3.7 is the latest release):
 * - pkg/loghttp/push/otlp.go: otlpToLokiPushRequest and otlpLogToPushEntry
 *   (pkg/loghttp/push/otlplabels/labels.go on main): index labels from resource
 *   attributes only; structured metadata = log attributes, observed_timestamp
 *   (when the record has its own timestamp), severity_number, severity_text,
 *   dropped_attributes_count, flags, trace_id, span_id, then the resource
 *   attributes that are not labels, then scope attributes, scope_name,
 *   scope_version. Names go through otlptranslator; values through pcommon's
 *   Value.AsString(). The line is Body().AsString().
 * - LogRecord.EventName: no release up to 3.7.x reads it (it is dropped);
 *   main since grafana/loki#21229 stores it as structured metadata
 *   `event_name`, unreleased. See `eventName` below.
 * - pkg/loghttp/push/otlp_config.go: the default
 *   distributor.otlp.default_resource_attributes_as_index_labels list.
 * - pkg/validation/limits.go and pkg/ingester (defaults) and
 *   pkg/distributor/validator.go (ValidateEntry: entry count and bytes of
 *   structured metadata, line bytes); sizes are c2h5oh/datasize units, KB = 1024.
 * - pkg/distributor/field_detection.go: with discover_log_levels (default on)
 *   the distributor adds `detected_level` from severity_text after validation.
 * - prometheus/otlptranslator normalize_label.go / label_namer.go: every
 *   character outside [a-zA-Z0-9_] becomes `_`; a leading digit gets `key_`,
 *   a single leading `_` gets `key`.
 */
import { Buffer } from 'node:buffer';
import { attributeType, type AttributeType, type AttributeValue, type Attributes, type FtpLogRecord } from '../../src/index.js';

/** Resource attributes Loki indexes as labels by default (otlp_config.go, GlobalOTLPConfig.RegisterFlags). */
export const LOKI_DEFAULT_INDEX_LABELS: readonly string[] = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
];

/** Loki's defaults for the limits a record can break (limits.go; ingester max_chunk_age). */
export const LOKI_LIMITS = {
  /** limits_config.max_structured_metadata_entries_count */
  maxStructuredMetadataEntries: 128,
  /** limits_config.max_structured_metadata_size: 64KB, names and values in UTF-8 bytes */
  maxStructuredMetadataBytes: 64 * 1024,
  /** limits_config.max_line_size: 256KB */
  maxLineBytes: 256 * 1024,
  /** limits_config.max_label_names_per_series; service_name is not counted (validator.go) */
  maxLabelNamesPerSeries: 15,
  /** limits_config.reject_old_samples_max_age: 1w */
  rejectOldSamplesMaxAgeMs: 7 * 24 * 3_600_000,
  /** ingester.max_chunk_age: 2h; entries older than the stream's newest minus half of it are "too far behind" */
  maxChunkAgeMs: 2 * 3_600_000,
} as const;

export type LokiLimits = { readonly [K in keyof typeof LOKI_LIMITS]: number };

/** Where a structured-metadata entry comes from. */
export type MetadataOrigin = 'attribute' | 'field' | 'resource' | 'scope' | 'distributor';

export interface MetadataEntry {
  readonly name: string;
  readonly value: string;
  readonly origin: MetadataOrigin;
  /** The OTLP attribute or field it was made from. */
  readonly from: string;
}

export interface LokiEntry {
  readonly labels: Readonly<Record<string, string>>;
  /** In Loki's order; `distributor` entries are added after the limits are checked. */
  readonly structuredMetadata: readonly MetadataEntry[];
  readonly line: string;
  /** The record's timestamp, else its observed timestamp (timestampFromLogRecord). */
  readonly timestampMs: number;
}

export interface OtlpScope {
  readonly name: string;
  readonly version?: string;
}

export interface LokiMappingOptions {
  /** Resource attributes indexed as labels. @default LOKI_DEFAULT_INDEX_LABELS */
  readonly indexLabels?: readonly string[];
  /** Store LogRecord.EventName as `event_name` (Loki main after #21229); releases up to 3.7.x drop it. @default false */
  readonly eventName?: boolean;
  /** limits_config.discover_log_levels. @default true */
  readonly discoverLogLevels?: boolean;
}

const INVALID_NAME_CHAR = /[^a-zA-Z0-9_]/gu;

/** An OTLP attribute name as Loki stores it (otlptranslator NormalizeLabel / LabelNamer.Build). */
export function lokiName(attribute: string): string {
  if (attribute === '') return attribute;
  const name = attribute.replace(INVALID_NAME_CHAR, '_');
  if (name.charCodeAt(0) >= 0x30 && name.charCodeAt(0) <= 0x39) return 'key_' + name;
  if (name.startsWith('_') && !name.startsWith('__')) return 'key' + name;
  return name;
}

/** Go's encoding/json string escaping, which pcommon uses for array values. */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** An attribute value as Loki stores it: pcommon Value.AsString() of the OTLP value ftplog-otel sends. */
export function lokiValue(value: AttributeValue, type: AttributeType): string {
  if (type === 'string[]') return '[' + (value as string[]).map(goJsonString).join(',') + ']';
  return String(value);
}

function attributeEntries(attributes: Attributes, origin: MetadataOrigin): MetadataEntry[] {
  return Object.entries(attributes).map(([key, value]) => ({ name: lokiName(key), value: lokiValue(value, attributeType(key, value)), origin, from: key }));
}

/** The record fields Loki keeps as structured metadata (otlpLogToPushEntry). */
function fieldEntries(record: FtpLogRecord, eventName: boolean): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  const field = (name: string, value: string, from: string): void => void out.push({ name, value, origin: 'field', from });
  if (record.timestamp !== undefined && record.observedTimestamp !== 0) field('observed_timestamp', String(BigInt(record.observedTimestamp) * 1_000_000n), 'ObservedTimestamp');
  if (record.severityNumber !== 0) field('severity_number', String(record.severityNumber), 'SeverityNumber');
  field('severity_text', record.severityText, 'SeverityText');
  if (eventName && record.eventName !== '') field('event_name', record.eventName, 'EventName');
  return out;
}

function scopeEntries(scope: OtlpScope): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  if (scope.name !== '') out.push({ name: 'scope_name', value: scope.name, origin: 'scope', from: 'InstrumentationScope.name' });
  if (scope.version !== undefined && scope.version !== '') out.push({ name: 'scope_version', value: scope.version, origin: 'scope', from: 'InstrumentationScope.version' });
  return out;
}

/** detected_level from severity_text (field_detection.go normalizeLogLevel), added after validation. */
function detectedLevel(severityText: string): MetadataEntry[] {
  const level = ({ INFO: 'info', WARN: 'warn', ERROR: 'error' } as Record<string, string>)[severityText];
  return level === undefined ? [] : [{ name: 'detected_level', value: level, origin: 'distributor', from: 'SeverityText' }];
}

/** What Loki stores for one record of a resource and scope, with its default OTLP configuration unless told otherwise. */
export function toLokiEntry(record: FtpLogRecord, resource: Attributes, scope: OtlpScope, options: LokiMappingOptions = {}): LokiEntry {
  const indexed = new Set(options.indexLabels ?? LOKI_DEFAULT_INDEX_LABELS);
  const labels: Record<string, string> = {};
  const resourceMetadata: Attributes = {};
  for (const [key, value] of Object.entries(resource)) {
    if (indexed.has(key)) labels[lokiName(key)] = lokiValue(value, attributeType(key, value));
    else resourceMetadata[key] = value;
  }
  const structuredMetadata = [
    ...attributeEntries(record.attributes, 'attribute'),
    ...fieldEntries(record, options.eventName ?? false),
    ...attributeEntries(resourceMetadata, 'resource'),
    ...scopeEntries(scope),
    ...((options.discoverLogLevels ?? true) ? detectedLevel(record.severityText) : []),
  ];
  return { labels, structuredMetadata, line: record.body, timestampMs: record.timestamp ?? record.observedTimestamp };
}

/** UTF-8 bytes of the structured metadata Loki's limits count (names and values; not what the distributor adds later). */
export function structuredMetadataBytes(entry: LokiEntry): number {
  let n = 0;
  for (const m of entry.structuredMetadata) if (m.origin !== 'distributor') n += Buffer.byteLength(m.name) + Buffer.byteLength(m.value);
  return n;
}

/** Names that two sources turn into the same Loki name, e.g. `ftp.outcome` and `ftp_outcome`. */
export function nameCollisions(entry: LokiEntry): string[] {
  const seen = new Map<string, string>();
  for (const name of Object.keys(entry.labels)) seen.set(name, `label ${name}`);
  const out: string[] = [];
  for (const m of entry.structuredMetadata) {
    const first = seen.get(m.name);
    if (first !== undefined) out.push(`${m.name}: ${first} and ${m.origin} ${m.from}`);
    else seen.set(m.name, `${m.origin} ${m.from}`);
  }
  return out;
}

/** Every way the entry breaks Loki's ingestion rules: an empty list when Loki stores it whole. */
export function lokiViolations(entry: LokiEntry, limits: LokiLimits = LOKI_LIMITS): string[] {
  const out = nameCollisions(entry).map((c) => `name collision ${c}`);
  const count = entry.structuredMetadata.filter((m) => m.origin !== 'distributor').length;
  if (count > limits.maxStructuredMetadataEntries) out.push(`${count} structured metadata entries > ${limits.maxStructuredMetadataEntries}`);
  const bytes = structuredMetadataBytes(entry);
  if (bytes > limits.maxStructuredMetadataBytes) out.push(`${bytes} bytes of structured metadata > ${limits.maxStructuredMetadataBytes}`);
  const line = Buffer.byteLength(entry.line);
  if (line > limits.maxLineBytes) out.push(`line of ${line} bytes > ${limits.maxLineBytes}`);
  const labelNames = Object.keys(entry.labels).filter((n) => n !== 'service_name').length;
  if (labelNames > limits.maxLabelNamesPerSeries) out.push(`${labelNames} label names > ${limits.maxLabelNamesPerSeries}`);
  return out;
}

function streamKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Indexes of the entries, in the order they reach Loki, that the ingester
 * refuses as "entry too far behind": older than the newest entry its stream
 * has taken minus half of max_chunk_age (pkg/ingester/stream.go,
 * validateEntries). This applies whatever reject_old_samples says.
 */
export function tooFarBehind(entries: readonly LokiEntry[], maxChunkAgeMs: number = LOKI_LIMITS.maxChunkAgeMs): number[] {
  const newest = new Map<string, number>();
  const refused: number[] = [];
  entries.forEach((entry, i) => {
    const stream = streamKey(entry.labels);
    const highest = newest.get(stream);
    if (highest !== undefined && entry.timestampMs < highest - maxChunkAgeMs / 2) refused.push(i);
    else if (highest === undefined || entry.timestampMs > highest) newest.set(stream, entry.timestampMs);
  });
  return refused;
}
