import assert from 'node:assert/strict';
import { buildReport, reportJson, REPORT_VERSION } from '../../src/report/report.js';
import { ReportAggregator } from '../../src/report/aggregate.js';
import type { FtpLogRecord } from '../../src/model.js';

const NO_INPUT = { inputs: 1, lines: 3, skippedHeader: 0, skippedBlank: 0, truncated: 0, unrecognised: 0, invalidUtf8: 0 };

function failure(user: string, at: number): FtpLogRecord {
  return {
    timestamp: at,
    observedTimestamp: 0,
    severityNumber: 17,
    severityText: 'ERROR',
    eventName: 'ftp.list',
    body: '',
    attributes: { 'ftp.operation': 'list', 'ftp.outcome': 'failure', 'error.type': 'ftp_530', 'ftp.status.kind': 'ftp_reply', 'ftp.status.code': 530, 'ftp.status.description': 'Not logged in', 'user.name': user },
  };
}

describe('stats report', () => {
  it('ranks the busiest hours by records, ties by time, and days oldest first', () => {
    const agg = new ReportAggregator();
    const h = (day: number, hour: number): number => Date.UTC(2024, 10, day, hour, 30);
    for (const t of [h(19, 3), h(18, 9), h(18, 9), h(18, 1), h(19, 3)]) agg.add(failure('u', t));
    const r = buildReport(agg, NO_INPUT, 2);
    assert.deepEqual(
      r.busiestHours.rows.map((x) => [x.hour, x.records]),
      [
        ['2024-11-18T09:00Z', 2],
        ['2024-11-19T03:00Z', 2],
      ],
    );
    assert.deepEqual(
      r.days.rows.map((x) => [x.day, x.records, x.failures]),
      [
        ['2024-11-18', 3, 3],
        ['2024-11-19', 2, 2],
      ],
    );
    assert.equal(r.version, REPORT_VERSION);
    assert.deepEqual(r.errors.top, [{ errorType: 'ftp_530', kind: 'ftp_reply', code: 530, description: 'Not logged in', count: 5, error: 0 }]);
    assert.deepEqual(r.users.byFailures, { capacity: 1000, tracked: 1, total: 5, exact: true, maxError: 0, top: [{ name: 'u', count: 5, error: 0 }] });
    assert.equal(r.first, '2024-11-18T01:30:00.000Z');
  });

  it('writes terminal controls JSON leaves raw as \\u escapes, so the document is safe to print and parses to the same names', () => {
    const agg = new ReportAggregator();
    const name = 'a\x1b\x9b\u202e\u2028\u2066z';
    agg.add(failure(name, 0));
    const text = reportJson(buildReport(agg, NO_INPUT, 10));
    assert.ok(text.includes('"name": "a\\u001b\\u009b\\u202e\\u2028\\u2066z"'), text);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/);
    assert.equal((JSON.parse(text) as { users: { byFailures: { top: { name: string }[] } } }).users.byFailures.top[0]!.name, name);
    assert.ok(text.endsWith('}\n'));
  });
});
