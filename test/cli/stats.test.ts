import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import type { StatsReport } from '../../src/report/report.js';

const EXAMPLES = join(projectRoot, 'examples', 'logs');
const TABLE = readFileSync(fixture('stats', 'examples.txt'), 'utf8');
const JSON_REPORT = readFileSync(fixture('stats', 'examples.json'), 'utf8');

/** An NcFTPd download (R) entry, `second` seconds after 2024-11-18 00:00:00. */
function xfer(second: number, user: string, host: string, bytes: number, status: string): string {
  const t = new Date(Date.UTC(2024, 10, 18) + second * 1000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)} #u1     | R,/pub/f${second}.bin,${bytes},0.010,97.656,${user},,${host},,${status},I,,1731916800,S${second},-1,0,\n`;
}

describe('ftplog-otel stats', () => {
  it('sums up the examples as a table', async () => {
    const r = await cli(['stats', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, TABLE);
    assert.match(r.stderr, /^ftplog-otel stats: 2 input\(s\), 80 lines, 80 records \(success 67, failure 11, unknown 0, parse errors 2\); [\d.]+ s, [\d,]+ records\/s\n$/);
  });

  it('sums up the examples as one JSON document', async () => {
    const r = await cli(['stats', '--json', '--quiet', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, JSON_REPORT);
    const report = JSON.parse(r.stdout) as StatsReport;
    assert.equal(report.version, 1);
    assert.equal(report.records, 80);
    assert.equal(report.failures, 11);
    assert.equal(report.parseErrors.count, 2);
    assert.equal(report.bytes, 44_551_896);
    assert.deepEqual(report.users.byBytes.top[0], { name: 'jdoe', count: 24_040_817, error: 0 });
    assert.deepEqual(report.errors.top.find((e) => e.errorType === 'ftp_530'), { errorType: 'ftp_530', kind: 'ftp_reply', code: 530, description: 'Not logged in', count: 1, error: 0 });
  });

  it('takes no --workers: records are counted on the main thread', async () => {
    const r = await cli(['stats', '--workers', '2', EXAMPLES]);
    assert.deepEqual(r, { code: 2, stdout: '', stderr: "ftplog-otel stats: Unknown option '--workers'\n" });
  });

  it('reads the days and hours of the log in the zone --timezone names', async () => {
    const utc = JSON.parse((await cli(['stats', '--json', '--quiet', '--timezone', 'UTC', join(EXAMPLES, 'xfer.20241118')])).stdout) as StatsReport;
    assert.equal(utc.first, '2024-11-18T08:12:56.000Z');
    assert.deepEqual(utc.busiestHours.rows[0], { hour: '2024-11-18T08:00Z', records: 39, failures: 5, bytes: 44_551_896 });
  });

  it('never sends a control character from a log to the terminal', async () => {
    const evil = 'evil\x1b[2J\u202e\x9b';
    const log = xfer(1, evil, 'host\x07', 5, 'ABOR') + xfer(2, 'ok', 'h', 7, 'OK') + `garbage\x1b]0;title\x07\n`;
    const table = await cli(['stats', '--quiet', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    assert.equal(table.code, 0, table.stderr);
    assert.doesNotMatch(table.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(table.stdout, /^ {2}evil\\x1b\[2J\\u202e\\x9b +1$/m);
    assert.match(table.stdout, /^ {2}host\\x07 +1$/m);
    const json = await cli(['stats', '--json', '--quiet', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    assert.doesNotMatch(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(json.stdout, /"name": "evil\\u001b\[2J\\u202e\\u009b"/);
    const report = JSON.parse(json.stdout) as StatsReport;
    assert.equal(report.users.byFailures.top[0]!.name, evil, 'the JSON value is the name as logged');
    assert.equal(report.parseErrors.count, 1);
  });

  it('cuts a long name to its column', async () => {
    const long = 'u'.repeat(40);
    const r = await cli(['stats', '--quiet', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: xfer(1, long, 'h', 5, 'ABOR') });
    assert.match(r.stdout, new RegExp(`^ {2}${'u'.repeat(31)}… {11}1$`, 'm'));
  });

  it('says a list is approximate when there are more names than --capacity, and by how much', async () => {
    let log = '';
    const heavy = ['alice', 'bob', 'carol'];
    // Every other entry a failure of a heavy user (200 each, above 1200 / capacity); the rest one failure each of 600 others.
    for (let i = 0; i < 1200; i++) log += i % 2 === 0 ? xfer(i, heavy[(i / 2) % 3]!, 'h1', 100, 'NOENT') : xfer(i, `u${i}`, 'h2', 1, 'NOENT');
    const r = await cli(['stats', '--json', '--quiet', '--capacity', '10', '--top', '3', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    assert.equal(r.code, 0, r.stderr);
    const list = (JSON.parse(r.stdout) as StatsReport).users.byFailures;
    assert.equal(list.capacity, 10);
    assert.equal(list.tracked, 10);
    assert.equal(list.total, 1200);
    assert.equal(list.exact, false);
    assert.ok(list.maxError > 0 && list.maxError <= 1200 / 10);
    assert.deepEqual(list.top.map((e) => e.name).sort(), heavy);
    for (const e of list.top) assert.ok(e.count >= 200 && e.count - e.error <= 200 && e.error <= list.maxError, JSON.stringify(e));
    const table = await cli(['stats', '--quiet', '--capacity', '10', '--top', '3', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    const section = table.stdout.split('\n\n').find((s) => s.startsWith('Users by failures\n'))!;
    const lines = section.split('\n');
    assert.equal(
      lines[1],
      `  approximate (more users than the 10 tracked): a count may be up to ${list.maxError} over, and one not listed has at most ${list.maxError}`,
    );
    assert.equal(lines[2], '  user                                failures   over by ≤');
    assert.equal(lines.length, 6);
    for (const [i, e] of list.top.entries()) assert.equal(lines[3 + i], `  ${e.name.padEnd(32)}  ${String(e.count).padStart(10)}  ${String(e.error).padStart(10)}`);
    // Bytes: two hosts only, counted exactly.
    assert.equal(
      table.stdout.split('\n\n').find((s) => s.startsWith('Hosts by bytes\n')),
      ['Hosts by bytes', `  ${'host'.padEnd(32)}  ${'bytes'.padStart(10)}`, `  ${'h1'.padEnd(32)}  ${'58.6 KiB'.padStart(10)}`, `  ${'h2'.padEnd(32)}  ${'600 B'.padStart(10)}`].join('\n'),
    );
  });

  it('keeps the most recent --days days and adds up the earlier ones', async () => {
    let log = '';
    for (let d = 0; d < 4; d++) log += xfer(d * 86_400 + 3600, 'u', 'h', 10 ** d, d === 0 ? 'PERM' : 'OK');
    const r = await cli(['stats', '--json', '--quiet', '--days', '2', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as StatsReport;
    assert.deepEqual(report.days, {
      limit: 2,
      rows: [
        { day: '2024-11-20', records: 1, failures: 0, bytes: 100 },
        { day: '2024-11-21', records: 1, failures: 0, bytes: 1000 },
      ],
      earlier: { records: 2, failures: 1, bytes: 11 },
    });
    assert.equal(report.busiestHours.limit, 48);
    // Four hours with records: none left out of the 48 ranked.
    assert.deepEqual(report.busiestHours.earlier, { records: 0, failures: 0, bytes: 0 });
    assert.deepEqual(report.busiestHours.rows.map((h) => h.hour), ['2024-11-18T01:00Z', '2024-11-19T01:00Z', '2024-11-20T01:00Z', '2024-11-21T01:00Z']);
    const table = await cli(['stats', '--quiet', '--days', '2', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: log });
    assert.equal(
      table.stdout.split('\n\n').find((s) => s.startsWith('Bytes per day')),
      [
        'Bytes per day (UTC)',
        '  days before the 2 most recent with records are added up as "earlier"',
        '  day            records    failures       bytes',
        '  earlier              2           1        11 B',
        '  2024-11-20           1           0       100 B',
        '  2024-11-21           1           0     1,000 B',
      ].join('\n'),
    );
  });

  it('reports an empty input with every section empty', async () => {
    const r = await cli(['stats', '--quiet', '--format', 'eft', '--timezone', 'UTC', '-'], { stdin: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], '1 input(s), 0 lines, 0 records, 0 failures, 0 parse errors, 0 B transferred');
    assert.equal(r.stdout.match(/^ {2}\(none\)$/gm)?.length, 9);
  });

  it('reports what it read, and says so, when a signal stops it (exit 130)', async () => {
    const stop = new AbortController();
    stop.abort(new Error('received SIGINT'));
    const json = await cli(['stats', '--json', '--quiet', EXAMPLES], { signal: stop.signal });
    assert.equal(json.code, 130);
    const report = JSON.parse(json.stdout) as StatsReport;
    assert.equal(report.interrupted, true);
    assert.equal(report.records, 0);
    const table = await cli(['stats', EXAMPLES], { signal: stop.signal });
    assert.equal(table.code, 130);
    assert.equal(table.stdout.split('\n')[0], 'interrupted: the report is of what was read before the signal');
    assert.match(table.stderr, / \(interrupted\)\n$/);
  });

  it('refuses a --capacity below --top (exit 2)', async () => {
    const r = await cli(['stats', '--top', '50', '--capacity', '20', EXAMPLES]);
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'ftplog-otel stats: --capacity (20) must be at least --top (50)\n' });
  });

  it('lists its options in --help', async () => {
    const r = await cli(['stats', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--json', '--top N', '--capacity N', '--days N', '--timezone TZ', '--encoding E', '--exclude GLOB', '--quiet']) assert.ok(r.stdout.includes(`  ${flag} `), flag);
    assert.ok(!r.stdout.includes('--workers'));
  });
});
