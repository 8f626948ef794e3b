import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityKey } from '../../../src/sources/follow/identity.js';

/** An NTFS file index: the MFT record's sequence number in the top 16 bits, its index below. */
const ntfsIndex = (sequence: number, record: number): bigint => (BigInt(sequence) << 48n) | BigInt(record);

describe('sources/follow: identityKey()', () => {
  it('tells apart NTFS file indexes past 2^53 that round to the same number', () => {
    const dev = 2_838_117_413n; // a volume serial number
    const a = { dev, ino: ntfsIndex(40, 0x1_2340) };
    const b = { dev, ino: ntfsIndex(40, 0x1_2341) };
    assert.equal(Number(a.ino), Number(b.ino)); // why the key takes bigint stats
    assert.equal(identityKey(a), '2838117413:11258999068500800');
    assert.equal(identityKey(b), '2838117413:11258999068500801');
  });

  it('gives the key numbers gave below 2^53, so earlier checkpoints still match', () => {
    assert.equal(identityKey({ dev: 2049n, ino: 9_007_199_254_740_991n }), identityKey({ dev: 2049, ino: 9_007_199_254_740_991 }));
    assert.equal(identityKey({ dev: 66306n, ino: 1_234_567n }), '66306:1234567');
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-identity-'));
    try {
      const file = join(dir, 'cl241118.log');
      writeFileSync(file, 'x\n');
      assert.equal(identityKey(statSync(file, { bigint: true })), identityKey(statSync(file)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
