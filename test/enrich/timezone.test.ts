import assert from 'node:assert/strict';
import { createCivilToEpoch } from '../../src/enrich/timezone.js';
import type { CivilTime } from '../../src/model.js';

function civil(s: string): CivilTime {
  const m = /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(s)!;
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, millisecond: m[7] ? +m[7] : 0 };
}

describe('createCivilToEpoch', () => {
  const cases: [string, string, string][] = [
    ['UTC', '2024-03-31 02:30:00.123', '2024-03-31T02:30:00.123Z'],
    ['Europe/Berlin', '2024-01-15 12:00:00', '2024-01-15T11:00:00.000Z'],
    ['Europe/Berlin', '2024-07-15 12:00:00', '2024-07-15T10:00:00.000Z'],
    ['Europe/Berlin', '2024-03-31 01:59:59', '2024-03-31T00:59:59.000Z'],
    // does not exist (clocks jump 02:00 -> 03:00): moved forward by the gap
    ['Europe/Berlin', '2024-03-31 02:30:00', '2024-03-31T01:30:00.000Z'],
    ['Europe/Berlin', '2024-03-31 03:00:00', '2024-03-31T01:00:00.000Z'],
    // occurs twice (03:00 -> 02:00): the earlier instant
    ['Europe/Berlin', '2024-10-27 02:30:00', '2024-10-27T00:30:00.000Z'],
    ['Europe/Berlin', '2024-10-27 03:00:00', '2024-10-27T02:00:00.000Z'],
    ['America/Chicago', '2024-03-10 01:59:00', '2024-03-10T07:59:00.000Z'],
    ['America/Chicago', '2024-03-10 03:00:00', '2024-03-10T08:00:00.000Z'],
    ['America/Chicago', '2024-11-03 01:30:00', '2024-11-03T06:30:00.000Z'],
    ['America/Chicago', '2024-11-03 02:30:00', '2024-11-03T08:30:00.000Z'],
    ['Asia/Kathmandu', '2024-06-01 00:00:00', '2024-05-31T18:15:00.000Z'],
    ['Australia/Lord_Howe', '2024-04-07 01:45:00', '2024-04-06T14:45:00.000Z'],
    ['Australia/Lord_Howe', '2024-04-07 02:15:00', '2024-04-06T15:45:00.000Z'],
    ['America/Chicago', '1996-08-26 00:22:11', '1996-08-26T05:22:11.000Z'],
  ];
  for (const [zone, local, iso] of cases) {
    it(`${local} in ${zone} is ${iso}`, () => {
      assert.equal(new Date(createCivilToEpoch(zone)(civil(local))).toISOString(), iso);
    });
  }

  it('gives the same answers from its cache as on first use', () => {
    const f = createCivilToEpoch('Europe/Berlin');
    const times = ['2024-10-27 02:30:00', '2024-10-27 02:45:00', '2024-10-27 01:59:00', '2024-10-27 02:30:00'];
    const first = times.map((t) => f(civil(t)));
    const again = times.map((t) => f(civil(t)));
    assert.deepEqual(again, first);
    assert.equal(first[1]! - first[0]!, 15 * 60 * 1000);
  });

  it('rejects unknown zones with ERR_INVALID_OPTION', () => {
    assert.throws(() => createCivilToEpoch('Mars/Olympus'), { code: 'ERR_INVALID_OPTION' });
  });
});

describe('civilAsUtc', () => {
  const dateUtc = (t: CivilTime): number => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  const t = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): CivilTime => ({ year, month, day, hour, minute, second, millisecond });

  it('agrees with Date.UTC, also for values no parser produces', () => {
    const cases: CivilTime[] = [
      t(2024, 3, 10, 2, 30, 0, 123),
      t(2024, 3, 10, 23, 59, 60, 999), // leap second rolls into the next day
      t(2024, 2, 31, 12), // day past the month's end rolls over
      t(2024, 13, 1), // month 13
      t(2024, 0, 0),
      t(50, 1, 1, 1), // two-digit years are 19xx for Date.UTC
      t(0, 1, 1),
      t(-1, 6, 15, 3),
      t(275760, 9, 13), // the last valid day
      t(275760, 9, 13, 0, 0, 0, 1), // one past it
      t(2024, 1, 1, 24, 0, 0, 0),
      t(2024, 1, 1, 200, 0, 0, 0),
      t(2024, 1, 1, 1.5, 0, 0, 0),
      t(2024, 1, 1, 0, -1, 0, 0),
      t(2024, 1, 1, 0, 0, 0, 1500),
      t(2024, 1, 1, 0, 0, 0, -0),
      t(2024, 1, 1, NaN, 0, 0, 0),
      t(NaN, 1, 1),
      t(2024.7, 1.2, 1.9, 3),
      t(1e9, 1, 1),
    ];
    const f = createCivilToEpoch('UTC');
    for (const c of cases) {
      // Each case after a different day, and after the same day, so both the cached and the fresh path run.
      f(t(1999, 1, 1));
      assert.equal(f({ ...c }), f(c), JSON.stringify(c));
      assert.deepEqual([f(c)], [dateUtc(c)], JSON.stringify(c));
    }
  });

  it('agrees with Date.UTC over consecutive seconds across day, month and year ends', () => {
    const f = createCivilToEpoch('UTC');
    for (let ms = Date.UTC(2023, 11, 31, 23, 59, 0); ms < Date.UTC(2024, 0, 1, 0, 1, 0); ms += 997) {
      const d = new Date(ms);
      const c = t(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
      assert.equal(f(c), ms);
    }
  });
});
