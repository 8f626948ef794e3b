import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyEnvProblems, loadPipeline, loadPipelineFile } from '../../src/config/pipeline.js';
import { formatProblem } from '../../src/config/problems.js';
import { FILE_OPTIONS, NOT_FILE_KEYS, snakeKey } from '../../src/config/keys.js';
import { shipCommand } from '../../src/cli/ship.js';
import { fixture } from '../helpers/paths.js';

const EFT = fixture('eft', 'eft-client-vendor.log');
const NCFTPD = fixture('ncftpd', 'ncftpd-xfer-vendor.log');

/** The problems of a file's text as validate prints them. */
function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  return loadPipeline(text, { env, baseDir: fixture() }).problems.map((p) => formatProblem('p.yaml', p));
}

const BAD = `sources:
  - paths: ['${EFT}', 'logs/{a,b']
    format: eftt
    timezone: Mars/Olympus
    ignore_older: 30
    max_line_bytes: 10
    follw: true
  - paths: ${NCFTPD}
transforms:
  - set: { deployment.environment.name: prod, region: 5 }
sink:
  otlp:
    endpoint: ftp://collector:4318
    batch_size: 5000
    queue_records: 100
    retry_initail: 2s
agent:
  poll_interval: 5ms
  metrics_address: nope
  workers: many
`;

