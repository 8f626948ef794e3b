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
