import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { COMMANDS } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('ftplog-otel (dispatch)', () => {
  it('lists every command in --help, and each one loads the command of its name', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.deepEqual(
      COMMANDS.map((c) => c.name),
      ['ship', 'parse', 'receive', 'explain', 'demo'],
    );
    for (const entry of COMMANDS) {
      assert.match(help.stdout, new RegExp(`^  ${entry.name} +${literal(entry.summary)}$`, 'm'));
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      const own = await cli([entry.name, '--help']);
      assert.equal(own.code, 0, entry.name);
      assert.match(own.stdout, new RegExp(`^Usage: ftplog-otel ${entry.name}\\b`), entry.name);
    }
  });

  it('help COMMAND prints what COMMAND --help prints; help of an unknown command is a usage error', async () => {
    for (const entry of COMMANDS) {
      const own = await cli([entry.name, '--help']);
      assert.deepEqual(await cli(['help', entry.name]), own, entry.name);
    }
    const names = COMMANDS.map((c) => c.name).join(', ');
    assert.deepEqual(await cli(['help', 'shipp']), { code: 2, stdout: '', stderr: `ftplog-otel help: unknown command "shipp" (commands: ${names})\n` });
    assert.deepEqual(await cli(['help', 'ship', 'parse']), { code: 2, stdout: '', stderr: `ftplog-otel help: takes one COMMAND (commands: ${names})\n` });
    const top = await cli(['help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: ftplog-otel <command> \[options\]\n/);
  });

  it('rejects an unknown command with exit 2 and one line on stderr', async () => {
    const r = await cli(['shipp']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'ftplog-otel: unknown command "shipp" (try --help)\n');
  });

  it('loads neither the receiver nor the HTTP client for `parse --help`', () => {
    // A fresh process: which modules `parse` pulls in decides its start-up time.
    const probe = `
      const { runCli } = await import(${JSON.stringify(new URL('../../src/cli/main.js', import.meta.url).href)});
      const { PassThrough, Readable } = await import('node:stream');
      const out = new PassThrough(); out.resume();
      await runCli(['parse', '--help'], { stdin: Readable.from([]), stdout: out, stderr: out, env: {}, signal: new AbortController().signal });
      const loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache);
      process.stdout.write(JSON.stringify({ http: process.moduleLoadList.some((m) => m === 'NativeModule http' || m === 'NativeModule https'), protos: loaded.some((f) => f.includes('otlp-transformer-protos')) }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { http: false, protos: false });
  });
});
