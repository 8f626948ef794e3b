/**
 * Input that is not valid UTF-8 (an ANSI/latin1 EFT log read as UTF-8): one
 * warning per file naming its first such line and the fix, the lines counted
 * in the summary, and the same with worker threads and without.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';

const EXAMPLES = join(projectRoot, 'examples', 'logs');

/** The warning for `file`, first not valid UTF-8 at `line`, as `command` prints it. */
export function invalidUtf8Line(command: string, file: string, line: number): string {
  return `ftplog-otel ${command}: warning: ${file}: line ${line} is not valid UTF-8 (its undecodable bytes read as U+FFFD, "\uFFFD"); if the file is ANSI/latin1, use --encoding latin1; the summary counts every such line`;
}

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes(': warning: '));
}

function withoutObserved(text: string): string {
  return text.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
}

describe('input that is not valid UTF-8', () => {
  let dir: string;
  let ansi: string;
  let xfer: string;
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-encoding-'));
    // The bundled EFT example written as latin1 (the Japanese of its line 32 keeps each character's low byte):
    // 11 of its 40 lines are not valid UTF-8, the first on line 1.
    ansi = join(dir, 'cl241118.log');
    writeFileSync(ansi, Buffer.from(readFileSync(join(EXAMPLES, 'cl241118.log'), 'utf8'), 'latin1'));
    xfer = join(EXAMPLES, 'xfer.20241118');
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parse: one warning per file with the hint, the lines counted in the summary, the same records with --workers 0 and 2', async () => {
    const again = join(dir, 'cl241119.log');
    writeFileSync(again, readFileSync(ansi));
    const out: string[] = [];
    for (const workers of ['0', '2']) {
      const r = await cli(['parse', '--timezone', 'America/Chicago', '--workers', workers, ansi, xfer, again]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(warnings(r.stderr), [invalidUtf8Line('parse', ansi, 1), invalidUtf8Line('parse', again, 1)]);
      assert.match(r.stderr, /\nftplog-otel parse: 3 input\(s\), 120 lines, 120 records \(success 100, failure 17, unknown 0, parse errors 3\), 22 lines not valid UTF-8; /);
      out.push(withoutObserved(r.stdout));
    }
    assert.equal(out[0], out[1]);
    assert.match(out[0]!, /"user\.name":"m\uFFFDller\.k"/);
  });

  it('parse --encoding latin1: no warning, nothing counted, the names read right', async () => {
    const r = await cli(['parse', '--timezone', 'America/Chicago', '--encoding', 'latin1', ansi]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(warnings(r.stderr), []);
    assert.match(r.stderr, /^ftplog-otel parse: 1 input\(s\), 40 lines, 40 records \(success 33, failure 6, unknown 0, parse errors 1\); /);
    assert.match(r.stdout, /"user\.name":"müller\.k"/);
    assert.doesNotMatch(r.stdout, /\uFFFD/);
  });

  it('a valid UTF-8 file that holds U+FFFD itself is not warned about', async () => {
    const f = join(dir, 'cl241119.log');
    writeFileSync(f, readFileSync(join(EXAMPLES, 'cl241118.log'), 'utf8').replaceAll('ü', '\uFFFD'));
    const r = await cli(['parse', '--timezone', 'America/Chicago', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(warnings(r.stderr), []);
    assert.match(r.stderr, /^ftplog-otel parse: 1 input\(s\), 40 lines, 40 records \(success 33, failure 6, unknown 0, parse errors 1\); /);
  });

  it('ship: the warning and the count with --workers 0 and 2; the records arrive as read', async () => {
    for (const workers of ['0', '2']) {
      const before = receiver.records.length;
      const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'America/Chicago', '--workers', workers, '--dead-letter', join(dir, 'dead.jsonl'), ansi, xfer]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(warnings(r.stderr), [invalidUtf8Line('ship', ansi, 1)]);
      assert.match(r.stderr, /\nftplog-otel ship: 2 input\(s\), 80 lines, 80 records \(success 67, failure 11, unknown 0, parse errors 2\), 11 lines not valid UTF-8\n/);
      assert.equal(receiver.records.length - before, 80);
      assert.equal(receiver.records.slice(before).filter((x) => String(x.body).includes('\uFFFD')).length, 11);
    }
  });

  it('demo: the warning and the count', async () => {
    const r = await cli(['demo', '--timezone', 'America/Chicago', ansi]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(warnings(r.stderr), [invalidUtf8Line('demo', ansi, 1)]);
    assert.match(r.stderr, /\nftplog-otel demo: 1 input\(s\), 40 lines, 40 records \(success 33, failure 6, unknown 0, parse errors 1\), 11 lines not valid UTF-8\n/);
  });
});
