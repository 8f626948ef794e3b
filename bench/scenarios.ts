/**
 * The project's own benchmark scenarios. Each one loads the compiled library
 * (dist/src/index.js) with a dynamic import, so the benchmarks build and the
 * baselines run even while the library is incomplete: a scenario that cannot
 * run throws NotAvailableError and the runner prints the reason.
 *
 * Each reads `file` through the library's own source stage (so backpressure
 * and the splitter are measured), calls `ctx.start()` once setup is done, and
 * returns the counts. cliParseJsonl and cliStats run the CLI as a separate program.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { NotAvailableError, ROOT, receiverStats, type ChildSpec, type Counts, type Format, type MeasureContext } from './harness.js';
import type * as Library from '../src/index.js';

/** The compiled library's entry point, relative to this file once compiled (dist/bench/ -> dist/src/). */
const LIBRARY_ENTRY = '../src/index.js';

/** The CLI as installed: package.json's `bin` entry (dist/src/cli/main.js when it names none). */
function cliEntry(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['ftplog-otel'];
    if (bin !== undefined) return join(ROOT, bin);
  } catch {
    // fall through
  }
  return join(ROOT, 'dist', 'src', 'cli', 'main.js');
}

/** Loads the library, or throws NotAvailableError saying why it cannot. */
export async function loadProject(): Promise<typeof Library> {
  try {
    return (await import(LIBRARY_ENTRY)) as typeof Library;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new NotAvailableError(`dist/src/index.js does not load (${why})`);
  }
}

/** The generated logs are written in this zone (see generate.ts). */
const TIMEZONE = 'America/Chicago';

/**
 * parse-enrich: file source -> splitter -> parser -> enricher -> a null sink
 * that only counts records. Target: >= 800k lines/s per format.
 */
export async function runParseEnrich(file: string, format: Format, ctx: MeasureContext): Promise<Counts> {
  const lib = await loadProject();
  const source = lib.readLogs([file], { format, timezone: TIMEZONE });
  let records = 0;
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 1024,
    write(_r, _e, cb) {
      records++;
      cb();
    },
    writev(chunks, cb) {
      records += chunks.length;
      cb();
    },
  });
  ctx.start();
  await pipeline(source, sink);
  return { lines: source.totals().lines, records };
}

/**
 * encode-protobuf: the library's streams, one thread, into a sink that encodes
 * each 2048 records as an OTLP ExportLogsServiceRequest with the library's
 * protobuf encoder and sends nothing: parse, enrich and serialization, to set
 * beside the SDK's serializer alone (sdk-serialize).
 */
export async function runEncodeProtobuf(file: string, format: Format, ctx: MeasureContext, batchSize = 2048): Promise<Counts> {
  const lib = await loadProject();
  const source = lib.readLogs([file], { format, timezone: TIMEZONE });
  const resource = lib.resourceAttributes({ env: {}, format });
  const scope = { name: 'ftplog-otel' };
  let records = 0;
  let bytes = 0;
  let requests = 0;
  let batch: Library.FtpLogRecord[] = [];
  const encode = (): void => {
    bytes += lib.encodeLogsProtobuf({ resource, scope, records: batch }).length;
    records += batch.length;
    requests++;
    batch = [];
  };
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 1024,
    write(r: Library.FtpLogRecord, _e, cb) {
      batch.push(r);
      if (batch.length >= batchSize) encode();
      cb();
    },
    final(cb) {
      if (batch.length > 0) encode();
      cb();
    },
  });
  ctx.start();
  await pipeline(source, sink);
  return { lines: source.totals().lines, records, extra: { requests, bytes } };
}

/**
 * ship-protobuf: the full pipeline exporting OTLP/HTTP protobuf to the
 * benchmark receiver at `url`, with nothing lost, as `ftplog-otel ship` runs
 * it on a large file (worker threads, one per core). Target: >= 200k records/s,
 * dropped = 0 (records emitted minus records the receiver counted; see
 * receiverStats() in harness.ts).
 */
export async function runShipProtobuf(file: string, format: Format, url: string, ctx: MeasureContext): Promise<Counts> {
  return runShip(file, format, url, 'none', ctx);
}

/** ship-protobuf-1thread: ship-protobuf with everything on the main thread (--workers 0), for comparison. */
export async function runShipProtobufOneThread(file: string, format: Format, url: string, ctx: MeasureContext): Promise<Counts> {
  return runShip(file, format, url, 'none', ctx, 0);
}

/** ship-gzip: as ship-protobuf with gzip request bodies. Target: >= 120k records/s, dropped = 0. */
export async function runShipGzip(file: string, format: Format, url: string, ctx: MeasureContext): Promise<Counts> {
  return runShip(file, format, url, 'gzip', ctx);
}

/** Worker threads for ship, as `ftplog-otel ship --workers auto` picks them for a large file: one per core. */
function autoWorkers(): number {
  return Math.min(availableParallelism(), 8);
}

async function runShip(file: string, format: Format, url: string, compression: 'none' | 'gzip', ctx: MeasureContext, workers = autoWorkers()): Promise<Counts> {
  const lib = await loadProject();
  const source =
    workers > 0 && typeof lib.readLogsParallel === 'function'
      ? lib.readLogsParallel([file], { output: 'http/protobuf', workers, format, timezone: TIMEZONE })
      : lib.readLogs([file], { format, timezone: TIMEZONE });
  const sink = lib.otlpSink({
    config: lib.resolveOtlpConfig({ endpoint: url, protocol: 'http/protobuf', compression }, {}),
    resource: (f) => lib.resourceAttributes({ env: {}, ...(f !== undefined ? { format: f } : {}) }),
    deadLetter: join(ROOT, 'bench', 'out', 'dead-letter.jsonl'),
    // As `ftplog-otel ship` runs it: the sink hands the runs' memory back to the workers.
    releaseRuns: true,
  });
  const before = await receiverStats(url);
  ctx.start();
  await pipeline(source, sink);
  ctx.stop();
  const after = await receiverStats(url);
  const received = after.records - before.records;
  const s = sink.stats;
  return {
    lines: source.totals().lines,
    records: s.received,
    dropped: s.received - received,
    extra: { received, accepted: s.accepted, requests: s.requests, retries: s.retries, bytesSent: s.bytesSent, peakQueuedRecords: s.peakQueuedRecords },
  };
}

/**
 * cli-parse-jsonl: `node <package.json bin> parse FILE > /dev/null`, run by
 * the harness as an external program: CPU
 * and RSS come from a preload, wall time includes Node's start-up, and
 * lines/records are the input's line count. Target: >= 400k lines/s.
 */
export function cliParseJsonl(file: string, lines: number): ChildSpec {
  const entry = cliEntry();
  if (!existsSync(entry)) throw new NotAvailableError(`${entry.slice(ROOT.length + 1)} does not exist`);
  return { args: [entry, 'parse', file], external: { counts: { lines, records: lines } } };
}

/**
 * cli-stats: `node <package.json bin> stats FILE > /dev/null`, measured as
 * cli-parse-jsonl is, to set its time and peak RSS beside parse over the same
 * input: its memory must not grow with the input's users and hosts.
 */
export function cliStats(file: string, lines: number): ChildSpec {
  const entry = cliEntry();
  if (!existsSync(entry)) throw new NotAvailableError(`${entry.slice(ROOT.length + 1)} does not exist`);
  // A report, not a line per record: the probe asks for its sections, not for one line per input line.
  return { args: [entry, 'stats', file], external: { counts: { lines, records: lines }, minOutputLines: 20 } };
}
