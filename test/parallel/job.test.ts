import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { runJob, SparePool, transferList, type Job, type JobCounts, type JobOutput, type JobResult } from '../../src/parallel/job.js';
import { createCountingEnricher } from '../../src/enrich/enrich.js';
import { logRecords } from '../../src/transforms/log-records.js';
import { recordToJsonLine } from '../../src/jsonl/record-json.js';
import { encodeLogsProtobuf, encodeLogsProtobufEnvelope } from '../../src/otlp/encode-protobuf.js';
import { encodeLogsJson, encodeLogsJsonEnvelope } from '../../src/otlp/encode-json.js';
import type { FormatOption } from '../../src/formats/detect.js';
import type { LineEncoding } from '../../src/split/line-cutter.js';
import type { FtpLogRecord, LogFormat } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';
import { eftLines } from '../helpers/lines.js';
import { MAX_LINE_BYTES, NCFTPD_LINES, eftLog, latin1Log, lentBlocks, ncftpdLog, type JoinedBlock } from './inputs.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');
const RESOURCE = { 'service.name': 'eft-server', 'host.name': 'test-host' };
const SCOPE = { name: 'ftplog-otel', version: '0.1.0' };

interface Case {
  name: string;
  bytes: Buffer;
  file: string | undefined;
  format: FormatOption;
  encoding: LineEncoding;
  maxLineBytes: number;
  timezone: string;
}

interface Serial {
  records: FtpLogRecord[];
  counts: JobCounts;
  format: LogFormat | undefined;
}

/** The single-thread path: one logRecords stage over the whole input. */
async function serial(c: Case): Promise<Serial> {
  const stage = logRecords({
    format: c.format,
    encoding: c.encoding,
    maxLineBytes: c.maxLineBytes,
    timezone: c.timezone,
    now: () => NOW,
    ...(c.file !== undefined ? { file: c.file } : {}),
  });
  const records: FtpLogRecord[] = [];
  await pipeline(Readable.from([c.bytes]), stage, new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (records.push(r), cb()) }));
  const s = stage.stats;
  return {
    records,
    format: s.parse.format,
    counts: {
      lines: s.split.lines,
      truncated: s.split.truncated,
      invalidUtf8: s.split.invalidUtf8,
      records: s.enrich.records,
      dropped: 0,
      parseErrors: s.parse.errors,
      skippedBlank: s.parse.skippedBlank,
      skippedHeader: s.parse.skippedHeader,
      success: s.enrich.success,
      failure: s.enrich.failure,
      unknown: s.enrich.unknown,
      unrecognised: s.parse.unrecognised,
    },
  };
}

function blocksOf(bytes: Buffer, maxLineBytes: number, chunk: number): JoinedBlock[] {
  return lentBlocks(bytes, maxLineBytes, [chunk]);
}

/** Runs the blocks in order as the reader does: the first block's detected format goes to the later ones. */
function runBlocks(c: Case, blocks: readonly JoinedBlock[], output: JobOutput): JobResult[] {
  const enrich = createCountingEnricher({ timezone: c.timezone, now: () => NOW });
  let format = c.format;
  let startLine = 0;
  return blocks.map((b, seq) => {
    const job: Job = {
      seq,
      file: c.file,
      format,
      startOffset: b.startOffset,
      startLine,
      lineEnd: b.lineEnd,
      bytes: b.bytes,
      ...(b.prefix !== undefined ? { prefix: b.prefix, skipped: b.skipped ?? 0 } : {}),
    };
    startLine += b.lineEnds;
    const r = runJob(job, { output, encoding: c.encoding, maxLineBytes: c.maxLineBytes }, enrich);
    assert.equal(r.seq, seq);
    if (seq === 0 && r.format !== undefined) format = r.format;
    return r;
  });
}

function sumCounts(results: readonly JobResult[]): JobCounts {
  const t: JobCounts = { lines: 0, truncated: 0, records: 0, parseErrors: 0, skippedBlank: 0, skippedHeader: 0, success: 0, failure: 0, unknown: 0, dropped: 0, unrecognised: 0, invalidUtf8: 0 };
  for (const r of results) for (const k of Object.keys(t) as (keyof JobCounts)[]) t[k] += r.counts[k];
  return t;
}

function fixtureCase(name: string, path: string, timezone = 'America/Chicago'): Case {
  return { name, bytes: readFileSync(path), file: path, format: 'auto', encoding: 'utf8', maxLineBytes: 65536, timezone };
}

