import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { decodeRecords, decodeRecordsJson, decodeRecordsProtobuf } from '../../src/otlp/decode-records.js';
import { EncodedRecordsBuilder, type OtlpEncoding } from '../../src/otlp/encoded.js';
import { toJsonRecord } from '../../src/jsonl/record-json.js';
import { logRecords, type LogRecordsOptions } from '../../src/transforms/log-records.js';
import { FtplogError } from '../../src/errors.js';
import type { FtpLogRecord } from '../../src/model.js';
import { MAX_TIMESTAMP_MS } from '../../src/otlp/values.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { eftLog, latin1Log, ncftpdLog } from '../parallel/inputs.js';
import { allSchemaAttributes, attributesWithPrototypes, parseErrorRecord, record, recordArbitrary, sampleBatch } from './fixtures.js';

const PROTOCOLS: OtlpEncoding[] = ['http/protobuf', 'http/json'];

/** The records' run bytes, encoded as the delivery queue and the worker threads encode them. */
function encode(protocol: OtlpEncoding, records: readonly FtpLogRecord[]): Uint8Array {
  const b = new EncodedRecordsBuilder(protocol, undefined, undefined, 16);
  for (const r of records) b.add(r);
  return b.finish().bytes;
}

/** What the dead-letter file holds for a record: its JSONL object, through JSON. */
function expected(r: FtpLogRecord): unknown {
  return JSON.parse(JSON.stringify(toJsonRecord(r)));
}

async function recordsOf(input: Buffer, options: LogRecordsOptions = {}): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  await pipeline(
    Readable.from([input]),
    logRecords({ timezone: 'America/Chicago', ...options }),
    new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (out.push(r), cb()) }),
  );
  return out;
}

function assertRoundTrip(records: readonly FtpLogRecord[], what: string): void {
  for (const protocol of PROTOCOLS) {
    const decoded = decodeRecords(protocol, encode(protocol, records));
    assert.equal(decoded.length, records.length, `${what} (${protocol})`);
    records.forEach((r, i) => assert.deepStrictEqual(decoded[i], expected(r), `${what} (${protocol}), record ${i}`));
  }
}