describe('pipeline files: loadPipeline()', () => {
  it('reports every error of a bad file, each at its line and column, in file order', () => {
    assert.deepEqual(problems(BAD), [
      `p.yaml:2:${EFT.length + 17}: paths: the glob "logs/{a,b" has a { without its }`,
      'p.yaml:3:13: format must be eft | ncftpd | xferlog | vsftpd | auto (got "eftt")',
      'p.yaml:4:15: timezone: unknown time zone "Mars/Olympus" (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")',
      'p.yaml:5:19: ignore_older must be a duration written with its unit, such as "1s" (got 30)',
      'p.yaml:6:21: max_line_bytes must be an integer from 64 to 67108864 (got 10)',
      'p.yaml:7:5: unknown key "follw" in sources[0]; did you mean "follow"?',
      `p.yaml:8:12: paths must be a non-empty list of files, folders or glob patterns (got ${JSON.stringify(NCFTPD)})`,
      'p.yaml:10:55: transforms[0].set.region: must be a string (got number; quote it)',
      'p.yaml:13:15: endpoint: must be an http:// or https:// URL',
      'p.yaml:14:17: batch_size (5000) must not exceed queue_records (100)',
      'p.yaml:16:5: unknown key "retry_initail" in sink.otlp; did you mean "retry_initial"?',
      'p.yaml:18:18: poll_interval must be a duration such as 500ms, 30s, 5m, 1h or 7d from 10ms to 1m (got "5ms")',
      'p.yaml:19:20: metrics_address must be HOST:PORT, e.g. 127.0.0.1:9464 (got "nope")',
      'p.yaml:20:12: workers must be auto or an integer from 0 to 64 (got "many")',
    ]);
    assert.equal(loadPipeline(BAD, { env: {} }).pipeline, undefined);
  });

  it('reports YAML syntax errors with their position, and nothing else', () => {
    assert.deepEqual(problems('sources:\n  - paths: [a, b\nsink: { console: {} }\n'), ['p.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    assert.deepEqual(problems('sink:\n  console: {}\nsink:\n  jsonl: {}\n'), ['p.yaml:3:1: Map keys must be unique']);
  });

  it('requires sources with paths and exactly one sink, and names the top-level keys', () => {
    assert.deepEqual(problems(''), ['p.yaml:1:1: the file is empty: a pipeline needs sources and a sink']);
    assert.deepEqual(problems('source: []\n'), [
      'p.yaml:1:1: unknown key "source" in a pipeline file; did you mean "sources"?',
      'p.yaml:1:1: sources is required: a list of sources, each with its paths',
      'p.yaml:1:1: sink is required: one of otlp, jsonl, console',
    ]);
    assert.deepEqual(problems(`sources:\n  - format: eft\nsink:\n  jsonl: {}\n  console: {}\n`), [
      'p.yaml:2:5: sources[0]: paths is required: the files, folders or glob patterns to read',
      'p.yaml:4:3: sink takes exactly one of otlp, jsonl, console (found jsonl and console)',
    ]);
  });

  it('checks types, ranges and enums of every kind by the option declarations', () => {
    const at = (section: string): string => `sources:\n  - paths: ['${EFT}']\n${section}`;
    assert.deepEqual(problems(at('    follow: "yes"\n    encoding: UTF-16\n    exclude: x\nsink: { console: }\n')), [
      'p.yaml:3:13: follow must be true or false (got "yes")',
      'p.yaml:4:15: encoding must be utf8 | latin1 (got "UTF-16")',
      'p.yaml:5:14: exclude must be a list of strings (got "x")',
    ]);
    assert.deepEqual(problems(at('sink:\n  otlp:\n    batch_delay: 2h\n    gzip_level: "5"\n    protocol: grpc2\n    max_in_flight: 1.5\n')), [
      'p.yaml:5:18: batch_delay must be a duration such as 500ms, 30s, 5m, 1h or 7d from 0s to 1h (got "2h")',
      'p.yaml:6:17: gzip_level must be an integer from 1 to 9 (got "5")',
      'p.yaml:7:15: protocol must be http/protobuf | http/json | grpc (got "grpc2")',
      'p.yaml:8:20: max_in_flight must be an integer from 1 to 64 (got 1.5)',
    ]);
  });

  it('checks the endpoint by the scheme and path rules of each protocol', () => {
    const otlp = (lines: string): string[] => problems(`sources:\n  - paths: ['${EFT}']\nsink:\n  otlp:\n${lines}`);
    assert.deepEqual(otlp('    protocol: grpc\n    endpoint: http://collector:4317/v1/logs\n'), [
      'p.yaml:6:15: endpoint: an OTLP/gRPC endpoint is a scheme, host and port only (such as http://localhost:4317), without a path like /v1/logs',
    ]);
    assert.deepEqual(otlp('    endpoint: not a url\n'), ['p.yaml:5:15: endpoint: not a valid URL']);
    assert.deepEqual(otlp('    header: ["Authorization"]\n'), ['p.yaml:5:13: header: an entry is not name=value with a valid header name']);
    assert.deepEqual(otlp('    endpoint: http://collector:4318\n'), []);
  });

  it('applies the OTEL_* variables beneath the file, as beneath flags', () => {
    const text = `sources:\n  - paths: ['${EFT}']\nsink:\n  otlp:\n    compression: gzip\n`;
    assert.deepEqual(problems(text, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' }), ['p.yaml:5:5: OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL']);
    assert.deepEqual(problems(text, { OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' }), []);
    assert.deepEqual(problems(`${text}    endpoint: http://file:4318\n`, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' }), []);
  });

  it('requires the same follow for every source and the otlp sink for following', () => {
    assert.deepEqual(problems(`sources:\n  - paths: ['${EFT}']\n    follow: true\n  - paths: ['${NCFTPD}']\nsink:\n  jsonl:\n`), [
      'p.yaml:4:5: sources[1]: follow must be the same for every source (another source is followed); run followed and read-once sources as two pipelines',
      'p.yaml:6:3: following sources needs the otlp sink: checkpoints move only once the collector has the records',
    ]);
  });

  it('warns of a read-once path that stands for no file now, and not of a followed one', () => {
    assert.deepEqual(problems(`sources:\n  - paths: [nothing-here.log]\nsink: { console: }\n`), [
      `p.yaml:2:13: warning: ${fixture('nothing-here.log')}: no such file or directory (now: a run would fail unless it appears)`,
    ]);
    const loaded = loadPipeline(`sources:\n  - paths: [nothing-here.log]\n    follow: true\nsink: { otlp: }\n`, { env: {}, baseDir: fixture() });
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.pipeline!.sources[0]!.paths, [fixture('nothing-here.log')]);
  });

  it('gives each source its own values by library key, with relative paths from the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-pipeline-'));
    try {
      const file = join(dir, 'p.yaml');
      writeFileSync(file, `sources:\n  - paths: ['${EFT}']\n    timezone: europe/berlin\n    ignore_older: 7d\n    format: EFT\nsink:\n  otlp:\n    dead_letter: dl.jsonl\n    retry_initial: 250ms\nagent: { workers: 2 }\n`);
      const { pipeline, problems: found } = loadPipelineFile(file, {});
      assert.deepEqual(found, []);
      assert.deepEqual(pipeline!.sources[0]!.values, { timezone: 'Europe/Berlin', ignoreOlderMs: 7 * 86_400_000, format: 'eft' });
      assert.deepEqual(pipeline!.sink, { kind: 'otlp', values: { deadLetter: join(dir, 'dl.jsonl'), 'backoff.initialMs': 250 } });
      assert.deepEqual(pipeline!.agent, { workers: '2' });
      assert.equal(pipeline!.follow, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads JSON files the same way, with positions', () => {
    assert.deepEqual(problems(`{"sources": [{"paths": ["${EFT}"], "timezone": "Nowhere"}], "sink": {"console": null}}`), [
      'p.yaml:1:50: timezone: unknown time zone "Nowhere" (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")'.replace('1:50', `1:${EFT.length + 42}`),
    ]);
  });

  it('reports a bad transform at the field, by the place its error carries (keys and indexes from the top)', () => {
    assert.deepEqual(problems(`sources:\n  - paths: ['${EFT}']\ntransforms:\n  - set: { ftp.outcome: x }\n  - uppercase: {}\nsink: { console: }\n`), [
      'p.yaml:4:25: transforms[0].set["ftp.outcome"]: "ftp.outcome" is an attribute ftplog-otel sets itself from the log line',
      'p.yaml:5:5: transforms[1]: unknown transform "uppercase" (known: set, redact, filter)',
    ]);
  });

  it('keyEnvProblems(): a transform key variable that is unset or empty is an error at key_env', () => {
    const entry = { redact: { hash: ['user.name'], key_env: 'FTPLOG_HASH_KEY' } };
    assert.deepEqual(keyEnvProblems(entry, 'transforms[1]', {}), [{ path: 'transforms[1].redact.key_env', message: 'redact: the environment variable FTPLOG_HASH_KEY (key_env, the key) is not set' }]);
    assert.deepEqual(keyEnvProblems(entry, 'transforms[1]', { FTPLOG_HASH_KEY: '' }).length, 1);
    assert.deepEqual(keyEnvProblems(entry, 'transforms[1]', { FTPLOG_HASH_KEY: 'k3y' }), []);
    assert.deepEqual(keyEnvProblems({ set: { a: 'b' } }, 'transforms[0]', {}), []);
  });
});

describe('pipeline files: keys', () => {
  it('every ship flag has exactly one file key (its flag in snake_case), or says what stands for it', () => {
    const flags = [...shipCommand.options!.flatMap((g) => g.options.map((o) => o.flag)), 'help'];
    const keyed = FILE_OPTIONS.map((f) => f.option.flag);
    assert.deepEqual([...new Set(keyed)].length, keyed.length, 'a flag with two keys');
    assert.deepEqual([...keyed, ...Object.keys(NOT_FILE_KEYS)].sort(), [...flags].sort());
    for (const f of FILE_OPTIONS) assert.equal(f.key, snakeKey(f.option.flag));
    assert.equal(snakeKey('retry-initial'), 'retry_initial');
  });
});
