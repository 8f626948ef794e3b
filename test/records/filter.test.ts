import assert from 'node:assert/strict';
import { checkFilter, createFilter, describeMatch, filtersFromFlags, FILTER_OPERATIONS, FILTER_STATUS_KINDS, type FilterTransform } from '../../src/records/filter.js';
import { applyTransforms, compileTransforms, newTransformStats } from '../../src/records/transforms.js';
import { createEnricher, normalizeEftOperation, parseErrorRecord } from '../../src/enrich/enrich.js';
import { parseLine } from '../../src/formats/detect.js';
import type { FtpLogRecord, LogFormat } from '../../src/model.js';

const enrich = createEnricher({ timezone: 'UTC', now: () => 0 });

function recordOf(format: LogFormat, text: string): FtpLogRecord {
  const p = parseLine(format, text);
  if (p.kind !== 'entry') throw new Error(`fixture line does not parse: ${text}`);
  return enrich({ kind: 'entry', entry: p.entry, line: { text, position: { line: 1, offset: text.length + 1 } } });
}

// One record of each kind that matters: outcome, operation, status kind, protocol.
const LINES: [string, LogFormat, string][] = [
  ['sftp-upload-ok', 'eft', '2024-11-18 01:01:52; sftp; 198.51.100.23; 22; müller.k; a.pdf; /ap/a.pdf; upload; 0; 0;'],
  ['sftp-download-fail', 'eft', '2024-11-18 01:01:55; sftp; 198.51.100.23; 22; müller.k; b.pdf; /ap/b.pdf; download; 2; 1;'],
  ['ftp-list-ok', 'eft', '2024-11-18 01:02:00; ftp; 192.0.2.7; 21; lucerne; ; /exports; list; 226; 0;'],
  ['ftp-download-550', 'eft', '2024-11-18 01:02:01; ftp; 192.0.2.7; 21; lucerne; c.txt; /exports/c.txt; download; 550; 1;'],
  ['ncftpd-list-ok', 'ncftpd', '2024-11-18 08:13:13 #u1     | T,/home/webadmin/mail,OK,,,webadmin,,130.1.226.47,ZztLUwABDLAA,'],
  ['ncftpd-get-noent', 'ncftpd', '2024-11-18 08:13:22 #u1     | R,/home/x/y.png,0,0.001,0.000,webadmin,,130.1.226.47,,NOENT,I,,1731939201,ZztLUwABDLAA,0,0,'],
];

function records(): Map<string, FtpLogRecord> {
  const out = new Map<string, FtpLogRecord>(LINES.map(([name, format, text]) => [name, recordOf(format, text)]));
  out.set('parse-error', parseErrorRecord({ text: 'garbage', position: { line: 9, offset: 90 } }, 'eft', 'expected 9 or 10 fields, found 1', 0));
  return out;
}

/** The names of the records a filter keeps, and the drops it counted. */
function run(spec: FilterTransform): { kept: string[]; dropped: Record<string, number> } {
  const t = compileTransforms([spec])!;
  const stats = newTransformStats();
  const kept: string[] = [];
  for (const [name, r] of records()) if (applyTransforms(t, r, stats) !== undefined) kept.push(name);
  return { kept, dropped: stats.dropped };
}

