import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogFile } from '../../bench/generate.js';
import type { JsonRecord } from '../../src/jsonl/record-json.js';
import { projectRoot } from '../helpers/paths.js';
import { Collector, collectorBinary, freePort, QUIET_TELEMETRY, readExported, runFtplog, waitForExported, type CliRun, type ExportedRecord } from './collector.js';
import { canonicalExpected, canonicalExported, kindsByAttribute } from './otlp-json.js';

/**
 * The Collector's fileexporter is the oracle: what ftplog-otel ships must
 * arrive exactly as `ftplog-otel parse` prints it, whatever the transport.
 */

const RESOURCE_EXTRA = { 'deployment.environment.name': 'e2e' };
const SCOPE = { name: 'ftplog-otel' };
const TIMEZONE = 'America/Chicago';

/**
 * The README's attribute table as OTLP value kinds, written out here rather
 * than taken from src/schema.ts, so that a type changed on both sides of the
 * comparison still fails. The inputs produce every attribute.
 */
const ATTRIBUTE_KINDS: Record<string, string> = {
  'client.address': 'stringValue',
  'eft.action_result': 'intValue',
  'eft.outcome_mismatch': 'boolValue',
  'error.type': 'stringValue',
  'file.mode': 'stringValue',
  'file.path': 'stringValue',
  'ftp.extra': 'stringValue',
  'ftp.list.pattern': 'stringValue',
  'ftp.list.recursive': 'boolValue',
  'ftp.local.path': 'stringValue',
  'ftp.log.format': 'stringValue',
  'ftp.operation': 'stringValue',
  'ftp.outcome': 'stringValue',
  'ftp.status.code': 'intValue',
  'ftp.status.description': 'stringValue',
  'ftp.status.kind': 'stringValue',
  'ftp.status.name': 'stringValue',
  'ftp.target.path': 'stringValue',
  'ftp.transfer.bytes': 'intValue',
  'ftp.transfer.duration': 'doubleValue',
  'ftp.transfer.notes': 'arrayValue',
  'ftp.transfer.rate': 'doubleValue',
  'ftp.transfer.start_offset': 'intValue',
  'ftp.transfer.start_size': 'intValue',
  'ftp.transfer.start_time': 'intValue',
  'ftp.transfer.suffix': 'stringValue',
  'ftp.transfer.type': 'stringValue',
  'ftplog.error': 'stringValue',
  'http.response.status_code': 'intValue',
  'log.file.name': 'stringValue',
  'log.file.path': 'stringValue',
  'log.file.record_number': 'intValue',
  'ncftpd.process': 'stringValue',
  'network.protocol.name': 'stringValue',
  'server.address': 'stringValue',
  'server.port': 'intValue',
  'session.id': 'stringValue',
  'user.email': 'stringValue',
  'user.name': 'stringValue',
};

