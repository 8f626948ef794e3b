import assert from 'node:assert/strict';
import { detectFormat, detectLineFormat, lineTime, parseLine } from '../../src/formats/detect.js';
import { LineParser } from '../../src/formats/line-parser.js';
import type { ParsedLine } from '../../src/model.js';
import { generateFtpdLines } from '../../bench/generate-ftpd.js';

const XFERLOG = 'Sat Dec 05 21:41:59 2026 0 127.0.0.1 13 /home/u/a;b.txt b _ i r u ftp 0 * c';
const VSFTPD = 'Sat Dec  5 21:41:54 2026 [pid 8386] [ftplog] OK LOGIN: Client "127.0.0.1"';
const NCFTPD = '2010-01-11 15:42:17 #u5 | D,/a,u,e,h,AAAAAAAAAAAA,';
const EFT = '2006-03-06 10:11:03; ftp; 192.168.20.171; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;';

describe('format detection', () => {
  it('tells the four formats apart line by line', () => {
    assert.deepEqual([XFERLOG, VSFTPD, NCFTPD, EFT, 'hello'].map(detectLineFormat), ['xferlog', 'vsftpd', 'ncftpd', 'eft', undefined]);
  });

  it('the first line that shows a format decides', () => {
    assert.equal(detectFormat(['', 'junk', VSFTPD, XFERLOG]), 'vsftpd');
    assert.equal(detectFormat(['junk', XFERLOG]), 'xferlog');
  });

  it('parseLine and lineTime dispatch to the new formats', () => {
    assert.equal(parseLine('xferlog', XFERLOG).kind, 'entry');
    assert.equal(parseLine('vsftpd', VSFTPD).kind, 'entry');
    assert.equal(parseLine('vsftpd', XFERLOG).kind, 'error');
    assert.deepEqual(lineTime('xferlog', 'Sat Dec 05 21:41:59 2026 junk'), { year: 2026, month: 12, day: 5, hour: 21, minute: 41, second: 59, millisecond: 0 });
    assert.deepEqual(lineTime('vsftpd', 'Sat Dec  5 21:41:59 2026 junk'), { year: 2026, month: 12, day: 5, hour: 21, minute: 41, second: 59, millisecond: 0 });
  });

  it('a LineParser on auto reads an xferlog with a malformed line as a counted parse error that keeps its time', () => {
    const p = new LineParser('auto');
    const out: ParsedLine[] = [];
    const lines = [XFERLOG, 'Sat Dec 05 21:42:00 2026 0 127.0.0.1 13 /f b _ i r u ftp 0 * x', ''];
    lines.forEach((text, i) => p.push({ text, position: { line: i + 1, offset: 0 } }, (x) => out.push(x)));
    p.end((x) => out.push(x));
    assert.deepEqual([p.stats.format, p.stats.entries, p.stats.errors, p.stats.skippedBlank], ['xferlog', 1, 1, 1]);
    const err = out[1]!;
    assert.equal(err.kind, 'error');
    assert.deepEqual(err.kind === 'error' ? [err.reason, err.format, err.time?.second] : [], ['completion status "x" is not c (complete) or i (incomplete)', 'xferlog', 0]);
  });

  it('rejects an unknown --format value, naming the five', () => {
    assert.throws(() => new LineParser('wuftpd' as never), { code: 'ERR_INVALID_OPTION', message: /one of "eft", "ncftpd", "xferlog", "vsftpd", "auto"/ });
  });
});

describe('the benchmark generator for xferlog and vsftpd (bench/generate-ftpd.ts)', () => {
  for (const format of ['xferlog', 'vsftpd'] as const) {
    it(`${format}: every generated line is detected and parses, but for the malformed share, which is a parse error`, () => {
      const clean = [...generateFtpdLines(format, 5000, 7, { malformedRate: 0 })];
      assert.equal(clean.length, 5000);
      assert.equal(detectFormat(clean), format);
      assert.deepEqual(clean.filter((l) => parseLine(format, l).kind !== 'entry'), []);
      const mixed = [...generateFtpdLines(format, 20000, 1)];
      assert.equal(mixed.filter((l) => parseLine(format, l).kind === 'error').length, format === 'xferlog' ? 95 : 102);
      assert.deepEqual([...generateFtpdLines(format, 50, 3)], [...generateFtpdLines(format, 50, 3)]);
    });
  }
});
