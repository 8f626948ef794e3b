/**
 * An A/B of one worker's work between two builds of this project, for
 * changes the whole benchmark cannot see on a busy machine: runJob (split →
 * parse → enrich → encode, src/parallel/job.ts) over the start of a log, in
 * 64 KiB blocks and under the workers' young-generation limit. Each round
 * runs build A then build B, each in a fresh process, so that both see the
 * same state of the machine; the medians are compared.
 *
 *   node dist/bench/ab.js --a DIR [--b DIR] [--stage cut|parse|enrich|job]
 *                         [--output jsonl|http/protobuf|http/json]
 *                         [--measure cpu|instructions] [--rounds N] [--bytes N] FILE
 *
 * --stage job (the default) is a worker's whole job, encoding to --output.
 * --stage cut, parse or enrich runs the pipeline up to that stage without
 * streams (LineCutter, LineParser, the enricher, in 64 KiB chunks), keeping
 * each line, parsed line or record in a ring of 1024 slots so that none of
 * the work can be left out; the differences between them are the cost of
 * each stage. Without --b only build A is measured.
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
const [root, file, output, bytes, stage] = process.argv.slice(1);
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
let lines = 0;
let start;
if (stage === 'job') {
  const { runJob, JobEncoders } = await import(root + '/dist/src/parallel/job.js');
  // One set of encoders for the whole run, as a worker thread keeps (builds before JobEncoders kept theirs in their modules).
  const encoders = JobEncoders === undefined ? undefined : new JobEncoders();
  let off = 0, seq = 0;
  start = process.cpuUsage();
  while (off < data.length) {
    let end = Math.min(data.length, off + BLOCK);
    if (end < data.length) {
      const lf = data.lastIndexOf(10, end - 1);
      if (lf >= off) end = lf + 1;
    }
    const r = runJob({ seq: seq++, file: 'ab.log', format: 'auto', startOffset: off, bytes: data.subarray(off, end) },
      { output, encoding: 'utf8', maxLineBytes: 65536 }, enrich, undefined, encoders);
    lines += r.counts.lines;
    off = end;
  }
} else {
  // The stages without streams: lines, parsed lines or records go to a ring
  // of 1024 slots, so that none of the work can be left out by the compiler.
  const { LineCutter } = await import(root + '/dist/src/split/line-cutter.js');
  const { LineParser } = await import(root + '/dist/src/transforms/parse.js');
  const ring = new Array(1024).fill(null);
  let at = 0;
  const cutter = new LineCutter({ file: 'ab.log' });
  const parser = new LineParser('auto');
  // (Builds before createCountingEnricher have no newEnrichStats here, and their enricher takes no counts.)
  const counts = enrichModule.newEnrichStats?.();
  const keepParsed = stage === 'enrich' ? (p) => { ring[at = (at + 1) & 1023] = enrich(p, counts); } : (p) => { ring[at = (at + 1) & 1023] = p; };
  const onLine = stage === 'cut' ? (l) => { lines++; ring[at = (at + 1) & 1023] = l; } : (l) => { lines++; parser.push(l, keepParsed); };
  start = process.cpuUsage();
  for (let off = 0; off < data.length; off += BLOCK) cutter.push(data.subarray(off, Math.min(data.length, off + BLOCK)), onLine);
  cutter.end(onLine);
  parser.end(keepParsed);
}
const used = process.cpuUsage(start);
console.log(JSON.stringify({ lines, cpuMicros: used.user + used.system }));
`;

const USAGE = 'usage: node dist/bench/ab.js --a DIR [--b DIR] [--stage cut|parse|enrich|job] [--output jsonl|http/protobuf|http/json] [--measure cpu|instructions] [--rounds N] [--bytes N] FILE';

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

/** What a child runs: one of the stages alone, or a worker's whole job with its output encoding. */
interface Work {
  stage: Stage;
  output: string;
}

function childArgs(root: string, file: string, work: Work, bytes: number): string[] {
  return ['--input-type=module', '-e', CHILD, root, file, work.output, String(bytes), work.stage];
}

