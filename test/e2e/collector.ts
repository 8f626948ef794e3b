/**
 * A real OpenTelemetry Collector for the end-to-end tests.
 *
 * The binary is built from test/e2e/otelcol/builder.yaml by
 * scripts/otelcol-build.sh into a cache folder outside the repository, once
 * per manifest; the first test file that needs it builds it (several minutes).
 *
 * FTPLOG_E2E decides what happens when the Collector cannot be had:
 *   unset       without Go, or when the build fails, the e2e suites are
 *               skipped with one line saying why
 *   required    that is an error instead (CI), and so is any skipped e2e test
 *   off         skipped, with one line saying so
 *
 * Each test starts its own Collector on free 127.0.0.1 ports with a config
 * written to a fresh temporary folder, and stops it in afterEach.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { projectRoot } from '../helpers/paths.js';
import { ServerProcess } from './server-process.js';

export const E2E_MODE = process.env['FTPLOG_E2E'] ?? '';
export const E2E_REQUIRED = E2E_MODE === 'required';

/** Long enough for a first build of the Collector on two cores. */
export const BUILD_TIMEOUT_MS = 30 * 60 * 1000;

type Availability = { binary: string } | { skip: string };

/** What a build script needs to say when it cannot run, and how its suites are skipped. */
export interface BuiltBinary {
  /** The script in scripts/: builds unless cached, prints the binary's path last on stdout. */
  script: string;
  /** Names the thing in "the <what> build failed". */
  what: string;
  /** Ends "go is not on PATH, and ...". */
  needsGo: string;
  /** Starts the one line printed when the suites are skipped. */
  skipped: string;
}

const COLLECTOR: BuiltBinary = {
  script: 'otelcol-build.sh',
  what: 'Collector',
  needsGo: 'the OpenTelemetry Collector they run is built from Go modules',
  skipped: 'end-to-end tests against a real OpenTelemetry Collector skipped',
};

const availability = new Map<string, Promise<Availability>>();
const skipLinePrinted = new Set<string>();

function goOnPath(): boolean {
  const r = spawnSync('go', ['version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

function build(b: BuiltBinary): Promise<Availability> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(projectRoot, 'scripts', b.script)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const progress = `${b.script.replace(/\.sh$/, '')}: b`;
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      // A first build takes a while: show that something is happening.
      for (const line of s.split('\n')) if (line.startsWith(progress)) process.stderr.write(`      ${line}\n`);
    });
    child.on('error', (e) => resolve({ skip: `scripts/${b.script} could not run: ${e.message}` }));
    child.on('close', (code) => {
      const binary = out.trim().split('\n').pop() ?? '';
      if (code === 0 && existsSync(binary)) resolve({ binary });
      else {
        process.stderr.write(err.split('\n').slice(-30).join('\n') + '\n');
        resolve({ skip: `the ${b.what} build failed (scripts/${b.script} exited ${code}; its output is above)` });
      }
    });
  });
}

function availabilityOf(b: BuiltBinary): Promise<Availability> {
  let a = availability.get(b.script);
  if (a === undefined) {
    a = (async (): Promise<Availability> => {
      if (E2E_MODE === 'off') return { skip: 'FTPLOG_E2E=off' };
      if (!goOnPath()) return { skip: `go is not on PATH, and ${b.needsGo}` };
      return build(b);
    })();
    availability.set(b.script, a);
  }
  return a;
}

/**
 * For a `before` hook: resolves to the binary, building it on first use;
 * skips the suite (one line, printed once per binary) or fails it under
 * FTPLOG_E2E=required when there is none.
 */
export async function builtBinary(ctx: Mocha.Context, b: BuiltBinary): Promise<string> {
  ctx.timeout(BUILD_TIMEOUT_MS);
  const a = await availabilityOf(b);
  if ('binary' in a) return a.binary;
  if (E2E_REQUIRED) throw new Error(`FTPLOG_E2E=required, but the end-to-end tests cannot run: ${a.skip}`);
  if (!skipLinePrinted.has(b.script)) {
    skipLinePrinted.add(b.script);
    console.log(`  ${b.skipped}: ${a.skip}`);
  }
  ctx.skip();
}

