/**
 * An A/B of one worker's work between two builds of this project, for
 * changes the whole benchmark cannot see on a busy machine: runJob (split →
 * parse → enrich → encode, src/parallel/job.ts) over the start of a log, in
 * 64 KiB blocks and under the workers' young-generation limit. Each round
 * runs build A then build B, each in a fresh process, so that both see the
 * same state of the machine; the medians are compared.
 *
 *   node dist/bench/ab.js --a DIR --b DIR [--output jsonl|http/protobuf|http/json]
 *                         [--measure cpu|instructions] [--rounds N] [--bytes N] FILE
 *
 * --measure cpu (the default) times CPU per line over the first --bytes
 * (40 MiB) of FILE; use 5 rounds or more. --measure instructions counts the
 * instructions per line under valgrind's callgrind, which the machine's load
 * does not change: V8 runs on one thread (--single-threaded: compiler and
 * collector included, so the count does not depend on timing), and the
 * steady state is the difference between runs over the first --bytes/3 and
 * the first --bytes (default 36 MB), which leaves start-up and warm-up out.
 * The same build run as A and B read 39,326 and 39,314 instructions per
 * line (EFT, JSONL): one round is enough. Two builds can still differ in
 * when V8 recompiles within the counted range, which can move a count by
 * tens of percent: check a surprising result over other --bytes. Needs
 * `valgrind` on the PATH, and takes minutes (valgrind runs ~50x slower).
 *
 * DIR is the root of a built checkout, e.g. `git worktree add /tmp/base HEAD~1`
 * then `npm ci && npm run build` in it. Prints one line per round and a summary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const CHILD = `
const [root, file, output, bytes] = process.argv.slice(1);
const { runJob } = await import(root + '/dist/src/parallel/job.js');
const enrichModule = await import(root + '/dist/src/enrich/enrich.js');
// Builds before createCountingEnricher take createEnricher's enricher.
const createEnricher = enrichModule.createCountingEnricher ?? enrichModule.createEnricher;
const { openSync, readSync, closeSync } = await import('node:fs');
const fd = openSync(file, 'r');
const buf = Buffer.alloc(Number(bytes));
const n = readSync(fd, buf, 0, buf.length, 0);
closeSync(fd);
const data = buf.subarray(0, n);
const enrich = createEnricher({ timezone: 'America/Chicago' });
const BLOCK = 64 * 1024;
let off = 0, seq = 0, lines = 0;
const start = process.cpuUsage();
while (off < data.length) {
  let end = Math.min(data.length, off + BLOCK);
  if (end < data.length) {
    const lf = data.lastIndexOf(10, end - 1);
    if (lf >= off) end = lf + 1;
  }
  const r = runJob({ seq: seq++, file: 'ab.log', format: 'auto', startOffset: off, bytes: data.subarray(off, end) },
    { output, encoding: 'utf8', maxLineBytes: 65536 }, enrich);
  lines += r.counts.lines;
  off = end;
}
const used = process.cpuUsage(start);
console.log(JSON.stringify({ lines, cpuMicros: used.user + used.system }));
`;

const USAGE = 'usage: node dist/bench/ab.js --a DIR --b DIR [--output jsonl|http/protobuf|http/json] [--measure cpu|instructions] [--rounds N] [--bytes N] FILE';

function usage(message: string): never {
  process.stderr.write(`ab: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1]!;
}

interface ChildResult {
  lines: number;
  cpuMicros: number;
}

/** The workers' young generation (see read-parallel.ts), and the main thread's old-generation cap. */
const HEAP_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=4'];

function childArgs(root: string, file: string, output: string, bytes: number): string[] {
  return ['--input-type=module', '-e', CHILD, root, file, output, String(bytes)];
}

/** CPU microseconds per line of one run. */
function cpuPerLine(root: string, file: string, output: string, bytes: number): number {
  const out = execFileSync(process.execPath, [...HEAP_FLAGS, ...childArgs(root, file, output, bytes)], { encoding: 'utf8' });
  const r = JSON.parse(out) as ChildResult;
  return r.cpuMicros / r.lines;
}

