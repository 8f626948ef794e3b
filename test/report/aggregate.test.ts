import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readLogs } from '../../src/sources/log-files.js';
import { MAX_OPERATIONS, NONE, OTHER_OPERATION, ReportAggregator } from '../../src/report/aggregate.js';
import type { FtpLogRecord } from '../../src/model.js';
import { projectRoot } from '../helpers/paths.js';

const EXAMPLES = join(projectRoot, 'examples', 'logs');

async function records(inputs: string[], options: { stdin?: string; format?: 'eft' | 'ncftpd'; timezone: string }): Promise<FtpLogRecord[]> {
  const out: FtpLogRecord[] = [];
  const source = readLogs(inputs, {
    timezone: options.timezone,
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  });
  for await (const r of source) out.push(r as FtpLogRecord);
  return out;
}

function aggregate(rs: readonly FtpLogRecord[], options: ConstructorParameters<typeof ReportAggregator>[0] = {}): ReportAggregator {
  const agg = new ReportAggregator(options);
  for (const r of rs) agg.add(r);
  return agg;
}

/** An NcFTPd download (R) entry. */
function xfer(second: number, user: string, host: string, bytes: number, status: string): string {
  const t = new Date(Date.UTC(2024, 10, 18) + second * 1000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)} #u1     | R,/pub/f${second}.bin,${bytes},0.010,97.656,${user},,${host},,${status},I,,1731916800,S${second},-1,0,\n`;
}

