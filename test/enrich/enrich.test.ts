import assert from 'node:assert/strict';
import { createCountingEnricher, createEnricher, newEnrichStats } from '../../src/enrich/enrich.js';
import { parseEftLine } from '../../src/formats/eft.js';
import { parseNcftpdLine } from '../../src/formats/ncftpd.js';
import type { FtpLogRecord, LogLine, ParsedLine } from '../../src/model.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');
const enrichOne = createEnricher({ timezone: 'America/Chicago', now: () => NOW });

function line(text: string, file = '/var/log/eft/cl060306.log', n = 1): LogLine {
  return { text, position: { file, line: n, offset: 100 } };
}

function eft(text: string): FtpLogRecord {
  const r = parseEftLine(text);
  assert.equal(r.kind, 'entry', `parse ${text}: ${JSON.stringify(r)}`);
  return enrichOne({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text) } as ParsedLine);
}

function ncftpd(text: string): FtpLogRecord {
  const r = parseNcftpdLine(text);
  assert.equal(r.kind, 'entry', `parse ${text}: ${JSON.stringify(r)}`);
  return enrichOne({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text, 'xfer.20100111') } as ParsedLine);
}

describe('enrich: EFT client log', () => {
  it('maps the vendor example to the standardized record', () => {
    const text = '2006-03-06 10:11:03; ftp; 192.168.20.171; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;';
    assert.deepEqual(eft(text), {
      timestamp: Date.parse('2006-03-06T16:11:03.000Z'),
      observedTimestamp: NOW,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'ftp.download',
      body: text,
      attributes: {
        'ftp.log.format': 'eft.client',
        'ftp.operation': 'download',
        'ftp.outcome': 'success',
        'ftp.status.code': 226,
        'ftp.status.kind': 'ftp_reply',
        'ftp.status.description': 'Transfer complete',
        'network.protocol.name': 'ftp',
        'server.address': '192.168.20.171',
        'server.port': 21,
        'user.name': 'ClientA',
        'file.path': '/test1.txt',
        'ftp.local.path': 'C:\\test1.txt',
        'log.file.path': '/var/log/eft/cl060306.log',
        'log.file.name': 'cl060306.log',
        'log.file.record_number': 1,
      },
      position: { file: '/var/log/eft/cl060306.log', line: 1, offset: 100 },
    });
  });

  it('omits server.address for an empty host', () => {
    const r = eft('2006-03-06 10:11:03; ftp;; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;');
    assert.equal('server.address' in r.attributes, false);
  });

  const table: [string, string, number, string, string | undefined, Record<string, unknown>][] = [
    // [line, outcome, severityNumber, eventName, error.type, more expected attributes]
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 530;', 'failure', 17, 'ftp.download', 'ftp_530', { 'ftp.status.kind': 'ftp_reply' }],
    ['2024-11-18 08:00:00; ftps; h; 990; u; C:\\a; /a; upload; 421;', 'failure', 13, 'ftp.upload', 'ftp_421', {}],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 150;', 'unknown', 9, 'ftp.download', undefined, {}],
    ['2024-11-18 08:00:00; sftp; h; 22; u; C:\\a; /a; download; 2;', 'failure', 17, 'ftp.download', 'SSH_FX_NO_SUCH_FILE', { 'ftp.status.name': 'SSH_FX_NO_SUCH_FILE', 'ftp.status.kind': 'sftp' }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 2;', 'failure', 17, 'ftp.download', 'eft_2', { 'ftp.status.kind': 'eft' }],
    ['2024-11-18 08:00:00; SFTP; h; 22; u; C:\\a; /a; upload; 0;', 'success', 9, 'ftp.upload', undefined, { 'network.protocol.name': 'sftp' }],
    ['2024-11-18 08:00:00; sftp; h; 22; u; C:\\a; /a; upload; -1;', 'failure', 17, 'ftp.upload', 'sftp_-1', {}],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 10060;', 'failure', 17, 'ftp.download', 'WSAETIMEDOUT', { 'ftp.status.kind': 'winsock', 'ftp.status.name': 'WSAETIMEDOUT' }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 2000;', 'failure', 17, 'ftp.download', 'eft_2000', {}],
    ['2024-11-18 08:00:00; https; h; 443; u; C:\\a; /a; download; 404;', 'failure', 17, 'ftp.download', 'http_404', { 'http.response.status_code': 404, 'ftp.status.kind': 'http' }],
    ['2024-11-18 08:00:00; scp; h; 22; u; C:\\a; /a; download; 226;', 'unknown', 9, 'ftp.download', undefined, { 'ftp.status.kind': 'unknown' }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; Copy Folder; 226;', 'success', 9, 'ftp.copy_folder', undefined, { 'ftp.operation': 'copy_folder' }],
    // ACTION_RESULT decides
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226; 0;', 'success', 9, 'ftp.download', undefined, { 'eft.action_result': 0, 'eft.outcome_mismatch': false }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 530; 1;', 'failure', 17, 'ftp.download', 'ftp_530', { 'eft.action_result': 1, 'eft.outcome_mismatch': false }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226; 1;', 'failure', 17, 'ftp.download', 'eft_action_failed', { 'eft.outcome_mismatch': true }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 550; 0;', 'success', 9, 'ftp.download', undefined, { 'eft.outcome_mismatch': true }],
    ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 150; 1;', 'failure', 17, 'ftp.download', 'eft_action_failed', { 'eft.outcome_mismatch': false }],
  ];
  for (const [text, outcome, sev, eventName, errorType, more] of table) {
    it(`${text.split('; ').slice(1).join(' ')} -> ${outcome} ${errorType ?? ''}`, () => {
      const r = eft(text);
      assert.equal(r.attributes['ftp.outcome'], outcome);
      assert.equal(r.severityNumber, sev);
      assert.equal(r.severityText, sev === 9 ? 'INFO' : sev === 13 ? 'WARN' : 'ERROR');
      assert.equal(r.eventName, eventName);
      assert.equal(r.attributes['error.type'], errorType);
      for (const [k, v] of Object.entries(more)) assert.deepEqual(r.attributes[k], v, k);
    });
  }
});

