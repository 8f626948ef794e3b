/**
 * What Linux says about a running process, from /proc: the benchmarks that
 * keep a program running (follow mode, the Collector) read its CPU time and
 * memory while it lives, since a parent cannot read a child's rusage from
 * Node before the child exits.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks: number | undefined;

/** Clock ticks per second of the times in /proc/PID/stat. */
function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticks;
}

/** Fields of /proc/PID/stat after the command name; index 0 is field 3 (state). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds (user + system) a process has used so far, all its threads;
 * with `children`, also what its children that have exited and been waited
 * for used.
 */
export function cpuSeconds(pid: number, options: { children?: boolean } = {}): number {
  const f = statFields(pid);
  // utime, stime, cutime, cstime are fields 14-17.
  let t = Number(f[11]) + Number(f[12]);
  if (options.children === true) t += Number(f[13]) + Number(f[14]);
  return t / clockTicks();
}

function statusKB(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]);
}

/** Resident memory now, in MB. */
export function rssMB(pid: number): number {
  return statusKB(pid, 'VmRSS') / 1024;
}

/** Peak resident memory so far (VmHWM, what rusage's maxrss reports at exit), in MB. */
export function peakRssMB(pid: number): number {
  return statusKB(pid, 'VmHWM') / 1024;
}
