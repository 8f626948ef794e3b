/**
 * The project's own benchmark scenarios. Each one loads the compiled library
 * (dist/src/index.js) with a dynamic import, so the benchmarks build and the
 * baselines run even while the library is incomplete: a scenario that cannot
 * run throws NotAvailableError and the runner prints the reason.
 *
 * TO WIRE: runParseEnrich, runShipProtobuf and runShipGzip below still throw
 * "not wired"; replace their bodies with the library's pipeline calls. Each
 * must read `file` through the library's own source stage (so backpressure
 * and the splitter are measured), call `ctx.start()` once setup is done, and
 * return the counts. cliParseJsonl needs nothing: it runs the CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotAvailableError, ROOT, type ChildSpec, type Counts, type Format, type MeasureContext } from './harness.js';

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
export async function loadProject(): Promise<Record<string, unknown>> {
  try {
    return (await import(LIBRARY_ENTRY)) as Record<string, unknown>;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new NotAvailableError(`dist/src/index.js does not load (${why})`);
  }
}

function notWired(name: string): NotAvailableError {
  return new NotAvailableError(`${name} is not wired to the library yet (bench/scenarios.ts)`);
}

/**
 * parse-enrich: file source -> splitter -> parser -> enricher -> a null sink
 * that only counts records. Target: >= 800k lines/s per format.
 */
export async function runParseEnrich(file: string, format: Format, ctx: MeasureContext): Promise<Counts> {
  const lib = await loadProject();
  void [lib, file, format, ctx];
  // Fill in with the library's stages, e.g. readLogs([file], { format }) (or
  // splitLines -> parse -> enrich) piped with pipeline() into
  //   new Writable({ objectMode: true, write(_r, _e, cb) { records++; cb(); } })
  // calling ctx.start() just before pipeline() and returning { lines, records }.
  throw notWired('parse-enrich');
}

/**
 * ship-protobuf: the full pipeline exporting OTLP/HTTP protobuf to the
 * benchmark receiver at `url`, with nothing lost. Target: >= 200k records/s,
 * dropped = 0 (records emitted minus records the receiver counted; see
 * receiverStats() in harness.ts).
 */
export async function runShipProtobuf(file: string, format: Format, url: string, ctx: MeasureContext): Promise<Counts> {
  return runShip(file, format, url, 'none', ctx);
}

/** ship-gzip: as ship-protobuf with gzip request bodies. Target: >= 120k records/s, dropped = 0. */
export async function runShipGzip(file: string, format: Format, url: string, ctx: MeasureContext): Promise<Counts> {
  return runShip(file, format, url, 'gzip', ctx);
}

async function runShip(file: string, format: Format, url: string, compression: 'none' | 'gzip', ctx: MeasureContext): Promise<Counts> {
  const lib = await loadProject();
  void [lib, file, format, url, ctx];
  throw notWired(compression === 'gzip' ? 'ship-gzip' : 'ship-protobuf');
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
