import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  appendLogRecordEntryProtobuf,
  encodeLogRecordEntryProtobuf,
  encodeLogsProtobuf,
  encodeLogsProtobufEnvelope,
} from '../../src/otlp/encode-protobuf.js';
import { KIND_BOOL, KIND_DOUBLE, KIND_INT, KIND_SKIP, KIND_STRING, MAX_TIMESTAMP_MS, msToNanoHalves, msToNanoString, valueKind } from '../../src/otlp/values.js';
import type { Attributes, FtpLogRecord } from '../../src/model.js';
import type { LogsBatch } from '../../src/otlp/types.js';
import { ATTRIBUTE_TYPES, attributeType } from '../../src/schema.js';
import { otlpProto } from '../../src/receiver/decode.js';
import { FtplogError } from '../../src/errors.js';
import {
  allSchemaAttributes,
  attributeMap,
  attributePairs,
  attributesWithPrototypes,
  batchOf,
  decodeOfficial,
  integerValuedDoubles,
  logRecords,
  parseErrorRecord,
  record,
  recordArbitrary,
  sampleBatch,
  sdkProtobuf,
  setAsideSdkDifferences,
} from './fixtures.js';

const KIND_FIELD = { string: 'stringValue', int: 'intValue', double: 'doubleValue', bool: 'boolValue', 'string[]': 'arrayValue' } as const;

/** The AnyValue the official schema decodes for an attribute value sent by the encoder. */
function expectedAnyValue(name: string, value: unknown): Record<string, unknown> {
  const type = (ATTRIBUTE_TYPES as Record<string, keyof typeof KIND_FIELD>)[name];
  if (type === 'string[]') return { arrayValue: { values: (value as string[]).map((s) => ({ stringValue: s })) } };
  if (type === 'int') return { intValue: String(value) };
  if (type !== undefined) return { [KIND_FIELD[type]]: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return { stringValue: value };
}

function nanos(ms: number | undefined): string {
  return ms === undefined ? '0' : (BigInt(ms) * 1_000_000n).toString();
}

/** Checks one decoded LogRecord against its source record, field by field. */
function assertRecord(got: Record<string, any>, want: FtpLogRecord): void {
  assert.equal(got['timeUnixNano'], nanos(want.timestamp));
  assert.equal(got['observedTimeUnixNano'], nanos(want.observedTimestamp));
  assert.equal(got['severityNumber'], want.severityNumber);
  assert.equal(got['severityText'], want.severityText);
  assert.equal(got['eventName'], want.eventName);
  assert.deepEqual(got['body'], { stringValue: want.body });
  const expected: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want.attributes)) expected[k] = expectedAnyValue(k, v);
  assert.deepEqual(attributeMap(got['attributes']), expected);
  assert.deepEqual(Object.keys(attributeMap(got['attributes'])), Object.keys(want.attributes), 'attribute order is kept');
  assert.equal(got['droppedAttributesCount'], 0);
  assert.equal(got['flags'], 0);
  assert.equal(got['traceId'], '');
  assert.equal(got['spanId'], '');
}

