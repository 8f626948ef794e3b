import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readLogsParallel, type ParallelLogsStream, type ReadLogsParallelOptions } from '../../src/parallel/read-parallel.js';
import { readLogs, type ReadLogsOptions } from '../../src/sources/log-files.js';
import { toJsonLines } from '../../src/transforms/json-lines.js';
import { isEncodedRecords, recordPosition, type EncodedRecords } from '../../src/otlp/encoded.js';
import { encodeLogsProtobufEnvelope } from '../../src/otlp/encode-protobuf.js';
import { decodeLogsProtobuf } from '../../src/receiver/decode.js';
import { recordFormat } from '../../src/otel/resource.js';
import type { FtpLogRecord, SourcePosition } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';
import { eftLines, ncftpdLines } from '../helpers/lines.js';
import { MAX_LINE_BYTES, eftLog, writeInputs } from './inputs.js';

const NOW = Date.parse('2026-01-02T03:04:05.678Z');

const FIXTURES = [
  fixture('eft', 'eft-client-vendor.log'),
  fixture('eft', 'eft-client-headers.txt'),
  fixture('ncftpd', 'ncftpd-xfer-vendor.log'),
  fixture('ncftpd', 'ncftpd-xfer-fixture.crlf.log'),
];

type Common = Pick<ReadLogsParallelOptions, 'format' | 'timezone' | 'encoding' | 'maxLineBytes'>;

function withoutObserved(text: string): string {
  return text.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
}

async function serialJsonl(inputs: string[], options: Common & { stdin?: Readable }) {
  const src = readLogs(inputs, { ...(options as ReadLogsOptions), now: () => NOW });
  const chunks: Buffer[] = [];
  await pipeline(src, toJsonLines(), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
  return { text: Buffer.concat(chunks).toString('utf8'), stats: src.stats, totals: src.totals() };
}

async function serialRecords(inputs: string[], options: Common) {
  const src = readLogs(inputs, { ...(options as ReadLogsOptions), now: () => NOW });
  const records: FtpLogRecord[] = [];
  for await (const r of src) records.push(r as FtpLogRecord);
  return { records, stats: src.stats, totals: src.totals() };
}

async function collect(s: ParallelLogsStream): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of s) out.push(x);
  return out;
}

async function parallelJsonl(inputs: string[], options: ReadLogsParallelOptions) {
  const s = readLogsParallel(inputs, options);
  const chunks = (await collect(s)) as Buffer[];
  for (const c of chunks) assert.ok(Buffer.isBuffer(c) && c.length > 0);
  return { text: Buffer.concat(chunks).toString('utf8'), stats: s.stats, totals: s.totals(), stream: s };
}

