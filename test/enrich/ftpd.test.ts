import assert from 'node:assert/strict';
import { createCountingEnricher, newEnrichStats } from '../../src/enrich/enrich.js';
import { parseVsftpdLine } from '../../src/formats/vsftpd.js';
import { parseXferlogLine } from '../../src/formats/xferlog.js';
import type { FtpLogRecord, LogLine, ParsedLine } from '../../src/model.js';

const NOW = Date.parse('2026-12-06T00:00:00.000Z');
const enrich = createCountingEnricher({ timezone: 'America/Chicago', now: () => NOW });
const counts = newEnrichStats();

function line(text: string, file: string): LogLine {
  return { text, position: { file, line: 1, offset: 10 } };
}

function xferlog(text: string): FtpLogRecord {
  const r = parseXferlogLine(text);
  assert.equal(r.kind, 'entry', `parse ${text}: ${JSON.stringify(r)}`);
  return enrich({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text, '/var/log/xferlog') } as ParsedLine, counts);
}

function vsftpd(text: string): FtpLogRecord {
  const r = parseVsftpdLine(text);
  assert.equal(r.kind, 'entry', `parse ${text}: ${JSON.stringify(r)}`);
  return enrich({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text, '/var/log/vsftpd.log') } as ParsedLine, counts);
}

const XFERLOG_FILE = { 'log.file.path': '/var/log/xferlog', 'log.file.name': 'xferlog', 'log.file.record_number': 1 };
const VSFTPD_FILE = { 'log.file.path': '/var/log/vsftpd.log', 'log.file.name': 'vsftpd.log', 'log.file.record_number': 1 };
// 21:41:54 in Chicago (CST, UTC-6).
const TIMESTAMP = Date.parse('2026-12-06T03:41:54.000Z');

describe('enrich: xferlog', () => {
  it('a complete upload by a real user', () => {
    const text = 'Sat Dec  5 21:41:54 2026 1 127.0.0.1 14 /home/ftpuser/my_file.txt b _ i r ftpuser ftp 0 * c';
    assert.deepEqual(xferlog(text), {
      timestamp: TIMESTAMP,
      observedTimestamp: NOW,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'ftp.upload',
      body: text,
      attributes: {
        'ftp.log.format': 'xferlog',
        'ftp.operation': 'upload',
        'ftp.outcome': 'success',
        'ftp.status.kind': 'xferlog',
        'ftp.status.name': 'complete',
        'ftp.status.description': 'transfer complete',
        'network.protocol.name': 'ftp',
        'client.address': '127.0.0.1',
        'user.name': 'ftpuser',
        'ftp.access_mode': 'real',
        'file.path': '/home/ftpuser/my_file.txt',
        'ftp.transfer.bytes': 14,
        'ftp.transfer.duration': 1,
        'ftp.transfer.type': 'binary',
        ...XFERLOG_FILE,
      },
      position: { file: '/var/log/xferlog', line: 1, offset: 10 },
    });
  });

  it('an incomplete download is a failure without a cause: WARN, error.type incomplete, and a description that says the log gives none', () => {
    const r = xferlog('Sat Dec  5 21:41:54 2026 1 127.0.0.1 655360 /home/u/big.bin b _ o r u ftp 0 * i');
    assert.deepEqual([r.severityText, r.severityNumber, r.eventName], ['WARN', 13, 'ftp.download']);
    assert.equal(r.attributes['ftp.outcome'], 'failure');
    assert.equal(r.attributes['error.type'], 'incomplete');
    assert.equal(r.attributes['ftp.status.name'], 'incomplete');
    assert.equal(r.attributes['ftp.status.description'], 'transfer incomplete; the log does not say why');
  });

  it('an anonymous user: the identification string as user.email, no user.name; an empty one is omitted', () => {
    const a = xferlog('Sat Dec  5 21:41:54 2026 1 127.0.0.1 31 /welcome.txt a _ o a me@example.com ftp 0 * c');
    assert.deepEqual([a.attributes['user.email'], a.attributes['user.name'], a.attributes['ftp.access_mode'], a.attributes['ftp.transfer.type']], ['me@example.com', undefined, 'anonymous', 'ascii']);
    const empty = xferlog('Sat Dec 05 21:41:54 2026 0 127.0.0.1 31 /welcome.txt b _ o a  ftp 0 * c');
    assert.equal('user.email' in empty.attributes, false);
    assert.equal('user.name' in empty.attributes, false);
  });

  it('a delete (ProFTPD): no transfer type; a guest, ftps, conversions and an ident user', () => {
    const d = xferlog('Sat Dec 05 21:41:54 2026 0 127.0.0.1 13 /home/u/renamed.txt a _ d r u ftp 0 * c');
    assert.deepEqual([d.eventName, d.attributes['ftp.operation'], 'ftp.transfer.type' in d.attributes], ['ftp.delete', 'delete', false]);
    const g = xferlog('Sat Dec 05 21:41:54 2026 2 host.example 10 /pub/a.tar.gz b CT o g visitor ftps 1 ident c');
    assert.deepEqual(
      [g.attributes['network.protocol.name'], g.attributes['ftp.access_mode'], g.attributes['user.name'], g.attributes['ftp.transfer.conversions'], g.attributes['ftp.auth.user_id'], g.attributes['client.address']],
      ['ftps', 'guest', 'visitor', ['compress', 'tar'], 'ident', 'host.example'],
    );
  });
});

