import assert from 'node:assert/strict';
import { droppedReasons, elapsedSummary, formatRate, readSummary, type ReadCounts } from '../../src/cli/summary.js';
import { cli } from '../helpers/cli.js';

const COUNTS: ReadCounts = { lines: 3, records: 3, success: 2, failure: 1, unknown: 0, parseErrors: 0, skippedHeader: 0, skippedBlank: 0, dropped: 0 };

describe('summary lines', () => {
  it('names the reasons of the records the transforms dropped, most first, then by reason', () => {
    const t: ReadCounts = { ...COUNTS, lines: 1500, records: 1500, success: 1400, failure: 100, dropped: 1203, droppedBy: { 'filter drop outcome=success': 2, 'filter "quiet-listings"': 1200, 'filter "b"': 1, 'filter "a"': 0 } };
    assert.equal(
      readSummary('ftplog-otel parse', 2, t),
      'ftplog-otel parse: 2 input(s), 1,500 lines, 297 records (success 1,400, failure 100, unknown 0, parse errors 0), ' +
        '1,203 records dropped by transforms (1,200 filter "quiet-listings"; 2 filter drop outcome=success; 1 filter "b")',
    );
    // A reader that does not keep them apart: the count alone.
    assert.equal(droppedReasons(undefined), '');
    assert.equal(readSummary('ftplog-otel ship', 1, { ...COUNTS, dropped: 1 }, 2), 'ftplog-otel ship: 1 input(s), 3 lines, 2 records (success 2, failure 1, unknown 0, parse errors 0), 1 records dropped by transforms');
  });

  it('always ends with a rate, for a run too short for the clock from a floor of 1 ms', () => {
    assert.equal(elapsedSummary(0, 3), '0.00 s, 3,000 records/s');
    assert.equal(elapsedSummary(0, 0), '0.00 s, 0 records/s');
    assert.equal(elapsedSummary(4, 3), '0.00 s, 750 records/s');
    assert.equal(elapsedSummary(2500, 190_476), '2.50 s, 76,190 records/s');
    assert.equal(formatRate(3, 0), '3,000');
    assert.equal(formatRate(3, -5), '3,000');
    assert.equal(
      `${readSummary('ftplog-otel parse', 1, COUNTS)}; ${elapsedSummary(0, 3)}`,
      'ftplog-otel parse: 1 input(s), 3 lines, 3 records (success 2, failure 1, unknown 0, parse errors 0); 0.00 s, 3,000 records/s',
    );
  });

  it('gives a one-line run of parse its rate', async () => {
    const r = await cli(['parse', '--timezone', 'UTC'], { stdin: '2024-07-01 12:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;\n' });
    assert.equal(r.code, 0);
    // The time and the rate depend on the machine; that there is a rate does not.
    assert.match(r.stderr, /^ftplog-otel parse: 1 input\(s\), 1 lines, 1 records \(success 1, failure 0, unknown 0, parse errors 0\); \d+\.\d\d s, [\d,]+ records\/s\n$/);
  });
});
