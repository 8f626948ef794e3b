/**
 * The OpenTelemetry Collector as the peer the benchmarks measure against:
 * the binary the end-to-end tests build (test/e2e/otelcol/builder.yaml), run
 * with the configurations in bench/collector/ that read the logs with its
 * filelog receiver. It never exits at the end of a file, so callers decide
 * when it is done and read its CPU and memory from /proc before stopping it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Format } from '../harness.js';
import { cpuSeconds, peakRssMB } from '../proc.js';

/** The configurations an operator would write, one per format. */
export const CONFIG_DIR = join(ROOT, 'bench', 'collector');
export const BUILDER_MANIFEST = join(ROOT, 'test', 'e2e', 'otelcol', 'builder.yaml');

export type Availability = { binary: string } | { skip: string };

/**
 * The Collector binary: $FTPLOG_OTELCOL when set, else the one
 * scripts/otelcol-build.sh builds (or has cached) from the builder manifest.
 */
export function findCollector(): Availability {
  const given = process.env['FTPLOG_OTELCOL'];
  if (given !== undefined && given !== '') return existsSync(given) ? { binary: given } : { skip: `FTPLOG_OTELCOL=${given} does not exist` };
  process.stderr.write('peer bench: looking for the Collector (scripts/otelcol-build.sh; a first build takes minutes)\n');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'otelcol-build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
  const binary = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status === 0 && binary !== '' && existsSync(binary)) return { binary };
  return { skip: `scripts/otelcol-build.sh exited ${r.status ?? r.error?.message}; it needs Go and a module proxy` };
}

export interface CollectorVersion {
  /** `otelcol --version`. */
  binary: string;
  /** Module and version of each component the configurations use. */
  modules: Record<string, string>;
}

const USED = ['filelogreceiver', 'batchprocessor', 'memorylimiterprocessor', 'otlphttpexporter', 'fileexporter', 'filestorage'];

export function collectorVersion(binary: string): CollectorVersion {
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const components = spawnSync(binary, ['components'], { encoding: 'utf8' }).stdout;
  const modules: Record<string, string> = {};
  for (const m of components.matchAll(/module: (\S+) (v\S+)/g)) {
    const name = m[1]!.split('/').pop()!;
    if (USED.includes(name)) modules[name] = m[2]!;
  }
  return { binary: version, modules };
}

export interface CollectorRun {
  format: Format;
  /** The file (or glob) the filelog receiver reads. */
  input: string;
  /** OTLP/HTTP base URL; the exporter appends /v1/logs. */
  endpoint: string;
  /** Folder for the receiver's checkpoints (file_storage). */
  storage: string;
  /** More `--config` arguments, merged after the file (e.g. `yaml:...` overrides). */
  overrides?: string[];
  cwd?: string;
}

/** A running Collector; `stop()` is safe to call twice. */
export class CollectorProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #output = '';
  #exitCode: number | null | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    const keep = (s: string): void => {
      this.#output = (this.#output + s).slice(-16 * 1024);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.#exitCode = code;
        resolve(code);
      }),
    );
  }

  static start(binary: string, run: CollectorRun): CollectorProcess {
    const args = ['--config', join(CONFIG_DIR, `${run.format}.yaml`), ...(run.overrides ?? []).flatMap((o) => ['--config', o])];
    const env = {
      PATH: process.env['PATH'] ?? '',
      FTPLOG_PEER_INPUT: run.input,
      FTPLOG_PEER_ENDPOINT: run.endpoint,
      FTPLOG_PEER_STORAGE: run.storage,
    };
    const child = spawn(binary, args, { cwd: run.cwd ?? run.storage, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new CollectorProcess(child);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Throws with the end of the Collector's log when it has exited. */
  assertRunning(): void {
    if (this.#exitCode !== undefined) throw new Error(`the Collector exited (${this.#exitCode}):\n${this.#output}`);
  }

  /** CPU seconds used so far, children included. */
  cpuSeconds(): number {
    return cpuSeconds(this.pid, { children: true });
  }

  peakRssMB(): number {
    return peakRssMB(this.pid);
  }

  /** SIGTERM (exporters flush), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.#exitCode === undefined) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
  }
}

/** The receiver URL without its path: the otlphttp exporter appends /v1/logs itself. */
export function baseUrl(url: string): string {
  return new URL(url).origin;
}
