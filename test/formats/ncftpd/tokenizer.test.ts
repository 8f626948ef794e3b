import assert from 'node:assert/strict';

import { NcftpdScanner } from '../../../src/formats/ncftpd/tokenizer.js';

// The scanner keeps what a scan found (prefix numbers, comma table) for the
// steps that follow; two scanners must not see each other's.

const FIRST = '2010-01-11 15:42:17.5 #u5 | C,/home/a,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,';
const SECOND = '97/04/20 23:30:59 (main)  | R,/pub/f,41,0.007,5.856,anonymous,a@b,host,,OK,I,Ps,1294215368,';

/** The comma table of `s` as the fields it delimits. */
function fields(sc: NcftpdScanner, s: string, nf: number): string[] {
  const out: string[] = [];
  for (let j = 0; j < nf; j++) out.push(sc.field(s, j));
  return out;
}

describe('NcftpdScanner', () => {
  it('keeps each scanner\'s prefix for readTime when two scan in turn', () => {
    const a = new NcftpdScanner();
    const b = new NcftpdScanner();
    const bodyA = a.scanPrefix(FIRST);
    const bodyB = b.scanPrefix(SECOND);
    assert.equal(FIRST.slice(bodyA, bodyA + 2), 'C,');
    assert.equal(SECOND.slice(bodyB, bodyB + 2), 'R,');
    assert.deepEqual(a.readTime(FIRST), { year: 2010, month: 1, day: 11, hour: 15, minute: 42, second: 17, millisecond: 500 });
    assert.deepEqual(b.readTime(SECOND), { year: 1997, month: 4, day: 20, hour: 23, minute: 30, second: 59, millisecond: 0 });
    assert.equal(FIRST.slice(a.tagStart, a.tagEnd), '#u5');
    assert.equal(SECOND.slice(b.tagStart, b.tagEnd), '(main)');
  });

  it('keeps each scanner\'s comma table when two split in turn', () => {
    const a = new NcftpdScanner();
    const b = new NcftpdScanner();
    const bodyA = a.scanPrefix(FIRST);
    const bodyB = b.scanPrefix(SECOND);
    const nfA = a.splitFields(FIRST, bodyA + 1);
    const nfB = b.splitFields(SECOND, bodyB + 1);
    assert.deepEqual(fields(a, FIRST, nfA), ['/home/a', '644', '', '', 'cti-www', '', '24.216.233.19', 'S0u3WAAFv94A', '']);
    assert.deepEqual(fields(b, SECOND, nfB), [
      '/pub/f', '41', '0.007', '5.856', 'anonymous', 'a@b', 'host', '', 'OK', 'I', 'Ps', '1294215368', '',
    ]);
    assert.ok(a.isOctal(FIRST, 1) && a.isSessionId(FIRST, 7));
    assert.equal(b.intField(SECOND, 1, false), 41);
    assert.equal(b.decField(SECOND, 3, true), 5.856);
  });

  it('grows its comma table for lines with more fields than it holds', () => {
    const sc = new NcftpdScanner();
    const line = `2010-01-11 15:42:17 #u5 | T,/p${',x'.repeat(200)},`;
    const nf = sc.splitFields(line, sc.scanPrefix(line) + 1);
    assert.equal(nf, 202);
    assert.equal(sc.field(line, 0), '/p');
    assert.equal(sc.field(line, 200), 'x');
    assert.equal(sc.field(line, 201), '');
  });
});
