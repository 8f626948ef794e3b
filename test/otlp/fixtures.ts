/** Records and SDK helpers shared by the OTLP encoder tests. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type { Attributes, FtpLogRecord } from '../../src/model.js';
import { ATTRIBUTE_TYPES, type AttributeType } from '../../src/schema.js';
import type { LogsBatch } from '../../src/otlp/types.js';
import { MAX_TIMESTAMP_MS } from '../../src/otlp/values.js';
import { otlpProto } from '../../src/receiver/decode.js';
import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { toOtelLogRecord } from '../../src/otel/log-record.js';

// @opentelemetry/otlp-transformer comes with the OTLP exporters; its serializers are the SDK's reference encoding.
const require = createRequire(import.meta.url);
const transformer = require('@opentelemetry/otlp-transformer') as {
  ProtobufLogsSerializer: { serializeRequest(records: unknown[]): Uint8Array | undefined };
  JsonLogsSerializer: { serializeRequest(records: unknown[]): Uint8Array | undefined };
};

/** One value per schema type, then overrides for attributes worth a specific value. */
const BY_TYPE: Record<AttributeType, (name: string) => Attributes[string]> = {
  string: (name) => `value of ${name}`,
  int: () => 7,
  double: () => 0.25,
  bool: () => true,
  'string[]': () => ['Ps', 'Sf'],
};

const OVERRIDES: Attributes = {
  'ftp.status.code': -1, // EFT logs -1 for a failed connection
  'server.port': 21,
  'ftp.transfer.bytes': 2 ** 40,
  'ftp.transfer.start_time': 1_700_000_000,
  'ftp.transfer.start_offset': 0,
  'ftp.transfer.duration': 3, // integer-valued, still a double
  'ftp.transfer.rate': 1234.5678,
  'eft.outcome_mismatch': false,
  'user.name': 'jürgen',
  'file.path': '/in/報告書 2024 😀.csv',
  'ftp.extra': '',
};

/** Every attribute of the schema, each with a value of its schema type. */
export function allSchemaAttributes(): Attributes {
  const out: Attributes = {};
  for (const [name, type] of Object.entries(ATTRIBUTE_TYPES) as [string, AttributeType][]) {
    out[name] = OVERRIDES[name] ?? BY_TYPE[type](name);
  }
  return out;
}

export const RESOURCE: Attributes = { 'service.name': 'eft-server', 'host.name': 'test-host', 'deployment.environment.name': 'test' };
export const SCOPE = { name: 'ftplog-otel', version: '0.1.0' };

export function record(over: Partial<FtpLogRecord> = {}): FtpLogRecord {
  return {
    timestamp: Date.UTC(2024, 10, 18, 8, 0, 0, 123),
    observedTimestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    severityNumber: 9,
    severityText: 'INFO',
    eventName: 'ftp.download',
    body: '2024-11-18 08:00:00; ftp; files.example.com; 21; payroll; C:\\out\\f0.csv; /in/f0.csv; download; 226;',
    attributes: { 'ftp.log.format': 'eft.client', 'ftp.operation': 'download', 'ftp.status.code': 226, 'server.port': 21 },
    ...over,
  };
}

/** A parse-error record: no timestamp, no event name. */
export function parseErrorRecord(): FtpLogRecord {
  return record({
    timestamp: undefined,
    severityNumber: 17,
    severityText: 'ERROR',
    eventName: '',
    body: 'garbage ¿line?',
    attributes: { 'ftplog.error': 'expected 9 or 10 fields, found 1', 'log.file.name': 'cl241118.log' },
  });
}

/** A batch exercising every attribute type, unicode, empty strings, negative and large ints, a parse error. */
export function sampleBatch(): LogsBatch {
  return {
    resource: RESOURCE,
    scope: SCOPE,
    records: [
      record({ attributes: allSchemaAttributes() }),
      parseErrorRecord(),
      record({ body: '', severityText: '' as FtpLogRecord['severityText'], eventName: '', attributes: {} }),
      record({ body: 'Grüße, 世界 🌍', attributes: { 'ftp.extra': 'ç', 'ftp.transfer.notes': [], 'ftp.status.code': -12345678901 } }),
      record({ severityNumber: 13, severityText: 'WARN', timestamp: 1, observedTimestamp: 4294967296001 }),
    ],
  };
}

/** The batch through the SDK: LoggerProvider → in-memory exporter → ReadableLogRecords. */
export async function sdkLogRecords(batch: LogsBatch): Promise<unknown[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(batch.resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger(batch.scope.name, batch.scope.version);
  for (const r of batch.records) {
    logger.emit(toOtelLogRecord(r));
  }
  await provider.forceFlush();
  const out = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return out;
}

export async function sdkProtobuf(batch: LogsBatch): Promise<Uint8Array> {
  return transformer.ProtobufLogsSerializer.serializeRequest(await sdkLogRecords(batch))!;
}

export async function sdkJson(batch: LogsBatch): Promise<string> {
  return Buffer.from(transformer.JsonLogsSerializer.serializeRequest(await sdkLogRecords(batch))!).toString('utf8');
}

/** Decodes with the official schema into plain objects: every field present, 64-bit integers as decimal strings. */
export function decodeOfficial(bytes: Uint8Array): Record<string, any> {
  const T = otlpProto.ExportLogsServiceRequest;
  return T.toObject(T.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: true, arrays: true });
}