/** CPU microseconds per line of one run. */
function cpuPerLine(root: string, file: string, work: Work, bytes: number): number {
  const out = execFileSync(process.execPath, [...HEAP_FLAGS, ...childArgs(root, file, work, bytes)], { encoding: 'utf8' });
  const r = JSON.parse(out) as ChildResult;
  return r.cpuMicros / r.lines;
}

/** Lines and instructions (callgrind's total) of one run under valgrind. */
function countRun(root: string, file: string, work: Work, bytes: number): { lines: number; instructions: number } {
  const run = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--single-threaded', ...HEAP_FLAGS, ...childArgs(root, file, work, bytes)],
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
function instructionsPerLine(root: string, file: string, work: Work, bytes: number): number {
  const short = countRun(root, file, work, Math.floor(bytes / 3));
  const long = countRun(root, file, work, bytes);
  if (long.lines <= short.lines) usage(`FILE has too few lines past its first ${Math.floor(bytes / 3)} bytes`);
  return (long.instructions - short.instructions) / (long.lines - short.lines);
}

const STAGES = ['cut', 'parse', 'enrich', 'job'] as const;
type Stage = (typeof STAGES)[number];

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        a: { type: 'string' },
        b: { type: 'string' },
        stage: { type: 'string', default: 'job' },
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
  if (values.a === undefined) usage('--a is required');
  if (positionals.length !== 1) usage('one FILE expected');
  const stage = values.stage as Stage;
  if (!STAGES.includes(stage)) usage(`unknown --stage ${values.stage}`);
  const output = values.output;
  if (output !== 'jsonl' && output !== 'http/protobuf' && output !== 'http/json') usage(`unknown --output ${output}`);
  const work: Work = { stage, output };
  const measure = values.measure;
  if (measure !== 'cpu' && measure !== 'instructions') usage(`unknown --measure ${measure}`);
  const counting = measure === 'instructions';
  const rounds = Number(values.rounds ?? (counting ? 1 : 5));
  const bytes = Number(values.bytes ?? (counting ? 36_000_000 : 40 * 1024 * 1024));
  if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
  if (!Number.isInteger(bytes) || bytes < (counting ? 3 : 1)) usage('--bytes must be a positive integer');
  const builds: Partial<Record<'A' | 'B', string>> = { A: resolve(values.a) };
  if (values.b !== undefined) builds.B = resolve(values.b);
  const names = Object.keys(builds) as ('A' | 'B')[];
  for (const k of names) {
    if (!existsSync(join(builds[k]!, 'dist/src/parallel/job.js'))) usage(`${builds[k]!} has no dist/src/parallel/job.js (build it first)`);
  }
  const file = resolve(positionals[0]!);
  const perLine = counting ? instructionsPerLine : cpuPerLine;
  const unit = counting ? 'instructions/line' : 'µs/line';
  const show = (v: number): string => (counting ? Math.round(v).toLocaleString('en-US') : v.toFixed(3));
  const results: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const k of names) results[k].push(perLine(builds[k]!, file, work, bytes));
    process.stdout.write(`round ${round}: ${names.map((k) => `${k} ${show(results[k].at(-1)!)} ${unit}`).join(', ')}\n`);
  }
  const label = stage === 'job' ? `job to ${output}` : `${stage} stage`;
  const what = counting ? 'instructions per line (steady state)' : 'CPU per line';
  const a = median(results.A);
  if (builds.B === undefined) {
    process.stdout.write(`${label}, ${what}, median of ${rounds}: A ${show(a)}\n`);
    return;
  }
  const b = median(results.B);
  // Rounds are pairs taken at the same moment: the median of their ratios is less moved by a load that drifts during the run.
  const paired = median(results.B.map((v, i) => v / results.A[i]!));
  const digits = counting ? 3 : 2;
  process.stdout.write(`${label}, ${what}, median of ${rounds}: A ${show(a)}, B ${show(b)}, B/A ${(b / a).toFixed(digits)}; median of the rounds' B/A ${paired.toFixed(digits)}\n`);
}

main();
