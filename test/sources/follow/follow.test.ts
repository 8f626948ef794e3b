import { strict as assert } from 'node:assert';
import { appendFileSync, utimesSync, mkdtempSync, readdirSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eftLines } from '../../helpers/lines.js';
import { pipeline } from 'node:stream/promises';
import { isEncodedRecords, type EncodedRecords } from '../../../src/otlp/encoded.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { followLogs, pollDelay, CATCH_UP_MIN_BYTES, type CheckpointEntry, type Checkpoints, type FileSelector, type FollowOptions, type FollowSource } from '../../../src/sources/follow/follow.js';

/** An NcFTPd transfer line numbered `n` (its path names the file and number). */
export function xferLine(tag: string, n: number): string {
  const s = String(n % 60).padStart(2, '0');
  return `2024-11-18 08:12:${s} #u1     | R,/home/ftp/${tag}-${n}.txt,1000,0.5,2.0,webadmin,,130.1.226.47,,OK,A,Ps,1731939176,ZztLUwABDLAA,1000,0,\n`;
}

export class MemoryCheckpoints implements Checkpoints {
  readonly map = new Map<string, CheckpointEntry>();
  get(key: string): CheckpointEntry | undefined {
    return this.map.get(key);
  }
  all(): CheckpointEntry[] {
    return [...this.map.values()];
  }
  set(e: CheckpointEntry): void {
    this.map.set(e.key, { ...e });
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  scheduleFlush(): void {}
}

/** The files of a folder whose names match. */
export function folder(dir: string, name: RegExp): FileSelector {
  return {
    list: () => readdirSync(dir).filter((f) => name.test(f)).sort().map((f) => join(dir, f)),
    dirs: () => [dir],
  };
}

/** Collects the records of a source as they come. */
export class Collector {
  readonly records: FtpLogRecord[] = [];
  readonly warnings: string[] = [];
  constructor(readonly source: FollowSource) {
    source.on('data', (r: FtpLogRecord) => this.records.push(r));
    source.on('warning', (w: string) => this.warnings.push(w));
  }
  paths(): string[] {
    return this.records.map((r) => String(r.attributes['file.path']));
  }
  async until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; have ${this.records.length} records: ${this.paths().join(' ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  count(n: number): Promise<void> {
    return this.until(() => this.records.length >= n, `${n} records`);
  }
}

const BASE: FollowOptions = {
  follow: true,
  startAt: 'beginning',
  pollIntervalMs: 10,
  rotatedIdleMs: 50,
  fingerprintBytes: 1024,
  format: 'auto',
  timezone: 'UTC',
  encoding: 'utf8',
  maxLineBytes: 65536,
  transforms: [],
};

describe('sources/follow: followLogs()', () => {
  let dir: string;
  let sources: FollowSource[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-follow-'));
  });
  afterEach(() => {
    for (const s of sources) s.destroy();
    sources = [];
    rmSync(dir, { recursive: true, force: true });
  });
  const follow = (options: Partial<FollowOptions> = {}, name = /^xfer/): Collector => {
    const s = followLogs(folder(dir, name), { ...BASE, ...options });
    sources.push(s);
    return new Collector(s);
  };
  const lines = (tag: string, from: number, to: number): string => {
    let t = '';
    for (let i = from; i < to; i++) t += xferLine(tag, i);
    return t;
  };

  it('reads appends as they come, each line once, and holds an incomplete last line until it is completed', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 3));
    const c = follow();
    await c.count(3);
    const partial = xferLine('a', 3);
    appendFileSync(f, lines('a', 4, 4) + partial.slice(0, 40));
    appendFileSync(f, '');
    await c.until(() => c.source.files()[0]?.readOffset === statSync(f).size, 'the partial line read');
    assert.equal(c.records.length, 3);
    appendFileSync(f, partial.slice(40) + lines('a', 4, 6));
    await c.count(6);
    assert.deepEqual(c.paths(), [0, 1, 2, 3, 4, 5].map((i) => `/home/ftp/a-${i}.txt`));
    assert.deepEqual(c.records.map((r) => r.position?.line), [1, 2, 3, 4, 5, 6]);
    assert.equal(c.records[5]!.position?.offset, statSync(f).size);
  });

  it('rename and create: the old file is finished from its handle, the new one read from its start', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('old', 0, 2));
    const c = follow();
    await c.count(2);
    appendFileSync(f, lines('old', 2, 3));
    renameSync(f, join(dir, 'xfer.log.1'));
    appendFileSync(join(dir, 'xfer.log.1'), lines('old', 3, 4));
    writeFileSync(f, lines('new', 0, 2));
    await c.count(6);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(c.paths().sort(), ['/home/ftp/new-0.txt', '/home/ftp/new-1.txt', '/home/ftp/old-0.txt', '/home/ftp/old-1.txt', '/home/ftp/old-2.txt', '/home/ftp/old-3.txt']);
  });

  it('rotated out of the pattern, an incomplete last line is sent as it is once the file stays idle', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 1) + xferLine('a', 1).slice(0, 30));
    const c = follow({}, /^xfer\.log$/);
    await c.count(1);
    renameSync(f, join(dir, 'old.log'));
    await c.count(2);
    assert.equal(c.records[1]!.eventName, 'ftplog.parse_error');
    assert.equal(c.records[1]!.body, xferLine('a', 1).slice(0, 30));
    assert.deepEqual(c.source.files().map((f) => f.state), ['done']);
    // Retired once all its records are settled.
    assert.equal(c.source.settle({ source: String(c.records[1]!.position!.fileId), records: 2, position: c.records[1]!.position }), true);
    assert.equal(c.source.files().length, 0);
  });

  it('a file deleted while being read is finished from its open handle', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 5000));
    const c = follow();
    c.source.pause();
    await new Promise((r) => setTimeout(r, 30));
    unlinkSync(f);
    c.source.resume();
    await c.count(5000);
    assert.equal(new Set(c.paths()).size, 5000);
  });

  it('a file replaced by a different file under the same name: the old one finished, the new one read from its start', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('old', 0, 3));
    const c = follow();
    await c.count(3);
    appendFileSync(f, lines('old', 3, 4));
    const next = join(dir, 'next.tmp');
    writeFileSync(next, lines('new', 0, 2));
    renameSync(next, f); // atomically replaces the old file, which is now unlinked
    await c.count(6);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([...c.paths()].sort(), ['/home/ftp/new-0.txt', '/home/ftp/new-1.txt', '/home/ftp/old-0.txt', '/home/ftp/old-1.txt', '/home/ftp/old-2.txt', '/home/ftp/old-3.txt']);
    assert.deepEqual(c.warnings, []);
  });

  it('a file that shrinks without being emptied is read again from its start, with a warning', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 4));
    const c = follow();
    await c.count(4);
    // Rewritten shorter in place (same inode): its first line kept, then new lines.
    writeFileSync(f, lines('a', 0, 1) + lines('b', 0, 1));
    await c.count(6);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(c.paths().slice(4), ['/home/ftp/a-0.txt', '/home/ftp/b-0.txt']);
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0]!, /xfer\.log: truncated to \d+ bytes after \d+ were read/);
  });

  it('copytruncate: the copy is recognised by its fingerprint and only what was not read is read from it', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 3));
    const checkpoints = new MemoryCheckpoints();
    const c = follow({ checkpoints });
    await c.count(3);
    // Every record so far settled: the checkpoint stands at the end of line 3.
    c.source.settle({ source: String(c.records[0]!.position!.fileId), records: 3, position: c.records[2]!.position });
    appendFileSync(f, lines('a', 3, 5));
    copyFileSync(f, join(dir, 'xfer.log.1'));
    truncateSync(f, 0);
    appendFileSync(f, lines('b', 0, 1));
    await c.until(() => c.paths().includes('/home/ftp/b-0.txt') && c.paths().includes('/home/ftp/a-4.txt'), 'the rest of a and the new b');
    await new Promise((r) => setTimeout(r, 100));
    const paths = c.paths();
    // a-3 and a-4 may come from the file before its truncation or from the copy; never twice, never lost.
    assert.deepEqual([...paths].sort(), ['/home/ftp/a-0.txt', '/home/ftp/a-1.txt', '/home/ftp/a-2.txt', '/home/ftp/a-3.txt', '/home/ftp/a-4.txt', '/home/ftp/b-0.txt']);
  });

  it('copytruncate whose copy is found while it is still being written: it waits until it holds the known content, and nothing is read twice', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 40));
    const checkpoints = new MemoryCheckpoints();
    const c = follow({ checkpoints });
    await c.count(40);
    const key = String(c.records[0]!.position!.fileId);
    c.source.settle({ source: key, records: 40, position: c.records[39]!.position });
    // The copy appears empty, is scanned while it is (a folder event wakes the source), and only then gets its content.
    const copy = join(dir, 'xfer.log.1');
    writeFileSync(copy, '');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.source.files().some((p) => p.path === copy), false);
    writeFileSync(copy, lines('a', 0, 40));
    truncateSync(f, 0);
    appendFileSync(f, lines('b', 0, 2));
    await c.count(42);
    await c.until(() => c.source.files().some((p) => p.path === copy), 'the copy taken once it holds the known content');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(c.paths().slice(40), ['/home/ftp/b-0.txt', '/home/ftp/b-1.txt']);
    assert.equal(c.records.length, 42);
  });

  it('copytruncate whose copy is listed only after the truncation was seen: the copy is still known as content already read', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 40));
    const checkpoints = new MemoryCheckpoints();
    const c = follow({ checkpoints });
    await c.count(40);
    const key = String(c.records[0]!.position!.fileId);
    c.source.settle({ source: key, records: 40, position: c.records[39]!.position });
    // The copy is made outside the folder and moved in once the source has seen the truncation.
    const outside = mkdtempSync(join(tmpdir(), 'ftplog-follow-copy-'));
    try {
      copyFileSync(f, join(outside, 'xfer.log.1'));
      truncateSync(f, 0);
      appendFileSync(f, lines('b', 0, 2));
      await c.count(42);
      assert.equal(c.warnings.length, 1);
      assert.match(c.warnings[0]!, /xfer\.log: truncated to \d+ bytes/);
      renameSync(join(outside, 'xfer.log.1'), join(dir, 'xfer.log.1'));
      await c.until(() => c.source.files().some((p) => p.path.endsWith('xfer.log.1')), 'the copy listed');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(c.paths().slice(40), ['/home/ftp/b-0.txt', '/home/ftp/b-1.txt']);
      assert.equal(c.records.length, 42);
      // The live file's checkpoint carries its new content's fingerprint, so a restart knows it.
      const fp = checkpoints.get(key)!.fingerprint;
      assert.equal(Buffer.from(fp, 'base64').toString(), lines('b', 0, 2));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('start-at end skips what files held at the first scan, not files that appear later', async () => {
    writeFileSync(join(dir, 'xfer.1'), lines('a', 0, 3));
    const c = follow({ startAt: 'end' });
    await c.until(() => c.source.files().length === 1, 'the file found');
    appendFileSync(join(dir, 'xfer.1'), lines('a', 3, 4));
    writeFileSync(join(dir, 'xfer.2'), lines('b', 0, 2));
    await c.count(3);
    assert.deepEqual(c.paths().sort(), ['/home/ftp/a-3.txt', '/home/ftp/b-0.txt', '/home/ftp/b-1.txt']);
    assert.equal(c.records.find((r) => r.attributes['file.path'] === '/home/ftp/a-3.txt')!.position?.line, 4);
  });

  it('lines that make no record (blank lines) are covered by the checkpoint once the records before them settle', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 1) + '\n\n' + lines('a', 1, 2) + '\n\n');
    const checkpoints = new MemoryCheckpoints();
    const c = follow({ checkpoints });
    await c.count(2);
    const key = String(c.records[0]!.position!.fileId);
    await c.until(() => c.source.files()[0]?.readOffset === statSync(f).size, 'the file read');
    c.source.settle({ source: key, records: 1, position: c.records[0]!.position });
    assert.deepEqual([checkpoints.get(key)!.offset, checkpoints.get(key)!.line], [c.records[0]!.position!.offset, 1]);
    c.source.settle({ source: key, records: 2, position: c.records[1]!.position });
    assert.equal(c.records[1]!.position!.line, 4);
    assert.deepEqual([checkpoints.get(key)!.offset, checkpoints.get(key)!.line], [statSync(f).size, 6]);
  });

  it('resumes from checkpoints: a second run reads only what was not settled', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 4));
    const checkpoints = new MemoryCheckpoints();
    const c1 = follow({ checkpoints });
    await c1.count(4);
    const key = String(c1.records[0]!.position!.fileId);
    c1.source.settle({ source: key, records: 2, position: c1.records[1]!.position });
    assert.equal(checkpoints.get(key)!.offset, c1.records[1]!.position!.offset);
    c1.source.stop();
    appendFileSync(f, lines('a', 4, 5));
    const c2 = follow({ checkpoints });
    await c2.count(3);
    assert.deepEqual(c2.paths(), ['/home/ftp/a-2.txt', '/home/ftp/a-3.txt', '/home/ftp/a-4.txt']);
    assert.deepEqual(c2.records.map((r) => r.position?.line), [3, 4, 5]);
  });

  it('a file of another kind is skipped with one warning, not a flood of parse errors', async () => {
    writeFileSync(join(dir, 'xfer.txt'), Array.from({ length: 100 }, (_, i) => `hello ${i}\n`).join(''));
    writeFileSync(join(dir, 'xfer.log'), lines('a', 0, 2));
    const c = follow();
    await c.count(2);
    await c.until(() => c.warnings.length > 0, 'a warning');
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0]!, /xfer\.txt: not an EFT, NcFTPd, xferlog or vsftpd log/);
    assert.equal(c.records.length, 2);
  });

  it('reads the least recently modified file first, each to its end, so that records come in time order across files', async () => {
    // Named so that the newer file sorts first: the order must come from the files' ages, not their names.
    const older = join(dir, 'xfer.b');
    const newer = join(dir, 'xfer.a');
    writeFileSync(newer, lines('new', 0, 300));
    writeFileSync(older, lines('old', 0, 300));
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(older, twoDaysAgo, twoDaysAgo);
    const c = follow({ follow: false });
    await new Promise((r) => c.source.on('end', r));
    assert.deepEqual(c.paths(), [...Array.from({ length: 300 }, (_, i) => `/home/ftp/old-${i}.txt`), ...Array.from({ length: 300 }, (_, i) => `/home/ftp/new-${i}.txt`)]);
  });

  it('without follow, reads every file to its end (an incomplete last line too) and ends', async () => {
    writeFileSync(join(dir, 'xfer.1'), lines('a', 0, 3) + xferLine('a', 3).slice(0, -1));
    writeFileSync(join(dir, 'xfer.2'), lines('b', 0, 2));
    const c = follow({ follow: false });
    await new Promise((r) => c.source.on('end', r));
    assert.equal(c.records.length, 6);
    assert.equal(c.records.filter((r) => r.eventName === 'ftplog.parse_error').length, 0);
    assert.equal(c.source.totals().records, 6);
  });

  it('an idle source spaces its polls out, and still sees a line written after a long quiet stretch without folder events', async () => {
    const f = join(dir, 'xfer.log');
    writeFileSync(f, lines('a', 0, 1));
    const c = follow({ watch: false });
    await c.count(1);
    await new Promise((r) => setTimeout(r, 1500)); // polls are at their longest by now
    appendFileSync(f, lines('a', 1, 3));
    await c.count(3);
    assert.deepEqual(c.paths(), ['/home/ftp/a-0.txt', '/home/ftp/a-1.txt', '/home/ftp/a-2.txt']);
  });
});

