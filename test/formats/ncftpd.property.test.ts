import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseNcftpdLine } from '../../src/formats/ncftpd.js';
import type { CivilTime, NcftpdEntry } from '../../src/model.js';
import { fullEntry } from '../helpers/ncftpd-entry.js';

const STATUSES = ['OK', 'ABOR', 'INCOMPLETE', 'PERM', 'NOENT', 'ERROR'];

const PREFIXES = [
  '2010-01-11 15:42:17 #u5 | ',
  '2010-01-11 15:42:17.123 #u5     | ',
  '97/04/20 23:30:59 #u2 | ',
  '2010-01-11 15:42:17 (main) | ',
  '2010-02-30 15:42:17 #u5 | ',
  '2010-01-11 15:42:17 #u5 |',
  '2010-01-11 15:42:17 | ',
  '2010-01-11 ',
];

const FRAGMENTS = [
  ...STATUSES,
  'R,', 'S,', 'T,', 'D,', 'M,', 'C,', 'L,', 'N,', 'X,',
  ',', ',,', ',,,', '0', '1', '-1', '41', '0.007', '5.856', '.', '1294215368',
  'I', 'A', 'Ps', 'PsSf', 'ApRz', '.tar', '.tar.gz', '.tar.Z', 'RECURSIVE', 'to', '644',
  'S0u3WAAFv94A', 'TSQoxwAEEbkA', 'anonymous', '!@#$', '/a b', '/', ' ', '|', '#u5', '\r', '\t', '");',
  'é', '日本', '😀', '\uD800', '\uDC00', '\u0000',
];

/** A line assembled from realistic pieces, with or without a prefix. */
const fragmentLine = fc
  .tuple(
    fc.option(fc.constantFrom(...PREFIXES), { nil: '' }),
    fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 }),
  )
  .map(([prefix, parts]) => prefix + parts.join(''));

function assertResult(line: string): void {
  const r = parseNcftpdLine(line);
  switch (r.kind) {
    case 'entry':
      assert.equal(r.entry.format, 'ncftpd');
      assert.equal(typeof r.entry.path, 'string');
      break;
    case 'skip':
      assert.equal(r.reason, 'blank');
      break;
    case 'error':
      assert.equal(typeof r.reason, 'string');
      assert.ok(r.reason.length > 0);
      break;
    default:
      assert.fail(`unexpected result ${JSON.stringify(r)}`);
  }
}

