import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importGraph } from './helpers/imports.js';
import { projectRoot } from './helpers/paths.js';

// What each entry point exports at run time (types aside). Adding to a list is
// a decision about the API: the main one is small and stays stable; internals
// may change in any release.
const MAIN = [
  'ATTRIBUTE_TYPES', 'DEFAULT_DEAD_LETTER_FILE', 'DeadLetterFile', 'FtplogError', 'SeverityNumber', 'TRANSFORM_JSON_SCHEMA', 'attributeType',
  'checkFilter', 'checkRedact', 'createEnricher', 'createFilter', 'createRedact', 'decodeEftCode', 'decodeNcftpdStatus', 'detectFormat', 'detectLineFormat', 'encodeLogsJson',
  'encodeLogsProtobuf', 'enrich', 'explainCode', 'fromJsonLines', 'fromJsonRecord', 'isEftHeaderLine', 'isEncodedRecords',
  'logRecords', 'loggerSink', 'looksLikeEft', 'looksLikeNcftpd', 'looksLikeVsftpd', 'looksLikeXferlog', 'otlpSink', 'parse',
  'parseEftLine', 'parseLine', 'parseNcftpdLine', 'parseResourceAttributes', 'parseVsftpdLine', 'parseXferlogLine',
  'pipelineComponents', 'readLogs', 'readLogsParallel', 'redactHash', 'resolveOtlpConfig', 'resolveTransformKeys',
  'resourceAttributes', 'sinkComponent', 'splitLines', 'toJsonLines', 'toJsonRecord', 'toOtelLogRecord', 'transformFromConfig',
  'unaccounted',
];
const INTERNALS = [
  'EncodedRecordsBuilder', 'JsonLineWriter', 'LineCutter', 'createCivilToEpoch', 'formatStatusLine', 'localTimeZone',
  'normalizeEftOperation', 'resolveInputs', 'startMetricsServer', 'startReceiver',
];

/** Imported by a specifier TypeScript does not resolve: the package's own name goes through package.json's `exports`. */
async function load(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

describe('entry points', () => {
  it('ftplog-otel exports exactly the main API', async () => {
    assert.deepEqual(Object.keys(await load('ftplog-otel')).sort(), [...MAIN].sort());
  });

  it('ftplog-otel/internals exports exactly the building blocks, none of them also in the main API', async () => {
    assert.deepEqual(Object.keys(await load('ftplog-otel/internals')).sort(), [...INTERNALS].sort());
    assert.deepEqual(INTERNALS.filter((name) => MAIN.includes(name)), []);
  });

  it('package.json maps each entry point to its compiled module and its types', async () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    assert.deepEqual(pkg.exports, {
      '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' },
      './internals': { types: './dist/src/internals.d.ts', default: './dist/src/internals.js' },
      './package.json': './package.json',
    });
    for (const [name, file] of [['ftplog-otel', 'index'], ['ftplog-otel/internals', 'internals']] as const) {
      assert.equal(await load(name), await load(pathToFileURL(join(projectRoot, 'dist', 'src', `${file}.js`)).href), name);
      assert.ok(existsSync(join(projectRoot, 'dist', 'src', `${file}.d.ts`)), `${file}.d.ts`);
    }
  });

  it('the main API does not load the receiver, protobufjs, the OTLP schema package or prom-client', () => {
    const { files, packages } = importGraph([join(projectRoot, 'dist', 'src', 'index.js')]);
    const receiver = join(projectRoot, 'dist', 'src', 'receiver') + sep;
    assert.deepEqual([...files].filter((f) => f.startsWith(receiver)), []);
    assert.deepEqual([...packages].filter((p) => /protobufjs|otlp-transformer|prom-client/.test(p)), []);
    // The same walk from internals, which has the receiver and the metrics server, finds them.
    const all = importGraph([join(projectRoot, 'dist', 'src', 'internals.js')]);
    assert.ok([...all.files].some((f) => f.startsWith(receiver)));
    assert.ok([...all.packages].some((p) => p.startsWith('otlp-transformer-protos/')));
    assert.ok(all.packages.has('prom-client'));
  });
});
