import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import { decodeLogsProtobuf } from '../../../src/receiver/decode.js';
import { GRPC_EXPORT_PATH } from '../../../src/receiver/listeners.js';
import { cli } from '../../helpers/cli.js';
import { eftLines } from '../../helpers/lines.js';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

describe('ship over https', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let received = 0;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-tls-'));
    // The certificates come from the openssl command, which .ci/run installs where it is missing.
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ftplog test CA'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf'], dir);
  });

  beforeEach(async () => {
    received = 0;
    server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received += decodeLogsProtobuf(Buffer.concat(chunks)).length;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trusts the collector with --ca-file', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(50));
    const r = await cli(['ship', '--endpoint', url, '--ca-file', join(dir, 'ca.pem'), '--timezone', 'UTC', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(received, 50);
  });

  it('trusts the CA of OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(5));
    const r = await cli(['ship', '--timezone', 'UTC', f], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_CERTIFICATE: join(dir, 'ca.pem') } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(received, 5);
  });

  it('fails fast, without retrying forever, when the certificate is not trusted', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(5));
    const r = await cli(['ship', '--endpoint', url, '--timezone', 'UTC', '--dead-letter', join(dir, 'dead.jsonl'), f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TLS: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    // Kept for a replay once the CA is given.
    assert.match(r.stderr, /dead-lettered 5, not delivered 0/);
    assert.equal(readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').length, 5);
    assert.equal(received, 0);
  });
});

describe('ship over OTLP/gRPC with TLS', () => {
  const grpc = createRequire(import.meta.url)('@grpc/grpc-js') as typeof Grpc;
  let dir: string;
  let server: Grpc.Server;
  let url: string;
  let received = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-grpc-tls-'));
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ftplog test CA'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf'], dir);
    server = new grpc.Server();
    const same = (b: Buffer): Buffer => b;
    server.addService(
      { Export: { path: GRPC_EXPORT_PATH, requestStream: false, responseStream: false, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same } },
      {
        Export: (call: Grpc.ServerUnaryCall<Buffer, Buffer>, done: Grpc.sendUnaryData<Buffer>) => {
          received += decodeLogsProtobuf(call.request).length;
          done(null, Buffer.alloc(0));
        },
      },
    );
    const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: readFileSync(join(dir, 'server.key')), cert_chain: readFileSync(join(dir, 'server.pem')) }]);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
    // localhost, not an IP: Node warns when TLS is asked for a server name that is an IP address.
    url = `https://localhost:${port}`;
  });

  beforeEach(() => (received = 0));

  after(() => {
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trusts the collector with --ca-file', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(50));
    const r = await cli(['ship', '--protocol', 'grpc', '--endpoint', url, '--ca-file', join(dir, 'ca.pem'), '--timezone', 'UTC', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(received, 50);
  });

  it('fails fast, without retrying forever, when the certificate is not trusted', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(5));
    const r = await cli(['ship', '--protocol', 'grpc', '--endpoint', url, '--timezone', 'UTC', '--dead-letter', join(dir, 'dead.jsonl'), f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TLS: gRPC UNAVAILABLE \(14\): .*(unable to verify the first certificate|self-signed certificate)/);
    assert.match(r.stderr, /dead-lettered 5, not delivered 0/);
    assert.equal(readFileSync(join(dir, 'dead.jsonl'), 'utf8').trimEnd().split('\n').length, 5);
    assert.equal(received, 0);
  });
});