/** The official schema's view of an OTLP/JSON request, as plain objects like decodeOfficial(). */
export function decodeOfficialJson(text: string): Record<string, any> {
  const T = otlpProto.ExportLogsServiceRequest;
  const bytes = T.encode(T.fromObject(JSON.parse(text) as Record<string, unknown>)).finish();
  return decodeOfficial(bytes);
}

/**
 * Random records for the encoders' property tests: any severity number OTLP
 * takes, times OTLP can carry (or none), and attributes outside the schema
 * (`x.` keys) of the given values.
 */
export function recordArbitrary(
  text: fc.Arbitrary<string>,
  value: fc.Arbitrary<unknown>,
  keys: { maxLength: number; maxKeys: number },
): fc.Arbitrary<FtpLogRecord> {
  return fc.record({
    timestamp: fc.option(fc.integer({ min: 0, max: MAX_TIMESTAMP_MS }), { nil: undefined }),
    observedTimestamp: fc.integer({ min: 0, max: MAX_TIMESTAMP_MS }),
    severityNumber: fc.integer({ min: 0, max: 24 }),
    severityText: text,
    eventName: text,
    body: text,
    attributes: fc.dictionary(fc.string({ minLength: 1, maxLength: keys.maxLength }).map((k) => `x.${k}`), value, { maxKeys: keys.maxKeys }),
  }) as fc.Arbitrary<FtpLogRecord>;
}

/** A batch of the given records under the test resource and scope. */
export function batchOf(records: readonly FtpLogRecord[], resource: Attributes = RESOURCE): LogsBatch {
  return { resource, scope: SCOPE, records };
}

/** The log records of a request's first ResourceLogs/ScopeLogs (decoded or parsed JSON). */
export function logRecords(request: Record<string, any>): Record<string, any>[] {
  return request['resourceLogs'][0].scopeLogs[0].logRecords;
}

/**
 * Checks, record by record, the differences the SDK's encoding is known to
 * have from ours (integer-valued doubles sent as int, a missing timestamp
 * stamped with the current time, a time before ~1998 taken for a
 * performance.now() reading), then sets them aside in `sdkRecords` so that
 * the two decoded requests can be compared whole. `oldTime` makes the
 * encoding's own checks on the third difference.
 */
export function setAsideSdkDifferences(
  records: readonly FtpLogRecord[],
  ourRecords: Record<string, any>[],
  sdkRecords: Record<string, any>[],
  oldTime: (r: FtpLogRecord & { timestamp: number }, ours: Record<string, any>, sdk: Record<string, any>) => void,
): void {
  records.forEach((r, i) => {
    const o = ourRecords[i]!;
    const s = sdkRecords[i]!;
    for (const name of integerValuedDoubles(r.attributes)) {
      const oa = o['attributes'].find((kv: { key: string }) => kv.key === name);
      const sa = s['attributes'].find((kv: { key: string }) => kv.key === name);
      assert.deepEqual(oa.value, { doubleValue: r.attributes[name] });
      assert.deepEqual(sa.value, { intValue: String(r.attributes[name]) });
      sa.value = oa.value;
    }
    if (r.timestamp === undefined) {
      assert.equal(o['timeUnixNano'], '0');
      assert.notEqual(s['timeUnixNano'], '0');
      s['timeUnixNano'] = '0';
    } else if (r.timestamp < performance.timeOrigin / 2) {
      oldTime(r as FtpLogRecord & { timestamp: number }, o, s);
      s['timeUnixNano'] = o['timeUnixNano'];
    }
  });
}

/** Attributes of a decoded message as `{ key: { kind: value } }`. */
export function attributeMap(list: { key: string; value: Record<string, unknown> }[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const kv of list) out[kv.key] = kv.value;
  return out;
}

/**
 * Attribute objects whose for...in lists more or other keys than their own
 * enumerable ones (an inherited key; an own key named `__proto__`; no
 * prototype), with the [key, AnyValue] pairs an encoder must send for them:
 * own keys only, in order, as the SDK (Object.keys) and JSON.stringify do.
 */
export function attributesWithPrototypes(): { attributes: Attributes; sent: [string, Record<string, unknown>][] }[] {
  const inherited = Object.assign(Object.create({ inherited: 'x' }) as Attributes, { a: 'y', b: 2 });
  Object.defineProperty(inherited, '__proto__', { value: 'z', enumerable: true, writable: true, configurable: true });
  const bare = Object.assign(Object.create(null) as Attributes, { a: 'y', b: 2 });
  class Typed {
    a = 'y';
    b = 2;
  }
  Object.defineProperty(Typed.prototype, 'extra', { value: 'x', enumerable: true });
  const ab: [string, Record<string, unknown>][] = [
    ['a', { stringValue: 'y' }],
    ['b', { intValue: '2' }],
  ];
  return [
    { attributes: inherited, sent: [...ab, ['__proto__', { stringValue: 'z' }]] },
    { attributes: bare, sent: ab },
    { attributes: new Typed() as unknown as Attributes, sent: ab },
  ];
}

/** The [key, AnyValue] pairs of a decoded attribute list, in order. */
export function attributePairs(list: { key: string; value: Record<string, unknown> }[]): [string, Record<string, unknown>][] {
  return list.map((kv) => [kv.key, kv.value]);
}

/** Attribute names whose schema type is double but whose JS value is an integer: the SDK sends them as int. */
export function integerValuedDoubles(attributes: Attributes): string[] {
  return Object.keys(attributes).filter(
    (k) => (ATTRIBUTE_TYPES as Record<string, AttributeType>)[k] === 'double' && Number.isInteger(attributes[k]),
  );
}
