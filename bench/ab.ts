/**
 * An A/B of one worker's work between two builds of this project, for
 * changes the whole benchmark cannot see on a busy machine: runJob (split →
 * parse → enrich → encode, src/parallel/job.ts) over the start of a log, in
 * 64 KiB blocks and under the workers' young-generation limit, timed by CPU
 * time per line. Each round runs build A then build B, each in a fresh
 * process, so that both see the same state of the machine; the medians are
 * compared.
 *
 *   node dist/bench/ab.js --a DIR --b DIR [--output jsonl|http/protobuf|http/json]
 *                         [--rounds 5] [--bytes 41943040] FILE
 *
 * DIR is the root of a built checkout, e.g. `git worktree add /tmp/base HEAD~1`
 * then `npm ci && npm run build` in it. Prints one line per round and a summary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const CHILD = `
const [root, file, output, bytes] = process.argv.slice(1);
const { runJob } = await import(root + '/dist/src/parallel/job.js');
const { createEnricher } = await import(root + '/dist/src/enrich/enrich.js');
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
console.log(((used.user + used.system) / lines).toFixed(3));
`;

function usage(message: string): never {
  process.stderr.write(`ab: ${message}\nusage: node dist/bench/ab.js --a DIR --b DIR [--output jsonl|http/protobuf|http/json] [--rounds N] [--bytes N] FILE\n`);
  process.exit(2);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1]!;
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
        rounds: { type: 'string', default: '5' },
        bytes: { type: 'string', default: String(40 * 1024 * 1024) },
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
  const rounds = Number(values.rounds);
  const bytes = Number(values.bytes);
  if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
  if (!Number.isInteger(bytes) || bytes < 1) usage('--bytes must be a positive integer');
  const builds = { A: resolve(values.a), B: resolve(values.b) };
  for (const dir of Object.values(builds)) {
    if (!existsSync(join(dir, 'dist/src/parallel/job.js'))) usage(`${dir} has no dist/src/parallel/job.js (build it first)`);
  }
  const file = resolve(positionals[0]!);
  const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const k of ['A', 'B'] as const) {
      const out = execFileSync(
        process.execPath,
        ['--max-old-space-size=192', '--max-semi-space-size=4', '--input-type=module', '-e', CHILD, builds[k], file, output, String(bytes)],
        { encoding: 'utf8' },
      );
      times[k].push(Number(out.trim()));
    }
    process.stdout.write(`round ${round}: A ${times.A.at(-1)!.toFixed(3)} µs/line, B ${times.B.at(-1)!.toFixed(3)} µs/line\n`);
  }
  const a = median(times.A);
  const b = median(times.B);
  process.stdout.write(`${output}, CPU per line, median of ${rounds}: A ${a.toFixed(3)} µs, B ${b.toFixed(3)} µs, B/A ${(b / a).toFixed(2)}\n`);
}

main();
