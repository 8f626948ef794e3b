import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { looksLikeVsftpd, parseVsftpdLine, renameSplit, vsftpdLineTime } from '../../src/formats/vsftpd.js';
import type { CivilTime, VsftpdEntry } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';

const TIME: CivilTime = { year: 2026, month: 12, day: 5, hour: 7, minute: 31, second: 53, millisecond: 0 };
const T = 'Sat Dec  5 07:31:53 2026';

function entry(fields: Partial<VsftpdEntry>): VsftpdEntry {
  return {
    format: 'vsftpd',
    time: TIME,
    pid: 15157,
    user: undefined,
    result: undefined,
    action: 'CONNECT',
    client: '127.0.0.1',
    path: undefined,
    target: undefined,
    mode: undefined,
    size: undefined,
    rate: undefined,
    anonPassword: undefined,
    message: undefined,
    ...fields,
  };
}

function ok(line: string, fields: Partial<VsftpdEntry>): void {
  assert.deepEqual(parseVsftpdLine(line), { kind: 'entry', entry: entry(fields) });
}

function failure(line: string): string {
  const r = parseVsftpdLine(line);
  assert.equal(r.kind, 'error', `expected an error, got ${JSON.stringify(r)}`);
  return (r as { reason: string }).reason;
}

describe('parseVsftpdLine', () => {
  it('CONNECT: no user, no result', () => ok(`${T} [pid 15157] CONNECT: Client "127.0.0.1"`, {}));

  it('OK and FAIL LOGIN, and an anonymous login with the password it gave', () => {
    ok(`${T} [pid 15157] [ftpuser] FAIL LOGIN: Client "127.0.0.1"`, { user: 'ftpuser', result: 'FAIL', action: 'LOGIN' });
    ok(`${T} [pid 15157] [ftpuser] OK LOGIN: Client "::1"`, { user: 'ftpuser', result: 'OK', action: 'LOGIN', client: '::1' });
    ok(`${T} [pid 15157] [ftp] OK LOGIN: Client "127.0.0.1", anon password "me@example.com"`, { user: 'ftp', result: 'OK', action: 'LOGIN', anonPassword: 'me@example.com' });
    ok(`${T} [pid 15157] [ftp] OK LOGIN: Client "127.0.0.1", anon password ""`, { user: 'ftp', result: 'OK', action: 'LOGIN', anonPassword: '' });
  });

  it('UPLOAD and DOWNLOAD: the quoted path (spaces, commas, quotes kept), bytes and rate counted from the end', () => {
    ok(`${T} [pid 8483] [ftpuser] OK UPLOAD: Client "127.0.0.1", "/home/ftpuser/my file.txt", 14 bytes, 27.40Kbyte/sec`, {
      pid: 8483, user: 'ftpuser', result: 'OK', action: 'UPLOAD', path: '/home/ftpuser/my file.txt', size: 14, rate: 27.4,
    });
    ok(`${T} [pid 8483] [ftpuser] FAIL DOWNLOAD: Client "127.0.0.1", "/a "b", 3 bytes, c", 655360 bytes, 2031746.03Kbyte/sec`, {
      pid: 8483, user: 'ftpuser', result: 'FAIL', action: 'DOWNLOAD', path: '/a "b", 3 bytes, c', size: 655360, rate: 2031746.03,
    });
  });

  it('a download of a file that could not be opened has no byte count', () => {
    ok(`${T} [pid 9266] [ftplog] FAIL DOWNLOAD: Client "127.0.0.1", "/home/ftplog/missing.txt", 0.00Kbyte/sec`, {
      pid: 9266, user: 'ftplog', result: 'FAIL', action: 'DOWNLOAD', path: '/home/ftplog/missing.txt', rate: 0,
    });
  });

  it('MKDIR, RMDIR, DELETE: one quoted path', () => {
    for (const action of ['MKDIR', 'RMDIR', 'DELETE']) {
      ok(`${T} [pid 15157] [u] OK ${action}: Client "127.0.0.1", "/home/u/sub dir"`, { user: 'u', result: 'OK', action, path: '/home/u/sub dir' });
    }
  });

  it('CHMOD: the path and the octal mode', () => {
    ok(`${T} [pid 15157] [u] OK CHMOD: Client "127.0.0.1", "/home/u/my file 600"`, { user: 'u', result: 'OK', action: 'CHMOD', path: '/home/u/my file', mode: '600' });
    assert.equal(failure(`${T} [pid 15157] [u] OK CHMOD: Client "127.0.0.1", "/home/u/f"`), 'expected "path mode" after the client of CHMOD: "/home/u/f"');
  });

  it('RENAME: source and target from one quoted string', () => {
    ok(`${T} [pid 15157] [u] OK RENAME: Client "127.0.0.1", "/a /b"`, { user: 'u', result: 'OK', action: 'RENAME', path: '/a', target: '/b' });
    ok(`${T} [pid 15157] [u] OK RENAME: Client "127.0.0.1", "/h/my file.txt /h/renamed.txt"`, { user: 'u', result: 'OK', action: 'RENAME', path: '/h/my file.txt', target: '/h/renamed.txt' });
  });

  it('the rename split: the only " /", else the first with both sides in one folder, else the first', () => {
    const split = (v: string): [string, string] => {
      const at = renameSplit(v);
      return [v.slice(0, at), v.slice(at + 1)];
    };
    assert.deepEqual(split('/h/a /b/c /h/a /b/d'), ['/h/a /b/c', '/h/a /b/d']);
    assert.deepEqual(split('/h/a /b/x /g/c'), ['/h/a', '/b/x /g/c']);
    assert.deepEqual(split('a b'), ['a', 'b']);
    assert.equal(renameSplit('a b c'), -1);
    assert.equal(renameSplit('/only'), -1);
    assert.equal(failure(`${T} [pid 1] [u] OK RENAME: Client "127.0.0.1", "a b c"`), 'cannot tell the source of a RENAME from its target: "a b c"');
  });

  it('the protocol lines of log_ftp_protocol=YES, before and after login', () => {
    ok(`${T} [pid 15157] FTP command: Client "127.0.0.1", "USER ftpuser"`, { action: 'FTP command', message: 'USER ftpuser' });
    ok(`${T} [pid 15157] [ftpuser] FTP response: Client "127.0.0.1", "230 Login successful."`, { user: 'ftpuser', action: 'FTP response', message: '230 Login successful.' });
  });

  it('a user name holding brackets, spaces and the client marker (a failed login keeps what the client sent)', () => {
    ok(`${T} [pid 1] [a] OK x] FAIL LOGIN: Client "127.0.0.1"`, { pid: 1, user: 'a] OK x', result: 'FAIL', action: 'LOGIN' });
    ok(`${T} [pid 1] [a: Client "x] FAIL LOGIN: Client "127.0.0.1"`, { pid: 1, user: 'a: Client "x', result: 'FAIL', action: 'LOGIN' });
  });

  it('an action word it does not know is kept', () => {
    ok(`${T} [pid 1] [u] OK SYMLINK: Client "127.0.0.1", "/a"`, { pid: 1, user: 'u', result: 'OK', action: 'SYMLINK', path: '/a' });
  });

  it('ignores a CR of a CRLF file; skips blank lines', () => {
    ok(`${T} [pid 15157] CONNECT: Client "127.0.0.1"\r`, {});
    assert.deepEqual(parseVsftpdLine(''), { kind: 'skip', reason: 'blank' });
    assert.deepEqual(parseVsftpdLine(' \r'), { kind: 'skip', reason: 'blank' });
  });

  describe('malformed lines are errors with a reason', () => {
    const cases: [string, string][] = [
      ['Sat Dec  5 07:31:53 [pid 1] CONNECT: Client "x"', 'invalid time stamp "Sat Dec  5 07:31:53 [pid": expected "Www Mmm dd hh:mm:ss yyyy"'],
      [`${T} CONNECT: Client "127.0.0.1"`, 'missing "[pid N]" after the time stamp'],
      [`${T} [pid x] CONNECT: Client "127.0.0.1"`, 'missing "[pid N]" after the time stamp'],
      [`${T} [pid 1] connect: Client "127.0.0.1"`, 'expected "[user] OK|FAIL ACTION: Client "address"" after the pid: "connect: Client "127.0.0.1""'],
      [`${T} [pid 1] [u] OK LOGIN`, 'expected "[user] OK|FAIL ACTION: Client "address"" after the pid: "[u] OK LOGIN"'],
      [`${T} [pid 1] u OK LOGIN: Client "127.0.0.1"`, 'expected "[user] OK|FAIL ACTION: Client "address"" after the pid: "u OK LOGIN: Client "127.0.0.1""'],
      [`${T} [pid 1] [u] OK LOGIN: Client "127.0.0.1`, 'client address without its closing quote'],
      [`${T} [pid 1] [u] OK LOGIN: Client "127.0.0.1"x`, 'unexpected text after the client: "x"'],
      [`${T} [pid 1] [u] OK LOGIN: Client "127.0.0.1", hello`, 'unexpected text after the client of a LOGIN: "hello"'],
      [`${T} [pid 1] [u] OK UPLOAD: Client "127.0.0.1", "/a", 14 bytes`, 'expected "path", N bytes, R Kbyte/sec after the client of UPLOAD: ""/a", 14 bytes"'],
      [`${T} [pid 1] [u] OK UPLOAD: Client "127.0.0.1", "/a", 14 bytes, 2.1Kbyte/se`, 'expected "path", N bytes, R Kbyte/sec after the client of UPLOAD: ""/a", 14 bytes, 2.1Kbyte/se"'],
      [`${T} [pid 1] [u] OK MKDIR: Client "127.0.0.1", "/a`, 'expected a quoted value after the client of MKDIR: ""/a"'],
    ];
    for (const [line, reason] of cases) {
      it(JSON.stringify(line), () => assert.equal(failure(line), reason));
    }
  });

  describe('real lines written by vsftpd 3.0.3 (test/fixtures/vsftpd)', () => {
    const lines = readFileSync(fixture('vsftpd', 'vsftpd-3.0.3.log'), 'utf8').split('\n').filter((l) => l !== '');
    const entries = lines.map((l) => {
      const r = parseVsftpdLine(l);
      assert.equal(r.kind, 'entry', `${l}: ${JSON.stringify(r)}`);
      return (r as { entry: VsftpdEntry }).entry;
    });

    it('every line parses; the actions as logged', () => {
      assert.equal(entries.length, 61);
      const count = (a: string, r?: string): number => entries.filter((e) => e.action === a && e.result === r).length;
      assert.deepEqual(
        [count('CONNECT'), count('LOGIN', 'OK'), count('LOGIN', 'FAIL'), count('UPLOAD', 'OK'), count('DOWNLOAD', 'OK'), count('DOWNLOAD', 'FAIL'), count('MKDIR', 'OK'), count('MKDIR', 'FAIL'), count('RMDIR', 'OK'), count('RENAME', 'OK'), count('DELETE', 'OK'), count('DELETE', 'FAIL'), count('CHMOD', 'OK')],
        [22, 20, 1, 3, 5, 2, 2, 1, 1, 1, 1, 1, 1],
      );
    });

    it('the rename, the aborted download and the anonymous login', () => {
      const rename = entries.find((e) => e.action === 'RENAME')!;
      assert.deepEqual([rename.path, rename.target], ['/var/lib/ftplog-otel-ftp/home/s2121/a;b.txt', '/var/lib/ftplog-otel-ftp/home/s2121/renamed.txt']);
      const aborted = entries.find((e) => e.action === 'DOWNLOAD' && e.result === 'FAIL')!;
      assert.deepEqual([aborted.path, aborted.size], ['/var/lib/ftplog-otel-ftp/home/s2121/big.bin', 655360]);
      assert.deepEqual(entries.filter((e) => e.anonPassword !== undefined).map((e) => [e.user, e.anonPassword]), [['ftp', 'me@example.com'], ['ftp', '?'], ['ftp', 'x@y']]);
    });
  });
});

describe('looksLikeVsftpd and vsftpdLineTime', () => {
  it('a time stamp followed by [pid N] is vsftpd\'s log; xferlog is not', () => {
    assert.equal(looksLikeVsftpd(`${T} [pid 15157] CONNECT: Client "127.0.0.1"`), true);
    assert.equal(looksLikeVsftpd(`${T} [pid 15157] anything`), true);
    assert.equal(looksLikeVsftpd(`${T} 1 127.0.0.1 14 /f b _ i r u ftp 0 * c`), false);
    assert.equal(looksLikeVsftpd('[pid 1] CONNECT'), false);
  });

  it('the time of a line that does not parse', () => {
    assert.deepEqual(vsftpdLineTime(`${T} [pid x]`), TIME);
    assert.equal(vsftpdLineTime('x'), undefined);
  });
});
