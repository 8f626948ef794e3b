import assert from 'node:assert/strict';
import { encodeLogsProtobuf } from '../../src/otlp/encode-protobuf.js';
import { encodeLogsProtobufEnvelope } from '../../src/otlp/encode-protobuf.js';
import { encodeLogsJson, encodeLogsJsonEnvelope, encodeLogsJsonEnvelopeParts } from '../../src/otlp/encode-json.js';
import { encodeLogsProtobufEnvelopeHead } from '../../src/otlp/encode-protobuf.js';
import {
  EncodedRecordsBuilder,
  isEncodedRecords,
  rangeBytes,
  recordPosition,
  recordStart,
  type OtlpEncoding,
} from '../../src/otlp/encoded.js';
import type { FtpLogRecord } from '../../src/model.js';
import { RESOURCE, SCOPE, parseErrorRecord, record, sampleBatch } from './fixtures.js';

function withPositions(records: readonly FtpLogRecord[]): FtpLogRecord[] {
  return records.map((r, i) => ({ ...r, position: { file: 'cl241118.log', line: i + 1, offset: 100 * (i + 1) } }));
}

function runOf(protocol: OtlpEncoding, records: readonly FtpLogRecord[]) {
  const b = new EncodedRecordsBuilder(protocol, 'eft', 'cl241118.log', 16);
  for (const r of records) b.add(r);
  return b.finish();
}

describe('encoded records', () => {
  const records = withPositions([...sampleBatch().records, parseErrorRecord(), record({ body: 'naïve ☃ 𝄞' })]);

  it('protobuf: the envelope around a run is byte for byte encodeLogsProtobuf of the same records', () => {
    const run = runOf('http/protobuf', records);
    assert.equal(run.count, records.length);
    const body = encodeLogsProtobufEnvelope(RESOURCE, SCOPE, [run.bytes], run.bytes.length);
    assert.deepEqual(Buffer.from(body), Buffer.from(encodeLogsProtobuf({ resource: RESOURCE, scope: SCOPE, records })));
  });

  it('protobuf: any range of a run, and several ranges, encode like those records alone', () => {
    const run = runOf('http/protobuf', records);
    for (let from = 0; from < run.count; from++) {
      for (let to = from + 1; to <= run.count; to++) {
        const part = run.bytes.subarray(recordStart(run, from), run.ends[to - 1]);
        assert.equal(part.length, rangeBytes(run, from, to));
        const expected = encodeLogsProtobuf({ resource: RESOURCE, scope: SCOPE, records: records.slice(from, to) });
        assert.deepEqual(Buffer.from(encodeLogsProtobufEnvelope(RESOURCE, SCOPE, [part], part.length)), Buffer.from(expected));
      }
    }
    const a = run.bytes.subarray(0, run.ends[1]);
    const b = run.bytes.subarray(run.ends[1], run.ends[run.count - 1]);
    const joined = encodeLogsProtobufEnvelope(RESOURCE, SCOPE, [a, b], a.length + b.length);
    assert.deepEqual(Buffer.from(joined), Buffer.from(encodeLogsProtobuf({ resource: RESOURCE, scope: SCOPE, records })));
  });

  it('json: the envelope around a run is the text encodeLogsJson gives', () => {
    const run = runOf('http/json', records);
    const body = encodeLogsJsonEnvelope(RESOURCE, SCOPE, [run.bytes], run.bytes.length);
    assert.equal(body.toString('utf8'), encodeLogsJson({ resource: RESOURCE, scope: SCOPE, records }));
    const one = run.bytes.subarray(recordStart(run, 2), run.ends[2]);
    assert.equal(encodeLogsJsonEnvelope(RESOURCE, SCOPE, [one], one.length).toString('utf8'), encodeLogsJson({ resource: RESOURCE, scope: SCOPE, records: [records[2]!] }));
  });

  it('the envelope pieces, sent one after the other, are the same request', () => {
    const pb = runOf('http/protobuf', records);
    const head = encodeLogsProtobufEnvelopeHead(RESOURCE, SCOPE, pb.bytes.length);
    assert.deepEqual(Buffer.concat([head, pb.bytes]), Buffer.from(encodeLogsProtobuf({ resource: RESOURCE, scope: SCOPE, records })));
    const js = runOf('http/json', records);
    const a = js.bytes.subarray(0, js.ends[2]);
    const b = js.bytes.subarray(js.ends[2], js.ends[js.count - 1]);
    const parts = encodeLogsJsonEnvelopeParts(RESOURCE, SCOPE, [a, b], a.length + b.length);
    assert.equal(parts.length, 4);
    assert.equal(Buffer.concat(parts).toString('utf8'), encodeLogsJson({ resource: RESOURCE, scope: SCOPE, records }));
    assert.throws(() => encodeLogsJsonEnvelopeParts(RESOURCE, SCOPE, [], 0), { code: 'ERR_INVALID_ARGUMENT' });
  });

  it('keeps each record position, 0 standing for none', () => {
    const b = new EncodedRecordsBuilder('http/protobuf', 'eft', undefined);
    b.add({ ...records[0]!, position: { line: 7, offset: 700 } });
    const { position: _p, ...noPosition } = records[1]!;
    b.add(noPosition);
    assert.equal(b.count, 2);
    const run = b.finish();
    assert.equal(b.count, 0);
    assert.equal(b.byteLength, 0);
    assert.ok(isEncodedRecords(run));
    assert.ok(!isEncodedRecords(records[0]));
    assert.deepEqual(recordPosition(run, 0), { line: 7, offset: 700 });
    assert.equal(recordPosition(run, 1), undefined);
    assert.deepEqual(recordPosition(runOf('http/json', records), 3), { file: 'cl241118.log', line: 4, offset: 400 });
  });

  it('a builder grows past its initial size and starts afresh after finish()', () => {
    const b = new EncodedRecordsBuilder('http/protobuf', 'eft', 'cl241118.log', 8);
    for (const r of records) b.add(r);
    const first = b.finish();
    b.add(records[0]!);
    const second = b.finish();
    assert.equal(second.count, 1);
    assert.deepEqual(Buffer.from(second.bytes), Buffer.from(first.bytes.subarray(0, first.ends[0])));
  });
});
