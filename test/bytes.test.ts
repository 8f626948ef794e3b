import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { ByteWriter, KeptKey, KeyTable, keepValue, putKeptValue, toWords, writeAscii, writeUtf8 } from '../src/bytes.js';

class Key extends KeptKey<Key> {}

describe('ByteWriter', () => {
  it('grows from its initial size by doubling, keeping what was written, never from the shared pool', () => {
    const w = new ByteWriter(16);
    assert.equal(w.buf.length, 0);
    w.ensure(5);
    assert.equal(w.buf.length, 16);
    w.buf.write('hello', 0, 'latin1');
    w.pos = 5;
    w.ensure(20);
    assert.equal(w.buf.length, 32);
    w.ensure(200);
    assert.equal(w.buf.length, 256);
    assert.equal(w.buf.toString('latin1', 0, 5), 'hello');
    assert.equal(w.view.byteLength, w.buf.length);
    assert.equal(w.buf.buffer.byteLength, w.buf.length, 'a buffer of its own');
  });

  it('takes a first buffer from spares, and only while nothing is written', () => {
    const asked: number[] = [];
    const w = new ByteWriter(64, (min) => (asked.push(min), Buffer.alloc(min * 2)));
    w.ensure(10);
    assert.deepEqual(asked, [64]);
    assert.equal(w.buf.length, 128);
    w.pos = 100;
    w.ensure(100);
    assert.deepEqual(asked, [64], 'a growth with bytes written allocates');
    assert.equal(w.buf.length, 256);
  });

  it('take() hands over the bytes written and starts afresh; copy() keeps them', () => {
    const w = new ByteWriter(8);
    const empty = w.take();
    assert.equal(empty.length, 0);
    assert.notEqual(w.take().buffer, empty.buffer, 'each empty result has a buffer of its own');
    w.ensure(3);
    w.putVarint(300);
    assert.deepEqual([...w.copy()], [0xac, 0x02]);
    assert.equal(w.pos, 2);
    const taken = w.take();
    assert.deepEqual([...taken], [0xac, 0x02]);
    assert.equal(w.pos, 0);
    assert.equal(w.buf.length, 0);
    w.ensure(1);
    assert.notEqual(w.buf.buffer, taken.buffer);
  });

  it('writes on in a buffer it is given, and rewinds', () => {
    const target = Buffer.alloc(8, 0x2e);
    const w = new ByteWriter(8);
    w.use(target, 6);
    w.ensure(4);
    assert.equal(w.buf.length, 16);
    w.putKept(toWords(Buffer.from('abcd')), 4);
    assert.equal(w.buf.toString('latin1', 0, w.pos), '......abcd');
    w.rewind();
    assert.equal(w.pos, 0);
  });

  it('writes varints', () => {
    const w = new ByteWriter(16);
    w.ensure(16);
    for (const n of [0, 127, 128, 16383, 16384, 2 ** 32 - 1]) w.putVarint(n);
    assert.deepEqual([...w.copy()], [0, 0x7f, 0x80, 1, 0xff, 0x7f, 0x80, 0x80, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });
});

describe('writeAscii and writeUtf8', () => {
  it('write ASCII by a loop and anything else natively', () => {
    const b = Buffer.alloc(200);
    assert.equal(writeAscii(b, 'abc', 1), 3);
    assert.equal(b.toString('latin1', 1, 4), 'abc');
    assert.equal(writeAscii(b, 'aé', 0), -1);
    for (const s of ['', 'short', 'müller', 'x'.repeat(30), 'ü'.repeat(30), '\ud83d\ude00']) {
      const n = writeUtf8(b, s, 5);
      assert.deepEqual(b.subarray(5, 5 + n), Buffer.from(s, 'utf8'));
    }
  });
});

describe('KeptKey, keepValue and KeyTable', () => {
  it('keeps the bytes of values while the key has credit, then one in 64 as a probe', () => {
    const w = new ByteWriter(256);
    const k = new Key('k');
    const kept: boolean[] = [];
    for (let i = 0; i < 70; i++) {
      w.rewind();
      w.ensure(16);
      w.putVarint(i + 1000);
      kept.push(keepValue(w, k, 0));
    }
    assert.deepEqual(kept.slice(0, 5), [true, true, true, true, false]);
    assert.equal(kept.filter(Boolean).length, 5, 'four on credit, one probe');
    assert.equal(kept[67], true);
    // A value written again earns credit: the next ones are kept.
    putKeptValue(w, k);
    w.rewind();
    w.ensure(16);
    w.putVarint(7);
    assert.equal(keepValue(w, k, 0), true);
  });

  it('copies the kept bytes back', () => {
    const w = new ByteWriter(256);
    const k = new Key('k');
    w.ensure(64);
    w.buf.write('"value"', 0, 'latin1');
    w.pos = 7;
    assert.equal(keepValue(w, k, 0), true);
    putKeptValue(w, k);
    assert.equal(w.buf.toString('latin1', 0, w.pos), '"value""value"');
  });

  it('does not keep values longer than 128 bytes', () => {
    const w = new ByteWriter(256);
    const k = new Key('k');
    w.ensure(140);
    w.pos = 129;
    assert.equal(keepValue(w, k, 0), false);
    w.pos = 128;
    assert.equal(keepValue(w, k, 0), true);
  });

  it('follows the key order of the last object, and looks a key up when it changes', () => {
    const made: string[] = [];
    const table = new KeyTable((key) => (made.push(key), new Key(key)));
    const head = new Key('');
    const walk = (keys: string[]): Key[] => {
      let k = head;
      return keys.map((key) => (k = table.after(k, key)));
    };
    const first = walk(['a', 'b', 'c']);
    assert.deepEqual(walk(['a', 'b', 'c']), first);
    assert.deepEqual(made, ['a', 'b', 'c']);
    const other = walk(['a', 'c']);
    assert.equal(other[1], first[2]);
    assert.equal(head.next, first[0]);
    assert.equal(first[0]!.next, first[2], 'the chain now follows the last order');
  });
});
