/**
 * `ftplog-otel ship` as a process, against a full disk, signals, refusals
 * and outages: what it keeps, what it says, and that its figures add up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';
import { startReceiver, sequence, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { eftLines } from '../helpers/lines.js';

const BIN = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
const num = (s: string): number => Number(s.replace(/,/g, ''));

interface Run {
  code: number | null;
  stderr: string;
}

/** Runs the executable; `shell` wraps it in bash (for ulimit and trap). */
function run(args: string[], opts: { shell?: string; onStderr?: (all: string) => void } = {}): Promise<Run> {
  const child = opts.shell === undefined
    ? spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('bash', ['-c', `${opts.shell}; exec "$0" "$@"`, process.execPath, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    opts.onStderr?.(stderr);
  });
  (run as { last?: typeof child }).last = child;
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

/** The summary's two count lines, as numbers. */
function figures(stderr: string): { records: number; success: number; failure: number; unknown: number; parseErrors: number; accepted: number; rejected: number; dead: number; undelivered: number } {
  const a = /([\d,]+) records \(success ([\d,]+), failure ([\d,]+), unknown ([\d,]+), parse errors ([\d,]+)\)/.exec(stderr);
  const b = /accepted ([\d,]+), rejected by collector ([\d,]+), dead-lettered ([\d,]+), not delivered ([\d,]+)/.exec(stderr);
  assert.ok(a && b, stderr);
  return {
    records: num(a[1]!),
    success: num(a[2]!),
    failure: num(a[3]!),
    unknown: num(a[4]!),
    parseErrors: num(a[5]!),
    accepted: num(b[1]!),
    rejected: num(b[2]!),
    dead: num(b[3]!),
    undelivered: num(b[4]!),
  };
}

function deadLines(path: string): { reason: string }[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { reason: string });
}