describe('encodeLogsProtobuf', () => {
  it('decodes with the official schema to exactly the fields of the batch', () => {
    const batch = sampleBatch();
    const decoded = decodeOfficial(encodeLogsProtobuf(batch));
    assert.equal(decoded['resourceLogs'].length, 1);
    const rl = decoded['resourceLogs'][0];
    assert.deepEqual(attributeMap(rl.resource.attributes), {
      'service.name': { stringValue: 'eft-server' },
      'host.name': { stringValue: 'test-host' },
      'deployment.environment.name': { stringValue: 'test' },
    });
    assert.equal(rl.scopeLogs.length, 1);
    assert.deepEqual(rl.scopeLogs[0].scope, { name: 'ftplog-otel', version: '0.1.0', attributes: [], droppedAttributesCount: 0 });
    const got = logRecords(decoded);
    assert.equal(got.length, batch.records.length);
    batch.records.forEach((r, i) => assertRecord(got[i]!, r));
  });

  it('sends every schema attribute with its schema type', () => {
    const attributes = allSchemaAttributes();
    const got = attributeMap(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([record({ attributes })]))))[0]!['attributes']);
    for (const [name, type] of Object.entries(ATTRIBUTE_TYPES)) {
      assert.deepEqual(Object.keys(got[name]!), [KIND_FIELD[type]], name);
    }
    assert.deepEqual(got['ftp.transfer.duration'], { doubleValue: 3 }, 'an integer-valued double stays a double');
    assert.deepEqual(got['ftp.status.code'], { intValue: '-1' });
    assert.deepEqual(got['ftp.transfer.bytes'], { intValue: String(2 ** 40) });
    assert.deepEqual(got['ftp.transfer.notes'], { arrayValue: { values: [{ stringValue: 'Ps' }, { stringValue: 'Sf' }] } });
  });

  it('is the canonical encoding: the official encoder re-encodes the decoded message to the same bytes', () => {
    const bytes = encodeLogsProtobuf(sampleBatch());
    const T = otlpProto.ExportLogsServiceRequest;
    assert.deepEqual(Buffer.from(T.encode(T.decode(bytes)).finish()), Buffer.from(bytes));
  });

  it('infers the type of attributes outside the schema, and of values that do not fit their schema type', () => {
    const attributes: Attributes = {
      'custom.int': 5,
      'custom.double': 5.5,
      'custom.bool': true,
      'custom.list': ['a', 'b'],
      'custom.text': 'x',
      'server.port': '21' as unknown as number, // a string where the schema says int: sent unaltered
      'ftp.status.code': 2.5, // not an integer: cannot be an int
      'ftp.transfer.bytes': 2 ** 64, // beyond int64
    };
    const got = attributeMap(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([record({ attributes })]))))[0]!['attributes']);
    assert.deepEqual(got, {
      'custom.int': { intValue: '5' },
      'custom.double': { doubleValue: 5.5 },
      'custom.bool': { boolValue: true },
      'custom.list': { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
      'custom.text': { stringValue: 'x' },
      'server.port': { stringValue: '21' },
      'ftp.status.code': { doubleValue: 2.5 },
      'ftp.transfer.bytes': { doubleValue: 2 ** 64 },
    });
  });

  it('skips undefined and null attribute values', () => {
    const attributes = { a: 'x', b: undefined, c: null, d: 1 } as unknown as Attributes;
    const got = attributeMap(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([record({ attributes })]))))[0]!['attributes']);
    assert.deepEqual(got, { a: { stringValue: 'x' }, d: { intValue: '1' } });
  });

  it('sends own attributes only, of records and resource, whatever the prototype', () => {
    for (const { attributes, sent } of attributesWithPrototypes()) {
      const r = record({ attributes });
      const message = decodeOfficial(encodeLogsProtobuf(batchOf([r], attributes)));
      assert.deepEqual(attributePairs(logRecords(message)[0]!['attributes']), sent);
      assert.deepEqual(attributePairs(message['resourceLogs'][0].resource.attributes), sent);
      const part = Buffer.from(encodeLogRecordEntryProtobuf(r));
      assert.deepEqual(decodeOfficial(encodeLogsProtobufEnvelope(attributes, batchOf([]).scope, [part], part.length)), message);
    }
  });

  it('encodes int64 edge values exactly', () => {
    const values = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 62, -1, -128, -(2 ** 31), -(2 ** 53 - 1), -(2 ** 63)];
    const attributes: Attributes = {};
    values.forEach((v, i) => (attributes[`n${i}`] = v));
    const got = attributeMap(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([record({ attributes })]))))[0]!['attributes']);
    values.forEach((v, i) => assert.equal(got[`n${i}`]!['intValue'], BigInt(v).toString(), String(v)));
  });

  it('encodes doubles bit for bit, non-finite ones included', () => {
    const values = [0.1, -0, 0, 3, 1e-300, 2 ** 70, 1.7976931348623157e308, NaN, Infinity, -Infinity];
    const records = values.map((v) => record({ attributes: { 'ftp.transfer.rate': v } }));
    const got = logRecords(decodeOfficial(encodeLogsProtobuf(batchOf(records))));
    values.forEach((v, i) => {
      const value = attributeMap(got[i]!['attributes'])['ftp.transfer.rate']!;
      assert.deepEqual(Object.keys(value), ['doubleValue']);
      assert.ok(Object.is(value['doubleValue'], v), String(v));
    });
  });

  it('writes UTF-8 of any length, with lone surrogates as U+FFFD', () => {
    const texts = ['', 'a', 'é'.repeat(63), 'é'.repeat(64), 'x'.repeat(127), 'x'.repeat(128), '😀'.repeat(40), '中'.repeat(5000), 'a\ud800b', '\udc00', 'x'.repeat(39) + 'é'];
    const records = texts.map((t) =>
      record({ body: t, attributes: { 'ftp.extra': t, 'ftp.transfer.notes': [t, t] }, eventName: t, severityText: t as FtpLogRecord['severityText'] }),
    );
    const got = logRecords(decodeOfficial(encodeLogsProtobuf(batchOf(records))));
    texts.forEach((t, i) => {
      const want = Buffer.from(t, 'utf8').toString('utf8');
      assert.equal(got[i]!['body'].stringValue, want);
      assert.equal(got[i]!['eventName'], want);
      assert.equal(got[i]!['severityText'], want);
      const attrs = attributeMap(got[i]!['attributes']);
      assert.equal(attrs['ftp.extra']!['stringValue'], want);
      assert.deepEqual(attrs['ftp.transfer.notes'], { arrayValue: { values: [{ stringValue: want }, { stringValue: want }] } });
    });
    assert.equal(got[8]!['body'].stringValue, 'a\ufffdb');
  });

  it('leaves time_unix_nano out of a record without a timestamp', () => {
    const bytes = encodeLogsProtobuf(batchOf([parseErrorRecord()]));
    const T = otlpProto.ExportLogsServiceRequest;
    const plain = T.toObject(T.decode(bytes), { longs: String }) as Record<string, any>;
    const lr = plain['resourceLogs'][0].scopeLogs[0].logRecords[0];
    assert.equal(lr.timeUnixNano, undefined);
    assert.equal(lr.observedTimeUnixNano, nanos(parseErrorRecord().observedTimestamp));
  });

  it('handles records under 128 bytes and over 16 KiB, and batches larger than its scratch buffer', () => {
    const tiny = record({ body: '', severityText: '' as FtpLogRecord['severityText'], eventName: '', attributes: {} });
    const huge = record({ body: 'b'.repeat(40_000), attributes: { 'ftp.extra': 'é'.repeat(10_000) } });
    const many = Array.from({ length: 3000 }, (_, i) => record({ body: `line ${i} ${'z'.repeat(i % 300)}` }));
    const records = [tiny, huge, ...many, tiny];
    const got = logRecords(decodeOfficial(encodeLogsProtobuf(batchOf(records))));
    assert.equal(got.length, records.length);
    records.forEach((r, i) => assert.equal(got[i]!['body'].stringValue, r.body));
    // A 20 MiB batch, then a small one: the scratch buffer is released and works again.
    const big = encodeLogsProtobuf(batchOf([record({ body: 'q'.repeat(20 * 1024 * 1024) })]));
    assert.ok(big.length > 20 * 1024 * 1024);
    assert.equal(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([tiny]))))[0]!['body'].stringValue, '');
  });

  it('encodes an empty batch and an empty resource', () => {
    const decoded = decodeOfficial(encodeLogsProtobuf({ resource: {}, scope: { name: 'x' }, records: [] }));
    assert.equal(decoded['resourceLogs'].length, 1);
    assert.deepEqual(decoded['resourceLogs'][0].resource.attributes, []);
    assert.deepEqual(decoded['resourceLogs'][0].scopeLogs[0].scope.name, 'x');
    assert.deepEqual(decoded['resourceLogs'][0].scopeLogs[0].scope.version, '');
    assert.deepEqual(decoded['resourceLogs'][0].scopeLogs[0].logRecords, []);
  });

  it('rejects times OTLP cannot carry and bad severity numbers with ERR_INVALID_ARGUMENT', () => {
    for (const r of [
      record({ timestamp: -1 }),
      record({ timestamp: NaN }),
      record({ observedTimestamp: Infinity }),
      record({ timestamp: MAX_TIMESTAMP_MS + 1 }),
      record({ severityNumber: -1 }),
      record({ severityNumber: 1.5 }),
    ]) {
      assert.throws(() => encodeLogsProtobuf(batchOf([r])), (e: unknown) => e instanceof FtplogError && e.code === 'ERR_INVALID_ARGUMENT');
    }
    // The encoder is usable after a failure.
    assert.equal(logRecords(decodeOfficial(encodeLogsProtobuf(batchOf([record()])))).length, 1);
  });

  it('round-trips random records exactly (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 60 }));
    const value = fc.oneof(text, fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)), fc.boolean(), fc.array(text, { maxLength: 5 }));
    const rec = recordArbitrary(text, value, { maxLength: 40, maxKeys: 12 });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 8 }), (records) => {
        const all = records;
        const bytes = encodeLogsProtobuf(batchOf(all));
        const got = logRecords(decodeOfficial(bytes));
        const messages = logRecordMessages(bytes);
        assert.equal(got.length, all.length);
        all.forEach((r, i) => {
          const g = got[i]!;
          assert.equal(g['timeUnixNano'], nanos(r.timestamp));
          assert.equal(g['observedTimeUnixNano'], nanos(r.observedTimestamp));
          assert.equal(g['body'].stringValue, Buffer.from(r.body).toString());
          assert.equal(g['eventName'], Buffer.from(r.eventName).toString());
          const attrs = attributeMap(g['attributes']);
          assert.deepEqual(Object.keys(attrs), Object.keys(r.attributes));
          for (const [k, v] of Object.entries(r.attributes)) {
            const a = attrs[k]!;
            if (typeof v === 'string') assert.equal(a['stringValue'], Buffer.from(v).toString());
            else if (typeof v === 'boolean') assert.equal(a['boolValue'], v);
            else if (typeof v === 'number') assert.deepEqual(a, Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v });
            else assert.deepEqual(a, { arrayValue: { values: v.map((s) => ({ stringValue: Buffer.from(s).toString() })) } });
          }
          assert.equal(encodeLogRecordEntryProtobuf(r).length, lenField(otlpProto.LogRecord.encode(messages[i]).finish().length));
        });
        const T = otlpProto.ExportLogsServiceRequest;
        assert.deepEqual(Buffer.from(T.encode(T.decode(bytes)).finish()), Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

/** The LogRecord messages as the official decoder builds them (only the fields present on the wire are set). */
function logRecordMessages(bytes: Uint8Array): unknown[] {
  const m = otlpProto.ExportLogsServiceRequest.decode(bytes) as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] };
  return m.resourceLogs[0]!.scopeLogs[0]!.logRecords;
}

