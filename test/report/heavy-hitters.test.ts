import assert from 'node:assert/strict';
import { SpaceSaving } from '../../src/report/heavy-hitters.js';

/** A deterministic generator (mulberry32), so that a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SpaceSaving', () => {
  it('counts exactly while it holds every key', () => {
    const t = new SpaceSaving<string>(3);
    t.add('a', 1, 'first a');
    t.add('b', 5, 'b');
    t.add('a', 2, 'second a');
    t.add('c', 1, 'c');
    assert.deepEqual(t.top(10), [
      { key: 'b', count: 5, error: 0, detail: 'b' },
      { key: 'a', count: 3, error: 0, detail: 'first a' },
      { key: 'c', count: 1, error: 0, detail: 'c' },
    ]);
    assert.equal(t.total, 9);
    assert.equal(t.evictions, 0);
    assert.equal(t.floor(), 0);
  });

  it('gives a new key the place of the smallest count, with that count as its error', () => {
    const t = new SpaceSaving<undefined>(2);
    t.add('a', 4, undefined);
    t.add('b', 2, undefined);
    t.add('c', 1, undefined);
    assert.deepEqual(t.top(5), [
      { key: 'a', count: 4, error: 0, detail: undefined },
      { key: 'c', count: 3, error: 2, detail: undefined },
    ]);
    assert.equal(t.size, 2);
    assert.equal(t.evictions, 1);
    assert.equal(t.floor(), 3);
    assert.equal(t.total, 7);
  });

  it('ignores weights that are not above 0', () => {
    const t = new SpaceSaving<undefined>(2);
    t.add('a', 0, undefined);
    t.add('b', -3, undefined);
    t.add('c', Number.NaN, undefined);
    assert.equal(t.size, 0);
    assert.equal(t.total, 0);
  });

  it('adds the error of a merged count to the key', () => {
    const t = new SpaceSaving<undefined>(1);
    t.add('a', 10, undefined, 2);
    t.add('a', 5, undefined, 1);
    assert.deepEqual(t.top(1), [{ key: 'a', count: 15, error: 3, detail: undefined }]);
  });

  it('orders ties by key', () => {
    const t = new SpaceSaving<undefined>(4);
    for (const k of ['d', 'b', 'c', 'a']) t.add(k, 1, undefined);
    assert.deepEqual(t.top(4).map((e) => e.key), ['a', 'b', 'c', 'd']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new SpaceSaving(0), RangeError);
    assert.throws(() => new SpaceSaving(1.5), RangeError);
  });

  for (const weighted of [false, true]) {
    it(`finds the heavy keys among far more keys than it holds, within its bound (${weighted ? 'weighted' : 'unit'} adds)`, () => {
      const capacity = 50;
      const t = new SpaceSaving<undefined>(capacity);
      const truth = new Map<string, number>();
      const next = random(weighted ? 7 : 3);
      let largest = 0;
      // 5,000 rare keys and 5 heavy ones, interleaved.
      for (let i = 0; i < 60_000; i++) {
        const heavy = i % 6 === 0;
        const key = heavy ? `heavy-${i % 5}` : `rare-${Math.floor(next() * 5000)}`;
        const w = weighted ? 1 + Math.floor(next() * 1000) : 1;
        t.add(key, w, undefined);
        truth.set(key, (truth.get(key) ?? 0) + w);
        largest = Math.max(largest, t.size);
      }
      assert.equal(largest, capacity, 'never more keys than its capacity');
      assert.ok(t.evictions > 0);
      const total = [...truth.values()].reduce((a, b) => a + b, 0);
      assert.equal(t.total, total);
      const floor = t.floor();
      assert.ok(floor <= total / capacity, `floor ${floor} <= N/k ${total / capacity}`);
      const top = t.top(5);
      const trueTop = [...truth.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
      assert.deepEqual(top.map((e) => e.key).sort(), trueTop.map(([k]) => k).sort());
      for (const e of t.top(capacity)) {
        const real = truth.get(e.key)!;
        assert.ok(e.count >= real && e.count - e.error <= real, `${e.key}: ${e.count} - ${e.error} vs ${real}`);
        assert.ok(e.error <= floor);
      }
      const held = new Set(t.top(capacity).map((e) => e.key));
      for (const [k, v] of truth) if (!held.has(k)) assert.ok(v <= floor, `${k} (${v}) not held, above the floor ${floor}`);
    });
  }
});
