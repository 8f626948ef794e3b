import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeadLetterFile, checkDeadLetterPath } from '../../../src/sinks/otlp/dead-letter.js';
import { EncodedRecordsBuilder, type OtlpEncoding } from '../../../src/otlp/encoded.js';
import { toJsonRecord } from '../../../src/jsonl/record-json.js';
import { FtplogError } from '../../../src/errors.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { bodyKey, deadLetterRecord, type PlannedCall } from './dead-letter-plan.js';

const ENDPOINT = 'http://collector:4318/v1/logs';

type Line = Record<string, any>;

function linesOf(path: string): Line[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends with a whole line');
  return text === '' ? [] : text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Line);
}

function jsonRecord(r: FtpLogRecord): unknown {
  return JSON.parse(JSON.stringify(toJsonRecord(r)));
}

function runOf(protocol: OtlpEncoding, file: string | undefined, records: readonly FtpLogRecord[]) {
  const b = new EncodedRecordsBuilder(protocol, 'eft', file, 64);
  for (const r of records) b.add(r);
  return b.finish();
}

const isCode = (code: string) => (e: unknown) => e instanceof FtplogError && e.code === code;

describe('DeadLetterFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-dead-letter-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one line per record: {time, reason, status?, endpoint, source?, record}', async () => {
    const path = join(dir, 'dead.jsonl');
    const file = new DeadLetterFile(path);
    const withPosition = deadLetterRecord(0, 0);
    const { position: _, ...withoutPosition } = deadLetterRecord(0, 1);
    const before = Date.now();
    await file.write([withPosition, withoutPosition], 'HTTP 400: invalid attribute', ENDPOINT, 400);
    await file.write([withPosition], 'stopped', ENDPOINT);
    await file.close();
    const after = Date.now();
    const lines = linesOf(path);
    assert.equal(lines.length, 3);
    assert.deepEqual(Object.keys(lines[0]!), ['time', 'reason', 'status', 'endpoint', 'source', 'record']);
    assert.deepEqual(Object.keys(lines[1]!), ['time', 'reason', 'status', 'endpoint', 'record']);
    assert.deepEqual(Object.keys(lines[2]!), ['time', 'reason', 'endpoint', 'source', 'record']);
    assert.deepEqual(lines[0], {
      time: lines[0]!['time'],
      reason: 'HTTP 400: invalid attribute',
      status: 400,
      endpoint: ENDPOINT,
      source: { file: 'cl241118.log', line: 1, offset: 0 },
      record: jsonRecord(withPosition),
    });
    assert.deepEqual(lines[1]!['record'], jsonRecord(withoutPosition as FtpLogRecord));
    assert.equal(lines[2]!['reason'], 'stopped');
    for (const l of lines) {
      const t = Date.parse(l['time']);
      assert.equal(new Date(t).toISOString(), l['time']);
      assert.ok(t >= before && t <= after);
    }
    assert.equal(lines[0]!['time'], lines[1]!['time'], 'the lines of one call share their time');
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`writes encoded ranges as the same lines, with the runs' positions (${protocol})`, async () => {
      const path = join(dir, 'dead.jsonl');
      const file = new DeadLetterFile(path);
      const a = [0, 1, 2, 3].map((i) => deadLetterRecord(1, i));
      const b = [deadLetterRecord(2, 0), { ...deadLetterRecord(2, 1), position: undefined }];
      await file.writeEncoded(
        [
          { run: runOf(protocol, 'cl241118.log', a), from: 1, to: 3 },
          { run: runOf(protocol, undefined, b), from: 0, to: 2 },
        ],
        'HTTP 400: bad',
        ENDPOINT,
        400,
      );
      const lines = linesOf(path);
      assert.deepEqual(
        lines.map((l) => l['record']),
        [a[1]!, a[2]!, b[0]!, b[1]!].map(jsonRecord),
      );
      assert.deepEqual(
        lines.map((l) => l['source']),
        [a[1]!.position, a[2]!.position, { line: b[0]!.position!.line, offset: b[0]!.position!.offset }, undefined],
      );
      assert.deepEqual(Object.keys(lines[0]!), ['time', 'reason', 'status', 'endpoint', 'source', 'record']);
      assert.deepEqual(Object.keys(lines[3]!), ['time', 'reason', 'status', 'endpoint', 'record']);
      await file.close();
    });
  }

  it('appends the lines of concurrent calls in call order, each call whole', async () => {
    const path = join(dir, 'dead.jsonl');
    const file = new DeadLetterFile(path);
    const expected: string[] = [];
    const calls: Promise<void>[] = [];
    for (let k = 0; k < 60; k++) {
      const records = Array.from({ length: k % 5 }, (_, i) => deadLetterRecord(k, i, 40 + ((k * 7919) % 3000)));
      expected.push(...records.map((r) => bodyKey(r.body)));
      if (k % 3 === 0) calls.push(file.writeEncoded([{ run: runOf(k % 2 ? 'http/json' : 'http/protobuf', 'cl241118.log', records), from: 0, to: records.length }].filter((r) => r.to > 0), 'stopped', ENDPOINT));
      else calls.push(file.write(records, 'HTTP 400: bad', ENDPOINT, 400));
      if (k === 30) calls.push(file.close()); // a close between calls: the next one opens the file again
    }
    await Promise.all(calls);
    await file.close();
    assert.deepEqual(linesOf(path).map((l) => bodyKey(l['record'].body)), expected);
  });

  it('creates nothing until a record comes, then the missing folders; appends to what the file held', async () => {
    const path = join(dir, 'a', 'b', 'dead.jsonl');
    const file = new DeadLetterFile(path);
    await file.write([], 'none', ENDPOINT);
    await file.close();
    assert.equal(existsSync(join(dir, 'a')), false);
    await file.write([deadLetterRecord(0, 0)], 'first', ENDPOINT);
    await file.close();
    await new DeadLetterFile(path).write([deadLetterRecord(1, 0)], 'second', ENDPOINT);
    assert.deepEqual(linesOf(path).map((l) => l['reason']), ['first', 'second']);
  });

  it('fails a write whose folder was replaced by a file, naming that file, and writes again once it is back', async () => {
    const folder = join(dir, 'dl');
    const path = join(folder, 'dead.jsonl');
    const file = new DeadLetterFile(path);
    await file.write([deadLetterRecord(0, 0)], 'first', ENDPOINT);
    const kept = readFileSync(path);
    await file.close();
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not a folder');
    await assert.rejects(file.write([deadLetterRecord(1, 0)], 'second', ENDPOINT), (e: unknown) => {
      assert.ok(e instanceof FtplogError && e.code === 'ERR_DEAD_LETTER');
      assert.match(e.message, /ENOTDIR/);
      assert.ok(e.message.includes(`${folder} is not a directory`), e.message);
      return true;
    });
    assert.equal(readFileSync(folder, 'utf8'), 'not a folder');
    rmSync(folder);
    mkdirSync(folder);
    writeFileSync(path, kept);
    await file.write([deadLetterRecord(2, 0)], 'third', ENDPOINT);
    await file.close();
    assert.deepEqual(linesOf(path).map((l) => l['reason']), ['first', 'third']);
  });

  it('rejects a run that does not decode with ERR_PARSE and writes nothing of the call', async () => {
    const path = join(dir, 'dead.jsonl');
    const file = new DeadLetterFile(path);
    const run = runOf('http/protobuf', 'cl241118.log', [deadLetterRecord(0, 0), deadLetterRecord(0, 1)]);
    const broken = { ...run, bytes: run.bytes.subarray(0, run.bytes.length - 5) };
    const good = { run, from: 0, to: 1 };
    await assert.rejects(file.writeEncoded([good, { run: broken, from: 1, to: 2 }], 'stopped', ENDPOINT), isCode('ERR_PARSE'));
    await file.writeEncoded([good], 'stopped', ENDPOINT);
    await file.close();
    assert.equal(linesOf(path).length, 1);
  });

  describe('all or nothing, when writes fail part way (EFBIG under ulimit -f)', () => {
    const child = join(dirname(fileURLToPath(import.meta.url)), 'dead-letter-child.js');
    const LIMIT_KIB = 16;
    // About 350 bytes of each line are not the body: calls 1 and 4 cross the limit, the others fit.
    const plan: PlannedCall[] = [
      { kind: 'records', count: 2, bodyBytes: 500 },
      { kind: 'records', count: 1, bodyBytes: 20_000 },
      { kind: 'records', count: 3, bodyBytes: 1000 },
      { kind: 'encoded', count: 2, bodyBytes: 1500 },
      { kind: 'encoded', count: 4, bodyBytes: 2000 },
      { kind: 'records', count: 1, bodyBytes: 100 },
    ];

    it('keeps exactly the lines of the calls that succeeded, in order, after what the file held', async function () {
      const path = join(dir, 'dead.jsonl');
      writeFileSync(path, '{"held":"before the run"}\n');
      const script = `trap '' XFSZ; ulimit -f ${LIMIT_KIB}; exec "$0" "$@"`;
      let stdout: string;
      try {
        ({ stdout } = await promisify(execFile)('bash', ['-c', script, process.execPath, child, path, JSON.stringify(plan)]));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.skip(); // no bash
        throw err;
      }
      const results = JSON.parse(stdout) as { ok: boolean; code?: string; message?: string }[];
      assert.deepEqual(results.map((r) => r.ok), [true, false, true, true, false, true]);
      for (const r of results.filter((x) => !x.ok)) {
        assert.equal(r.code, 'ERR_DEAD_LETTER');
        assert.match(r.message!, /EFBIG/);
        assert.match(r.message!, /nothing of this batch was kept/);
      }
      assert.ok(statSync(path).size <= LIMIT_KIB * 1024);
      const lines = linesOf(path);
      assert.deepEqual(lines[0], { held: 'before the run' });
      const expected = plan.flatMap((call, k) => (results[k]!.ok ? Array.from({ length: call.count }, (_, i) => bodyKey(deadLetterRecord(k, i).body)) : []));
      assert.deepEqual(lines.slice(1).map((l) => bodyKey(l['record'].body)), expected);
      lines.slice(1).forEach((l) => {
        const [k, i] = bodyKey(l['record'].body).split(':').map(Number) as [number, number];
        assert.deepEqual(l['record'], jsonRecord(deadLetterRecord(k, i, plan[k]!.bodyBytes)));
      });
    });
  });
});

