import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { EFT_CODES, eftEntry } from '../../src/codes/eft.js';
import { FTP_REPLY_CODES, ftpReplyEntry } from '../../src/codes/ftp-reply.js';
import { HTTP_CODES, httpEntry } from '../../src/codes/http.js';
import { NCFTPD_STATUSES, ncftpdStatusEntry } from '../../src/codes/ncftpd.js';
import { SFTP_CODES, sftpEntry } from '../../src/codes/sftp.js';
import type { CodeEntry } from '../../src/codes/types.js';
import { WINSOCK_CODES, WINSOCK_RANGE, winsockEntry } from '../../src/codes/winsock.js';
import { fixture } from '../helpers/paths.js';

interface RefEntry {
  code: number;
  name: string | null;
  description: string;
  detail?: string;
  scope?: string;
}

function reference<T>(file: string): T {
  return JSON.parse(readFileSync(fixture('reference', file), 'utf8')) as T;
}

const winsockRef = reference<RefEntry[]>('winsock-codes.json');
const ftpRef = reference<RefEntry[]>('ftp-reply-codes.json');
const sftpRef = reference<RefEntry[]>('sftp-status-codes.json');
const eftRef = reference<{ codes: RefEntry[] }>('eft-getlastcode-codes.json').codes;
const ncftpdRef = reference<{ xfer_completion_status: { code: string; description: string }[] }>('ncftpd-codes.json')
  .xfer_completion_status;

/** The reference rows EFT documents as SFTP results (only -1) versus its own connection codes. */
const eftSftpRef = eftRef.filter((e) => e.scope?.startsWith('SFTP'));
const eftOwnRef = eftRef.filter((e) => !e.scope?.startsWith('SFTP'));

function byCode<E extends { code: number }>(rows: readonly E[]): Map<number, E> {
  return new Map(rows.map((e) => [e.code, e]));
}

/** Shared shape checks for every numeric table. */
function checkShape(label: string, table: readonly CodeEntry[]): void {
  describe(`${label} table shape`, () => {
    it('is frozen, row by row', () => {
      assert.ok(Object.isFrozen(table));
      for (const e of table) assert.ok(Object.isFrozen(e), `row ${e.code}`);
    });
    it('is sorted ascending with unique integer codes', () => {
      for (let i = 0; i < table.length; i++) {
        assert.ok(Number.isInteger(table[i]!.code));
        if (i > 0) assert.ok(table[i - 1]!.code < table[i]!.code, `${table[i - 1]!.code} before ${table[i]!.code}`);
      }
    });
    it('has a short, trimmed, non-empty description on every row', () => {
      for (const e of table) {
        assert.ok(e.description.length > 0, `row ${e.code}`);
        assert.equal(e.description, e.description.trim(), `row ${e.code}`);
        assert.ok(!e.description.endsWith('.'), `row ${e.code} ends with a period`);
        assert.ok(e.description.length <= 40, `row ${e.code}: ${e.description}`);
      }
    });
  });
}

/** Every reference row has a row here with the same name; our description is our own, shorter text. */
function checkAgainst(
  label: string,
  table: readonly CodeEntry[],
  ref: readonly RefEntry[],
  options: { refNames: boolean; longText: (e: RefEntry) => string },
): void {
  const ours = byCode(table);
  it(`${label}: every reference code is in the table${options.refNames ? ' with the same name' : ''}`, () => {
    for (const r of ref) {
      const e = ours.get(r.code);
      assert.ok(e !== undefined, `code ${r.code} missing`);
      assert.equal(e.name, options.refNames ? (r.name ?? undefined) : undefined, `name of ${r.code}`);
    }
  });
  it(`${label}: every description is shorter than the reference text`, () => {
    for (const r of ref) {
      const e = ours.get(r.code)!;
      const long = options.longText(r);
      assert.ok(e.description.length < long.length, `${r.code}: "${e.description}" vs "${long}"`);
    }
  });
}

