import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { PassThrough, Readable } from 'node:stream';
import { startReceiver, sequence, type OtlpReceiver, type RequestContext } from '../../src/receiver/receiver.js';
import { decodeLogsJson, decodeLogsProtobuf, otlpProto } from '../../src/receiver/decode.js';
import { formatNanos, formatRecords, formatSeverityNumber, formatValue, recordToJson } from '../../src/receiver/print.js';
import { receiveCommand } from '../../src/cli/receive.js';
import { encodeLogsProtobuf } from '../../src/otlp/encode-protobuf.js';
import { encodeLogsJson } from '../../src/otlp/encode-json.js';
import type { LogsBatch } from '../../src/otlp/types.js';
import type { FtpLogRecord } from '../../src/model.js';
import { FtplogError } from '../../src/errors.js';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One POST on a fresh connection. */
function post(url: string, body: Uint8Array | string, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

function rec(i: number, over: Partial<FtpLogRecord> = {}): FtpLogRecord {
  return {
    timestamp: 1_731_916_800_000 + i,
    observedTimestamp: 1_767_323_045_678,
    severityNumber: 9,
    severityText: 'INFO',
    eventName: 'ftp.upload',
    body: `line ${i}`,
    attributes: {
      'file.path': `/in/f${i}.csv`,
      'server.port': 21,
      'ftp.transfer.duration': 2,
      'ftp.transfer.notes': ['Ps'],
      'eft.outcome_mismatch': false,
      'ftp.transfer.bytes': 2 ** 60,
    },
    ...over,
  };
}

function batch(n: number, from = 0): LogsBatch {
  return {
    resource: { 'service.name': 'eft-server', 'host.name': 'h1' },
    scope: { name: 'ftplog-otel', version: '0.1.0' },
    records: Array.from({ length: n }, (_, i) => rec(from + i)),
  };
}

function decodeResponse(body: Buffer): Record<string, unknown> {
  const T = otlpProto.ExportLogsServiceResponse;
  return T.toObject(T.decode(body), { longs: String });
}

function decodeStatus(body: Buffer): { code: number; message: string } {
  // google.rpc.Status { int32 code = 1; string message = 2 }
  let i = 0;
  let code = 0;
  let message = '';
  while (i < body.length) {
    const tag = body[i++]!;
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = body[i++]!;
      n |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (tag === 0x08) code = n;
    else if (tag === 0x12) {
      message = body.subarray(i, i + n).toString('utf8');
      i += n;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}

describe('OTLP receiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('listens on 127.0.0.1 on a free port and names its endpoint', () => {
    assert.match(receiver.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(receiver.endpoint, `${receiver.url}/v1/logs`);
    assert.equal(receiver.url, `http://127.0.0.1:${receiver.port}`);
    assert.ok(receiver.port > 0);
  });

  it('takes a protobuf request and answers with an empty ExportLogsServiceResponse', async () => {
    const body = encodeLogsProtobuf(batch(3));
    const res = await post(receiver.endpoint, body, PROTOBUF);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    assert.deepEqual(decodeResponse(res.body), {});
    assert.equal(receiver.records.length, 3);
    const r = receiver.records[0]!;
    assert.deepEqual(r.resource, { 'service.name': 'eft-server', 'host.name': 'h1' });
    assert.deepEqual(r.scope, { name: 'ftplog-otel', version: '0.1.0' });
    assert.equal(r.timeUnixNano, 1_731_916_800_000n * 1_000_000n);
    assert.equal(r.observedTimeUnixNano, 1_767_323_045_678n * 1_000_000n);
    assert.equal(r.severityNumber, 9);
    assert.equal(r.severityText, 'INFO');
    assert.equal(r.eventName, 'ftp.upload');
    assert.equal(r.body, 'line 0');
    assert.equal(r.bodyKind, 'string');
    assert.deepEqual(r.attributes, {
      'file.path': '/in/f0.csv',
      'server.port': 21,
      'ftp.transfer.duration': 2,
      'ftp.transfer.notes': ['Ps'],
      'eft.outcome_mismatch': false,
      'ftp.transfer.bytes': 2n ** 60n,
    });
    assert.deepEqual(r.attributeKinds, {
      'file.path': 'string',
      'server.port': 'int',
      'ftp.transfer.duration': 'double',
      'ftp.transfer.notes': 'array',
      'eft.outcome_mismatch': 'bool',
      'ftp.transfer.bytes': 'int',
    });
    assert.equal(r.requestIndex, 0);
    assert.deepEqual(
      { ...receiver.requests[0]!, headers: undefined, receivedAt: undefined },
      {
        index: 0,
        method: 'POST',
        path: '/v1/logs',
        contentType: 'application/x-protobuf',
        encoding: 'protobuf',
        contentEncoding: 'identity',
        bytes: body.length,
        decodedBytes: body.length,
        recordCount: 3,
        status: 200,
        accepted: true,
        completed: true,
        headers: undefined,
        receivedAt: undefined,
      },
    );
  });

  it('takes a JSON request and answers {}', async () => {
    const res = await post(receiver.endpoint, encodeLogsJson(batch(2)), { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body.toString()), {});
    assert.equal(receiver.records.length, 2);
    assert.equal(receiver.records[1]!.body, 'line 1');
    assert.equal(receiver.records[1]!.attributeKinds['ftp.transfer.duration'], 'double');
    assert.equal(receiver.requests[0]!.encoding, 'json');
  });

  for (const [name, compress] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`takes ${name} bodies, protobuf and JSON`, async () => {
      const pb = encodeLogsProtobuf(batch(4));
      const js = encodeLogsJson(batch(5, 4));
      assert.equal((await post(receiver.endpoint, compress(pb), { ...PROTOBUF, 'content-encoding': name })).status, 200);
      assert.equal((await post(receiver.endpoint, compress(Buffer.from(js)), { ...JSON_TYPE, 'content-encoding': name })).status, 200);
      assert.deepEqual(
        receiver.records.map((r) => r.body),
        Array.from({ length: 9 }, (_, i) => `line ${i}`),
      );
      assert.equal(receiver.requests[0]!.contentEncoding, name);
      assert.equal(receiver.requests[0]!.decodedBytes, pb.length);
      assert.ok(receiver.requests[0]!.bytes !== pb.length);
    });
  }

  it('refuses what a collector refuses, with the same status codes', async () => {
    const pb = encodeLogsProtobuf(batch(1));
    const cases: [string, () => Promise<Answer>, number][] = [
      ['other path', () => post(receiver.url + '/v1/traces', pb, PROTOBUF), 404],
      ['GET', () => post(receiver.endpoint, '', {}, 'GET'), 405],
      ['PUT', () => post(receiver.endpoint, pb, PROTOBUF, 'PUT'), 405],
      ['text/plain', () => post(receiver.endpoint, pb, { 'content-type': 'text/plain' }), 415],
      ['no content type', () => post(receiver.endpoint, pb), 415],
      ['garbage protobuf', () => post(receiver.endpoint, Buffer.from([0x0a, 0xff, 0xff, 0x01]), PROTOBUF), 400],
      ['bad wire type', () => post(receiver.endpoint, Buffer.from([0x0f, 0x01]), PROTOBUF), 400],
      ['bad JSON', () => post(receiver.endpoint, '{"resourceLogs": [', JSON_TYPE), 400],
      ['JSON of the wrong shape', () => post(receiver.endpoint, '{"resourceLogs": {"x": 1}}', JSON_TYPE), 400],
      ['bad gzip', () => post(receiver.endpoint, pb, { ...PROTOBUF, 'content-encoding': 'gzip' }), 400],
      ['unknown encoding', () => post(receiver.endpoint, pb, { ...PROTOBUF, 'content-encoding': 'lzma' }), 400],
    ];
    for (const [name, send, status] of cases) {
      const res = await send();
      assert.equal(res.status, status, name);
    }
    assert.equal(receiver.records.length, 0);
    assert.equal(receiver.requests.length, cases.length);
    assert.ok(receiver.requests.every((q) => q.error !== undefined && !q.accepted));
    const badProto = await post(receiver.endpoint, Buffer.from([0x0a, 0xff]), PROTOBUF);
    assert.equal(badProto.headers['content-type'], 'application/x-protobuf');
    assert.equal(decodeStatus(badProto.body).code, 3);
    const badJson = await post(receiver.endpoint, 'nope', JSON_TYPE);
    assert.equal(JSON.parse(badJson.body.toString()).code, 3);
    assert.equal((await post(receiver.endpoint, '', {}, 'GET')).headers['allow'], 'POST');
  });

  it('refuses bodies over maxBodyBytes with 413, compressed or decompressed', async () => {
    await receiver.close();
    receiver = await startReceiver({ maxBodyBytes: 10_000 });
    const small = encodeLogsProtobuf(batch(2));
    const big = encodeLogsProtobuf({ ...batch(1), records: [rec(0, { body: 'x'.repeat(20_000) })] });
    assert.equal((await post(receiver.endpoint, small, PROTOBUF)).status, 200);
    assert.equal((await post(receiver.endpoint, big, PROTOBUF)).status, 413);
    const bomb = gzipSync(big);
    assert.ok(bomb.length < 10_000);
    assert.equal((await post(receiver.endpoint, bomb, { ...PROTOBUF, 'content-encoding': 'gzip' })).status, 413);
    assert.equal(receiver.records.length, 2);
  });

  describe('behaviors', () => {
    it('answers an injected status with a Status body and Retry-After, without storing', async () => {
      receiver.setBehavior({ status: 503, retryAfter: '7' });
      const res = await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF);
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '7');
      assert.equal(decodeStatus(res.body).code, 14);
      receiver.setBehavior({ status: 429 });
      const json = await post(receiver.endpoint, encodeLogsJson(batch(2)), JSON_TYPE);
      assert.equal(json.status, 429);
      assert.equal(json.headers['retry-after'], undefined);
      assert.equal(JSON.parse(json.body.toString()).code, 8);
      assert.equal(receiver.records.length, 0);
      assert.deepEqual(receiver.requests.map((q) => [q.status, q.accepted, q.recordCount]), [[503, false, 2], [429, false, 2]]);
    });

    it('answers partial success in the request encoding', async () => {
      receiver.setBehavior({ partialSuccess: { rejected: 3, message: 'bad attribute' } });
      const pb = await post(receiver.endpoint, encodeLogsProtobuf(batch(5)), PROTOBUF);
      assert.equal(pb.status, 200);
      assert.deepEqual(decodeResponse(pb.body), { partialSuccess: { rejectedLogRecords: '3', errorMessage: 'bad attribute' } });
      const js = await post(receiver.endpoint, encodeLogsJson(batch(5)), JSON_TYPE);
      assert.deepEqual(JSON.parse(js.body.toString()), { partialSuccess: { rejectedLogRecords: '3', errorMessage: 'bad attribute' } });
      assert.equal(receiver.records.length, 10);
    });

    it('delays the answer', async () => {
      receiver.setBehavior({ delayMs: 120 });
      const start = Date.now();
      assert.equal((await post(receiver.endpoint, encodeLogsProtobuf(batch(1)), PROTOBUF)).status, 200);
      assert.ok(Date.now() - start >= 110, `answered after ${Date.now() - start} ms`);
    });

    it('drops the connection without answering, storing the records only when told to', async () => {
      receiver.setBehavior({ destroySocket: true });
      await assert.rejects(post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF), /socket hang up|ECONNRESET/);
      assert.equal(receiver.records.length, 0);
      receiver.setBehavior({ destroySocket: true, accept: true });
      await assert.rejects(post(receiver.endpoint, encodeLogsProtobuf(batch(3)), PROTOBUF), /socket hang up|ECONNRESET/);
      assert.equal(receiver.records.length, 3);
      await receiver.waitForRequests(2);
      assert.deepEqual(receiver.requests.map((q) => [q.status, q.accepted]), [[undefined, false], [undefined, true]]);
    });

    it('can refuse to store a 2xx request, and store a failed one', async () => {
      receiver.setBehavior({ accept: false });
      assert.equal((await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF)).status, 200);
      receiver.setBehavior({ status: 500, accept: true });
      assert.equal((await post(receiver.endpoint, encodeLogsProtobuf(batch(3)), PROTOBUF)).status, 500);
      assert.equal(receiver.records.length, 3);
    });

    it('asks a behavior function per request, and scripts sequences', async () => {
      const seen: RequestContext[] = [];
      receiver.setBehavior((ctx) => {
        seen.push(ctx);
        return ctx.recordCount > 2 ? { status: 400 } : {};
      });
      assert.equal((await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF)).status, 200);
      assert.equal((await post(receiver.endpoint, encodeLogsJson(batch(3)), JSON_TYPE)).status, 400);
      assert.deepEqual(seen.map((c) => [c.requestIndex, c.recordCount, c.encoding, c.records.length]), [[0, 2, 'protobuf', 2], [1, 3, 'json', 3]]);

      receiver.setBehavior(sequence([{ status: 503 }, { status: 429 }], { status: 202 }));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(receiver.endpoint, encodeLogsProtobuf(batch(1)), PROTOBUF)).status);
      assert.deepEqual(statuses, [503, 429, 202, 202]);
    });
  });

  describe('waiting', () => {
    it('waitForRecords resolves once enough records arrived', async () => {
      const waiting = receiver.waitForRecords(5, 2000);
      await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF);
      await post(receiver.endpoint, encodeLogsProtobuf(batch(3, 2)), PROTOBUF);
      const records = await waiting;
      assert.deepEqual(records.map((r) => r.body), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
      assert.equal((await receiver.waitForRecords(1)).length, 5, 'resolves at once when already there');
    });

    it('waitForRecords rejects with ERR_EXPORT_TIMEOUT, and close() rejects pending waits with ERR_SHUTDOWN', async () => {
      await assert.rejects(receiver.waitForRecords(1, 50), (e: unknown) => e instanceof FtplogError && e.code === 'ERR_EXPORT_TIMEOUT');
      const pending = receiver.waitForRecords(1, 10_000);
      await receiver.close();
      await assert.rejects(pending, (e: unknown) => e instanceof FtplogError && e.code === 'ERR_SHUTDOWN');
    });

    it("emits 'records' and 'request'", async () => {
      const events: string[] = [];
      receiver.on('records', (records, q) => events.push(`records ${records.length} #${q.index}`));
      receiver.on('request', (q) => events.push(`request ${q.status}`));
      await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF);
      await post(receiver.url + '/nope', '', PROTOBUF);
      await receiver.waitForRequests(2);
      assert.deepEqual(events, ['records 2 #0', 'request 200', 'request 404']);
    });
  });

  describe('lifecycle', () => {
    it('stops and restarts on the same port, keeping what it received', async () => {
      const port = receiver.port;
      await post(receiver.endpoint, encodeLogsProtobuf(batch(1)), PROTOBUF);
      await receiver.stop();
      assert.equal(receiver.listening, false);
      await assert.rejects(post(receiver.endpoint, encodeLogsProtobuf(batch(1)), PROTOBUF), /ECONNREFUSED/);
      await receiver.restart();
      assert.equal(receiver.listening, true);
      assert.equal(receiver.port, port);
      await post(receiver.endpoint, encodeLogsProtobuf(batch(1, 1)), PROTOBUF);
      assert.deepEqual(receiver.records.map((r) => r.body), ['line 0', 'line 1']);
    });

    it('stop() drops requests waiting on a delay', async () => {
      receiver.setBehavior({ delayMs: 5000 });
      const pending = post(receiver.endpoint, encodeLogsProtobuf(batch(1)), PROTOBUF);
      // Arrived (and so waiting on its delay, or about to): then stop.
      for (let i = 0; i < 500 && receiver.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await receiver.stop();
      await assert.rejects(pending, /socket hang up|ECONNRESET/);
      await receiver.waitForRequests(1);
      assert.equal(receiver.records.length, 0);
      assert.equal(receiver.requests[0]!.status, undefined);
    });

    it('close() destroys open keep-alive connections, and is safe to call twice', async () => {
      const socketClosed = new Promise<void>((resolve, reject) => {
        const req = request(receiver.endpoint, { method: 'POST', headers: { ...PROTOBUF, connection: 'keep-alive' } }, (res) => {
          res.resume();
          res.on('end', () => req.socket?.once('close', () => resolve()));
        });
        req.on('error', reject);
        req.end(encodeLogsProtobuf(batch(1)));
      });
      await receiver.waitForRequests(1);
      await Promise.all([receiver.close(), receiver.close()]);
      await socketClosed;
      await assert.rejects(receiver.restart(), (e: unknown) => e instanceof FtplogError && e.code === 'ERR_SHUTDOWN');
    });

    it('validates its options', async () => {
      for (const bad of [{ port: -1 }, { port: 70000 }, { port: 1.5 }, { host: '' }, { maxBodyBytes: 0 }, { path: '' }, { path: 'v1/logs' }, { path: '/v1/logs?x=1' }]) {
        await assert.rejects(startReceiver(bad), (e: unknown) => e instanceof FtplogError && e.code === 'ERR_INVALID_OPTION', JSON.stringify(bad));
      }
    });

    it("serves another path, such as Loki's /otlp/v1/logs, and only that one", async () => {
      await receiver.close();
      receiver = await startReceiver({ path: '/otlp/v1/logs' });
      assert.equal(receiver.endpoint, `${receiver.url}/otlp/v1/logs`);
      assert.equal((await post(receiver.endpoint, encodeLogsProtobuf(batch(2)), PROTOBUF)).status, 200);
      assert.equal((await post(`${receiver.url}/v1/logs`, encodeLogsProtobuf(batch(3)), PROTOBUF)).status, 404);
      assert.equal(receiver.records.length, 2);
      assert.deepEqual(
        receiver.requests.map((r) => [r.path, r.status]),
        [
          ['/otlp/v1/logs', 200],
          ['/v1/logs', 404],
        ],
      );
    });

    it('keeps nothing with retain off, but counts', async () => {
      await receiver.close();
      receiver = await startReceiver({ retain: false });
      await post(receiver.endpoint, encodeLogsProtobuf(batch(4)), PROTOBUF);
      assert.equal(receiver.records.length, 0);
      assert.equal(receiver.requests.length, 0);
      assert.deepEqual(receiver.totals, { requests: 1, records: 4, acceptedRecords: 4 });
      await receiver.waitForRecords(4);
    });
  });

  describe('with the OpenTelemetry SDK exporters', () => {
    for (const [name, Exporter, encoding] of [
      ['exporter-logs-otlp-proto', ProtoExporter, 'protobuf'],
      ['exporter-logs-otlp-http', JsonExporter, 'json'],
    ] as const) {
      it(`decodes what ${name} sends`, async () => {
        const provider = new LoggerProvider({
          resource: resourceFromAttributes({ 'service.name': 'sdk-test' }),
          processors: [new SimpleLogRecordProcessor({ exporter: new Exporter({ url: receiver.endpoint }) })],
        });
        provider.getLogger('scope-a', '9.9').emit({
          timestamp: 1_731_916_800_123,
          severityNumber: 13,
          severityText: 'WARN',
          eventName: 'ftp.rename',
          body: 'hello',
          attributes: { 'server.port': 21, 'ftp.transfer.rate': 1.5, ok: true, tags: ['a', 'b'] },
        });
        await provider.forceFlush();
        await provider.shutdown();
        const [r] = await receiver.waitForRecords(1);
        assert.equal(receiver.requests[0]!.encoding, encoding);
        assert.deepEqual(r!.resource, { 'service.name': 'sdk-test' });
        assert.deepEqual(r!.scope, { name: 'scope-a', version: '9.9' });
        assert.equal(r!.timeUnixNano, 1_731_916_800_123_000_000n);
        assert.equal(r!.severityNumber, 13);
        assert.equal(r!.eventName, 'ftp.rename');
        assert.equal(r!.body, 'hello');
        assert.deepEqual(r!.attributes, { 'server.port': 21, 'ftp.transfer.rate': 1.5, ok: true, tags: ['a', 'b'] });
        assert.deepEqual(r!.attributeKinds, { 'server.port': 'int', 'ftp.transfer.rate': 'double', ok: 'bool', tags: 'array' });
      });
    }
  });
});

