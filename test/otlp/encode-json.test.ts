import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeLogsJson } from '../../src/otlp/encode-json.js';
import { encodeLogsProtobuf } from '../../src/otlp/encode-protobuf.js';
import { MAX_TIMESTAMP_MS } from '../../src/otlp/values.js';
import type { FtpLogRecord } from '../../src/model.js';
import { FtplogError } from '../../src/errors.js';
import {
  allSchemaAttributes,
  attributeMap,
  attributePairs,
  attributesWithPrototypes,
  batchOf,
  decodeOfficial,
  decodeOfficialJson,
  logRecords,
  parseErrorRecord,
  recordArbitrary,
  record,
  sampleBatch,
  sdkJson,
  setAsideSdkDifferences,
} from './fixtures.js';

type Json = Record<string, any>;

describe('encodeLogsJson', () => {
  it('writes OTLP/JSON: camelCase names, 64-bit integers as strings, enums as integers', () => {
    const r = record({ attributes: allSchemaAttributes() });
    const json = JSON.parse(encodeLogsJson(batchOf([r]))) as Json;
    assert.deepEqual(Object.keys(json), ['resourceLogs']);
    const rl = json['resourceLogs'][0];
    assert.deepEqual(rl.resource, {
      attributes: [
        { key: 'service.name', value: { stringValue: 'eft-server' } },
        { key: 'host.name', value: { stringValue: 'test-host' } },
        { key: 'deployment.environment.name', value: { stringValue: 'test' } },
      ],
    });
    assert.deepEqual(rl.scopeLogs[0].scope, { name: 'ftplog-otel', version: '0.1.0' });
    const lr = logRecords(json)[0]!;
    assert.deepEqual(Object.keys(lr), ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes', 'eventName']);
    assert.equal(lr['timeUnixNano'], (BigInt(r.timestamp!) * 1_000_000n).toString());
    assert.equal(lr['observedTimeUnixNano'], (BigInt(r.observedTimestamp) * 1_000_000n).toString());
    assert.equal(lr['severityNumber'], 9);
    assert.equal(lr['severityText'], 'INFO');
    assert.deepEqual(lr['body'], { stringValue: r.body });
    assert.equal(lr['eventName'], 'ftp.download');
    const attrs = attributeMap(lr['attributes']);
    assert.deepEqual(attrs['ftp.status.code'], { intValue: '-1' });
    assert.deepEqual(attrs['ftp.transfer.bytes'], { intValue: '1099511627776' });
    assert.deepEqual(attrs['ftp.transfer.duration'], { doubleValue: 3 });
    assert.deepEqual(attrs['ftp.transfer.rate'], { doubleValue: 1234.5678 });
    assert.deepEqual(attrs['eft.outcome_mismatch'], { boolValue: false });
    assert.deepEqual(attrs['ftp.transfer.notes'], { arrayValue: { values: [{ stringValue: 'Ps' }, { stringValue: 'Sf' }] } });
    assert.deepEqual(attrs['file.path'], { stringValue: '/in/報告書 2024 😀.csv' });
    assert.deepEqual(attrs['ftp.extra'], { stringValue: '' });
  });

  it('decodes with the official schema to the same message as the protobuf encoding', () => {
    const batch = sampleBatch();
    assert.deepEqual(decodeOfficialJson(encodeLogsJson(batch)), decodeOfficial(encodeLogsProtobuf(batch)));
  });

  it('leaves out time, severity text, event name and attributes when they are empty', () => {
    const r = parseErrorRecord();
    const lr = logRecords(JSON.parse(encodeLogsJson(batchOf([{ ...r, severityText: '' as FtpLogRecord['severityText'], attributes: {} }]))))[0]!;
    assert.deepEqual(lr, {
      observedTimeUnixNano: (BigInt(r.observedTimestamp) * 1_000_000n).toString(),
      severityNumber: 17,
      body: { stringValue: 'garbage ¿line?' },
    });
  });

  it('writes non-finite doubles as the strings the JSON mapping uses, and escapes control characters', () => {
    const r = record({ body: 'tab\there "quoted" \\ \u0001 \ud800', attributes: { 'ftp.transfer.rate': NaN, 'ftp.transfer.duration': -Infinity, 'x.inf': Infinity } });
    const text = encodeLogsJson(batchOf([r]));
    const lr = logRecords(JSON.parse(text))[0]!;
    assert.deepEqual(attributeMap(lr['attributes']), {
      'ftp.transfer.rate': { doubleValue: 'NaN' },
      'ftp.transfer.duration': { doubleValue: '-Infinity' },
      'x.inf': { doubleValue: 'Infinity' },
    });
    assert.equal(lr['body'].stringValue, r.body);
    assert.ok(!/[\u0000-\u001f]/.test(text));
  });

  it('writes integers beyond 2^53 exactly, as the protobuf encoding does', () => {
    const r = record({ attributes: { 'ftp.transfer.bytes': 90365756293276656, 'x.big': -(2 ** 63) } });
    const attrs = attributeMap(logRecords(JSON.parse(encodeLogsJson(batchOf([r]))))[0]!['attributes']);
    assert.deepEqual(attrs['ftp.transfer.bytes'], { intValue: '90365756293276656' });
    assert.deepEqual(attrs['x.big'], { intValue: '-9223372036854775808' });
  });

  it('writes own attributes only, of records and resource, whatever the prototype', () => {
    for (const { attributes, sent } of attributesWithPrototypes()) {
      const message = decodeOfficialJson(encodeLogsJson(batchOf([record({ attributes })], attributes)));
      assert.deepEqual(attributePairs(logRecords(message)[0]!['attributes']), sent);
      assert.deepEqual(attributePairs(message['resourceLogs'][0].resource.attributes), sent);
    }
  });

  it('encodes an empty batch', () => {
    assert.deepEqual(JSON.parse(encodeLogsJson({ resource: {}, scope: { name: 'x' }, records: [] })), {
      resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'x' }, logRecords: [] }] }],
    });
  });

  it('rejects times OTLP cannot carry with ERR_INVALID_ARGUMENT', () => {
    for (const r of [record({ timestamp: -5 }), record({ observedTimestamp: MAX_TIMESTAMP_MS + 1 }), record({ severityNumber: -2 })]) {
      assert.throws(() => encodeLogsJson(batchOf([r])), (e: unknown) => e instanceof FtplogError && e.code === 'ERR_INVALID_ARGUMENT');
    }
  });

  it('agrees with the protobuf encoding on random records (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
    const value = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(text, { maxLength: 4 }));
    const rec = recordArbitrary(text, value, { maxLength: 30, maxKeys: 10 });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 6 }), (records) => {
        const batch = batchOf(records);
        assert.deepEqual(decodeOfficialJson(encodeLogsJson(batch)), decodeOfficial(encodeLogsProtobuf(batch)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodeLogsJson against the SDK (JsonLogsSerializer)', () => {
  // Known differences, asserted below and then set aside (the same as for protobuf):
  //  1. integer-valued double attributes: the SDK sends intValue, ours doubleValue;
  //  2. a record without a timestamp: the SDK stamps the current time, ours leaves timeUnixNano out;
  //  3. an epoch-ms time before about 1998: the SDK takes it for a performance.now() reading;
  //  4. the SDK writes zero values (droppedAttributesCount: 0, an empty scope schemaUrl) that ours leaves out.
  it('parses to the same content, apart from the listed differences', async () => {
    const batch = sampleBatch();
    const ours = decodeOfficialJson(encodeLogsJson(batch));
    const sdkText = await sdkJson(batch);
    const sdk = decodeOfficialJson(sdkText);

    // The SDK's text is OTLP/JSON too: 64-bit values as strings, enums as integers, eventName.
    const sdkRaw = logRecords(JSON.parse(sdkText) as Json)[0]!;
    assert.equal(typeof sdkRaw['timeUnixNano'], 'string');
    assert.equal(sdkRaw['severityNumber'], 9);
    assert.equal(sdkRaw['eventName'], 'ftp.download');

    const ourRecords = logRecords(ours);
    const sdkRecords = logRecords(sdk);
    setAsideSdkDifferences(batch.records, ourRecords, sdkRecords, (_r, o, s) => {
      assert.notEqual(s['timeUnixNano'], o['timeUnixNano']);
    });
    assert.deepEqual(ours, sdk);
  });
});
