import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseVsftpdLine } from '../../src/formats/vsftpd.js';
import { parseXferlogLine } from '../../src/formats/xferlog.js';
import type { CivilTime, VsftpdEntry, XferlogEntry } from '../../src/model.js';

const KINDS = new Set(['entry', 'skip', 'error']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function checkWellFormed(result: { kind: string; reason?: string }): void {
  assert.ok(KINDS.has(result.kind), JSON.stringify(result));
  if (result.kind === 'error') assert.ok(typeof result.reason === 'string' && result.reason.length > 0);
}

/** Characters that exercise every branch: separators, the one-letter fields, quotes, digits. */
const hostileChar = fc.constantFrom(' ', ' ', ' ', '"', ',', ';', '/', '_', 'a', 'b', 'c', 'i', 'o', 'd', 'r', 'g', 'C', 'T', 'U', '*', '0', '1', '9', '.', '[', ']', ':', 'é', '😀');
const prefix = fc.constantFrom('Sat Dec  5 07:31:53 2026', 'Sat Dec 05 07:31:53 2026', 'Sun Feb 29 00:00:00 2026', 'Sat Dec  5 07:31:53 2026 [pid 1]', '');

const time = fc.record({
  year: fc.integer({ min: 1970, max: 2099 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  millisecond: fc.constant(0),
}).map((t): CivilTime => ({ ...t }));

/** The time stamp as vsftpd (space-padded day) or ProFTPD (zero-padded) write it. */
function ctime(t: CivilTime, zeroPad: boolean): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const day = zeroPad ? p(t.day) : String(t.day).padStart(2, ' ');
  return `Mon ${MONTHS[t.month - 1]} ${day} ${p(t.hour)}:${p(t.minute)}:${p(t.second)} ${t.year}`;
}

const token = fc.string({ unit: fc.constantFrom('a', 'z', '0', '.', '-', '@', ':', '_', 'é'), minLength: 1, maxLength: 12 });
const freeText = fc.string({ unit: hostileChar, minLength: 1, maxLength: 40 });

describe('xferlog and vsftpd parsers (properties)', () => {
  it('never throw, and return one of the three kinds, for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        checkWellFormed(parseXferlogLine(line));
        checkWellFormed(parseVsftpdLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throw for lines of a valid time stamp and hostile pieces', () => {
    fc.assert(
      fc.property(prefix, fc.string({ unit: hostileChar, maxLength: 120 }), (p, rest) => {
        checkWellFormed(parseXferlogLine(p + rest));
        checkWellFormed(parseVsftpdLine(p + rest));
      }),
      { numRuns: 5000 },
    );
  });

  it('xferlog round trip: any file name (spaces, quotes, runs of one-letter fields) comes back whole', () => {
    const entry = fc.record({
      format: fc.constant('xferlog' as const),
      time,
      duration: fc.nat(100_000),
      host: token,
      size: fc.nat(Number.MAX_SAFE_INTEGER),
      path: freeText,
      transferType: fc.constantFrom('a', 'b'),
      actions: fc.constantFrom('_', 'C', 'U', 'T', 'CT', 'UT'),
      direction: fc.constantFrom('o', 'i', 'd'),
      accessMode: fc.constantFrom('a', 'g', 'r'),
      user: fc.oneof(token, fc.constant('')),
      service: fc.constantFrom('ftp', 'ftps', 'sftp'),
      authMethod: fc.constantFrom('0', '1'),
      authUser: fc.oneof(fc.constant('*'), token),
      status: fc.constantFrom('c', 'i'),
    });
    fc.assert(
      fc.property(entry, fc.boolean(), (e: XferlogEntry, zeroPad) => {
        const line = [ctime(e.time, zeroPad), e.duration, e.host, e.size, e.path, e.transferType, e.actions, e.direction, e.accessMode, e.user, e.service, e.authMethod, e.authUser, e.status].join(' ');
        assert.deepEqual(parseXferlogLine(line), { kind: 'entry', entry: { ...e, time: { ...e.time } } });
      }),
      { numRuns: 3000 },
    );
  });

  it('vsftpd round trip: transfers with any path, and renames within one folder', () => {
    const transfer = fc.record({
      pid: fc.integer({ min: 1, max: 4_000_000 }),
      user: token,
      result: fc.constantFrom('OK' as const, 'FAIL' as const),
      action: fc.constantFrom('UPLOAD', 'DOWNLOAD'),
      path: freeText,
      size: fc.nat(Number.MAX_SAFE_INTEGER),
      rate: fc.integer({ min: 0, max: 99_999_999 }).map((n) => n / 100),
    });
    fc.assert(
      fc.property(time, transfer, (t, x) => {
        const line = `${ctime(t, false)} [pid ${x.pid}] [${x.user}] ${x.result} ${x.action}: Client "127.0.0.1", "${x.path}", ${x.size} bytes, ${x.rate.toFixed(2)}Kbyte/sec`;
        const expected: VsftpdEntry = {
          format: 'vsftpd', time: t, pid: x.pid, user: x.user, result: x.result, action: x.action, client: '127.0.0.1',
          path: x.path, target: undefined, mode: undefined, size: x.size, rate: x.rate, anonPassword: undefined, message: undefined,
        };
        assert.deepEqual(parseVsftpdLine(line), { kind: 'entry', entry: expected });
      }),
      { numRuns: 3000 },
    );
    const name = fc.string({ unit: fc.constantFrom('a', ' ', ';', '"', ','), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), name, name, (dirs, from, to) => {
        const folder = '/' + dirs.join('/') + '/';
        const line = `Sat Dec  5 07:31:53 2026 [pid 1] [u] OK RENAME: Client "::1", "${folder}${from} ${folder}${to}"`;
        const r = parseVsftpdLine(line);
        assert.equal(r.kind, 'entry');
        const e = (r as { entry: VsftpdEntry }).entry;
        assert.deepEqual([e.path, e.target], [folder + from, folder + to]);
      }),
      { numRuns: 2000 },
    );
  });
});