describe('enrich: NcFTPd transfer log', () => {
  it('maps an R entry with every field', () => {
    const text = '1996-08-26 00:22:11 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,mozilla@my.host.com,actual.host.com,.tar.gz,OK,I,PsSf,841036734,RMf0YAABAAEA,4637440,10000,';
    const r = ncftpd(text);
    assert.equal(r.timestamp, Date.parse('1996-08-26T05:22:11.000Z'));
    assert.equal(r.eventName, 'ftp.download');
    assert.equal(r.severityText, 'INFO');
    assert.deepEqual(r.attributes, {
      'ftp.log.format': 'ncftpd.xfer',
      'ftp.operation': 'download',
      'ftp.outcome': 'success',
      'ftp.status.kind': 'ncftpd',
      'ftp.status.name': 'OK',
      'ftp.status.description': r.attributes['ftp.status.description'],
      'network.protocol.name': 'ftp',
      'client.address': 'actual.host.com',
      'user.name': 'anonymous',
      'user.email': 'mozilla@my.host.com',
      'file.path': '/home/ftp/pub/big.file',
      'session.id': 'RMf0YAABAAEA',
      'ncftpd.process': '#u2',
      'ftp.transfer.bytes': 4627440,
      'ftp.transfer.duration': 23.223,
      'ftp.transfer.rate': 194.591,
      'ftp.transfer.type': 'binary',
      'ftp.transfer.notes': ['Ps', 'Sf'],
      'ftp.transfer.suffix': '.tar.gz',
      'ftp.transfer.start_time': 841036734,
      'ftp.transfer.start_size': 4637440,
      'ftp.transfer.start_offset': 10000,
      'log.file.path': 'xfer.20100111',
      'log.file.name': 'xfer.20100111',
      'log.file.record_number': 1,
    });
    assert.equal(typeof r.attributes['ftp.status.description'], 'string');
  });

  const table: [string, string, number, string, Record<string, unknown>][] = [
    ['2011-02-06 10:16:08 #u4 | S,/in/f.txt,41,0.007,5.856,bob,,10.0.0.1,,ABOR,A,Po,1294215368,TSQoxwAEEbkA,41,0,', 'failure', 13, 'ftp.upload', { 'error.type': 'ABOR', 'ftp.transfer.type': 'ascii' }],
    ['2011-02-06 10:16:08 #u4 | R,/f.txt,41,0.007,5.856,bob,,10.0.0.1,,INCOMPLETE,I,Po,1294215368,TSQoxwAEEbkA,41,0,', 'failure', 13, 'ftp.download', { 'error.type': 'INCOMPLETE' }],
    ['2011-02-06 10:16:08 #u4 | R,/f.txt,0,0.000,0.000,bob,,10.0.0.1,,PERM,I,Po,1294215368,TSQoxwAEEbkA,-1,-1,', 'failure', 17, 'ftp.download', { 'error.type': 'PERM', 'ftp.status.name': 'PERM' }],
    ['2011-02-06 10:16:08 #u4 | R,/f.txt,0,0.000,0.000,bob,,10.0.0.1,,NOENT,I,Po,1294215368,TSQoxwAEEbkA,-1,-1,', 'failure', 17, 'ftp.download', { 'error.type': 'NOENT' }],
    ['2011-02-06 10:16:08 #u4 | R,/f.txt,0,0.000,0.000,bob,,10.0.0.1,,ERROR,I,Po,1294215368,TSQoxwAEEbkA,-1,-1,', 'failure', 17, 'ftp.download', { 'error.type': 'ERROR' }],
    ['2011-01-05 00:15:55 #u4     | T,/home/adelitas/20100101,OK,,,2M@nYL0G-z,,my.odd--host.local,TSQouwAEEbgA,', 'success', 9, 'ftp.list', { 'ftp.list.recursive': false, 'user.name': '2M@nYL0G-z' }],
    ['2010-01-11 12:47:44 #u2     | D,/home/sshaw/.cshrc,,,,opc,,16.14.22.99,S0uObwACwXoA,', 'success', 9, 'ftp.delete', { 'client.address': '16.14.22.99' }],
    ['2010-01-11 13:37:20 #u4     | M,/Users/x/Cal,,,,suemi,,186.14.2.22,S0uZ6AAEv9kA,', 'success', 9, 'ftp.mkdir', { 'session.id': 'S0uZ6AAEv9kA' }],
    ['2010-01-11 15:42:17 #u5     | C,/x/large-sprite.gif,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,', 'success', 9, 'ftp.chmod', { 'file.mode': '644' }],
    ['2010-01-11 14:35:00 #u4     | N,/docs/HP 2011.xml,to,/docs/HP PART II.xml,,ftp,sshaw@lucas.cis.temple.edu,localhost,S0unlAAEwGoA,', 'success', 9, 'ftp.rename', { 'file.path': '/docs/HP 2011.xml', 'ftp.target.path': '/docs/HP PART II.xml' }],
  ];
  for (const [text, outcome, sev, eventName, more] of table) {
    it(`${text.slice(text.indexOf('|') + 2, text.indexOf('|') + 3)} ${outcome} ${JSON.stringify(more).slice(0, 40)}`, () => {
      const r = ncftpd(text);
      assert.equal(r.attributes['ftp.outcome'], outcome);
      assert.equal(r.severityNumber, sev);
      assert.equal(r.eventName, eventName);
      for (const [k, v] of Object.entries(more)) assert.deepEqual(r.attributes[k], v, k);
      if (outcome !== 'failure') assert.equal('error.type' in r.attributes, false);
    });
  }
});