describe('sources/follow: backlogs on worker threads', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ftplog-follow-workers-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lines not valid UTF-8 in a backlog and after it: one warning for the file, at its first such line, and every one counted, as without threads', async () => {
    const f = join(dir, 'xfer.log');
    let text = '';
    for (let i = 0; i < 140_000; i++) text += xferLine(i === 2 || i === 100_000 ? 'm\u00fcller' : 'w', i);
    // Bytes 0xFC (latin1 'ü') on lines 3 and 100,001; a last line without its LF, read after the workers' stretch, on this thread.
    writeFileSync(f, Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from(xferLine('\u00fc', 140_000).trimEnd(), 'latin1')]));
    assert.ok(statSync(f).size > CATCH_UP_MIN_BYTES);
    const seen: { warnings: string[]; invalidUtf8: number; lines: number }[] = [];
    for (const workers of [2, 0]) {
      const source = followLogs(folder(dir, /^xfer/), { ...BASE, follow: false, workers, protocol: 'http/protobuf' });
      const warnings: string[] = [];
      source.on('warning', (w: string) => warnings.push(w));
      let encoded = 0;
      await pipeline(
        source,
        new Writable({
          objectMode: true,
          write(x: EncodedRecords | FtpLogRecord, _e, cb) {
            if (isEncodedRecords(x)) {
              encoded += x.count;
              x.release?.();
            }
            cb();
          },
        }),
      );
      assert.equal(encoded > 0, workers > 0, 'the backlog went to the workers (with workers)');
      const t = source.totals();
      seen.push({ warnings, invalidUtf8: t.invalidUtf8, lines: t.lines });
    }
    const hint = 'is not valid UTF-8 (its undecodable bytes read as U+FFFD, "\uFFFD"); if the file is ANSI/latin1, use --encoding latin1; the summary counts every such line';
    const expected = { warnings: [`${f}: line 3 ${hint}`], invalidUtf8: 3, lines: 140_001 };
    assert.deepEqual(seen, [expected, expected]);
  });

  it('drops by the transforms are counted by reason, on the worker threads and after them on this thread, as without threads', async () => {
    const f = join(dir, 'xfer.log');
    const line = (n: number): string => (n % 10 === 0 ? xferLine('w', n).replace(',webadmin,', ',quiet,') : xferLine('w', n));
    let text = '';
    for (let i = 0; i < 140_000; i++) text += line(i);
    // The last line, without its LF, is read after the workers' stretch, on this thread.
    writeFileSync(f, text + line(140_000).trimEnd());
    assert.ok(statSync(f).size > CATCH_UP_MIN_BYTES);
    const seen: { droppedBy: unknown; dropped: number; records: number; passed: number }[] = [];
    for (const workers of [2, 0]) {
      const transforms: FollowOptions['transforms'] = [{ type: 'filter', name: 'quiet-user', drop: { attributes: { 'user.name': 'quiet' } } }];
      const source = followLogs(folder(dir, /^xfer/), { ...BASE, transforms, follow: false, workers, protocol: 'http/protobuf' });
      let passed = 0;
      let encoded = 0;
      await pipeline(
        source,
        new Writable({
          objectMode: true,
          write(x: EncodedRecords | FtpLogRecord, _e, cb) {
            if (isEncodedRecords(x)) {
              encoded += x.count;
              x.release?.();
            } else passed++;
            cb();
          },
        }),
      );
      assert.equal(encoded > 0, workers > 0, 'the backlog went to the workers (with workers)');
      passed += encoded;
      const t = source.totals();
      seen.push({ droppedBy: source.stats.droppedBy, dropped: t.dropped, records: t.records, passed });
    }
    const expected = { droppedBy: { 'filter "quiet-user"': 14_001 }, dropped: 14_001, records: 140_001, passed: 126_000 };
    assert.deepEqual(seen, [expected, expected]);
  });

  it('a slow consumer gets every record of two long files (NcFTPd and EFT) as encoded runs from one pool, at most a few waiting in the source, with positions that run on', async () => {
    const files = { [join(dir, 'xfer.log')]: 140_000, [join(dir, 'xfer.eft')]: 170_000 };
    let text = '';
    for (let i = 0; i < 140_000; i++) text += xferLine('w', i);
    writeFileSync(join(dir, 'xfer.log'), text);
    writeFileSync(join(dir, 'xfer.eft'), eftLines(170_000));
    for (const f of Object.keys(files)) assert.ok(statSync(f).size > CATCH_UP_MIN_BYTES, f);
    const source = followLogs(folder(dir, /^xfer/), { ...BASE, follow: false, workers: 2, protocol: 'http/protobuf' });
    let runs = 0;
    let mostWaiting = 0;
    const last = new Map<string, { records: number; line: number; offset: number }>();
    const offsets = new Map<string, number[]>();
    await pipeline(
      source,
      new Writable({
        objectMode: true,
        highWaterMark: 2,
        write(x: EncodedRecords | FtpLogRecord, _e, cb) {
          mostWaiting = Math.max(mostWaiting, source.readableLength);
          for (const p of source.files()) offsets.set(p.path, [...(offsets.get(p.path) ?? []), p.readOffset]);
          assert.ok(isEncodedRecords(x), 'every record comes from the workers');
          runs++;
          const seen = last.get(x.file!) ?? { records: 0, line: 0, offset: 0 };
          assert.equal(x.lines[0], seen.line + 1);
          last.set(x.file!, { records: seen.records + x.count, line: x.lines[x.count - 1]!, offset: x.offsets[x.count - 1]! });
          x.release?.();
          setTimeout(cb, 1); // slower than the workers
        },
      }),
    );
    for (const [f, n] of Object.entries(files)) assert.deepEqual(last.get(f), { records: n, line: n, offset: statSync(f).size }, f);
    assert.ok(runs > 200, `${runs} runs`);
    assert.ok(mostWaiting <= 4, `${mostWaiting} objects waited in the source`);
    assert.equal(source.totals().records, 310_000);
    assert.deepEqual(source.stats.inputs.map((i) => i.format).sort(), ['eft', 'ncftpd']);
    // files() (the status line, /metrics) shows the workers' progress through a stretch: it only grows, and is seen part way.
    for (const [f, seen] of offsets) {
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), f);
      assert.ok(seen.some((o) => o > 0 && o < statSync(f).size), `${f}: ${seen.slice(0, 5).join(', ')}…`);
    }
  });
});

describe('sources/follow: pollDelay()', () => {
  it('doubles from --poll-interval with each idle poll up to 1 s, and never goes below a longer --poll-interval', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => pollDelay(250, n)), [250, 500, 1000, 1000, 1000, 1000]);
    assert.deepEqual([0, 1, 5, 7, 30].map((n) => pollDelay(10, n)), [10, 20, 320, 1000, 1000]);
    assert.deepEqual([0, 3].map((n) => pollDelay(5000, n)), [5000, 5000]);
  });
});
