import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { looksLikeNcftpd, ncftpdLineTime, parseNcftpdLine } from '../../src/formats/ncftpd.js';
import type { CivilTime, NcftpdEntry, ParseResult } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';
import { NCFTPD_ENTRY_KEYS, fullEntry } from '../helpers/ncftpd-entry.js';

type Fields = Omit<NcftpdEntry, 'format' | 'time' | 'process'> & { time?: CivilTime; process?: string };

const TIME: CivilTime = { year: 2010, month: 1, day: 11, hour: 15, minute: 42, second: 17, millisecond: 0 };

function entry(fields: Fields): NcftpdEntry {
  return fullEntry({ format: 'ncftpd', time: TIME, process: '#u5', ...fields });
}

function civil(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): CivilTime {
  return { year, month, day, hour, minute, second, millisecond };
}

const PREFIX = '2010-01-11 15:42:17 #u5 | ';

/** The reason for a line that ends inside its last field. */
const CUT_SHORT = 'entry cut short: no comma after its last field';

function ok(line: string, expected: NcftpdEntry): void {
  assert.deepEqual(parseNcftpdLine(line), { kind: 'entry', entry: expected });
}

function parsed(line: string): NcftpdEntry {
  const r = parseNcftpdLine(line);
  assert.equal(r.kind, 'entry', `expected an entry, got ${JSON.stringify(r)}`);
  return (r as { entry: NcftpdEntry }).entry;
}

function failure(line: string): string {
  const r: ParseResult<NcftpdEntry> = parseNcftpdLine(line);
  assert.equal(r.kind, 'error', `expected an error, got ${JSON.stringify(r)}`);
  return (r as { reason: string }).reason;
}

