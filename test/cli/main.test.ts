import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { COMMANDS } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('ftplog-otel (dispatch)', () => {
  it('lists every command in --help, and each one loads the command of its name', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.deepEqual(
      COMMANDS.map((c) => c.name),
      ['ship', 'parse', 'stats', 'run', 'validate', 'test', 'receive', 'explain', 'demo'],
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

  it('starts every line a command writes to stderr with "ftplog-otel <command>: "', async () => {
    for (const entry of COMMANDS) {
      const r = await cli([entry.name, '--no-such-flag']);
      assert.deepEqual(r, { code: 2, stdout: '', stderr: `ftplog-otel ${entry.name}: Unknown option '--no-such-flag'\n` }, entry.name);
    }
    const bad: Record<string, [string[], string]> = {
      ship: [['--batch-size', '0'], '--batch-size must be an integer from 1 to 1000000 (got "0")'],
      parse: [['--workers', 'x'], '--workers must be auto or an integer from 0 to 64 (got "x")'],
      stats: [['--top', '0'], '--top must be an integer from 1 to 1000 (got "0")'],
      receive: [['--port', 'x'], '--port must be an integer from 0 to 65535 (got "x")'],
      explain: [['1', '2'], 'takes exactly one CODE (see --help)'],
      demo: [['--format', 'x'], '--format must be eft | ncftpd | xferlog | vsftpd | auto (got "x")'],
      run: [['a.yaml', 'b.yaml'], 'run takes one PIPELINE file (got 2)'],
      validate: [[], 'validate takes one PIPELINE file (got 0)'],
      test: [['/nonexistent/p.yaml'], '/nonexistent/p.yaml: no such file'],
    };
    assert.deepEqual(Object.keys(bad).sort(), COMMANDS.map((c) => c.name).sort());
    for (const [name, [args, message]] of Object.entries(bad)) {
      assert.deepEqual(await cli([name, ...args]), { code: 2, stdout: '', stderr: `ftplog-otel ${name}: ${message}\n` }, name);
    }
    const missing = '/nonexistent/cl241118.log';
    const runs: [string, string[]][] = [
      ['parse', ['parse', missing]],
      ['stats', ['stats', missing]],
      ['ship', ['ship', '--endpoint', 'http://127.0.0.1:9', missing]],
    ];
    for (const [name, args] of runs) {
      const r = await cli(args);
      assert.equal(r.code, 1, name);
      assert.equal(r.stderr.split('\n')[0], `ftplog-otel ${name}: ${missing}: no such file or directory`, name);
      for (const line of r.stderr.trimEnd().split('\n')) assert.ok(line.startsWith(`ftplog-otel ${name}: `), `${name}: ${line}`);
    }
  });

  it("gives each command in the README's table the operands of a usage line of its --help", async () => {
    // Operands only: flags and [options] are left out, `[FILE...]` and `FILE...` differ.
    const operands = (usage: string): string =>
      usage
        .replace(/\[[^\]]*--[^\]]*\]/g, '')
        .replace(/\[options\]|--\S+( [A-Z]+\b)?/g, '')
        .trim()
        .replace(/\s+/g, ' ');
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `ftplog-otel (\w+) ([^`]*)` \|/gm)];
    assert.deepEqual([...new Set(rows.map((m) => m[1]))], COMMANDS.map((c) => c.name));
    for (const [, name, usage] of rows) {
      const help = (await cli([name!, '--help'])).stdout;
      const lines = [...help.matchAll(new RegExp(`^(?:Usage:)? +ftplog-otel ${name} (.*)$`, 'gm'))].map((m) => operands(m[1]!));
      assert.ok(lines.includes(operands(usage!)), `README: ftplog-otel ${name} ${usage}; --help: ${lines.join(' / ')}`);
    }
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
