import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { grpcTarget, resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';
import { otlpSink, type OtlpSinkOptions } from '../../../src/sinks/otlp/sink.js';
import { logRecords } from '../../../src/transforms/log-records.js';
import { sequence, startReceiver, type OtlpReceiver } from '../../../src/receiver/receiver.js';
import { decodeLogsProtobuf } from '../../../src/receiver/decode.js';
import { eftLines } from '../../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

function records(n: number): Readable {
  return Readable.from([Buffer.from(eftLines(n))]).pipe(logRecords({ timezone: 'UTC', file: 'cl241118.log', now: () => NOW }));
}

function paths(r: OtlpReceiver): string[] {
  return r.records.map((x) => x.attributes['file.path'] as string).sort();
}

function expectedPaths(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `/in/f${i}.csv`).sort();
}

describe('otlpSink over OTLP/gRPC', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver({ grpc: true });
    dir = mkdtempSync(join(tmpdir(), 'ftplog-grpc-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sink(over: Partial<OtlpSinkOptions> & { compression?: string; headers?: string[]; endpoint?: string } = {}) {
    const { compression, headers, endpoint, ...rest } = over;
    return otlpSink({
      config: resolveOtlpConfig({ endpoint: endpoint ?? receiver.url, protocol: 'grpc', ...(compression ? { compression } : {}), ...(headers ? { headers } : {}), timeoutMs: 2000 }, {}),
      resource: { 'service.name': 'eft-server', 'host.name': 'test-host' },
      backoff: { initialMs: 20, maxMs: 200 },
      random: () => 0.5,
      deadLetter: join(dir, 'dead.jsonl'),
      ...rest,
    });
  }

  it('delivers N lines as exactly N records in unary LogsService/Export calls, with the headers as metadata', async () => {
    const n = 3000;
    const s = sink({ maxBatchRecords: 512, headers: ['x-scope-orgid=tenant-1'] });
    await pipeline(records(n), s);
    assert.deepEqual(paths(receiver), expectedPaths(n));
    assert.equal(s.stats.accepted, n);
    assert.equal(s.stats.requests, Math.ceil(n / 512));
    assert.equal(receiver.requests.length, Math.ceil(n / 512));
    for (const req of receiver.requests) {
      assert.equal(req.path, '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
      assert.equal(req.headers['x-scope-orgid'], 'tenant-1');
      assert.match(String(req.headers['user-agent']), /^ftplog-otel grpc-node-js\//);
    }
    const first = receiver.records.find((x) => x.attributes['file.path'] === '/in/f0.csv')!;
    assert.equal(first.resource['service.name'], 'eft-server');
    assert.equal(first.scope.name, 'ftplog-otel');
    assert.equal(first.eventName, 'ftp.upload');
    assert.equal(s.acknowledged.records, n);
  });

  it('retries the retryable codes and follows the RetryInfo a collector attaches, losing nothing', async () => {
    // UNAVAILABLE; RESOURCE_EXHAUSTED with a RetryInfo of 1 s; DEADLINE_EXCEEDED, ABORTED, CANCELLED by the server.
    receiver.setBehavior(sequence([{ status: 503 }, { status: 429, retryAfter: '1' }, { grpcCode: 4, status: 504 }, { grpcCode: 10, status: 409 }, { grpcCode: 1, status: 499 }]));
    // One batch, so that every retry is its own.
    const s = sink({ maxBatchRecords: 100 });
    const retries: { reason: string; delayMs: number }[] = [];
    s.on('retry', (i: { reason: string; delayMs: number }) => retries.push({ reason: i.reason, delayMs: i.delayMs }));
    await pipeline(records(100), s);
    assert.deepEqual(paths(receiver), expectedPaths(100));
    assert.equal(s.stats.accepted, 100);
    assert.equal(s.stats.deadLettered, 0);
    assert.deepEqual(
      retries.map((r) => r.reason),
      [
        'gRPC UNAVAILABLE (14): injected status 503',
        'gRPC RESOURCE_EXHAUSTED (8): injected status 429',
        'gRPC DEADLINE_EXCEEDED (4): injected status 504',
        'gRPC ABORTED (10): injected status 409',
        'gRPC CANCELLED (1): injected status 499',
      ],
    );
    // Backoff with random() = 0.5: 3/4 of 20, 40, 80, 160, 200 ms; the
    // RetryInfo's 1 s wins over the second, cut to 4 × the 200 ms cap.
    assert.deepEqual(
      retries.map((r) => r.delayMs),
      [15, 800, 60, 120, 150],
    );
  });

  it('dead-letters what the specification says not to retry: INVALID_ARGUMENT, and RESOURCE_EXHAUSTED without a RetryInfo', async () => {
    receiver.setBehavior(sequence([{}, { status: 400 }, { status: 429 }]));
    const s = sink({ maxBatchRecords: 100, maxInFlight: 1 });
    await pipeline(records(400), s);
    assert.equal(s.stats.accepted, 200);
    assert.equal(s.stats.deadLettered, 200);
    assert.equal(s.stats.retries, 0);
    assert.deepEqual(s.stats.deadLetterReasons, { 'gRPC INVALID_ARGUMENT (3): injected status 400': 100, 'gRPC RESOURCE_EXHAUSTED (8): injected status 429': 100 });
    const lines = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(lines.length, 200);
    // No HTTP status: the reason names the gRPC code.
    assert.equal('status' in lines[0]!, false);
    assert.equal(lines[0]!['endpoint'], `${receiver.url}/`);
    assert.deepEqual(lines.map((l) => l['record']['attributes']['file.path']), Array.from({ length: 200 }, (_, k) => `/in/f${100 + k}.csv`));
    assert.equal(s.acknowledged.records, 400);
  });

  it('counts records rejected in a partial-success answer', async () => {
    receiver.setBehavior(sequence([{}, { partialSuccess: { rejected: 3, message: 'bad attribute' } }]));
    const s = sink({ maxBatchRecords: 10, maxInFlight: 1 });
    await pipeline(records(30), s);
    assert.equal(s.stats.rejected, 3);
    assert.deepEqual(s.stats.partialMessages, ['bad attribute']);
    assert.equal(s.stats.accepted, 27);
  });

  it('splits a batch whose message is larger than the collector accepts (RESOURCE_EXHAUSTED "larger than max")', async () => {
    await receiver.close();
    receiver = await startReceiver({ grpc: true, maxBodyBytes: 40_000 });
    const s = sink({ maxBatchRecords: 500 });
    await pipeline(records(1000), s);
    assert.deepEqual(paths(receiver), expectedPaths(1000));
    assert.ok(s.stats.splits >= 2, `splits ${s.stats.splits}`);
    assert.equal(s.stats.deadLettered, 0);
  });

  it('waits for a collector that is down, then delivers everything once', async () => {
    await receiver.stop();
    const s = sink({ maxBatchRecords: 200, maxQueueRecords: 600 });
    const done = pipeline(records(2000), s);
    for (let i = 0; i < 1000 && !(s.stats.retries >= 2 && s.stats.queuedRecords === 600); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(receiver.records.length, 0);
    assert.equal(s.stats.queuedRecords, 600);
    assert.match(s.stats.lastError ?? '', /^gRPC UNAVAILABLE \(14\): /);
    await receiver.restart();
    await done;
    assert.deepEqual(paths(receiver), expectedPaths(2000));
    assert.equal(s.stats.accepted, 2000);
  });

  it('aborts a call past its deadline and retries it', async () => {
    receiver.setBehavior(sequence([{ delayMs: 1500 }]));
    const s2 = otlpSink({
      config: resolveOtlpConfig({ endpoint: receiver.url, protocol: 'grpc', timeoutMs: 300 }, {}),
      resource: { 'service.name': 'eft-server' },
      backoff: { initialMs: 20, maxMs: 200 },
      deadLetter: join(dir, 'dead.jsonl'),
    });
    const reasons: string[] = [];
    s2.on('retry', (i: { reason: string }) => reasons.push(i.reason));
    await pipeline(records(100), s2);
    assert.equal(s2.stats.accepted, 100);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /^gRPC DEADLINE_EXCEEDED \(4\): Deadline exceeded after \d+\.\d+s/);
    // The first call's records reached the receiver too, after the client gave up on it.
    assert.deepEqual(paths(receiver).length, 100 + 100 * Number(receiver.requests[0]!.accepted));
  });
});

describe('OTLP/gRPC compression', () => {
  it('sends gzip messages: grpc-encoding gzip and the compressed flag set on the message', async () => {
    // A bare HTTP/2 server records what arrives on the wire, below gRPC.
    const server = http2.createServer();
    const seen: { encoding: unknown; flag: number; records: number }[] = [];
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        const flag = body[0]!;
        const message = body.subarray(5, 5 + body.readUInt32BE(1));
        seen.push({ encoding: headers['grpc-encoding'], flag, records: decodeLogsProtobuf(flag === 1 ? gunzipSync(message) : message, 0).length });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        // An empty ExportLogsServiceResponse: not compressed, length 0.
        stream.end(Buffer.alloc(5));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-grpc-gzip-'));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const s = otlpSink({
        config: resolveOtlpConfig({ endpoint, protocol: 'grpc', compression: 'gzip' }, {}),
        resource: { 'service.name': 'eft-server' },
        deadLetter: join(dir, 'dead.jsonl'),
        maxBatchRecords: 100,
      });
      await pipeline(records(250), s);
      assert.equal(s.stats.accepted, 250);
      assert.deepEqual(seen.map((x) => [x.encoding, x.flag, x.records]).sort(), [
        ['gzip', 1, 100],
        ['gzip', 1, 100],
        ['gzip', 1, 50],
      ]);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('targets host:port with the port as written, 4317 when none is', () => {
    const target = (text: string) => resolveOtlpConfig({ protocol: 'grpc', endpoint: text }, {}).grpcTarget;
    assert.equal(target('http://collector.example'), 'collector.example:4317');
    assert.equal(target('http://collector.example/'), 'collector.example:4317');
    assert.equal(target('https://collector.example:443'), 'collector.example:443');
    assert.equal(target('http://user:pw@collector.example:80/'), 'collector.example:80');
    assert.equal(target('https://collector.example:8443'), 'collector.example:8443');
    assert.equal(target('http://[::1]:4317'), '[::1]:4317');
    assert.equal(target('http://[::1]'), '[::1]:4317');
    assert.equal(grpcTarget(new URL('http://localhost:4317')), 'localhost:4317');
    assert.equal(resolveOtlpConfig({ protocol: 'grpc' }, {}).grpcTarget, 'localhost:4317');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317' }).grpcTarget, 'otel:4317');
  });
});