describe('enrich: parse errors', () => {
  it('turns a parse failure into a WARN ftplog.parse_error record with the raw line', () => {
    const r = enrichOne({ kind: 'error', format: 'eft', reason: 'expected 9 or 10 fields, found 2', line: line('garbage; here') });
    assert.deepEqual(r, {
      timestamp: undefined,
      observedTimestamp: NOW,
      severityNumber: 13,
      severityText: 'WARN',
      eventName: 'ftplog.parse_error',
      body: 'garbage; here',
      attributes: {
        'ftp.log.format': 'eft.client',
        'log.file.path': '/var/log/eft/cl060306.log',
        'log.file.name': 'cl060306.log',
        'log.file.record_number': 1,
        'ftplog.error': 'expected 9 or 10 fields, found 2',
      },
      position: { file: '/var/log/eft/cl060306.log', line: 1, offset: 100 },
    });
  });
});

describe('createCountingEnricher', () => {
  it('counts each record under the outcome it carries, and parse errors apart', () => {
    const lines: [string, 'eft' | 'ncftpd'][] = [
      ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;', 'eft'], // success
      ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 550;', 'eft'], // failure
      ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 150;', 'eft'], // unknown (preliminary reply)
      ['2024-11-18 08:00:00; scp; h; 22; u; C:\\a; /a; download; 226;', 'eft'], // unknown (no decoding table)
      ['2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 550; 0', 'eft'], // ACTION_RESULT decides: success
      ['2010-01-11 15:42:17 #u5 | R,/x,10,0.5,20.000,u,,h,,ABOR,I,,1263246137,S0u3WAAFv94A,-1,-1,', 'ncftpd'], // failure
      ['2010-01-11 15:42:17 #u5 | D,/home/u/old file,,,,u,,10.1.1.1,S0uObwACwXoA,', 'ncftpd'], // success
    ];
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const counts = newEnrichStats();
    const outcomes: unknown[] = [];
    for (const [text, format] of lines) {
      const r = format === 'eft' ? parseEftLine(text) : parseNcftpdLine(text);
      assert.equal(r.kind, 'entry', text);
      const record = enrich({ kind: 'entry', entry: (r as unknown as { entry: never }).entry, line: line(text) } as ParsedLine, counts);
      outcomes.push(record.attributes['ftp.outcome']);
    }
    enrich({ kind: 'error', format: 'eft', reason: 'expected 9 or 10 fields, found 2', line: line('x; y') }, counts);
    assert.deepEqual(outcomes, ['success', 'failure', 'unknown', 'unknown', 'success', 'failure', 'success']);
    assert.deepEqual(counts, { records: 8, success: 3, failure: 2, unknown: 2, parseErrors: 1 });
  });
});