describe('ftplog-otel ship under failures', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-shiphard-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on a full disk keeps only whole dead-letter lines, exactly as many as the summary counts', async function () {
    this.timeout(30000);
    receiver.setBehavior({ status: 400 });
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(10_000));
    const dead = join(dir, 'dead.jsonl');
    // 300 KiB for every file the process writes; the signal for passing it is
    // ignored, so the write fails with EFBIG as a full disk fails with ENOSPC.
    const r = await run(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--batch-size', '100', '--workers', '0', '--dead-letter', dead, f], { shell: "trap '' XFSZ; ulimit -f 300" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /dead-letter file could not be written: .*EFBIG.*\(nothing of this batch was kept\)/);
    const text = readFileSync(dead, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n');
    for (const l of lines) JSON.parse(l);
    const n = figures(r.stderr);
    assert.equal(n.dead, lines.length);
    assert.equal(lines.length % 100, 0);
    assert.ok(lines.length > 0 && lines.length < 10_000);
    assert.equal(n.accepted, 0);
    assert.equal(n.accepted + n.rejected + n.dead + n.undelivered, n.records);
  });

  it('on SIGTERM during an outage writes the queue to the dead-letter file with reason shutdown, and exits 130', async function () {
    this.timeout(30000);
    await receiver.stop();
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(50_000));
    const dead = join(dir, 'dead.jsonl');
    let signalled = false;
    const r = await run(
      ['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--workers', '0', '--queue-records', '3000', '--shutdown-timeout', '300ms', '--retry-initial', '50ms', '--dead-letter', dead, f],
      {
        onStderr: (all) => {
          if (!signalled && /collector unreachable or refusing for now: ECONNREFUSED/.test(all)) {
            signalled = true;
            (run as unknown as { last: { kill(s: string): void } }).last.kill('SIGTERM');
          }
        },
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopping: no more input is read; .*Interrupt again to stop at once\./);
    const n = figures(r.stderr);
    assert.equal(n.accepted, 0);
    assert.equal(n.undelivered, 0);
    assert.ok(n.records > 0 && n.records < 50_000, `${n.records} records`);
    assert.equal(n.dead, n.records);
    // The outcomes add up to the records handed on, not to lines read and dropped.
    assert.equal(n.success + n.failure + n.unknown + n.parseErrors, n.records);
    const lines = deadLines(dead);
    assert.equal(lines.length, n.records);
    assert.ok(lines.every((l) => /^shutdown: (not delivered|in flight when stopped, the collector may have received them) \(shutdown timeout \(0\.3 s\)\)$/.test(l.reason)), lines[0]!.reason);
    assert.match(r.stderr, /to send them again: ftplog-otel ship --input jsonl /);
  });

  it('stops at once on a second signal, keeping the queue', async function () {
    this.timeout(30000);
    await receiver.stop();
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(20_000));
    const dead = join(dir, 'dead.jsonl');
    let signals = 0;
    const r = await run(
      ['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--workers', '0', '--queue-records', '4000', '--shutdown-timeout', '1h', '--dead-letter', dead, f],
      {
        onStderr: (all) => {
          const child = (run as unknown as { last: { kill(s: string): void } }).last;
          if (signals === 0 && /collector unreachable/.test(all)) {
            signals++;
            child.kill('SIGINT');
          } else if (signals === 1 && /Interrupt again/.test(all)) {
            signals++;
            child.kill('SIGINT');
          }
        },
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted again: stopping at once; queued records go to the dead-letter file/);
    const n = figures(r.stderr);
    assert.equal(n.dead, n.records);
    assert.equal(deadLines(dead).length, n.records);
  });

  it('says at once that it retries and that nothing is dropped, then that the collector is back', async () => {
    receiver.setBehavior(sequence([{ status: 503 }, { status: 503 }]));
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(10));
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--retry-initial', '20ms', '--dead-letter', join(dir, 'd.jsonl'), f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/collector unreachable or refusing for now: HTTP 503; retrying in [\d.]+ s and until it answers, nothing is dropped\n/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /collector accepting again after [\d.]+ s \(2 retries\)\n/);
  });

  it('says when it cuts a Retry-After', async () => {
    receiver.setBehavior(sequence([{ status: 429, retryAfter: '3600' }]));
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(3));
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--retry-initial', '10ms', '--retry-max', '50ms', '--dead-letter', join(dir, 'd.jsonl'), f]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the collector asked to wait 3600 s \(Retry-After\); waiting 0\.2 s, the cap of 4 × --retry-max\n/);
  });

  it('fails on a JSON partial success answering protobuf, and warns of the mismatch', async () => {
    receiver.setBehavior({ rawAnswer: { contentType: 'application/json', body: '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}' } });
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(5));
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--dead-letter', join(dir, 'd.jsonl'), f]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /warning: the collector answered a protobuf request in json\n/);
    assert.match(r.stderr, /accepted 3, rejected by collector 2, dead-lettered 0, not delivered 0/);
    assert.match(r.stderr, /the collector rejected records: too old\n/);
  });

  it('refuses a dead-letter path under a regular file before sending anything (exit 2, ENOTDIR)', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(3));
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--dead-letter', join(f, 'sub', 'dead.jsonl'), f]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `ftplog-otel ship: dead-letter file ${join(f, 'sub', 'dead.jsonl')}: ENOTDIR: ${f} is not a directory\n`);
    assert.equal(receiver.requests.length, 0);
  });

  it('never prints or stores the credentials of the endpoint URL or of its query, against a collector answering 401', async () => {
    receiver.setBehavior({ status: 401 });
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(20));
    const dead = join(dir, 'dead.jsonl');
    const endpoint = receiver.url.replace('http://', 'http://user:SECRETPW@') + '/v1/logs?api_key=SECRETKEY';
    const r = await cli(['ship', '--endpoint', endpoint, '--timezone', 'UTC', '--progress', '--batch-size', '5', '--dead-letter', dead, f], {
      env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-token=SECRETHDR' },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /dead-lettered 20/);
    // Sent, as the collector needs them.
    assert.equal(receiver.requests[0]!.headers['authorization'], `Basic ${Buffer.from('user:SECRETPW').toString('base64')}`);
    assert.equal(receiver.requests[0]!.headers['x-token'], 'SECRETHDR');
    // Nowhere shown or stored.
    const everything = [r.stdout, r.stderr, ...readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'))].join('\n');
    for (const secret of ['SECRETPW', 'SECRETKEY', 'SECRETHDR', Buffer.from('user:SECRETPW').toString('base64')]) {
      assert.equal(everything.split(secret).length - 1, 0, `${secret} appears`);
    }
    const line = JSON.parse(readFileSync(dead, 'utf8').split('\n')[0]!) as { endpoint: string };
    assert.equal(line.endpoint, receiver.url.replace('http://', 'http://***@') + '/v1/logs?api_key=***');
    assert.match(r.stderr, /sending to http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1\/logs\?api_key=\*\*\* \(http\/protobuf, headers: x-token\)/);
  });

  it('refuses a header value with a line break at start, exit 2, without retrying or printing it', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(3));
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', f], { env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-token=SECRET%0Ainjected:%201' } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ftplog-otel ship: OTEL_EXPORTER_OTLP_HEADERS: the value of header "x-token" contains a control character (such as a line break), which no HTTP header may carry\n');
    assert.equal(receiver.requests.length, 0);
  });

  it('refuses a --ca-file that is not PEM at start, exit 2', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(3));
    const ca = join(dir, 'ca.txt');
    writeFileSync(ca, 'not a certificate');
    const r = await cli(['ship', '--endpoint', receiver.url, '--ca-file', ca, '--timezone', 'UTC', f]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `ftplog-otel ship: --ca-file: ${ca} does not hold PEM certificates (-----BEGIN CERTIFICATE-----)\n`);
  });
});
