import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { eftLines, ncftpdLines } from '../helpers/lines.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';

/** 2024-11-18 08:00:00 (the first generated line of each kind), as epoch nanoseconds, in a zone `offsetHours` from UTC. */
const at8 = (offsetHours: number): bigint => BigInt(Date.parse('2024-11-18T08:00:00Z') - offsetHours * 3_600_000) * 1_000_000n;

describe('ftplog-otel run', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-run-'));
    writeFileSync(join(dir, 'cl241118.log'), eftLines(30));
    writeFileSync(join(dir, 'xfer.20241118'), ncftpdLines(20));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pipeline = (sink: string): string => {
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      `sources:\n  - paths: [cl*.log]\n    format: eft\n    timezone: Europe/Berlin\n  - paths: ['xfer.*']\n    format: ncftpd\n    timezone: America/Chicago\n` +
        `transforms:\n  - set: { deployment.environment.name: test }\nsink:\n${sink}`,
    );
    return file;
  };

  it('sends every record of two sources, each read in its own zone and format, and exits 0', async () => {
    const r = await cli(['run', pipeline(`  otlp:\n    endpoint: ${receiver.url}\n    batch_size: 7\n    dead_letter: dl.jsonl\n`)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.records.length, 50);
    const eft = receiver.records.filter((x) => x.resource['service.name'] === 'eft-server');
    const ncftpd = receiver.records.filter((x) => x.resource['service.name'] === 'ncftpd');
    assert.equal(eft.length, 30);
    assert.equal(ncftpd.length, 20);
    assert.equal(eft[0]!.timeUnixNano, at8(1)); // Berlin: UTC+1 in November
    assert.equal(ncftpd[0]!.timeUnixNano, BigInt(Date.parse('2024-11-18T06:00:00Z')) * 1_000_000n); // 00:00:00 in Chicago, UTC-6
    assert.ok(receiver.records.every((x) => x.attributes['deployment.environment.name'] === 'test'));
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `ftplog-otel run: sending to ${receiver.url}/v1/logs (http/protobuf)`);
    assert.match(lines[1]!, /^ftplog-otel run: 2 input\(s\), 50 lines, 50 records \(success 50, failure 0, unknown 0, parse errors 0\)$/);
    assert.match(lines[2]!, /^ftplog-otel run: accepted 50, rejected by collector 0, dead-lettered 0, not delivered 0; 8 requests, 0 retries, /);
  });

  it('follows two sources, each file read in its own source\'s zone and format, and stops cleanly on a signal', async () => {
    const file = join(dir, 'follow.yaml');
    writeFileSync(
      file,
      `sources:\n  - paths: ['cl*.log']\n    format: eft\n    timezone: Europe/Berlin\n    follow: true\n  - paths: ['xfer.*']\n    format: ncftpd\n    timezone: America/Chicago\n    follow: true\n` +
        `sink:\n  otlp: { endpoint: '${receiver.url}', batch_delay: 10ms }\nagent:\n  state_dir: state\n  poll_interval: 20ms\n`,
    );
    const stop = new AbortController();
    const running = cli(['run', file], { signal: stop.signal });
    await receiver.waitForRecords(50, 15_000);
    appendFileSync(join(dir, 'cl241118.log'), eftLines(1, 100));
    appendFileSync(join(dir, 'xfer.20241118'), ncftpdLines(1, 100));
    await receiver.waitForRecords(52, 15_000);
    stop.abort();
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    const eft = receiver.records.filter((x) => x.resource['service.name'] === 'eft-server');
    const ncftpd = receiver.records.filter((x) => x.resource['service.name'] === 'ncftpd');
    assert.deepEqual([eft.length, ncftpd.length], [31, 21]);
    assert.equal(eft[0]!.timeUnixNano, at8(1));
    assert.equal(eft[30]!.timeUnixNano, BigInt(Date.parse('2024-11-18T08:01:40Z') - 3_600_000) * 1_000_000n); // line 100: 08:01:40 in Berlin
    assert.equal(ncftpd[0]!.timeUnixNano, BigInt(Date.parse('2024-11-18T06:00:00Z')) * 1_000_000n);
    assert.equal(ncftpd[20]!.timeUnixNano, BigInt(Date.parse('2024-11-18T06:01:40Z')) * 1_000_000n); // line 100: 00:01:40 in Chicago
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], `ftplog-otel run: sending to ${receiver.url}/v1/logs (http/protobuf)`);
    assert.equal(lines[1], `ftplog-otel run: following ${join(dir, 'cl*.log')} ${join(dir, 'xfer.*')}; checkpoints in ${join(dir, 'state')}`);
  });

  it('writes with the jsonl sink exactly what parse writes for the same settings', async () => {
    const r = await cli(['run', '--quiet', pipeline('  jsonl:\n')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const eft = await cli(['parse', '--quiet', '--format', 'eft', '--timezone', 'Europe/Berlin', '--attribute', 'deployment.environment.name=test', join(dir, 'cl*.log')]);
    const ncftpd = await cli(['parse', '--quiet', '--format', 'ncftpd', '--timezone', 'America/Chicago', '--attribute', 'deployment.environment.name=test', join(dir, 'xfer.*')]);
    const drop = (s: string): string => s.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
    assert.equal(drop(r.stdout), drop(eft.stdout + ncftpd.stdout));
    assert.equal(r.stdout.split('\n').length - 1, 50);
  });

  it('gives every source the same worker threads: encoded on the workers, each group with its own zone', async () => {
    const file = pipeline('  jsonl:\n');
    writeFileSync(file, readFileSync(file, 'utf8') + 'agent: { workers: 2 }\n');
    const r = await cli(['run', '--quiet', file]);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: string; eventName: string });
    assert.equal(records.length, 50);
    assert.equal(records[0]!.timestamp, '2024-11-18T07:00:00.000Z');
    assert.equal(records[30]!.timestamp, '2024-11-18T06:00:00.000Z');
    assert.deepEqual([records[0]!.eventName, records[30]!.eventName], ['ftp.upload', 'ftp.download']);
  });

  it('writes to a jsonl file and the console view', async () => {
    const r = await cli(['run', pipeline('  jsonl: { path: out.jsonl }\n')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').length - 1, 50);
    assert.match(r.stderr, /^ftplog-otel run: 2 input\(s\), 50 lines, 50 records .*; written to .*out\.jsonl\n$/);
    const c = await cli(['run', '--quiet', pipeline('  console:\n')]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.split('\n')[0], '2024-11-18 07:00:00Z  INFO   ftp.upload    success  payroll  files.example.com  /in/f0.csv  226');
    assert.equal(c.stdout.split('\n').length - 1, 50);
  });

  it('takes flags over the file: a source option for every source, a sink option for the otlp sink', async () => {
    const r = await cli(['run', '--quiet', '--timezone', 'UTC', '--attribute', 'team=ftp', pipeline('  jsonl:\n')]);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: string; attributes: Record<string, unknown> });
    assert.equal(records.length, 50);
    assert.equal(records[0]!.timestamp, '2024-11-18T08:00:00.000Z');
    assert.equal(records[30]!.timestamp, '2024-11-18T00:00:00.000Z');
    assert.deepEqual([records[0]!.attributes['deployment.environment.name'], records[0]!.attributes['team']], ['test', 'ftp']);
    assert.deepEqual(await cli(['run', '--batch-size', '5', pipeline('  jsonl:\n')]), { code: 2, stdout: '', stderr: "ftplog-otel run: --batch-size sets the otlp sink; this pipeline's sink is jsonl\n" });
    const o = await cli(['run', '--quiet', '--endpoint', receiver.url, pipeline('  otlp: { endpoint: http://127.0.0.1:9 }\n')]);
    assert.equal(o.code, 0, o.stderr);
    assert.equal(receiver.records.length, 50);
  });

  it('prints each error of a bad file with the prefix and exits 2 without running', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `sources:\n  - paths: [${fixture('eft', 'eft-client-vendor.log')}]\n    timezone: Nowhere\nsink:\n  otlp: { endpoint: ${receiver.url}, batch_sise: 3 }\n`);
    const r = await cli(['run', file]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `ftplog-otel run: ${file}:3:15: timezone: unknown time zone "Nowhere" (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")\n` +
        `ftplog-otel run: ${file}:5:${23 + receiver.url.length}: unknown key "batch_sise" in sink.otlp; did you mean "batch_size"?\n` +
        `ftplog-otel run: ${file}: 2 errors; nothing was run\n`,
    );
    assert.equal(receiver.records.length, 0);
  });
});
