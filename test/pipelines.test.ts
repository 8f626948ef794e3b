/** Every ready pipeline in pipelines/ is valid and passes its golden cases. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineFile } from '../src/config/pipeline.js';
import { cli } from './helpers/cli.js';
import { projectRoot } from './helpers/paths.js';

const DIR = join(projectRoot, 'pipelines');
/** The key the redacting pipeline's golden hashes were made with (its test file says so). */
const ENV = { FTPLOG_OTEL_REDACT_KEY: 'golden-cases-only-not-a-secret' };
const files = readdirSync(DIR)
  .filter((f) => !/\.test\.ya?ml$/.test(f))
  .sort();

describe('pipelines/', () => {
  it('holds the ready pipelines, each with its golden cases', () => {
    assert.deepEqual(files, ['backfill-jsonl.yaml', 'eft-otlp.yaml', 'ncftpd-otlp-private.yaml', 'ncftpd-otlp.yaml']);
    assert.deepEqual(readdirSync(DIR).filter((f) => /\.test\.yaml$/.test(f)).sort(), [
      'backfill-jsonl.test.yaml',
      'eft-otlp.test.yaml',
      'ncftpd-otlp-private.test.yaml',
      'ncftpd-otlp.test.yaml',
    ]);
  });

  for (const f of files) {
    it(`${f} has no errors`, () => {
      const { pipeline, problems } = loadPipelineFile(join(DIR, f), ENV);
      assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
      assert.ok(pipeline !== undefined);
    });

    it(`${f} passes its golden cases`, async () => {
      const r = await cli(['test', join(DIR, f)], { env: ENV });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /: (\d+) passed, 0 failed\n$/);
      assert.doesNotMatch(r.stdout, /FAILED/);
    });
  }

  it('the redacting pipeline refuses to run, and says why, without its key', async () => {
    const r = await cli(['validate', join(DIR, 'ncftpd-otlp-private.yaml')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, `${join(DIR, 'ncftpd-otlp-private.yaml')}:25:16: redact: the environment variable FTPLOG_OTEL_REDACT_KEY (key_env, the key) is not set\n`);
  });
});
