import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/cli/main.js';
import { parseCommandArgs } from '../../src/cli/args.js';
import { convertFlags, defaultText } from '../../src/options/spec.js';
import { cli } from '../helpers/cli.js';

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

  it('takes the value of every enum flag of every command in any case, as its declared spelling', async () => {
    let checked = 0;
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      for (const o of (cmd.options ?? []).flatMap((g) => g.options)) {
        if (o.kind !== 'enum') continue;
        for (const value of o.values!) {
          for (const typed of [value.toUpperCase(), value[0]!.toUpperCase() + value.slice(1)]) {
            const { values } = parseCommandArgs([`--${o.flag}`, typed], cmd.options!);
            assert.deepEqual(convertFlags(cmd.options!, values), { [o.key]: value }, `${cmd.name} --${o.flag} ${typed}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked >= 30, `${checked} values checked`);
  });

  it('parses with --format EFT as with --format eft', async () => {
    const line = '2024-11-18 01:01:55; sftp; 198.51.100.23; 22; u; C:\\a.txt; /a.txt; download; 2; 1;\n';
    const upper = await cli(['parse', '--format', 'EFT', '--timezone', 'UTC'], { stdin: line });
    const lower = await cli(['parse', '--format', 'eft', '--timezone', 'UTC'], { stdin: line });
    assert.equal(upper.code, 0, upper.stderr);
    assert.equal(JSON.parse(upper.stdout).attributes['ftp.log.format'], 'eft.client');
    const record = (stdout: string): unknown => ({ ...JSON.parse(stdout), observedTimestamp: undefined });
    assert.deepEqual(record(upper.stdout), record(lower.stdout));
    const bad = await cli(['parse', '--format', 'XFER']);
    assert.deepEqual([bad.code, bad.stderr], [2, 'ftplog-otel parse: --format must be eft | ncftpd | xferlog | vsftpd | auto (got "XFER")\n']);
  });
});