describe('enrich: vsftpd log', () => {
  const T = 'Sat Dec  5 21:41:54 2026';

  it('a failed login is ftp.login, failure, ERROR', () => {
    const text = `${T} [pid 15157] [ftpuser] FAIL LOGIN: Client "127.0.0.1"`;
    assert.deepEqual(vsftpd(text), {
      timestamp: TIMESTAMP,
      observedTimestamp: NOW,
      severityNumber: 17,
      severityText: 'ERROR',
      eventName: 'ftp.login',
      body: text,
      attributes: {
        'ftp.log.format': 'vsftpd.log',
        'ftp.operation': 'login',
        'ftp.outcome': 'failure',
        'error.type': 'login_failed',
        'ftp.status.kind': 'vsftpd',
        'ftp.status.name': 'FAIL',
        'ftp.status.description': 'login failed; the log does not say why',
        'network.protocol.name': 'ftp',
        'client.address': '127.0.0.1',
        'user.name': 'ftpuser',
        'process.pid': 15157,
        ...VSFTPD_FILE,
      },
      position: { file: '/var/log/vsftpd.log', line: 1, offset: 10 },
    });
  });

  it('an anonymous login: the password as user.email', () => {
    const r = vsftpd(`${T} [pid 1] [ftp] OK LOGIN: Client "127.0.0.1", anon password "me@example.com"`);
    assert.deepEqual([r.severityText, r.attributes['ftp.outcome'], r.attributes['user.name'], r.attributes['user.email'], r.attributes['ftp.status.name']], ['INFO', 'success', 'ftp', 'me@example.com', 'OK']);
  });

  it('an upload with bytes and rate; a failed download is WARN, as xferlog\'s incomplete one', () => {
    const up = vsftpd(`${T} [pid 1] [u] OK UPLOAD: Client "127.0.0.1", "/h/my file.txt", 14 bytes, 27.40Kbyte/sec`);
    assert.deepEqual([up.eventName, up.attributes['file.path'], up.attributes['ftp.transfer.bytes'], up.attributes['ftp.transfer.rate']], ['ftp.upload', '/h/my file.txt', 14, 27.4]);
    const down = vsftpd(`${T} [pid 1] [u] FAIL DOWNLOAD: Client "127.0.0.1", "/h/missing", 0.00Kbyte/sec`);
    assert.deepEqual([down.severityText, down.attributes['error.type'], 'ftp.transfer.bytes' in down.attributes], ['WARN', 'download_failed', false]);
  });

  it('rename, chmod, rmdir (a delete), mkdir failure', () => {
    const rename = vsftpd(`${T} [pid 1] [u] OK RENAME: Client "127.0.0.1", "/h/a /h/b"`);
    assert.deepEqual([rename.eventName, rename.attributes['file.path'], rename.attributes['ftp.target.path']], ['ftp.rename', '/h/a', '/h/b']);
    const chmod = vsftpd(`${T} [pid 1] [u] OK CHMOD: Client "127.0.0.1", "/h/a 600"`);
    assert.deepEqual([chmod.eventName, chmod.attributes['file.mode']], ['ftp.chmod', '600']);
    assert.equal(vsftpd(`${T} [pid 1] [u] OK RMDIR: Client "127.0.0.1", "/h/d"`).eventName, 'ftp.delete');
    const mkdir = vsftpd(`${T} [pid 1] [u] FAIL MKDIR: Client "127.0.0.1", "/h/d"`);
    assert.deepEqual([mkdir.severityText, mkdir.attributes['error.type']], ['ERROR', 'mkdir_failed']);
  });

  it('CONNECT succeeds; a protocol line has no outcome to tell; an unknown action keeps its word', () => {
    const c = vsftpd(`${T} [pid 1] CONNECT: Client "127.0.0.1"`);
    assert.deepEqual([c.eventName, c.attributes['ftp.outcome'], 'user.name' in c.attributes, 'ftp.status.kind' in c.attributes], ['ftp.connect', 'success', false, false]);
    const p = vsftpd(`${T} [pid 1] [u] FTP command: Client "127.0.0.1", "STOR x"`);
    assert.deepEqual([p.eventName, p.attributes['ftp.outcome'], p.attributes['ftp.message'], p.severityText], ['ftp.command', 'unknown', 'STOR x', 'INFO']);
    assert.equal(vsftpd(`${T} [pid 1] [u] OK SYMLINK: Client "127.0.0.1", "/a"`).eventName, 'ftp.symlink');
  });

  it('counts records by outcome', () => {
    const mine = newEnrichStats();
    for (const text of [`${T} [pid 1] CONNECT: Client "x"`, `${T} [pid 1] [u] FAIL LOGIN: Client "x"`, `${T} [pid 1] FTP command: Client "x", "USER u"`]) {
      const r = parseVsftpdLine(text);
      enrich({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text, 'v') } as ParsedLine, mine);
    }
    assert.deepEqual(mine, { records: 3, success: 1, failure: 1, unknown: 1, parseErrors: 0 });
  });
});
