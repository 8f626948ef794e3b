import assert from 'node:assert/strict';
import { parseCommandArgs } from '../../src/cli/args.js';
import type { OptionGroup } from '../../src/options/spec.js';

const GROUPS: OptionGroup[] = [
  {
    title: 'T',
    options: [
      { flag: 'protocol', key: 'protocol', kind: 'string', short: 'p', help: 'p' },
      { flag: 'quiet', key: 'quiet', kind: 'boolean', short: 'q', help: 'q' },
    ],
  },
];

describe('parseCommandArgs', () => {
  it('reads -<digits> as a flag unless asked to take negative numbers', () => {
    assert.throws(() => parseCommandArgs(['-1'], GROUPS), { code: 'ERR_INVALID_ARGUMENT', message: "Unknown option '-1'" });
    const how = { negativeNumbers: true };
    assert.deepEqual(parseCommandArgs(['-1'], GROUPS, {}, how).positionals, ['-1']);
    const r = parseCommandArgs(['5', '-12', 'x', '-q'], GROUPS, {}, how);
    assert.deepEqual([{ ...r.values }, r.positionals], [{ quiet: true }, ['5', '-12', 'x']]);
    assert.deepEqual(parseCommandArgs(['-q', '-1', '--', '-2'], GROUPS, {}, how).positionals, ['-1', '-2']);
    assert.deepEqual({ ...parseCommandArgs(['--protocol=-1'], GROUPS, {}, how).values }, { protocol: '-1' });
    // After a flag that takes a value, -1 is left to parseArgs, which asks for --protocol=-1.
    assert.throws(() => parseCommandArgs(['--protocol', '-1'], GROUPS, {}, how), { code: 'ERR_INVALID_ARGUMENT', message: "Option '--protocol' argument is ambiguous." });
    assert.throws(() => parseCommandArgs(['-qp', '-1'], GROUPS, {}, how), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => parseCommandArgs(['-1x'], GROUPS, {}, how), { code: 'ERR_INVALID_ARGUMENT', message: "Unknown option '-1'" });
  });
});
