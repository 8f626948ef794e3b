/** Records for the dead-letter tests, the same in the test and in its child process. */
import type { FtpLogRecord } from '../../../src/model.js';

export interface PlannedCall {
  kind: 'records' | 'encoded';
  count: number;
  bodyBytes: number;
}

/** Record `i` of call `k`: its body starts with `k:i:` and is `bodyBytes` long (ASCII). */
export function deadLetterRecord(k: number, i: number, bodyBytes = 40): FtpLogRecord {
  const head = `${k}:${i}:`;
  return {
    timestamp: Date.UTC(2024, 10, 18, 8, 0, i % 60),
    observedTimestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    severityNumber: 17,
    severityText: 'ERROR',
    eventName: 'ftp.upload',
    body: head + 'x'.repeat(Math.max(0, bodyBytes - head.length)),
    attributes: { 'ftp.operation': 'upload', 'ftp.status.code': 550, 'ftp.transfer.rate': 12.5, 'ftp.transfer.notes': ['Ps'], 'eft.outcome_mismatch': false },
    position: { file: 'cl241118.log', line: 10 * k + i + 1, offset: 1000 * k + 100 * i },
  };
}

/** The call and record a dead-letter line's body came from. */
export function bodyKey(body: string): string {
  return body.slice(0, body.indexOf(':', body.indexOf(':') + 1));
}
