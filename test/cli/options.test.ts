import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/cli/main.js';
import { parseCommandArgs } from '../../src/cli/args.js';
import { defaultText } from '../../src/options/spec.js';

describe('command options', () => {
  it('each command accepts exactly the flags its help lists, each with its declared default', async () => {
    let checked = 0;
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      if (cmd.options === undefined) continue;
      const declared = cmd.options.flatMap((g) => g.options);
      const listed = [...cmd.help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!).filter((f) => f !== 'help');
      assert.deepEqual(listed, declared.map((o) => o.flag), `${cmd.name}: help lists every declared flag, in order, and no other`);
      for (const o of declared) {
        const args = o.kind === 'boolean' ? [`--${o.flag}`] : [`--${o.flag}`, 'x'];
        assert.doesNotThrow(() => parseCommandArgs(args, cmd.options!), `${cmd.name} --${o.flag}`);
        const d = defaultText(o);
        if (d !== undefined) assert.ok(cmd.help.includes(`default ${d}`), `${cmd.name} --${o.flag}: default ${d} in the help`);
        checked++;
      }
      assert.throws(() => parseCommandArgs(['--no-such-flag'], cmd.options!), { code: 'ERR_INVALID_ARGUMENT' });
    }
    assert.ok(checked >= 30, `${checked} options checked`);
  });
});
