import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { colourWanted } from '../../src/cli/parse.js';

const EXAMPLES = join(projectRoot, 'examples', 'logs');
const EXPECTED = readFileSync(fixture('pretty', 'examples.txt'), 'utf8');

describe('ftplog-otel parse --pretty', () => {
  it('shows the examples one line per record, without colour when stdout is not a terminal', async () => {
    const r = await cli(['parse', '--pretty', '--quiet', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, EXPECTED);
  });

  it('shows the same with worker threads asked for (the view reads on the main thread)', async () => {
    const r = await cli(['parse', '--pretty', '--quiet', '--workers', '2', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, EXPECTED);
  });

  it('writes its summary to stderr as without --pretty', async () => {
    const r = await cli(['parse', '--pretty', '--timezone', 'America/Chicago', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^ftplog-otel parse: 2 input\(s\), 80 lines, 80 records \(success 67, failure 11, unknown 0, parse errors 2\)/);
  });

  it('colours with FORCE_COLOR even off a terminal, and NO_COLOR does not stop it', async () => {
    const r = await cli(['parse', '--pretty', '--quiet', '--timezone', 'America/Chicago', EXAMPLES], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(
      lines[0],
      '\x1b[2m2024-11-18 07:01:52Z\x1b[22m  INFO   ftp.upload    success  müller.k  198.51.100.23  /ap/inbox/Rechnung 08353.pdf  SSH_FX_OK (0)',
    );
    assert.equal(
      lines[2],
      '\x1b[2m2024-11-18 07:01:55Z\x1b[22m  \x1b[31mERROR\x1b[39m  ftp.download  \x1b[31m\x1b[1mfailure\x1b[22m\x1b[39m  müller.k  198.51.100.23  /ap/inbox/INV-2024-477527.pdf  \x1b[31mSSH_FX_NO_SUCH_FILE (2)\x1b[39m',
    );
    assert.equal(
      lines.find((l) => l.includes('parse_error')),
      '\x1b[2m2024-11-18 08:31:34Z\x1b[22m  \x1b[33mWARN \x1b[39m  ftplog.parse_error  \x1b[33mexpected 9 or 10 fields, found 3 (cl241118.log:24)\x1b[39m  \x1b[2m| 2024-11-18 02:31:34; https; ftp.lucerne-publishing.ch\x1b[22m',
    );
    // Without the codes it is the plain view.
    assert.equal(r.stdout.replace(/\x1b\[\d+m/g, ''), EXPECTED);
  });

  it('never sends a control character from a log line to the terminal', async () => {
    const line = '2024-11-18 01:01:52; sftp; 198.51.100.23; 22; evil\x1b[2J; C:\\in\\x.pdf; /in/\u202etxt.exe; upload; 0; 0;\n';
    const r = await cli(['parse', '--pretty', '--quiet', '--format', 'eft', '--timezone', 'UTC', '-'], { stdin: line, env: { FORCE_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    const plain = r.stdout.replace(/\x1b\[\d+m/g, '');
    assert.equal(plain, '2024-11-18 01:01:52Z  INFO   ftp.upload    success  evil\\x1b[2J  198.51.100.23  /in/\\u202etxt.exe  SSH_FX_OK (0)\n');
    assert.doesNotMatch(plain, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('escapes control characters in the raw line of a parse error', async () => {
    const r = await cli(['parse', '--pretty', '--quiet', '--format', 'ncftpd', '--timezone', 'UTC', '-'], { stdin: 'garbage\x1b[2J\u2067here\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^-\s+WARN\s+ftplog\.parse_error {2}.+ {2}\| garbage\\x1b\[2J\\u2067here\n$/);
  });

  it('refuses a value given to the flag (exit 2)', async () => {
    const r = await cli(['parse', '--pretty=yes', EXAMPLES]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /pretty/);
  });

  it('exits 1 when an input cannot be read, as without --pretty', async () => {
    const r = await cli(['parse', '--pretty', '--quiet', join(projectRoot, 'no-such-file.log')]);
    assert.equal(r.code, 1);
  });

  it('lists --pretty in the help, with how colour is chosen', async () => {
    const r = await cli(['parse', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--pretty +one line per record/);
    assert.match(r.stdout, /NO_COLOR/);
    assert.match(r.stdout, /FORCE_COLOR/);
  });
});

describe('colourWanted', () => {
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  const pipe = new PassThrough();
  const cases: [string, NodeJS.ProcessEnv, NodeJS.WritableStream, boolean][] = [
    ['a terminal', {}, tty, true],
    ['a pipe', {}, pipe, false],
    ['a terminal with NO_COLOR', { NO_COLOR: '1' }, tty, false],
    ['a terminal with NO_COLOR empty (unset, by the convention)', { NO_COLOR: '' }, tty, true],
    ['a terminal with TERM=dumb', { TERM: 'dumb' }, tty, false],
    ['a pipe with FORCE_COLOR=1', { FORCE_COLOR: '1' }, pipe, true],
    ['a pipe with FORCE_COLOR empty', { FORCE_COLOR: '' }, pipe, true],
    ['a terminal with FORCE_COLOR=0', { FORCE_COLOR: '0' }, tty, false],
    ['a terminal with FORCE_COLOR=false', { FORCE_COLOR: 'false' }, tty, false],
    ['a pipe with FORCE_COLOR and NO_COLOR', { FORCE_COLOR: '1', NO_COLOR: '1' }, pipe, true],
  ];
  for (const [name, env, out, want] of cases) {
    it(`${want ? 'colours' : 'does not colour'} on ${name}`, () => assert.equal(colourWanted(env, out), want));
  }
});
