import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHeaderValue, describeOtlpConfig, parseHeaderList, redactUrl, resolveOtlpConfig } from '../../../src/sinks/otlp/config.js';

describe('OTLP configuration', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-config-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=ftplog test'], { cwd: dir, stdio: 'ignore' });
    writeFileSync(join(dir, 'garbage.pem'), 'this is not a certificate\n');
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses header values no HTTP header can carry, naming the header and never the value', () => {
    for (const [env, value] of [
      ['OTEL_EXPORTER_OTLP_HEADERS', 'x-token=SECRET%0Ainjected:%201'],
      ['OTEL_EXPORTER_OTLP_LOGS_HEADERS', 'x-token=SECRET%0D'],
      ['OTEL_EXPORTER_OTLP_HEADERS', 'x-token=SECRET%E2%82%AC'],
      ['OTEL_EXPORTER_OTLP_HEADERS', 'x-token=SECRET%00'],
    ] as const) {
      assert.throws(
        () => resolveOtlpConfig({}, { [env]: value }),
        (e: Error & { code?: string }) => e.code === 'ERR_CONFIG' && e.message.startsWith(`${env}: the value of header "x-token" contains`) && !e.message.includes('SECRET'),
        value,
      );
    }
    assert.throws(() => resolveOtlpConfig({ headers: ['authorization=Bearer SE\u20acCRET'] }, {}), (e: Error) => e.message.startsWith('--header: the value of header "authorization"') && !e.message.includes('SECRET'));
    // Latin-1, tabs and spaces are fine.
    assert.deepEqual(parseHeaderList('x-a=caf%C3%A9%09ok, x-b=a b', 'H'), { 'x-a': 'café\tok', 'x-b': 'a b' });
    assert.doesNotThrow(() => checkHeaderValue('x', 'ÿ\t ~', 'H'));
  });

  it('checks the PEM files at start: a CA that is not PEM, a broken certificate, a key that is no key', () => {
    assert.throws(() => resolveOtlpConfig({ caFile: join(dir, 'garbage.pem') }, {}), {
      code: 'ERR_CONFIG',
      message: `--ca-file: ${join(dir, 'garbage.pem')} does not hold PEM certificates (-----BEGIN CERTIFICATE-----)`,
    });
    assert.throws(() => resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_CERTIFICATE: join(dir, 'broken.pem') }), (e: Error & { code?: string }) => e.code === 'ERR_CONFIG' && e.message.startsWith(`OTEL_EXPORTER_OTLP_CERTIFICATE: ${join(dir, 'broken.pem')} holds a certificate that cannot be read`));
    assert.throws(() => resolveOtlpConfig({ keyFile: join(dir, 'cert.pem') }, {}), { code: 'ERR_CONFIG', message: `--key-file: ${join(dir, 'cert.pem')} does not hold a PEM private key (-----BEGIN … PRIVATE KEY-----)` });
    assert.throws(() => resolveOtlpConfig({ certFile: join(dir, 'missing.pem') }, {}), { code: 'ERR_CONFIG', message: `--cert-file: cannot read the client certificate file ${join(dir, 'missing.pem')} (ENOENT)` });
    const ok = resolveOtlpConfig({ caFile: join(dir, 'cert.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }, {});
    assert.ok(ok.ca !== undefined && ok.cert !== undefined && ok.key !== undefined);
  });

  it('shows and stores endpoints without their credentials or query values', () => {
    assert.equal(redactUrl(new URL('http://user:password@collector:4318/v1/logs?api_key=K1&tenant=a')), 'http://***@collector:4318/v1/logs?api_key=***&tenant=***');
    assert.equal(redactUrl(new URL('https://token@collector/v1/logs')), 'https://***@collector/v1/logs');
    assert.equal(redactUrl(new URL('http://collector:4318/v1/logs')), 'http://collector:4318/v1/logs');
    const c = resolveOtlpConfig({ endpoint: 'http://u:SECRET@collector:4318?key=SECRET2', headers: ['authorization=SECRET3'] }, {});
    const shown = describeOtlpConfig(c);
    assert.equal(shown, 'http://***@collector:4318/v1/logs?key=*** (http/protobuf, headers: authorization)');
    // The URL itself keeps them: they are sent.
    assert.equal(c.url.password, 'SECRET');
  });

  it('never echoes an endpoint it cannot read', () => {
    assert.throws(() => resolveOtlpConfig({ endpoint: 'http://u:SECRET@[bad' }, {}), (e: Error) => e.message === '--endpoint: not a valid URL');
  });
});

describe('resolveOtlpConfig: OTLP/gRPC', () => {
  it('reads the enum values of OTEL_* variables in any case, as the specification asks', () => {
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'GRPC' }).protocol, 'grpc');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'HTTP/JSON' }).protocol, 'http/json');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'Gzip' }).compression, 'gzip');
    assert.throws(() => resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }), { code: 'ERR_CONFIG', message: 'OTEL_EXPORTER_OTLP_COMPRESSION: must be gzip or none (got "zstd")' });
  });

  it('takes grpc from the flag or OTEL_EXPORTER_OTLP_PROTOCOL, with localhost:4317 by default', () => {
    const c = resolveOtlpConfig({ protocol: 'grpc' }, {});
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.url.href, 'http://localhost:4317/');
    assert.equal(c.grpcTarget, 'localhost:4317');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).grpcTarget, 'localhost:4317');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol, 'grpc');
    assert.equal(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).grpcTarget, undefined);
  });

  it('uses every endpoint as it is: no /v1/logs appended', () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    assert.equal(resolveOtlpConfig({}, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example:4317' }).url.href, 'https://otel.example:4317/');
    assert.equal(resolveOtlpConfig({}, { ...env, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs.example:9000' }).grpcTarget, 'logs.example:9000');
    assert.equal(resolveOtlpConfig({ endpoint: 'http://127.0.0.1:14317' }, env).grpcTarget, '127.0.0.1:14317');
  });

  it('refuses an endpoint with a path, and an unknown protocol, naming the setting', () => {
    assert.throws(
      () => resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/v1/logs' }),
      { code: 'ERR_CONFIG', message: 'OTEL_EXPORTER_OTLP_ENDPOINT: an OTLP/gRPC endpoint is a scheme, host and port only (such as http://localhost:4317), without a path like /v1/logs' },
    );
    assert.throws(() => resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc/json' }), {
      code: 'ERR_CONFIG',
      message: 'OTEL_EXPORTER_OTLP_PROTOCOL: "grpc/json" is not supported; use http/protobuf, http/json or grpc',
    });
  });

  it('describes itself with the protocol', () => {
    assert.equal(describeOtlpConfig(resolveOtlpConfig({ protocol: 'grpc', compression: 'gzip', headers: ['authorization=Bearer s3cret'] }, {})), 'http://localhost:4317/ (grpc, gzip, headers: authorization)');
  });
});