function lenField(n: number): number {
  let v = 1;
  for (let x = n; x >= 0x80; x = Math.floor(x / 128)) v++;
  return 1 + v + n;
}

describe('encodeLogRecordEntryProtobuf', () => {
  it('is the number of bytes a record adds to a request', () => {
    const records = sampleBatch().records;
    const base = encodeLogsProtobuf(batchOf([])).length;
    for (const r of records) {
      // Within one batch the sizes add up, give or take the growth of the two outer length prefixes.
      const one = encodeLogsProtobuf(batchOf([r])).length - base;
      const entry = encodeLogRecordEntryProtobuf(r).length;
      assert.ok(one - entry >= 0 && one - entry <= 2, `${one} vs ${entry}`);
    }
    const total = records.reduce((s, r) => s + encodeLogRecordEntryProtobuf(r).length, 0);
    const bytes = encodeLogsProtobuf(batchOf(records)).length;
    assert.ok(bytes - base - total >= 0 && bytes - base - total <= 4);
  });

  it('equals the size of the LogRecord the official encoder writes, plus tag and length', () => {
    const batch = sampleBatch();
    const messages = logRecordMessages(encodeLogsProtobuf(batch));
    batch.records.forEach((r, i) => {
      assert.equal(encodeLogRecordEntryProtobuf(r).length, lenField(otlpProto.LogRecord.encode(messages[i]).finish().length));
    });
  });
});