describe('filter', () => {
  it('the records used below have the outcomes, operations and status kinds their names say', () => {
    const r = records();
    const view = [...r].map(([n, x]) => [n, x.attributes['ftp.outcome'], x.attributes['ftp.operation'], x.attributes['ftp.status.kind']]);
    assert.deepEqual(view, [
      ['sftp-upload-ok', 'success', 'upload', 'sftp'],
      ['sftp-download-fail', 'failure', 'download', 'sftp'],
      ['ftp-list-ok', 'success', 'list', 'ftp_reply'],
      ['ftp-download-550', 'failure', 'download', 'ftp_reply'],
      ['ncftpd-list-ok', 'success', 'list', 'ncftpd'],
      ['ncftpd-get-noent', 'failure', 'download', 'ncftpd'],
      ['parse-error', undefined, undefined, undefined],
    ]);
  });

  it('drop: conditions ANDed, values ORed; counted under the name', () => {
    assert.deepEqual(run({ type: 'filter', name: 'quiet-listings', drop: { operation: ['list'], outcome: ['success'] } }), {
      kept: ['sftp-upload-ok', 'sftp-download-fail', 'ftp-download-550', 'ncftpd-get-noent', 'parse-error'],
      dropped: { 'filter "quiet-listings"': 2 },
    });
    assert.deepEqual(run({ type: 'filter', drop: { operation: ['list', 'upload'] } }), {
      kept: ['sftp-download-fail', 'ftp-download-550', 'ncftpd-get-noent', 'parse-error'],
      dropped: { 'filter drop operation=list|upload': 3 },
    });
  });

  it('keep: drops what does not match, counted under the condition when the filter has no name', () => {
    assert.deepEqual(run({ type: 'filter', keep: { statusKind: ['ftp_reply'], attributes: { 'network.protocol.name': ['sftp', 'ftp'] } } }), {
      kept: ['ftp-list-ok', 'ftp-download-550', 'parse-error'],
      dropped: { 'filter keep status_kind=ftp_reply and network.protocol.name=sftp|ftp': 4 },
    });
  });

  it('keep and drop together: kept must match keep and not drop, each counted apart', () => {
    assert.deepEqual(run({ type: 'filter', keep: { outcome: ['failure'] }, drop: { statusKind: ['ncftpd'] } }), {
      kept: ['sftp-download-fail', 'ftp-download-550', 'parse-error'],
      dropped: { 'filter keep outcome=failure': 3, 'filter drop status_kind=ncftpd': 1 },
    });
  });

  it('attributes: compared as text (ints too), any element of a string[], absent never matches', () => {
    assert.deepEqual(run({ type: 'filter', drop: { attributes: { 'ftp.status.code': '550' } } }).kept, [
      'sftp-upload-ok', 'sftp-download-fail', 'ftp-list-ok', 'ncftpd-list-ok', 'ncftpd-get-noent', 'parse-error',
    ]);
    assert.deepEqual(run({ type: 'filter', keep: { attributes: { 'user.name': ['webadmin'], 'client.address': '130.1.226.47' } } }).kept, ['ncftpd-list-ok', 'ncftpd-get-noent', 'parse-error']);
    const notes = recordOf('ncftpd', '2024-11-18 08:13:22 #u1     | R,/x.png,3,0.6,5.4,webadmin,,130.1.226.47,,OK,I,PsSf,1731939201,ZztLUwABDLAA,3,0,');
    assert.deepEqual(notes.attributes['ftp.transfer.notes'], ['Ps', 'Sf']);
    assert.equal('dropped' in createFilter({ type: 'filter', drop: { attributes: { 'ftp.transfer.notes': ['Sf'] } } })(notes), true);
    assert.equal('dropped' in createFilter({ type: 'filter', drop: { attributes: { 'ftp.transfer.notes': ['Mm'] } } })(notes), false);
  });

  it('parse-error records pass every filter that does not name them by outcome parse_error', () => {
    assert.deepEqual(run({ type: 'filter', keep: { outcome: ['success'] } }).kept, ['sftp-upload-ok', 'ftp-list-ok', 'ncftpd-list-ok', 'parse-error']);
    assert.deepEqual(run({ type: 'filter', drop: { attributes: { 'ftp.log.format': 'eft.client' } } }).kept, ['ncftpd-list-ok', 'ncftpd-get-noent', 'parse-error']);
    assert.deepEqual(run({ type: 'filter', drop: { outcome: ['parse_error'] } }), {
      kept: ['sftp-upload-ok', 'sftp-download-fail', 'ftp-list-ok', 'ftp-download-550', 'ncftpd-list-ok', 'ncftpd-get-noent'],
      dropped: { 'filter drop outcome=parse_error': 1 },
    });
    assert.deepEqual(run({ type: 'filter', keep: { outcome: ['failure', 'parse_error'] } }).kept, ['sftp-download-fail', 'ftp-download-550', 'ncftpd-get-noent', 'parse-error']);
    // Once named, the other conditions apply to them as to any record.
    assert.deepEqual(run({ type: 'filter', drop: { outcome: ['parse_error'], attributes: { 'ftp.log.format': 'ncftpd.xfer' } } }).dropped, {});
  });

  it('knows every operation and status kind the enricher names', () => {
    for (const word of ['get', 'retr', 'put', 'stor', 'dir', 'nlst', 'mlsd', 'dele', 'rmdir', 'mkd', 'makedir', 'chmod', 'symlink', 'move', 'rename']) {
      assert.ok((FILTER_OPERATIONS as readonly string[]).includes(normalizeEftOperation(word)), word);
    }
    for (const r of records().values()) {
      const op = r.attributes['ftp.operation'];
      const kind = r.attributes['ftp.status.kind'];
      if (op !== undefined) assert.ok((FILTER_OPERATIONS as readonly string[]).includes(op as string));
      if (kind !== undefined) assert.ok((FILTER_STATUS_KINDS as readonly string[]).includes(kind as string));
    }
  });

  it('refuses bad specs naming the field and listing the valid values', () => {
    const bad = (spec: object, message: string, path: unknown[]): void => {
      assert.throws(() => checkFilter({ type: 'filter', ...spec } as FilterTransform), (err: Error & { code?: string; path?: unknown }) => {
        assert.equal(err.code, 'ERR_INVALID_OPTION');
        assert.equal(err.message, message);
        assert.deepEqual(err.path, path);
        return true;
      });
    };
    bad({}, 'filter: give keep, drop or both', []);
    bad({ keep: {} }, 'filter: keep: has no condition (it would match every record)', ['keep']);
    bad({ drop: { outcome: ['success', 'failed'] } }, 'filter: drop.outcome[1]: "failed" is not one of success, failure, unknown, parse_error', ['drop', 'outcome', 1]);
    bad({ drop: { operation: ['get'] } }, 'filter: drop.operation[0]: "get" is not one of download, upload, list, delete, mkdir, chmod, symlink, rename, login, connect, command, response', ['drop', 'operation', 0]);
    bad({ keep: { statusKind: ['ftp-reply'] } }, 'filter: keep.statusKind[0]: "ftp-reply" is not one of ftp_reply, sftp, http, winsock, eft, ncftpd, xferlog, vsftpd, unknown', ['keep', 'statusKind', 0]);
    bad({ keep: { outcome: [] } }, 'filter: keep.outcome: must be a non-empty list', ['keep', 'outcome']);
    bad({ keep: { attributes: { 'user.name': [] } } }, 'filter: keep.attributes["user.name"]: must be a string or a non-empty list of strings', ['keep', 'attributes', 'user.name']);
    bad({ keep: { attributes: { 'user.name': ['a', 3] } } }, 'filter: keep.attributes["user.name"][1]: must be a string', ['keep', 'attributes', 'user.name', 1]);
    bad({ keep: { outcomes: ['success'] } }, 'filter: keep.outcomes: unknown field (known: outcome, operation, statusKind, attributes)', ['keep', 'outcomes']);
    bad({ name: '', drop: { outcome: ['success'] } }, 'filter: name: must be a non-empty string', ['name']);
  });

  it('--drop-outcome and --drop-operation: one filter each, naming the flag when a value is wrong', () => {
    assert.deepEqual(filtersFromFlags({}), []);
    assert.deepEqual(filtersFromFlags({ dropOutcome: ['success'], dropOperation: ['list', 'mkdir'] }), [
      { type: 'filter', drop: { outcome: ['success'] } },
      { type: 'filter', drop: { operation: ['list', 'mkdir'] } },
    ]);
    assert.throws(() => filtersFromFlags({ dropOutcome: ['ok'] }), { code: 'ERR_INVALID_ARGUMENT', message: '--drop-outcome: "ok" is not one of success, failure, unknown, parse_error' });
  });

  it('describes a Match in the file form spelling', () => {
    assert.equal(describeMatch({ attributes: { a: ['1', '2'], b: 'x' }, statusKind: ['sftp'], outcome: ['failure'] }), 'outcome=failure and status_kind=sftp and a=1|2 and b=x');
  });
});
