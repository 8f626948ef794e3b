/** Generated log lines for tests. */

/** N distinct EFT lines (the remote path carries the index). */
export function eftLines(n: number, start = 0): string {
  let s = '';
  for (let i = start; i < start + n; i++) {
    s += `2024-11-18 08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}; ftp; files.example.com; 21; payroll; C:\\out\\f${i}.csv; /in/f${i}.csv; upload; 226;\n`;
  }
  return s;
}

