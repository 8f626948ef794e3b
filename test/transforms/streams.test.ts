import assert from 'node:assert/strict';
import { Readable, Writable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readFileSync } from 'node:fs';
import { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { splitLines, parse, enrich, logRecords, loggerSink, toJsonLines, fromJsonLines } from '../../src/index.js';
import type { FtpLogRecord, LogLine } from '../../src/index.js';
import { fixture } from '../helpers/paths.js';
import { ncftpdLines } from '../helpers/lines.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');
const now = () => NOW;

function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function collect<T>(...stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[]): Promise<T[]> {
  const out: T[] = [];
  await (pipeline as unknown as (...s: unknown[]) => Promise<void>)(
    ...stages,
    new Writable({
      objectMode: true,
      write(r: T, _e, cb) {
        out.push(r);
        cb();
      },
    }),
  );
  return out;
}

const crlf = readFileSync(fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'));
const mixed = Buffer.concat([
  Buffer.from('\uFEFFTime; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode\r\n'),
  readFileSync(fixture('eft', 'eft-client-vendor.log')),
  Buffer.from('\nthis is not a log line\n\n2006-03-06 10:11:03; sftp; h; 22; ClientA; C:\\a;b.txt; /a;b.txt; upload; 4; 1'),
]);

describe('composed streams', () => {
  it('splitLines | parse | enrich equals the fused logRecords stage, for every chunk size', async () => {
    for (const input of [crlf, mixed]) {
      const reference = await collect<FtpLogRecord>(chunked(input, 1 << 16), splitLines({ file: 'f.log' }), parse(), enrich({ timezone: 'UTC', now }));
      assert.equal(reference.length, input === crlf ? 7 : 4);
      for (const size of [1, 2, 3, 7, 64, 1000]) {
        const fused = await collect<FtpLogRecord>(chunked(input, size), logRecords({ file: 'f.log', timezone: 'UTC', now }));
        assert.deepEqual(fused, reference, `chunk size ${size}`);
      }
    }
  });

  it('lone CR line ends: splitLines | parse | enrich and logRecords give one record per line, for every chunk size', async () => {
    const cr = Buffer.from(ncftpdLines(300).replace(/\n/g, '\r'), 'utf8');
    const reference = await collect<FtpLogRecord>(chunked(cr, 1 << 16), splitLines({ file: 'f.log' }), parse(), enrich({ timezone: 'UTC', now }));
    assert.equal(reference.length, 300);
    assert.ok(reference.every((r) => r.eventName === 'ftp.download'));
    assert.deepEqual(reference.at(-1)!.position, { file: 'f.log', line: 300, offset: cr.length });
    for (const size of [1, 7, 1000, 4096]) {
      const split = await collect<LogLine>(chunked(cr, size), splitLines({ file: 'f.log' }));
      assert.deepEqual(split.map((l) => l.position), reference.map((r) => r.position), `splitLines, chunk size ${size}`);
      const fused = await collect<FtpLogRecord>(chunked(cr, size), logRecords({ file: 'f.log', timezone: 'UTC', now }));
      assert.deepEqual(fused, reference, `chunk size ${size}`);
    }
  });

  it('logRecords reads the clock once per chunk: the lines of a chunk share their observed time', async () => {
    let calls = 0;
    const clock = (): number => NOW + 1000 * ++calls;
    const lines = readFileSync(fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'), 'latin1').split('\n').filter((l) => l.trim() !== '');
    const parts = [Buffer.from(lines.slice(0, 3).join('\n') + '\n', 'latin1'), Buffer.from(lines.slice(3).join('\n'), 'latin1')];
    const records = await collect<FtpLogRecord>(Readable.from(parts, { objectMode: false }), logRecords({ timezone: 'UTC', now: clock }));
    assert.equal(records.length, 7);
    // Chunk 1, chunk 2, then end (the last line has no LF, so it is emitted at the end).
    assert.equal(calls, 3);
    assert.deepEqual(records.map((r) => r.observedTimestamp), [1, 1, 1, 2, 2, 2, 3].map((k) => NOW + 1000 * k));
    assert.throws(() => logRecords({ now: 5 as never }), { code: 'ERR_INVALID_OPTION' });
  });

  it('counts headers, blank lines and parse errors without dropping a line', async () => {
    const split = splitLines();
    const p = parse({ format: 'auto' });
    const e = enrich({ timezone: 'UTC', now });
    const records = await collect<FtpLogRecord>(chunked(mixed, 5), split, p, e);
    assert.equal(split.stats.lines, 7);
    assert.deepEqual({ ...p.stats }, { lines: 7, entries: 3, errors: 1, skippedBlank: 2, skippedHeader: 1, unrecognised: 0, format: 'eft' });
    assert.deepEqual({ ...e.stats }, { records: 4, success: 2, failure: 1, unknown: 0, parseErrors: 1 });
    assert.equal(records.length, p.stats.entries + p.stats.errors);
    const bad = records.find((r) => r.eventName === 'ftplog.parse_error')!;
    assert.equal(bad.body, 'this is not a log line');
    assert.equal(bad.severityText, 'WARN');
    const last = records[records.length - 1]!;
    assert.equal(last.attributes['ftp.local.path'], 'C:\\a;b.txt');
    assert.equal(last.attributes['file.path'], '/a;b.txt');
    assert.equal(last.attributes['error.type'], 'SSH_FX_FAILURE');
  });

  it('with format auto holds undetectable lines, then reports them as parse errors', async () => {
    const lines: LogLine[] = ['junk 1', 'junk 2'].map((text, i) => ({ text, position: { line: i + 1, offset: 0 } }));
    const out = await collect<{ kind: string; reason: string }>(Readable.from(lines), parse());
    assert.deepEqual(out.map((o) => [o.kind, o.reason]), [['error', 'format not recognised'], ['error', 'format not recognised']]);
  });

  it('emits each record through a user LoggerProvider (in-memory exporter)', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    const sink = loggerSink({ loggerProvider: provider, name: 'test-scope', version: '1.2.3' });
    await pipeline(chunked(crlf, 17), splitLines({ file: 'xfer.log' }), parse({ format: 'ncftpd' }), enrich({ timezone: 'America/Chicago', now }), sink);
    await provider.forceFlush();
    const got = exporter.getFinishedLogRecords();
    assert.equal(got.length, 7);
    assert.equal(sink.stats.emitted, 7);
    const chmod = got[0]!;
    assert.equal(chmod.instrumentationScope.name, 'test-scope');
    assert.equal(chmod.instrumentationScope.version, '1.2.3');
    assert.equal(chmod.eventName, 'ftp.chmod');
    assert.equal(chmod.severityText, 'INFO');
    assert.equal(chmod.severityNumber, 9);
    assert.equal(chmod.body, '2010-01-11 15:42:17 #u5     | C,/home/sshaw/cti/web/trunk/public/js/large-sprite.gif,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,');
    // 15:42:17 CST (UTC-6) = 21:42:17Z; hrtime is [seconds, nanoseconds]
    assert.deepEqual(chmod.hrTime, [Date.parse('2010-01-11T21:42:17Z') / 1000, 0]);
    assert.deepEqual(chmod.hrTimeObserved, [Math.floor(NOW / 1000), (NOW % 1000) * 1e6]);
    assert.equal(chmod.attributes['file.mode'], '644');
    assert.equal(chmod.attributes['log.file.name'], 'xfer.log');
    assert.deepEqual(
      got.map((r) => r.eventName),
      ['ftp.chmod', 'ftp.delete', 'ftp.mkdir', 'ftp.rename', 'ftp.download', 'ftp.upload', 'ftp.list'],
    );
    assert.equal(got[3]!.attributes['ftp.extra'], '");');
    await provider.shutdown();
  });

  it('round-trips records through toJsonLines | fromJsonLines', async () => {
    const records = await collect<FtpLogRecord>(chunked(mixed, 64), logRecords({ timezone: 'UTC', now }));
    const back = await collect<FtpLogRecord>(Readable.from(records), toJsonLines({ chunkBytes: 100 }), fromJsonLines());
    assert.equal(back.length, records.length);
    back.forEach((r, i) => {
      const { position: _p, ...rest } = r;
      const { position: _q, ...orig } = records[i]!;
      assert.deepEqual(rest, orig);
    });
  });

  it('reads bad JSONL lines as counted parse-error records', async () => {
    const input = Buffer.from('{"not":"a record"}\n{broken\n\n[1,2]\n');
    const reader = fromJsonLines({ now });
    const out = await collect<FtpLogRecord>(Readable.from([input]), reader);
    assert.deepEqual({ ...reader.stats }, { lines: 4, records: 0, errors: 3, deadLetters: 0, success: 0, failure: 0, unknown: 0, parseErrors: 0 });
    assert.deepEqual(out.map((r) => r.eventName), ['ftplog.parse_error', 'ftplog.parse_error', 'ftplog.parse_error']);
    assert.equal(out[0]!.attributes['ftplog.error'], 'missing or invalid "observedTimestamp"');
    assert.match(String(out[1]!.attributes['ftplog.error']), /^invalid JSON: /);
  });

  it('fails the pipeline with the error of a throwing stage', async () => {
    const boom = new Transform({
      objectMode: true,
      transform(_r, _e, cb) {
        cb(new Error('stage exploded'));
      },
    });
    await assert.rejects(pipeline(chunked(crlf, 100), logRecords({ timezone: 'UTC' }), boom, new Writable({ objectMode: true, write: (_r, _e, cb) => cb() })), /stage exploded/);
  });

  it('holds backpressure: a stalled consumer stops the splitter from reading ahead', async () => {
    const line = Buffer.from('2006-03-06 10:11:03; ftp; h; 21; u; C:\\a; /a; download; 226;\n');
    let produced = 0;
    const source = new Readable({
      read() {
        produced++;
        this.push(produced > 100000 ? null : line);
      },
    });
    const stage = logRecords({ timezone: 'UTC', highWaterMark: 16 });
    let taken = 0;
    // The sink stalls at its tenth record until the test lets it go.
    let release: (() => void) | undefined;
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(_r, _e, cb) {
        taken++;
        if (taken === 10) release = () => cb();
        else cb();
      },
    });
    const done = pipeline(source, stage, sink);
    while (release === undefined) await new Promise((r) => setImmediate(r));
    // Let the buffers fill, then watch: the count must not move however long we look.
    await new Promise((r) => setTimeout(r, 80));
    const whileStalled = produced;
    await new Promise((r) => setTimeout(r, 80));
    // While the sink is stalled reading stops: what was read fits the stages'
    // high-water marks (16 KiB of bytes each side, 16 records), and does not grow.
    assert.equal(produced, whileStalled);
    assert.ok(produced < 1200, `read ${produced} chunks while the consumer was stalled`);
    release();
    await done;
    assert.equal(taken, 100000);
  });
});

describe('JSON lines of the records of a stream', () => {
  it('JsonLineWriter writes exactly what JSON.stringify writes for the record object', async () => {
    const { toJsonRecord } = await import('../../src/jsonl/record-json.js');
    const { JsonLineWriter } = await import('../../src/jsonl/json-bytes.js');
    const input = Buffer.concat([crlf, mixed, readFileSync(fixture('ncftpd', 'ncftpd-xfer-vendor.log'))]);
    const recs = await collect<FtpLogRecord>(chunked(input, 999), logRecords({ timezone: 'Europe/Berlin', format: 'auto' }));
    recs.push({ timestamp: undefined, observedTimestamp: 0, severityNumber: 13, severityText: 'WARN', eventName: 'ftplog.parse_error', body: 'quote " backslash \\ tab \t nul \u0000 emoji 😀 lone \ud800', attributes: { 'ftplog.error': 'x"y', 'n': -0, 'f': 1.5e-7, 'b': false, 'a': ['x', '"'] } });
    assert.ok(recs.length > 10);
    const w = new JsonLineWriter(64);
    for (const r of recs) {
      w.write(r);
      assert.equal(w.take().toString('utf8'), JSON.stringify(toJsonRecord(r)) + '\n');
    }
  });
});
