import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { importGraph, importSpecifiers } from '../helpers/imports.js';
import { projectRoot } from '../helpers/paths.js';

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

// The receiver (src/receiver) is a debugging tool that loads protobufjs and the
// official OTLP schema; delivery must not depend on it.
describe('the sinks and the receiver', () => {
  it('no source file under src/sinks imports src/receiver', () => {
    const sources = filesUnder(join(projectRoot, 'src', 'sinks'), '.ts');
    assert.ok(sources.length > 5);
    for (const file of sources) {
      for (const spec of importSpecifiers(file)) assert.doesNotMatch(spec, /(^|\/)receiver\//, `${relative(projectRoot, file)} imports ${spec}`);
    }
  });

  it('nothing the compiled sinks load, directly or not, is the receiver, protobufjs or the OTLP schema package', () => {
    const { files, packages } = importGraph(filesUnder(join(projectRoot, 'dist', 'src', 'sinks'), '.js'));
    const receiver = join(projectRoot, 'dist', 'src', 'receiver') + sep;
    assert.deepEqual([...files].filter((f) => f.startsWith(receiver)), []);
    assert.ok(files.has(join(projectRoot, 'dist', 'src', 'otlp', 'decode-records.js')));
    assert.deepEqual([...packages].filter((p) => /protobufjs|otlp-transformer/.test(p)), []);
  });
});
