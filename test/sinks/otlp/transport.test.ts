import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTransport } from '../../../src/sinks/otlp/transport.js';
import { resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';

describe('HttpTransport', () => {
  let server: Server;
  let url: string;
  let bodyBytes: number[];
  beforeEach(async () => {
    bodyBytes = [];
    server = createServer((req, res) => {
      if (req.headers['x-answer'] === 'early') {
        // Answers before reading the body, as a proxy refusing it might.
        res.writeHead(200, { 'content-type': 'application/x-protobuf', connection: 'close' });
        res.end();
        req.resume();
        return;
      }
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        bodyBytes.push(n);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the pieces of a body in order as one request and resolves once it is written and answered', async () => {
    const t = new HttpTransport(resolveOtlpConfig({ endpoint: url, timeoutMs: 2000 }, {}), 2);
    const parts = [Buffer.alloc(3, 1), Buffer.alloc(70_000, 2), Buffer.alloc(5, 3)];
    const res = await t.send(parts, false);
    assert.equal(res.status, 200);
    assert.deepEqual(bodyBytes, [70_008]);
    t.close();
  });

  it('settles when the collector answers before reading the body and closes (the body is no longer being written)', async () => {
    const t = new HttpTransport(resolveOtlpConfig({ endpoint: url, timeoutMs: 5000, headers: ['x-answer=early'] }, {}), 1);
    // Larger than the socket buffers: the write is still pending when the answer comes.
    const big = Buffer.alloc(32 * 1024 * 1024, 7);
    const started = Date.now();
    // The answer or the reset of the connection may come first; either way the
    // request settles, without waiting for the timeout.
    const outcome = await t.send([big], false).then(
      (res) => res.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    assert.ok(outcome === 200 || outcome === 'EPIPE' || outcome === 'ECONNRESET', String(outcome));
    assert.ok(Date.now() - started < 5000);
    t.close();
  });
});
