import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { LineCutter } from '../../src/split/line-cutter.js';
import type { LogLine } from '../../src/model.js';

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
