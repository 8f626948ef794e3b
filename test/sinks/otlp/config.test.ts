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
