import assert from 'node:assert/strict';
import { backoffDelay, classifyStatus, parseRetryAfter, planRetry, DEFAULT_BACKOFF, RETRY_AFTER_CAP_FACTOR } from '../../../src/sinks/otlp/retry.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const half = (): number => 0.5;

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(' 7 ', NOW), 7000);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW), 30_000);
    // A date in the past means now.
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW), 0);
    assert.equal(parseRetryAfter(['5', '9'], NOW), 5000);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter('', NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
  });

  it('classifies answers as the OTLP/HTTP specification says', () => {
    assert.deepEqual(classifyStatus(200), { kind: 'accepted' });
    assert.deepEqual(classifyStatus(503, '2'), { kind: 'retry', reason: 'HTTP 503', retryAfterMs: 2000 });
    assert.deepEqual(classifyStatus(429), { kind: 'retry', reason: 'HTTP 429' });
    assert.deepEqual(classifyStatus(413), { kind: 'split', reason: 'HTTP 413 (payload too large)' });
    assert.deepEqual(classifyStatus(400), { kind: 'reject', reason: 'HTTP 400', status: 400 });
    assert.deepEqual(classifyStatus(500), { kind: 'reject', reason: 'HTTP 500', status: 500 });
  });

  it('backs off exponentially to the cap, half fixed and half jitter', () => {
    const o = { initialMs: 100, maxMs: 1000, multiplier: 2 };
    assert.deepEqual([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, o, half)), [75, 150, 300, 600, 750, 750]);
    assert.equal(backoffDelay(3, o, () => 0), 200);
    assert.equal(backoffDelay(3, o, () => 1), 400);
  });

  it('follows a longer Retry-After up to the cap, and says when it cut one', () => {
    const o = { ...DEFAULT_BACKOFF, maxMs: 1000 };
    assert.deepEqual(planRetry(1, o, half, 3000, NOW, Infinity), { delayMs: 3000 });
    assert.deepEqual(planRetry(1, o, half, 3_600_000, NOW, Infinity), { delayMs: 1000 * RETRY_AFTER_CAP_FACTOR, retryAfterCappedFromMs: 3_600_000 });
    // A shorter Retry-After does not make the backoff shorter.
    assert.deepEqual(planRetry(4, o, half, 10, NOW, Infinity), { delayMs: 750 });
  });

  it('never waits past the retry deadline: the last attempt falls on it', () => {
    const o = { initialMs: 1000, maxMs: 30_000, multiplier: 2 };
    assert.deepEqual(planRetry(5, o, half, undefined, NOW, NOW + 2500), { delayMs: 2500 });
    assert.deepEqual(planRetry(5, o, half, undefined, NOW, NOW), { delayMs: 0 });
  });
});