describe('readLogsParallel', () => {
  let dir: string;
  let inputs: ReturnType<typeof writeInputs>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-parallel-'));
    inputs = writeInputs(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('jsonl: the fixtures give the bytes and stats of readLogs (apart from observedTimestamp)', async () => {
    const common: Common = { timezone: 'America/Chicago' };
    const expected = await serialJsonl(FIXTURES, common);
    const got = await parallelJsonl(FIXTURES, { ...common, output: 'jsonl', workers: 2, blockBytes: 64 });
    assert.equal(got.stream.workers, 2);
    assert.equal(withoutObserved(got.text), withoutObserved(expected.text));
    assert.equal(got.text.split('\n').length, expected.text.split('\n').length);
    assert.deepEqual(got.stats, expected.stats);
    assert.deepEqual(got.totals, expected.totals);
    assert.equal(got.totals.bytes, FIXTURES.reduce((n, f) => n + statSync(f).size, 0));
  });

  for (const [blockBytes, format] of [
    [64, 'auto'],
    [100, 'eft'],
    [4096, 'auto'],
  ] as const) {
    it(`jsonl: generated inputs (BOM, CRLF, over-long lines, empty and blank files), blockBytes ${blockBytes}, format ${format}`, async () => {
      const files = [inputs.eft, inputs.empty, inputs.ncftpd, inputs.blankOnly, inputs.eft];
      const common: Common = { timezone: 'Europe/Berlin', format, maxLineBytes: MAX_LINE_BYTES };
      const expected = await serialJsonl(files, common);
      const got = await parallelJsonl(files, { ...common, output: 'jsonl', workers: 2, blockBytes, maxBlocks: 5 });
      assert.equal(withoutObserved(got.text), withoutObserved(expected.text));
      assert.deepEqual(got.stats, expected.stats);
      assert.deepEqual(got.totals, expected.totals);
      assert.equal(got.totals.truncated, 3); // one line in each EFT file, one in the NcFTPd file
      assert.ok(got.totals.parseErrors > 0);
    });
  }

  it('jsonl: with format auto, a first block without a recognisable line (blank lines) leaves later blocks to detect theirs', async () => {
    const f = join(dir, 'late.log');
    writeFileSync(f, '\n\r\n\n' + eftLines(30));
    const common: Common = { timezone: 'UTC' };
    const expected = await serialJsonl([f], common);
    const got = await parallelJsonl([f], { ...common, output: 'jsonl', workers: 2, blockBytes: 16 });
    assert.equal(withoutObserved(got.text), withoutObserved(expected.text));
    assert.deepEqual(got.stats, expected.stats);
    assert.equal(got.stats.inputs[0]!.format, 'eft');
    assert.equal(got.stats.inputs[0]!.skippedBlank, 3);
  });

  for (const blockBytes of [64, 4096]) {
    it(`skipUnrecognised: a listed file that is not an FTP log is left out with one warning, as readLogs does it (blockBytes ${blockBytes})`, async () => {
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, Array.from({ length: 300 }, (_, i) => `meeting notes, line ${i}\n`).join('') + eftLines(5));
      const named = join(dir, 'named.txt');
      writeFileSync(named, Array.from({ length: 20 }, (_, i) => `not a log ${i}\n`).join(''));
      const files = [inputs.eft, notes, named];
      const common: Common = { timezone: 'UTC' };
      const serialWarnings: string[] = [];
      const src = readLogs(files, { timezone: 'UTC', now: () => NOW, skipUnrecognised: [notes] });
      src.on('warning', (m: string) => serialWarnings.push(m));
      const chunks: Buffer[] = [];
      await pipeline(src, toJsonLines(), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
      const s = readLogsParallel(files, { ...common, output: 'jsonl', workers: 2, blockBytes, skipUnrecognised: [notes] });
      const warnings: string[] = [];
      s.on('warning', (m: string) => warnings.push(m));
      const got = Buffer.concat((await collect(s)) as Buffer[]).toString('utf8');
      const expectedWarning = `${notes}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped`;
      assert.deepEqual(serialWarnings, [expectedWarning]);
      assert.deepEqual(warnings, [expectedWarning]);
      assert.equal(withoutObserved(got), withoutObserved(Buffer.concat(chunks).toString('utf8')));
      assert.deepEqual(s.stats, src.stats);
      const [, n, m] = s.stats.inputs;
      // Every line of the file is counted as left out, the EFT lines at its end too: the file was given up on.
      assert.deepEqual([n!.lines, n!.unrecognised, n!.records, n!.parseErrors], [305, 305, 0, 0]);
      // A file not listed is read as before: each line a counted parse error.
      assert.deepEqual([m!.lines, m!.unrecognised, m!.records, m!.parseErrors], [20, 0, 20, 20]);
    });
  }

  for (const blockBytes of [64, 4096]) {
    it(`lines not valid UTF-8: counted per input, one warning per input naming its first one, as readLogs does it (blockBytes ${blockBytes})`, async () => {
      const ansi = (n: number): Buffer => Buffer.from(`2024-11-18 09:00:${String(n).padStart(2, '0')}; ftp; h; 21; m\xfcller; C:\\\xdcberweisung.csv; /in/a.csv; upload; 226;\n`, 'latin1');
      const mixed = join(dir, 'cl241121.log');
      writeFileSync(mixed, Buffer.concat([Buffer.from(eftLines(30)), ansi(1), Buffer.from(eftLines(20, 30)), Buffer.from('2024-11-18 09:00:02; ftp; h; 21; m\uFFFDller; C:\\a; /a; upload; 226;\n'), ansi(3), ansi(4)]));
      const ansiOnly = join(dir, 'cl241122.log');
      writeFileSync(ansiOnly, Buffer.concat([ansi(5), ansi(6)]));
      const files = [mixed, inputs.eft, ansiOnly];
      const serialWarnings: string[] = [];
      const src = readLogs(files, { timezone: 'UTC', now: () => NOW });
      src.on('warning', (m: string) => serialWarnings.push(m));
      const chunks: Buffer[] = [];
      await pipeline(src, toJsonLines(), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
      const s = readLogsParallel(files, { output: 'jsonl', workers: 2, timezone: 'UTC', blockBytes });
      const warnings: string[] = [];
      const events: [string, number][] = [];
      s.on('warning', (m: string) => warnings.push(m));
      s.on('invalidUtf8', (id: string, line: number) => events.push([id, line]));
      const got = Buffer.concat((await collect(s)) as Buffer[]).toString('utf8');
      const hint = 'is not valid UTF-8 (its undecodable bytes read as U+FFFD, "\uFFFD"); if the file is ANSI/latin1, use --encoding latin1; the summary counts every such line';
      const expected = [`${mixed}: line 31 ${hint}`, `${ansiOnly}: line 1 ${hint}`];
      assert.deepEqual(serialWarnings, expected);
      assert.deepEqual(warnings, expected);
      assert.deepEqual(events, [[mixed, 31], [ansiOnly, 1]]);
      assert.equal(withoutObserved(got), withoutObserved(Buffer.concat(chunks).toString('utf8')));
      assert.deepEqual(s.stats, src.stats);
      assert.deepEqual(s.stats.inputs.map((i) => [i.lines, i.invalidUtf8]), [[54, 3], [66, 0], [2, 2]]);
    });
  }

  it('jsonl: a line of 30 MB, allowed by maxLineBytes, is read whole (worker heaps grow with maxLineBytes)', async function () {
    this.timeout(20000);
    const f = join(dir, 'huge-line.log');
    const local = 'C:\\in\\' + 'a'.repeat(30_000_000) + '.csv';
    const first = `2024-11-18 10:00:00; ftp; host; 21; user; ${local}; /r.txt; download; 226;`;
    writeFileSync(f, `${first}\n2024-11-18 10:00:01; ftp; host; 21; user; C:\\y.txt; /y.txt; download; 226;\n`);
    const got = await parallelJsonl([f], { output: 'jsonl', workers: 2, timezone: 'UTC', maxLineBytes: 64 * 1024 * 1024 });
    const lines = got.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { body: string; attributes: Record<string, unknown> });
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.body, first);
    assert.equal(lines[0]!.attributes['ftp.local.path'], local);
    assert.equal(lines[1]!.attributes['file.path'], '/y.txt');
    assert.equal(got.totals.parseErrors, 0);
    assert.equal(got.totals.truncated, 0);
  });

  it('jsonl: latin1 input with encoding latin1', async () => {
    const common: Common = { timezone: 'UTC', encoding: 'latin1', maxLineBytes: 64 };
    const expected = await serialJsonl([inputs.latin1], common);
    const got = await parallelJsonl([inputs.latin1], { ...common, output: 'jsonl', workers: 2, blockBytes: 128 });
    assert.equal(withoutObserved(got.text), withoutObserved(expected.text));
    assert.match(got.text, /Jürgen/);
    assert.deepEqual(got.stats, expected.stats);
  });

  it('lone-CR files (EFT and NcFTPd, 1,000 lines each): the records, line numbers and byte offsets of readLogs, whatever the block size', async () => {
    const eft = join(dir, 'cl241120.log');
    const ncftpd = join(dir, 'xfer.cr.log');
    const eftBytes = Buffer.from(eftLines(1000).replace(/\n/g, '\r'), 'utf8');
    const ncftpdBytes = Buffer.from(ncftpdLines(1000).replace(/\n/g, '\r'), 'utf8');
    writeFileSync(eft, eftBytes);
    writeFileSync(ncftpd, ncftpdBytes);
    const positionsOf = (file: string, bytes: Buffer): SourcePosition[] => {
      const out: SourcePosition[] = [];
      for (let i = bytes.indexOf(0x0d); i >= 0; i = bytes.indexOf(0x0d, i + 1)) out.push({ file, line: out.length + 1, offset: i + 1 });
      return out;
    };
    const wanted = [...positionsOf(eft, eftBytes), ...positionsOf(ncftpd, ncftpdBytes)];
    assert.equal(wanted.length, 2000);
    const common: Common = { timezone: 'UTC' };
    const expected = await serialRecords([eft, ncftpd], common);
    assert.deepEqual(expected.records.map((r) => r.position), wanted);
    assert.equal(expected.totals.records, 2000);
    assert.equal(expected.totals.parseErrors, 0);
    assert.deepEqual(expected.stats.inputs.map((i) => [i.format, i.lines, i.records, i.parseErrors]), [['eft', 1000, 1000, 0], ['ncftpd', 1000, 1000, 0]]);
    for (const blockBytes of [65536, 4096, 100]) {
      const s = readLogsParallel([eft, ncftpd], { ...common, output: 'http/protobuf', workers: 2, blockBytes });
      const runs = (await collect(s)) as EncodedRecords[];
      const positions: (SourcePosition | undefined)[] = [];
      for (const run of runs) for (let i = 0; i < run.count; i++) positions.push(recordPosition(run, i));
      assert.deepEqual(positions, wanted, `blocks of ${blockBytes}`);
      assert.deepEqual(s.stats, expected.stats);
      assert.deepEqual(s.totals(), expected.totals);
    }
  });

  for (const output of ['http/protobuf', 'http/json'] as const) {
    it(`${output}: runs carry the records' formats and source positions, in order`, async () => {
      const files = [...FIXTURES, inputs.eft, inputs.empty, inputs.ncftpd];
      const common: Common = { timezone: 'UTC', maxLineBytes: MAX_LINE_BYTES };
      const expected = await serialRecords(files, common);
      const s = readLogsParallel(files, { ...common, output, workers: 2, blockBytes: 200 });
      const runs = (await collect(s)) as EncodedRecords[];
      const positions: (SourcePosition | undefined)[] = [];
      const formats: unknown[] = [];
      for (const run of runs) {
        assert.ok(isEncodedRecords(run));
        assert.equal(run.protocol, output);
        assert.ok(run.count > 0);
        assert.equal(run.count, run.ends.length);
        assert.equal(run.ends[run.count - 1], run.bytes.length);
        for (let i = 0; i < run.count; i++) {
          positions.push(recordPosition(run, i));
          formats.push(run.format);
          assert.equal(run.file, recordPosition(run, i)!.file);
        }
      }
      assert.deepEqual(positions, expected.records.map((r) => r.position));
      assert.deepEqual(formats, expected.records.map((r) => recordFormat(r.attributes)));
      assert.deepEqual(s.stats, expected.stats);
      assert.deepEqual(s.totals(), expected.totals);
    });
  }

  it('http/protobuf: released run buffers go back to the workers, and the runs encoded in them hold the same records', async () => {
    const file = join(dir, 'cl241120.log');
    writeFileSync(file, eftLines(4000));
    const options: ReadLogsParallelOptions = { output: 'http/protobuf', workers: 2, blockBytes: 4096, timezone: 'UTC' };
    /** The records of runs, as a collector decodes them, without the observed time (the clock's). */
    const decoded = (parts: Uint8Array[]) =>
      decodeLogsProtobuf(encodeLogsProtobufEnvelope({ 'service.name': 'x' }, { name: 'ftplog-otel' }, parts, parts.reduce((n, p) => n + p.length, 0))).map(
        ({ observedTimeUnixNano: _, ...r }) => r,
      );

    const kept = (await collect(readLogsParallel([file], options))) as EncodedRecords[];
    const expected = decoded(kept.map((r) => r.bytes));
    assert.equal(expected.length, 4000);

    const runs: EncodedRecords[] = [];
    const copies: Buffer[] = [];
    for await (const run of readLogsParallel([file], options) as AsyncIterable<EncodedRecords>) {
      assert.equal(typeof run.release, 'function');
      copies.push(Buffer.from(run.bytes));
      runs.push(run);
      run.release!();
      run.release!(); // a second call is ignored
      await nextTurn(); // buffers go back at the end of the tick
    }
    assert.ok(runs.length > 50, `${runs.length} runs`);
    assert.deepEqual(decoded(copies), expected);
    // Handed back: detached here, their views empty. The last few may be released
    // after the input has ended and the workers with it (at most maxBlocks, 2 per worker).
    const detached = runs.filter((r) => r.bytes.byteLength === 0).length;
    assert.ok(detached >= runs.length - 4, `${detached} of ${runs.length} detached`);
    for (const r of runs) assert.equal(r.ends.length, r.count); // the rest of a run stays readable
  });

  it('jsonl: release() hands back the chunks it emitted, ignores anything else, and later chunks are the same', async () => {
    const file = join(dir, 'cl241121.log');
    writeFileSync(file, eftLines(4000));
    const options: ReadLogsParallelOptions = { output: 'jsonl', workers: 2, blockBytes: 4096, timezone: 'UTC' };
    const kept = await parallelJsonl([file], options);
    const s = readLogsParallel([file], options);
    const copies: Buffer[] = [];
    const chunks: Buffer[] = [];
    const foreign = Buffer.from('not from the stream'); // a slice of Buffer's shared pool
    for await (const chunk of s as AsyncIterable<Buffer>) {
      copies.push(Buffer.from(chunk));
      chunks.push(chunk);
      s.release(chunk);
      s.release(chunk); // a second call is ignored
      s.release(foreign);
      s.release(new Uint8Array(8));
      await nextTurn();
    }
    assert.equal(withoutObserved(Buffer.concat(copies).toString('utf8')), withoutObserved(kept.text));
    assert.equal(foreign.toString(), 'not from the stream');
    const detached = chunks.filter((c) => c.byteLength === 0).length;
    assert.ok(chunks.length > 50 && detached >= chunks.length - 4, `${detached} of ${chunks.length} detached`);
  });

  it('reads stdin for "-" (the Readable given as stdin)', async () => {
    const bytes = eftLog(40);
    const chunks = (): Readable => Readable.from(Array.from({ length: Math.ceil(bytes.length / 97) }, (_, k) => bytes.subarray(97 * k, 97 * (k + 1))));
    const common: Common = { timezone: 'UTC', maxLineBytes: MAX_LINE_BYTES };
    const expected = await serialJsonl(['-'], { ...common, stdin: chunks() });
    const got = await parallelJsonl(['-'], { ...common, output: 'jsonl', workers: 2, stdin: chunks() });
    assert.equal(withoutObserved(got.text), withoutObserved(expected.text));
    assert.doesNotMatch(got.text, /log\.file\.path/);
    assert.equal(got.stats.inputs.length, 1);
    assert.equal(got.stats.inputs[0]!.input, '-');
    // Same counts; the parallel reader also counts stdin's bytes.
    assert.deepEqual({ ...got.stats.inputs[0]!, bytes: 0 }, { ...expected.stats.inputs[0]!, bytes: 0 });
    assert.equal(got.stats.inputs[0]!.bytes, bytes.length);
    // No inputs at all means stdin too.
    const none = await parallelJsonl([], { ...common, output: 'jsonl', workers: 1, stdin: chunks() });
    assert.equal(withoutObserved(none.text), withoutObserved(expected.text));
    // Strings from stdin are read as UTF-8.
    const str = await parallelJsonl(['-'], { ...common, output: 'jsonl', workers: 1, stdin: Readable.from([bytes.toString('utf8')]) });
    assert.equal(withoutObserved(str.text), withoutObserved(expected.text));
  });

  it('stop(): ends the stream without error and emits nothing it had not already pushed', async () => {
    const s = readLogsParallel([inputs.eft, inputs.ncftpd, inputs.eft], { output: 'jsonl', workers: 2, timezone: 'UTC', maxLineBytes: MAX_LINE_BYTES, blockBytes: 64 });
    let afterStop = 0;
    let bufferedAtStop = -1;
    let errored: Error | undefined;
    s.on('error', (e) => (errored = e));
    await new Promise<void>((resolve) => {
      s.on('data', () => {
        if (bufferedAtStop < 0) {
          bufferedAtStop = s.readableLength;
          s.stop();
          s.stop(); // twice is harmless
        } else {
          afterStop++;
        }
      });
      s.on('end', resolve);
    });
    assert.equal(errored, undefined);
    assert.equal(afterStop, bufferedAtStop);
    const full = await serialJsonl([inputs.eft, inputs.ncftpd, inputs.eft], { timezone: 'UTC', maxLineBytes: MAX_LINE_BYTES });
    assert.ok(s.totals().lines < full.totals.lines, `stopped at ${s.totals().lines} of ${full.totals.lines} lines`);
    // stop() after the end changes nothing.
    s.stop();
  });

  it('reading waits while the consumer does not read (maxBlocks 2): bytes pulled stay bounded, then all arrive', async () => {
    const chunk = 1024;
    const text = Buffer.from(eftLines(2000));
    let pulled = 0;
    const stdin = new Readable({
      highWaterMark: chunk,
      read() {
        if (pulled >= text.length) {
          this.push(null);
          return;
        }
        const part = text.subarray(pulled, pulled + chunk);
        pulled += part.length;
        this.push(part);
      },
    });
    const s = readLogsParallel(['-'], { output: 'jsonl', workers: 1, maxBlocks: 2, blockBytes: chunk, timezone: 'UTC', stdin });
    // Nobody reads: the stream's own buffer fills (highWaterMark 4 results) and reading stops.
    for (let i = 0; i < 500 && s.readableLength < 4; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(s.readableLength, 4);
    await new Promise((r) => setTimeout(r, 100));
    // Blocks cut: at most 4 emitted + 2 out; plus the cutter's carry and stdin's own buffer (one chunk each, and one chunk read ahead).
    assert.ok(pulled <= (4 + 2 + 3) * chunk, `pulled ${pulled} bytes of ${text.length}`);
    assert.ok(s.stats.inputs[0]!.bytes <= 4 * 2 * chunk, `emitted ${s.stats.inputs[0]!.bytes}`);
    assert.ok(pulled < text.length / 10);
    const rest = (await collect(s)) as Buffer[];
    assert.ok(rest.length > 0);
    assert.equal(pulled, text.length);
    assert.equal(s.totals().lines, 2000);
    assert.equal(s.totals().records, 2000);
    assert.equal(s.totals().bytes, text.length);
  });

  it('fails with ERR_INPUT for an input it cannot read, after the inputs before it', async () => {
    const missing = join(dir, 'missing.log');
    await assert.rejects(collect(readLogsParallel([missing], { output: 'jsonl', workers: 1 })), { name: 'FtplogError', code: 'ERR_INPUT' });
    const s = readLogsParallel([inputs.eft, dir], { output: 'http/protobuf', workers: 2, timezone: 'UTC', maxLineBytes: MAX_LINE_BYTES });
    const seen: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const x of s) seen.push(x);
      })(),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_INPUT');
        assert.ok(err.message.startsWith(dir), err.message);
        return true;
      },
    );
    assert.ok(seen.length > 0);
    assert.ok(s.destroyed);
  });

  it('rejects invalid options with ERR_INVALID_OPTION before starting any thread', () => {
    const base: ReadLogsParallelOptions = { output: 'jsonl', workers: 1 };
    const bad: Partial<Record<keyof ReadLogsParallelOptions, unknown>>[] = [
      { output: 'xml' },
      { output: undefined },
      { workers: 0 },
      { workers: 1.5 },
      { workers: -2 },
      { blockBytes: 0 },
      { maxBlocks: 0 },
      { maxBlocks: 2.5 },
      { maxLineBytes: 0 },
      { encoding: 'utf16le' },
      { format: 'csv' },
    ];
    for (const over of bad) {
      assert.throws(() => readLogsParallel([inputs.eft], { ...base, ...over } as ReadLogsParallelOptions), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(over));
    }
  });
});