describe('checkDeadLetterPath', () => {
  let dir: string;
  const immutable: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-dead-letter-path-'));
  });
  afterEach(() => {
    for (const p of immutable.splice(0)) execFileSync('chattr', ['-i', p]);
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Makes `path` unwritable: read-only mode, or, for root (whom modes do not stop), the immutable flag; false when neither is possible. */
  function makeReadOnly(path: string): boolean {
    if (process.getuid?.() !== 0) {
      chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
      return true;
    }
    try {
      execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    } catch {
      return false; // no chattr, or a file system without the flag
    }
    immutable.push(path);
    return true;
  }

  function refusal(path: string, pattern: RegExp): void {
    assert.throws(
      () => checkDeadLetterPath(path),
      (e: unknown) => {
        assert.ok(e instanceof FtplogError && e.code === 'ERR_CONFIG');
        assert.match(e.message, pattern);
        return true;
      },
    );
  }

  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('refuses a path under a regular file, naming that file (ENOTDIR)', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    refusal(join(file, 'dead.jsonl'), new RegExp(`ENOTDIR: ${escape(file)} is not a directory`));
    refusal(join(file, 'a', 'b', 'dead.jsonl'), new RegExp(`ENOTDIR: ${escape(file)} is not a directory`));
  });

  it('refuses a directory (EISDIR)', () => {
    refusal(dir, /EISDIR: it is a directory/);
  });

  it('refuses a folder it cannot create files in, and a file it cannot write', function () {
    const folder = join(dir, 'ro');
    mkdirSync(folder);
    const file = join(dir, 'ro-file.jsonl');
    writeFileSync(file, '');
    if (!makeReadOnly(folder) || !makeReadOnly(file)) this.skip();
    refusal(join(folder, 'dead.jsonl'), new RegExp(`(EACCES|EPERM): cannot create files in ${escape(folder)}`));
    refusal(join(folder, 'x', 'y', 'dead.jsonl'), new RegExp(`cannot create files in ${escape(folder)}`));
    refusal(file, /(EACCES|EPERM): not writable/);
  });

  it('accepts a missing nested folder and a writable file, and creates nothing', () => {
    checkDeadLetterPath(join(dir, 'a', 'b', 'c', 'dead.jsonl'));
    assert.equal(existsSync(join(dir, 'a')), false);
    const file = join(dir, 'dead.jsonl');
    writeFileSync(file, '');
    checkDeadLetterPath(file);
    assert.equal(readFileSync(file, 'utf8'), '');
  });
});
