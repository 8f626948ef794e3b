/** Dead letters sent again as they are: `ship --input jsonl DEAD-LETTER-FILE`. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver, type ReceivedLogRecord } from '../../src/receiver/receiver.js';

const EXAMPLES = join(projectRoot, 'examples', 'logs');

/** Everything a collector keeps of a record, but the observed time. */
function kept(r: ReceivedLogRecord): string {
  return JSON.stringify([r.resource, r.scope, String(r.timeUnixNano), r.severityNumber, r.severityText, r.eventName, r.body, r.attributes, r.attributeKinds]);
}

describe('replaying the dead-letter file', () => {
  let receivers: OtlpReceiver[];
  let dir: string;
  beforeEach(async () => {
    receivers = [await startReceiver(), await startReceiver(), await startReceiver()];
    dir = mkdtempSync(join(tmpdir(), 'ftplog-replay-'));
  });
  afterEach(async () => {
    for (const r of receivers) await r.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const protocol of ['http/protobuf', 'http/json']) {
    it(`sends the refused records exactly as a clean run does (${protocol})`, async () => {
      const [refusing, later, clean] = receivers as [OtlpReceiver, OtlpReceiver, OtlpReceiver];
      refusing.setBehavior({ status: 400 });
      const dead = join(dir, 'dead.jsonl');
      const common = ['--protocol', protocol, '--timezone', 'America/Chicago', '--dead-letter', dead];
      const first = await cli(['ship', '--endpoint', refusing.url, ...common, EXAMPLES]);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /accepted 0, rejected by collector 0, dead-lettered 80, not delivered 0/);
      const lines = readFileSync(dead, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { record: { observedTimestamp: string; body: string } });
      assert.equal(lines.length, 80);

      const replay = await cli(['ship', '--endpoint', later.url, '--protocol', protocol, '--input', 'jsonl', '--dead-letter', join(dir, 'again.jsonl'), dead]);
      assert.equal(replay.code, 0, replay.stderr);
      // The summary counts the records by what they were: 67 success, 11 failure, 2 parse errors.
      assert.match(replay.stderr, /1 input\(s\), 80 lines, 80 records \(success 67, failure 11, unknown 0, parse errors 2\)/);
      assert.match(replay.stderr, /accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0/);

      const ok = await cli(['ship', '--endpoint', clean.url, ...common, EXAMPLES]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(later.records.length, 80);
      assert.equal(clean.records.length, 80);
      assert.deepEqual(later.records.map(kept).sort(), clean.records.map(kept).sort());
      // Observed when first read, not when sent again.
      const observed = new Map(lines.map((l) => [l.record.body, BigInt(Date.parse(l.record.observedTimestamp)) * 1_000_000n]));
      for (const r of later.records) assert.equal(r.observedTimeUnixNano, observed.get(r.body as string), r.body as string);
    });
  }

  it("parse's output shipped with --input jsonl counts its records by outcome and parse errors, with --workers 0 and the default", async () => {
    const parsed = await cli(['parse', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(parsed.code, 0, parsed.stderr);
    const records = join(dir, 'records.jsonl');
    writeFileSync(records, parsed.stdout);
    for (const workers of [['--workers', '0'], []]) {
      const r = await cli(['ship', '--endpoint', receivers[0]!.url, '--input', 'jsonl', '--dead-letter', join(dir, 'd.jsonl'), ...workers, records]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.split('\n')[1], 'ftplog-otel ship: 1 input(s), 80 lines, 80 records (success 67, failure 11, unknown 0, parse errors 2)');
      assert.match(r.stderr, /accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0;/);
    }
    assert.equal(receivers[0]!.records.length, 160);
  });

  it('reads a file mixing records written by parse, dead-letter lines and broken lines', async () => {
    const parsed = await cli(['parse', '--timezone', 'UTC', join(EXAMPLES, 'cl241118.log')]);
    const [record1, record2] = parsed.stdout.trimEnd().split('\n');
    const deadLine = JSON.stringify({ time: '2026-01-01T00:00:00.000Z', reason: 'HTTP 400: x', status: 400, endpoint: 'http://h/v1/logs', record: JSON.parse(record2!) });
    const r = await cli(['ship', '--endpoint', receivers[0]!.url, '--input', 'jsonl', '--dead-letter', join(dir, 'd.jsonl'), '-'], {
      stdin: [record1, deadLine, '{"not":"a record"}', 'not json', ''].join('\n'),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receivers[0]!.records.length, 4);
    assert.deepEqual(
      receivers[0]!.records.map((x) => x.eventName),
      [JSON.parse(record1!).eventName, JSON.parse(record2!).eventName, 'ftplog.parse_error', 'ftplog.parse_error'],
    );
    assert.match(r.stderr, /4 lines, 4 records \(success 2, failure 0, unknown 0, parse errors 2\)/);
  });
});
