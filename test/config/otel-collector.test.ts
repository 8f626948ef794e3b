import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../helpers/paths.js';

/**
 * The settings the README promises, read as YAML. That a Collector loads and
 * runs this file is checked by test/e2e/configs.test.ts against a real one.
 */
describe('otel-collector.yaml', () => {
  const cfg = parse(readFileSync(join(projectRoot, 'otel-collector.yaml'), 'utf8')) as Record<string, any>;

  it('defines every component its pipelines use', () => {
    for (const [name, p] of Object.entries(cfg['service']['pipelines'] as Record<string, any>)) {
      for (const kind of ['receivers', 'processors', 'exporters']) {
        for (const id of p[kind] as string[]) assert.ok(id in cfg[kind], `${name}: ${kind} ${id} is defined`);
      }
    }
  });

  it('receives OTLP on 4318 (HTTP) and 4317 (gRPC)', () => {
    assert.equal(cfg['receivers']['otlp']['protocols']['http']['endpoint'], '0.0.0.0:4318');
    assert.equal(cfg['receivers']['otlp']['protocols']['grpc']['endpoint'], '0.0.0.0:4317');
  });

  it('puts memory_limiter first, then batch, and exports to Loki /otlp and debug', () => {
    const logs = cfg['service']['pipelines']['logs'];
    assert.deepEqual(logs['processors'], ['memory_limiter', 'batch']);
    assert.deepEqual(logs['exporters'], ['otlphttp/loki', 'debug']);
    // Loki's address from the environment, today's default kept.
    assert.equal(cfg['exporters']['otlphttp/loki']['endpoint'], '${env:LOKI_OTLP_ENDPOINT:-http://loki:3100/otlp}');
  });
});
