import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { LineCutter } from '../../src/split/line-cutter.js';
import type { LogLine, ParsedLine } from '../../src/model.js';
import { LINE_END_PROBE_BYTES } from '../../src/split/line-end.js';
import { LineParser } from '../../src/transforms/parse.js';
import { logRecords } from '../../src/transforms/log-records.js';
import { eftLines, ncftpdLines } from '../helpers/lines.js';

function cut(chunks: Buffer[], options: ConstructorParameters<typeof LineCutter>[0] = {}): LogLine[] {
  const c = new LineCutter(options);
  const out: LogLine[] = [];
  for (const ch of chunks) c.push(ch, (l) => out.push(l));
  c.end((l) => out.push(l));
  return out;
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  return ways;
}

describe('LineCutter', () => {
  const text = '\uFEFFfirst é line\r\nsecond ファイル\n\nlast 😀 no newline';
  const bytes = Buffer.from(text, 'utf8');

  it('cuts LF and CRLF lines, strips a leading BOM, keeps a last line without newline', () => {
    const lines = cut([bytes]);
    assert.deepEqual(
      lines.map((l) => l.text),
      ['first é line', 'second ファイル', '', 'last 😀 no newline'],
    );
  });

  it('gives every line its number and the byte offset just past its terminator', () => {
    const lines = cut([bytes], { file: 'x.log' });
    const b = (s: string) => Buffer.byteLength(s, 'utf8');
    const o1 = 3 + b('first é line\r\n');
    const o2 = o1 + b('second ファイル\n');
    assert.deepEqual(
      lines.map((l) => l.position),
      [
        { file: 'x.log', line: 1, offset: o1 },
        { file: 'x.log', line: 2, offset: o2 },
        { file: 'x.log', line: 3, offset: o2 + 1 },
        { file: 'x.log', line: 4, offset: bytes.length },
      ],
    );
  });

  it('gives the same lines and positions however the bytes are chunked (multi-byte characters, CRLF and BOM split)', () => {
    const expected = cut([bytes]);
    for (const way of splits(bytes)) assert.deepEqual(cut(way), expected, `chunks ${way.map((c) => c.length).join('+')}`);
  });

  it('does not strip a BOM that is not at the start of the input', () => {
    const lines = cut([Buffer.from('a\n\uFEFFb\n', 'utf8')]);
    assert.deepEqual(lines.map((l) => l.text), ['a', '\uFEFFb']);
  });

  it('does not strip a BOM when resuming mid-file', () => {
    const lines = cut([Buffer.from('\uFEFFb\n', 'utf8')], { startOffset: 100, startLine: 7 });
    assert.deepEqual(lines, [{ text: '\uFEFFb', position: { line: 8, offset: 100 + 5 } }]);
  });

  it('truncates an over-long line at the bound, flags it, and keeps the next line intact', () => {
    const long = 'x'.repeat(100);
    const input = Buffer.from(`${long}\nshort\n`);
    for (const way of splits(input)) {
      const lines = cut(way, { maxLineBytes: 10 });
      assert.equal(lines.length, 2);
      assert.deepEqual(lines[0], { text: 'x'.repeat(10), position: { line: 1, offset: 101 }, truncated: true });
      assert.deepEqual(lines[1], { text: 'short', position: { line: 2, offset: 107 } });
    }
  });

  it('never holds more than the bound for an endless line', () => {
    const c = new LineCutter({ maxLineBytes: 1000 });
    const out: LogLine[] = [];
    const chunk = Buffer.alloc(4096, 0x61);
    for (let i = 0; i < 1000; i++) {
      c.push(chunk, (l) => out.push(l));
      assert.ok(c.bufferedBytes <= 1001, `buffered ${c.bufferedBytes}`);
    }
    c.end((l) => out.push(l));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.text.length, 1000);
    assert.equal(out[0]!.truncated, true);
    assert.equal(out[0]!.position.offset, 4096 * 1000);
  });

  it('does not cut a multi-byte character in two when truncating', () => {
    const lines = cut([Buffer.from('ééééé\n', 'utf8')], { maxLineBytes: 5 });
    assert.equal(lines[0]!.text, 'éé');
    assert.equal(lines[0]!.truncated, true);
  });

  it('turns invalid UTF-8 into replacement characters instead of failing', () => {
    const lines = cut([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a])]);
    assert.deepEqual(lines.map((l) => l.text), ['a\uFFFD\uFFFDb']);
  });

  it('reads latin1 (ANSI) files with encoding latin1', () => {
    const lines = cut([Buffer.from([0x43, 0x3a, 0x5c, 0xe9, 0x0a])], { encoding: 'latin1' });
    assert.deepEqual(lines.map((l) => l.text), ['C:\\é']);
  });

  it('emits nothing for empty input and one empty line for a lone LF', () => {
    assert.deepEqual(cut([]), []);
    assert.deepEqual(cut([Buffer.from('\n')]).map((l) => l.text), ['']);
  });

  it('joins a line carried across chunks with the next chunk exactly (tail ends at, before, or past the next LF)', () => {
    const input = Buffer.from('ab\r\ncd é\nef\r\n\ngh ファイル\r\nij', 'utf8');
    const expected = [
      { text: 'ab', position: { line: 1, offset: 4 } },
      { text: 'cd é', position: { line: 2, offset: 10 } },
      { text: 'ef', position: { line: 3, offset: 14 } },
      { text: '', position: { line: 4, offset: 15 } },
      { text: 'gh ファイル', position: { line: 5, offset: 32 } },
      { text: 'ij', position: { line: 6, offset: 34 } },
    ];
    // Every way of cutting the input in three.
    for (let i = 1; i < input.length; i++) {
      for (let j = i + 1; j < input.length; j++) {
        const way = [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
        assert.deepEqual(cut(way), expected, `chunks ${i}+${j - i}+${input.length - j}`);
      }
    }
  });

  it('truncates over-long lines the same way whatever the chunking, with latin1 and utf8', () => {
    const input = Buffer.from('short\r\n' + 'é'.repeat(12) + '\nx\n' + 'y'.repeat(30) + '\r\nz', 'utf8');
    for (const encoding of ['utf8', 'latin1'] as const) {
      const expected = cut([input], { maxLineBytes: 9, encoding });
      assert.equal(expected.length, 5);
      for (let i = 1; i < input.length; i++) {
        for (let j = i + 1; j < input.length; j += 3) {
          const way = [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
          assert.deepEqual(cut(way, { maxLineBytes: 9, encoding }), expected, `${encoding} chunks ${i}+${j - i}+${input.length - j}`);
        }
      }
    }
  });

  it('rejects bad options with ERR_INVALID_OPTION', () => {
    assert.throws(() => new LineCutter({ maxLineBytes: 0 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => new LineCutter({ encoding: 'utf16le' as never }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => new LineCutter({ startOffset: -1 }), { code: 'ERR_INVALID_OPTION' });
  });
});

/** `n` generated lines with lone-CR line ends (old Mac files). */
function crFile(gen: (n: number) => string, n: number): Buffer {
  return Buffer.from(gen(n).replace(/\n/g, '\r'), 'utf8');
}

/** Where each line of `input` ends (just past its CR): the positions the cutter must give. */
function crEnds(input: Buffer): number[] {
  const ends: number[] = [];
  for (let i = input.indexOf(0x0d); i >= 0; i = input.indexOf(0x0d, i + 1)) ends.push(i + 1);
  return ends;
}

/** Cuts and parses `chunks`; the parser's stats and what it emitted. */
function parseChunks(chunks: Buffer[], file = 'x.log'): { stats: LineParser['stats']; out: ParsedLine[] } {
  const parser = new LineParser('auto');
  const out: ParsedLine[] = [];
  const emitParsed = (p: ParsedLine): void => {
    out.push(p);
  };
  for (const line of cut(chunks, { file })) parser.push(line, emitParsed);
  parser.end(emitParsed);
  return { stats: parser.stats, out };
}

/** `bytes` in chunks of `size`. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('LineCutter: lines that are not valid UTF-8', () => {
  const bad = (l: LogLine): boolean => l.invalidUtf8 === true;
  // An ANSI (latin1) name, a valid UTF-8 one, a U+FFFD written as such (EF BF BD), a sequence
  // cut short by the line end, an overlong encoding, a surrogate, and a last line without LF.
  const input = Buffer.concat([
    Buffer.from('user m'), Buffer.from([0xfc]), Buffer.from('ller\n'),
    Buffer.from('user müller\r\n'),
    Buffer.from('user m\uFFFDller\n'),
    Buffer.from('cut short '), Buffer.from([0xc3]), Buffer.from('\n'),
    Buffer.from('overlong '), Buffer.from([0xc0, 0xaf]), Buffer.from('\n'),
    Buffer.from('surrogate '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n'),
    Buffer.from('fine\n'),
    Buffer.from('last '), Buffer.from([0xe9]),
  ]);

  it('flags exactly the lines whose bytes do not decode, not a U+FFFD written in the file, however the bytes are chunked', () => {
    const lines = cut([input]);
    assert.deepEqual(lines.map((l) => l.text), ['user m\uFFFDller', 'user müller', 'user m\uFFFDller', 'cut short \uFFFD', 'overlong \uFFFD\uFFFD', 'surrogate \uFFFD\uFFFD\uFFFD', 'fine', 'last \uFFFD']);
    assert.deepEqual(lines.map(bad), [true, false, false, true, true, true, false, true]);
    // A valid line carries no flag at all (the common shape).
    assert.equal('invalidUtf8' in lines[1]!, false);
    for (const way of splits(input)) assert.deepEqual(cut(way), lines, `chunks of ${way.map((c) => c.length).join('+')}`);
  });

  it('flags the same lines with lone CR line ends', () => {
    const cr = Buffer.from(input.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
    const lines = cut([cr]);
    assert.deepEqual(lines.map(bad), [true, false, false, true, true, true, false, true]);
    for (const way of splits(cr)) assert.deepEqual(cut(way), lines);
  });

  it('an over-long line is flagged by the part it keeps: an invalid byte past the bound does not count', () => {
    const line = (at: number): Buffer => {
      const b = Buffer.from('x'.repeat(40) + '\n');
      b[at] = 0xfc;
      return b;
    };
    const input2 = Buffer.concat([line(3), line(30), line(20)]);
    const expected = cut([input2], { maxLineBytes: 20 });
    assert.deepEqual(expected.map((l) => [l.truncated, bad(l)]), [[true, true], [true, false], [true, false]]);
    for (const way of splits(input2)) assert.deepEqual(cut(way, { maxLineBytes: 20 }), expected);
  });

  it('never flags a line read as latin1', () => {
    const lines = cut([input], { encoding: 'latin1' });
    assert.equal(lines.length, 8);
    assert.deepEqual(lines.filter(bad), []);
    assert.equal(lines[0]!.text, 'user müller');
  });

  it('counts them through the record pipeline: how many, the first one, one call of onInvalidUtf8 (LineParser and logRecords alike)', async () => {
    const log = Buffer.concat([Buffer.from(eftLines(3)), Buffer.from('2024-11-18 08:00:02; ftp; h; 21; j', 'latin1'), Buffer.from([0xfc]), Buffer.from('rgen; C:\\a; /a; upload; 226;\n'), Buffer.from(eftLines(2)), Buffer.from([0xff, 0x0a])]);
    for (const chunks of [[log], chunked(log, 7)]) {
      const calls: number[] = [];
      const stage = logRecords({ timezone: 'UTC', onInvalidUtf8: (line) => calls.push(line) });
      for (const c of chunks) stage.write(c);
      stage.end();
      const records: unknown[] = [];
      for await (const r of stage) records.push(r);
      assert.equal(records.length, 7);
      assert.deepEqual(calls, [4]);
      assert.deepEqual([stage.stats.split.lines, stage.stats.split.invalidUtf8, stage.stats.split.firstInvalidUtf8Line], [7, 2, 4]);
    }
  });
});

describe('LineCutter: lone CR line ends (no LF in the first 64 KiB)', () => {
  for (const [name, gen, format] of [['EFT', eftLines, 'eft'], ['NcFTPd', ncftpdLines, 'ncftpd']] as const) {
    it(`a 1,000-line ${name} file ended by lone CRs gives 1,000 entries, 0 parse errors, each at its line and just past its CR`, () => {
      const input = crFile(gen, 1000);
      assert.ok(input.length > LINE_END_PROBE_BYTES, 'longer than the probe window');
      const ends = crEnds(input);
      assert.equal(ends.length, 1000);
      for (const size of [input.length, 65536, 4096, 1000]) {
        const { stats, out } = parseChunks(chunked(input, size));
        assert.equal(stats.format, format);
        assert.equal(stats.lines, 1000, `chunks of ${size}`);
        assert.equal(stats.entries, 1000, `chunks of ${size}`);
        assert.equal(stats.errors, 0, `chunks of ${size}`);
        assert.deepEqual(
          out.map((p) => p.line.position),
          ends.map((offset, i) => ({ file: 'x.log', line: i + 1, offset })),
        );
        assert.ok(out.every((p) => p.kind === 'entry' && !p.line.text.includes('\r')));
      }
    });
  }

  it('gives the same lines cut in two at every position near a CR (first lines, and around the end of the probe window)', () => {
    const input = crFile(eftLines, 1000);
    const expected = cut([input], { file: 'x.log' });
    assert.equal(expected.length, 1000);
    const ends = crEnds(input);
    const near = ends.filter((e, i) => i < 20 || Math.abs(e - LINE_END_PROBE_BYTES) < 400 || i >= ends.length - 3);
    assert.ok(near.length > 25);
    for (const end of near) {
      const cr = end - 1;
      for (const at of [cr - 1, cr, cr + 1, cr + 2]) {
        if (at <= 0 || at >= input.length) continue;
        assert.deepEqual(cut([input.subarray(0, at), input.subarray(at)], { file: 'x.log' }), expected, `cut at ${at}`);
      }
    }
    // A chunk boundary exactly at the end of the probe window, and a CR right there.
    const edge = Buffer.from(input);
    edge[LINE_END_PROBE_BYTES - 1] = 0x0d;
    const edgeExpected = cut([edge]);
    for (const at of [LINE_END_PROBE_BYTES - 2, LINE_END_PROBE_BYTES - 1, LINE_END_PROBE_BYTES, LINE_END_PROBE_BYTES + 1]) {
      assert.deepEqual(cut([edge.subarray(0, at), edge.subarray(at)]), edgeExpected, `edge cut at ${at}`);
    }
  });

  it('cuts a short CR input the same way in any two or three chunks: BOM, multi-byte characters, an empty line, no last CR', () => {
    const input = Buffer.from('\uFEFFfirst é\r\rsecond ファイル\rthird\r😀 last', 'utf8');
    const b = (t: string): number => Buffer.byteLength(t, 'utf8');
    const o1 = 3 + b('first é\r');
    const o2 = o1 + 1;
    const o3 = o2 + b('second ファイル\r');
    const o4 = o3 + b('third\r');
    const expected = [
      { text: 'first é', position: { line: 1, offset: o1 } },
      { text: '', position: { line: 2, offset: o2 } },
      { text: 'second ファイル', position: { line: 3, offset: o3 } },
      { text: 'third', position: { line: 4, offset: o4 } },
      { text: '😀 last', position: { line: 5, offset: input.length } },
    ];
    assert.deepEqual(cut([input]), expected);
    for (let i = 1; i < input.length; i++) {
      assert.deepEqual(cut([input.subarray(0, i), input.subarray(i)]), expected, `chunks ${i}+${input.length - i}`);
      for (let j = i + 1; j < input.length; j++) {
        assert.deepEqual(cut([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]), expected, `chunks ${i}+${j - i}+${input.length - j}`);
      }
    }
    assert.deepEqual(cut([...input].map((x) => Buffer.from([x]))), expected, 'one byte at a time');
  });

  it('keeps the --max-line-bytes bound: an over-long line is truncated at the bound, ends at its CR, and the next line is intact', () => {
    const input = Buffer.from(`short\r${'x'.repeat(100)}\rnext\r${'é'.repeat(12)}\rz`, 'utf8');
    const expected = [
      { text: 'short', position: { line: 1, offset: 6 } },
      { text: 'x'.repeat(10), position: { line: 2, offset: 107 }, truncated: true },
      { text: 'next', position: { line: 3, offset: 112 } },
      { text: 'é'.repeat(5), position: { line: 4, offset: 112 + 24 + 1 }, truncated: true },
      { text: 'z', position: { line: 5, offset: input.length } },
    ];
    assert.deepEqual(cut([input], { maxLineBytes: 10 }), expected);
    for (const way of splits(input)) assert.deepEqual(cut(way, { maxLineBytes: 10 }), expected, `chunks ${way.map((c) => c.length).join('+')}`);
  });

  it('never holds more than the bound for an endless line once CR is decided, nor more than the probe window before', () => {
    const c = new LineCutter({ maxLineBytes: 1000 });
    const out: LogLine[] = [];
    const crs = Buffer.from('a\r'.repeat(1024));
    for (let i = 0; i < 40; i++) {
      c.push(crs, (l) => out.push(l));
      assert.ok(c.bufferedBytes <= LINE_END_PROBE_BYTES, `buffered ${c.bufferedBytes}`);
    }
    assert.equal(c.lineEnd, 'cr');
    assert.equal(out.length, 40 * 1024);
    const chunk = Buffer.alloc(4096, 0x61);
    for (let i = 0; i < 100; i++) {
      c.push(chunk, (l) => out.push(l));
      assert.ok(c.bufferedBytes <= 1001, `buffered ${c.bufferedBytes}`);
    }
    c.end((l) => out.push(l));
    assert.equal(out.length, 40 * 1024 + 1);
    assert.deepEqual(out.at(-1), { text: 'a'.repeat(1000), position: { line: 40 * 1024 + 1, offset: 40 * 2048 + 4096 * 100 }, truncated: true });
  });

  it('an LF in the first 64 KiB keeps LF line ends: a stray CR is data, a CRLF one line end', () => {
    assert.deepEqual(cut([Buffer.from('a\rb\r\nc\n')]).map((l) => l.text), ['a\rb', 'c']);
    // LF only past the first 64 KiB: CR line ends; the LF after a CR is dropped, another LF is data.
    const late = Buffer.concat([Buffer.from('a\r'.repeat(LINE_END_PROBE_BYTES / 2)), Buffer.from('\nb\nc\r')]);
    const lines = cut([late]);
    assert.equal(lines.length, LINE_END_PROBE_BYTES / 2 + 1);
    assert.deepEqual(lines.at(-1), { text: 'b\nc', position: { line: LINE_END_PROBE_BYTES / 2 + 1, offset: late.length } });
  });

  it('takes the line end as an option: lf, cr, or auto (the default); rejects anything else with ERR_INVALID_OPTION', () => {
    assert.deepEqual(cut([Buffer.from('a\rb\r')], { lineEnd: 'lf' }).map((l) => l.text), ['a\rb']);
    assert.deepEqual(cut([Buffer.from('a\nb\rc')], { lineEnd: 'cr' }).map((l) => l.text), ['a\nb', 'c']);
    assert.deepEqual(cut([Buffer.from('a\rb\r')], { lineEnd: 'auto' }).map((l) => l.text), ['a', 'b']);
    assert.equal(new LineCutter({ lineEnd: 'cr' }).lineEnd, 'cr');
    assert.equal(new LineCutter().lineEnd, undefined);
    assert.throws(() => new LineCutter({ lineEnd: 'crlf' as never }), { code: 'ERR_INVALID_OPTION' });
  });

  it('mixed line ends it cannot cut are counted parse errors that say why, never dropped', () => {
    // LF in the first 64 KiB, then a stretch ended by lone CRs: one line, a parse error naming the CRs.
    const lfThenCr = Buffer.from(eftLines(3) + eftLines(5, 3).replace(/\n/g, '\r') + '\n' + eftLines(2, 8), 'utf8');
    const a = parseChunks([lfThenCr]);
    assert.equal(a.stats.entries, 5);
    assert.equal(a.stats.errors, 1);
    const errA = a.out.find((p) => p.kind === 'error')!;
    assert.equal(errA.kind, 'error');
    assert.equal(errA.kind === 'error' ? errA.reason : '', '5 log lines joined by lone CR line ends: CR ends lines only in an input with no LF in its first 64 KiB');
    // A stray CR followed by anything but a log line stays data, as it always was.
    const stray = parseChunks([Buffer.from(eftLines(2).replace('f0.csv;', 'f0\r.csv;'), 'utf8')]);
    assert.equal(stray.stats.entries, 2);
    assert.equal(stray.stats.errors, 0);
    // No LF in the first 64 KiB, then LF-only lines: one line, a parse error naming the LFs.
    const crThenLf = Buffer.concat([crFile(eftLines, 1000), Buffer.from(eftLines(4, 1000), 'utf8')]);
    const b = parseChunks(chunked(crThenLf, 4096));
    assert.equal(b.stats.entries, 1000);
    assert.equal(b.stats.errors, 1);
    const errB = b.out.at(-1)!;
    assert.equal(errB.kind, 'error');
    assert.equal(errB.kind === 'error' ? errB.reason : '', '4 log lines joined by LF line ends: an input with CR but no LF in its first 64 KiB is cut on CR only');
    // Joined lines past the bound: truncated, and the reason counts the line ends in what was kept.
    const long = Buffer.from(eftLines(2) + eftLines(1000, 2).replace(/\n/g, '\r') + '\n', 'utf8');
    const c = parseChunks([long]);
    assert.equal(c.stats.entries, 2);
    assert.equal(c.stats.errors, 1);
    const errC = c.out.at(-1)!;
    assert.equal(errC.line.truncated, true);
    assert.match(errC.kind === 'error' ? errC.reason : '', /^line too long \(truncated\); it holds \d+ lone CR line end\(s\): CR ends lines only in an input with no LF in its first 64 KiB$/);
  });
});
