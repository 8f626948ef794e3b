/** Generated log lines for tests. */

/** N distinct EFT lines (the remote path carries the index). */
export function eftLines(n: number, start = 0): string {
  let s = '';
  for (let i = start; i < start + n; i++) {
    s += `2024-11-18 08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}; ftp; files.example.com; 21; payroll; C:\\out\\f${i}.csv; /in/f${i}.csv; upload; 226;\n`;
  }
  return s;
}


/** N distinct NcFTPd transfer log lines (R entries; the path and session carry the index). */
export function ncftpdLines(n: number, start = 0): string {
  let s = '';
  for (let i = start; i < start + n; i++) {
    const t = `${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    s += `2024-11-18 ${t} #u${(i % 9) + 1}     | R,/pub/data/f${i}.bin,${1000 + i},0.010,97.656,anonymous,user${i}@example.com,198.51.100.7,,OK,I,,1731916800,S${i}AAAA,-1,0,\n`;
  }
  return s;
}
