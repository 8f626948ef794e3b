import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { readFileChunks, type FileChunkReader } from '../../src/sources/file-chunks.js';

interface Seen {
  chunks: Buffer[];
  memories: Set<ArrayBufferLike>;
  ended: number;
  errors: NodeJS.ErrnoException[];
}

function start(path: string, chunkBytes: number, onChunk?: (r: FileChunkReader, seen: Seen) => void): { reader: FileChunkReader; seen: Seen; done: Promise<void> } {
  const seen: Seen = { chunks: [], memories: new Set(), ended: 0, errors: [] };
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const reader: FileChunkReader = readFileChunks(path, chunkBytes, {
    chunk(bytes) {
      seen.chunks.push(Buffer.from(bytes));
      seen.memories.add(bytes.buffer);
      onChunk?.(reader, seen);
    },
    end() {
      seen.ended++;
      settle();
    },
    error(err) {
      seen.errors.push(err);
      settle();
    },
  });
  return { reader, seen, done };
}

/** Whether this process has `path` open; undefined where /proc is not there to tell. */
function isOpen(path: string): boolean | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}

/** isOpen() once the file is closed, or after 2 s: closing is asynchronous and may finish after the last callback. */
async function openAfterClosing(path: string): Promise<boolean | undefined> {
  for (let i = 0; i < 200 && isOpen(path) === true; i++) await sleep(10);
  return isOpen(path);
}

describe('readFileChunks', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'ftplog-chunks-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lends the file in chunks of at most chunkBytes, all in one reused buffer', async () => {
    const file = join(dir, 'a.log');
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
    writeFileSync(file, data);
    const { reader, seen, done } = start(file, 1000);
    await done;
    assert.equal(seen.ended, 1);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(Buffer.concat(seen.chunks), data);
    assert.equal(seen.chunks.length, Math.ceil(data.length / 1000));
    assert.ok(seen.chunks.every((c) => c.length <= 1000));
    assert.equal(seen.memories.size, 1, 'every chunk is a view of the same buffer');
    assert.equal(reader.bytesRead, data.length);
  });

  it('ends without a chunk for an empty file', async () => {
    const file = join(dir, 'empty.log');
    writeFileSync(file, '');
    const { seen, done } = start(file, 64);
    await done;
    assert.equal(seen.ended, 1);
    assert.equal(seen.chunks.length, 0);
  });

  it('reads nothing while paused and goes on when resumed', async () => {
    const file = join(dir, 'p.log');
    const data = Buffer.alloc(10 * 64, 'x');
    writeFileSync(file, data);
    const { reader, seen, done } = start(file, 64, (r, s) => {
      if (s.chunks.length === 3) r.pause();
    });
    for (let i = 0; i < 300 && seen.chunks.length < 3; i++) await sleep(5);
    // Paused: however long we look, nothing more is read.
    await sleep(30);
    assert.equal(seen.chunks.length, 3);
    assert.equal(reader.isPaused(), true);
    assert.equal(seen.ended, 0);
    assert.notEqual(isOpen(file), false, 'open while paused');
    reader.resume();
    await done;
    assert.equal(seen.chunks.length, 10);
    assert.deepEqual(Buffer.concat(seen.chunks), data);
    assert.notEqual(await openAfterClosing(file), true, 'closed at the end');
  });

  it('reports a missing file once, as an error with its code', async () => {
    const { seen, done } = start(join(dir, 'missing.log'), 64);
    await done;
    await nextTurn();
    assert.equal(seen.errors.length, 1);
    assert.equal(seen.errors[0]!.code, 'ENOENT');
    assert.equal(seen.ended, 0);
  });

  it('calls nothing after destroy() and closes the file', async () => {
    const file = join(dir, 'd.log');
    writeFileSync(file, Buffer.alloc(100 * 64, 'y'));
    const { seen } = start(file, 64, (r, s) => {
      if (s.chunks.length === 2) r.destroy();
    });
    for (let i = 0; i < 300 && seen.chunks.length < 2; i++) await sleep(5);
    // Destroyed: however long we look, nothing more arrives.
    await sleep(30);
    assert.equal(seen.chunks.length, 2);
    assert.equal(seen.ended, 0);
    assert.deepEqual(seen.errors, []);
    assert.notEqual(await openAfterClosing(file), true, 'the descriptor is closed');
    // Destroyed before the file is even open.
    const early = start(file, 64);
    early.reader.destroy();
    await sleep(30);
    assert.equal(early.seen.chunks.length + early.seen.ended + early.seen.errors.length, 0);
    assert.notEqual(await openAfterClosing(file), true);
  });

  it('rejects a bad chunkBytes with ERR_INVALID_OPTION', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(() => readFileChunks('x', bad, { chunk() {}, end() {}, error() {} }), { code: 'ERR_INVALID_OPTION' });
    }
  });
});