checkShape('winsock', WINSOCK_CODES);
checkShape('ftp reply', FTP_REPLY_CODES);
checkShape('sftp', SFTP_CODES);
checkShape('eft', EFT_CODES);
checkShape('http', HTTP_CODES);

describe('winsock table', () => {
  checkAgainst('winsock', WINSOCK_CODES, winsockRef, {
    refNames: true,
    longText: (r) => r.detail ?? r.description,
  });

  it('holds exactly the reference codes (aliases included)', () => {
    assert.deepEqual(
      WINSOCK_CODES.map((e) => [e.code, e.name]),
      winsockRef.map((r) => [r.code, r.name]),
    );
  });

  it('names every 1xxxx code WSA*, and lists the reference 1xxxx codes and no others', () => {
    const ours = WINSOCK_CODES.filter((e) => e.code >= WINSOCK_RANGE.min && e.code <= WINSOCK_RANGE.max);
    const refs = winsockRef.filter((r) => r.code >= WINSOCK_RANGE.min && r.code <= WINSOCK_RANGE.max);
    assert.equal(ours.length, 89);
    assert.deepEqual(
      ours.map((e) => `${e.code} ${e.name}`),
      refs.map((r) => `${r.code} ${r.name}`),
    );
    for (const e of ours) assert.match(e.name!, /^WSA/);
  });

  it('keeps the non-1xxxx aliases, which collide with EFT codes', () => {
    assert.deepEqual(
      WINSOCK_CODES.filter((e) => e.code < WINSOCK_RANGE.min).map((e) => e.code),
      [6, 8, 87, 995, 996, 997],
    );
  });

  const lookups: [number, string | undefined][] = [
    [10060, 'WSAETIMEDOUT'],
    [10061, 'WSAECONNREFUSED'],
    [10054, 'WSAECONNRESET'],
    [11001, 'WSAHOST_NOT_FOUND'],
    [6, 'WSA_INVALID_HANDLE'],
    [10000, undefined],
    [1, undefined],
  ];
  for (const [code, name] of lookups) {
    it(`winsockEntry(${code}) -> ${name ?? 'undefined'}`, () => {
      assert.equal(winsockEntry(code)?.name, name);
    });
  }
  it('describes 10060 as a connection timeout', () => {
    assert.equal(winsockEntry(10060)?.description, 'Connection timed out');
  });
});

describe('ftp reply table', () => {
  checkAgainst('ftp', FTP_REPLY_CODES, ftpRef, { refNames: false, longText: (r) => r.description });

  it('holds exactly the reference codes', () => {
    assert.deepEqual(
      FTP_REPLY_CODES.map((e) => e.code),
      ftpRef.map((r) => r.code),
    );
  });
  it('has no symbolic names', () => {
    for (const e of FTP_REPLY_CODES) assert.equal(e.name, undefined, `row ${e.code}`);
  });
  const lookups: [number, string | undefined][] = [
    [226, 'Transfer complete'],
    [530, 'Not logged in'],
    [421, 'Service not available'],
    [550, 'File unavailable'],
    [599, undefined],
  ];
  for (const [code, description] of lookups) {
    it(`ftpReplyEntry(${code}) -> ${description ?? 'undefined'}`, () => {
      assert.equal(ftpReplyEntry(code)?.description, description);
    });
  }
});