const CASES: Case[] = [
  fixtureCase('eft vendor fixture', fixture('eft', 'eft-client-vendor.log')),
  fixtureCase('eft headers fixture', fixture('eft', 'eft-client-headers.txt')),
  fixtureCase('ncftpd vendor fixture', fixture('ncftpd', 'ncftpd-xfer-vendor.log'), 'UTC'),
  fixtureCase('ncftpd CRLF fixture', fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'), 'Europe/Berlin'),
  { name: 'generated EFT (BOM, CRLF, over-long, errors)', bytes: eftLog(), file: '/logs/cl241118.log', format: 'auto', encoding: 'utf8', maxLineBytes: MAX_LINE_BYTES, timezone: 'America/Chicago' },
  { name: 'generated EFT, explicit format, stdin (no file)', bytes: eftLog(), file: undefined, format: 'eft', encoding: 'utf8', maxLineBytes: MAX_LINE_BYTES, timezone: 'UTC' },
  { name: 'generated NcFTPd (CRLF, over-long, no last LF)', bytes: ncftpdLog(), file: 'xfer.log', format: 'auto', encoding: 'utf8', maxLineBytes: MAX_LINE_BYTES, timezone: 'UTC' },
  { name: 'latin1 EFT', bytes: latin1Log(), file: 'cl241119.log', format: 'eft', encoding: 'latin1', maxLineBytes: 64, timezone: 'Europe/Berlin' },
  { name: 'NcFTPd read as EFT (every line a parse error)', bytes: ncftpdLog(2), file: 'x.log', format: 'eft', encoding: 'utf8', maxLineBytes: MAX_LINE_BYTES, timezone: 'UTC' },
];

const CHUNKS = [7, 64, 200, 1 << 20];

describe('runJob', () => {
  for (const c of CASES) {
    it(`jsonl: blocks give the serial bytes and counts (${c.name})`, async () => {
      const s = await serial(c);
      const expected = Buffer.from(s.records.map(recordToJsonLine).join(''), 'utf8');
      for (const chunk of CHUNKS) {
        const blocks = blocksOf(c.bytes, c.maxLineBytes, chunk);
        const results = runBlocks(c, blocks, 'jsonl');
        const got = Buffer.concat(results.map((r) => r.jsonl!));
        assert.equal(got.toString('utf8'), expected.toString('utf8'), `chunk ${chunk}`);
        assert.deepEqual(got, expected);
        assert.deepEqual(sumCounts(results), s.counts, `chunk ${chunk}`);
        assert.equal(results[0]!.format, s.format);
        for (const r of results) assert.equal(r.runs, undefined);
      }
    });

    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      it(`${protocol}: runs in an envelope are the serial request, positions are the file's (${c.name})`, async () => {
        const s = await serial(c);
        for (const chunk of CHUNKS) {
          const blocks = blocksOf(c.bytes, c.maxLineBytes, chunk);
          const results = runBlocks(c, blocks, protocol);
          assert.deepEqual(sumCounts(results), s.counts);
          const parts: Uint8Array[] = [];
          const positions: unknown[] = [];
          for (const r of results) {
            assert.equal(r.jsonl, undefined);
            for (const run of r.runs!) {
              assert.equal(run.ends.length, run.lines.length);
              assert.equal(run.ends.length, run.offsets.length);
              assert.equal(run.ends[run.ends.length - 1], run.bytes.length);
              parts.push(run.bytes);
              for (let i = 0; i < run.ends.length; i++) {
                positions.push(c.file === undefined ? { line: run.lines[i]!, offset: run.offsets[i]! } : { file: c.file, line: run.lines[i]!, offset: run.offsets[i]! });
              }
            }
          }
          assert.deepEqual(positions, s.records.map((x) => x.position), `chunk ${chunk}`);
          const total = parts.reduce((n, p) => n + p.length, 0);
          if (s.records.length === 0) {
            // A file of headers only: nothing to send (an envelope needs one record at least).
            assert.equal(parts.length, 0);
            continue;
          }
          if (protocol === 'http/protobuf') {
            const body = encodeLogsProtobufEnvelope(RESOURCE, SCOPE, parts, total);
            assert.deepEqual(body, Buffer.from(encodeLogsProtobuf({ resource: RESOURCE, scope: SCOPE, records: s.records })), `chunk ${chunk}`);
          } else {
            const body = encodeLogsJsonEnvelope(RESOURCE, SCOPE, parts, total);
            assert.equal(body.toString('utf8'), encodeLogsJson({ resource: RESOURCE, scope: SCOPE, records: s.records }), `chunk ${chunk}`);
          }
        }
      });
    }
  }

  it('SparePool: gives the latest buffer big enough, lets smaller ones go, keeps at most its limit', () => {
    const pool = new SparePool(3);
    const [a, b, c, d] = [new ArrayBuffer(100), new ArrayBuffer(300), new ArrayBuffer(200), new ArrayBuffer(400)];
    pool.add([a, b, c, d, new ArrayBuffer(0)]); // d is over the limit, the empty one is useless
    assert.equal(pool.take(150)!.buffer, c);
    assert.equal(pool.take(250)!.buffer, b);
    assert.equal(pool.take(150), undefined); // a is too small: let go, not kept
    assert.equal(pool.take(1), undefined);
    pool.add([d]);
    assert.equal(pool.take(400)!.buffer, d);
  });

  it('encodes runs in buffers from its SparePool, when they are big enough', () => {
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const settings = { output: 'http/protobuf', encoding: 'utf8', maxLineBytes: 1024 } as const;
    const bytes = Buffer.from(eftLines(50), 'utf8');
    const job: Job = { seq: 0, file: 'a.log', format: 'eft', startOffset: 0, bytes };
    const plain = runJob(job, settings, enrich).runs!;
    const pool = new SparePool(2);
    const spare = new ArrayBuffer(1024 * 1024);
    new Uint8Array(spare).fill(0xee);
    pool.add([spare]);
    const reused = runJob(job, settings, enrich, pool).runs!;
    assert.equal(reused.length, 1);
    assert.equal(reused[0]!.bytes.buffer, spare);
    assert.deepEqual(Buffer.from(reused[0]!.bytes), Buffer.from(plain[0]!.bytes));
    // A spare smaller than a block's room is not used.
    pool.add([new ArrayBuffer(1024)]);
    const fresh = runJob(job, settings, enrich, pool).runs!;
    assert.notEqual(fresh[0]!.bytes.buffer.byteLength, 1024);
    assert.deepEqual(Buffer.from(fresh[0]!.bytes), Buffer.from(plain[0]!.bytes));
  });

  it('cuts a new run where the records change format, each run one format', () => {
    // Auto-detection holds 16 undetectable lines: the 17th makes the first a parse
    // error without a format; the NcFTPd line then settles the format for the rest.
    const garbage = Array.from({ length: 17 }, (_, k) => `garbage ${k}\n`).join('');
    const bytes = Buffer.from(`${garbage}${NCFTPD_LINES[0]}\n${NCFTPD_LINES[1]}\n`, 'utf8');
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const r = runJob({ seq: 3, file: 'a.log', format: 'auto', startOffset: 0, bytes }, { output: 'http/protobuf', encoding: 'utf8', maxLineBytes: 1024 }, enrich);
    assert.equal(r.seq, 3);
    assert.equal(r.format, 'ncftpd');
    assert.deepEqual(r.runs!.map((run) => [run.format, run.ends.length, Array.from(run.lines)]), [
      [undefined, 1, [1]],
      ['ncftpd', 18, Array.from({ length: 18 }, (_, k) => k + 2)],
    ]);
    assert.deepEqual(r.counts, { lines: 19, truncated: 0, records: 19, parseErrors: 17, skippedBlank: 0, skippedHeader: 0, success: 2, failure: 0, unknown: 0, dropped: 0, unrecognised: 0, invalidUtf8: 0 });
  });

  it('a block of only blank and header lines gives no records, empty JSONL and no runs', () => {
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const bytes = Buffer.from('\n\r\nTime; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode\n', 'utf8');
    const j = runJob({ seq: 0, file: undefined, format: 'eft', startOffset: 10, bytes }, { output: 'jsonl', encoding: 'utf8', maxLineBytes: 1024 }, enrich);
    assert.equal(j.jsonl!.length, 0);
    assert.deepEqual(j.counts, { lines: 3, truncated: 0, records: 0, parseErrors: 0, skippedBlank: 2, skippedHeader: 1, success: 0, failure: 0, unknown: 0, dropped: 0, unrecognised: 0, invalidUtf8: 0 });
    const p = runJob({ seq: 0, file: undefined, format: 'eft', startOffset: 10, bytes }, { output: 'http/json', encoding: 'utf8', maxLineBytes: 1024 }, enrich);
    assert.deepEqual(p.runs, []);
  });

  it('counts the lines that are not valid UTF-8 and gives the first one by its number from the block\'s start; none: no number', () => {
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const ansi = Buffer.from('2024-11-18 08:00:02; ftp; h; 21; j\xfcrgen; C:\\a; /a; upload; 226;\n', 'latin1');
    const bytes = Buffer.concat([Buffer.from(eftLines(2)), ansi, Buffer.from('2024-11-18 08:00:03; ftp; h; 21; m\uFFFDller; C:\\a; /a; upload; 226;\n'), ansi]);
    const r = runJob({ seq: 0, file: 'a.log', format: 'eft', startOffset: 500, bytes }, { output: 'jsonl', encoding: 'utf8', maxLineBytes: 1024 }, enrich);
    assert.deepEqual([r.counts.lines, r.counts.invalidUtf8, r.firstInvalidUtf8Line], [5, 2, 3]);
    const latin1 = runJob({ seq: 0, file: 'a.log', format: 'eft', startOffset: 500, bytes }, { output: 'jsonl', encoding: 'latin1', maxLineBytes: 1024 }, enrich);
    assert.deepEqual([latin1.counts.invalidUtf8, 'firstInvalidUtf8Line' in latin1], [0, false]);
  });

  it('transferList names each result buffer once, none from the shared pool', () => {
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const bytes = eftLog(10);
    for (const output of ['jsonl', 'http/protobuf'] as const) {
      const r = runJob({ seq: 0, file: 'a.log', format: 'auto', startOffset: 0, bytes }, { output, encoding: 'utf8', maxLineBytes: MAX_LINE_BYTES }, enrich);
      const list = transferList(r);
      assert.equal(list.length, output === 'jsonl' ? 1 : 4 * r.runs!.length);
      assert.equal(new Set(list).size, list.length);
      for (const ab of list) assert.notEqual(ab, Buffer.allocUnsafe(1).buffer, 'not the pool');
    }
  });

  it('results of blocks without records post one after another (nothing shared is transferred)', async () => {
    const enrich = createCountingEnricher({ timezone: 'UTC', now: () => NOW });
    const { port1, port2 } = new MessageChannel();
    const got: JobResult[] = [];
    const all = new Promise<void>((resolve) => port2.on('message', (r: JobResult) => got.push(r) === 4 && resolve()));
    try {
      for (const [k, text] of ['\n\n', '   \r\n', eftLines(2), '\n'].entries()) {
        const r = runJob({ seq: k, file: 'a.log', format: 'eft', startOffset: 0, bytes: Buffer.from(text) }, { output: 'jsonl', encoding: 'utf8', maxLineBytes: 1024 }, enrich);
        port1.postMessage(r, transferList(r));
      }
      await all;
    } finally {
      port1.close();
      port2.close();
    }
    assert.deepEqual(got.map((r) => [r.seq, r.jsonl!.byteLength > 0]), [[0, false], [1, false], [2, true], [3, false]]);
  });

  it('property: random blocks of log-shaped bytes give the serial JSONL and counts', async () => {
    const FRAGMENTS = [
      '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;',
      '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 550; 1;',
      NCFTPD_LINES[2]!,
      '; ', ',', '|', '\r\n', '\n', '\n', '\uFEFF', 'é', '😀', 'x'.repeat(30),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 24, max: 96 }),
        fc.constantFrom<FormatOption>('eft', 'ncftpd'),
        async (parts, bom, chunk, maxLineBytes, format) => {
          const bytes = Buffer.from((bom ? '\uFEFF' : '') + parts.join(''), 'utf8');
          const c: Case = { name: 'prop', bytes, file: 'p.log', format, encoding: 'utf8', maxLineBytes, timezone: 'UTC' };
          const s = await serial(c);
          const results = runBlocks(c, blocksOf(bytes, maxLineBytes, chunk), 'jsonl');
          assert.equal(Buffer.concat(results.map((r) => r.jsonl!)).toString('utf8'), s.records.map(recordToJsonLine).join(''));
          assert.deepEqual(sumCounts(results), s.counts);
        },
      ),
      { numRuns: 150 },
    );
  });
});
