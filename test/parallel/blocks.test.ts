import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { BlockCutter } from '../../src/parallel/blocks.js';
import { LineCutter, type LineEncoding } from '../../src/split/line-cutter.js';
import { LINE_END_PROBE_BYTES } from '../../src/split/line-end.js';
import type { LogLine } from '../../src/model.js';
import { joinBlock, lentBlocks, type JoinedBlock } from './inputs.js';

const FILE = 'cl241118.log';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** One LineCutter over the whole input: the reference. */
function serial(input: Buffer, maxLineBytes: number, encoding: LineEncoding = 'utf8'): LogLine[] {
  const c = new LineCutter({ maxLineBytes, encoding, file: FILE });
  const out: LogLine[] = [];
  c.push(input, (l) => out.push(l));
  c.end((l) => out.push(l));
  return out;
}

/**
 * Cuts `input` into chunks of the given sizes (cycled), lent as the file
 * reader lends them; measures what is held after each push, once the line
 * end is decided (`maxHeld`) and before (`maxHeldProbing`).
 */
function blocksOf(input: Buffer, maxLineBytes: number, sizes: readonly number[]): { blocks: JoinedBlock[]; maxHeld: number; maxHeldProbing: number } {
  let maxHeld = 0;
  let maxHeldProbing = 0;
  let cutter: BlockCutter | undefined;
  const blocks = lentBlocks(input, maxLineBytes, sizes, (c) => {
    cutter = c;
    if (c.lineEnd === undefined) maxHeldProbing = Math.max(maxHeldProbing, c.heldBytes);
    else maxHeld = Math.max(maxHeld, c.heldBytes);
  });
  if (cutter !== undefined) assert.equal(cutter.heldBytes, 0);
  return { blocks, maxHeld, maxHeldProbing };
}

/** Each block through its own LineCutter, line numbers renumbered by the lines of earlier blocks. */
function viaBlocks(blocks: readonly JoinedBlock[], maxLineBytes: number, encoding: LineEncoding = 'utf8'): LogLine[] {
  const out: LogLine[] = [];
  let base = 0;
  for (const [i, block] of blocks.entries()) {
    // Numbered from the line ends counted in the blocks before, as the reader numbers them.
    const c = new LineCutter({ startOffset: block.startOffset, startLine: base, maxLineBytes, encoding, file: FILE, lineEnd: block.lineEnd });
    const lines: LogLine[] = [];
    const emit = (l: LogLine): void => {
      lines.push(l);
    };
    if (block.prefix !== undefined) {
      c.push(block.prefix, emit);
      c.skip(block.skipped ?? 0);
    }
    c.push(block.bytes, emit);
    c.end(emit);
    out.push(...lines);
    // A block's lines are its line ends, and one more for the input's unterminated last line.
    const last = i === blocks.length - 1;
    assert.ok(lines.length === block.lineEnds || (last && lines.length === block.lineEnds + 1), `block ${i}: ${lines.length} lines, ${block.lineEnds} line ends`);
    base += block.lineEnds;
  }
  return out;
}

function checkBlocks(input: Buffer, blocks: readonly JoinedBlock[]): void {
  let offset = 0;
  for (const b of blocks) {
    assert.equal(b.startOffset, offset, 'blocks are contiguous');
    assert.equal(b.inputBytes, (b.prefix?.length ?? 0) + (b.skipped ?? 0) + b.bytes.length);
    assert.ok(b.inputBytes > 0, 'no empty block');
    // Block bytes are the input's bytes at their place.
    if (b.prefix !== undefined) {
      assert.deepEqual(b.prefix, input.subarray(b.startOffset, b.startOffset + b.prefix.length));
      assert.ok((b.skipped ?? 0) > 0);
    }
    const at = b.startOffset + (b.prefix?.length ?? 0) + (b.skipped ?? 0);
    assert.deepEqual(b.bytes, input.subarray(at, at + b.bytes.length));
    // Every block but the input's last ends just after its line end (LF, or CR in CR mode).
    assert.equal(b.lineEnd, blocks[0]!.lineEnd, 'one line end per input');
    if (offset + b.inputBytes < input.length) assert.equal(input[offset + b.inputBytes - 1], b.lineEnd === 'cr' ? 0x0d : 0x0a);
    offset += b.inputBytes;
  }
  assert.equal(offset, input.length, 'blocks stand for the whole input');
}

