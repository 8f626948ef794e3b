import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseEftLine } from '../../src/formats/eft.js';
import type { CivilTime, EftEntry } from '../../src/model.js';

const KINDS = new Set(['entry', 'skip', 'error']);

function checkWellFormed(line: string): void {
  const result = parseEftLine(line);
  assert.ok(KINDS.has(result.kind), JSON.stringify(result));
  if (result.kind === 'error') {
    assert.equal(typeof result.reason, 'string');
    assert.ok(result.reason.length > 0);
  } else if (result.kind === 'entry') {
    const { time, port, code, actionResult } = result.entry;
    assert.ok(time.month >= 1 && time.month <= 12);
    assert.ok(time.day >= 1 && time.day <= 31);
    assert.ok(port === undefined || (Number.isInteger(port) && port >= 0 && port <= 65535));
    assert.ok(code === undefined || Number.isInteger(code));
    assert.ok(actionResult === undefined || Number.isInteger(actionResult));
  }
}

/** Characters that exercise every branch of the scanner. */
const hostileChar = fc.constantFrom(';', ';', ';', ' ', '\t', '\\', '/', ':', '-', '.', '|', '0', '1', '2', '9', 'C', 'a', 't', 'T', 'é', '😀');

const validPrefix = fc.constantFrom('2006-03-06 10:11:03', '2024-02-29 23:59:60.123', '2023-02-29 10:00:00', 'Time', '');

describe('EFT client log parser (properties)', () => {
  it('never throws and returns one of the three kinds for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => checkWellFormed(line)),
      { numRuns: 1000 },
    );
  });

  it('never throws for lines built from separators, digits and path characters', () => {
    fc.assert(
      fc.property(validPrefix, fc.string({ unit: hostileChar, maxLength: 120 }), (prefix, rest) => checkWellFormed(prefix + rest)),
      { numRuns: 5000 },
    );
  });

  it('never throws for lines assembled from plausible and hostile fields', () => {
    const piece = fc.oneof(
      fc.string({ unit: hostileChar, maxLength: 12 }),
      fc.constantFrom('ftp', 'SFTP', '', '21', '-1', '10060', 'download', 'C:\\a;b', '/in;box', '\\\\srv\\s', '0', '1'),
    );
    fc.assert(
      fc.property(validPrefix, fc.array(piece, { maxLength: 14 }), fc.constantFrom(';', '; ', ' ; '), (prefix, pieces, sep) =>
        checkWellFormed([prefix, ...pieces].join(sep)),
      ),
      { numRuns: 5000 },
    );
  });

  describe('round trip', () => {
    const pad = (s: string): string => s.padStart(2, '0');

    const civilTime: fc.Arbitrary<CivilTime> = fc
      .record({
        year: fc.integer({ min: 1970, max: 2199 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 60 }),
        millisecond: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999 })),
      }, { noNullPrototype: true })
      .filter(({ year, month, day }) => {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        return day <= days;
      });

    function formatTime(t: CivilTime, withFraction: boolean): string {
      const base = `${t.year}-${pad(String(t.month))}-${pad(String(t.day))} ${pad(String(t.hour))}:${pad(String(t.minute))}:${pad(String(t.second))}`;
      return withFraction ? `${base}.${String(t.millisecond).padStart(3, '0')}` : base;
    }

    /** No `;`, no surrounding whitespace. */
    const token = (chars: string, maxLength = 12): fc.Arbitrary<string> =>
      fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });

    const protocol = fc.oneof(fc.constantFrom('ftp', 'FTP', 'ftps', 'sftp', 'SFTP', 'http', 'HTTPS'), token('abcXYZ0+-', 8));
    const host = fc.oneof(
      fc.constant(''),
      fc.domain(),
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV6().map((ip) => `[${ip}]`),
    );
    const user = fc.oneof(fc.constant(''), token('abcABC019._@-é'));
    const operation = fc.constantFrom('download', 'upload', 'copy', 'move', 'delete', 'rename');

    // Path segments: any of these characters, including `;` and spaces; local
    // segments never contain `/`, remote segments never contain `\` (see the
    // parser's design note for why a `\` right of the split matters).
    const segmentChars = ['a', 'B', '1', ' ', ';', '.', '-', 'é', 'ç', 'ファ', '😀', '(', ')'];
    const segment = fc.string({ unit: fc.constantFrom(...segmentChars), minLength: 1, maxLength: 10 });
    const segments = fc.array(segment, { minLength: 1, maxLength: 4 });
    const trimmed = (s: string): boolean => s === s.trim();

    const localPath = fc.oneof(
      fc.constant(''),
      fc.tuple(fc.constantFrom('C', 'c', 'D', 'z'), segments).map(([drive, parts]) => `${drive}:\\${parts.join('\\')}`),
      fc.tuple(segment, segments).map(([server, parts]) => `\\\\${server}\\${parts.join('\\')}`),
    ).filter(trimmed);
    const remotePath = fc.oneof(
      fc.constant(''),
      fc.constant('/'),
      segments.map((parts) => `/${parts.join('/')}`),
    ).filter(trimmed);

    const code = fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 12 }), fc.constantFrom(200, 226, 530, 550, 2000, 10060, 10061));
    const actionResult = fc.oneof(fc.constant(undefined), fc.constantFrom(0, 1), fc.integer({ min: -5, max: 99 }));
    const port = fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 65535 }));

    const entryArb: fc.Arbitrary<EftEntry> = fc.record({
      format: fc.constant('eft' as const),
      time: civilTime,
      protocol,
      host,
      port,
      user,
      localPath,
      remotePath,
      operation,
      code,
      actionResult,
    }, { noNullPrototype: true });

    const separator = fc.constantFrom(';', '; ', ' ; ', ';\t', ' ;');
    const padding = fc.constantFrom('', ' ', '  ', '\t');

    it('parses back the fields of any well-formed line', () => {
      fc.assert(
        fc.property(
          entryArb,
          fc.boolean(),
          fc.array(separator, { minLength: 9, maxLength: 9 }),
          fc.array(padding, { minLength: 20, maxLength: 20 }),
          fc.boolean(),
          (entry, withFraction, seps, pads, terminated) => {
            const columns = [
              formatTime(entry.time, withFraction),
              entry.protocol,
              entry.host,
              entry.port === undefined ? '' : String(entry.port),
              entry.user,
              entry.localPath,
              entry.remotePath,
              entry.operation,
              entry.code === undefined ? '' : String(entry.code),
            ];
            if (entry.actionResult !== undefined) columns.push(String(entry.actionResult));
            let line = '';
            columns.forEach((value, i) => {
              if (i > 0) line += seps[i - 1];
              line += pads[2 * i]! + value + pads[2 * i + 1]!;
            });
            // An empty last column is only distinguishable with the terminator.
            if (terminated || columns[columns.length - 1] === '') line += ';';

            const expected: EftEntry = {
              ...entry,
              protocol: entry.protocol.toLowerCase(),
              time: withFraction ? entry.time : { ...entry.time, millisecond: 0 },
            };
            // Nine columns without the final ";" read as cut short; ten are read either way.
            const want = line.endsWith(';') || entry.actionResult !== undefined
              ? { kind: 'entry', entry: expected }
              : { kind: 'error', reason: 'line cut short: no ";" after its last column' };
            assert.deepEqual(parseEftLine(line), want, line);
          },
        ),
        { numRuns: 5000 },
      );
    });
  });
});
