import assert from 'node:assert/strict';
import { caseDifferences, differences, loadCases } from '../../src/config/golden.js';
import { loadPipeline } from '../../src/config/pipeline.js';
import type { FtpLogRecord } from '../../src/model.js';

const record = (attributes: FtpLogRecord['attributes']): FtpLogRecord => ({
  timestamp: Date.parse('2024-11-18T08:00:00Z'),
  observedTimestamp: 0,
  severityNumber: 17,
  severityText: 'ERROR',
  eventName: 'ftp.upload',
  body: '',
  attributes,
});

describe('golden cases: differences()', () => {
  const got = record({ 'ftp.status.code': 550, 'ftp.transfer.duration': 0.5, 'ftp.transfer.notes': ['Ps', 'Sf'], 'user.name': 'payroll', 'eft.outcome_mismatch': false });

  it('matches a subset of attributes with exact values and types', () => {
    assert.deepEqual(differences({ attributes: { 'ftp.status.code': 550, 'ftp.transfer.notes': ['Ps', 'Sf'], 'eft.outcome_mismatch': false, 'client.address': null } }, got), []);
    assert.deepEqual(differences({ attributes: { 'ftp.status.code': '550', 'ftp.transfer.duration': 0.25, 'ftp.transfer.notes': ['Ps'], 'eft.outcome_mismatch': 'false', 'user.name': null } }, got), [
      'attributes.ftp.status.code: expected "550" (string), got 550 (integer)',
      'attributes.ftp.transfer.duration: expected 0.25 (number), got 0.5 (number)',
      'attributes.ftp.transfer.notes: expected ["Ps"] (list), got ["Ps","Sf"] (list)',
      'attributes.eft.outcome_mismatch: expected "false" (string), got false (boolean)',
      'attributes.user.name: expected nothing (not set), got "payroll" (string)',
    ]);
  });

  it('checks event name, severity by text or number, and time', () => {
    assert.deepEqual(differences({ eventName: 'ftp.upload', severity: 'error', time: '2024-11-18T09:00:00+01:00' }, got), []);
    assert.deepEqual(differences({ severity: 9 }, got), ['severity: expected 9, got 17 (ERROR)']);
    assert.deepEqual(differences({ time: '2024-11-18T08:00:01Z' }, got), ['time: expected 2024-11-18T08:00:01.000Z, got 2024-11-18T08:00:00.000Z']);
  });

  it('tells a kept record from a dropped one', () => {
    assert.deepEqual(differences({ dropped: true }, { dropped: 'filter:quiet' }), []);
    assert.deepEqual(differences({ dropped: true }, got), ['expected it dropped by a transform; it was kept (ftp.upload)']);
    assert.deepEqual(differences({ eventName: 'ftp.upload' }, { dropped: 'filter:quiet' }), ['expected a record; a transform dropped it (filter:quiet)']);
  });

  it('caseDifferences() counts the records first', () => {
    const c = { name: 'x', source: 0, input: '', expect: [{ eventName: 'ftp.upload' }] };
    assert.deepEqual(caseDifferences(c, [got, { dropped: 'r' }]), ['expected 1 record, the input made 2 (ftp.upload, dropped)']);
    assert.deepEqual(caseDifferences(c, []), ['expected 1 record, the input made 0']);
  });
});

describe('golden cases: loadCases()', () => {
  const pipeline = loadPipeline('sources:\n  - paths: [x]\n    follow: true\nsink: { otlp: }\n', { env: {} }).pipeline!;

  it('reads each case with its settings', () => {
    const { cases, problems } = loadCases('tests:\n  - name: a\n    format: NCFTPD\n    timezone: utc\n    input: "x\\n"\n    expect: [{ dropped: true }]\n', pipeline);
    assert.deepEqual(problems, []);
    assert.deepEqual(cases, [{ name: 'a', source: 0, format: 'ncftpd', timezone: 'UTC', input: 'x\n', expect: [{ dropped: true }] }]);
  });

  it('reports each problem at its place', () => {
    const { cases, problems } = loadCases('tests:\n  - name: ""\n    timezone: Atlantis\n    input: 5\n    expect: [{ time: yesterday, severity: [1] }]\n', pipeline);
    assert.deepEqual(cases, []);
    assert.deepEqual(
      problems.map((p) => `${p.line}:${p.col}: ${p.message}`),
      [
        '2:11: name must be a non-empty string',
        '3:15: timezone: unknown time zone "Atlantis" (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")',
        '4:12: input must be the input lines, e.g. input: |',
        '5:22: time must be an ISO 8601 time, e.g. 2024-11-18T08:00:01Z',
        '5:43: severity must be a severity text (INFO, WARN, ERROR …) or number',
      ],
    );
  });
});
