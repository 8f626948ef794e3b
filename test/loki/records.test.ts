import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOKI_LIMITS, lokiViolations, structuredMetadataBytes, tooFarBehind } from '../helpers/loki.js';
import { allRecords, lokiRecords, metadataNames, type LokiRecord } from './records.js';
import { projectRoot } from '../helpers/paths.js';

/** The first few records Loki would not store whole, for a readable failure. */
function refused(records: readonly LokiRecord[]): string[] {
  return records
    .map((r) => ({ r, v: lokiViolations(r.entry) }))
    .filter(({ v }) => v.length > 0)
    .slice(0, 5)
    .map(({ r, v }) => `${r.file}:${r.record.position?.line}: ${v.join('; ')}`);
}

describe("ftplog-otel's records in Loki (default limits and OTLP mapping)", function () {
  this.timeout(60_000);
  let examples: LokiRecord[];
  let generated: LokiRecord[];

  before(async () => {
    ({ examples, generated } = await allRecords());
  });

  it('covers every event and every generator quirk', () => {
    assert.equal(examples.length, 80);
    // 4,500 generated lines less 3 header lines and 3 blank lines.
    assert.equal(generated.length, 4494);
    const events = new Set([...examples, ...generated].map((r) => r.record.eventName));
    assert.deepEqual([...events].sort(), ['ftp.chmod', 'ftp.delete', 'ftp.download', 'ftp.list', 'ftp.mkdir', 'ftp.rename', 'ftp.symlink', 'ftp.upload', 'ftplog.parse_error']);
    assert.equal(generated.filter((r) => r.record.eventName === 'ftplog.parse_error').length, 71);
    assert.ok(generated.some((r) => r.record.attributes['eft.outcome_mismatch'] === true));
    assert.ok(generated.some((r) => String(r.record.attributes['file.path'] ?? '').includes(';')));
    assert.ok(generated.some((r) => r.record.attributes['ftp.extra'] !== undefined));
  });

  it('every record is stored whole: no collisions, at most 128 entries and 64 KB of structured metadata, lines within 256 KB', () => {
    assert.deepEqual(refused(examples), []);
    assert.deepEqual(refused(generated), []);
    const all = [...examples, ...generated];
    assert.equal(Math.max(...all.map((r) => r.entry.structuredMetadata.filter((m) => m.origin !== 'distributor').length)), 30);
    assert.ok(Math.max(...all.map((r) => structuredMetadataBytes(r.entry))) < 2048);
  });

  it('the only stream labels are service_name = eft-server and ncftpd', () => {
    const streams = new Set([...examples, ...generated].map((r) => JSON.stringify(r.entry.labels)));
    assert.deepEqual([...streams].sort(), ['{"service_name":"eft-server"}', '{"service_name":"ncftpd"}']);
  });

  it('the structured metadata names are the schema in Loki form, with the fields Loki adds', () => {
    assert.deepEqual(metadataNames([...examples, ...generated]), [
      'client_address', 'detected_level', 'eft_action_result', 'eft_outcome_mismatch', 'error_type', 'file_mode', 'file_path',
      'ftp_extra', 'ftp_list_pattern', 'ftp_list_recursive', 'ftp_local_path', 'ftp_log_format', 'ftp_operation', 'ftp_outcome',
      'ftp_status_code', 'ftp_status_description', 'ftp_status_kind', 'ftp_status_name', 'ftp_target_path', 'ftp_transfer_bytes',
      'ftp_transfer_duration', 'ftp_transfer_notes', 'ftp_transfer_rate', 'ftp_transfer_start_offset', 'ftp_transfer_start_size',
      'ftp_transfer_start_time', 'ftp_transfer_suffix', 'ftp_transfer_type', 'ftplog_error', 'host_name', 'http_response_status_code',
      'log_file_name', 'log_file_path', 'log_file_record_number', 'ncftpd_process', 'network_protocol_name', 'observed_timestamp', 'scope_name', 'server_address',
      'server_port', 'session_id', 'severity_number', 'severity_text', 'user_email', 'user_name',
    ]);
  });

  it('lines stay in time order within the out-of-order window, DST changes included', () => {
    for (const file of new Set(generated.map((r) => r.file))) {
      const timed = generated.filter((r) => r.file === file && r.record.timestamp !== undefined);
      assert.deepEqual(tooFarBehind(timed.map((r) => r.entry)), [], file);
    }
  });

  it('a parse error keeps the time its line shows: a backfill of the examples, three days later, stays in order', () => {
    const eft = examples.filter((r) => r.file.endsWith('cl241118.log'));
    const ncftpd = examples.filter((r) => r.file.endsWith('xfer.20241118'));
    assert.equal(eft[23]!.record.eventName, 'ftplog.parse_error');
    assert.equal(eft[23]!.record.timestamp, Date.parse('2024-11-18T08:31:34Z'));
    assert.deepEqual(tooFarBehind(eft.map((r) => r.entry)), []);
    assert.equal(ncftpd[17]!.record.eventName, 'ftplog.parse_error');
    assert.equal(ncftpd[17]!.record.timestamp, Date.parse('2024-11-18T14:23:34Z'));
    assert.deepEqual(tooFarBehind(ncftpd.map((r) => r.entry)), []);
  });

  it('a parse error whose line shows no time is stored at its read time: Loki refuses the rest of its stream in a backfill (docs/loki.md)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-loki-garbage-'));
    try {
      const lines = readFileSync(join(projectRoot, 'examples', 'logs', 'cl241118.log'), 'utf8').split('\n');
      // A line mangled at its start, where the time is: nothing left to date it by.
      lines.splice(5, 0, '\u0000\u0000\u0000; sftp; 198.51.100.23; 22; x');
      writeFileSync(join(dir, 'cl241118.log'), lines.join('\n'));
      const records = await lokiRecords([join(dir, 'cl241118.log')]);
      assert.equal(records[5]!.record.eventName, 'ftplog.parse_error');
      assert.equal(records[5]!.record.timestamp, undefined);
      assert.equal(records.length, 41);
      assert.deepEqual(tooFarBehind(records.map((r) => r.entry)), Array.from({ length: 35 }, (_, i) => 6 + i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('long lines', () => {
    let dir: string;
    const ok = '2024-11-18 08:00:00; ftp; files.example.com; 21; payroll; C:\\out\\a.csv; /in/a.csv; upload; 226; 0;';

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ftplog-loki-long-'));
      writeFileSync(join(dir, 'cl241118.log'), `${ok}\n${'#'.repeat(300 * 1024)}\n${ok}\n`);
      // Well-formed NcFTPd lines of exactly the default --max-line-bytes and of 64 KiB, their last field long.
      const head = '2024-11-18 08:00:00 #u1     | R,/pub/a.bin,1000,0.010,97.656,anonymous,user@example.com,198.51.100.7,,OK,I,,1731916800,SAAAA,-1,0,';
      writeFileSync(join(dir, 'xfer.20241118'), `${head}${'x'.repeat(32768 - head.length)}\n`);
      writeFileSync(join(dir, 'xfer.20241119'), `${head}${'x'.repeat(65536 - head.length)}\n`);
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    it('with the default --max-line-bytes, a longer line arrives as a 32 KiB parse error, within max_line_size', async () => {
      const records = await lokiRecords([join(dir, 'cl241118.log')]);
      assert.deepEqual(records.map((r) => Buffer.byteLength(r.entry.line)), [ok.length, 32768, ok.length]);
      assert.equal(records[1]!.record.eventName, 'ftplog.parse_error');
      assert.deepEqual(refused(records), []);
    });

    it('with --max-line-bytes above 256 KiB, Loki refuses the long line', async () => {
      const records = await lokiRecords([join(dir, 'cl241118.log')], { maxLineBytes: 512 * 1024 });
      assert.deepEqual(records.map((r) => lokiViolations(r.entry)), [[], ['line of 307200 bytes > 262144'], []]);
    });

    it('a line of the default --max-line-bytes whose fields are that long stays within 64 KB of structured metadata', async () => {
      const [record] = await lokiRecords([join(dir, 'xfer.20241118')]);
      assert.equal(Buffer.byteLength(record!.entry.line), 32768);
      assert.equal(record!.record.eventName, 'ftp.download');
      const bytes = structuredMetadataBytes(record!.entry);
      assert.ok(bytes > 32768 && bytes < 34816, String(bytes));
      assert.deepEqual(lokiViolations(record!.entry), []);
    });

    it('with --max-line-bytes 65536, a line of 64 KiB whose fields are that long gives more than 64 KB of structured metadata; max_structured_metadata_size: 128KB takes it', async () => {
      const [record] = await lokiRecords([join(dir, 'xfer.20241119')], { maxLineBytes: 65536 });
      assert.equal(Buffer.byteLength(record!.entry.line), 65536);
      assert.equal(record!.record.eventName, 'ftp.download');
      const bytes = structuredMetadataBytes(record!.entry);
      assert.ok(bytes > 65536 && bytes < 67584, String(bytes));
      assert.deepEqual(lokiViolations(record!.entry), [`${bytes} bytes of structured metadata > 65536`]);
      assert.deepEqual(lokiViolations(record!.entry, { ...LOKI_LIMITS, maxStructuredMetadataBytes: 128 * 1024 }), []);
    });
  });
});
