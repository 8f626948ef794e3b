import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeEftCode, decodeNcftpdStatus, explainCode } from '../../src/codes/decode.js';
import type { DecodedStatus } from '../../src/codes/types.js';

/** Builds the full expected object: every key present, in the decoder's order. */
function expected(
  kind: DecodedStatus['kind'],
  outcome: DecodedStatus['outcome'],
  rest: { name?: string; description?: string; transient?: boolean; errorType?: string } = {},
): DecodedStatus {
  return {
    kind,
    name: rest.name,
    description: rest.description,
    outcome,
    transient: rest.transient ?? false,
    errorType: rest.errorType,
  };
}

const UNKNOWN = expected('unknown', 'unknown');

const eftCases: [protocol: string, code: number | undefined, want: DecodedStatus][] = [
  // FTP / FTPS reply codes
  ['ftp', 226, expected('ftp_reply', 'success', { description: 'Transfer complete' })],
  ['ftps', 226, expected('ftp_reply', 'success', { description: 'Transfer complete' })],
  ['ftp', 250, expected('ftp_reply', 'success', { description: 'File action completed' })],
  ['ftp', 421, expected('ftp_reply', 'failure', { description: 'Service not available', transient: true, errorType: 'ftp_421' })],
  ['ftp', 426, expected('ftp_reply', 'failure', { description: 'Transfer aborted', transient: true, errorType: 'ftp_426' })],
  ['ftp', 530, expected('ftp_reply', 'failure', { description: 'Not logged in', errorType: 'ftp_530' })],
  ['ftps', 550, expected('ftp_reply', 'failure', { description: 'File unavailable', errorType: 'ftp_550' })],
  ['ftp', 150, expected('ftp_reply', 'unknown', { description: 'About to open data connection' })],
  ['ftp', 331, expected('ftp_reply', 'unknown', { description: 'Need password' })],
  // unlisted 3-digit codes decode by their first digit
  ['ftp', 100, expected('ftp_reply', 'unknown', { description: 'Positive preliminary reply' })],
  ['ftp', 299, expected('ftp_reply', 'success', { description: 'Positive completion reply' })],
  ['ftp', 399, expected('ftp_reply', 'unknown', { description: 'Positive intermediate reply' })],
  ['ftp', 499, expected('ftp_reply', 'failure', { description: 'Transient negative completion reply', transient: true, errorType: 'ftp_499' })],
  ['ftp', 599, expected('ftp_reply', 'failure', { description: 'Permanent negative completion reply', errorType: 'ftp_599' })],
  // 6yz protected replies: listed ones known, outcome unknown; others unknown
  ['ftp', 631, expected('ftp_reply', 'unknown', { description: 'Integrity-protected reply' })],
  ['ftp', 600, UNKNOWN],
  ['ftp', 700, UNKNOWN],
  ['ftp', 99, UNKNOWN],
  // FTP does not claim 0..12: EFT's own codes
  ['ftp', 0, expected('eft', 'success', { description: 'Connected' })],
  ['ftp', 2, expected('eft', 'failure', { description: 'Connection not allowed by ruleset', errorType: 'eft_2' })],
  ['ftps', 5, expected('eft', 'failure', { description: 'Connection refused', errorType: 'eft_5' })],
  ['ftp', 12, expected('eft', 'failure', { description: 'Cannot reach SOCKS server', errorType: 'eft_12' })],
  ['ftp', 9, UNKNOWN],
  ['ftp', 13, UNKNOWN],
  ['ftp', -1, UNKNOWN],
  // SFTP claims -1..31
  ['sftp', 0, expected('sftp', 'success', { name: 'SSH_FX_OK', description: 'Success' })],
  ['sftp', 2, expected('sftp', 'failure', { name: 'SSH_FX_NO_SUCH_FILE', description: 'No such file', errorType: 'SSH_FX_NO_SUCH_FILE' })],
  ['sftp', 3, expected('sftp', 'failure', { name: 'SSH_FX_PERMISSION_DENIED', description: 'Permission denied', errorType: 'SSH_FX_PERMISSION_DENIED' })],
  ['sftp', 9, expected('sftp', 'failure', { name: 'SSH_FX_INVALID_HANDLE', description: 'Invalid handle', errorType: 'SSH_FX_INVALID_HANDLE' })],
  ['sftp', 31, expected('sftp', 'failure', { name: 'SSH_FX_NO_MATCHING_BYTE_RANGE_LOCK', description: 'No matching byte-range lock', errorType: 'SSH_FX_NO_MATCHING_BYTE_RANGE_LOCK' })],
  ['sftp', -1, expected('sftp', 'failure', { description: 'Unknown error', errorType: 'sftp_-1' })],
  ['sftp', 32, UNKNOWN],
  ['sftp', -2, UNKNOWN],
  ['sftp', 226, UNKNOWN],
  // HTTP / HTTPS
  ['http', 200, expected('http', 'success', { description: 'OK' })],
  ['https', 206, expected('http', 'success', { description: 'Partial Content' })],
  ['http', 101, expected('http', 'unknown', { description: 'Switching Protocols' })],
  ['http', 302, expected('http', 'unknown', { description: 'Found' })],
  ['http', 404, expected('http', 'failure', { description: 'Not Found', errorType: 'http_404' })],
  ['https', 401, expected('http', 'failure', { description: 'Unauthorized', errorType: 'http_401' })],
  ['http', 408, expected('http', 'failure', { description: 'Request Timeout', errorType: 'http_408' })],
  ['http', 429, expected('http', 'failure', { description: 'Too Many Requests', transient: true, errorType: 'http_429' })],
  ['http', 500, expected('http', 'failure', { description: 'Internal Server Error', errorType: 'http_500' })],
  ['http', 502, expected('http', 'failure', { description: 'Bad Gateway', transient: true, errorType: 'http_502' })],
  ['https', 503, expected('http', 'failure', { description: 'Service Unavailable', transient: true, errorType: 'http_503' })],
  ['http', 504, expected('http', 'failure', { description: 'Gateway Timeout', transient: true, errorType: 'http_504' })],
  ['http', 299, expected('http', 'success', { description: 'Successful' })],
  ['http', 499, expected('http', 'failure', { description: 'Client error', errorType: 'http_499' })],
  ['http', 599, expected('http', 'failure', { description: 'Server error', errorType: 'http_599' })],
  ['http', 600, UNKNOWN],
  ['http', 4, expected('eft', 'failure', { description: 'Host unreachable', errorType: 'eft_4' })],
  // Windows Sockets, any protocol
  ['ftp', 10060, expected('winsock', 'failure', { name: 'WSAETIMEDOUT', description: 'Connection timed out', errorType: 'WSAETIMEDOUT' })],
  ['sftp', 10060, expected('winsock', 'failure', { name: 'WSAETIMEDOUT', description: 'Connection timed out', errorType: 'WSAETIMEDOUT' })],
  ['http', 10061, expected('winsock', 'failure', { name: 'WSAECONNREFUSED', description: 'Connection refused', errorType: 'WSAECONNREFUSED' })],
  ['scp', 11001, expected('winsock', 'failure', { name: 'WSAHOST_NOT_FOUND', description: 'Host not found', errorType: 'WSAHOST_NOT_FOUND' })],
  ['ftp', 10000, expected('winsock', 'failure', { description: 'Windows Sockets error', errorType: 'winsock_10000' })],
  ['sftp', 11999, expected('winsock', 'failure', { description: 'Windows Sockets error', errorType: 'winsock_11999' })],
  ['ftp', 9999, UNKNOWN],
  ['ftp', 12000, UNKNOWN],
  // Winsock aliases are never used for GetLastCode
  ['ftp', 6, expected('eft', 'failure', { description: 'TTL expired', errorType: 'eft_6' })],
  ['sftp', 8, expected('sftp', 'failure', { name: 'SSH_FX_OP_UNSUPPORTED', description: 'Operation not supported', errorType: 'SSH_FX_OP_UNSUPPORTED' })],
  ['ftp', 87, UNKNOWN],
  ['ftp', 995, UNKNOWN],
  // EFT internal timeout, any protocol
  ['ftp', 2000, expected('eft', 'failure', { description: 'Internal timeout', errorType: 'eft_2000' })],
  ['sftp', 2000, expected('eft', 'failure', { description: 'Internal timeout', errorType: 'eft_2000' })],
  ['whatever', 2000, expected('eft', 'failure', { description: 'Internal timeout', errorType: 'eft_2000' })],
  // protocols without codes of their own: only the shared codes
  ['scp', 226, UNKNOWN],
  ['scp', 0, expected('eft', 'success', { description: 'Connected' })],
  ['scp', 2, expected('eft', 'failure', { description: 'Connection not allowed by ruleset', errorType: 'eft_2' })],
  ['', 530, UNKNOWN],
  ['FTP', 226, UNKNOWN], // protocol must already be lowercased
  // no code, or not an integer
  ['ftp', undefined, UNKNOWN],
  ['sftp', undefined, UNKNOWN],
  ['ftp', Number.NaN, UNKNOWN],
  ['ftp', 226.5, UNKNOWN],
  ['sftp', 1.5, UNKNOWN],
  ['ftp', 10060.5, UNKNOWN],
  ['ftp', Number.POSITIVE_INFINITY, UNKNOWN],
  ['sftp', Number.NEGATIVE_INFINITY, UNKNOWN],
];