describe('parseNcftpdLine properties', () => {
  it('never throws and returns entry, skip or error for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => assertResult(line)), { numRuns: 2000 });
  });

  it('never throws for lines assembled from realistic fragments', () => {
    fc.assert(fc.property(fragmentLine, (line) => assertResult(line)), { numRuns: 5000 });
  });

  // Round trip: R and S entries with commas in path and e-mail come back field for field.

  const pathChar = fc.constantFrom(...'abcXYZ019 ._-/é日😀'.split(/(?:)/u));
  /** A piece of path between commas: a number-free name or a plain integer (never a decimal, which could pass for duration or rate). */
  const pathPiece = fc.oneof(
    fc.array(pathChar, { maxLength: 8 }).map((cs) => cs.join('')).filter((p) => !/^[0-9.]*\.[0-9.]*$/.test(p)),
    fc.nat({ max: 99999 }).map(String),
  );
  const path = fc.array(pathPiece, { maxLength: 4 }).map((pieces) => '/' + pieces.join(','));

  const word = (chars: string, maxLength: number) =>
    fc.array(fc.constantFrom(...chars.split('')), { maxLength }).map((cs) => cs.join(''));
  /** What an anonymous user typed: anything but a status token between the commas. */
  const email = fc
    .array(word('ab@.!#$% -OK', 8), { minLength: 1, maxLength: 4 })
    .filter((pieces) => pieces.every((p) => !STATUSES.includes(p)))
    .map((pieces) => pieces.join(','));
  const host = word('abcdef0123456789.-"', 15).filter((h) => !STATUSES.includes(h));
  const sessionId = fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('')), {
      minLength: 12,
      maxLength: 12,
    })
    .map((cs) => cs.join(''));
  const decimal = fc.nat({ max: 10_000_000 }).map((n) => (n / 1000).toFixed(3));
  const startNumber = fc.oneof(fc.constant(-1), fc.nat());

  const transfer = fc.record({
    year: fc.integer({ min: 1970, max: 2069 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 60 }),
    millisecond: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
    shortYear: fc.boolean(),
    child: fc.nat({ max: 99 }),
    pad: fc.nat({ max: 6 }),
    type: fc.constantFrom('R' as const, 'S' as const),
    path,
    size: fc.nat(),
    duration: decimal,
    rate: decimal,
    user: word('abcz019_.-', 10),
    email: fc.oneof(fc.constant(''), email),
    host,
    suffix: fc.constantFrom('', '.tar', '.tar.Z', '.tar.gz'),
    status: fc.constantFrom(...STATUSES),
    transferType: fc.constantFrom('A', 'I'),
    notes: fc.array(fc.constantFrom('Df', 'Po', 'Ps', 'Mm', 'Bl', 'Sf', 'Ap', 'Rz'), { maxLength: 3 }),
    startTime: fc.nat(),
    sessionId,
    startSize: startNumber,
    startOffset: startNumber,
    /** How many fields after the status this version logs (0 = old 10-field entry). */
    tail: fc.integer({ min: 0, max: 6 }),
    extra: fc.array(word('abc123 ;")', 6), { maxLength: 3 }),
    trailingComma: fc.boolean(),
  });

  type Transfer = typeof transfer extends fc.Arbitrary<infer T> ? T : never;

  function format(t: Transfer): string {
    const two = (n: number) => String(n).padStart(2, '0');
    const date = t.shortYear
      ? `${two(t.year % 100)}/${two(t.month)}/${two(t.day)}`
      : `${t.year}-${two(t.month)}-${two(t.day)}`;
    const ms = t.millisecond === undefined ? '' : '.' + String(t.millisecond).padStart(3, '0');
    const tag = `#u${t.child}`.padEnd(3 + t.pad, ' ');
    const fields: string[] = [
      t.type, t.path, String(t.size), t.duration, t.rate, t.user, t.email, t.host, t.suffix, t.status,
    ];
    const tail = [t.transferType, t.notes.join(''), String(t.startTime), t.sessionId, String(t.startSize), String(t.startOffset)];
    fields.push(...tail.slice(0, t.tail));
    if (t.tail === 6) fields.push(...t.extra);
    // An entry ending in an empty field needs its trailing comma to be read back.
    const body = fields.join(',') + (t.trailingComma || fields[fields.length - 1] === '' ? ',' : '');
    return `${date} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}${ms} ${tag} | ${body}`;
  }

  function expected(t: Transfer): NcftpdEntry {
    const time: CivilTime = {
      year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second,
      millisecond: t.millisecond ?? 0,
    };
    const has = (n: number) => t.tail >= n;
    const known = (n: number) => (n === -1 ? undefined : n);
    const extra = t.tail === 6 && t.extra.length > 0 ? t.extra.join(',') : undefined;
    return fullEntry({
      format: 'ncftpd',
      time,
      process: `#u${t.child}`,
      type: t.type,
      path: t.path,
      user: t.user || undefined,
      email: t.email || undefined,
      host: t.host || undefined,
      sessionId: has(4) ? t.sessionId : undefined,
      size: t.size,
      duration: Number(t.duration),
      rate: Number(t.rate),
      suffix: t.suffix || undefined,
      status: t.status,
      transferType: has(1) ? t.transferType : undefined,
      notes: has(2) && t.notes.length > 0 ? t.notes : undefined,
      startTime: has(3) ? t.startTime : undefined,
      startSize: has(5) ? known(t.startSize) : undefined,
      startOffset: has(6) ? known(t.startOffset) : undefined,
      extra: extra === '' ? undefined : extra,
    });
  }

  const CUT_SHORT = { kind: 'error', reason: 'entry cut short: no comma after its last field' };

  it('reads back formatted R and S entries with commas in path and e-mail', () => {
    fc.assert(
      fc.property(transfer, (t) => {
        const line = format(t);
        const entry = expected(t);
        // Without its final comma an entry reads as cut short, unless text follows its last field.
        const want = line.endsWith(',') || entry.extra !== undefined ? { kind: 'entry', entry } : CUT_SHORT;
        assert.deepEqual(parseNcftpdLine(line), want, line);
        assert.deepEqual(parseNcftpdLine(line + '\r'), want, line);
      }),
      { numRuns: 3000 },
    );
  });

  it('never reads a line cut inside its last field as an entry', () => {
    fc.assert(
      fc.property(transfer, fc.nat(), (t, n) => {
        const line = format({ ...t, tail: Math.max(t.tail, 1), extra: [], trailingComma: true });
        const lastField = line.length - 1 - line.lastIndexOf(',', line.length - 2) - 1;
        fc.pre(lastField > 0); // an empty last field (no notes) cannot be cut inside
        // Drop the final comma and up to all but one character of the last field.
        const cut = line.slice(0, line.length - 1 - (n % lastField));
        const r = parseNcftpdLine(cut);
        assert.equal(r.kind, 'error', cut);
        // With only the comma gone, every field is whole: the missing comma is the error.
        if (n % lastField === 0) assert.deepEqual(r, CUT_SHORT, cut);
      }),
      { numRuns: 3000 },
    );
  });

  // Round trip for the other entry types: commas in paths, pattern, target and e-mail.

  const piece = word('abXY09 ._-é', 6).filter((p) => p !== '' && p !== 'to');
  const pieces = (first: string) => fc.array(piece, { minLength: 1, maxLength: 3 }).map((ps) => first + ps.join(','));
  const other = fc.record({
    type: fc.constantFrom('T' as const, 'D' as const, 'M' as const, 'C' as const, 'L' as const, 'N' as const),
    path: pieces('/'),
    target: pieces('/'),
    pattern: fc.oneof(fc.constant(''), pieces('*')),
    recursive: fc.boolean(),
    status: fc.constantFrom(...STATUSES),
    mode: fc.constantFrom('644', '0755', '4711', '1'),
    user: piece,
    email: fc.oneof(fc.constant(''), fc.array(piece, { minLength: 1, maxLength: 3 }).map((ps) => ps.join(','))),
    host: fc.oneof(host, fc.constant('mailserver01')),
    sessionId,
    extra: fc.array(word('abc123 ;")', 6), { maxLength: 2 }),
  });
  type Other = typeof other extends fc.Arbitrary<infer T> ? T : never;

  function formatOther(o: Other): string {
    let middle: string[];
    switch (o.type) {
      case 'T': middle = [o.status, o.pattern, o.recursive ? 'RECURSIVE' : '']; break;
      case 'C': middle = [o.mode, '', '']; break;
      case 'L':
      case 'N': middle = ['to', o.target, '']; break;
      default: middle = ['', '', ''];
    }
    const fields = [o.type, o.path, ...middle, o.user, o.email, o.host, o.sessionId, ...o.extra];
    return `2010-01-11 15:42:17 #u5 | ${fields.join(',')},`;
  }

  function expectedOther(o: Other): NcftpdEntry {
    const extra = o.extra.length > 0 && o.extra.join(',') !== '' ? o.extra.join(',') : undefined;
    const e: NcftpdEntry = fullEntry({
      format: 'ncftpd',
      time: { year: 2010, month: 1, day: 11, hour: 15, minute: 42, second: 17, millisecond: 0 },
      process: '#u5',
      type: o.type,
      path: o.path,
      user: o.user,
      email: o.email || undefined,
      host: o.host || undefined,
      sessionId: o.sessionId,
      extra,
    });
    if (o.type === 'T') Object.assign(e, { status: o.status, pattern: o.pattern || undefined, recursive: o.recursive });
    if (o.type === 'C') e.mode = o.mode;
    if (o.type === 'L' || o.type === 'N') e.target = o.target;
    return e;
  }

  it('reads back formatted T, D, M, C, L and N entries with commas in their free-text fields', () => {
    fc.assert(
      fc.property(other, (o) => {
        const line = formatOther(o);
        assert.deepEqual(parseNcftpdLine(line), { kind: 'entry', entry: expectedOther(o) }, line);
        // The same line without its final comma: text after the session id is extra, else the entry was cut short.
        const bareLine = line.slice(0, -1);
        const bare = parseNcftpdLine(bareLine);
        if (bareLine.endsWith(',') || expectedOther(o).extra !== undefined) assert.equal(bare.kind, 'entry', line);
        else assert.deepEqual(bare, CUT_SHORT, line);
      }),
      { numRuns: 3000 },
    );
  });
});
