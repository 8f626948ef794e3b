import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keysTable, pipelineJsonSchema, pipelineSchemaText } from '../../src/config/schema.js';
import { projectRoot } from '../helpers/paths.js';

describe('pipeline files: JSON Schema and README table', () => {
  it('schema/pipeline.schema.json is the one generated from the options (npm run schema)', () => {
    assert.equal(readFileSync(join(projectRoot, 'schema', 'pipeline.schema.json'), 'utf8'), pipelineSchemaText());
  });

  it('the README table is the one generated from the options (npm run schema)', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const m = /<!-- pipeline-keys:start -->\n([\s\S]*?)\n<!-- pipeline-keys:end -->/.exec(readme);
    assert.ok(m !== null, 'README.md has the pipeline-keys markers');
    assert.equal(m[1], keysTable());
  });

  it('types each option as the file writes it', () => {
    const s = pipelineJsonSchema() as { properties: Record<string, { properties?: Record<string, { properties: Record<string, unknown> }>; items?: { properties: Record<string, unknown> } }> };
    const otlp = s.properties['sink']!.properties!['otlp']!.properties;
    assert.deepEqual(otlp['batch_size'], { description: 'records per request (default 2048)', type: 'integer', minimum: 1, maximum: 1_000_000 });
    assert.deepEqual(otlp['retry_initial'], { description: 'first retry delay (default 500ms)', type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' });
    const source = s.properties['sources']!.items!.properties;
    assert.deepEqual(source['format'], { description: 'eft | ncftpd | xferlog | vsftpd | auto (auto: detected per file from its first lines) (default auto)', enum: ['eft', 'ncftpd', 'xferlog', 'vsftpd', 'auto'] });
    assert.deepEqual(Object.keys(source).slice(0, 3), ['paths', 'format', 'timezone']);
  });
});
