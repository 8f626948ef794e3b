import { strict as assert } from 'node:assert';
import { OpenFailures } from '../../../src/sources/follow/open-failures.js';

describe('sources/follow: OpenFailures', () => {
  const FILE = 'C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl241118.log';

  it('is news the first time a file cannot be opened, and not at the tries after', () => {
    const f = new OpenFailures();
    assert.deepEqual([f.failed(FILE, 'EBUSY'), f.failed(FILE, 'EBUSY'), f.failed(FILE, 'EBUSY')], [true, false, false]);
    assert.equal(f.size, 1);
  });

  it('is news again when the reason changes, and after the file was opened', () => {
    const f = new OpenFailures();
    assert.equal(f.failed(FILE, 'EBUSY'), true);
    assert.equal(f.failed(FILE, 'EPERM'), true);
    assert.equal(f.failed(FILE, 'EPERM'), false);
    assert.equal(f.opened(FILE), true);
    assert.equal(f.opened(FILE), false);
    assert.equal(f.failed(FILE, 'EPERM'), true);
  });

  it('keeps each file apart, and forgets files no longer listed', () => {
    const f = new OpenFailures();
    const other = FILE.replace('cl241118', 'cl241119');
    assert.equal(f.failed(FILE, 'EBUSY'), true);
    assert.equal(f.failed(other, 'EBUSY'), true);
    f.keepOnly(new Set([other]));
    assert.equal(f.size, 1);
    assert.equal(f.failed(other, 'EBUSY'), false);
    assert.equal(f.failed(FILE, 'EBUSY'), true);
  });
});
