import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { endpointAddress, tryConnect } from '../../src/config/network.js';
import { resolveOtlpConfig } from '../../src/sinks/otlp/config.js';

describe('pipeline files: reaching the collector', () => {
  let server: Server;
  let port: number;
  beforeEach(async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('tryConnect(): undefined when a connection opens, the error code when refused', async () => {
    assert.equal(await tryConnect('127.0.0.1', port, 2000), undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.equal(await tryConnect('127.0.0.1', port, 2000), 'ECONNREFUSED');
  });

  it('endpointAddress(): the port written, else the scheme\'s, else gRPC\'s', () => {
    const at = (endpoint: string, protocol?: string): { host: string; port: number } => endpointAddress(resolveOtlpConfig({ endpoint, ...(protocol !== undefined ? { protocol } : {}) }, {}));
    assert.deepEqual(at('http://collector:4318'), { host: 'collector', port: 4318 });
    assert.deepEqual(at('https://collector'), { host: 'collector', port: 443 });
    assert.deepEqual(at('http://collector'), { host: 'collector', port: 80 });
    assert.deepEqual(at('https://collector:443', 'grpc'), { host: 'collector', port: 443 });
    assert.deepEqual(at('http://[::1]:4317', 'grpc'), { host: '::1', port: 4317 });
  });
});