/** Lines and instructions (callgrind's total) of one run under valgrind. */
function countRun(root: string, file: string, output: string, bytes: number): { lines: number; instructions: number } {
  const run = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--single-threaded', ...HEAP_FLAGS, ...childArgs(root, file, output, bytes)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error !== undefined) {
    const code = (run.error as NodeJS.ErrnoException).code;
    usage(code === 'ENOENT' ? '--measure instructions needs valgrind on the PATH (apt-get install valgrind)' : `valgrind: ${run.error.message}`);
  }
  const refs = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || refs === null) throw new Error(`valgrind run failed (exit ${String(run.status)}):\n${run.stderr.slice(-2000)}`);
  return { lines: (JSON.parse(run.stdout) as ChildResult).lines, instructions: Number(refs[1]!.replaceAll(',', '')) };
}

/** Steady-state instructions per line: the runs over bytes/3 and bytes, differenced. */
function instructionsPerLine(root: string, file: string, output: string, bytes: number): number {
  const short = countRun(root, file, output, Math.floor(bytes / 3));
  const long = countRun(root, file, output, bytes);
  if (long.lines <= short.lines) usage(`FILE has too few lines past its first ${Math.floor(bytes / 3)} bytes`);
  return (long.instructions - short.instructions) / (long.lines - short.lines);
}

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        a: { type: 'string' },
        b: { type: 'string' },
        output: { type: 'string', default: 'jsonl' },
        measure: { type: 'string', default: 'cpu' },
        rounds: { type: 'string' },
        bytes: { type: 'string' },
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.a === undefined || values.b === undefined) usage('--a and --b are required');
  if (positionals.length !== 1) usage('one FILE expected');
  const output = values.output;
  if (output !== 'jsonl' && output !== 'http/protobuf' && output !== 'http/json') usage(`unknown --output ${output}`);
  const measure = values.measure;
  if (measure !== 'cpu' && measure !== 'instructions') usage(`unknown --measure ${measure}`);
  const counting = measure === 'instructions';
  const rounds = Number(values.rounds ?? (counting ? 1 : 5));
  const bytes = Number(values.bytes ?? (counting ? 36_000_000 : 40 * 1024 * 1024));
  if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
  if (!Number.isInteger(bytes) || bytes < (counting ? 3 : 1)) usage('--bytes must be a positive integer');
  const builds = { A: resolve(values.a), B: resolve(values.b) };
  for (const dir of Object.values(builds)) {
    if (!existsSync(join(dir, 'dist/src/parallel/job.js'))) usage(`${dir} has no dist/src/parallel/job.js (build it first)`);
  }
  const file = resolve(positionals[0]!);
  const perLine = counting ? instructionsPerLine : cpuPerLine;
  const unit = counting ? 'instructions/line' : 'µs/line';
  const show = (v: number): string => (counting ? Math.round(v).toLocaleString('en-US') : v.toFixed(3));
  const results: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const k of ['A', 'B'] as const) results[k].push(perLine(builds[k], file, output, bytes));
    process.stdout.write(`round ${round}: A ${show(results.A.at(-1)!)} ${unit}, B ${show(results.B.at(-1)!)} ${unit}\n`);
  }
  const a = median(results.A);
  const b = median(results.B);
  // Rounds are pairs taken at the same moment: the median of their ratios is less moved by a load that drifts during the run.
  const paired = median(results.B.map((v, i) => v / results.A[i]!));
  const what = counting ? 'instructions per line (steady state)' : 'CPU per line';
  const digits = counting ? 3 : 2;
  process.stdout.write(`${output}, ${what}, median of ${rounds}: A ${show(a)}, B ${show(b)}, B/A ${(b / a).toFixed(digits)}; median of the rounds' B/A ${paired.toFixed(digits)}\n`);
}

main();
