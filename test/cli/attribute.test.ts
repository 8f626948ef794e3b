/** --attribute: a record transform that runs where the records are made, on the main thread or on worker threads, with the same output. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';

const INPUTS = [fixture('eft', 'eft-client-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'), join(projectRoot, 'examples', 'logs')];
const ATTRS = ['--attribute', 'deployment.environment.name=prod', '--attribute', 'site=fra 1'];

function withoutObserved(text: string): string {
  return text.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
}

describe('--attribute (the set transform)', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-attr-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parse: every record gets the attributes, the same with --workers 0 and --workers 2', async () => {
    const one = await cli(['parse', '--timezone', 'UTC', '--workers', '0', ...ATTRS, ...INPUTS]);
    const two = await cli(['parse', '--timezone', 'UTC', '--workers', '2', ...ATTRS, ...INPUTS]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const records = one.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { attributes: Record<string, unknown>; eventName: string });
    assert.ok(records.length > 10);
    for (const r of records) {
      assert.equal(r.attributes['deployment.environment.name'], 'prod');
      assert.equal(r.attributes['site'], 'fra 1');
    }
    // Parse-error records get them too.
    assert.ok(records.some((r) => r.eventName === 'ftplog.parse_error'));
    assert.equal(withoutObserved(two.stdout), withoutObserved(one.stdout));
    // Apart from the attributes, the output is what it was without them.
    const plain = await cli(['parse', '--timezone', 'UTC', '--workers', '0', ...INPUTS]);
    assert.equal(withoutObserved(one.stdout).replace(/,"deployment\.environment\.name":"prod","site":"fra 1"/g, ''), withoutObserved(plain.stdout));
  });

  for (const protocol of ['http/protobuf', 'http/json']) {
    it(`ship (${protocol}): the collector gets the attributes as strings, the same with --workers 0 and 2`, async () => {
      const got: unknown[][] = [];
      for (const workers of ['0', '2']) {
        receiver.clear();
        const r = await cli(['ship', '--endpoint', receiver.url, '--protocol', protocol, '--timezone', 'UTC', '--workers', workers, '--dead-letter', join(dir, 'd.jsonl'), ...ATTRS, ...INPUTS]);
        assert.equal(r.code, 0, r.stderr);
        // Requests run in parallel: compare what arrived, not the order it arrived in.
        got.push(
          receiver.records
            .map((x) => [x.body, x.attributes, x.attributeKinds['deployment.environment.name'], x.attributeKinds['site']])
            .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
        );
      }
      assert.deepEqual(got[1], got[0]);
      for (const [, attributes, k1, k2] of got[0] as [string, Record<string, unknown>, string, string][]) {
        assert.equal(attributes['deployment.environment.name'], 'prod');
        assert.equal(attributes['site'], 'fra 1');
        assert.equal(k1, 'string');
        assert.equal(k2, 'string');
      }
    });
  }

  it('ship --input jsonl: records read back get the attributes too', async () => {
    const parsed = await cli(['parse', '--timezone', 'UTC', fixture('eft', 'eft-client-vendor.log')]);
    const f = join(dir, 'r.jsonl');
    writeFileSync(f, parsed.stdout);
    const r = await cli(['ship', '--endpoint', receiver.url, '--input', 'jsonl', '--dead-letter', join(dir, 'd.jsonl'), ...ATTRS, f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.records.length, 2);
    for (const x of receiver.records) assert.equal(x.attributes['deployment.environment.name'], 'prod');
  });

  it('refuses a key ftplog-otel decodes itself, and a flag without =, with exit 2 and one line', async () => {
    const a = await cli(['parse', '--attribute', 'ftp.outcome=success', INPUTS[0]!]);
    assert.equal(a.code, 2);
    assert.equal(a.stderr, 'ftplog-otel parse: --attribute: "ftp.outcome" is an attribute ftplog-otel sets itself from the log line\n');
    const b = await cli(['ship', '--attribute', 'prod', INPUTS[0]!]);
    assert.equal(b.code, 2);
    assert.equal(b.stderr, 'ftplog-otel ship: --attribute must be KEY=VALUE (got "prod")\n');
  });
});
