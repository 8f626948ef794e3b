import assert from 'node:assert/strict';
import { SettledTracker, type PositionSpan } from '../../../src/sinks/otlp/settled.js';

/** Positions of `n` consecutive lines of `file`, line numbers from `firstLine`, offsets 10 bytes a line. */
function span(file: string | undefined, firstLine: number, n: number): PositionSpan {
  const lines = Float64Array.from({ length: n }, (_, i) => firstLine + i);
  const offsets = Float64Array.from(lines, (l) => l * 10);
  return { file, lines, offsets, from: 0 };
}

describe('SettledTracker', () => {
  it('moves a source only over records settled in order, whatever order batches settle in', () => {
    const t = new SettledTracker();
    t.add(0, 10, span('a.log', 1, 10));
    t.add(10, 20, span('a.log', 11, 10));
    t.add(20, 30, span('a.log', 21, 10));
    assert.deepEqual(t.settle(10, 20), []);
    assert.deepEqual(t.settle(20, 30), []);
    assert.deepEqual(t.overall(), { source: '*', records: 0, position: undefined });
    assert.deepEqual(t.settle(0, 10), [{ source: 'a.log', records: 30, position: { file: 'a.log', line: 30, offset: 300 } }]);
    assert.deepEqual(t.overall(), { source: '*', records: 30, position: { file: 'a.log', line: 30, offset: 300 } });
    assert.equal(t.heldRanges, 0);
    assert.equal(t.unsettled, 0);
  });

  it('keeps sources apart: a stuck record of one source does not hold another back', () => {
    const t = new SettledTracker();
    t.add(0, 5, span('a.log', 1, 5));
    t.add(5, 10, span('b.log', 1, 5));
    t.add(10, 15, span('a.log', 6, 5));
    t.add(15, 20, span('b.log', 6, 5));
    // b settles entirely while a's first records are still out.
    assert.deepEqual(t.settle(5, 10), [{ source: 'b.log', records: 5, position: { file: 'b.log', line: 5, offset: 50 } }]);
    assert.deepEqual(t.settle(10, 20), [{ source: 'b.log', records: 10, position: { file: 'b.log', line: 10, offset: 100 } }]);
    const a = t.bySource().find((p) => p.source === 'a.log')!;
    assert.deepEqual(a, { source: 'a.log', records: 0, position: undefined });
    assert.equal(t.overall().records, 0);
    assert.equal(t.unsettled, 5);
    assert.deepEqual(t.settle(0, 5), [{ source: 'a.log', records: 10, position: { file: 'a.log', line: 10, offset: 100 } }]);
    assert.equal(t.overall().records, 20);
  });

  it('settles parts of a registered range (a batch split in two) and keeps the part still out', () => {
    const t = new SettledTracker();
    t.add(0, 100, span('a.log', 1, 100));
    assert.deepEqual(t.settle(0, 50), [{ source: 'a.log', records: 50, position: { file: 'a.log', line: 50, offset: 500 } }]);
    assert.deepEqual(t.settle(75, 100), []);
    assert.equal(t.unsettled, 25);
    assert.deepEqual(t.settle(50, 75), [{ source: 'a.log', records: 100, position: { file: 'a.log', line: 100, offset: 1000 } }]);
  });

  it('holds a bounded number of ranges while one stays unsettled and everything after it settles', () => {
    const t = new SettledTracker();
    t.add(0, 10, span('a.log', 1, 10));
    for (let k = 1; k <= 1000; k++) {
      t.add(k * 10, k * 10 + 10, span(k % 2 === 0 ? 'a.log' : 'b.log', k * 10 + 1, 10));
      t.settle(k * 10, k * 10 + 10);
    }
    // a.log: its stuck head and one merged settled range; b.log: nothing; overall: the same two.
    assert.equal(t.heldRanges, 4);
    assert.equal(t.settle(0, 10).length, 1);
    assert.equal(t.overall().records, 10010);
    assert.equal(t.heldRanges, 0);
  });

  it('keeps the last position known when the records settled last have none (stdin, in-memory input)', () => {
    const t = new SettledTracker();
    t.add(0, 3, span(undefined, 1, 3));
    t.add(3, 5, { file: undefined, lines: new Float64Array(2), offsets: new Float64Array(2), from: 0 });
    assert.deepEqual(t.settle(0, 5), [{ source: '-', records: 5, position: { line: 3, offset: 30 } }]);
  });

  it('refuses ranges registered out of order', () => {
    const t = new SettledTracker();
    t.add(10, 20, span('a.log', 1, 10));
    assert.throws(() => t.add(5, 8, span('a.log', 11, 3)), { code: 'ERR_INTERNAL' });
  });
});
