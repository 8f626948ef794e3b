import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { projectRoot, fixture } from '../helpers/paths.js';
import { startReceiver, sequence, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { eftLines } from '../helpers/lines.js';

describe('ftplog-otel ship', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-ship-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships every record of the sample logs with the full record schema and exits 0', async () => {
    const r = await cli(
      ['ship', '--endpoint', receiver.url, '--timezone', 'America/Chicago', fixture('eft', 'eft-client-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-vendor.log')],
      { env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=file%20transfer' } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.records.length, 4);
    const [e1, e2, n1, n2] = receiver.records;
    assert.deepEqual(e1!.resource, { 'service.name': 'eft-server', 'host.name': e1!.resource['host.name'], 'deployment.environment.name': 'prod', team: 'file transfer' });
    assert.equal(n1!.resource['service.name'], 'ncftpd');
    assert.equal(e1!.timeUnixNano, BigInt(Date.parse('2006-03-06T16:11:03Z')) * 1_000_000n);
    assert.equal(e2!.attributes['server.address'], undefined);
    assert.deepEqual(n1!.attributes, {
      'ftp.log.format': 'ncftpd.xfer',
      'ftp.operation': 'download',
      'ftp.outcome': 'success',
      'ftp.status.kind': 'ncftpd',
      'ftp.status.name': 'OK',
      'ftp.status.description': n1!.attributes['ftp.status.description'],
      'network.protocol.name': 'ftp',
      'client.address': 'actual.host.com',
      'user.name': 'anonymous',
      'user.email': 'mozilla@my.host.com',
      'file.path': '/home/ftp/pub/big.file',
      'session.id': 'RMf0YAABAAEA',
      'ncftpd.process': '#u2',
      'ftp.transfer.bytes': 4627440,
      'ftp.transfer.duration': 23.223,
      'ftp.transfer.rate': 194.591,
      'ftp.transfer.type': 'binary',
      'ftp.transfer.notes': ['Ps', 'Sf'],
      'ftp.transfer.suffix': '.tar.gz',
      'ftp.transfer.start_time': 841036734,
      'ftp.transfer.start_size': 4637440,
      'ftp.transfer.start_offset': 10000,
      'log.file.path': fixture('ncftpd', 'ncftpd-xfer-vendor.log'),
      'log.file.name': 'ncftpd-xfer-vendor.log',
      'log.file.record_number': 1,
    });
    assert.deepEqual(n1!.attributeKinds, {
      'ftp.log.format': 'string',
      'ftp.operation': 'string',
      'ftp.outcome': 'string',
      'ftp.status.kind': 'string',
      'ftp.status.name': 'string',
      'ftp.status.description': 'string',
      'network.protocol.name': 'string',
      'client.address': 'string',
      'user.name': 'string',
      'user.email': 'string',
      'file.path': 'string',
      'session.id': 'string',
      'ncftpd.process': 'string',
      'ftp.transfer.bytes': 'int',
      'ftp.transfer.duration': 'double',
      'ftp.transfer.rate': 'double',
      'ftp.transfer.type': 'string',
      'ftp.transfer.notes': 'array',
      'ftp.transfer.suffix': 'string',
      'ftp.transfer.start_time': 'int',
      'ftp.transfer.start_size': 'int',
      'ftp.transfer.start_offset': 'int',
      'log.file.path': 'string',
      'log.file.name': 'string',
      'log.file.record_number': 'int',
    });
    assert.equal(n2!.timeUnixNano, BigInt(Date.parse('1997-04-21T04:30:59Z')) * 1_000_000n);
    assert.match(r.stderr, /accepted 4, rejected by collector 0, dead-lettered 0, not delivered 0/);
  });

  it('honours OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, compression, headers) and never prints header values', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(10));
    const r = await cli(['ship', '--timezone', 'UTC', '--progress', f], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret-token,x-tenant=acme',
        OTEL_SERVICE_NAME: 'partner-gateway',
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.records.length, 10);
    const req = receiver.requests[0]!;
    assert.equal(req.encoding, 'json');
    assert.equal(req.contentEncoding, 'gzip');
    assert.equal(req.headers['authorization'], 'Bearer s3cret-token');
    assert.equal(req.headers['x-tenant'], 'acme');
    assert.equal(receiver.records[0]!.resource['service.name'], 'partner-gateway');
    assert.match(r.stderr, /headers: authorization, x-tenant/);
    assert.doesNotMatch(r.stderr, /s3cret|acme/);
  });

  it('dead-letters a refused batch and exits 1, other records delivered', async () => {
    receiver.setBehavior(sequence([{ status: 400 }]));
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(300));
    const dead = join(dir, 'dl', 'dead.jsonl');
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--batch-size', '100', '--max-in-flight', '1', '--dead-letter', dead, f]);
    assert.equal(r.code, 1);
    assert.equal(receiver.records.length, 200);
    assert.equal(readFileSync(dead, 'utf8').trimEnd().split('\n').length, 100);
    assert.match(r.stderr, /accepted 200, rejected by collector 0, dead-lettered 100, not delivered 0/);
    // The summary names the collector's reason and how to send the records again.
    assert.match(r.stderr, /dead letters written to .*dead\.jsonl: 100 HTTP 400: injected status 400\n/);
    assert.match(r.stderr, /to send them again: ftplog-otel ship --input jsonl .*dead\.jsonl\n/);
  });

  it('fails with a clear message and exit 1 when --max-retry-time runs out', async () => {
    receiver.setBehavior({ status: 503 });
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(20));
    const dead = join(dir, 'dead.jsonl');
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--max-retry-time', '400ms', '--retry-initial', '50ms', '--dead-letter', dead, f]);
    assert.equal(r.code, 1);
    // The last retry falls on the limit, so the time reported is the limit's (not the last attempt before it).
    assert.match(r.stderr, /gave up on 20 records after 0\.[45] s of retries \(limit 0\.4 s\); last error: HTTP 503/);
    assert.match(r.stderr, /accepted 0, rejected by collector 0, dead-lettered 20, not delivered 0/);
    assert.equal(readFileSync(dead, 'utf8').trimEnd().split('\n').length, 20);
  });

  it('reads JSONL records written by parse (--input jsonl)', async () => {
    const parsed = await cli(['parse', '--timezone', 'UTC', fixture('eft', 'eft-client-vendor.log')]);
    const r = await cli(['ship', '--endpoint', receiver.url, '--input', 'jsonl', '-'], { stdin: parsed.stdout });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.records.length, 2);
    assert.equal(receiver.records[0]!.eventName, 'ftp.download');
    assert.equal(receiver.records[0]!.timeUnixNano, BigInt(Date.parse('2006-03-06T10:11:03Z')) * 1_000_000n);
  });

  it('ships a folder whose other files are not FTP logs: they are left out with a warning, every log record arrives, exit 0', async () => {
    writeFileSync(join(dir, 'cl241118.log'), readFileSync(join(projectRoot, 'examples', 'logs', 'cl241118.log')));
    writeFileSync(join(dir, 'xfer.20241118'), readFileSync(join(projectRoot, 'examples', 'logs', 'xfer.20241118')));
    writeFileSync(join(dir, 'in241118.log'), Array.from({ length: 50 }, (_, i) => `#Fields: x-${i}\n`).join(''));
    for (const workers of ['0', '2']) {
      const before = receiver.records.length;
      const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--workers', workers, dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(receiver.records.length - before, 80);
      assert.equal(r.stderr.split('\n').filter((l) => l.includes('warning')).join('\n'), `ftplog-otel ship: warning: ${join(dir, 'in241118.log')}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped`);
      assert.match(r.stderr, /ftplog-otel ship: 3 input\(s\), 130 lines, 80 records \(success 67, failure 11, unknown 0, parse errors 2\), 50 lines of files that are not FTP server logs left out\n/);
      assert.match(r.stderr, /accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0;/);
    }
  });

  it('says it is reading stdin when stdin is a terminal and no FILE is named', async () => {
    const input = eftLines(3);
    const tty = await cli(['ship', '--endpoint', receiver.url, '--quiet'], { stdin: input, stdinIsTTY: true });
    assert.deepEqual([tty.code, tty.stderr], [0, 'ftplog-otel ship: reading stdin (Ctrl-D to end; see --help)\n']);
    assert.equal(receiver.records.length, 3);
    const pipe = await cli(['ship', '--endpoint', receiver.url, '--quiet'], { stdin: input });
    assert.deepEqual([pipe.code, pipe.stderr], [0, '']);
  });

  it('rejects bad configuration with one line and exit 2', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['ship', '--protocol', 'grpc2', '-'], {}, /^ftplog-otel ship: --protocol must be http\/protobuf \| http\/json \| grpc \(got "grpc2"\)\n$/],
      [['ship', '--protocol', 'grpc', '--endpoint', 'http://localhost:4317/v1/logs', '-'], {}, /^ftplog-otel ship: --endpoint: an OTLP\/gRPC endpoint is a scheme, host and port only \(such as http:\/\/localhost:4317\), without a path like \/v1\/logs\n$/],
      [['ship', '--endpoint', 'ftp://x', '-'], {}, /--endpoint: must be an http:\/\/ or https:\/\/ URL/],
      [['ship', '--compression', 'zstd', '-'], {}, /^ftplog-otel ship: --compression must be gzip \| none \(got "zstd"\)\n$/],
      [['ship', '--endpint', 'http://x', '-'], {}, /^ftplog-otel ship: Unknown option '--endpint'; did you mean --endpoint\?\n$/],
      [['ship', '--timeout', '10', '-'], {}, /^ftplog-otel ship: --timeout needs a unit, e.g. 10s or 10ms \(got "10"\)\n$/],
      [['ship', '-'], { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, /OTEL_EXPORTER_OTLP_TIMEOUT: must be a positive integer/],
      [['ship', '-'], { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, /OTEL_EXPORTER_OTLP_HEADERS: an entry is not name=value/],
      [['ship', '--batch-size', '0', '-'], {}, /--batch-size must be an integer from 1/],
      [['ship', '--max-retry-time', 'forever', '-'], {}, /--max-retry-time must be a duration/],
      [['ship', '--gzip-level', '0', '-'], {}, /--gzip-level must be an integer from 1/],
    ];
    for (const [args, env, re] of cases) {
      const r = await cli(args, { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    }
  });

  for (const workers of ['0', '2']) {
    it(`on SIGTERM stops reading, delivers what is queued, reports the rest, exits 130 (--workers ${workers})`, async function () {
      this.timeout(30000);
      receiver.setBehavior({ delayMs: 100 });
      const f = join(dir, 'big.log');
      writeFileSync(f, eftLines(200_000));
      const child = spawn(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'bin.js'), 'ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--batch-size', '500', '--queue-records', '2000', '--workers', workers, '--dead-letter', join(dir, 'dead.jsonl'), f], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await receiver.waitForRecords(1000, 10000);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((res) => child.on('close', res));
      assert.equal(code, 130, stderr);
      const m = /(\d[\d,]*) records \(success/.exec(stderr);
      const acc = /accepted ([\d,]+), rejected by collector 0, dead-lettered 0, not delivered ([\d,]+)/.exec(stderr);
      assert.ok(m && acc, stderr);
      const num = (s: string) => Number(s.replace(/,/g, ''));
      const received = num(m[1]!);
      const accepted = num(acc[1]!);
      // Everything the sink took in was delivered (nothing silently lost), and the
      // collector holds exactly those records, each once.
      assert.equal(accepted, received);
      assert.equal(num(acc[2]!), 0);
      assert.equal(receiver.records.length, accepted);
      assert.equal(new Set(receiver.records.map((x) => x.attributes['file.path'])).size, accepted);
      assert.ok(accepted < 200_000, 'stopped before the end of the file');
      assert.match(stderr, /stopping: no more input is read/);
    });
  }
});
