import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { resourceAttributes } from '../../src/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/split/line-cutter.js';
import { LOKI_DEFAULT_INDEX_LABELS, LOKI_LIMITS, toLokiEntry } from '../helpers/loki.js';
import { projectRoot } from '../helpers/paths.js';
import { SCOPE } from './records.js';

type Check = 'bool' | 'number' | 'bytes' | 'duration' | 'object' | 'list';

/**
 * The Loki configuration keys the recipe may use, each verified in Loki 3.x's
 * source: limits_config in pkg/validation/limits.go (Limits' yaml tags),
 * otlp_config in pkg/loghttp/push/otlp_config.go, ingester.max_chunk_age in
 * pkg/ingester/ingester.go. Sizes are flagext.ByteSize (c2h5oh/datasize),
 * durations prometheus model.Duration.
 */
const VERIFIED_KEYS: Readonly<Record<string, Check>> = {
  limits_config: 'object',
  'limits_config.allow_structured_metadata': 'bool',
  'limits_config.reject_old_samples': 'bool',
  'limits_config.reject_old_samples_max_age': 'duration',
  'limits_config.creation_grace_period': 'duration',
  'limits_config.max_structured_metadata_entries_count': 'number',
  'limits_config.max_structured_metadata_size': 'bytes',
  'limits_config.max_line_size': 'bytes',
  'limits_config.max_line_size_truncate': 'bool',
  'limits_config.ingestion_rate_mb': 'number',
  'limits_config.ingestion_burst_size_mb': 'number',
  'limits_config.per_stream_rate_limit': 'bytes',
  'limits_config.per_stream_rate_limit_burst': 'bytes',
  'limits_config.otlp_config': 'object',
  'limits_config.otlp_config.resource_attributes': 'object',
  'limits_config.otlp_config.resource_attributes.ignore_defaults': 'bool',
  'limits_config.otlp_config.resource_attributes.attributes_config': 'list',
  'limits_config.otlp_config.scope_attributes': 'list',
  'limits_config.otlp_config.log_attributes': 'list',
  ingester: 'object',
  'ingester.max_chunk_age': 'duration',
};
const ATTRIBUTES_CONFIG_KEYS = new Set(['action', 'attributes', 'regex']);
const ACTIONS = new Set(['index_label', 'structured_metadata', 'drop']);
const VALUE: Readonly<Record<Check, (v: unknown) => boolean>> = {
  bool: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number',
  bytes: (v) => typeof v === 'string' && /^\d+(B|KB|MB|GB)$/i.test(v),
  duration: (v) => typeof v === 'string' && /^\d+(ms|s|m|h|d|w|y)$/.test(v),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  list: (v) => Array.isArray(v),
};

/** Every key path of the configuration that is not a verified key with a value of its kind. */
function unverified(config: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const path = prefix + key;
    const check = VERIFIED_KEYS[path];
    if (check === undefined) return [`${path}: not a key verified in Loki's source`];
    if (!VALUE[check](value)) return [`${path}: ${JSON.stringify(value)} is not a ${check}`];
    if (check === 'object') return unverified(value as Record<string, unknown>, path + '.');
    if (check === 'list') return (value as Array<Record<string, unknown>>).flatMap((item, i) => unverifiedAttributesConfig(item, `${path}[${i}]`));
    return [];
  });
}

function unverifiedAttributesConfig(item: Record<string, unknown>, path: string): string[] {
  const out = Object.keys(item).filter((k) => !ATTRIBUTES_CONFIG_KEYS.has(k)).map((k) => `${path}.${k}: not a key verified in Loki's source`);
  if (!ACTIONS.has(String(item['action']))) out.push(`${path}.action: ${String(item['action'])}`);
  if ((item['attributes'] === undefined) === (item['regex'] === undefined)) out.push(`${path}: needs attributes or regex, not both`);
  return out;
}

/** datasize's reading of a size: 1 KB = 1024 bytes. */
function bytes(size: string): number {
  const m = /^(\d+)(B|KB|MB|GB)$/i.exec(size)!;
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf(m[2]!.toUpperCase());
}

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('docs/loki.md: the Loki configuration for a backfill', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'loki.md'), 'utf8');
  const blocks = yamlBlocks(doc);
  const config = parse(blocks[0] ?? '') as Record<string, any>;
  const limits = config['limits_config'] as Record<string, any>;

  it('is one YAML block that uses only keys verified in Loki, with values of their kind', () => {
    assert.equal(blocks.length, 1);
    assert.deepEqual(unverified(config), []);
    assert.deepEqual(unverified({ limits_config: { max_line_size: '256 KB', otlp_config: { resource_attributes: { attributes_config: [{ action: 'index', attributes: ['a'], regex: 'b' }] } } }, ingester: { max_chunk_age_hours: 2 } }), [
      'limits_config.max_line_size: "256 KB" is not a bytes',
      'limits_config.otlp_config.resource_attributes.attributes_config[0].action: index',
      'limits_config.otlp_config.resource_attributes.attributes_config[0]: needs attributes or regex, not both',
      "ingester.max_chunk_age_hours: not a key verified in Loki's source",
    ]);
  });

  it('sets every limit a backfill meets', () => {
    for (const key of ['allow_structured_metadata', 'reject_old_samples', 'reject_old_samples_max_age', 'max_structured_metadata_entries_count', 'max_structured_metadata_size', 'max_line_size', 'max_line_size_truncate', 'per_stream_rate_limit', 'ingestion_rate_mb', 'otlp_config']) {
      assert.ok(key in limits, key);
    }
    assert.equal(config['ingester']['max_chunk_age'], '2h');
    assert.equal(limits['allow_structured_metadata'], true);
  });

  it('raises what the records need: metadata twice the longest line, lines at least --max-line-bytes, more than the default rates', () => {
    assert.ok(bytes(limits['max_structured_metadata_size']) >= 2 * DEFAULT_MAX_LINE_BYTES);
    assert.ok(limits['max_structured_metadata_entries_count'] >= LOKI_LIMITS.maxStructuredMetadataEntries);
    assert.ok(bytes(limits['max_line_size']) >= DEFAULT_MAX_LINE_BYTES);
    assert.ok(bytes(limits['per_stream_rate_limit']) > 3 * 1024 ** 2);
    assert.ok(limits['ingestion_rate_mb'] > 4);
  });

  it("indexes host.name besides Loki's defaults: one stream per server", () => {
    const rules = limits['otlp_config']['resource_attributes']['attributes_config'] as Array<{ action: string; attributes: string[] }>;
    const indexed = [...LOKI_DEFAULT_INDEX_LABELS, ...rules.filter((r) => r.action === 'index_label').flatMap((r) => r.attributes)];
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'host.name=ftp01' };
    const record = { timestamp: 0, observedTimestamp: 0, severityNumber: 9, severityText: 'INFO' as const, eventName: 'ftp.upload', body: '', attributes: {} };
    assert.deepEqual(toLokiEntry(record, resourceAttributes({ format: 'eft', env }), SCOPE, { indexLabels: indexed }).labels, { service_name: 'eft-server', host_name: 'ftp01' });
  });

  it('is linked from the README', () => {
    assert.ok(readFileSync(join(projectRoot, 'README.md'), 'utf8').includes('](docs/loki.md)'));
  });
});