describe('nanosecond timestamps', () => {
  it('split exactly into 32-bit halves and decimal strings (property, against BigInt)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIMESTAMP_MS }), (ms) => {
        const ns = BigInt(ms) * 1_000_000n;
        const [lo, hi] = msToNanoHalves(ms);
        assert.equal((BigInt(hi) << 32n) | BigInt(lo), ns);
        assert.equal(msToNanoString(ms), ns.toString());
      }),
      { numRuns: 2000 },
    );
    for (const ms of [0, 1, 999, 4294, 4295, 4294967295, 4294967296, 1_700_000_000_123, 2 ** 41 - 1, MAX_TIMESTAMP_MS]) {
      const ns = BigInt(ms) * 1_000_000n;
      const [lo, hi] = msToNanoHalves(ms);
      assert.equal((BigInt(hi) << 32n) | BigInt(lo), ns, String(ms));
      assert.equal(msToNanoString(ms), ns.toString());
    }
  });

  it('keeps sub-millisecond parts, rounded to the nanosecond', () => {
    assert.equal(msToNanoString(1.5), '1500000');
    assert.equal(msToNanoString(0.000001), '1');
    assert.equal(msToNanoString(1_700_000_000_123.25), '1700000000123250000');
    const [lo, hi] = msToNanoHalves(1_700_000_000_123.25);
    assert.equal((BigInt(hi) << 32n) | BigInt(lo), 1700000000123250000n);
  });
});

