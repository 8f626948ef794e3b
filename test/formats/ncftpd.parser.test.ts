import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { NcftpdParser, parseNcftpdLine } from '../../src/formats/ncftpd.js';
import { fixture } from '../helpers/paths.js';

// Each parser owns its scanning state: two parsers taking turns, line by
// line, on different inputs give what each gives alone.

const PREFIX = '2010-01-11 15:42:17 #u5 | ';

function fixtureLines(name: string): string[] {
  const lines = readFileSync(fixture('ncftpd', name)).toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines of every entry type, read both ways (one pass and general rules), and failures. */
const FIRST: readonly string[] = [
  ...fixtureLines('ncftpd-xfer-vendor.log'),
  ...fixtureLines('ncftpd-xfer-fixture.crlf.log'),
  `${PREFIX}R,/a,b,1,2,3,u,e@x,h,,OK,I,PsSf,1,S0u3WAAFv94A,7,0,extra,`,
  `${PREFIX}S,/x,12345678901234567,0.001,7.000,u,,h,,OK,I,Ps,-0,S0u3WAAFv94A,-1,-5,`,
  `${PREFIX}R,/x,7,0.001,7.000,u,,h,,OK,I,Ps,841036734,S0u3WAAFv94A,7,0`,
  `${PREFIX}T,/p,WEIRD,*.txt,RECURSIVE,u,,h,S0u3WAAFv94A,`,
  `${PREFIX}L,/a,to,/b,,u,e,h,S0u3WAAFv94A,`,
  `${PREFIX}Q,/x,`,
  '2010-02-30 15:42:17 #u5 | R,/x,',
  '',
];

/** Other lines, with as many fields again so that the comma tables differ. */
const SECOND: readonly string[] = [
  `${PREFIX}C,/home/a,b,c/d,755,,,user,mail,with,commas,host.example,S0u3WAAFv94A,`,
  '97/04/20 23:30:59.25 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,a,b,c,actual.host.com,.tar.gz,ABOR,A,,841036734,RMf0YAABAAEA,,,',
  `${PREFIX}D,/x,,,,opc,,16.14.22.99,S0uObwACwXoA`,
  `${PREFIX}M,/Users/Cal,,,,suemi,,186.14.2.22,mailserver01,S0uZ6AAEv9kA,junk,`,
  `${PREFIX}N,/a,to,b,to,/c,,u,,h,S0unlAAEwGoA,`,
  `${PREFIX}T,/home/x,OK,,,u,,h,TSQouwAEEbgA,`,
  `${PREFIX}S,/a/file,with,commas.txt,25,0.006,4.389,sshaw,,1.2.3.4,,INCOMPLETE,I,PoSf,1294214460,TSQlOwADIaAA,25,0,`,
  `${PREFIX}R,/f,1,2,3,u,,h,,OK,I,Ps,x,S0u3WAAFv94A,7,0,`,
  '2010-01-11 15:42:17 #u5',
  `${PREFIX}S,/a,1,0.5,`,
];

describe('NcftpdParser', () => {
  it('gives, for two parsers taking turns on different lines, what each gives alone', () => {
    const alone = (lines: readonly string[]) => {
      const parser = new NcftpdParser();
      return lines.map((line) => parser.parse(line));
    };
    const expectedFirst = alone(FIRST);
    const expectedSecond = alone(SECOND);

    const a = new NcftpdParser();
    const b = new NcftpdParser();
    const first: unknown[] = [];
    const second: unknown[] = [];
    for (let i = 0; i < Math.max(FIRST.length, SECOND.length); i++) {
      if (i < FIRST.length) first.push(a.parse(FIRST[i]!));
      if (i < SECOND.length) second.push(b.parse(SECOND[i]!));
    }
    assert.deepEqual(first, expectedFirst);
    assert.deepEqual(second, expectedSecond);
    // And what parseNcftpdLine gives.
    assert.deepEqual(first, FIRST.map((line) => parseNcftpdLine(line)));
    assert.deepEqual(second, SECOND.map((line) => parseNcftpdLine(line)));
  });

  it('reads entries of every kind and failures in the lines above', () => {
    // The lines must reach both R/S readers, the other entry types and the error paths.
    const kinds = [...FIRST, ...SECOND].map((line) => {
      const r = new NcftpdParser().parse(line);
      return r.kind === 'entry' ? r.entry.type : r.kind;
    });
    assert.deepEqual(new Set(kinds), new Set(['R', 'S', 'T', 'D', 'M', 'C', 'L', 'N', 'error', 'skip']));
  });
});
