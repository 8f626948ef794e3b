/**
 * ftplog-otel as a Windows process: the official node.exe under Wine, for
 * the Windows lane (windows.test.ts).
 *
 * scripts/wine-node.sh prepares node.exe and a Windows 10 prefix in a cache
 * folder outside the repository (.ci/run runs it first, installing wine64);
 * the lane asks it with --no-install, so `npm test` on a machine without
 * Wine skips the lane with one line (FTPLOG_E2E=required: fails instead).
 * Each run works on a copy of the cached prefix, so its C:\ drive,
 * %ProgramData% included, is its own.
 *
 * node.exe under Wine fails at once when its stdout or stderr is a pipe
 * (`open EBADF`, Wine's pipe emulation, not Windows behaviour): every
 * Windows process here writes to files, read when needed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { projectRoot } from '../helpers/paths.js';
import { E2E_MODE, E2E_REQUIRED } from './collector.js';

/** What scripts/wine-node.sh prepared. */
export interface WineSetup {
  wine: string;
  nodeExe: string;
  /** The cached prefix (never written by a test). */
  prefix: string;
}

type Availability = { setup: WineSetup } | { skip: string };
let availability: Promise<Availability> | undefined;

function runSetupScript(): Promise<Availability> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(projectRoot, 'scripts', 'wine-node.sh'), '--no-install'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', (e) => resolve({ skip: `scripts/wine-node.sh could not run: ${e.message}` }));
    child.on('close', (code) => {
      const v = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      if (code === 0 && v['WINE'] && v['NODE_EXE'] && v['WINEPREFIX']) resolve({ setup: { wine: v['WINE'], nodeExe: v['NODE_EXE'], prefix: v['WINEPREFIX'] } });
      else if (code === 3) resolve({ skip: err.trim().split('\n').pop()!.replace(/^wine-node: /, '') });
      else resolve({ skip: `scripts/wine-node.sh exited ${code}:\n${err}` });
    });
  });
}

/**
 * For a `before` hook: Wine and node.exe, prepared on first use; skips the
 * suite with one line, or fails it under FTPLOG_E2E=required, without them.
 */
export async function wineSetup(ctx: Mocha.Context): Promise<WineSetup> {
  ctx.timeout(10 * 60 * 1000);
  availability ??= E2E_MODE === 'off' ? Promise.resolve({ skip: 'FTPLOG_E2E=off' }) : runSetupScript();
  const a = await availability;
  if ('setup' in a) return a.setup;
  if (E2E_REQUIRED) throw new Error(`FTPLOG_E2E=required, but the Windows lane cannot run: ${a.skip}`);
  console.log(`  Windows lane (node.exe under Wine) skipped: ${a.skip}`);
  ctx.skip();
}

/** What a finished Windows process wrote. */
export interface WinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A Windows process still running: what it has written so far, and its exit. */
export class WinProcess {
  readonly exited: Promise<number | null>;
  constructor(
    readonly child: ChildProcess,
    private readonly outFile: string,
    private readonly errFile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : -1))));
  }

  get stdout(): string {
    return existsSync(this.outFile) ? readFileSync(this.outFile, 'utf8') : '';
  }

  /** Its stderr, without Wine's own lines. */
  get stderr(): string {
    return existsSync(this.errFile) ? withoutWineLines(readFileSync(this.errFile, 'utf8')) : '';
  }

  /** Ctrl+C, as WinSW stops a service: Wine turns SIGINT into a console control event. */
  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Wine's own messages (a missing 32-bit rundll32, say) are not the program's. */
function withoutWineLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^(wine|[0-9a-f]{4}:(err|fixme|warn)):/.test(l))
    .join('\n');
}

/** A copy of the prepared prefix for one suite, and how to run node.exe in it. */
export class WineNode {
  private seq = 0;
  private readonly running = new Set<WinProcess>();
  private constructor(
    readonly setup: WineSetup,
    /** This run's prefix: its drive_c is C:\. */
    readonly prefix: string,
    /** Where stdout and stderr files go. */
    private readonly outDir: string,
  ) {}

  static create(setup: WineSetup): WineNode {
    const root = mkdtempSync(join(tmpdir(), 'ftplog-wine-'));
    const prefix = join(root, 'prefix');
    cpSync(setup.prefix, prefix, { recursive: true, verbatimSymlinks: true });
    return new WineNode(setup, prefix, root);
  }

  /** The Linux path of a Windows path on C: or Z:. */
  linuxPath(winPath: string): string {
    const m = /^([A-Za-z]):\\?(.*)$/.exec(winPath);
    if (m === null) throw new Error(`not a drive path: ${winPath}`);
    const rest = m[2]!.split('\\').filter((s) => s !== '');
    if (m[1]!.toUpperCase() === 'Z') return posix.join('/', ...rest);
    if (m[1]!.toUpperCase() === 'C') return posix.join(this.prefix, 'drive_c', ...rest);
    throw new Error(`no drive ${m[1]} in the prefix`);
  }

  /** The Windows path (Z:) of a Linux path. */
  static zPath(linuxPath: string): string {
    return `Z:${linuxPath.replace(/\//g, '\\')}`;
  }

  /** dist/src/cli/bin.js as node.exe sees it. */
  static readonly BIN = WineNode.zPath(join(projectRoot, 'dist', 'src', 'cli', 'bin.js'));

  /** Starts `node.exe ARGS` with stdout and stderr going to files; `env` adds to what Wine passes on. */
  start(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): WinProcess {
    const n = this.seq++;
    const outFile = join(this.outDir, `${n}.out`);
    const errFile = join(this.outDir, `${n}.err`);
    const out = openSync(outFile, 'w');
    const err = openSync(errFile, 'w');
    try {
      const child = spawn(this.setup.wine, [this.setup.nodeExe, ...args], {
        cwd: options.cwd ?? this.outDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), WINEPREFIX: this.prefix, WINEDEBUG: '-all', ...options.env },
        stdio: ['ignore', out, err],
      });
      const p = new WinProcess(child, outFile, errFile);
      this.running.add(p);
      void p.exited.then(() => this.running.delete(p));
      return p;
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  /** Runs `node.exe ARGS` to its end. */
  async run(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<WinRun> {
    const p = this.start(args, options);
    const code = await p.exited;
    return { code, stdout: p.stdout, stderr: p.stderr };
  }

  /** Runs a script (CommonJS, written here) with node.exe; it prints its result on stdout. */
  async script(source: string, args: string[] = []): Promise<WinRun> {
    return this.run(['-e', source, '--', ...args]);
  }

  /** Ends what is still running, stops the prefix's wineserver and removes the copy. */
  async dispose(): Promise<void> {
    await Promise.all([...this.running].map((p) => p.kill()));
    const wineserver = join(posix.dirname(this.setup.wine), 'wineserver');
    spawnSync(existsSync(wineserver) ? wineserver : 'wineserver', ['-k'], { env: { ...process.env, WINEPREFIX: this.prefix }, stdio: 'ignore', timeout: 30_000 });
    rmSync(this.outDir, { recursive: true, force: true });
  }
}

/** A Windows path joined from parts (backslashes). */
export const winJoin = (...parts: string[]): string => win32.join(...parts);
