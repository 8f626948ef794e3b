import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { JsonLineWriter } from '../../src/jsonl/json-bytes.js';
import { recordToJsonLine, toJsonRecord } from '../../src/jsonl/record-json.js';
import { logRecords } from '../../src/transforms/log-records.js';
import type { Attributes, FtpLogRecord } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';
import { eftLines } from '../helpers/lines.js';
import { readFileSync } from 'node:fs';
import { sampleBatch, parseErrorRecord, record } from '../otlp/fixtures.js';
import { eftLog, latin1Log, ncftpdLog } from '../parallel/inputs.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

async function recordsOf(bytes: Buffer, file: string, options: { encoding?: 'utf8' | 'latin1'; maxLineBytes?: number } = {}): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  await pipeline(
    Readable.from([bytes]),
    logRecords({ timezone: 'America/Chicago', now: () => NOW, file, ...options }),
    new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (out.push(r), cb()) }),
  );
  return out;
}

function expectedBytes(records: readonly FtpLogRecord[]): Buffer {
  return Buffer.concat(records.map((r) => Buffer.from(recordToJsonLine(r))));
}

/** String pieces that take every path of the writer: plain ASCII (short and long), escapes, controls, surrogates, non-ASCII. */
const SPECIALS = ['"', '\\', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '\u007f', '\u0080', '\u00e9', '\u2028', '\u2029', '\ud800', '\udbff', '\udc00', '\udfff', '😀', 'ファ', '\ufeff', '\uffff', '/'];
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
const text = fc.oneof(
  fc.string({ unit, maxLength: 40 }),
  // Long printable ASCII.
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 20, maxLength: 200 }),
  // Long, with escapes and non-ASCII here and there (written natively, then escaped in place).
  fc.string({ unit, minLength: 25, maxLength: 120 }),
);
const number = fc.oneof(
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.1, 1e21, 1e-7, -1.5, 2 ** 40),
);
const value = fc.oneof(text, number, fc.boolean(), fc.array(text, { maxLength: 4 }), fc.constant(undefined));
const attributes = fc
  .array(fc.tuple(fc.oneof(text, fc.constantFrom('ftp.status.code', 'file.path', '1', '0', '__proto__', 'constructor')), value), { maxLength: 12 })
  .map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o as Attributes;
  });
const time = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }); // years 1..9999
const recordArb: fc.Arbitrary<FtpLogRecord> = fc.record({
  timestamp: fc.option(time, { nil: undefined }),
  observedTimestamp: time,
  severityNumber: fc.oneof(fc.constantFrom(9, 13, 17), number),
  severityText: text,
  eventName: text,
  body: text,
  attributes,
}) as fc.Arbitrary<FtpLogRecord>;

