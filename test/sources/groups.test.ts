import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sourceGroups } from '../../src/sources/groups.js';
import { openSource, sourceConfig } from '../../src/sources/source.js';
import type { FtpLogRecord } from '../../src/model.js';
import { eftLines, ncftpdLines } from '../helpers/lines.js';

describe('sourceGroups()', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-source-groups-'));
    writeFileSync(join(dir, 'a.log'), eftLines(4));
    writeFileSync(join(dir, 'b.log'), ncftpdLines(3));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (file: string, timezone: string) => () => openSource(sourceConfig({ timezone, workers: 0 }, [join(dir, file)]), { stdin: Readable.from([]) });

  it('reads the groups in turn, each with its settings, and adds up their counts', async () => {
    let opened = 0;
    const s = sourceGroups(
      [
        () => (opened++, open('a.log', 'Europe/Berlin')()),
        () => (opened++, open('b.log', 'America/Chicago')()),
      ],
      'records',
    );
    assert.equal(opened, 0, 'no group is opened before it is read');
    const got: FtpLogRecord[] = [];
    await pipeline(s, new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (got.push(r), cb()) }));
    assert.equal(opened, 2);
    assert.deepEqual(got.map((r) => r.timestamp), [
      ...[0, 1, 2, 3].map((i) => Date.parse(`2024-11-18T07:00:0${i}Z`)),
      ...[0, 1, 2].map((i) => Date.parse(`2024-11-18T06:00:0${i}Z`)),
    ]);
    assert.deepEqual(s.stats.inputs.map((i) => [i.input, i.records]), [[join(dir, 'a.log'), 4], [join(dir, 'b.log'), 3]]);
    assert.equal(s.totals().records, 7);
    assert.equal(s.totals().lines, 7);
  });

  it('stop() ends after the group being read; no later group is opened', async () => {
    let second = false;
    const s = sourceGroups([open('a.log', 'UTC'), () => ((second = true), open('b.log', 'UTC')())], 'records');
    const got: FtpLogRecord[] = [];
    await pipeline(
      s,
      new Writable({
        objectMode: true,
        write: (r: FtpLogRecord, _e, cb) => {
          got.push(r);
          if (got.length === 1) s.stop();
          cb();
        },
      }),
    );
    assert.equal(second, false);
    // The group being read hands on what it has already parsed (one chunk: the whole file), as readLogs().stop() does.
    assert.deepEqual(got.map((r) => r.attributes['log.file.name']), ['a.log', 'a.log', 'a.log', 'a.log']);
  });

  it('fails with ERR_INTERNAL when a group emits another output', async () => {
    const s = sourceGroups([open('a.log', 'UTC')], 'jsonl');
    await assert.rejects(pipeline(s, new Writable({ objectMode: true, write: (_r, _e, cb) => cb() })), { code: 'ERR_INTERNAL', message: 'an input group emits records, not jsonl' });
  });
});