/** Reads a fixture as bytes and splits on LF only, so CRLF lines keep their `\r`. */
function fixtureLines(name: string): string[] {
  const text = readFileSync(fixture('ncftpd', name)).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe('parseNcftpdLine', () => {
  describe('vendor sample (ncftpd-xfer-vendor.log)', () => {
    const expected: NcftpdEntry[] = [
      entry({
        time: civil(1996, 8, 26, 0, 22, 11),
        process: '#u2',
        type: 'R',
        path: '/home/ftp/pub/big.file',
        size: 4627440,
        duration: 23.223,
        rate: 194.591,
        user: 'anonymous',
        email: 'mozilla@my.host.com',
        host: 'actual.host.com',
        suffix: '.tar.gz',
        status: 'OK',
        transferType: 'I',
        notes: ['Ps', 'Sf'],
        startTime: 841036734,
        sessionId: 'RMf0YAABAAEA',
        startSize: 4637440,
        startOffset: 10000,
      }),
      entry({
        time: civil(1997, 4, 20, 23, 30, 59),
        process: '#u2',
        type: 'R',
        path: '/home/ftp/pub/big.file',
        size: 4627440,
        duration: 23.223,
        rate: 194.591,
        user: 'anonymous',
        email: 'mozilla@my.host.com',
        host: 'actual.host.com',
        suffix: '.tar.gz',
        status: 'OK',
      }),
    ];
    const lines = fixtureLines('ncftpd-xfer-vendor.log');

    it('has one expected entry per line', () => {
      assert.equal(lines.length, expected.length);
    });
    lines.forEach((line, i) => {
      it(`line ${i + 1}: ${line.slice(0, 60)}`, () => {
        ok(line, expected[i]!);
      });
    });
  });

  describe('CRLF fixture (ncftpd-xfer-fixture.crlf.log), split on LF', () => {
    const expected: NcftpdEntry[] = [
      entry({
        time: civil(2010, 1, 11, 15, 42, 17),
        process: '#u5',
        type: 'C',
        path: '/home/sshaw/cti/web/trunk/public/js/large-sprite.gif',
        mode: '644',
        user: 'cti-www',
        host: '24.216.233.19',
        sessionId: 'S0u3WAAFv94A',
      }),
      entry({
        time: civil(2010, 1, 11, 12, 47, 44),
        process: '#u2',
        type: 'D',
        path: '/home/sshaw/.cshrc',
        user: 'opc',
        host: '16.14.22.99',
        sessionId: 'S0uObwACwXoA',
      }),
      entry({
        time: civil(2010, 1, 11, 13, 37, 20),
        process: '#u4',
        type: 'M',
        path: '/Users/BobABooey/Documents/2001/January/Second/Cal',
        user: 'suemi',
        host: '186.14.2.22',
        sessionId: 'S0uZ6AAEv9kA',
      }),
      entry({
        time: civil(2010, 1, 11, 14, 35, 0),
        process: '#u4',
        type: 'N',
        path: '/Users/ftp/docs/HP 2011 20100114.xml',
        target: '/Users/ftp/docs/HP PART II 2011 20100114.xml',
        user: 'ftp',
        email: 'sshaw@lucas.cis.temple.edu',
        host: 'localhost',
        sessionId: 'S0unlAAEwGoA',
        extra: '");',
      }),
      entry({
        time: civil(2011, 2, 6, 10, 16, 8),
        process: '#u4',
        type: 'R',
        path: '/home/sshaw/ruby-1.8.7-p302/misc/ruby-mode.el',
        size: 41,
        duration: 0.007,
        rate: 5.856,
        user: 'sshaw',
        host: '168.161.192.16',
        status: 'OK',
        transferType: 'I',
        notes: ['Po'],
        startTime: 1294215368,
        sessionId: 'TSQoxwAEEbkA',
        startSize: 41,
        startOffset: 0,
      }),
      entry({
        time: civil(2010, 1, 5, 0, 0, 59),
        process: '#u3',
        type: 'S',
        path: '/a/file,with,commas.txt',
        size: 25,
        duration: 0.006,
        rate: 4.389,
        user: 'sshaw',
        host: '1.2.3.4',
        status: 'OK',
        transferType: 'I',
        notes: ['Po', 'Sf'],
        startTime: 1294214460,
        sessionId: 'TSQlOwADIaAA',
        startSize: 25,
        startOffset: 0,
      }),
      entry({
        time: civil(2011, 1, 5, 0, 15, 55),
        process: '#u4',
        type: 'T',
        path: '/home/adelitas/20100101',
        status: 'OK',
        recursive: false,
        user: '2M@nYL0G-z',
        host: 'my.odd--host.local',
        sessionId: 'TSQouwAEEbgA',
      }),
    ];
    const lines = fixtureLines('ncftpd-xfer-fixture.crlf.log');

    it('keeps the CR of every line', () => {
      assert.equal(lines.length, expected.length);
      for (const line of lines) assert.ok(line.endsWith(',\r') || line.endsWith(';\r'), JSON.stringify(line));
    });
    lines.forEach((line, i) => {
      it(`line ${i + 1}: ${line.slice(0, 60)}`, () => {
        ok(line, expected[i]!);
      });
    });
  });

  describe('prefix', () => {
    const body = 'D,/x,,,,u,,h,S0uObwACwXoA,';
    const cases: Array<[string, CivilTime, string]> = [
      ['2010-01-11 15:42:17 #u5 | ', TIME, '#u5'],
      ['2010-01-11 15:42:17 #u5     | ', TIME, '#u5'],
      ['2010-01-11 15:42:17 #u12| ', TIME, '#u12'],
      ['2010-01-11 15:42:17 (main) | ', TIME, '(main)'],
      ['2010-01-11 15:42:17 #m1 | ', TIME, '#m1'],
      ['2010-01-11 15:42:17.123 #u5 | ', civil(2010, 1, 11, 15, 42, 17, 123), '#u5'],
      ['2010-01-11 15:42:17.5 #u5 | ', civil(2010, 1, 11, 15, 42, 17, 500), '#u5'],
      ['2010-01-11 15:42:17.123456 #u5 | ', civil(2010, 1, 11, 15, 42, 17, 123), '#u5'],
      ['97/04/20 23:30:59 #u2 | ', civil(1997, 4, 20, 23, 30, 59), '#u2'],
      ['05/04/20 23:30:59 #u2 | ', civil(2005, 4, 20, 23, 30, 59), '#u2'],
      ['70/01/01 00:00:00 #u2 | ', civil(1970, 1, 1, 0, 0, 0), '#u2'],
      ['69/12/31 23:59:59 #u2 | ', civil(2069, 12, 31, 23, 59, 59), '#u2'],
      ['2012-02-29 00:00:00 #u1 | ', civil(2012, 2, 29, 0, 0, 0), '#u1'],
      ['2000-02-29 00:00:00 #u1 | ', civil(2000, 2, 29, 0, 0, 0), '#u1'],
      ['2016-12-31 23:59:60 #u1 | ', civil(2016, 12, 31, 23, 59, 60), '#u1'],
    ];
    for (const [prefix, time, process] of cases) {
      it(`reads ${JSON.stringify(prefix)}`, () => {
        const e = parsed(prefix + body);
        assert.deepEqual(e.time, time);
        assert.equal(e.process, process);
        assert.equal(e.path, '/x');
      });
    }

    const invalid = [
      '2010-13-11 15:42:17',
      '2010-00-11 15:42:17',
      '2010-01-00 15:42:17',
      '2010-04-31 15:42:17',
      '2011-02-29 15:42:17',
      '1900-02-29 15:42:17',
      '2010-01-11 24:00:00',
      '2010-01-11 15:60:17',
      '2010-01-11 15:42:61',
      '2010-1-11 15:42:17',
      '2010-01-11T15:42:17',
      '2010-01-11 15:42:17.',
      '97/13/20 23:30:59',
      '97-04-20 23:30:59',
    ];
    for (const date of invalid) {
      it(`rejects the date ${JSON.stringify(date)}`, () => {
        assert.equal(failure(`${date} #u5 | ${body}`), `invalid date "${date}"`);
      });
    }

    it('requires a process tag and the "|" separator', () => {
      assert.equal(failure('2010-01-11 15:42:17 | ' + body), 'missing process tag');
      assert.equal(failure('2010-01-11 15:42:17 #u5 ' + body), 'missing "|" after process tag');
      assert.equal(failure('2010-01-11 15:42:17 #u5'), 'missing "|" after process tag');
    });

    it('tolerates a stray CR', () => {
      assert.deepEqual(parseNcftpdLine(PREFIX + body + '\r'), parseNcftpdLine(PREFIX + body));
    });
  });

  describe('R and S', () => {
    const full = (rest: string) => `${PREFIX}R,${rest}`;

    it('reads every field', () => {
      ok(
        full('/pub/f.txt,1024,0.500,2.000,anonymous,me@x.org,host.example,,OK,A,Ps,1263224537,S0u3WAAFv94A,2048,1024,'),
        entry({
          type: 'R', path: '/pub/f.txt', size: 1024, duration: 0.5, rate: 2, user: 'anonymous', email: 'me@x.org',
          host: 'host.example', status: 'OK', transferType: 'A', notes: ['Ps'], startTime: 1263224537,
          sessionId: 'S0u3WAAFv94A', startSize: 2048, startOffset: 1024,
        }),
      );
    });

    it('reads S entries', () => {
      const e = parsed(`${PREFIX}S,/in/up.bin,5,0.001,5.000,bob,,10.0.0.1,,OK,I,PoSf,1263224537,S0u3WAAFv94A,0,0,`);
      assert.equal(e.type, 'S');
      assert.equal(e.path, '/in/up.bin');
      assert.equal(e.startSize, 0);
      assert.equal(e.startOffset, 0);
    });

    it('keeps commas and spaces in the path', () => {
      const e = parsed(full('/a dir/x,y, z ,1,2.txt,25,0.006,4.389,sshaw,,1.2.3.4,,OK,I,Po,1294214460,TSQlOwADIaAA,25,0,'));
      assert.equal(e.path, '/a dir/x,y, z ,1,2.txt');
      assert.equal(e.size, 25);
    });

    it('keeps a numeric last piece of the path', () => {
      const e = parsed(full('/data/a,1,25,0.006,4.389,sshaw,,1.2.3.4,,OK,I,Po,1294214460,TSQlOwADIaAA,25,0,'));
      assert.equal(e.path, '/data/a,1');
      assert.equal(e.size, 25);
      assert.equal(e.user, 'sshaw');
    });

    it('reads a numeric user name', () => {
      const e = parsed(full('/f,25,0.006,4.389,12345,,1.2.3.4,,OK,I,Po,1294214460,TSQlOwADIaAA,25,0,'));
      assert.equal(e.user, '12345');
      assert.equal(e.rate, 4.389);
    });

    it('accepts integer duration and rate when no decimal triple exists', () => {
      const e = parsed(full('/f,10,5,2,u,,h,,OK,'));
      assert.deepEqual([e.size, e.duration, e.rate], [10, 5, 2]);
    });

    for (const email of ['!@#$!@#$', 'a,b@c', 'x, y ,z', 'a,,OK,b', 'x,y,,OK,z', ',', 'OK,I,Po']) {
      it(`keeps the e-mail ${JSON.stringify(email)}`, () => {
        const e = parsed(full(`/f,1,0.100,0.010,anonymous,${email},host.example,,OK,I,Ps,1263224537,S0u3WAAFv94A,1,0,`));
        assert.equal(e.email, email);
        assert.equal(e.user, 'anonymous');
        assert.equal(e.host, 'host.example');
        assert.equal(e.status, 'OK');
        assert.equal(e.sessionId, 'S0u3WAAFv94A');
        assert.equal(e.extra, undefined);
      });
    }

    for (const suffix of ['.tar', '.tar.Z', '.tar.gz', '.zip']) {
      it(`reads the suffix ${suffix}`, () => {
        const e = parsed(full(`/pub/dir,1,0.100,0.010,anonymous,a@b,h,${suffix},OK,I,Ps,1263224537,S0u3WAAFv94A,1,0,`));
        assert.equal(e.suffix, suffix);
        assert.equal(e.path, '/pub/dir');
      });
    }

    it('reports an empty suffix, user, e-mail and host as undefined', () => {
      const e = parsed(full('/f,1,0.100,0.010,,,,,OK,I,,1263224537,,-1,-1,'));
      assert.deepEqual(
        [e.user, e.email, e.host, e.suffix, e.notes, e.sessionId, e.startSize, e.startOffset],
        [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
      );
      assert.equal(e.startTime, 1263224537);
    });

    for (const status of ['OK', 'ABOR', 'INCOMPLETE', 'PERM', 'NOENT', 'ERROR']) {
      it(`reads the status ${status}`, () => {
        assert.equal(parsed(full(`/f,0,0.000,0.000,u,,h,,${status},I,Po,1,S0u3WAAFv94A,0,0,`)).status, status);
      });
    }

    it('keeps an unknown status token', () => {
      assert.equal(parsed(full('/f,0,0.000,0.000,u,,h,,WEIRD,I,Po,1,S0u3WAAFv94A,0,0,')).status, 'WEIRD');
    });

    for (const t of ['A', 'I']) {
      it(`reads the transfer type ${t}`, () => {
        assert.equal(parsed(full(`/f,0,0.000,0.000,u,,h,,OK,${t},Po,1,S0u3WAAFv94A,0,0,`)).transferType, t);
      });
    }

    it('splits notes and keeps unknown codes', () => {
      assert.deepEqual(parsed(full('/f,0,0.000,0.000,u,,h,,OK,I,ApRz,1,S0u3WAAFv94A,0,0,')).notes, ['Ap', 'Rz']);
      assert.deepEqual(parsed(full('/f,0,0.000,0.000,u,,h,,OK,I,PsSfMmBlDf,1,S0u3WAAFv94A,0,0,')).notes, [
        'Ps', 'Sf', 'Mm', 'Bl', 'Df',
      ]);
      assert.equal(parsed(full('/f,0,0.000,0.000,u,,h,,OK,I,,1,S0u3WAAFv94A,0,0,')).notes, undefined);
    });

    it('reports -1 start size and offset as undefined', () => {
      const e = parsed(full('/f,0,0.000,0.000,u,,h,,OK,I,Po,1,S0u3WAAFv94A,-1,-1,'));
      assert.equal(e.startSize, undefined);
      assert.equal(e.startOffset, undefined);
    });

    it('reads an old 10-field entry', () => {
      ok(
        full('/f,7,0.001,7.000,u,e@x,h,.tar,ABOR,'),
        entry({
          type: 'R', path: '/f', size: 7, duration: 0.001, rate: 7, user: 'u', email: 'e@x', host: 'h', suffix: '.tar',
          status: 'ABOR',
        }),
      );
    });

    it('reads an entry ending after the start time', () => {
      ok(
        full('/f,7,0.001,7.000,u,,h,,OK,I,PsSf,841036734,'),
        entry({
          type: 'R', path: '/f', size: 7, duration: 0.001, rate: 7, user: 'u', host: 'h', status: 'OK',
          transferType: 'I', notes: ['Ps', 'Sf'], startTime: 841036734,
        }),
      );
    });

    it('keeps appended fields in extra', () => {
      const e = parsed(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,new1,,new,3,'));
      assert.equal(e.extra, 'new1,,new,3');
      assert.equal(e.startOffset, 0);
      assert.equal(parsed(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,a,b,c,')).extra, 'a,b,c');
    });

    it('reads a line that ends inside its last field as cut short', () => {
      // The start offset may be 3 or 30, 300...
      assert.equal(failure(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,3')), CUT_SHORT);
      // ...the status "O" (K), the start time "17" (1700000000), the session id.
      assert.equal(failure(full('/f,7,0.001,7.000,u,,h,,OK')), CUT_SHORT);
      assert.equal(failure(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,17')), CUT_SHORT);
      assert.equal(failure(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3')), CUT_SHORT);
      assert.equal(failure(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,3\r')), CUT_SHORT);
      // Cut right after a comma, the fields read are whole.
      assert.equal(parsed(full('/f,7,0.001,7.000,u,,h,,OK,')).status, 'OK');
      assert.equal(parsed(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,')).notes?.join(''), 'Ps');
    });

    it('keeps text after the last field without a final comma as extra', () => {
      const e = parsed(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,3,");'));
      assert.equal(e.startOffset, 3);
      assert.equal(e.extra, '");');
      assert.equal(parsed(full('/f,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,a,b')).extra, 'a,b');
    });

    it('keeps unicode paths', () => {
      const e = parsed(full('/données/日本語,ファイル 😀.txt,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,'));
      assert.equal(e.path, '/données/日本語,ファイル 😀.txt');
    });

    it('reads a very long line in linear time', () => {
      const path = '/' + 'a,b '.repeat(50_000);
      const start = Date.now();
      const e = parsed(full(`${path},7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,`));
      assert.equal(e.path, path);
      const hostile = full('1,1.0,1.0,OK,'.repeat(20_000));
      assert.equal(parseNcftpdLine(hostile).kind, 'error');
      assert.ok(Date.now() - start < 1000);
    });

    const errors: Array<[string, string]> = [
      ['/x', 'missing size, duration and rate'],
      ['/x,1,0.1', 'missing size, duration and rate'],
      ['/x,abc,0.1,0.2,u,,h,,OK,', 'missing size, duration and rate'],
      ['/x,1,0.1,0.2,u,,h,,', 'missing completion status'],
      ['/x,1,0.1,0.2,u,,h,.tar.gz', 'missing completion status'],
      ['/x,1,0.1,0.2,u,,h,,OK,Q1,', 'invalid transfer type "Q1"'],
      ['/x,1,0.1,0.2,u,,h,,OK,I,Psx,', 'invalid transfer notes "Psx"'],
      ['/x,1,0.1,0.2,u,,h,,OK,I,Ps,soon,', 'invalid start time "soon"'],
      ['/x,1,0.1,0.2,u,,h,,OK,I,Ps,1,S0u3WAAFv94A,big,0,', 'invalid start size "big"'],
      ['/x,1,0.1,0.2,u,,h,,OK,I,Ps,1,S0u3WAAFv94A,0,1.5,', 'invalid start offset "1.5"'],
    ];
    for (const [rest, reason] of errors) {
      it(`rejects R,${rest}`, () => {
        assert.equal(failure(full(rest)), reason);
      });
    }
  });

  describe('T', () => {
    it('reads a recursive listing with a pattern', () => {
      ok(
        `${PREFIX}T,/pub,ABOR,*.txt,RECURSIVE,anonymous,me@x,h.example,S0u3WAAFv94A,`,
        entry({
          type: 'T', path: '/pub', status: 'ABOR', pattern: '*.txt', recursive: true, user: 'anonymous', email: 'me@x',
          host: 'h.example', sessionId: 'S0u3WAAFv94A',
        }),
      );
    });

    it('keeps commas in the pattern, the path and the e-mail', () => {
      const e = parsed(`${PREFIX}T,/a,b,NOENT,{x,y}*,,anonymous,me,@x,h.example,S0u3WAAFv94A,`);
      assert.equal(e.path, '/a,b');
      assert.equal(e.status, 'NOENT');
      assert.equal(e.pattern, '{x,y}*');
      assert.equal(e.recursive, false);
      assert.equal(e.user, 'anonymous');
      assert.equal(e.email, 'me,@x');
    });

    it('rejects a listing without status or recursion field', () => {
      assert.equal(failure(`${PREFIX}T,/pub,ok,,,u,,h,S0u3WAAFv94A,`), 'missing completion status');
      assert.equal(failure(`${PREFIX}T,/pub,OK,x,y,u,e,h,S0u3WAAFv94A,`), 'missing recursion field');
    });
  });

  describe('D, M, C, L, N', () => {
    it('reads D and M', () => {
      ok(
        `${PREFIX}D,/home/u/old file,,,,u,,10.1.1.1,S0uObwACwXoA,`,
        entry({ type: 'D', path: '/home/u/old file', user: 'u', host: '10.1.1.1', sessionId: 'S0uObwACwXoA' }),
      );
      ok(
        `${PREFIX}M,/new,dir,,,,anonymous,a,b@c,host,S0uObwACwXoA,`,
        entry({ type: 'M', path: '/new,dir', user: 'anonymous', email: 'a,b@c', host: 'host', sessionId: 'S0uObwACwXoA' }),
      );
    });

    it('reads empty user and e-mail, and a path ending in a comma', () => {
      const e = parsed(`${PREFIX}D,/a,,,,,,h,S0uObwACwXoA,`);
      assert.equal(e.path, '/a');
      assert.equal(e.user, undefined);
      assert.equal(e.email, undefined);
      const comma = parsed(`${PREFIX}D,/a,,,,,u,,h,S0uObwACwXoA,`);
      assert.equal(comma.path, '/a,');
      assert.equal(comma.user, 'u');
    });

    it('does not take a host shaped like a session id for the session id', () => {
      const e = parsed(`${PREFIX}D,/x,,,,u,,mailserver01,S0uObwACwXoA,`);
      assert.equal(e.host, 'mailserver01');
      assert.equal(e.sessionId, 'S0uObwACwXoA');
      const junk = parsed(`${PREFIX}D,/x,,,,u,,mailserver01,S0uObwACwXoA,");`);
      assert.equal(junk.host, 'mailserver01');
      assert.equal(junk.extra, '");');
      const commas = parsed(`${PREFIX}D,/x,y,,,,u,,mailserver01,S0uObwACwXoA,");`);
      assert.equal(commas.path, '/x,y');
      assert.equal(commas.host, 'mailserver01');
      assert.equal(commas.sessionId, 'S0uObwACwXoA');
    });

    it('reads an entry without session id', () => {
      const e = parsed(`${PREFIX}D,/x,,,,u,,h,`);
      assert.equal(e.host, 'h');
      assert.equal(e.sessionId, undefined);
    });

    it('reads a line that ends inside its last field as cut short, and keeps appended fields', () => {
      assert.equal(failure(`${PREFIX}D,/x,,,,u,,h,S0uObwACwXoA`), CUT_SHORT);
      assert.equal(failure(`${PREFIX}D,/x,,,,u,,h,S0uOb`), CUT_SHORT);
      assert.equal(failure(`${PREFIX}D,/x,,,,u,,68.1`), CUT_SHORT);
      assert.equal(failure(`${PREFIX}N,/a,to,/b,,u,,h,S0uObwACwXoA`), CUT_SHORT);
      assert.equal(parsed(`${PREFIX}D,/x,,,,u,,h,S0uObwACwXoA,1,2,`).extra, '1,2');
      assert.equal(parsed(`${PREFIX}D,/x,,,,u,,h,S0uObwACwXoA,1,2`).extra, '1,2');
    });

    it('reads C', () => {
      ok(
        `${PREFIX}C,/www/a,b.gif,0755,,,cti-www,,24.216.233.19,S0u3WAAFv94A,`,
        entry({ type: 'C', path: '/www/a,b.gif', mode: '0755', user: 'cti-www', host: '24.216.233.19', sessionId: 'S0u3WAAFv94A' }),
      );
      assert.equal(failure(`${PREFIX}C,/www/a,rw,,,u,,h,S0u3WAAFv94A,`), 'missing mode');
    });

    it('reads L and N with spaces and commas in both paths', () => {
      ok(
        `${PREFIX}L,/a b/c,d,to,/e f/g,h,,u,,h.example,S0u3WAAFv94A,`,
        entry({ type: 'L', path: '/a b/c,d', target: '/e f/g,h', user: 'u', host: 'h.example', sessionId: 'S0u3WAAFv94A' }),
      );
      ok(
        `${PREFIX}N,/My Docs/old name.txt,to,/My Docs/new name.txt,,ftp,sshaw@x.edu,localhost,S0unlAAEwGoA,`,
        entry({
          type: 'N', path: '/My Docs/old name.txt', target: '/My Docs/new name.txt', user: 'ftp', email: 'sshaw@x.edu',
          host: 'localhost', sessionId: 'S0unlAAEwGoA',
        }),
      );
    });

    it('splits a rename at the "to" followed by an absolute path', () => {
      const e = parsed(`${PREFIX}N,/a,to,b,to,/c,,u,,h,S0unlAAEwGoA,`);
      assert.equal(e.path, '/a,to,b');
      assert.equal(e.target, '/c');
    });

    it('rejects entries missing their fixed fields', () => {
      assert.equal(failure(`${PREFIX}N,/a,/b,,,u,,h,S0unlAAEwGoA,`), 'missing "to" field');
      assert.equal(failure(`${PREFIX}D,/x,a,b,c,u,,h,S0uObwACwXoA,`), 'missing reserved fields');
      assert.equal(failure(`${PREFIX}D,/x,,,`), 'missing fields');
    });
  });

  describe('entry shape', () => {
    it('gives every entry every key, in one order, whatever its type and parse path', () => {
      const lines = [
        ...fixtureLines('ncftpd-xfer-fixture.crlf.log'),
        // R with a comma in the e-mail (not the one-pass form), and L.
        `${PREFIX}R,/x,1,0.5,2.000,u,a,b@c,h,,OK,I,Po,1294215368,TSQoxwAEEbkA,1,0,`,
        `${PREFIX}L,/a,to,/b,,u,,h,S0uObwACwXoA,`,
      ];
      const types: string[] = [];
      for (const line of lines) {
        const e = parsed(line);
        types.push(e.type);
        assert.deepEqual(Object.keys(e), NCFTPD_ENTRY_KEYS, line);
      }
      assert.deepEqual(types.sort(), ['C', 'D', 'L', 'M', 'N', 'R', 'R', 'S', 'T']);
    });
  });

  describe('other lines', () => {
    for (const line of ['', ' ', '\t  ', '\r', ' \r']) {
      it(`skips the blank line ${JSON.stringify(line)}`, () => {
        assert.deepEqual(parseNcftpdLine(line), { kind: 'skip', reason: 'blank' });
      });
    }

    it('rejects unknown entry types', () => {
      assert.equal(failure(`${PREFIX}X,/a,b,`), 'unknown entry type "X"');
      assert.equal(failure(`${PREFIX}RR,/a,b,`), 'unknown entry type "RR"');
      assert.equal(failure(`${PREFIX}r,/a,b,`), 'unknown entry type "r"');
      assert.equal(failure(`${PREFIX}`), 'missing entry type');
      assert.equal(failure(`${PREFIX}R`), 'missing fields');
    });

    it('rejects truncated lines', () => {
      assert.equal(failure('2010-01-11 15:42:17 #u5 | R,/x'), 'missing size, duration and rate');
      assert.equal(failure('2010-01-11 15:42:17 #u5 | R,'), 'missing size, duration and rate');
      assert.equal(failure('2010-01-11 15:42'), 'invalid date "2010-01-11 15:42"');
      assert.equal(failure('2010-01-1'), 'invalid date "2010-01-1"');
    });

    it('rejects junk with a short reason', () => {
      assert.equal(failure('hello world and more'), 'invalid date "hello"');
      assert.equal(failure('2010-01-11 15:42:17,123 ERROR something'), 'invalid date "2010-01-11 15:42:17,123"');
      const long = failure('x'.repeat(10_000));
      assert.ok(long.length < 60, long);
    });
  });
});

describe('looksLikeNcftpd', () => {
  it('accepts every sample line', () => {
    for (const name of ['ncftpd-xfer-vendor.log', 'ncftpd-xfer-fixture.crlf.log']) {
      for (const line of fixtureLines(name).filter((l) => l.trim() !== '')) assert.ok(looksLikeNcftpd(line), line);
    }
  });

  it('accepts other tags and millisecond times', () => {
    assert.ok(looksLikeNcftpd('2010-01-11 15:42:17.123 (main) | Starting'));
    assert.ok(looksLikeNcftpd('97/04/20 23:30:59 #u2 | R,'));
  });

  it('rejects other formats', () => {
    assert.ok(!looksLikeNcftpd('2010-01-11 15:42:17; ftp; 192.168.1.1; 21; user; C:\\test1.txt; /test1.txt; download; 0;'));
    assert.ok(!looksLikeNcftpd('#Fields: date time c-ip'));
    assert.ok(!looksLikeNcftpd(''));
    assert.ok(!looksLikeNcftpd('2010-01-11 15:42:17 #u5 R,/x'));
  });
});

describe('ncftpdLineTime', () => {
  it('reads the time of the prefix of a line that does not parse', () => {
    assert.deepEqual(ncftpdLineTime('2024-11-18 08:23:34 #u5     | X,/pub/incoming/.upload-probe,0,,,anonymous,,localhost,,'), { year: 2024, month: 11, day: 18, hour: 8, minute: 23, second: 34, millisecond: 0 });
    assert.deepEqual(ncftpdLineTime('2024-11-18 08:23:34.120 #u5 | R,/a'), { year: 2024, month: 11, day: 18, hour: 8, minute: 23, second: 34, millisecond: 120 });
  });

  it('is undefined without the prefix, or with a date that does not exist', () => {
    for (const text of ['', 'R,/pub/a,1,2', '2024-11-18 08:23:34 no tag here', '2024-02-30 08:23:34 #u5 | R,/a', '\u0000\u0000 #u5 | R,/a']) {
      assert.equal(ncftpdLineTime(text), undefined, text);
    }
  });
});