describe('encodeLogsProtobuf against the SDK (ProtobufLogsSerializer)', () => {
  // Known differences, asserted below and then set aside:
  //  1. The SDK picks int or double from the JS value: an integer-valued double attribute
  //     (ftp.transfer.duration = 3) goes out as int_value; ours stays a double, as the schema says.
  //  2. The SDK stamps a record without a timestamp with the current time; ours leaves
  //     time_unix_nano unset (0), so a parse error does not pretend to know when it happened.
  //  3. The SDK takes an epoch-ms time below half of performance.timeOrigin (before about
  //     1998) for a performance.now() reading and adds the process start time to it.
  //  4. The SDK writes zero-valued fields (dropped_attributes_count, time 0) explicitly;
  //     both decode to the same message.
  it('decodes to the same content, apart from the listed differences', async () => {
    const batch = sampleBatch();
    const ours = decodeOfficial(encodeLogsProtobuf(batch));
    const sdk = decodeOfficial(await sdkProtobuf(batch));

    const ourRecords = logRecords(ours);
    const sdkRecords = logRecords(sdk);
    assert.equal(sdkRecords.length, ourRecords.length);
    setAsideSdkDifferences(batch.records, ourRecords, sdkRecords, (r, o, s) => {
      assert.equal(o['timeUnixNano'], nanos(r.timestamp));
      assert.notEqual(s['timeUnixNano'], nanos(r.timestamp));
    });
    assert.ok(batch.records.some((r) => integerValuedDoubles(r.attributes).length > 0), 'the batch exercises difference 1');
    assert.deepEqual(ours, sdk);
  });
});

/**
 * The request the official generated encoder writes for a batch, built field
 * by field from the records as the encoder's documentation says (fields at
 * their default left out, but for the body and the values of attributes;
 * attribute kinds as valueKind() decides them). Text goes through wellFormed():
 * protobufjs writes a lone surrogate as three bytes of its own, the encoder
 * as U+FFFD. Compared byte for byte.
 */
function officialProtobuf(batch: LogsBatch): Buffer {
  const T = otlpProto.ExportLogsServiceRequest;
  const anyValue = (key: string, value: unknown): Record<string, unknown> | undefined => {
    const kind = valueKind(attributeType(key, value), value);
    switch (kind) {
      case KIND_SKIP:
        return undefined;
      case KIND_STRING:
        return { stringValue: wellFormed(String(value)) };
      case KIND_INT:
        return { intValue: BigInt(value as number).toString() };
      case KIND_DOUBLE:
        return { doubleValue: value };
      case KIND_BOOL:
        return { boolValue: value };
      default:
        return { arrayValue: { values: (value as unknown[]).map((v) => ({ stringValue: wellFormed(String(v)) })) } };
    }
  };
  const attributes = (a: Attributes): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    for (const key in a) {
      const value = anyValue(key, a[key]);
      if (value !== undefined) out.push({ key: wellFormed(key), value });
    }
    return out;
  };
  const logRecord = (r: FtpLogRecord): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    if (r.timestamp !== undefined) m['timeUnixNano'] = nanoString(r.timestamp);
    if (r.severityNumber !== 0) m['severityNumber'] = r.severityNumber;
    if (r.severityText) m['severityText'] = wellFormed(r.severityText);
    m['body'] = { stringValue: wellFormed(String(r.body)) };
    const attrs = attributes(r.attributes);
    if (attrs.length > 0) m['attributes'] = attrs;
    m['observedTimeUnixNano'] = nanoString(r.observedTimestamp);
    if (r.eventName) m['eventName'] = wellFormed(r.eventName);
    return m;
  };
  const scope: Record<string, unknown> = {};
  if (batch.scope.name) scope['name'] = wellFormed(batch.scope.name);
  if (batch.scope.version) scope['version'] = wellFormed(batch.scope.version);
  const request = {
    resourceLogs: [
      {
        resource: { attributes: attributes(batch.resource) },
        scopeLogs: [{ scope, logRecords: batch.records.map(logRecord) }],
      },
    ],
  };
  return Buffer.from(T.encode(T.fromObject(request)).finish());
}

