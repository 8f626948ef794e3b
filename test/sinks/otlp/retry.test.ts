import assert from 'node:assert/strict';
import { backoffDelay, classifyGrpc, classifyStatus, parseRetryAfter, planRetry, DEFAULT_BACKOFF, RETRY_AFTER_CAP_FACTOR } from '../../../src/sinks/otlp/retry.js';

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
    assert.deepEqual(classifyStatus(413), { kind: 'split', reason: 'HTTP 413 (payload too large)', status: 413 });
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

describe('classifyGrpc', () => {
  it('retries the codes the OTLP specification calls retryable, with the RetryInfo delay when there is one', () => {
    for (const [code, name] of [[1, 'CANCELLED'], [4, 'DEADLINE_EXCEEDED'], [10, 'ABORTED'], [11, 'OUT_OF_RANGE'], [14, 'UNAVAILABLE'], [15, 'DATA_LOSS']] as const) {
      assert.deepEqual(classifyGrpc(code, 'x'), { kind: 'retry', reason: `gRPC ${name} (${code}): x` });
      assert.deepEqual(classifyGrpc(code, 'x', 2500), { kind: 'retry', reason: `gRPC ${name} (${code}): x`, retryAfterMs: 2500 });
    }
  });

  it('retries RESOURCE_EXHAUSTED only with a RetryInfo, and splits a message over the size limit', () => {
    assert.deepEqual(classifyGrpc(8, 'memory limiter'), { kind: 'reject', reason: 'gRPC RESOURCE_EXHAUSTED (8): memory limiter' });
    assert.deepEqual(classifyGrpc(8, 'memory limiter', 1000), { kind: 'retry', reason: 'gRPC RESOURCE_EXHAUSTED (8): memory limiter', retryAfterMs: 1000 });
    const big = 'grpc: received message larger than max (5000000 vs. 4194304)';
    assert.deepEqual(classifyGrpc(8, big), { kind: 'split', reason: `gRPC RESOURCE_EXHAUSTED (8): ${big}` });
    assert.deepEqual(classifyGrpc(8, 'Received message larger than max (50000 vs 40000)', 1000), { kind: 'split', reason: 'gRPC RESOURCE_EXHAUSTED (8): Received message larger than max (50000 vs 40000)' });
  });

  it('gives a failed TLS handshake up at once: retrying cannot make a certificate trusted', () => {
    for (const details of [
      'No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ',
      'No connection established. Last error: Error: self-signed certificate in certificate chain',
      "No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
    ]) {
      const v = classifyGrpc(14, details);
      assert.equal(v.kind, 'fatal');
      assert.equal(v.reason, `TLS: gRPC UNAVAILABLE (14): ${details} (is the collector's CA given with --ca-file or OTEL_EXPORTER_OTLP_CERTIFICATE, and does its certificate name the endpoint's host?)`);
    }
    assert.equal(classifyGrpc(14, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:4317').kind, 'retry');
  });

  it('gives every other code up as final, and OK as accepted', () => {
    assert.deepEqual(classifyGrpc(0, ''), { kind: 'accepted' });
    for (const [code, name] of [[2, 'UNKNOWN'], [3, 'INVALID_ARGUMENT'], [5, 'NOT_FOUND'], [7, 'PERMISSION_DENIED'], [9, 'FAILED_PRECONDITION'], [12, 'UNIMPLEMENTED'], [13, 'INTERNAL'], [16, 'UNAUTHENTICATED']] as const) {
      assert.deepEqual(classifyGrpc(code, '', 1000), { kind: 'reject', reason: `gRPC ${name} (${code})` });
    }
    assert.deepEqual(classifyGrpc(99, 'odd'), { kind: 'reject', reason: 'gRPC code (99): odd' });
  });
});