describe('decodeRecords: encoded runs back to the JSONL record shape', () => {
  it('decodes every record of the example logs as toJsonRecord() gives it, in both encodings', async () => {
    for (const name of ['cl241118.log', 'xfer.20241118']) {
      const records = await recordsOf(readFileSync(join(projectRoot, 'examples', 'logs', name)));
      assert.ok(records.length > 10, name);
      assertRoundTrip(records, name);
    }
  });

  it('decodes the records of the vendor fixtures and of generated quirky logs', async () => {
    const inputs: [string, Buffer, LogRecordsOptions][] = [
      ['eft vendor', readFileSync(fixture('eft', 'eft-client-vendor.log')), {}],
      ['ncftpd vendor', readFileSync(fixture('ncftpd', 'ncftpd-xfer-vendor.log')), {}],
      ['ncftpd crlf', readFileSync(fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log')), {}],
      ['eft: BOM, header, CRLF, blank, bad port, non-ASCII, over-long, 10060', eftLog(), { maxLineBytes: 256 }],
      ['ncftpd: CRLF, over-long, not ncftpd, no last terminator', ncftpdLog(), { maxLineBytes: 256 }],
      ['latin1', latin1Log(), { encoding: 'latin1' }],
    ];
    for (const [what, input, options] of inputs) {
      const records = await recordsOf(input, options);
      assert.ok(records.length > 0, what);
      assertRoundTrip(records, what);
    }
  });

  it('decodes the records of random log-shaped bytes (property)', async () => {
    const fragments = [
      '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;',
      '2024-11-18 08:00:00; sftp; h; 22; u; C:\\a; /a; upload; 10054; 4;',
      '2010-01-11 15:42:17 #u5     | R,/a,b,1,0.5,0.5,u,,h,,OK,I,Ps,1294215368,TSQoxwAEEbkA,1,0,',
      '1996-08-26 00:22:11 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,m@h,h,.tar.gz,OK,I,PsSf,841036734,RMf0YAABAAEA,4637440,10000,',
      '; ', ';', ',', '|', '\r\n', '\n', '\uFEFF', '\\\\srv\\', '/x;y', '#u2 | ', 'é', '😀', '-1', '1e309', 'NaN',
    ];
    const bytes = fc.array(fc.constantFrom(...fragments), { maxLength: 30 }).map((parts) => Buffer.from(parts.join('')));
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('auto', 'eft', 'ncftpd' as const), async (input, format) => {
        assertRoundTrip(await recordsOf(input, { format, maxLineBytes: 128 }), 'random');
      }),
      { numRuns: 150 },
    );
  });

  it('decodes every schema attribute, unicode, empty strings, empty arrays, large and negative ints, a missing timestamp', () => {
    assertRoundTrip([...sampleBatch().records, parseErrorRecord(), record({ timestamp: 0, observedTimestamp: MAX_TIMESTAMP_MS })], 'sample batch');
  });

  it('keeps an own `__proto__` key as a key, and leaves out inherited ones', () => {
    assertRoundTrip(attributesWithPrototypes().map(({ attributes }) => record({ attributes })), 'prototypes');
  });

  it('decodes random records (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));
    const value = fc.oneof(text, fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(text, { maxLength: 4 }));
    const rec = recordArbitrary(text, value, { maxLength: 20, maxKeys: 8 });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 6 }), (records) => {
        assertRoundTrip(records, 'random');
      }),
      { numRuns: 200 },
    );
  });

  it('keeps int64 values exact and doubles as doubles, NaN and the infinities included', () => {
    const attributes = {
      'x.big': 2 ** 62 + 2 ** 20,
      'x.min': -(2 ** 63),
      'x.neg': -1,
      'x.safe': Number.MAX_SAFE_INTEGER,
      'ftp.transfer.duration': 3, // integral, schema type double
      'ftp.transfer.rate': NaN,
      'x.inf': Infinity,
      'x.ninf': -Infinity,
      'x.tiny': 5e-324,
    };
    for (const protocol of PROTOCOLS) {
      const [got] = decodeRecords(protocol, encode(protocol, [record({ attributes })]));
      assert.deepStrictEqual(got!.attributes, attributes, protocol);
    }
    // -0 survives protobuf, whose double is the IEEE bits; OTLP/JSON writes it as 0.
    const [pb] = decodeRecords('http/protobuf', encode('http/protobuf', [record({ attributes: { 'ftp.transfer.rate': -0 } })]));
    assert.ok(Object.is(pb!.attributes['ftp.transfer.rate'], -0));
  });

  it('keeps an int64 no double equals as its exact decimal string', () => {
    // LogRecord { attributes { key "n" value { int_value 2^53 + 1 } } observed_time_unix_nano 0 }
    const pb = Buffer.from([0x12, 0x19, 0x32, 0x0e, 0x0a, 0x01, 0x6e, 0x12, 0x09, 0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x59, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepStrictEqual(decodeRecordsProtobuf(pb)[0]!.attributes, { n: '9007199254740993' });
    const json = Buffer.from('{"observedTimeUnixNano":"0","attributes":[{"key":"n","value":{"intValue":"9007199254740993"}}]},');
    assert.deepStrictEqual(decodeRecordsJson(json)[0]!.attributes, { n: '9007199254740993' });
  });

  it('skips (protobuf) and ignores (JSON) fields the encoders do not write', () => {
    const r = record({ attributes: allSchemaAttributes() });
    const want = expected(r) as { attributes: Record<string, unknown> };
    want.attributes['v'] = true;
    const entry = Buffer.from(encode('http/protobuf', [r]));
    const extra = Buffer.from([
      // In the LogRecord: flags (8, fixed32), trace_id (9, bytes), field 99 (varint), field 98 (fixed64).
      0x45, 1, 0, 0, 0, 0x4a, 2, 0xab, 0xcd, 0x98, 0x06, 0x96, 0x01, 0x91, 0x06, 1, 2, 3, 4, 5, 6, 7, 8,
      // KeyValue { key "u", field 3, value { bytes_value } }: a value of no kind read here, left out.
      0x32, 0x0b, 0x0a, 0x01, 0x75, 0x1a, 0x00, 0x12, 0x04, 0x3a, 0x02, 0x01, 0x02,
      // KeyValue { key "v", value { kvlist_value {}, bool_value true } }.
      0x32, 0x09, 0x0a, 0x01, 0x76, 0x12, 0x04, 0x32, 0x00, 0x10, 0x01,
    ]);
    const message = Buffer.concat([entry.subarray(entryHead(entry)), extra]);
    const schemaUrl = Buffer.from([0x1a, 0x03, 0x61, 0x62, 0x63]); // ScopeLogs.schema_url between entries
    const run = Buffer.concat([schemaUrl, Buffer.from([0x12]), varint(message.length), message]);
    assert.deepStrictEqual(decodeRecordsProtobuf(run), [want]);

    const json = JSON.parse(Buffer.from(encode('http/json', [r])).toString('utf8').slice(0, -1)) as Record<string, any>;
    Object.assign(json, { flags: 1, traceId: 'abcd', droppedAttributesCount: 3 });
    json['attributes'][0].extra = true;
    json['attributes'].push({ key: 'u', value: { bytesValue: 'AQI=' } }, { key: 'v', value: { kvlistValue: { values: [] }, boolValue: true } });
    assert.deepStrictEqual(decodeRecordsJson(Buffer.from(JSON.stringify(json) + ',')), [want]);
  });

  it('throws ERR_PARSE for bytes that are not what the encoders write', () => {
    const isParse = (e: unknown): boolean => e instanceof FtplogError && e.code === 'ERR_PARSE';
    const entry = encode('http/protobuf', [record()]);
    assert.throws(() => decodeRecordsProtobuf(entry.subarray(0, entry.length - 3)), isParse); // truncated
    assert.throws(() => decodeRecordsProtobuf(Buffer.from([0x12, 0x02, 0x08, 0x01])), isParse); // time_unix_nano as a varint
    assert.throws(() => decodeRecordsProtobuf(Buffer.from([0x12, 0x02, 0x9b, 0x06])), isParse); // a group (field 99)
    assert.throws(() => decodeRecordsProtobuf(Buffer.from([0x12, 0x0b, 0x32, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), isParse); // length varint too long
    assert.throws(() => decodeRecordsJson(Buffer.from('{"body":{"stringValue":"x"}')), isParse);
    assert.throws(() => decodeRecordsJson(Buffer.from('{"severityText":3},')), isParse);
    assert.throws(() => decodeRecordsJson(Buffer.from('{"timeUnixNano":"1.5"},')), isParse);
  });

  it('decodes any range of a run alone, and nothing from no bytes', () => {
    const records = sampleBatch().records;
    for (const protocol of PROTOCOLS) {
      const b = new EncodedRecordsBuilder(protocol, undefined, undefined);
      for (const r of records) b.add(r);
      const run = b.finish();
      for (let from = 0; from < run.count; from++) {
        for (let to = from + 1; to <= run.count; to++) {
          const bytes = run.bytes.subarray(from === 0 ? 0 : run.ends[from - 1], run.ends[to - 1]);
          assert.deepStrictEqual(decodeRecords(protocol, bytes), records.slice(from, to).map(expected));
        }
      }
      assert.deepStrictEqual(decodeRecords(protocol, new Uint8Array(0)), []);
    }
  });
});

/** Bytes of an entry's tag and length prefix. */
function entryHead(entry: Buffer): number {
  let i = 1;
  while (entry[i]! >= 0x80) i++;
  return i + 1;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
