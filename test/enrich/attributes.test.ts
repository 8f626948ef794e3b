import assert from 'node:assert/strict';
import { AttributeShapes, createEnricher, normalizeEftOperation, severityOf } from '../../src/enrich/enrich.js';
import { parseEftLine } from '../../src/formats/eft.js';
import { parseNcftpdLine } from '../../src/formats/ncftpd.js';
import { decodeEftCode, decodeNcftpdStatus } from '../../src/codes/decode.js';
import type { Attributes, EftEntry, FtpLogRecord, LogLine, NcftpdEntry, ParsedLine } from '../../src/model.js';
import type { Outcome } from '../../src/codes/types.js';

// The attributes as the enricher built them key by key before attribute
// objects were built per shape: the reference for keys, values and key order.
function referenceEft(e: EftEntry, file: string | undefined, lineNumber: number): Attributes {
  const status = decodeEftCode(e.protocol, e.code);
  let outcome: Outcome = status.outcome;
  let mismatch: boolean | undefined;
  let errorType = status.errorType;
  if (e.actionResult === 0 || e.actionResult === 1) {
    const decided: Outcome = e.actionResult === 0 ? 'success' : 'failure';
    mismatch = status.outcome !== 'unknown' && status.outcome !== decided;
    outcome = decided;
    if (decided === 'success') errorType = undefined;
    else if (status.outcome !== 'failure') errorType = 'eft_action_failed';
  }
  const a: Attributes = { 'ftp.log.format': 'eft.client', 'ftp.operation': normalizeEftOperation(e.operation), 'ftp.outcome': outcome };
  if (errorType !== undefined) a['error.type'] = errorType;
  if (e.code !== undefined) {
    a['ftp.status.code'] = e.code;
    a['ftp.status.kind'] = status.kind;
    if (status.name !== undefined) a['ftp.status.name'] = status.name;
    if (status.description !== undefined) a['ftp.status.description'] = status.description;
    if (status.kind === 'http') a['http.response.status_code'] = e.code;
  }
  if (e.protocol !== '') a['network.protocol.name'] = e.protocol;
  if (e.host !== '') a['server.address'] = e.host;
  if (e.port !== undefined) a['server.port'] = e.port;
  if (e.user !== '') a['user.name'] = e.user;
  if (e.remotePath !== '') a['file.path'] = e.remotePath;
  if (e.localPath !== '') a['ftp.local.path'] = e.localPath;
  if (e.actionResult !== undefined) a['eft.action_result'] = e.actionResult;
  if (mismatch !== undefined) a['eft.outcome_mismatch'] = mismatch;
  if (file !== undefined) {
    a['log.file.path'] = file;
    a['log.file.name'] = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  }
  a['log.file.record_number'] = lineNumber;
  return a;
}

const OPERATIONS = { R: 'download', S: 'upload', T: 'list', D: 'delete', M: 'mkdir', C: 'chmod', L: 'symlink', N: 'rename' } as const;

function referenceNcftpd(e: NcftpdEntry, file: string | undefined, lineNumber: number): Attributes {
  let outcome: Outcome = 'success';
  const status = e.status !== undefined ? decodeNcftpdStatus(e.status) : undefined;
  if (status !== undefined) outcome = status.outcome;
  else if (e.type === 'R' || e.type === 'S' || e.type === 'T') outcome = 'unknown';
  const a: Attributes = { 'ftp.log.format': 'ncftpd.xfer', 'ftp.operation': OPERATIONS[e.type], 'ftp.outcome': outcome };
  if (status !== undefined) {
    if (status.errorType !== undefined) a['error.type'] = status.errorType;
    a['ftp.status.kind'] = status.kind;
    if (status.name !== undefined) a['ftp.status.name'] = status.name;
    if (status.description !== undefined) a['ftp.status.description'] = status.description;
  }
  a['network.protocol.name'] = 'ftp';
  if (e.host !== undefined) a['client.address'] = e.host;
  if (e.user !== undefined) a['user.name'] = e.user;
  if (e.email !== undefined) a['user.email'] = e.email;
  if (e.path !== '') a['file.path'] = e.path;
  if (e.target !== undefined) a['ftp.target.path'] = e.target;
  if (e.mode !== undefined) a['file.mode'] = e.mode;
  if (e.sessionId !== undefined) a['session.id'] = e.sessionId;
  a['ncftpd.process'] = e.process;
  if (e.size !== undefined) a['ftp.transfer.bytes'] = e.size;
  if (e.duration !== undefined) a['ftp.transfer.duration'] = e.duration;
  if (e.rate !== undefined) a['ftp.transfer.rate'] = e.rate;
  if (e.transferType === 'A') a['ftp.transfer.type'] = 'ascii';
  else if (e.transferType === 'I') a['ftp.transfer.type'] = 'binary';
  if (e.notes !== undefined && e.notes.length > 0) a['ftp.transfer.notes'] = e.notes;
  if (e.suffix !== undefined) a['ftp.transfer.suffix'] = e.suffix;
  if (e.startTime !== undefined) a['ftp.transfer.start_time'] = e.startTime;
  if (e.startSize !== undefined) a['ftp.transfer.start_size'] = e.startSize;
  if (e.startOffset !== undefined) a['ftp.transfer.start_offset'] = e.startOffset;
  if (e.pattern !== undefined) a['ftp.list.pattern'] = e.pattern;
  if (e.type === 'T') a['ftp.list.recursive'] = e.recursive === true;
  if (e.extra !== undefined) a['ftp.extra'] = e.extra;
  if (file !== undefined) {
    a['log.file.path'] = file;
    a['log.file.name'] = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  }
  a['log.file.record_number'] = lineNumber;
  return a;
}