describe('OTLP request decoding', () => {
  it('reads OTLP/JSON the way a collector does: snake_case, numbers for 64-bit values, enum names, hex ids', () => {
    const text = JSON.stringify({
      resource_logs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'x' } }] },
          scope_logs: [
            {
              scope: { name: 's' },
              log_records: [
                {
                  time_unix_nano: 1000,
                  severity_number: 'SEVERITY_NUMBER_WARN',
                  trace_id: '5b8efff798038103d269b633813fc60c',
                  span_id: 'eee19b7ec3c1b174',
                  flags: 1,
                  body: { kvlist_value: { values: [{ key: 'k', value: { int_value: '-5' } }] } },
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'bytes', value: { bytesValue: 'AQID' } },
                    { key: 'empty', value: {} },
                    { key: 'inf', value: { doubleValue: 'Infinity' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [r] = decodeLogsJson(text);
    assert.deepEqual(r!.resource, { 'service.name': 'x' });
    assert.equal(r!.timeUnixNano, 1000n);
    assert.equal(r!.severityNumber, 13);
    assert.equal(r!.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(r!.spanId, 'eee19b7ec3c1b174');
    assert.equal(r!.flags, 1);
    assert.deepEqual(r!.body, { k: -5 });
    assert.equal(r!.bodyKind, 'kvlist');
    assert.equal(r!.attributes['big'], 9007199254740993n);
    assert.deepEqual(r!.attributes['bytes'], Buffer.from([1, 2, 3]));
    assert.equal(r!.attributes['empty'], undefined);
    assert.equal(r!.attributes['inf'], Infinity);
    assert.deepEqual(r!.attributeKinds, { big: 'int', bytes: 'bytes', empty: 'empty', inf: 'double' });
  });

  it('reads protobuf fields the encoders do not write: trace context, kvlist and bytes values', () => {
    const T = otlpProto.ExportLogsServiceRequest;
    const bytes = T.encode(
      T.fromObject({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  {
                    traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                    spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                    flags: 1,
                    droppedAttributesCount: 2,
                    body: { bytesValue: Buffer.from([9]) },
                    attributes: [{ key: 'm', value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } } }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const [r] = decodeLogsProtobuf(bytes);
    assert.equal(r!.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(r!.spanId, 'eee19b7ec3c1b174');
    assert.equal(r!.flags, 1);
    assert.equal(r!.droppedAttributesCount, 2);
    assert.deepEqual(Buffer.from(r!.body as Uint8Array), Buffer.from([9]));
    assert.deepEqual(r!.attributes, { m: { a: true } });
    assert.equal(r!.timeUnixNano, 0n);
    assert.deepEqual(r!.scope, { name: '', version: '' });
  });
});

describe('receive output', () => {
  it('prints records in the layout of the collector debug exporter', () => {
    const records = decodeLogsProtobuf(encodeLogsProtobuf({ ...batch(2), records: [rec(0), rec(1, { timestamp: undefined, severityNumber: 17, severityText: 'ERROR' })] }));
    const text = formatRecords(records);
    assert.equal(
      text.split('\n').slice(0, 24).join('\n'),
      [
        'ResourceLog #0',
        'Resource attributes:',
        '     -> service.name: Str(eft-server)',
        '     -> host.name: Str(h1)',
        'ScopeLogs #0',
        'InstrumentationScope ftplog-otel 0.1.0',
        'LogRecord #0',
        'ObservedTimestamp: 2026-01-02 03:04:05.678 +0000 UTC',
        'Timestamp: 2024-11-18 08:00:00 +0000 UTC',
        'SeverityText: INFO',
        'SeverityNumber: Info(9)',
        'EventName: ftp.upload',
        'Body: Str(line 0)',
        'Attributes:',
        '     -> file.path: Str(/in/f0.csv)',
        '     -> server.port: Int(21)',
        '     -> ftp.transfer.duration: Double(2)',
        '     -> ftp.transfer.notes: Slice(["Ps"])',
        '     -> eft.outcome_mismatch: Bool(false)',
        `     -> ftp.transfer.bytes: Int(${2n ** 60n})`,
        'Trace ID: ',
        'Span ID: ',
        'Flags: 0',
        'LogRecord #1',
      ].join('\n'),
    );
    assert.match(text, /Timestamp: 1970-01-01 00:00:00 \+0000 UTC\nSeverityText: ERROR\nSeverityNumber: Error\(17\)/);
    assert.equal(formatNanos(1_000_000_001n), '1970-01-01 00:00:01.000000001 +0000 UTC');
    assert.equal(formatSeverityNumber(14), 'Warn2(14)');
    assert.equal(formatValue(undefined, 'empty'), 'Empty()');
    const json = JSON.parse(recordToJson(records[0]!)) as Record<string, unknown>;
    assert.equal(json['timeUnixNano'], '1731916800000000000');
    assert.deepEqual((json['attributes'] as Record<string, unknown>)['ftp.transfer.bytes'], String(2n ** 60n));
  });
});

describe('ftplog-otel receive', () => {
  function io(signal: AbortSignal) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => err.push(c.toString()));
    return { io: { stdin: Readable.from([]), stdout, stderr, env: {}, signal }, out, err };
  }

  async function until(check: () => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('prints --help and refuses bad options with exit code 2 and one line', async () => {
    const h = io(new AbortController().signal);
    assert.equal(await receiveCommand.run(['--help'], h.io), 0);
    assert.match(h.out.join(''), /^Usage: ftplog-otel receive/);
    for (const args of [['--bogus'], ['--port', 'abc'], ['--port', '70000'], ['--quiet', '--json'], ['extra']]) {
      const t = io(new AbortController().signal);
      assert.equal(await receiveCommand.run(args, t.io), 2, args.join(' '));
      assert.equal(t.err.join('').trimEnd().split('\n').length, 1, args.join(' '));
      assert.match(t.err.join(''), /^ftplog-otel receive: /);
    }
  });

  for (const mode of ['--json', 'detailed', '--quiet'] as const) {
    it(`receives until aborted and prints what arrives (${mode})`, async () => {
      const ac = new AbortController();
      const t = io(ac.signal);
      const running = receiveCommand.run(['--port', '0', ...(mode === 'detailed' ? [] : [mode])], t.io);
      let endpoint = '';
      try {
        await until(() => /listening on (http:\S+)/.test(t.err.join('')));
        endpoint = /listening on (http:\S+)/.exec(t.err.join(''))![1]!;
        assert.equal((await post(endpoint, encodeLogsProtobuf(batch(3)), PROTOBUF)).status, 200);
        assert.equal((await post(endpoint, 'x', { 'content-type': 'text/plain' })).status, 415);
        if (mode === '--json') {
          await until(() => t.out.join('').split('\n').length > 3);
          const lines = t.out.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
          assert.deepEqual(lines.map((l) => l['body']), ['line 0', 'line 1', 'line 2']);
        } else if (mode === 'detailed') {
          await until(() => t.out.join('').includes('LogRecord #2'));
          assert.match(t.out.join(''), /^#0 POST \/v1\/logs application\/x-protobuf \d+ B → 200, 3 log records\nResourceLog #0/);
        } else {
          // One line per second with traffic; the two requests may fall in two seconds.
          await until(() => /, 3 in total\n/.test(t.out.join('')), 4000);
          assert.match(t.out.join(''), /^\S+Z \d+ log records\/s \(\d requests?\), \d in total\n/);
        }
      } finally {
        ac.abort();
        assert.equal(await running, 0);
      }
      assert.match(t.err.join(''), /415/);
      assert.match(t.err.join(''), /received 3 log records in 2 requests\n$/);
      // The port is released.
      await assert.rejects(post(endpoint, '', PROTOBUF), /ECONNREFUSED/);
    });
  }

  it('fails with exit code 1 when the port is taken', async () => {
    const other = await startReceiver();
    try {
      const t = io(new AbortController().signal);
      assert.equal(await receiveCommand.run(['--port', String(other.port)], t.io), 1);
      assert.match(t.err.join(''), /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      await other.close();
    }
  });
});