/** The string with each lone surrogate replaced by U+FFFD. */
function wellFormed(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function nanoString(ms: number): string {
  const [lo, hi] = msToNanoHalves(ms);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function assertOfficial(batch: LogsBatch, message?: string): void {
  const ours = Buffer.from(encodeLogsProtobuf(batch));
  assert.deepEqual(ours, officialProtobuf(batch), message);
  // The same records one by one, and appended to a buffer, make the same request.
  const parts = batch.records.map((r) => Buffer.from(encodeLogRecordEntryProtobuf(r)));
  const recordsBytes = parts.reduce((n, p) => n + p.length, 0);
  assert.deepEqual(encodeLogsProtobufEnvelope(batch.resource, batch.scope, parts, recordsBytes), ours, message);
  let target: Buffer = Buffer.allocUnsafe(4096);
  let end = 0;
  for (const r of batch.records) ({ buf: target, end } = appendLogRecordEntryProtobuf(target, end, r));
  assert.deepEqual(target.subarray(0, end), Buffer.concat(parts), message);
}

describe('encodeLogsProtobuf against the official encoder, byte for byte', () => {
  const KEYS = ['ftp.log.format', 'user.name', 'file.path', 'x.custom', 'server.port', 'ftp.transfer.rate', 'ftp.transfer.notes'];
  const k = (n: number): string => `k${'x'.repeat(n)}`;

  it('writes the sample batch and random records as the official encoder does (property)', () => {
    assertOfficial(sampleBatch());
    assertOfficial(batchOf([record({ attributes: allSchemaAttributes() })], allSchemaAttributes()));
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('a', 'ftp', 'eft.client', 'download', 'x'.repeat(24), 'x'.repeat(25), 'é'.repeat(24)),
    );
    const number = fc.oneof(
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.integer({ min: -200, max: 300 }),
      fc.double(),
      fc.constantFrom(2 ** 63, -(2 ** 63), 2 ** 64, -0, 0.5, 2 ** 31, -(2 ** 31) - 1),
    );
    const value = fc.oneof(text, number, fc.boolean(), fc.array(text, { maxLength: 5 }), fc.constantFrom(undefined, null));
    // Keys of the schema and out of it, in varying orders, so that values repeat under the same key.
    const attributes = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ minLength: 1, maxLength: 8 })), value, { maxKeys: 10 });
    const rec = fc.record({
      timestamp: fc.option(fc.oneof(fc.integer({ min: 0, max: MAX_TIMESTAMP_MS }), fc.double({ min: 0, max: MAX_TIMESTAMP_MS, noNaN: true })), { nil: undefined }),
      observedTimestamp: fc.integer({ min: 0, max: MAX_TIMESTAMP_MS }),
      severityNumber: fc.integer({ min: 0, max: 24 }),
      severityText: text,
      eventName: text,
      body: text,
      attributes,
    }) as fc.Arbitrary<FtpLogRecord>;
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 10 }), attributes, (records, resource) => {
        assertOfficial(batchOf(records, resource as Attributes));
      }),
      { numRuns: 500 },
    );
  });

  it('writes strings of every length around the one-byte prefix limits and the native-write threshold', () => {
    for (const key of ['ftp.extra', 'x', k(20), k(60), k(119), k(120), k(121), k(122), k(130), k(200)]) {
      const records: FtpLogRecord[] = [];
      for (let len = 0; len <= 140; len++) {
        for (const s of ['a'.repeat(len), 'é' + 'a'.repeat(Math.max(0, len - 1)), 'a'.repeat(Math.max(0, len - 1)) + '中', 'a'.repeat(len >> 1) + '\ud800' + 'b'.repeat(len >> 1)]) {
          records.push(record({ body: s, eventName: s, severityText: s as FtpLogRecord['severityText'], attributes: { [key]: s, after: len } }));
        }
      }
      for (const len of [16_000, 16_383, 16_384, 20_000]) {
        records.push(record({ body: 'b'.repeat(len), attributes: { [key]: 'v'.repeat(len) } }));
        records.push(record({ attributes: { [key]: 'é'.repeat(len) } }));
      }
      assertOfficial(batchOf(records), key);
    }
  });

  it('writes a value again from its kept bytes only under the same key, whatever the attribute tag', () => {
    const values = ['eft.client', 'eft.client', 'download', 'eft.client', 'download', 'download', 'déjà', 'déjà', 'x'.repeat(90), 'x'.repeat(90), '', ''];
    const records: FtpLogRecord[] = [];
    for (let round = 0; round < 200; round++) {
      const v = values[round % values.length]!;
      const attributes: Attributes =
        round % 3 === 0 ? { 'ftp.log.format': v, 'user.name': v, 'file.path': `/p/${round}` } : { 'user.name': v, 'ftp.log.format': v, extra: round % 5 === 0 ? 5 : v };
      records.push(record({ attributes }));
    }
    // The resource carries the same keys and values: KeyValues whose tag differs.
    assertOfficial(batchOf(records, { 'ftp.log.format': 'eft.client', 'user.name': 'download' }));
    // A key whose values never repeat, then start to.
    const paths = Array.from({ length: 500 }, (_, i) => record({ attributes: { 'file.path': i < 300 ? `/in/${i}.csv` : '/in/same.csv' } }));
    assertOfficial(batchOf(paths));
  });

  it('writes attribute objects whose keys change order and number from record to record', () => {
    const shapes: Attributes[] = [
      { a: 'x', b: 1, c: true },
      { a: 'x', c: true },
      { c: true, b: 1, a: 'x' },
      { b: 2 },
      {},
      { a: 'y', b: 1, c: false, d: ['p', 'q'] },
      { d: ['p', 'é'], a: 'x' },
    ];
    const records = Array.from({ length: 100 }, (_, i) => record({ attributes: shapes[(i * 7) % shapes.length]! }));
    assertOfficial(batchOf(records, shapes[0]));
  });

  it('writes ints, doubles, bools, arrays and skipped values of every size', () => {
    const ints = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35, 2 ** 53 - 1, 2 ** 62, 2 ** 63 - 1024];
    const values: unknown[] = [
      ...ints,
      ...ints.map((v) => -v),
      -(2 ** 63),
      2 ** 63,
      2 ** 64,
      0.5,
      -0,
      NaN,
      Infinity,
      -Infinity,
      Number.MIN_VALUE,
      true,
      false,
      [],
      [''],
      ['Ps', 'Sf'],
      ['a'.repeat(24), 'b'.repeat(25)],
      Array.from({ length: 40 }, (_, i) => `n${i}`),
      ['é', 'a'],
      [1, true, null, 'x'],
      { toString: () => 'object' },
      undefined,
      null,
    ];
    for (const key of ['x.n', 'ftp.transfer.bytes', 'ftp.transfer.duration', 'ftp.transfer.notes', 'ftp.list.recursive', k(130)]) {
      const records = values.map((v) => record({ attributes: { [key]: v as Attributes[string], after: 'z' } }));
      assertOfficial(batchOf(records), key);
    }
  });

  it('writes fractional, huge and zero times', () => {
    const times = [0, -0, 1, 0.5, 0.000001, 0.0000004, 999.9999996, 4294967295, 4294967296, 1_700_000_000_123.25, 2 ** 41 - 1, MAX_TIMESTAMP_MS];
    const records = times.map((t) => record({ timestamp: t, observedTimestamp: t }));
    assertOfficial(batchOf(records));
  });
});
