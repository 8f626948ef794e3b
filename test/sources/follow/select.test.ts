import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { groupSelector } from '../../../src/sources/follow/select.js';
import { followLogs } from '../../../src/sources/follow/follow.js';
import type { FtpLogRecord } from '../../../src/model.js';
import { eftLines, ncftpdLines } from '../../helpers/lines.js';

describe('groupSelector()', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-groups-'));
    writeFileSync(join(dir, 'cl241118.log'), eftLines(3));
    writeFileSync(join(dir, 'cl241117.log'), eftLines(2));
    writeFileSync(join(dir, 'xfer.1'), ncftpdLines(2));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the files of every group, each with its group settings; a file two groups match is the first one\'s', () => {
    const berlin = { timezone: 'Europe/Berlin' };
    const chicago = { timezone: 'America/Chicago' };
    const s = groupSelector([
      { patterns: [join(dir, 'cl*.log')], exclude: ['cl241117.log'], settings: berlin },
      { patterns: [join(dir, '*')], settings: chicago },
    ]);
    assert.deepEqual(s.list(), [join(dir, 'cl241118.log'), join(dir, 'cl241117.log'), join(dir, 'xfer.1')]);
    assert.equal(s.settingsOf!(join(dir, 'cl241118.log')), berlin);
    assert.equal(s.settingsOf!(join(dir, 'cl241117.log')), chicago);
    assert.equal(s.settingsOf!(join(dir, 'xfer.1')), chicago);
    assert.deepEqual(s.dirs(), [dir]);
  });

  it('followLogs() reads each file with its group\'s format and zone', async () => {
    const s = groupSelector([
      { patterns: [join(dir, 'cl241118.log')], settings: { format: 'eft', timezone: 'Europe/Berlin' } },
      { patterns: [join(dir, 'xfer.*')], settings: { format: 'ncftpd', timezone: 'America/Chicago' } },
    ]);
    const source = followLogs(s, { follow: false, startAt: 'beginning', pollIntervalMs: 20, rotatedIdleMs: 0, fingerprintBytes: 64, format: 'auto', timezone: 'UTC', encoding: 'utf8', maxLineBytes: 4096, transforms: [], watch: false });
    const got: FtpLogRecord[] = [];
    await pipeline(source, new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (got.push(r), cb()) }));
    const byFile = (name: string): number[] => got.filter((r) => r.attributes['log.file.name'] === name).map((r) => r.timestamp!);
    assert.deepEqual(byFile('cl241118.log'), [0, 1, 2].map((i) => Date.parse(`2024-11-18T07:00:0${i}Z`)));
    assert.deepEqual(byFile('xfer.1'), [0, 1].map((i) => Date.parse(`2024-11-18T06:00:0${i}Z`)));
  });
});
