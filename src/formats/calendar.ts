/** Readers of the numbers in a log's time stamp, shared by the EFT and ctime(3) parsers. Pure. */

/** `n` decimal digits at `i` as a number, or -1; the caller keeps [i, i + n) within `text`. */
export function digits(text: string, i: number, n: number): number {
  let v = 0;
  for (const end = i + n; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
