import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { readCtime } from '../../src/formats/ctime.js';
import { looksLikeXferlog, parseXferlogLine, xferlogLineTime } from '../../src/formats/xferlog.js';
import type { CivilTime, ParseResult, XferlogEntry } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';

function civil(year: number, month: number, day: number, hour: number, minute: number, second: number): CivilTime {
  return { year, month, day, hour, minute, second, millisecond: 0 };
}

const TIME = civil(2026, 12, 5, 21, 41, 54);

function entry(fields: Partial<XferlogEntry>): XferlogEntry {
  return {
    format: 'xferlog',
    time: TIME,
    duration: 1,
    host: '127.0.0.1',
    size: 14,
    path: '/home/ftpuser/my_file.txt',
    transferType: 'b',
    actions: '_',
    direction: 'i',
    accessMode: 'r',
    user: 'ftpuser',
    service: 'ftp',
    authMethod: '0',
    authUser: '*',
    status: 'c',
    ...fields,
  };
}

function parsed(line: string): XferlogEntry {
  const r = parseXferlogLine(line);
  assert.equal(r.kind, 'entry', `expected an entry, got ${JSON.stringify(r)}`);
  return (r as { entry: XferlogEntry }).entry;
}

function failure(line: string): string {
  const r: ParseResult<XferlogEntry> = parseXferlogLine(line);
  assert.equal(r.kind, 'error', `expected an error, got ${JSON.stringify(r)}`);
  return (r as { reason: string }).reason;
}

function fixtureLines(name: string): string[] {
  return readFileSync(fixture('xferlog', name), 'utf8').split('\n').filter((l) => l !== '');
}

const LINE = 'Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /home/ftpuser/my_file.txt b _ i r ftpuser ftp 0 * c';

