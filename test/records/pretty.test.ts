import assert from 'node:assert/strict';
import { escapeControls, prettyRecord, prettyTime } from '../../src/records/pretty.js';
import type { FtpLogRecord } from '../../src/model.js';

describe('escapeControls', () => {
  const cases: [string, string, string][] = [
    ['C0: NUL', 'a\u0000b', 'a\\x00b'],
    ['C0: tab, line feed, carriage return', 'a\tb\nc\rd', 'a\\x09b\\x0ac\\x0dd'],
    ['C0: ESC [2J (clear screen)', 'x\u001b[2Jy', 'x\\x1b[2Jy'],
    ['C0: BEL, BS, US', '\u0007\u0008\u001f', '\\x07\\x08\\x1f'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1: first, NEL, CSI, last', '\u0080\u0085\u009b\u009f', '\\x80\\x85\\x9b\\x9f'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi embeddings and overrides U+202A-U+202E', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates U+2066-U+2069', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks LRM, RLM, ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
  ];
  for (const [name, input, want] of cases) {
    it(`escapes ${name}`, () => assert.equal(escapeControls(input), want));
  }

  it('leaves printable text alone: letters of any script, backslashes, no-break space, U+FFFD, space', () => {
    const text = 'müller.k \\\\fs01\\AP 出荷指示 \u00a0\ufffd ~ ÿ \u2027 \u202f \u206a';
    assert.equal(escapeControls(text), text);
  });
});

describe('prettyTime', () => {
  it('shows UTC, with milliseconds only when there are some, and a placeholder of the same width without a time', () => {
    assert.equal(prettyTime(Date.UTC(2024, 10, 18, 7, 1, 52)), '2024-11-18 07:01:52Z');
    assert.equal(prettyTime(Date.UTC(2024, 10, 18, 7, 1, 52, 5)), '2024-11-18 07:01:52.005Z');
    assert.equal(prettyTime(undefined), '-                   ');
    assert.equal(prettyTime(undefined).length, prettyTime(0).length);
  });
});

describe('prettyRecord', () => {
  const base = { observedTimestamp: 0, body: 'line' };
  const failure: FtpLogRecord = {
    ...base,
    timestamp: Date.UTC(2024, 10, 18, 13, 57, 12),
    severityNumber: 17,
    severityText: 'ERROR',
    eventName: 'ftp.list',
    attributes: { 'ftp.outcome': 'failure', 'error.type': 'ftp_530', 'ftp.status.code': 530, 'ftp.status.kind': 'ftp_reply', 'user.name': 'WMS_EXPORT', 'server.address': 'dav.coho-winery.com', 'file.path': '/inbound/payroll/' },
  };

  it('shows a failure with the error type its status lacks, plain', () => {
    assert.equal(prettyRecord(failure), '2024-11-18 13:57:12Z  ERROR  ftp.list      failure  WMS_EXPORT  dav.coho-winery.com  /inbound/payroll/  530  ftp_530');
  });

  it('colours severity and failure with SGR codes when asked', () => {
    assert.equal(
      prettyRecord(failure, { colour: true }),
      '\x1b[2m2024-11-18 13:57:12Z\x1b[22m  \x1b[31mERROR\x1b[39m  ftp.list      \x1b[31m\x1b[1mfailure\x1b[22m\x1b[39m  WMS_EXPORT  dav.coho-winery.com  /inbound/payroll/  \x1b[31m530\x1b[39m  \x1b[31mftp_530\x1b[39m',
    );
  });

  it('shows a rename with its target, and dashes for what a record does not have', () => {
    const r: FtpLogRecord = { ...base, timestamp: 0, severityNumber: 9, severityText: 'INFO', eventName: 'ftp.rename', attributes: { 'ftp.outcome': 'success', 'file.path': '/a', 'ftp.target.path': '/b' } };
    assert.equal(prettyRecord(r), '1970-01-01 00:00:00Z  INFO   ftp.rename    success  -  -  /a → /b');
  });

  it('shows a parse error without a time, its reason, where it is and its line, escaped', () => {
    const r: FtpLogRecord = {
      ...base,
      timestamp: undefined,
      severityNumber: 13,
      severityText: 'WARN',
      eventName: 'ftplog.parse_error',
      body: 'junk\u001b]0;owned\u0007 \u202eevil',
      attributes: { 'log.file.name': 'cl241118.log', 'ftplog.error': 'no time' },
      position: { file: 'x', line: 7, offset: 99 },
    };
    assert.equal(prettyRecord(r), '-                     WARN   ftplog.parse_error  no time (cl241118.log:7)  | junk\\x1b]0;owned\\x07 \\u202eevil');
  });

  it('escapes every text taken from the log, attributes included', () => {
    const r: FtpLogRecord = {
      ...base,
      timestamp: 0,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'ftp.upload',
      attributes: { 'ftp.outcome': 'success', 'user.name': 'u\u001b[31m', 'client.address': 'h\u2066', 'file.path': '/p\u009b2J', 'ftp.status.name': 'OK\u0000' },
    };
    assert.equal(prettyRecord(r), '1970-01-01 00:00:00Z  INFO   ftp.upload    success  u\\x1b[31m  h\\u2066  /p\\x9b2J  OK\\x00');
  });
});
