import assert from 'node:assert/strict';

import { parseNcftpdLine } from '../../src/formats/ncftpd.js';
import type { NcftpdEntry } from '../../src/model.js';

// Cases where the one-pass reading of R and S entries (quickTransfer) must
// agree with the general rules, and corners of the prefix and of the
// general searches that the speed work rewrote. Expected values are what
// the general rules give.

const PREFIX = '2010-01-11 15:42:17 #u5 | ';

function parsed(line: string): NcftpdEntry {
  const r = parseNcftpdLine(line);
  assert.equal(r.kind, 'entry', `expected an entry, got ${JSON.stringify(r)}`);
  return (r as { entry: NcftpdEntry }).entry;
}

function failure(line: string): string {
  const r = parseNcftpdLine(line);
  assert.equal(r.kind, 'error', `expected an error, got ${JSON.stringify(r)}`);
  return (r as { reason: string }).reason;
}

/** The fields of an entry that are set, without the prefix ones. */
function set(e: NcftpdEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'format' && k !== 'time' && k !== 'process') out[k] = v;
  return out;
}

const TAIL = 'u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,';

describe('parseNcftpdLine: R and S read in one pass', () => {
  it('ends the path at the leftmost triple, also when path pieces look like numbers', () => {
    assert.equal(parsed(`${PREFIX}R,/x,5,0.5,7,0.001,7.000,${TAIL}`).path, '/x,5,0.5');
    // Pieces that do form a triple are taken for it, as the rules say.
    assert.deepEqual(set(parsed(`${PREFIX}R,/x,1,0.5,0.5,7,0.001,7.000,${TAIL}`)), {
      type: 'R', path: '/x', user: '7', email: '0.001,7.000,u,', host: 'h', sessionId: 'S0u3WAAFv94A', size: 1,
      duration: 0.5, rate: 0.5, status: 'OK', transferType: 'I', notes: ['Ps'], startTime: 841036734, startSize: 7,
      startOffset: 0,
    });
  });

  it('reads numbers of more than 15 digits', () => {
    assert.equal(parsed(`${PREFIX}R,/f,12345678901234567,0.001,7.000,${TAIL}`).size, 12345678901234568);
    assert.equal(parsed(`${PREFIX}R,/f,7,1234567890123456.5,7.000,${TAIL}`).duration, 1234567890123456.5);
    const e = parsed(`${PREFIX}R,/f,7,0.001,7.000,u,,h,,OK,I,Ps,12345678901234567,S0u3WAAFv94A,12345678901234567,-12345678901234567,`);
    assert.deepEqual([e.startTime, e.startSize, e.startOffset], [12345678901234568, 12345678901234568, -12345678901234568]);
  });

  it('reads numbers past 2^31 and 2^32', () => {
    const e = parsed(`${PREFIX}R,/big,4294967296,12.500,343597.384,u,,h,,OK,I,Ps,4294967296,S0u3WAAFv94A,4294967296,2147483648,`);
    assert.deepEqual([e.size, e.duration, e.rate], [4294967296, 12.5, 343597.384]);
    assert.deepEqual([e.startTime, e.startSize, e.startOffset], [4294967296, 4294967296, 2147483648]);
  });

  it('reads -0 as 0 and keeps negative start values other than -1', () => {
    const e = parsed(`${PREFIX}R,/f,7,0.001,7.000,u,,h,,OK,I,Ps,-0,S0u3WAAFv94A,-0,-5,`);
    assert.ok(Object.is(e.startTime, 0));
    assert.ok(Object.is(e.startSize, 0));
    assert.equal(e.startOffset, -5);
  });

  it('reads decimals without digits before or after the point', () => {
    const e = parsed(`${PREFIX}R,/f,7,.5,5.,${TAIL}`);
    assert.deepEqual([e.duration, e.rate], [0.5, 5]);
  });

  it('keeps a transfer type other than A and I', () => {
    assert.equal(parsed(`${PREFIX}R,/f,7,0.001,7.000,u,,h,,OK,E,Ps,841036734,S0u3WAAFv94A,7,0,`).transferType, 'E');
  });

  it('reads what follows the start offset', () => {
    assert.equal(parsed(`${PREFIX}R,/f,7,0.001,7.000,${TAIL},`).extra, undefined);
    assert.equal(parsed(`${PREFIX}R,/f,7,0.001,7.000,${TAIL}x`).extra, 'x');
  });

  it('reports malformed fields after the status', () => {
    assert.equal(failure(`${PREFIX}R,/f,7,0.001,7.000,u,,h,,OK,I,P,841036734,S0u3WAAFv94A,7,0,`), 'invalid transfer notes "P"');
    assert.equal(
      failure(`${PREFIX}R,/f,7,0.001,7.000,u,,h,,OK,I,Ps,84103x734,S0u3WAAFv94A,7,0,`),
      'invalid start time "84103x734"',
    );
  });

  it('gives entries of one type one shape, whichever way they were read', () => {
    const lines = [
      `${PREFIX}R,/f,7,0.001,7.000,${TAIL}`, // one pass
      `${PREFIX}R,/f,7,0.001,7.000,u,a,b,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0,`, // e-mail with a comma
      `${PREFIX}R,/f,7,0.001,7.000,u,e,h,.tar,ABOR,`, // old 10-field entry
      `${PREFIX}R,/f,7,5,2,u,,h,,OK,`, // integer triple
      `${PREFIX}R,/f,7,0.001,7.000,${TAIL}x,y`, // appended fields
    ];
    const keys = lines.map((line) => Object.keys(parsed(line)).join());
    for (const k of keys) assert.equal(k, keys[0]);
  });
});