describe('parseXferlogLine', () => {
  it('reads the fourteen fields of a vsftpd line (space-padded day)', () => {
    assert.deepEqual(parseXferlogLine(LINE), { kind: 'entry', entry: entry({}) });
  });

  it('reads a zero-padded day (ProFTPD, Pure-FTPd) and a one-digit day without padding', () => {
    assert.deepEqual(parsed('Sat Dec 05 21:41:54 2026 0 127.0.0.1 14 /f b _ i r u ftp 0 * c').time, TIME);
    assert.deepEqual(parsed('Sat Dec 5 21:41:54 2026 0 127.0.0.1 14 /f b _ i r u ftp 0 * c').time, TIME);
    assert.deepEqual(parsed('Mon Feb 29 00:00:00 2028 0 h 1 /f b _ o r u ftp 0 * c').time, civil(2028, 2, 29, 0, 0, 0));
  });

  it('keeps a file name with spaces, semicolons and quotes whole: fields are counted from both ends', () => {
    assert.equal(parsed('Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /in box/a; b "c".txt b _ i r ftpuser ftp 0 * c').path, '/in box/a; b "c".txt');
    assert.equal(parsed('Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /a;b.txt b _ o r ftpuser ftp 0 * c').path, '/a;b.txt');
  });

  it('keeps a file name that itself holds a run of the one-letter fields: the rightmost run is the fields', () => {
    const e = parsed('Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /x b _ o r y.txt a _ i r ftpuser ftp 0 * c');
    assert.deepEqual([e.path, e.transferType, e.direction, e.user], ['/x b _ o r y.txt', 'a', 'i', 'ftpuser']);
  });

  it('reads an empty anonymous identification string (ProFTPD writes two spaces)', () => {
    const e = parsed('Sat Dec 05 21:42:24 2026 0 127.0.0.1 31 /var/lib/ftp/welcome.txt b _ o a  ftp 0 * c');
    assert.deepEqual([e.accessMode, e.user, e.service], ['a', '', 'ftp']);
  });

  it('reads an anonymous identification string with spaces, and vsftpd\'s <no_password>', () => {
    assert.equal(parsed('Sat Dec  5 21:41:58 2026 1 127.0.0.1 31 /welcome.txt b _ o a John Doe ftp 0 * c').user, 'John Doe');
    assert.equal(parsed('Sat Dec  5 21:41:58 2026 1 127.0.0.1 31 /welcome.txt b _ o a <no_password> ftp 0 * c').user, '<no_password>');
  });

  it('reads every direction, access mode, transfer type and combined special action flags', () => {
    const e = parsed('Sat Dec  5 21:41:54 2026 3 ftp.example.com 2048 /pub/a.tar.gz a CT d g guest ftps 1 ident c');
    assert.deepEqual(e, entry({ duration: 3, host: 'ftp.example.com', size: 2048, path: '/pub/a.tar.gz', transferType: 'a', actions: 'CT', direction: 'd', accessMode: 'g', user: 'guest', service: 'ftps', authMethod: '1', authUser: 'ident' }));
  });

  it('reads an incomplete transfer, a zero transfer time, a fractional one and a zero size', () => {
    const e = parsed('Sat Dec  5 21:42:23 2026 1 127.0.0.1 0 /home/u/missing.txt b _ o r u ftp 0 * i');
    assert.deepEqual([e.status, e.size], ['i', 0]);
    assert.equal(parsed('Sat Dec 05 21:42:23 2026 0 127.0.0.1 5 /f b _ o r u ftp 0 * c').duration, 0);
    assert.equal(parsed('Sat Dec 05 21:42:23 2026 0.25 127.0.0.1 5 /f b _ o r u ftp 0 * c').duration, 0.25);
  });

  it('ignores a CR of a CRLF file and trailing spaces', () => {
    assert.deepEqual(parseXferlogLine(LINE + '\r'), { kind: 'entry', entry: entry({}) });
    assert.deepEqual(parseXferlogLine(LINE + '  '), { kind: 'entry', entry: entry({}) });
  });

  it('skips blank lines', () => {
    assert.deepEqual(parseXferlogLine(''), { kind: 'skip', reason: 'blank' });
    assert.deepEqual(parseXferlogLine('  \t'), { kind: 'skip', reason: 'blank' });
    assert.deepEqual(parseXferlogLine('\r'), { kind: 'skip', reason: 'blank' });
  });

  describe('malformed lines are errors with a reason', () => {
    const cases: [string, string][] = [
      ['2026-12-05 21:41:54 1 h 1 /f b _ o r u ftp 0 * c', 'invalid time stamp "2026-12-05 21:41:54 1 h ": expected "Www Mmm dd hh:mm:ss yyyy"'],
      ['Sat Dex  5 21:41:54 2026 1 h 1 /f b _ o r u ftp 0 * c', 'invalid time stamp "Sat Dex  5 21:41:54 2026": expected "Www Mmm dd hh:mm:ss yyyy"'],
      ['Sat Feb 30 21:41:54 2026 1 h 1 /f b _ o r u ftp 0 * c', 'invalid time stamp "Sat Feb 30 21:41:54 2026": expected "Www Mmm dd hh:mm:ss yyyy"'],
      ['Sat Dec  5 25:41:54 2026 1 h 1 /f b _ o r u ftp 0 * c', 'invalid time stamp "Sat Dec  5 25:41:54 2026": expected "Www Mmm dd hh:mm:ss yyyy"'],
      ['Sat Dec  5 21:41:54 20260 1 h 1 /f b _ o r u ftp 0 * c', 'invalid time stamp "Sat Dec  5 21:41:54 20260": no space after the year'],
      ['Sat Dec  5 21:41:54 2026', 'too few fields: expected 14'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14', 'too few fields: expected 14'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ i', 'too few fields: expected 14'],
      ['Sat Dec  5 21:41:54 2026 x 127.0.0.1 14 /f b _ i r u ftp 0 * c', 'transfer time "x" is not a number of seconds'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 -4 /f b _ i r u ftp 0 * c', 'file size "-4" is not a number of bytes'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ i r u ftp 0 * x', 'completion status "x" is not c (complete) or i (incomplete)'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ i r u ftp 0 * ', 'completion status "*" is not c (complete) or i (incomplete)'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ i r u ftp x * c', 'authentication method "x" is not a number'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ i r u  0 * c', 'empty service name'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f x _ i r u ftp 0 * c', 'no transfer type, special action, direction and access mode fields (a|b, C/U/T/_, o|i|d, a|g|r) before the user name'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /f b _ x r u ftp 0 * c', 'no transfer type, special action, direction and access mode fields (a|b, C/U/T/_, o|i|d, a|g|r) before the user name'],
      ['Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 b _ i r u ftp 0 * c', 'no transfer type, special action, direction and access mode fields (a|b, C/U/T/_, o|i|d, a|g|r) before the user name'],
    ];
    for (const [line, reason] of cases) {
      it(JSON.stringify(line), () => assert.equal(failure(line), reason));
    }

    it('a line cut short inside its last fields is an error, not an entry with a shorter value', () => {
      for (let cut = LINE.length - 1; cut > 0; cut--) {
        const r = parseXferlogLine(LINE.slice(0, cut));
        assert.equal(r.kind, 'error', `cut at ${cut}: ${JSON.stringify(r)}`);
      }
    });
  });

  describe('real lines written by the servers (test/fixtures/xferlog)', () => {
    it('vsftpd 3.0.3: every line parses, with the space-padded day, transfer time never 0, and i for an abort and a missing file', () => {
      const entries = fixtureLines('vsftpd-3.0.3.xferlog').map(parsed);
      assert.equal(entries.length, 10);
      assert.ok(entries.every((e) => e.time.day === 5 && e.duration >= 1 && e.authMethod === '0' && e.authUser === '*'));
      assert.deepEqual(entries.map((e) => e.status).join(''), 'ccccciccic');
      assert.deepEqual(entries[8], entry({ time: civil(2026, 12, 5, 21, 42, 23), size: 0, path: '/var/lib/ftplog-otel-ftp/home/s2121/missing.txt', direction: 'o', user: 'ftplog', status: 'i' }));
      assert.deepEqual([entries[7]!.path, entries[7]!.accessMode, entries[7]!.user], ['/welcome.txt', 'a', 'me@example.com']);
      assert.deepEqual([entries[9]!.accessMode, entries[9]!.user], ['a', '?']);
    });

    it('ProFTPD 1.3.8: deletes as direction d, an empty anonymous identification string, real paths', () => {
      const entries = fixtureLines('proftpd-1.3.8.xferlog').map(parsed);
      assert.equal(entries.length, 10);
      assert.equal(entries.map((e) => e.direction).join(''), 'iiioooodoo');
      assert.deepEqual(entries[7], entry({ time: civil(2026, 12, 5, 21, 42, 2), duration: 0, size: 13, path: '/var/lib/ftplog-otel-ftp/home/s2122/renamed.txt', transferType: 'a', direction: 'd', user: 'ftplog' }));
      assert.deepEqual([entries[9]!.accessMode, entries[9]!.user, entries[9]!.path], ['a', '', '/var/lib/ftplog-otel-ftp/anon/welcome.txt']);
      assert.equal(entries[5]!.status, 'i');
    });

    it('Pure-FTPd 1.0.50: always c, authentication method 1, anonymous users as the real user ftp', () => {
      const entries = fixtureLines('pure-ftpd-1.0.50.xferlog').map(parsed);
      assert.equal(entries.length, 9);
      assert.ok(entries.every((e) => e.status === 'c' && e.authMethod === '1'));
      // Without -H, Pure-FTPd logs the client's resolved name.
      assert.ok(entries.every((e) => e.host === 'localhost'));
      assert.deepEqual([entries[7]!.accessMode, entries[7]!.user, entries[5]!.size], ['r', 'ftp', 4063232]);
    });
  });
});

describe('looksLikeXferlog and xferlogLineTime', () => {
  it('a time stamp followed by a number is xferlog; vsftpd\'s own log and other formats are not', () => {
    assert.equal(looksLikeXferlog(LINE), true);
    assert.equal(looksLikeXferlog('Sat Dec 05 21:41:54 2026 0 x'), true);
    assert.equal(looksLikeXferlog('Sat Dec  5 21:41:48 2026 [pid 8126] CONNECT: Client "127.0.0.1"'), false);
    assert.equal(looksLikeXferlog('2010-01-11 15:42:17 #u5 | R,/a,1,0.1,1.0,u,e,h,,OK,I,,1,AAAAAAAAAAAA,1,0,'), false);
    assert.equal(looksLikeXferlog(''), false);
  });

  it('the time of a line that does not parse', () => {
    assert.deepEqual(xferlogLineTime('Sat Dec  5 21:41:54 2026 garbage'), TIME);
    assert.equal(xferlogLineTime('garbage'), undefined);
  });
});

describe('readCtime', () => {
  it('reads the three paddings of the day and says where the year ends', () => {
    for (const [text, end] of [['Sat Dec  5 21:41:54 2026', 24], ['Sat Dec 05 21:41:54 2026', 24], ['Sat Dec 5 21:41:54 2026', 23]] as const) {
      const out = { end: 0 };
      assert.deepEqual(readCtime(text, out), TIME, text);
      assert.equal(out.end, end, text);
    }
  });

  it('rejects an unknown weekday or month, a day out of range, and a time out of range', () => {
    for (const text of ['Sun Dez  5 21:41:54 2026', 'Xyz Dec  5 21:41:54 2026', 'Sat Dec 32 21:41:54 2026', 'Sat Dec  0 21:41:54 2026', 'Sat Dec  5 21:60:54 2026', 'Sat Dec  5 21:41:54 20x6', 'Sat Dec   5 21:41:54 2026']) {
      assert.equal(readCtime(text, { end: 0 }), undefined, text);
    }
  });
});