/** The Collector binary for a `before` hook; see builtBinary. */
export function collectorBinary(ctx: Mocha.Context): Promise<string> {
  return builtBinary(ctx, COLLECTOR);
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function poll<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Settings every test Collector gets: no metrics server (it would take port 8888), quiet logs. */
export const QUIET_TELEMETRY = { metrics: { level: 'none' }, logs: { level: 'warn' } };

export interface StartOptions {
  /** The configuration, as an object (written as YAML) or YAML text; or a path to an existing file with `configFile`. */
  config?: object | string;
  configFile?: string;
  /** More `--config` arguments, merged in order after the file (e.g. `yaml:service::telemetry::metrics::level: none`). */
  overrides?: string[];
  /** Port whose accepting connections means ready. */
  readyPort: number;
  /** Extra environment for the Collector. */
  env?: Record<string, string>;
  /** Folder for the config and outputs; a new temporary one when omitted. */
  dir?: string;
}

/** A running Collector. */
export class Collector extends ServerProcess {
  private constructor(
    child: ChildProcess,
    readonly dir: string,
    readonly ownsDir: boolean,
  ) {
    super(child);
  }

  /** Starts a Collector and resolves once `readyPort` accepts connections (the receivers start last). */
  static async start(binary: string, options: StartOptions): Promise<Collector> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ftplog-otelcol-'));
    let configFile = options.configFile;
    if (configFile === undefined) {
      configFile = join(dir, 'config.yaml');
      writeFileSync(configFile, typeof options.config === 'string' ? options.config : stringify(options.config ?? {}));
    }
    const args = ['--config', configFile, ...(options.overrides ?? []).flatMap((o) => ['--config', o])];
    const child = spawn(binary, args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collector = new Collector(child, dir, ownsDir);
    try {
      await poll(`the Collector to listen on 127.0.0.1:${options.readyPort}`, async () => {
        collector.assertRunning('the Collector');
        return (await canConnect(options.readyPort)) ? true : undefined;
      });
    } catch (err) {
      await collector.stop();
      throw err;
    }
    return collector;
  }

  /** Stops and removes the temporary folder it made. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `otelcol validate --config FILE [--config override...]`: exit code and output. */
export function validate(binary: string, configFile: string, overrides: string[] = [], env: Record<string, string> = {}): { code: number | null; output: string } {
  const args = ['validate', '--config', configFile, ...overrides.flatMap((o) => ['--config', o])];
  const r = spawnSync(binary, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

// ---------------------------------------------------------------------------
// What the fileexporter wrote (format: json): one ExportLogsServiceRequest per line.

export interface OtlpJsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

export interface ExportedRecord {
  resource: OtlpJsonKeyValue[];
  scope: Record<string, unknown>;
  record: Record<string, unknown>;
}

/**
 * The records in a fileexporter JSON file, in file order; [] while the file
 * does not exist. A last line without its newline is still being written:
 * an error, unless `whileWriting` (a poll while the Collector runs) skips it.
 */
export function readExported(file: string, whileWriting = false): ExportedRecord[] {
  if (!existsSync(file)) return [];
  const out: ExportedRecord[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const partial = lines.pop()!;
  if (partial !== '' && !whileWriting) throw new Error(`${file} ends in an unfinished line`);
  for (const line of lines) {
    if (line === '') continue;
    const request = JSON.parse(line) as { resourceLogs?: Array<{ resource?: { attributes?: OtlpJsonKeyValue[] }; scopeLogs?: Array<{ scope?: Record<string, unknown>; logRecords?: Array<Record<string, unknown>> }> }> };
    for (const rl of request.resourceLogs ?? []) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) out.push({ resource: rl.resource?.attributes ?? [], scope: sl.scope ?? {}, record });
      }
    }
  }
  return out;
}

/** Waits until the fileexporter file holds at least `n` records (it flushes asynchronously, and may be mid-line). */
export function waitForExported(file: string, n: number, timeoutMs = 20_000): Promise<number> {
  return poll(`${n} records in ${file}`, () => {
    const count = readExported(file, true).length;
    return count >= n ? count : undefined;
  }, timeoutMs);
}

// ---------------------------------------------------------------------------
// ftplog-otel itself, as a user runs it: a child process of the built CLI.

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Epoch ms just before the process started and just after it exited. */
  startedMs: number;
  endedMs: number;
}

const BIN = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');

/** The environment of a CLI run: PATH and what the test says, nothing of the caller's OTEL_* settings. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), ...extra };
}

/** Runs `node dist/src/cli/bin.js ARGS`; `onSpawn` gets the child (e.g. to write its stdin when `stdin` is true). */
export function runFtplog(args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: boolean; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const startedMs = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? projectRoot, env: cliEnv(options.env), stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, startedMs, endedMs: Date.now() }));
    options.onSpawn?.(child);
  });
}
