// Writes schema/pipeline.schema.json and the flag ↔ key table of README.md
// from the option declarations (run `npm run schema` after changing an option;
// test/config/schema.test.ts fails until they are current).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keysTable, pipelineSchemaText } from '../dist/src/config/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'schema'), { recursive: true });
writeFileSync(join(root, 'schema', 'pipeline.schema.json'), pipelineSchemaText());
const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = '<!-- pipeline-keys:start -->\n';
const end = '<!-- pipeline-keys:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md has no pipeline-keys markers');
writeFileSync(readme, text.slice(0, a + start.length) + keysTable() + '\n' + text.slice(b));