describe('parseNcftpdLine: prefix corners', () => {
  it('rejects a prefix cut inside the fraction, the spaces or the tag', () => {
    assert.equal(failure('2010-01-11 15:42:17.123'), 'invalid date "2010-01-11 15:42:17.123"');
    assert.equal(failure('2010-01-11 15:42:17.'), 'invalid date "2010-01-11 15:42:17."');
    assert.equal(failure('2010-01-11 15:42:17   '), 'missing process tag');
  });

  const body = ' #u1 | D,/x,,,,u,,h,S0uObwACwXoA,';
  for (const date of ['2024-02-29 00:00:00', '2024-11-30 00:00:00', '00/02/29 00:00:00']) {
    it(`accepts ${date}`, () => {
      assert.equal(parsed(date + body).path, '/x');
    });
  }
  for (const date of ['2023-02-29 00:00:00', '2024-09-31 00:00:00', '97/04/31 00:00:00']) {
    it(`rejects ${date}`, () => {
      assert.equal(failure(date + body), `invalid date "${date}"`);
    });
  }
});

describe('parseNcftpdLine: searches past the first candidate', () => {
  it('finds the reserved fields of D after a comma in the path', () => {
    assert.equal(parsed(`${PREFIX}D,/a,b,,,,u,,h,S0uObwACwXoA,`).path, '/a,b');
  });

  it('finds the status of T after a comma in the path, and keeps an unknown one', () => {
    assert.deepEqual(set(parsed(`${PREFIX}T,/a,b,OK,,,u,,h,S0uObwACwXoA,`)), {
      type: 'T', path: '/a,b', user: 'u', host: 'h', sessionId: 'S0uObwACwXoA', status: 'OK', recursive: false,
    });
    assert.deepEqual(set(parsed(`${PREFIX}T,/a,FOO,*.c,RECURSIVE,u,e,h,S0uObwACwXoA,`)), {
      type: 'T', path: '/a', user: 'u', email: 'e', host: 'h', sessionId: 'S0uObwACwXoA', status: 'FOO',
      pattern: '*.c', recursive: true,
    });
  });

  it('finds the "to" of L and N past the first field', () => {
    assert.equal(parsed(`${PREFIX}L,/a,b,to,/c,,u,,h,S0uObwACwXoA,`).path, '/a,b');
    const n = parsed(`${PREFIX}N,/a,to,b,to,/c,,u,,h,S0uObwACwXoA,`);
    assert.deepEqual([n.path, n.target], ['/a,to,b', '/c']);
  });
});
