import assert from 'node:assert/strict';
import { fileLag, formatBytes, formatStatusLine, type AgentStatus, type FileStatus } from '../../src/agent/status.js';
import { FtplogError } from '../../src/errors.js';

// 2024-11-18 20:02:11 UTC is 14:02:11 in America/Chicago.
const NOW = Date.UTC(2024, 10, 18, 20, 30, 0);
const ERROR_AT = Date.UTC(2024, 10, 18, 20, 2, 11);

function file(path: string, size: number, settledOffset: number, state: FileStatus['state'] = 'idle'): FileStatus {
  return { path, key: `1:${path.length}`, size, readOffset: size, settledOffset, state };
}

function status(over: Partial<AgentStatus> = {}): AgentStatus {
  return {
    startedAt: NOW - 3_600_000,
    now: NOW,
    files: [],
    recordsRead: 0,
    recordsSent: 0,
    recordsDeadLettered: 0,
    recordsDropped: 0,
    parseErrors: 0,
    invalidUtf8Lines: 0,
    retries: 0,
    queueRecords: 0,
    queueBytes: 0,
    outage: false,
    lastError: undefined,
    stopping: false,
    ...over,
  };
}

describe('formatBytes', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1049, '1 kB'],
    [1050, '1.1 kB'],
    [200_000, '200 kB'],
    [999_949, '999.9 kB'],
    [999_950, '1 MB'],
    [1_100_000, '1.1 MB'],
    [3_400_000, '3.4 MB'],
    [3_449_999, '3.4 MB'],
    [2_500_000_000, '2.5 GB'],
    [1_234_500_000_000, '1,234.5 GB'],
    [-5, '0 B'],
    [Number.NaN, '0 B'],
  ];
  for (const [bytes, text] of cases) {
    it(`${bytes} → ${text}`, () => assert.equal(formatBytes(bytes), text));
  }
});

describe('fileLag', () => {
  it('is size − settledOffset, never below 0 (a file truncated under a checkpoint owes nothing)', () => {
    assert.equal(fileLag(file('/a', 100, 40)), 60);
    assert.equal(fileLag(file('/a', 100, 100)), 0);
    assert.equal(fileLag(file('/a', 10, 40)), 0);
  });
});

describe('formatStatusLine', () => {
  const cases: Array<[string, AgentStatus, string]> = [
    [
      'the example: lag per file, largest first, thousands separators, last error in the zone given',
      status({
        files: [
          file('/var/log/ncftpd/xfer.log', 5_000_000, 4_800_000),
          file('C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl241118.log', 9_000_000, 5_800_000, 'reading'),
          ...Array.from({ length: 10 }, (_, i) => file(`/var/log/ncftpd/xfer.2024111${i}`, 1000 + i, 1000 + i, 'done')),
        ],
        recordsSent: 120_431,
        retries: 3,
        queueRecords: 2048,
        queueBytes: 1_100_000,
        lastError: { message: 'collector unreachable: ECONNREFUSED', at: ERROR_AT },
      }),
      'status: 12 files, lag 3.4 MB (cl241118.log 3.2 MB, xfer.log 200 kB), sent 120,431, retries 3, queue 2,048 records/1.1 MB, dead letters 0, last error 14:02:11 collector unreachable: ECONNREFUSED',
    ],
    [
      'nothing yet: no files, no lag, no error',
      status(),
      'status: 0 files, lag 0 B, sent 0, retries 0, queue 0 records/0 B, dead letters 0, last error none',
    ],
    [
      'one file, settled to its end: no list of lagging files',
      status({ files: [file('/logs/xfer.log', 1_000_000, 1_000_000)], recordsSent: 1, recordsDeadLettered: 1234 }),
      'status: 1 file, lag 0 B, sent 1, retries 0, queue 0 records/0 B, dead letters 1,234, last error none',
    ],
    [
      'more than three lagging files: three named, then how many more; equal lags by path',
      status({
        files: [
          file('/l/a.log', 10, 0),
          file('/l/b.log', 5000, 0),
          file('/l/c.log', 10, 0),
          file('/l/d.log', 2_000_000, 1_000_000),
          file('/l/e.log', 10, 0),
          file('/l/f.log', 10, 10),
        ],
      }),
      'status: 6 files, lag 1 MB (d.log 1 MB, b.log 5 kB, a.log 10 B, +2 more), sent 0, retries 0, queue 0 records/0 B, dead letters 0, last error none',
    ],
    [
      'a file truncated below its checkpoint counts no lag',
      status({ files: [file('/l/a.log', 10, 500), file('/l/b.log', 600, 100)] }),
      'status: 2 files, lag 500 B (b.log 500 B), sent 0, retries 0, queue 0 records/0 B, dead letters 0, last error none',
    ],
    [
      'an error of another day shows its date; its line breaks become spaces',
      status({ lastError: { message: 'request failed:\n  503 Service Unavailable\r\n', at: ERROR_AT - 86_400_000 } }),
      'status: 0 files, lag 0 B, sent 0, retries 0, queue 0 records/0 B, dead letters 0, last error 2024-11-17 14:02:11 request failed: 503 Service Unavailable',
    ],
  ];
  for (const [name, s, line] of cases) {
    it(name, () => assert.equal(formatStatusLine(s, { timeZone: 'America/Chicago' }), line));
  }

  it('the same day in one zone can be another in the next: the date is shown by the zone asked for', () => {
    // 23:30 Chicago on the 17th is 05:30 UTC on the 18th, the snapshot's day in UTC only.
    const s = status({ lastError: { message: 'x', at: Date.UTC(2024, 10, 18, 5, 30, 0) } });
    assert.match(formatStatusLine(s, { timeZone: 'UTC' }), /, last error 05:30:00 x$/);
    assert.match(formatStatusLine(s, { timeZone: 'America/Chicago' }), /, last error 2024-11-17 23:30:00 x$/);
  });

  it("without a zone, the machine's: the same line as with the zone Intl resolves", () => {
    const s = status({ lastError: { message: 'x', at: ERROR_AT } });
    const local = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    assert.equal(formatStatusLine(s), formatStatusLine(s, { timeZone: local }));
  });

  it('an unknown zone is ERR_INVALID_OPTION', () => {
    assert.throws(
      () => formatStatusLine(status(), { timeZone: 'Mars/Olympus' }),
      (err: unknown) => err instanceof FtplogError && err.code === 'ERR_INVALID_OPTION',
    );
  });
});
