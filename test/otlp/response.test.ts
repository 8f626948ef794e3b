import assert from 'node:assert/strict';
import { decodeRpcStatus, readExportAnswer, refusalMessage, answerEncoding } from '../../src/otlp/response.js';
import { encodeExportResponse, encodeRpcStatus, encodeStatus } from '../../src/receiver/decode.js';

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

describe('export answers', () => {
  it('reads the encoding from the content type', () => {
    assert.equal(answerEncoding('application/x-protobuf'), 'protobuf');
    assert.equal(answerEncoding('application/protobuf'), 'protobuf');
    assert.equal(answerEncoding('Application/JSON; charset=utf-8'), 'json');
    assert.equal(answerEncoding('text/plain'), undefined);
    assert.equal(answerEncoding(undefined), undefined);
  });

  it('reads a partial success in either encoding, by the answer content type', () => {
    const pb = encodeExportResponse('protobuf', { rejected: 3, message: 'bad attribute' });
    assert.deepEqual(readExportAnswer(pb, 'application/x-protobuf', 'protobuf', 10), { rejected: 3, message: 'bad attribute' });
    const js = json({ partialSuccess: { rejectedLogRecords: '4', errorMessage: 'too old' } });
    assert.deepEqual(readExportAnswer(js, 'application/json', 'json', 10), { rejected: 4, message: 'too old' });
  });

  it('reads a JSON answer to a protobuf request, and says so', () => {
    const js = json({ partialSuccess: { rejectedLogRecords: 2, errorMessage: 'x' } });
    assert.deepEqual(readExportAnswer(js, 'application/json', 'protobuf', 10), { rejected: 2, message: 'x', warning: 'the collector answered a protobuf request in json' });
  });

  it('caps a rejected count above the request size, or not a count at all, and warns', () => {
    assert.deepEqual(readExportAnswer(json({ partialSuccess: { rejectedLogRecords: 5_000_000 } }), 'application/json', 'json', 10), {
      rejected: 10,
      message: '',
      warning: 'partial success rejected 5000000 records of a request of 10, counted as 10',
    });
    const huge = Buffer.from('{"partialSuccess":{"rejectedLogRecords":1e400}}');
    assert.deepEqual(readExportAnswer(huge, 'application/json', 'json', 10), {
      rejected: 10,
      message: '',
      warning: 'partial success with a rejected count of Infinity, counted as 10',
    });
    assert.deepEqual(readExportAnswer(json({ partialSuccess: { rejectedLogRecords: -2 } }), 'application/json', 'json', 10), {
      rejected: 0,
      message: '',
      warning: 'partial success with a rejected count of -2, counted as 0',
    });
    assert.deepEqual(readExportAnswer(json({ partialSuccess: { rejectedLogRecords: 'many' } }), 'application/json', 'json', 10), {
      rejected: 0,
      message: '',
      warning: 'partial success with a rejected count of many, counted as 0',
    });
  });

  it('takes an empty or absent body as full success', () => {
    assert.deepEqual(readExportAnswer(Buffer.alloc(0), 'application/x-protobuf', 'protobuf', 10), { rejected: 0, message: '' });
    assert.deepEqual(readExportAnswer(Buffer.alloc(0), undefined, 'json', 10), { rejected: 0, message: '' });
    assert.deepEqual(readExportAnswer(json({}), 'application/json', 'json', 10), { rejected: 0, message: '' });
  });

  it('gives the message of a refusal: a google.rpc.Status in either encoding, or plain text, escaped and bounded', () => {
    assert.equal(refusalMessage(encodeStatus('protobuf', 3, 'invalid attribute value'), 'application/x-protobuf'), 'invalid attribute value');
    assert.equal(refusalMessage(json({ code: 3, message: 'bad "thing"' }), 'application/json'), 'bad "thing"');
    assert.equal(refusalMessage(Buffer.from('line one\nline\u0007two'), 'text/plain'), 'line one line\\x07two');
    assert.equal(refusalMessage(Buffer.alloc(0), 'text/plain'), '');
    assert.equal(refusalMessage(Buffer.from('x'.repeat(500)), undefined), 'x'.repeat(200) + '…');
  });
});

describe('decodeRpcStatus', () => {
  it('reads code, message and the delay of a RetryInfo detail', () => {
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(8, 'slow down', 2500)), { code: 8, message: 'slow down', retryDelayMs: 2500 });
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(14, 'down', 30_000)), { code: 14, message: 'down', retryDelayMs: 30_000 });
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(14, 'down', 250)), { code: 14, message: 'down', retryDelayMs: 250 });
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(3, 'bad')), { code: 3, message: 'bad' });
  });

  it('passes over details of other types', () => {
    // details { type_url: "type.googleapis.com/google.rpc.ErrorInfo", value: "" } after code 14.
    const type = Buffer.from('type.googleapis.com/google.rpc.ErrorInfo');
    const any = Buffer.concat([Buffer.from([0x0a, type.length]), type, Buffer.from([0x12, 0])]);
    const status = Buffer.concat([Buffer.from([0x08, 14, 0x1a, any.length]), any]);
    assert.deepEqual(decodeRpcStatus(status), { code: 14, message: '' });
  });

  it('is undefined for bytes that are not a Status', () => {
    assert.equal(decodeRpcStatus(Buffer.from([0x0a, 0x50, 1, 2])), undefined);
    assert.equal(decodeRpcStatus(Buffer.from([0x08, 0x80])), undefined);
  });
});