const EFT_LINES = [
  '2006-03-06 10:11:03; ftp; 192.168.20.171; 21; ClientA; C:\\test1.txt; /test1.txt; download; 226;',
  '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 530;',
  '2024-11-18 08:00:00; ftps; h; 990; u; C:\\a; /a; upload; 421; 1',
  '2024-11-18 08:00:00; sftp; h; 22; u; C:\\a; /a; download; 2; 0',
  '2024-11-18 08:00:00; SFTP; ; ; ; ; /a; upload; 0;',
  '2024-11-18 08:00:00; https; h; 443; u; C:\\a; /a; download; 404; 1',
  '2024-11-18 08:00:00; http; h; 80; u; C:\\a; /a; Copy Folder; 302; 0',
  '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 10060;',
  '2024-11-18 08:00:00; ; h; 21; u; C:\\a; ; list; ;',
  '2024-11-18 08:00:00; scp; h; 22; u; ; /a; ; 226; 1',
  '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 150; 1',
];

const NCFTPD_LINES = [
  '1996-08-26 00:22:11 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,mozilla@my.host.com,actual.host.com,.tar.gz,OK,I,PsSf,841036734,RMf0YAABAAEA,4637440,10000,',
  '2011-02-06 10:16:08 #u4 | S,/in/f.txt,41,0.007,5.856,bob,,10.0.0.1,,ABOR,A,Po,1294215368,TSQoxwAEEbkA,41,0,',
  '2011-02-06 10:16:08 #u4 | R,/f.txt,0,0.000,0.000,bob,,10.0.0.1,,PERM,I,Po,1294215368,TSQoxwAEEbkA,-1,-1,',
  '2011-02-06 10:16:08 #u4 | R,/f.txt,0,0.000,0.000,bob,,10.0.0.1,,WEIRD,I,,1294215368,TSQoxwAEEbkA,-1,-1,junk,',
  '2011-01-05 00:15:55 #u4     | T,/home/adelitas/20100101,OK,,,2M@nYL0G-z,,my.odd--host.local,TSQouwAEEbgA,',
  '2010-01-11 12:47:44 #u2     | D,/home/sshaw/.cshrc,,,,opc,,16.14.22.99,S0uObwACwXoA,',
  '2010-01-11 15:42:17 #u5     | C,/x/large-sprite.gif,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,',
  '2010-01-11 15:42:17 #u5     | N,/a,to,/b,,u,e@x,1.2.3.4,S0u3WAAFv94A,',
];

describe('enrich: attribute objects', () => {
  const NOW = 1;
  const enrichOne = createEnricher({ timezone: 'UTC', now: () => NOW });
  const line = (text: string, file: string | undefined, n: number): LogLine => ({ text, position: file === undefined ? { line: n, offset: 0 } : { file, line: n, offset: 0 } });

  for (const file of ['/var/log/cl060306.log', 'C:\\logs\\xfer.log', undefined]) {
    it(`have the keys, values and key order of the key-by-key build (file ${String(file)})`, () => {
      let n = 0;
      const check = (r: FtpLogRecord, expected: Attributes): void => {
        assert.deepEqual(Object.keys(r.attributes), Object.keys(expected));
        assert.equal(JSON.stringify(r.attributes), JSON.stringify(expected));
        assert.equal(Object.getPrototypeOf(r.attributes), Object.prototype);
      };
      // Twice over: the second pass uses the builders the first one made.
      for (let pass = 0; pass < 2; pass++) {
        for (const text of EFT_LINES) {
          const p = parseEftLine(text);
          assert.equal(p.kind, 'entry', text);
          const entry = (p as { entry: EftEntry }).entry;
          check(enrichOne({ kind: 'entry', entry, line: line(text, file, ++n) } as ParsedLine), referenceEft(entry, file, n));
        }
        for (const text of NCFTPD_LINES) {
          const p = parseNcftpdLine(text);
          assert.equal(p.kind, 'entry', text);
          const entry = (p as { entry: NcftpdEntry }).entry;
          check(enrichOne({ kind: 'entry', entry, line: line(text, file, ++n) } as ParsedLine), referenceNcftpd(entry, file, n));
        }
      }
    });
  }

  it('builds the same objects with and without generated builders, past the bound on shapes too', () => {
    const keys = Array.from({ length: 11 }, (_, i) => `k.${i}`);
    const generated = new AttributeShapes(keys);
    const plain = new AttributeShapes(keys, { codegen: false });
    for (let mask = 1; mask < 1 << keys.length; mask++) {
      for (const s of [generated, plain]) for (let i = 0; i < keys.length; i++) s.values[i] = i % 3 === 0 ? i : i % 3 === 1 ? `v${i}` : [`a${i}`];
      const a = generated.build(mask);
      const b = plain.build(mask);
      assert.deepEqual(Object.keys(a), Object.keys(b));
      assert.deepEqual(a, b);
      assert.deepEqual(Object.keys(a), keys.filter((_, i) => (mask & (1 << i)) !== 0));
    }
    assert.equal(plain.shapes, 0);
    assert.ok(generated.shapes > 0 && generated.shapes <= 512, String(generated.shapes));
  });

  it('keeps the severity rules', () => {
    assert.equal(severityOf('failure', true), 'WARN');
    assert.equal(severityOf('failure', false), 'ERROR');
    assert.equal(severityOf('unknown', false), 'INFO');
  });
});
