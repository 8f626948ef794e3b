/**
 * A real VictoriaLogs for the end-to-end tests: a log store with an OTLP/HTTP
 * endpoint and a query language (LogsQL), to check what a user finds after
 * shipping through the Collector.
 *
 * The binary is built from its Go module by scripts/victorialogs-build.sh
 * into a cache folder outside the repository, once per version (well under a
 * minute). FTPLOG_E2E decides what happens when it cannot be had, as for the
 * Collector (see collector.ts).
 *
 * Each test starts its own VictoriaLogs on a free 127.0.0.1 port with its
 * storage in a fresh temporary folder, and disposes of it in afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtBinary, freePort, poll, type BuiltBinary } from './collector.js';
import { ServerProcess } from './server-process.js';

const VICTORIALOGS: BuiltBinary = {
  script: 'victorialogs-build.sh',
  what: 'VictoriaLogs',
  needsGo: 'the VictoriaLogs it runs is built from Go modules',
  skipped: 'end-to-end test against VictoriaLogs skipped',
};

/** The VictoriaLogs binary for a `before` hook; see builtBinary. */
export function victoriaLogsBinary(ctx: Mocha.Context): Promise<string> {
  return builtBinary(ctx, VICTORIALOGS);
}

/** Where VictoriaLogs takes OTLP/HTTP logs (protobuf only; it answers JSON with 400). */
export const OTLP_LOGS_PATH = '/insert/opentelemetry/v1/logs';

/** One log entry as /select/logsql/query returns it: every field is a string. */
export type LogsqlRow = Record<string, string>;

/** A running VictoriaLogs. */
export class VictoriaLogs extends ServerProcess {
  private constructor(
    child: ChildProcess,
    readonly url: string,
    readonly dir: string,
  ) {
    super(child);
  }

  /**
   * Starts VictoriaLogs with its storage in a new temporary folder and
   * resolves once /health answers. The retention reaches back 100 years:
   * with the default (7 days) entries older than that are not just deleted
   * later but dropped on arrival, and the examples are from November 2024.
   */
  static async start(binary: string): Promise<VictoriaLogs> {
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-victorialogs-'));
    const port = await freePort();
    const args = [`-storageDataPath=${join(dir, 'data')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y'];
    const child = spawn(binary, args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const vl = new VictoriaLogs(child, `http://127.0.0.1:${port}`, dir);
    try {
      await poll(`VictoriaLogs to answer on ${vl.url}/health`, async () => {
        vl.assertRunning('VictoriaLogs');
        try {
          return (await fetch(`${vl.url}/health`)).ok ? true : undefined;
        } catch {
          return undefined; // not listening yet
        }
      });
    } catch (err) {
      await vl.dispose();
      throw err;
    }
    return vl;
  }

  /** Makes everything ingested so far searchable now (otherwise up to a second later). */
  async flush(): Promise<void> {
    const res = await fetch(`${this.url}/internal/force_flush`);
    if (!res.ok) throw new Error(`/internal/force_flush answered ${res.status}: ${await res.text()}`);
  }

  /** Runs a LogsQL query over all time; the rows in the order the query gives them. */
  async query(logsql: string): Promise<LogsqlRow[]> {
    const res = await fetch(`${this.url}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query: logsql }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`/select/logsql/query answered ${res.status} for ${logsql}: ${text}`);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogsqlRow);
  }

  /** Stops and removes its temporary folder (the storage with it). */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
