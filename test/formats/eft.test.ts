import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { eftLineTime, isEftHeaderLine, looksLikeEft, parseEftLine } from '../../src/formats/eft.js';
import type { CivilTime, EftEntry, ParseResult } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';

function lines(name: string): string[] {
  return readFileSync(fixture('eft', name), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '');
}

function time(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): CivilTime {
  return { year, month, day, hour, minute, second, millisecond };
}

const T = time(2006, 3, 6, 10, 11, 3);

/** The reason for a nine-column line without its final ";". */
const CUT_SHORT = 'line cut short: no ";" after its last column';

/** The vendor's example entry with some columns replaced. */
function entry(overrides: Partial<EftEntry> = {}): EftEntry {
  return {
    format: 'eft',
    time: T,
    protocol: 'ftp',
    host: '',
    port: 21,
    user: 'ClientA',
    localPath: 'C:\\test1.txt',
    remotePath: '/test1.txt',
    operation: 'download',
    code: 226,
    actionResult: undefined,
    ...overrides,
  };
}

function expectEntry(line: string, expected: EftEntry): void {
  const result = parseEftLine(line);
  assert.deepEqual(result, { kind: 'entry', entry: expected }, line);
}

function expectError(line: string, reason?: string | RegExp): void {
  const result: ParseResult<EftEntry> = parseEftLine(line);
  assert.equal(result.kind, 'error', `${line} -> ${JSON.stringify(result)}`);
  if (result.kind !== 'error') return;
  if (typeof reason === 'string') assert.equal(result.reason, reason, line);
  else if (reason !== undefined) assert.match(result.reason, reason, line);
}

