import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JsonRecord } from '../../src/jsonl/record-json.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { projectRoot } from '../helpers/paths.js';
import { Collector, collectorBinary, freePort, runFtplog, validate } from './collector.js';

/** YAML files of the repository that are Collector configurations (a `service` with `pipelines`). */
function collectorConfigs(dir = projectRoot): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...collectorConfigs(path));
    else if (/\.ya?ml$/.test(entry.name)) {
      let doc: unknown;
      try {
        doc = parseYaml(readFileSync(path, 'utf8'));
      } catch {
        continue; // not YAML a Collector could load either; other tests own such files
      }
      const service = (doc as { service?: { pipelines?: unknown } } | null)?.service;
      if (service?.pipelines !== undefined) found.push(relative(projectRoot, path));
    }
  }
  return found.sort();
}

const CONFIG = join(projectRoot, 'otel-collector.yaml');
const TIMEZONE = 'America/Chicago';

/** The resolved configuration the Collector would run, as `otelcol print-config` shows it. */
function printConfig(binary: string, env: Record<string, string>): Record<string, any> {
  const r = spawnSync(binary, ['print-config', '--config', CONFIG], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return parseYaml(r.stdout) as Record<string, any>;
}

describe('e2e: the Collector configurations load and run', function () {
  let binary: string;
  let collector: Collector | undefined;
  let receiver: OtlpReceiver | undefined;

  before(async function () {
    binary = await collectorBinary(this);
  });

  afterEach(async () => {
    await collector?.dispose();
    collector = undefined;
    await receiver?.close();
    receiver = undefined;
  });

  it('otelcol validate passes for every Collector configuration in the repository', () => {
    const configs = collectorConfigs();
    assert.ok(configs.includes('otel-collector.yaml'), configs.join(', '));
    for (const file of configs) {
      const r = validate(binary, join(projectRoot, file));
      assert.equal(r.code, 0, `${file}:\n${r.output}`);
    }
  });

  it('otel-collector.yaml takes the Loki endpoint from LOKI_OTLP_ENDPOINT, http://loki:3100/otlp by default', () => {
    assert.equal(printConfig(binary, {})['exporters']['otlphttp/loki']['endpoint'], 'http://loki:3100/otlp');
    assert.equal(printConfig(binary, { LOKI_OTLP_ENDPOINT: 'http://127.0.0.1:3100/otlp' })['exporters']['otlphttp/loki']['endpoint'], 'http://127.0.0.1:3100/otlp');
  });

  it('otel-collector.yaml run for real forwards every record of the examples to where Loki listens (/otlp/v1/logs)', async function () {
    this.timeout(60_000);
    receiver = await startReceiver({ path: '/otlp/v1/logs' });
    const [http, grpc] = [await freePort(), await freePort()];
    collector = await Collector.start(binary, {
      configFile: CONFIG,
      // Only the listening addresses change (free loopback ports, no metrics server on 8888).
      overrides: [
        `yaml:receivers::otlp::protocols::http::endpoint: 127.0.0.1:${http}`,
        `yaml:receivers::otlp::protocols::grpc::endpoint: 127.0.0.1:${grpc}`,
        'yaml:service::telemetry::metrics::level: none',
      ],
      env: { LOKI_OTLP_ENDPOINT: `${receiver.url}/otlp` },
      readyPort: http,
    });
    const examples = join(projectRoot, 'examples', 'logs');
    const ship = await runFtplog(['ship', '--endpoint', `http://127.0.0.1:${http}`, '--timezone', TIMEZONE, '--dead-letter', join(collector.dir, 'dead-letter.jsonl'), examples]);
    assert.equal(ship.code, 0, ship.stderr);
    assert.match(ship.stderr, /accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0;/);

    await receiver.waitForRecords(80, 20_000);
    // A graceful stop flushes batch and the sending queue: nothing more can come after it.
    assert.equal(await collector.stop(), 0, collector.output);
    assert.equal(receiver.totals.acceptedRecords, 80);
    assert.equal(receiver.records.length, 80);
    for (const r of receiver.requests) {
      assert.deepEqual([r.method, r.path, r.encoding, r.contentEncoding, r.status], ['POST', '/otlp/v1/logs', 'protobuf', 'gzip', 200]);
    }

    // One NcFTPd download, attribute by attribute and type by type, against what parse prints for it.
    const parse = await runFtplog(['parse', '--timezone', TIMEZONE, examples]);
    assert.equal(parse.code, 0, parse.stderr);
    const parsed = parse.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonRecord);
    const expected = parsed.find((p) => p.eventName === 'ftp.download' && p.attributes['ftp.log.format'] === 'ncftpd.xfer' && Array.isArray(p.attributes['ftp.transfer.notes']))!;
    assert.ok(expected !== undefined);
    const got = receiver.records.filter((r) => r.body === expected.body);
    assert.equal(got.length, 1);
    const r = got[0]!;
    assert.deepEqual(r.attributes, expected.attributes);
    assert.equal(r.attributeKinds['ftp.transfer.bytes'], 'int');
    assert.equal(r.attributeKinds['ftp.transfer.duration'], 'double');
    assert.equal(r.attributeKinds['ftp.transfer.rate'], 'double');
    assert.equal(r.attributeKinds['ftp.transfer.notes'], 'array');
    assert.equal(r.timeUnixNano, BigInt(Date.parse(expected.timestamp!)) * 1_000_000n);
    assert.deepEqual([r.severityNumber, r.severityText, r.eventName], [expected.severityNumber, expected.severityText, expected.eventName]);
    assert.equal(r.resource['service.name'], 'ncftpd');
    assert.equal(r.scope.name, 'ftplog-otel');
    // The debug exporter saw the same 80.
    const counted = [...collector.output.matchAll(/"log records": (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(counted, 80, collector.output);
    // Its one warning is the name kept for older Collectors (see the comment in the file).
    const warnings = [...collector.output.matchAll(/\twarn\t\S+\t([^\t{]+)/g)].map((m) => m[1]!.trim());
    assert.deepEqual(warnings, ['"otlphttp" alias is deprecated; use "otlp_http" instead']);
  });
});
