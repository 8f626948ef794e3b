import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { startReceiver } from '../../src/receiver/receiver.js';

/** A port nothing listens on: one the system gave and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ftplog-otel validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-validate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string): string => {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, text);
    return file;
  };
  const source = `sources:\n  - paths: ['${fixture('eft', 'eft-client-vendor.log')}']\n    timezone: UTC\n`;

  it('prints ok and what the file describes when the collector answers', async () => {
    const receiver = await startReceiver();
    try {
      const file = write(`${source}transforms:\n  - set: { team: ftp }\nsink:\n  otlp: { endpoint: '${receiver.url}' }\n`);
      const r = await cli(['validate', file]);
      assert.deepEqual(r, { code: 0, stdout: `${file}: ok: 1 source, 1 transform, sink otlp to ${receiver.url}/v1/logs (http/protobuf)\n`, stderr: '' });
    } finally {
      await receiver.close();
    }
  });

  it('warns, and still exits 0, when the collector does not answer now', async () => {
    const port = await closedPort();
    const file = write(`${source}sink:\n  otlp:\n    endpoint: http://127.0.0.1:${port}\n`);
    const r = await cli(['validate', file]);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `${file}:6:15: warning: the collector at 127.0.0.1:${port} does not answer now (ECONNREFUSED); a run waits and retries until it does\n` +
        `${file}: ok: 1 source, 0 transforms, sink otlp to http://127.0.0.1:${port}/v1/logs (http/protobuf) (1 warning)\n`,
    );
  });

  it('prints every error and exits 2', async () => {
    const file = write(`sources:\n  - paths: ['${fixture('eft', 'eft-client-vendor.log')}']\n    timezone: Mars\n    start_at: middle\nsink:\n  jsonl: { path: '' }\n`);
    const r = await cli(['validate', file]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stdout,
      `${file}:3:15: timezone: unknown time zone "Mars" (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")\n` +
        `${file}:4:15: start_at must be beginning | end (got "middle")\n` +
        `${file}:6:18: path must be a file name (got ""); leave it out for stdout\n`,
    );
    assert.equal(r.stderr, `ftplog-otel validate: ${file}: 3 errors, 0 warnings\n`);
  });

  it('reports a YAML syntax error at its position', async () => {
    const file = write('sources:\n  - paths: [a\n sink: x\n');
    const r = await cli(['validate', file]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    assert.equal(r.stderr.split(': ').at(-1)!.endsWith('0 warnings\n'), true);
  });

  it('a file that cannot be read is a usage error', async () => {
    assert.deepEqual(await cli(['validate', join(dir, 'none.yaml')]), { code: 2, stdout: '', stderr: `ftplog-otel validate: ${join(dir, 'none.yaml')}: no such file\n` });
  });
});
