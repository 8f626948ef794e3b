import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { spawnSync } from 'node:child_process';
import { eftLines, ncftpdLines } from '../helpers/lines.js';
import { startReceiver, type OtlpReceiver, type ReceivedLogRecord } from '../../src/receiver/receiver.js';
import { AUTO_WORKERS_MIN_BYTES, stdinFileBytes, workersOption } from '../../src/sources/source.js';

const FIXTURES = [
  fixture('eft', 'eft-client-vendor.log'),
  fixture('eft', 'eft-client-headers.txt'),
  fixture('ncftpd', 'ncftpd-xfer-vendor.log'),
  fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'),
];

function withoutObserved(text: string): string {
  return text.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
}

/** The summary line without its elapsed time. */
function summary(stderr: string): string {
  return stderr.replace(/, [\d.]+ s(?=[ \n(])/g, ', T s').replace(/; [\d.]+ s, [\d,]+ records\/s/g, '; T s, R records/s');
}

/** What a collector got, apart from the observed time. */
function shape(records: readonly ReceivedLogRecord[]): unknown[] {
  return records.map((r) => ({
    resource: r.resource,
    scope: r.scope,
    time: r.timeUnixNano,
    severity: [r.severityNumber, r.severityText],
    eventName: r.eventName,
    body: r.body,
    attributes: r.attributes,
    attributeKinds: r.attributeKinds,
  }));
}

describe('ftplog-otel --workers', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-workers-'));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parse --workers 2 writes the JSONL and summary of --workers 0', async () => {
    const big = join(dir, 'cl241118.log');
    writeFileSync(big, '\uFEFF' + eftLines(1000));
    const files = [...FIXTURES, big];
    const serial = await cli(['parse', '--workers', '0', '--timezone', 'America/Chicago', ...files]);
    const threads = await cli(['parse', '--workers', '2', '--timezone', 'America/Chicago', ...files]);
    assert.equal(serial.code, 0, serial.stderr);
    assert.equal(threads.code, 0, threads.stderr);
    assert.equal(serial.stdout.split('\n').length, 1000 + 11 + 1);
    assert.equal(withoutObserved(threads.stdout), withoutObserved(serial.stdout));
    assert.equal(summary(threads.stderr), summary(serial.stderr));
    assert.match(threads.stderr, /5 input\(s\), [\d,]+ lines, 1,011 records/);
  });

  it('parse --workers 2 as a process: chunks written to its stdout go back to the workers, and the output is the same', async () => {
    // Written to the process's own stdout (a pipe here), each JSONL chunk is
    // handed back to the workers once written, and later lines go into it.
    const big = join(dir, 'cl241118.log');
    writeFileSync(big, eftLines(20000));
    const files = [...FIXTURES, big];
    const serial = await cli(['parse', '--workers', '0', '--timezone', 'America/Chicago', ...files]);
    const child = spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'bin.js'), 'parse', '--workers', '2', '--timezone', 'America/Chicago', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(serial.stdout.split('\n').length, 20000 + 11 + 1);
    assert.equal(withoutObserved(child.stdout), withoutObserved(serial.stdout));
    assert.equal(summary(child.stderr), summary(serial.stderr));
  });

  it('parse --workers 2 reads stdin like --workers 0', async () => {
    const input = eftLines(50) + 'not a log line\n';
    const serial = await cli(['parse', '--workers', '0', '--timezone', 'UTC', '--format', 'eft', '-'], { stdin: input });
    const threads = await cli(['parse', '--workers', '2', '--timezone', 'UTC', '--format', 'eft', '-'], { stdin: input });
    assert.equal(threads.code, 0, threads.stderr);
    assert.equal(withoutObserved(threads.stdout), withoutObserved(serial.stdout));
    assert.equal(summary(threads.stderr), summary(serial.stderr));
  });

  it('parse --workers 2 and --workers 0 read lone-CR files (EFT and NcFTPd, 1,000 lines each), and the same on stdin: every line a record, no parse errors, the same output', async () => {
    const eft = join(dir, 'cl241120.log');
    const ncftpd = join(dir, 'xfer.cr.log');
    const eftText = eftLines(1000).replace(/\n/g, '\r');
    const ncftpdText = ncftpdLines(1000).replace(/\n/g, '\r');
    writeFileSync(eft, eftText);
    writeFileSync(ncftpd, ncftpdText);
    const bodies = [...eftText.split('\r').slice(0, 1000), ...ncftpdText.split('\r').slice(0, 1000)];
    const serial = await cli(['parse', '--workers', '0', '--timezone', 'UTC', eft, ncftpd]);
    const threads = await cli(['parse', '--workers', '2', '--timezone', 'UTC', eft, ncftpd]);
    for (const r of [serial, threads]) {
      assert.equal(r.code, 0, r.stderr);
      const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { eventName: string; body: string });
      assert.equal(records.length, 2000);
      assert.deepEqual(records.map((x) => x.body), bodies);
      assert.equal(records.filter((x) => x.eventName === 'ftplog.parse_error').length, 0);
      assert.match(r.stderr, /2 input\(s\), 2,000 lines, 2,000 records \(success 2,000, failure 0, unknown 0, parse errors 0\);/);
    }
    assert.equal(withoutObserved(threads.stdout), withoutObserved(serial.stdout));
    assert.equal(summary(threads.stderr), summary(serial.stderr));
    for (const text of [eftText, ncftpdText]) {
      const viaStdin0 = await cli(['parse', '--workers', '0', '--timezone', 'UTC', '-'], { stdin: text });
      const viaStdin2 = await cli(['parse', '--workers', '2', '--timezone', 'UTC', '-'], { stdin: text });
      assert.equal(viaStdin0.code, 0, viaStdin0.stderr);
      assert.equal(viaStdin0.stdout.trimEnd().split('\n').length, 1000);
      assert.match(viaStdin0.stderr, /1 input\(s\), 1,000 lines, 1,000 records \(success 1,000, failure 0, unknown 0, parse errors 0\);/);
      assert.equal(withoutObserved(viaStdin2.stdout), withoutObserved(viaStdin0.stdout));
      assert.equal(summary(viaStdin2.stderr), summary(viaStdin0.stderr));
    }
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`ship --workers 2 delivers the records of --workers 0 (${protocol})`, async () => {
      const args = ['ship', '--endpoint', receiver.url, '--protocol', protocol, '--timezone', 'America/Chicago', '--batch-size', '2', '--max-in-flight', '1', '--dead-letter', join(dir, 'dead.jsonl'), ...FIXTURES];
      const serial = await cli([args[0]!, '--workers', '0', ...args.slice(1)]);
      assert.equal(serial.code, 0, serial.stderr);
      const expected = shape(receiver.records);
      assert.equal(expected.length, 2 + 2 + 7);
      receiver.clear();
      const threads = await cli([args[0]!, '--workers', '2', ...args.slice(1)]);
      assert.equal(threads.code, 0, threads.stderr);
      assert.deepEqual(shape(receiver.records), expected);
      assert.match(threads.stderr, /accepted 11, rejected by collector 0, dead-lettered 0, not delivered 0/);
    });
  }

  it('--workers must be auto or an integer from 0 to 64 (usage error, exit 2)', async () => {
    for (const bad of ['x', '-1', '65', '1.5', '']) {
      for (const command of ['parse', 'ship']) {
        const r = await cli([command, `--workers=${bad}`, fixture('eft', 'eft-client-vendor.log')]);
        assert.equal(r.code, 2, `${command} --workers ${JSON.stringify(bad)}: ${r.stderr}`);
        assert.match(r.stderr, /--workers must be auto or an integer from 0 to 64 \(got "[^"]*"\)\n$/);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1);
        assert.equal(r.stdout, '');
      }
    }
    assert.equal(receiver.requests.length, 0);
  });

  it('--workers auto: no threads for small files and stdin', () => {
    assert.equal(workersOption(undefined, FIXTURES), 0);
    assert.equal(workersOption('auto', FIXTURES), 0);
    assert.equal(workersOption('auto', ['-']), 0);
    assert.equal(workersOption('3', ['-']), 3);
    assert.equal(workersOption('0', FIXTURES), 0);
  });

  it('--workers auto: stdin redirected from a large regular file counts like that file; a pipe or a small file does not', async () => {
    const threads = Math.min(availableParallelism(), 8);
    assert.equal(workersOption('auto', ['-'], AUTO_WORKERS_MIN_BYTES), threads);
    assert.equal(workersOption(undefined, [...FIXTURES, '-'], AUTO_WORKERS_MIN_BYTES), threads);
    assert.equal(workersOption('auto', ['-'], AUTO_WORKERS_MIN_BYTES - 1), 0);
    assert.equal(workersOption('auto', ['-'], undefined), 0);
    assert.equal(workersOption('0', ['-'], AUTO_WORKERS_MIN_BYTES), 0);

    const dir = mkdtempSync(join(tmpdir(), 'ftplog-stdin-'));
    const big = join(dir, 'big.log');
    writeFileSync(big, '');
    truncateSync(big, AUTO_WORKERS_MIN_BYTES + 5); // sparse: no 16 MiB written
    // The streams own their descriptors and close them when destroyed.
    const fileStdin = createReadStream('', { fd: openSync(big, 'r') });
    const charDevice = createReadStream('', { fd: openSync('/dev/null', 'r') });
    try {
      assert.equal(stdinFileBytes(fileStdin), AUTO_WORKERS_MIN_BYTES + 5);
      assert.equal(stdinFileBytes(charDevice), undefined);
      assert.equal(stdinFileBytes(Readable.from(['x'])), undefined);
      assert.equal(stdinFileBytes(undefined), undefined);
    } finally {
      fileStdin.destroy();
      charDevice.destroy();
      await Promise.all([once(fileStdin, 'close'), once(charDevice, 'close')]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