/** Bytes of log-ish pieces: LF, CR, CRLF, multi-byte UTF-8, invalid bytes, runs long enough to be over-long. */
const PIECES = ['\n', '\r', '\r\n', 'a', 'line;', 'é', 'ファ', '😀', '\uFEFF', 'x'.repeat(20), 'y'.repeat(70)].map((s) => Buffer.from(s, 'utf8'));
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((u) => Buffer.from(u)) },
);
const inputArb = fc
  .record({ bom: fc.boolean(), parts: fc.array(piece, { maxLength: 40 }) })
  .map(({ bom, parts }) => Buffer.concat([...(bom ? [BOM] : []), ...parts]));
const sizesArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

describe('BlockCutter', () => {
  it('cuts blocks after the last LF of a chunk and carries the rest', () => {
    const c = new BlockCutter(64);
    assert.equal(c.push(Buffer.from('ab')), undefined);
    assert.equal(c.heldBytes, 2);
    const b1 = joinBlock(c.push(Buffer.from('c\nde\nf'))!);
    assert.deepEqual(b1, { startOffset: 0, bytes: Buffer.from('abc\nde\n'), inputBytes: 7, lineEnd: 'lf', lineEnds: 2 });
    assert.equal(c.heldBytes, 1);
    assert.equal(c.push(Buffer.alloc(0)), undefined);
    const b2 = joinBlock(c.push(Buffer.from('g\n'))!);
    assert.deepEqual(b2, { startOffset: 7, bytes: Buffer.from('fg\n'), inputBytes: 3, lineEnd: 'lf', lineEnds: 1 });
    assert.equal(c.heldBytes, 0);
    assert.equal(c.push(Buffer.from('tail')), undefined);
    assert.deepEqual(joinBlock(c.end()!), { startOffset: 10, bytes: Buffer.from('tail'), inputBytes: 4, lineEnd: 'lf', lineEnds: 0 });
    assert.equal(c.end(), undefined);
  });

  it('keeps only maxLineBytes + 2 bytes of an over-long line and counts the rest as skipped', () => {
    const c = new BlockCutter(8);
    assert.equal(c.push(Buffer.from('0123456')), undefined);
    assert.equal(c.push(Buffer.from('789abcdef')), undefined);
    assert.equal(c.heldBytes, 10);
    assert.equal(c.push(Buffer.from('ghij')), undefined);
    assert.equal(c.heldBytes, 10);
    const b = joinBlock(c.push(Buffer.from('k\nnext\nrest'))!);
    assert.deepEqual(b, {
      startOffset: 0,
      prefix: Buffer.from('0123456789'),
      skipped: 10, // 'abcdef' + 'ghij'
      bytes: Buffer.from('k\nnext\n'),
      inputBytes: 10 + 10 + 7,
      lineEnd: 'lf',
      lineEnds: 2,
    });
    assert.equal(c.heldBytes, 4);
    // The tail after the last LF can itself be over-long.
    const c2 = new BlockCutter(2);
    const first = joinBlock(c2.push(Buffer.from('a\nbcdefg'))!);
    assert.deepEqual(first, { startOffset: 0, bytes: Buffer.from('a\n'), inputBytes: 2, lineEnd: 'lf', lineEnds: 1 });
    assert.equal(c2.heldBytes, 4);
    assert.deepEqual(joinBlock(c2.end()!), { startOffset: 2, prefix: Buffer.from('bcde'), skipped: 2, bytes: Buffer.alloc(0), inputBytes: 6, lineEnd: 'lf', lineEnds: 0 });
  });

  it('cuts blocks after the last CR of a chunk in an input with CR but no LF in its first 64 KiB, once that is known', () => {
    const c = new BlockCutter(64);
    assert.equal(c.push(Buffer.from('ab')), undefined);
    assert.equal(c.push(Buffer.from('c\rde\rf')), undefined, 'no block while the line end is undecided');
    assert.equal(c.lineEnd, undefined);
    assert.equal(c.heldBytes, 3 + 5);
    assert.deepEqual(joinBlock(c.end()!), { startOffset: 0, bytes: Buffer.from('abc\rde\rf'), inputBytes: 8, lineEnd: 'cr', lineEnds: 2 });
    const big = new BlockCutter(64);
    const crs = Buffer.from('ab\r'.repeat(LINE_END_PROBE_BYTES / 3 + 1));
    const first = joinBlock(big.push(crs)!);
    assert.equal(first.lineEnd, 'cr');
    assert.equal(first.inputBytes, crs.length);
    assert.equal(first.lineEnds, Math.floor(LINE_END_PROBE_BYTES / 3) + 1);
    assert.equal(big.heldBytes, 0);
    assert.deepEqual(joinBlock(big.push(Buffer.from('x\ny\rz'))!), { startOffset: crs.length, bytes: Buffer.from('x\ny\r'), inputBytes: 4, lineEnd: 'cr', lineEnds: 1 });
  });

  it('rejects a bad maxLineBytes with ERR_INVALID_OPTION', () => {
    for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => new BlockCutter(bad), { code: 'ERR_INVALID_OPTION' });
  });

  it('blocks through LineCutters give the lines of one LineCutter over the input: fixed cases', () => {
    const cases: [string, Buffer, number][] = [
      ['BOM, short lines', Buffer.concat([BOM, Buffer.from('ab\ncd\r\nef')]), 8],
      ['BOM then an over-long first line', Buffer.concat([BOM, Buffer.from('0123456789abcdef\nok\n')]), 8],
      ['BOM then a first line of exactly maxLineBytes', Buffer.concat([BOM, Buffer.from('01234567\nok\n')]), 8],
      ['BOM then a first line of maxLineBytes + 1 and CR', Buffer.concat([BOM, Buffer.from('012345678\r\nok\n')]), 8],
      ['over-long last line without LF', Buffer.from('a\n0123456789abcdef'), 8],
      ['multi-byte character at the cut', Buffer.from('0123456😀😀😀\nok\n'), 8],
      ['only CRs', Buffer.from('\r\r\r\r\r\r\r\r\r\r\r\r\r\n'), 8],
      ['lone CR line ends, an over-long line, no last CR', Buffer.from('ab\rcd\r0123456789abcdef\rok\r\rlast'), 8],
      ['BOM, lone CR line ends, an over-long first line', Buffer.concat([BOM, Buffer.from('0123456789abcdef\rok\ré😀\r')]), 8],
    ];
    for (const [name, input, max] of cases) {
      const expected = serial(input, max);
      for (const sizes of [[1], [2], [3], [5], [input.length]]) {
        const { blocks } = blocksOf(input, max, sizes);
        checkBlocks(input, blocks);
        assert.equal(blocks[0]!.lineEnd, input.includes(0x0a) ? 'lf' : 'cr');
        assert.deepEqual(viaBlocks(blocks, max), expected, `${name}, chunks of ${sizes.join(',')}`);
      }
    }
  });

  it('property: any input, any chunking, same lines (text, truncated, file, line, offset) as one LineCutter', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 8, max: 64 }), sizesArb, fc.constantFrom<LineEncoding>('utf8', 'latin1'), (input, max, sizes, encoding) => {
        const { blocks } = blocksOf(input, max, sizes);
        checkBlocks(input, blocks);
        assert.deepEqual(viaBlocks(blocks, max, encoding), serial(input, max, encoding));
      }),
      { numRuns: 400 },
    );
  });

  it('property: holds at most maxLineBytes + 2 bytes (+ 3 for the BOM of a first line) once the line end is decided, and the probe window before', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 8, max: 64 }), sizesArb, (input, max, sizes) => {
        const { maxHeld, maxHeldProbing } = blocksOf(input, max, sizes);
        const bom = input.subarray(0, 3).equals(BOM) ? 3 : 0;
        assert.ok(maxHeld <= max + 2 + bom, `held ${maxHeld} > ${max} + 2 + ${bom}`);
        // Before: the first line's bound plus the bytes from the first CR on, within the probe window.
        assert.ok(maxHeldProbing <= max + 2 + bom + LINE_END_PROBE_BYTES, `held ${maxHeldProbing} while probing`);
      }),
      { numRuns: 300 },
    );
    // Without a BOM the bound is exact: an endless line never holds more than maxLineBytes + 2.
    const c = new BlockCutter(16);
    for (let i = 0; i < 100; i++) {
      assert.equal(c.push(Buffer.from('z'.repeat(7))), undefined);
      assert.ok(c.heldBytes <= 18);
    }
    assert.equal(c.heldBytes, 18);
  });
});
