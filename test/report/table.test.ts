import assert from 'node:assert/strict';
import { cell, formatBytes, reportTable } from '../../src/report/table.js';
import { buildReport } from '../../src/report/report.js';
import { ReportAggregator } from '../../src/report/aggregate.js';

const NO_INPUT = { inputs: 0, lines: 0, skippedHeader: 0, skippedBlank: 0, truncated: 0, unrecognised: 0, invalidUtf8: 0 };

describe('report table', () => {
  it('writes bytes in binary units', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [1023, '1,023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [24_040_817, '22.9 MiB'],
      [3.5 * 1024 ** 4, '3.5 TiB'],
      [2 * 1024 ** 6, '2048.0 PiB'],
    ];
    for (const [n, text] of cases) assert.equal(formatBytes(n), text, String(n));
  });

  it('escapes a cell and cuts it to its width, counting characters rather than UTF-16 units', () => {
    assert.equal(cell('a\x1bb', 10), 'a\\x1bb');
    assert.equal(cell('abcdef', 4), 'abc…');
    assert.equal(cell('😀😀😀', 3), '😀😀😀');
    assert.equal(cell('😀😀😀😀', 3), '😀😀…');
  });

  it('shows records without a time, and what was left out of days and hours', () => {
    const agg = new ReportAggregator({ days: 1 });
    const record = (timestamp: number | undefined, bytes: number): Parameters<ReportAggregator['add']>[0] => ({
      timestamp,
      observedTimestamp: 0,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'ftp.download',
      body: '',
      attributes: { 'ftp.operation': 'download', 'ftp.outcome': 'success', 'ftp.transfer.bytes': bytes, 'user.name': 'u', 'client.address': 'h' },
    });
    for (let h = 0; h < 26; h++) agg.add(record(Date.UTC(2024, 0, 1, h), 10));
    agg.add(record(undefined, 40));
    const sections = reportTable(buildReport(agg, NO_INPUT, 3)).split('\n\n');
    assert.equal(
      sections[0],
      '0 input(s), 0 lines, 27 records, 0 failures, 0 parse errors, 300 B transferred\nfrom 2024-01-01 00:00:00Z to 2024-01-02 01:00:00Z\n1 records without a time are in no day or hour',
    );
    assert.equal(
      sections.find((s) => s.startsWith('Bytes per day')),
      [
        'Bytes per day (UTC)',
        '  days before the 1 most recent with records are added up as "earlier"',
        '  day            records    failures       bytes',
        '  earlier             24           0       240 B',
        '  2024-01-02           2           0        20 B',
      ].join('\n'),
    );
    assert.equal(
      sections.find((s) => s.startsWith('Busiest hours')),
      [
        'Busiest hours (UTC)',
        '  hours before the 24 most recent with records are not ranked (2 records)',
        '  hour                  records    failures       bytes',
        '  2024-01-01 02:00Z           1           0        10 B',
        '  2024-01-01 03:00Z           1           0        10 B',
        '  2024-01-01 04:00Z           1           0        10 B',
      ].join('\n'),
    );
  });
});