describe('sftp table', () => {
  checkAgainst('sftp', SFTP_CODES, sftpRef, { refNames: true, longText: (r) => r.description });
  checkAgainst('sftp (EFT -1)', SFTP_CODES, eftSftpRef, { refNames: true, longText: (r) => r.description });

  it('holds -1 and the reference codes 0..31, and nothing else', () => {
    assert.deepEqual(
      SFTP_CODES.map((e) => e.code),
      [-1, ...sftpRef.map((r) => r.code)],
    );
    assert.deepEqual(
      eftSftpRef.map((r) => r.code),
      [-1],
    );
  });
  it('is indexed by code + 1', () => {
    for (const e of SFTP_CODES) assert.equal(sftpEntry(e.code), e);
    assert.equal(sftpEntry(-2), undefined);
    assert.equal(sftpEntry(32), undefined);
    assert.equal(sftpEntry(1.5), undefined);
  });
  it('names 2 SSH_FX_NO_SUCH_FILE and leaves -1 unnamed', () => {
    assert.equal(sftpEntry(2)?.name, 'SSH_FX_NO_SUCH_FILE');
    assert.equal(sftpEntry(-1)?.name, undefined);
    assert.equal(sftpEntry(-1)?.description, 'Unknown error');
  });
});

describe('eft table', () => {
  checkAgainst('eft', EFT_CODES, eftOwnRef, { refNames: true, longText: (r) => r.description });

  it('holds exactly EFT own codes 0..8, 10..12 and 2000, without names', () => {
    assert.deepEqual(
      EFT_CODES.map((e) => e.code),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 2000],
    );
    assert.deepEqual(
      EFT_CODES.map((e) => e.code),
      eftOwnRef.map((r) => r.code),
    );
    for (const e of EFT_CODES) assert.equal(e.name, undefined);
  });
  it('has no code 9', () => {
    assert.equal(eftEntry(9), undefined);
  });
  it('describes 2 and 2000', () => {
    assert.equal(eftEntry(2)?.description, 'Connection not allowed by ruleset');
    assert.equal(eftEntry(2000)?.description, 'Internal timeout');
  });
});

describe('http table', () => {
  it('lists only registered status codes, in 100..599, without names', () => {
    for (const e of HTTP_CODES) {
      assert.ok(e.code >= 100 && e.code <= 599, `code ${e.code}`);
      assert.ok(STATUS_CODES[e.code] !== undefined, `code ${e.code} unknown to node:http`);
      assert.equal(e.name, undefined);
    }
  });
  it('covers the codes a transfer commonly ends with', () => {
    for (const code of [200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404, 408, 409, 413, 429, 500, 502, 503, 504]) {
      assert.ok(httpEntry(code) !== undefined, `code ${code}`);
    }
  });
  const phrases: [number, string][] = [
    [200, 'OK'],
    [404, 'Not Found'],
    [413, 'Content Too Large'],
    [422, 'Unprocessable Content'],
    [429, 'Too Many Requests'],
    [503, 'Service Unavailable'],
  ];
  for (const [code, phrase] of phrases) {
    it(`uses the RFC 9110 phrase for ${code}`, () => {
      assert.equal(httpEntry(code)?.description, phrase);
    });
  }
  it('agrees with node:http on every phrase RFC 9110 did not rename', () => {
    const renamed = new Set([413, 422]);
    for (const e of HTTP_CODES) {
      if (!renamed.has(e.code)) assert.equal(e.description, STATUS_CODES[e.code], `code ${e.code}`);
    }
  });
});

describe('ncftpd status table', () => {
  it('holds exactly the reference completion statuses', () => {
    assert.deepEqual(
      NCFTPD_STATUSES.map((e) => e.code).sort(),
      ncftpdRef.map((r) => r.code).sort(),
    );
  });
  it('has short own descriptions and is frozen', () => {
    assert.ok(Object.isFrozen(NCFTPD_STATUSES));
    for (const r of ncftpdRef) {
      const e = ncftpdStatusEntry(r.code);
      assert.ok(e !== undefined && Object.isFrozen(e));
      assert.ok(e.description.length > 0 && e.description.length < r.description.length, r.code);
    }
  });
  it('is case-sensitive', () => {
    assert.equal(ncftpdStatusEntry('ok'), undefined);
    assert.equal(ncftpdStatusEntry('OK')?.description, 'Transfer complete');
  });
});