/** Records in one list and not the other (a multiset difference), as objects, at most `limit` of each. */
function difference(actual: string[], expected: string[], limit = 3): { missing: unknown[]; unexpected: unknown[] } {
  const counts = new Map<string, number>();
  for (const e of expected) counts.set(e, (counts.get(e) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const a of actual) {
    const n = counts.get(a) ?? 0;
    if (n === 0) unexpected.push(a);
    else counts.set(a, n - 1);
  }
  const missing = [...counts].flatMap(([e, n]) => Array<string>(n).fill(e));
  return { missing: missing.slice(0, limit).map((s) => JSON.parse(s)), unexpected: unexpected.slice(0, limit).map((s) => JSON.parse(s)) };
}

function fileConfig(port: number, grpcPort: number, out: string): object {
  return {
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` }, grpc: { endpoint: `127.0.0.1:${grpcPort}` } } } },
    exporters: { file: { path: out, format: 'json', flush_interval: '100ms' } },
    service: { telemetry: QUIET_TELEMETRY, pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } } },
  };
}

describe('e2e: ship through a real OpenTelemetry Collector arrives as parse prints it', function () {
  let binary: string;
  let dir: string;
  let inputs: string[];
  let parsed: JsonRecord[];
  let parsedJsonl: string;
  let expected: string[];
  let collector: Collector | undefined;

  before(async function () {
    binary = await collectorBinary(this);
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'ftplog-e2e-fidelity-'));
    // Quirks at rates far above real logs: malformed and cut-short lines, `;`
    // in names, ACTION_RESULT contradicting the code, a header, nine columns
    // with CRLF, NcFTPd milliseconds and the old layout, and both DST changes
    // of America/Chicago (2024-03-10 and 2024-11-03).
    const gen = join(dir, 'generated');
    await writeLogFile(join(gen, 'cl240309.log'), {
      format: 'eft',
      lines: 2500,
      seed: 'e2e-eft',
      eft: { columns: 10, header: true, malformedRate: 0.02, failureRate: 0.2, mismatchRate: 0.02, semicolonNameRate: 0.03, zone: TIMEZONE, start: '2024-03-09 12:00:00', meanGapSeconds: 60 },
    });
    await writeLogFile(join(gen, 'cl241102.log'), {
      format: 'eft',
      lines: 600,
      seed: 'e2e-eft-9',
      crlf: true,
      eft: { columns: 9, header: false, malformedRate: 0.02, failureRate: 0.2, semicolonNameRate: 0.03, zone: TIMEZONE, start: '2024-11-02 22:00:00', meanGapSeconds: 60 },
    });
    await writeLogFile(join(gen, 'xfer.20241102'), {
      format: 'ncftpd',
      lines: 2500,
      seed: 'e2e-ncftpd',
      ncftpd: { malformedRate: 0.02, zone: TIMEZONE, start: '2024-11-02 12:00:00', meanGapSeconds: 60, millisecondsRate: 0.2, oldFormatRate: 0.02 },
    });
    inputs = [join(projectRoot, 'examples', 'logs'), gen];
    const parse = await runFtplog(['parse', '--timezone', TIMEZONE, ...inputs]);
    assert.equal(parse.code, 0, parse.stderr);
    parsedJsonl = join(dir, 'parsed.jsonl');
    writeFileSync(parsedJsonl, parse.stdout);
    parsed = parse.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonRecord);
    expected = parsed.map((r) => canonicalExpected(r, RESOURCE_EXTRA, SCOPE));
  });

  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await collector?.dispose();
    collector = undefined;
  });

  it('the inputs cover what the comparison must see', () => {
    // 80 example lines plus 5,600 generated ones, less one header and three
    // blank lines, which are skipped (and counted), not records.
    assert.equal(parsed.length, 5676);
    const events = new Set(parsed.map((r) => r.eventName));
    for (const e of ['ftp.upload', 'ftp.download', 'ftp.list', 'ftp.delete', 'ftp.mkdir', 'ftp.rename', 'ftp.chmod', 'ftp.symlink', 'ftplog.parse_error']) assert.ok(events.has(e), e);
    // One in each example file, the rest in the generated ones (malformed lines, two lines glued by a lost line end).
    const parseErrors = parsed.filter((r) => r.eventName === 'ftplog.parse_error');
    assert.equal(parseErrors.length, 94);
    // Most keep the time their line shows; those that show none have none, and both must arrive as they are.
    assert.equal(parseErrors.filter((r) => r.timestamp === null).length, 47);
    // A double attribute with an integral value must still arrive as a double.
    assert.ok(parsed.some((r) => Number.isInteger(r.attributes['ftp.transfer.duration'])));
    assert.ok(parsed.some((r) => r.attributes['eft.outcome_mismatch'] === true));
    assert.ok(parsed.some((r) => String(r.attributes['file.path'] ?? '').includes(';')));
  });

  /**
   * Starts a Collector writing to a new file; ships with `args` to its
   * OTLP/HTTP receiver, or its OTLP/gRPC one with `grpc`; returns the run
   * and what the Collector wrote.
   */
  async function shipThrough(args: string[], grpc = false): Promise<{ ship: CliRun; got: ExportedRecord[] }> {
    const port = await freePort();
    const grpcPort = await freePort();
    const out = join(dir, `out-${port}.jsonl`);
    collector = await Collector.start(binary, { config: fileConfig(port, grpcPort, out), readyPort: grpc ? grpcPort : port });
    const ship = await runFtplog(['ship', '--endpoint', `http://127.0.0.1:${grpc ? grpcPort : port}`, '--timezone', TIMEZONE, '--batch-size', '500', '--dead-letter', join(dir, 'dead-letter.jsonl'), ...args], {
      env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e' },
    });
    assert.equal(ship.code, 0, ship.stderr);
    assert.match(ship.stderr, new RegExp(`accepted ${parsed.length.toLocaleString('en-US')}, rejected by collector 0, dead-lettered 0, not delivered 0;`));
    await waitForExported(out, parsed.length);
    assert.equal(await collector.stop(), 0, collector.output);
    return { ship, got: readExported(out) };
  }

  for (const t of [
    { name: 'http/protobuf', args: ['--protocol', 'http/protobuf'] },
    { name: 'http/json', args: ['--protocol', 'http/json'] },
    { name: 'http/protobuf with gzip, on 2 worker threads', args: ['--compression', 'gzip', '--workers', '2'] },
    { name: 'http/json with gzip', args: ['--protocol', 'http/json', '--compression', 'gzip'] },
    { name: 'grpc', args: ['--protocol', 'grpc'], grpc: true },
    { name: 'grpc with gzip, on 2 worker threads', args: ['--protocol', 'grpc', '--compression', 'gzip', '--workers', '2'], grpc: true },
  ]) {
    it(`${t.name}: every record arrives once, equal to parse's, with its types, resource and scope`, async () => {
      const { ship, got } = await shipThrough([...t.args, ...inputs], t.grpc === true);
      assert.equal(got.length, parsed.length);

      // Observed times differ from parse's run: each must be the shipper's own
      // reading, in milliseconds, taken while it ran.
      const from = BigInt(ship.startedMs) * 1_000_000n;
      const to = BigInt(ship.endedMs) * 1_000_000n;
      for (const e of got) {
        const observed = BigInt(e.record['observedTimeUnixNano'] as string);
        assert.ok(observed >= from && observed <= to && observed % 1_000_000n === 0n, `observedTimeUnixNano ${observed} not a millisecond in [${from}, ${to}]`);
      }

      assert.deepEqual(difference(got.map((e) => canonicalExported(e)), expected), { missing: [], unexpected: [] });
      assert.deepEqual(kindsByAttribute(got), ATTRIBUTE_KINDS);
    });
  }

  it("parse's own JSONL shipped with --input jsonl arrives identical, observed times included", async () => {
    // The one way two runs share observed times: ship the records parse wrote.
    const { got } = await shipThrough(['--input', 'jsonl', parsedJsonl]);
    assert.equal(got.length, parsed.length);
    const exact = parsed.map((r) => canonicalExpected(r, RESOURCE_EXTRA, SCOPE, true));
    assert.deepEqual(difference(got.map((e) => canonicalExported(e, true)), exact), { missing: [], unexpected: [] });
    assert.deepEqual(kindsByAttribute(got), ATTRIBUTE_KINDS);
  });
});