describe('decodeEftCode', () => {
  for (const [protocol, code, want] of eftCases) {
    it(`${JSON.stringify(protocol)} ${String(code)} -> ${want.kind} ${want.outcome}${want.errorType ? ` ${want.errorType}` : ''}`, () => {
      assert.deepEqual(decodeEftCode(protocol, code), want);
    });
  }

  it('returns the same frozen object for the same input', () => {
    for (const [protocol, code] of eftCases) {
      const a = decodeEftCode(protocol, code);
      assert.ok(Object.isFrozen(a));
      assert.equal(decodeEftCode(protocol, code), a);
    }
    assert.equal(decodeEftCode('ftp', 10060), decodeEftCode('sftp', 10060));
  });

  it('gives every answer the same six keys in the same order', () => {
    const keys = ['kind', 'name', 'description', 'outcome', 'transient', 'errorType'];
    for (const [protocol, code] of eftCases) assert.deepEqual(Object.keys(decodeEftCode(protocol, code)), keys);
  });

  it('never throws, and sets errorType exactly on failures', () => {
    const protocols = fc.constantFrom('ftp', 'ftps', 'sftp', 'http', 'https', 'scp', '', 'FTP');
    const codes = fc.oneof(
      fc.integer({ min: -50, max: 13000 }),
      fc.integer(),
      fc.double(),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(protocols, codes, (protocol, code) => {
        const s = decodeEftCode(protocol, code);
        assert.equal(s.errorType !== undefined, s.outcome === 'failure');
        if (s.transient) assert.equal(s.outcome, 'failure');
        if (s.kind === 'unknown') assert.equal(s.outcome, 'unknown');
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes every code the same way under ftp and ftps, and under http and https', () => {
    for (let code = -2; code <= 12001; code++) {
      assert.equal(decodeEftCode('ftps', code), decodeEftCode('ftp', code), `code ${code}`);
      assert.equal(decodeEftCode('https', code), decodeEftCode('http', code), `code ${code}`);
    }
  });

  it('decodes 4xx FTP replies as transient failures and 5xx as permanent ones', () => {
    for (let code = 400; code <= 599; code++) {
      const s = decodeEftCode('ftp', code);
      assert.equal(s.outcome, 'failure');
      assert.equal(s.transient, code < 500, `code ${code}`);
      assert.equal(s.errorType, `ftp_${code}`);
    }
  });
});

const ncftpdCases: [status: string | undefined, want: DecodedStatus][] = [
  ['OK', expected('ncftpd', 'success', { name: 'OK', description: 'Transfer complete' })],
  ['ABOR', expected('ncftpd', 'failure', { name: 'ABOR', description: 'Aborted by client', transient: true, errorType: 'ABOR' })],
  ['INCOMPLETE', expected('ncftpd', 'failure', { name: 'INCOMPLETE', description: 'Data connection lost', transient: true, errorType: 'INCOMPLETE' })],
  ['PERM', expected('ncftpd', 'failure', { name: 'PERM', description: 'Permission denied', errorType: 'PERM' })],
  ['NOENT', expected('ncftpd', 'failure', { name: 'NOENT', description: 'No such file', errorType: 'NOENT' })],
  ['ERROR', expected('ncftpd', 'failure', { name: 'ERROR', description: 'I/O error', errorType: 'ERROR' })],
  ['WEIRD', expected('ncftpd', 'unknown', { name: 'WEIRD' })],
  ['ok', expected('ncftpd', 'unknown', { name: 'ok' })],
  ['', UNKNOWN],
  [undefined, UNKNOWN],
];

describe('decodeNcftpdStatus', () => {
  for (const [status, want] of ncftpdCases) {
    it(`${JSON.stringify(status) ?? 'undefined'} -> ${want.outcome}`, () => {
      const s = decodeNcftpdStatus(status);
      assert.deepEqual(s, want);
      assert.ok(Object.isFrozen(s));
    });
  }

  it('returns shared objects for known statuses and repeated unknown tokens', () => {
    assert.equal(decodeNcftpdStatus('OK'), decodeNcftpdStatus('OK'));
    assert.equal(decodeNcftpdStatus('SOMETHING'), decodeNcftpdStatus('SOMETHING'));
  });

  it('keeps answering correctly once its cache of unknown tokens is full', () => {
    for (let i = 0; i < 500; i++) {
      assert.deepEqual(decodeNcftpdStatus(`JUNK${i}`), expected('ncftpd', 'unknown', { name: `JUNK${i}` }));
    }
    assert.equal(decodeNcftpdStatus('PERM').errorType, 'PERM');
  });
});

describe('explainCode', () => {
  const cases: [code: number, protocol: string, lines: string[]][] = [
    [
      2,
      'sftp',
      [
        'code: 2',
        'protocol: sftp',
        'kind: sftp',
        'name: SSH_FX_NO_SUCH_FILE',
        'description: No such file',
        'outcome: failure',
        'error.type: SSH_FX_NO_SUCH_FILE',
        'why: sftp claims -1..31, so 2 is SSH_FX_NO_SUCH_FILE, not EFT code 2 "Connection not allowed by ruleset"',
      ],
    ],
    [
      2,
      'FTP',
      [
        'code: 2',
        'protocol: ftp',
        'kind: eft',
        'description: Connection not allowed by ruleset',
        'outcome: failure',
        'error.type: eft_2',
        "why: ftp claims FTP reply codes (100..599, 631..633), so 2 is EFT's own code (a SOCKS5 reply code, RFC 1928)",
      ],
    ],
    [
      421,
      'ftp',
      [
        'code: 421',
        'protocol: ftp',
        'kind: ftp_reply',
        'description: Service not available',
        'outcome: failure (transient)',
        'error.type: ftp_421',
        'why: ftp claims 100..599 as FTP reply codes; 4yz: transient negative completion reply',
      ],
    ],
    [
      -1,
      'sftp',
      [
        'code: -1',
        'protocol: sftp',
        'kind: sftp',
        'description: Unknown error',
        'outcome: failure',
        'error.type: sftp_-1',
        'why: sftp claims -1..31, so -1 is the unnamed unknown-error code',
      ],
    ],
    [
      10060,
      'sftp',
      [
        'code: 10060',
        'protocol: sftp',
        'kind: winsock',
        'name: WSAETIMEDOUT',
        'description: Connection timed out',
        'outcome: failure',
        'error.type: WSAETIMEDOUT',
        'why: 10000..11999 are Windows Sockets errors under every protocol',
      ],
    ],
    [
      2000,
      'http',
      [
        'code: 2000',
        'protocol: http',
        'kind: eft',
        'description: Internal timeout',
        'outcome: failure',
        'error.type: eft_2000',
        "why: 2000 is EFT's internal timeout under every protocol",
      ],
    ],
    [
      302,
      'https',
      [
        'code: 302',
        'protocol: https',
        'kind: http',
        'description: Found',
        'outcome: unknown',
        'why: https claims 100..599 as HTTP status codes; 3xx redirects: whether EFT followed is not logged, unknown',
      ],
    ],
    [
      226,
      'scp',
      [
        'code: 226',
        'protocol: scp',
        'kind: unknown',
        'outcome: unknown',
        'why: scp claims no codes of its own; 226 is not one shared by every protocol (EFT 0..12 outside sftp, 2000, Windows Sockets 10000..11999)',
      ],
    ],
    [
      9,
      'ftp',
      ['code: 9', 'protocol: ftp', 'kind: unknown', 'outcome: unknown', "why: 9 is not one of EFT's own codes (0..8, 10..12)"],
    ],
  ];
  for (const [code, protocol, lines] of cases) {
    it(`explains ${code} under ${protocol}`, () => {
      assert.deepEqual(explainCode(code, protocol), lines);
    });
  }

  it('notes a Winsock alias that GetLastCode does not use', () => {
    const lines = explainCode(87, 'ftp');
    assert.equal(
      lines.at(-1),
      'why: ftp claims FTP reply codes (100..599, 631..633); 87 is not one shared by every protocol (EFT 0..12 outside sftp, 2000, Windows Sockets 10000..11999); WSA_INVALID_PARAMETER (87) is a Win32 alias, not a GetLastCode socket error',
    );
  });

  it('says what sftp claims when a code is outside it', () => {
    assert.equal(
      explainCode(40, 'sftp').at(-1),
      'why: sftp claims -1..31; 40 is neither that nor shared by every protocol (2000, Windows Sockets 10000..11999)',
    );
  });

  it('ends every explanation with a reason and never throws', () => {
    for (const protocol of ['ftp', 'sftp', 'http', 'scp', '']) {
      for (const code of [-3, -1, 0, 1, 9, 13, 150, 226, 631, 700, 1999, 2000, 10000, 10060, 12000, 0.5, Number.NaN]) {
        const lines = explainCode(code, protocol);
        assert.match(lines.at(-1)!, /^why: \S/);
      }
    }
  });
});
