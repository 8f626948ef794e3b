import assert from 'node:assert/strict';
import { RecentBuckets } from '../../src/report/buckets.js';

describe('RecentBuckets', () => {
  it('adds up each bucket', () => {
    const b = new RecentBuckets(3);
    b.add(10, 1, 0, 100);
    b.add(10, 1, 1, 0);
    b.add(11, 1, 0, 5);
    assert.deepEqual(b.entries(), [
      [10, { records: 2, failures: 1, bytes: 100 }],
      [11, { records: 1, failures: 0, bytes: 5 }],
    ]);
    assert.deepEqual(b.folded, { records: 0, failures: 0, bytes: 0 });
  });

  it('keeps the most recent buckets and folds the older ones, whatever order they come in', () => {
    const b = new RecentBuckets(2);
    b.add(5, 1, 0, 1);
    b.add(7, 1, 0, 2);
    b.add(6, 1, 1, 4); // 5 is folded
    b.add(3, 1, 0, 8); // older than every bucket kept: folded
    b.add(4, 1, 0, 16); // before what was folded: folded
    b.add(5, 1, 0, 32); // folded before
    b.add(8, 1, 0, 64); // 6 is folded
    assert.deepEqual(b.entries(), [
      [7, { records: 1, failures: 0, bytes: 2 }],
      [8, { records: 1, failures: 0, bytes: 64 }],
    ]);
    assert.deepEqual(b.folded, { records: 5, failures: 1, bytes: 1 + 4 + 8 + 16 + 32 });
    assert.equal(b.size, 2);
  });

  it('never holds more than its limit', () => {
    const b = new RecentBuckets(24);
    let largest = 0;
    for (let h = 0; h < 10_000; h++) {
      b.add((h * 7919) % 5000, 1, 0, 1);
      largest = Math.max(largest, b.size);
    }
    assert.equal(largest, 24);
    const kept = b.entries();
    assert.equal(kept.reduce((n, [, t]) => n + t.records, 0) + b.folded.records, 10_000);
    assert.deepEqual(kept.map(([k]) => k), Array.from({ length: 24 }, (_, i) => 4976 + i));
  });
});
