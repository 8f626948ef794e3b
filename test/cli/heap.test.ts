import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HEAP_MODULE = new URL('../../src/cli/heap.js', import.meta.url).href;

/**
 * Under the executable's `--max-semi-space-size=8`, a worker with a 4 MB
 * young generation keeps records alive while it allocates (so that V8 grows
 * its new space as far as it may), and reports the largest new space seen.
 */
function script(clear: boolean): string {
  return `
import { Worker } from 'node:worker_threads';
import { keepSemiSpaceFlagToMainThread } from ${JSON.stringify(HEAP_MODULE)};
${clear ? 'keepSemiSpaceFlagToMainThread();' : ''}
const code = \`
const v8 = require('v8');
const keep = new Array(20000);
let max = 0;
for (let i = 0; i < 2e6; i++) {
  keep[i % keep.length] = { a: i, b: 'x' + i };
  if ((i & 0x3fff) === 0) { const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space'); if (ns.space_size > max) max = ns.space_size; }
}
require('worker_threads').parentPort.postMessage(max);\`;
const w = new Worker(code, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 } });
w.once('message', (m) => { console.log(m); void w.terminate(); });
`;
}

describe('keepSemiSpaceFlagToMainThread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-heap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function workerNewSpaceMb(clear: boolean): Promise<number> {
    const file = join(dir, clear ? 'clear.mjs' : 'keep.mjs');
    writeFileSync(file, script(clear));
    const { stdout } = await run(process.execPath, ['--max-semi-space-size=8', file]);
    return Number(stdout.trim()) / (1024 * 1024);
  }

  it("leaves workers their own young-generation limit under the executable's semi-space flag", async function () {
    this.timeout(30_000);
    // What the function guards against: V8 applies the flag to the worker over its resourceLimits.
    assert.ok((await workerNewSpaceMb(false)) > 4);
    assert.ok((await workerNewSpaceMb(true)) <= 4);
  });
});
