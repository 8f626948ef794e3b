import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { LINE_END_PROBE_BYTES, LineEndProbe, type LineEnd } from '../../src/split/line-end.js';

/** Feeds `input` in chunks of `size`; the decision and the chunk it came with (or 'end'). */
function probe(input: Buffer, size: number): { lineEnd: LineEnd; at: number | 'end' } {
  const p = new LineEndProbe();
  for (let i = 0, k = 0; i < input.length; i += size, k++) {
    const step = p.scan(input.subarray(i, i + size));
    if (step.lineEnd !== undefined) return { lineEnd: step.lineEnd, at: k };
  }
  return { lineEnd: p.finish(), at: 'end' };
}

describe('LineEndProbe', () => {
  const big = (fill: number, at: number, byte: number): Buffer => {
    const b = Buffer.alloc(LINE_END_PROBE_BYTES + 10, fill);
    b[at] = byte;
    return b;
  };

  it('LF anywhere in the first 64 KiB: lf, decided at the chunk that holds it', () => {
    assert.deepEqual(probe(Buffer.from('a\rb\rc\nd\r'), 2), { lineEnd: 'lf', at: 2 });
    assert.deepEqual(probe(Buffer.from('ab\r\n'), 100), { lineEnd: 'lf', at: 0 });
    assert.deepEqual(probe(big(0x0d, LINE_END_PROBE_BYTES - 1, 0x0a), 4096), { lineEnd: 'lf', at: 15 });
  });

  it('CR but no LF in the first 64 KiB: cr, however the bytes are chunked; an LF past them does not count', () => {
    for (const size of [1, 3, 4096, 65536, 1 << 20]) {
      assert.deepEqual(probe(Buffer.from('a\rb\rc'), size).lineEnd, 'cr');
      assert.equal(probe(big(0x0d, LINE_END_PROBE_BYTES, 0x0a), size).lineEnd, 'cr');
    }
    assert.deepEqual(probe(big(0x0d, LINE_END_PROBE_BYTES, 0x0a), 4096), { lineEnd: 'cr', at: 15 });
  });

  it('neither CR nor LF: lf', () => {
    assert.deepEqual(probe(Buffer.from('abc'), 1), { lineEnd: 'lf', at: 'end' });
    assert.deepEqual(probe(Buffer.alloc(0), 1), { lineEnd: 'lf', at: 'end' });
    assert.equal(probe(big(0x61, LINE_END_PROBE_BYTES, 0x0d), 65536).lineEnd, 'lf');
  });

  it('says which bytes before the first CR are clear to cut, and none after it', () => {
    const p = new LineEndProbe();
    assert.deepEqual(p.scan(Buffer.from('abc')), { lineEnd: undefined, clear: 3 });
    assert.deepEqual(p.scan(Buffer.from('de\rf')), { lineEnd: undefined, clear: 2 });
    assert.deepEqual(p.scan(Buffer.from('g\rh')), { lineEnd: undefined, clear: 0 });
    assert.equal(p.lineEnd, undefined);
    assert.equal(p.finish(), 'cr');
    assert.deepEqual(p.scan(Buffer.from('x\ny')), { lineEnd: 'cr', clear: 3 });
  });
});
