/**
 * Preloaded (`node --import`) into an external program under benchmark, such
 * as the CLI: at exit, writes the process's CPU time and peak RSS as JSON to
 * the file named by FTPLOG_BENCH_USAGE_FILE. A parent cannot read a child's
 * rusage from Node, so the child reports its own.
 */
import { writeFileSync } from 'node:fs';

const out = process.env['FTPLOG_BENCH_USAGE_FILE'];
if (out !== undefined && out !== '') {
  process.on('exit', () => {
    const u = process.resourceUsage();
    const r1 = (n: number): number => Math.round(n * 10) / 10;
    writeFileSync(out, JSON.stringify({ cpuUserMs: r1(u.userCPUTime / 1000), cpuSystemMs: r1(u.systemCPUTime / 1000), maxRssMB: r1(u.maxRSS / 1024) }));
  });
}