describe('EFT client log parser', () => {
  describe('vendor samples', () => {
    const expected: EftEntry[] = [
      entry({ host: '192.168.20.171' }),
      entry({ host: '' }),
    ];
    const sample = lines('eft-client-vendor.log');

    it('has one expectation per sample line', () => {
      assert.equal(sample.length, expected.length);
    });
    sample.forEach((line, i) => {
      it(`parses vendor line ${i + 1}`, () => {
        expectEntry(line, expected[i]!);
        assert.equal(looksLikeEft(line), true);
        assert.equal(isEftHeaderLine(line), false);
      });
    });

    for (const line of lines('eft-client-headers.txt')) {
      it(`skips the printed header ${JSON.stringify(line.slice(0, 24))}`, () => {
        assert.equal(isEftHeaderLine(line), true);
        assert.deepEqual(parseEftLine(line), { kind: 'skip', reason: 'header' });
        assert.equal(looksLikeEft(line), false);
      });
    }
  });

  describe('separators and columns', () => {
    const table: Array<[string, string, EftEntry]> = [
      ['";" without spaces', '2006-03-06 10:11:03;ftp;;21;ClientA;C:\\test1.txt;/test1.txt;download;226;', entry()],
      ['mixed separators', '2006-03-06 10:11:03;ftp; ;21 ; ClientA;C:\\test1.txt; /test1.txt;download ;226;', entry()],
      ['trailing whitespace after ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;  \t', entry()],
      ['leading and surrounding whitespace', '  2006-03-06 10:11:03 ;\tftp\t;  ; 21 ;  ClientA ; C:\\test1.txt ;  /test1.txt ; download ; 226 ;', entry()],
      ['10 columns with trailing ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226; 0;', entry({ actionResult: 0 })],
      ['10 columns without trailing ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 550; 1', entry({ code: 550, actionResult: 1 })],
      ['10 columns, other ACTION_RESULT kept', '2006-03-06 10:11:03;ftp;;21;ClientA;C:\\test1.txt;/test1.txt;download;226;7', entry({ actionResult: 7 })],
      ['10 columns, empty GetLastCode', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; ; 1;', entry({ code: undefined, actionResult: 1 })],
      ['fractional seconds', '2006-03-06 10:11:03.042; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2006, 3, 6, 10, 11, 3, 42) })],
      ['short fraction', '2006-03-06 10:11:03.5; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2006, 3, 6, 10, 11, 3, 500) })],
      ['long fraction truncated to ms', '2006-03-06 10:11:03.123987; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2006, 3, 6, 10, 11, 3, 123) })],
      ['leap second', '2016-12-31 23:59:60; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2016, 12, 31, 23, 59, 60) })],
      ['leap day', '2024-02-29 00:00:00; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2024, 2, 29, 0, 0, 0) })],
      ['leap day in a year divisible by 400', '2000-02-29 00:00:00; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ time: time(2000, 2, 29, 0, 0, 0) })],
    ];
    for (const [name, line, expected] of table) it(name, () => expectEntry(line, expected));
  });

  describe('column values', () => {
    const table: Array<[string, string, EftEntry]> = [
      ['uppercase protocol is lowercased', '2006-03-06 10:11:03; SFTP; sftp.example.com; 22; ClientA; C:\\test1.txt; /test1.txt; upload; 0;', entry({ protocol: 'sftp', host: 'sftp.example.com', port: 22, operation: 'upload', code: 0 })],
      ['any protocol token', '2006-03-06 10:11:03; Gopher+; h; 70; ClientA; C:\\test1.txt; /test1.txt; download; 0;', entry({ protocol: 'gopher+', host: 'h', port: 70, code: 0 })],
      ['IPv6 host', '2006-03-06 10:11:03; ftps; fe80::1; 990; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ protocol: 'ftps', host: 'fe80::1', port: 990 })],
      ['bracketed IPv6 host', '2006-03-06 10:11:03;https;[2001:db8::1];443;ClientA;C:\\test1.txt;/test1.txt;download;200;', entry({ protocol: 'https', host: '[2001:db8::1]', port: 443, code: 200 })],
      ['empty host', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry()],
      ['empty user', '2006-03-06 10:11:03; ftp; h;21;; C:\\test1.txt; /test1.txt; download; 226;', entry({ host: 'h', user: '' })],
      ['empty port', '2006-03-06 10:11:03; ftp; h; ; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ host: 'h', port: undefined })],
      ['port 0 and 65535', '2006-03-06 10:11:03; ftp; h; 65535; ClientA; C:\\test1.txt; /test1.txt; download; 226;', entry({ host: 'h', port: 65535 })],
      ['negative code', '2006-03-06 10:11:03; sftp; h; 22; ClientA; C:\\test1.txt; /test1.txt; download; -1;', entry({ protocol: 'sftp', host: 'h', port: 22, code: -1 })],
      ['winsock code', '2006-03-06 10:11:03; ftp; unreachable.example; 21; ClientA; C:\\test1.txt; /test1.txt; download; 10060;', entry({ host: 'unreachable.example', code: 10060 })],
      ['empty code', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; ;', entry({ code: undefined })],
      ['empty code, no space', '2006-03-06 10:11:03;ftp;;21;ClientA;C:\\test1.txt;/test1.txt;download;;', entry({ code: undefined })],
      ['empty operation', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; ; 226;', entry({ operation: '' })],
    ];
    for (const [name, line, expected] of table) it(name, () => expectEntry(line, expected));
  });

  describe('paths', () => {
    const table: Array<[string, string, EftEntry]> = [
      ['";" in the local path', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\a;b\\file.txt; /file.txt; download; 226;', entry({ localPath: 'C:\\a;b\\file.txt', remotePath: '/file.txt' })],
      ['"; " in the local path', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\a; b\\file.txt; /file.txt; download; 226;', entry({ localPath: 'C:\\a; b\\file.txt', remotePath: '/file.txt' })],
      ['";" in the remote path', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\f.txt; /in;box/f.txt; download; 226;', entry({ localPath: 'C:\\f.txt', remotePath: '/in;box/f.txt' })],
      ['";/" in the remote path', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\f.txt; /in;/box/f.txt; download; 226;', entry({ localPath: 'C:\\f.txt', remotePath: '/in;/box/f.txt' })],
      ['";" in both paths, 10 columns', '2006-03-06 10:11:03;ftp;;21;ClientA;C:\\x;y\\f;1.txt;/in;box/f;1.txt;download;226;0;', entry({ localPath: 'C:\\x;y\\f;1.txt', remotePath: '/in;box/f;1.txt', actionResult: 0 })],
      [
        // A `\` right of the first candidate shows that candidate is inside the local path.
        '"; /" inside the local path, resolved by the later backslash',
        '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\dir; /x\\file.txt; /r.txt; download; 226;',
        entry({ localPath: 'C:\\dir; /x\\file.txt', remotePath: '/r.txt' }),
      ],
      [
        // Unresolvable: `C:\a; /b` + `/r.txt` and `C:\a` + `/b; /r.txt` are both valid; the leftmost split wins.
        '"; /" inside the local path without a later backslash reads as part of the remote path',
        '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\a; /b; /r.txt; download; 226;',
        entry({ localPath: 'C:\\a', remotePath: '/b; /r.txt' }),
      ],
      ['forward-slash drive path', '2006-03-06 10:11:03; ftp;; 21; ClientA; c:/dir;1/f.txt; /f.txt; download; 226;', entry({ localPath: 'c:/dir;1/f.txt', remotePath: '/f.txt' })],
      ['UNC local path', '2006-03-06 10:11:03; ftp;; 21; ClientA; \\\\srv\\share\\f.txt; /f.txt; download; 226;', entry({ localPath: '\\\\srv\\share\\f.txt', remotePath: '/f.txt' })],
      ['UNC local path with ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; \\\\srv\\share;x\\f.txt; /f.txt; download; 226;', entry({ localPath: '\\\\srv\\share;x\\f.txt', remotePath: '/f.txt' })],
      ['spaces inside paths are kept', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\My Files\\a  b.txt; /in box/a  b.txt; download; 226;', entry({ localPath: 'C:\\My Files\\a  b.txt', remotePath: '/in box/a  b.txt' })],
      ['unicode paths', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\Données\\reçu.pdf; /ファイル.txt; download; 226;', entry({ localPath: 'C:\\Données\\reçu.pdf', remotePath: '/ファイル.txt' })],
      ['emoji paths with ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\😀;x.txt; /😀;y.txt; download; 226;', entry({ localPath: 'C:\\😀;x.txt', remotePath: '/😀;y.txt' })],
      ['both paths empty', '2006-03-06 10:11:03; ftp;; 21; ClientA; ; ; download; 226;', entry({ localPath: '', remotePath: '' })],
      ['empty local path', '2006-03-06 10:11:03; ftp;; 21; ClientA; ; /f.txt; download; 226;', entry({ localPath: '', remotePath: '/f.txt' })],
      ['empty remote path', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\f.txt; ; download; 226;', entry({ localPath: 'C:\\f.txt', remotePath: '' })],
      ['empty remote path after a local ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\a;b.txt; ; download; 226;', entry({ localPath: 'C:\\a;b.txt', remotePath: '' })],
      ['empty local path, ";" in the remote path', '2006-03-06 10:11:03; ftp;; 21; ClientA; ; /a; /b; download; 226; 1', entry({ localPath: '', remotePath: '/a; /b', actionResult: 1 })],
      ['unambiguous split accepts any path shape', '2006-03-06 10:11:03; ftp;; 21; ClientA; relative.txt; remote.txt; download; 226;', entry({ localPath: 'relative.txt', remotePath: 'remote.txt' })],
    ];
    for (const [name, line, expected] of table) it(name, () => expectEntry(line, expected));

    it('parses a very long line', () => {
      const dir = 'd;ir '.repeat(100_000);
      const line = `2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\${dir}\\f.txt; /${dir}/f.txt; download; 226;`;
      const started = Date.now();
      expectEntry(line, entry({ localPath: `C:\\${dir}\\f.txt`, remotePath: `/${dir}/f.txt` }));
      assert.ok(Date.now() - started < 1000);
    });

    it('rejects an ambiguous middle with no plausible split', () => {
      expectError('2006-03-06 10:11:03; ftp;; 21; ClientA; a;b; c; download; 226;', 'no plausible split between local and remote path');
      expectError('2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\a;b; c; download; 226;', 'no plausible split between local and remote path');
    });
  });

  describe('skips', () => {
    for (const line of ['', ' ', '\t \t', '\r']) {
      it(`skips blank ${JSON.stringify(line)}`, () => assert.deepEqual(parseEftLine(line), { kind: 'skip', reason: 'blank' }));
    }
    const headers = [
      'time;protocol;host name;port;user name;local path;remote path;operation;getlastcode',
      '  Time ; Prot ; Host',
      'TIME|PROTOCOL|HOST',
    ];
    for (const line of headers) {
      it(`skips header ${JSON.stringify(line)}`, () => assert.deepEqual(parseEftLine(line), { kind: 'skip', reason: 'header' }));
    }
    it('does not take other lines starting with "time" for headers', () => {
      assert.equal(isEftHeaderLine('Timeout; host; 21'), false);
      assert.equal(isEftHeaderLine('time; host; port'), false);
      assert.equal(isEftHeaderLine('time protocol'), false);
      expectError('timestamp; protocol', 'expected 9 or 10 fields, found 2');
    });
  });

  describe('failures', () => {
    const table: Array<[string, string, string | RegExp]> = [
      ['too few fields', '2006-03-06 10:11:03; ftp; h; 21', 'expected 9 or 10 fields, found 4'],
      ['eight fields', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download;', 'expected 9 or 10 fields, found 8'],
      ['junk', 'hello world', 'expected 9 or 10 fields, found 1'],
      ['NcFTPd line', '2001-12-31 23:59:59 #u2    | S,/pub/a.txt,1,1,1,,anonymous,x@,host,OK,I,,', 'expected 9 or 10 fields, found 1'],
      ['only separators', ';;;;;;;;;', 'invalid time ""'],
      ['only separators and spaces', '; ; ; ; ; ; ; ; ;', 'invalid time ""'],
      ['a lone separator', ';', 'expected 9 or 10 fields, found 1'],
      ['29 February in a common year', '2023-02-29 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', 'invalid time "2023-02-29 10:11:03"'],
      ['29 February 1900', '1900-02-29 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['31 April', '2023-04-31 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['month 13', '2023-13-01 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['month 0', '2023-00-01 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['day 0', '2023-01-00 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['hour 24', '2023-01-01 24:00:00; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['minute 60', '2023-01-01 10:60:00; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['second 61', '2023-01-01 10:11:61; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['ISO "T" separator', '2023-01-01T10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['empty fraction', '2023-01-01 10:11:03.; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['trailing junk in time', '2023-01-01 10:11:03 PM; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', /^invalid time/],
      ['non-numeric port', '2006-03-06 10:11:03; ftp;; x; ClientA; C:\\test1.txt; /test1.txt; download; 226;', 'invalid port "x"'],
      ['port out of range', '2006-03-06 10:11:03; ftp;; 65536; ClientA; C:\\test1.txt; /test1.txt; download; 226;', 'invalid port "65536"'],
      ['negative port', '2006-03-06 10:11:03; ftp;; -21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', 'invalid port "-21"'],
      ['non-integer code', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; abc;', 'invalid GetLastCode "abc"'],
      ['decimal code', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 2.5;', 'invalid GetLastCode "2.5"'],
      ['numeric operation', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; 226; 226;', 'invalid operation "226"'],
      // Nine columns need the final ";": without it the code may be cut ("226" read as "2", a failure).
      ['9 columns without the final ";"', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226', CUT_SHORT],
      ['9 columns cut inside the code', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 2', CUT_SHORT],
      ['10 columns cut inside the code', '2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 1006', CUT_SHORT],
      ['long values are clipped in reasons', `2006-03-06 10:11:03; ftp;; ${'9'.repeat(100)}; u; C:\\a; /b; download; 226;`, `invalid port "${'9'.repeat(40)}…"`],
    ];
    for (const [name, line, reason] of table) it(name, () => expectError(line, reason));
  });

  describe('looksLikeEft', () => {
    const table: Array<[string, boolean]> = [
      ['2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;', true],
      ['2006-03-06 10:11:03;ftp', true],
      ['2006-03-06 10:11:03.123 ; ftp', true],
      ['2001-12-31 23:59:59 #u2    | S,/pub/a.txt,', false],
      ['2006-03-06 10:11:03', false],
      ['2006-03-06T10:11:03;', false],
      ['2006-03-06 10:11:03.;', false],
      ['Time; Protocol; Host Name', false],
      ['', false],
    ];
    for (const [line, expected] of table) {
      it(`${expected ? 'accepts' : 'rejects'} ${JSON.stringify(line.slice(0, 30))}`, () => assert.equal(looksLikeEft(line), expected));
    }
  });
});

describe('eftLineTime', () => {
  it('reads the time of the first field of a line that does not parse', () => {
    assert.deepEqual(eftLineTime('2024-11-18 02:31:34; https; ftp.lucerne-publishing.ch'), { year: 2024, month: 11, day: 18, hour: 2, minute: 31, second: 34, millisecond: 0 });
    assert.deepEqual(eftLineTime('  2024-11-18 02:31:34.25 ;x'), { year: 2024, month: 11, day: 18, hour: 2, minute: 31, second: 34, millisecond: 250 });
    assert.deepEqual(eftLineTime('2024-02-29 23:59:59'), { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, millisecond: 0 });
  });

  it('is undefined when the first field is not a time', () => {
    for (const text of ['', 'garbage; sftp; h; 22; u', '2024-11-31 02:31:34; sftp', '2024-11-18T02:31:34; sftp', '18.11.2024 02:31:34; ftp', '\u0000\u0000; sftp']) {
      assert.equal(eftLineTime(text), undefined, text);
    }
  });
});

describe('parseEftLine: two entries on one line', () => {
  const ten = (t: string, name: string): string => `${t}; sftp; 198.51.100.23; 22; müller.k; \\\\fs01\\${name}; /ap/${name}; upload; 0; 0;`;
  const nine = (t: string, name: string): string => `${t}; ftp; h; 21; u; C:\\${name}; /${name}; download; 226;`;

  it('is a failure naming where the second entry starts, whatever the layouts', () => {
    for (const [line, second] of [
      [ten('2024-11-18 01:01:52', 'a.pdf') + ten('2024-11-18 01:02:10', 'b.pdf'), '2024-11-18 01:02:10'],
      [ten('2024-11-18 01:01:52', 'a.pdf') + ' ' + ten('2024-11-18 01:02:10.5', 'b.pdf'), '2024-11-18 01:02:10.5'],
      [nine('2024-11-18 01:01:52', 'a;b.txt') + nine('2024-11-18 01:01:53', 'c.txt'), '2024-11-18 01:01:53'],
      [nine('2024-11-18 01:01:52', 'a.txt') + ten('2024-11-18 01:01:53', 'c.txt'), '2024-11-18 01:01:53'],
    ] as const) {
      assert.deepEqual(parseEftLine(line), { kind: 'error', reason: `two entries on one line (a lost line end?): the second starts at "${second}"` }, line);
    }
  });

  it('leaves alone a name whose `;` is followed by a date that is not a whole time', () => {
    const r = parseEftLine('2024-11-18 01:01:52; ftp; h; 21; u; C:\\reports; 2024-11-18 Q1.pdf; /reports; 2024-11-18 01:01 Q1.pdf; upload; 226; 0;');
    assert.equal(r.kind, 'entry');
    assert.equal((r as { entry: EftEntry }).entry.remotePath, '/reports; 2024-11-18 01:01 Q1.pdf');
  });
});