describe('JsonLineWriter', () => {
  it('writes the bytes of recordToJsonLine for every record of the fixtures and generated logs', async () => {
    const records: FtpLogRecord[] = [
      ...(await recordsOf(readFileSync(fixture('eft', 'eft-client-vendor.log')), fixture('eft', 'eft-client-vendor.log'))),
      ...(await recordsOf(readFileSync(fixture('ncftpd', 'ncftpd-xfer-vendor.log')), 'ncftpd-xfer-vendor.log')),
      ...(await recordsOf(readFileSync(fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log')), 'x.log')),
      ...(await recordsOf(eftLog(), 'cl241118.log', { maxLineBytes: 256 })),
      ...(await recordsOf(ncftpdLog(), 'xfer.log', { maxLineBytes: 256 })),
      ...(await recordsOf(latin1Log(), 'cl241119.log', { encoding: 'latin1' })),
      ...sampleBatch().records,
      parseErrorRecord(),
    ];
    assert.ok(records.length > 100, `${records.length} records`);
    const w = new JsonLineWriter();
    for (const r of records) {
      const before = w.length;
      w.write(r);
      assert.equal(w.length - before, Buffer.byteLength(recordToJsonLine(r)));
    }
    const got = w.take();
    assert.deepEqual(got, expectedBytes(records));
    // And one record at a time.
    for (const r of records) {
      w.write(r);
      assert.deepEqual(w.take(), Buffer.from(recordToJsonLine(r)));
    }
  });

  it('property: byte-identical to recordToJsonLine (and JSON.stringify) for arbitrary records', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 256 }), (records, initial) => {
        const w = new JsonLineWriter(initial);
        for (const r of records) w.write(r);
        const got = w.take();
        assert.deepEqual(got, expectedBytes(records));
        assert.equal(got.toString('utf8'), records.map((r) => JSON.stringify(toJsonRecord(r)) + '\n').join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('writes non-finite numbers as null, keeps negative numbers and floats, skips undefined attributes', () => {
    const r = record({
      severityNumber: 9,
      attributes: { a: NaN, b: Infinity, c: -Infinity, d: -42, e: 0.125, f: 1e21, g: undefined as never, h: true, i: false, j: ['x', 'y"z'], k: '' },
    });
    const w = new JsonLineWriter(8);
    w.write(r);
    const line = w.take().toString('utf8');
    assert.equal(line, recordToJsonLine(r));
    assert.ok(line.endsWith(',"attributes":{"a":null,"b":null,"c":null,"d":-42,"e":0.125,"f":1e+21,"h":true,"i":false,"j":["x","y\\"z"],"k":""}}\n'), line);
    const noTime = record({ timestamp: undefined });
    w.write(noTime);
    assert.match(w.take().toString('utf8'), /^\{"timestamp":null,"observedTimestamp":"2026-01-02T03:04:05.678Z",/);
  });

  it('writes numbers of up to three decimals, and every other number, as JSON.stringify does', () => {
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) values.push(i / 1000, 2 ** 31 - 1 - i / 1000, (i * 7919) / 1000 + 0.0005, i / 100 + 0.1 + 0.2);
    values.push(0.097, 332.785, 0.001, 0.1 + 0.2, 2 ** 31 - 0.001, 2 ** 31, 2 ** 31 + 0.5, 1e-7, 5e-324, Number.MAX_VALUE, -0.097, -0);
    const w = new JsonLineWriter();
    for (let i = 0; i < values.length; i += 500) {
      const attributes: Attributes = {};
      values.slice(i, i + 500).forEach((v, j) => (attributes[`n${j}`] = v));
      const r = record({ attributes });
      w.write(r);
      assert.equal(w.take().toString('utf8'), JSON.stringify(toJsonRecord(r)) + '\n');
    }
  });

  it('escapes long strings in place as JSON.stringify does, and arrays of strings element by element', () => {
    const w = new JsonLineWriter(64);
    const specials = ['"', '\\', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u000b', '\u001f', 'é', '€', '😀', '\ud800'];
    for (const c of specials) {
      for (const at of [0, 1, 30, 59]) {
        const body = 'x'.repeat(at) + c + 'y'.repeat(60 - at) + c;
        const r = record({ body, attributes: { 'file.path': body, short: c + c, notes: ['Ps', c, body] } });
        w.write(r);
        assert.equal(w.take().toString('utf8'), JSON.stringify(toJsonRecord(r)) + '\n', JSON.stringify(c));
      }
    }
  });

  it('writes times at the ends of the Date range, before 1970 and past year 9999 as toISOString() does; throws for NaN as it does', () => {
    const w = new JsonLineWriter(32);
    const times = [-8.64e15, -8.64e15 + 61_001, -1, 0, 59_999, 60_000, 86_399_999, 253_402_300_799_999, 253_402_300_800_000, 8.64e15 - 1, 8.64e15, 1.5, -0.5];
    for (const t of times) {
      for (const observed of [t, 1_700_000_000_123]) {
        const r = record({ timestamp: t, observedTimestamp: Number.isInteger(observed) ? observed : 0 });
        w.write(r);
        assert.equal(w.take().toString('utf8'), JSON.stringify(toJsonRecord(r)) + '\n', String(t));
      }
    }
    assert.throws(() => w.write(record({ timestamp: NaN })), RangeError);
    assert.throws(() => w.write(record({ timestamp: 8.64e15 + 1 })), RangeError);
    // Nothing of a record that threw was kept.
    assert.equal(w.length, 0);
    const ok = record({});
    w.write(ok);
    assert.equal(w.take().toString('utf8'), recordToJsonLine(ok));
  });

  it('writes only the own keys of attributes objects with another prototype, as JSON.stringify does', () => {
    const w = new JsonLineWriter();
    const inherited = Object.assign(Object.create({ inherited: 'x' }) as Attributes, { own: 'y' });
    const nullProto = Object.assign(Object.create(null) as Attributes, { a: 1, b: 'z' });
    class Attrs {
      c = 2;
      method(): number {
        return 1;
      }
    }
    for (const attributes of [inherited, nullProto, new Attrs() as unknown as Attributes]) {
      const r = record({ attributes });
      w.write(r);
      assert.equal(w.take().toString('utf8'), JSON.stringify(toJsonRecord(r)) + '\n');
    }
    assert.match(recordToJsonLine(record({ attributes: inherited })), /"attributes":\{"own":"y"\}\}/);
  });

  it('keeps the text before the body apart for each severity of an event name', () => {
    const w = new JsonLineWriter();
    const records: FtpLogRecord[] = [];
    for (let i = 0; i < 300; i++) {
      const [severityNumber, severityText] = ([[9, 'INFO'], [13, 'WARN'], [17, 'ERROR']] as const)[i % 3]!;
      records.push(record({ severityNumber, severityText, eventName: i % 2 === 0 ? 'ftp.download' : 'ftp.upload', observedTimestamp: NOW + (i >> 6) }));
    }
    for (const r of records) w.write(r);
    assert.deepEqual(w.take(), expectedBytes(records));
  });

  it('take() hands over what was written since the last take and starts afresh; taken bytes are never overwritten', () => {
    const w = new JsonLineWriter(16);
    assert.equal(w.length, 0);
    assert.equal(w.take().length, 0);
    const a = record({ body: 'first' });
    const b = record({ body: 'second ☃' });
    w.write(a);
    assert.equal(w.length, Buffer.byteLength(recordToJsonLine(a)));
    const first = w.take();
    assert.equal(w.length, 0);
    w.write(b);
    w.write(b);
    const second = w.take();
    assert.equal(first.toString('utf8'), recordToJsonLine(a));
    assert.equal(second.toString('utf8'), recordToJsonLine(b) + recordToJsonLine(b));
    assert.equal(w.take().length, 0);
    // The taken buffers do not share memory.
    assert.notEqual(first.buffer, second.buffer);
  });

  it('grows its buffer past the initial size, keeping what was written', () => {
    const w = new JsonLineWriter(4);
    const records: FtpLogRecord[] = [];
    for (let i = 0; i < 200; i++) records.push(record({ body: eftLines(1, i).trimEnd() + ' é'.repeat(i % 7), timestamp: Date.UTC(2024, 10, 18, 8, 0, i % 60) }));
    for (const r of records) w.write(r);
    const expected = expectedBytes(records);
    assert.ok(expected.length > 20_000);
    assert.equal(w.length, expected.length);
    assert.deepEqual(w.take(), expected);
    // One record much larger than the buffer at once.
    const big = record({ body: 'x'.repeat(100_000) + '\u0001' + 'ü'.repeat(50_000) });
    w.write(big);
    assert.deepEqual(w.take(), Buffer.from(recordToJsonLine(big)));
  });
});