describe('ReportAggregator', () => {
  it('adds up the bundled examples exactly', async () => {
    const agg = aggregate(await records([join(EXAMPLES, 'cl241118.log'), join(EXAMPLES, 'xfer.20241118')], { timezone: 'America/Chicago' }));
    assert.equal(agg.records, 80);
    assert.equal(agg.parseErrors, 2);
    assert.equal(agg.failures, 11);
    assert.equal(agg.bytes, 44_551_896);
    assert.equal(agg.untimed, 0);
    assert.equal(new Date(agg.first!).toISOString(), '2024-11-18T07:01:52.000Z');
    assert.equal(new Date(agg.last!).toISOString(), '2024-11-18T14:58:52.000Z');
    assert.deepEqual(Object.fromEntries(agg.operations), {
      upload: { success: 25, failure: 3, unknown: 0 },
      download: { success: 21, failure: 5, unknown: 0 },
      mkdir: { success: 2, failure: 0, unknown: 0 },
      list: { success: 10, failure: 2, unknown: 0 },
      rename: { success: 4, failure: 0, unknown: 0 },
      delete: { success: 2, failure: 1, unknown: 0 },
      symlink: { success: 1, failure: 0, unknown: 0 },
      chmod: { success: 2, failure: 0, unknown: 0 },
    });
    assert.deepEqual(
      agg.usersByBytes.top(3).map((e) => [e.key, e.count, e.error]),
      [
        ['jdoe', 24_040_817, 0],
        ['cti-www', 11_682_685, 0],
        ['anonymous', 4_488_875, 0],
      ],
    );
    assert.deepEqual(
      agg.hostsByFailures.top(2).map((e) => [e.key, e.count]),
      [
        ['141.48.190.2', 2],
        ['ftp.lucerne-publishing.ch', 2],
      ],
    );
    assert.deepEqual(agg.errors.top(1)[0], {
      key: 'INCOMPLETE\u0000ncftpd\u0000',
      count: 2,
      error: 0,
      detail: { errorType: 'INCOMPLETE', kind: 'ncftpd', name: 'INCOMPLETE', description: 'Data connection lost' },
    });
    assert.deepEqual(
      agg.errors.top(20).find((e) => e.detail.errorType === 'WSAETIMEDOUT'),
      {
        key: 'WSAETIMEDOUT\u0000winsock\u000010060',
        count: 2,
        error: 0,
        detail: { errorType: 'WSAETIMEDOUT', kind: 'winsock', code: 10060, name: 'WSAETIMEDOUT', description: 'Connection timed out' },
      },
    );
    assert.deepEqual(
      agg.parseErrorReasons.top(5).map((e) => [e.key, e.count]),
      [
        ['expected 9 or 10 fields, found 3', 1],
        ['unknown entry type "X"', 1],
      ],
    );
    assert.deepEqual(agg.days.entries(), [[20045, { records: 78, failures: 11, bytes: 44_551_896 }]]);
    assert.deepEqual(
      agg.hours.entries().map(([h, t]) => [new Date(h * 3_600_000).toISOString().slice(11, 13), t.records, t.failures]),
      [
        ['07', 17, 2],
        ['08', 9, 1],
        ['09', 2, 0],
        ['10', 6, 0],
        ['13', 5, 3],
        ['14', 39, 5],
      ],
    );
  });

  it('finds the true top users and hosts among far more than it tracks, within the bound it reports', async () => {
    const capacity = 100;
    const heavy = ['alice', 'bob', 'carol', 'dave', 'erin'];
    let log = '';
    const failures = new Map<string, number>();
    const bytes = new Map<string, number>();
    const count = (m: Map<string, number>, k: string, n: number): void => {
      if (n > 0) m.set(k, (m.get(k) ?? 0) + n);
    };
    // 30,000 entries: every sixth by one of five heavy users (fails half the
    // time, moves 1 MB), the rest by 8,000 users seen a few times each.
    for (let i = 0; i < 30_000; i++) {
      const isHeavy = i % 6 === 0;
      const user = isHeavy ? heavy[(i / 6) % 5]! : `u${(i * 7919) % 8000}`;
      const failed = isHeavy ? i % 12 === 0 : i % 5 === 0;
      const size = isHeavy ? 1_000_000 + (i % 1000) : 1000 + (i % 97);
      log += xfer(i, user, `${user}.example.net`, size, failed ? 'ABOR' : 'OK');
      if (failed) count(failures, user, 1);
      count(bytes, user, size);
    }
    const rs = await records(['-'], { stdin: log, format: 'ncftpd', timezone: 'UTC' });
    assert.equal(rs.length, 30_000);
    const agg = new ReportAggregator({ capacity });
    let largest = 0;
    for (const r of rs) {
      agg.add(r);
      largest = Math.max(largest, agg.usersByFailures.size, agg.usersByBytes.size, agg.hostsByFailures.size, agg.hostsByBytes.size, agg.errors.size);
    }
    assert.equal(largest, capacity, 'no tracker ever holds more than its capacity');

    const check = (tracker: typeof agg.usersByBytes, truth: Map<string, number>, key: (user: string) => string): void => {
      assert.ok(tracker.evictions > 0, 'the input has more keys than the tracker holds');
      const total = [...truth.values()].reduce((a, b) => a + b, 0);
      assert.equal(tracker.total, total);
      const bound = tracker.floor();
      assert.ok(bound > 0 && bound <= total / capacity, `bound ${bound} within N/capacity ${total / capacity}`);
      const top = tracker.top(5);
      assert.deepEqual(top.map((e) => e.key).sort(), heavy.map(key).sort());
      for (const e of tracker.top(capacity)) {
        const real = truth.get(e.key.replace('.example.net', '')) ?? 0;
        assert.ok(e.count >= real, `${e.key}: ${e.count} >= ${real}`);
        assert.ok(e.count - e.error <= real, `${e.key}: ${e.count} - ${e.error} <= ${real}`);
        assert.ok(e.error <= bound);
      }
    };
    check(agg.usersByFailures, failures, (u) => u);
    check(agg.usersByBytes, bytes, (u) => u);
    check(agg.hostsByFailures, failures, (u) => `${u}.example.net`);
    check(agg.hostsByBytes, bytes, (u) => `${u}.example.net`);
    // Each heavy user failed 500 times: the counts reported are close to it.
    for (const e of agg.usersByFailures.top(5)) assert.ok(e.count >= 500 && e.count - e.error <= 500);
    assert.equal(agg.errors.size, 1);
    assert.equal(agg.errors.evictions, 0);
  });

  it('keeps at most MAX_OPERATIONS operation names, adding up the rest', async () => {
    let log = '';
    for (let i = 0; i < 100; i++) log += `2024-11-18 01:01:${String(i % 60).padStart(2, '0')}; ftp; h; 21; u; C:\\a; /a; op${i}; 226;\n`;
    const agg = aggregate(await records(['-'], { stdin: log, format: 'eft', timezone: 'UTC' }));
    assert.equal(agg.operations.size, MAX_OPERATIONS);
    assert.deepEqual(agg.operations.get(OTHER_OPERATION), { success: 100 - (MAX_OPERATIONS - 1), failure: 0, unknown: 0 });
    assert.deepEqual(agg.operations.get('op0'), { success: 1, failure: 0, unknown: 0 });
  });

  it('counts a failure without user, host or error type under (none)', () => {
    const agg = new ReportAggregator();
    agg.add({ timestamp: undefined, observedTimestamp: 0, severityNumber: 17, severityText: 'ERROR', eventName: 'ftp.download', body: '', attributes: { 'ftp.outcome': 'failure', 'ftp.operation': 'download' } });
    assert.deepEqual(agg.usersByFailures.top(1).map((e) => e.key), [NONE]);
    assert.deepEqual(agg.hostsByFailures.top(1).map((e) => e.key), [NONE]);
    assert.deepEqual(agg.errors.top(1).map((e) => e.detail), [{ errorType: NONE }]);
    assert.equal(agg.untimed, 1);
    assert.equal(agg.days.size, 0);
  });
});

describe('ReportAggregator options', () => {
  it('takes the declared defaults, and refuses a value out of bounds naming the option', () => {
    const agg = new ReportAggregator();
    assert.equal(agg.capacity, 1000);
    assert.equal(agg.days.limit, 31);
    assert.equal(agg.hours.limit, 31 * 24);
    assert.throws(() => new ReportAggregator({ capacity: 5 }), { code: 'ERR_INVALID_OPTION', message: /capacity/ });
    assert.throws(() => new ReportAggregator({ days: 0 }), { code: 'ERR_INVALID_OPTION', message: /days/ });
  });
});
