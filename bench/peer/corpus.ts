/**
 * The fidelity corpus: generated, deterministic lines of each format, in
 * categories that carry the quirks real files have (bench/generate.ts and
 * ../shared/formats/NOTES.md), so that a parser's right and wrong lines can
 * be counted by kind:
 *
 *   ordinary                 lines with none of the quirks below
 *   EFT: ";" in a path       Windows file names (and remote names) with ";"
 *   IPv6 host                an IPv6 server (EFT) or client (NcFTPd) address
 *   NcFTPd: comma in a path / in an e-mail   fields with unescaped commas
 *   other quirks             EFT: empty host or port, upper-case protocol, ";" without
 *                            spaces; NcFTPd: old YY/MM/DD entries, milliseconds,
 *                            "(main)", junk after the last field
 *   cut short                a line cut at a random byte (a crash mid-write)
 *   DST: repeated hour       America/Chicago, 2024-11-03 01:00-01:59, which happens twice
 *   DST: around spring-forward   2024-03-10 01:xx and 03:xx
 *   DST: skipped hour        2024-03-10 02:xx, which does not exist there
 *   header (EFT)             the header line EFT may write first
 */
import { EFT_HEADERS, Random, generateEftLines, generateNcftpdLines } from '../generate.js';
import type { Format } from '../harness.js';

export interface CorpusLine {
  text: string;
  category: string;
}

/** Lines of each kind in the corpus (fewer when the generator's pool has fewer). */
const QUOTA = { ordinary: 2000, quirk: 300, cut: 300, repeated: 300, around: 150, skipped: 150 } as const;
const POOL = 100_000;
const ZONE = 'America/Chicago';

export function fidelityCorpus(format: Format, seed = 'fidelity'): CorpusLine[] {
  const pool = format === 'eft' ? [...generateEftLines(POOL, seed, eftOptions({}))] : [...generateNcftpdLines(POOL, seed, { zone: ZONE, malformedRate: 0, oldFormatRate: 0.01 })];
  const classify = format === 'eft' ? eftCategory : ncftpdCategory;
  const out: CorpusLine[] = format === 'eft' ? [{ text: EFT_HEADERS.tenTypo, category: 'header' }] : [];
  const counts = new Map<string, number>();
  const spare: string[] = [];
  for (const text of pool) {
    const category = classify(text);
    const n = counts.get(category) ?? 0;
    const quota = category === 'ordinary' ? QUOTA.ordinary : QUOTA.quirk;
    if (n < quota) {
      counts.set(category, n + 1);
      out.push({ text, category });
    } else if (category === 'ordinary') spare.push(text);
  }
  out.push(...cutShort(spare, new Random(`${seed}-cut`)));
  out.push(...dstLines(format, seed));
  return out;
}

function eftOptions(o: { start?: string; meanGapSeconds?: number }): Parameters<typeof generateEftLines>[2] {
  // The benchmark's layout; one name in fifty with ";", so that the pool has enough of them.
  return { columns: 10, header: false, zone: ZONE, malformedRate: 0, semicolonNameRate: 0.02, ...o };
}

function eftCategory(line: string): string {
  const fields = line.split(';');
  const expected = line.endsWith(';') ? 11 : 10;
  if (fields.length > expected) return 'EFT: ";" in a path';
  const host = fields[2]?.trim() ?? '';
  if (host.includes(':')) return 'IPv6 host';
  const protocol = fields[1]?.trim() ?? '';
  if (host === '' || fields[3]?.trim() === '' || protocol !== protocol.toLowerCase() || !line.includes('; ')) return 'other quirks';
  return 'ordinary';
}

const COMMA_EMAILS = [',smith,john@example.com,', ',a@b,c,'];

function ncftpdCategory(line: string): string {
  const bar = line.indexOf('| ');
  const entry = line.slice(bar + 2);
  const old = /^\d{2}\//.test(line);
  const transfer = entry.startsWith('R,') || entry.startsWith('S,');
  const commas = entry.split(',').length - 1;
  const expected = transfer ? (old ? 10 : 16) : 9;
  if (COMMA_EMAILS.some((e) => entry.includes(e))) return 'NcFTPd: comma in an e-mail';
  if (commas > expected) return 'NcFTPd: comma in a path';
  if (entry.includes(',2001:db8:')) return 'IPv6 host';
  if (old || /:\d\d\.\d+ /.test(line) || line.includes('(main)') || !line.endsWith(',') || entry.includes(',"odd--host,')) return 'other quirks';
  return 'ordinary';
}

/** Ordinary lines cut at a random byte. */
function cutShort(spare: readonly string[], rng: Random): CorpusLine[] {
  return spare.slice(0, QUOTA.cut).map((text) => ({ text: text.slice(0, rng.int(1, text.length - 1)), category: 'cut short' }));
}

function timeLines(format: Format, seed: string, start: string): Generator<string> {
  return format === 'eft'
    ? generateEftLines(Infinity, seed, eftOptions({ start, meanGapSeconds: 10 }))
    : generateNcftpdLines(Infinity, seed, { zone: ZONE, malformedRate: 0, start, meanGapSeconds: 2 });
}

/** Lines logged around both of 2024's clock changes in America/Chicago, and lines in the hour that does not exist. */
function dstLines(format: Format, seed: string): CorpusLine[] {
  const repeated: string[] = [];
  for (const text of timeLines(format, `${seed}-fall`, '2024-11-03 00:00:00')) {
    if (text.startsWith('2024-11-03 03:')) break;
    if (text.startsWith('2024-11-03 01:')) repeated.push(text);
  }
  // Spread over both passes through the hour.
  const out = evenly(repeated, QUOTA.repeated).map((text) => ({ text, category: 'DST: repeated hour' }));
  const half = Math.ceil(QUOTA.around / 2);
  let before = 0;
  let after = 0;
  let skipped = 0;
  for (const text of timeLines(format, `${seed}-spring`, '2024-03-10 01:45:00')) {
    if (skipped >= QUOTA.skipped) break;
    if (text.startsWith('2024-03-10 01:') && before < half) {
      out.push({ text, category: 'DST: around spring-forward' });
      before++;
    } else if (text.startsWith('2024-03-10 03:') && after < QUOTA.around - half) {
      out.push({ text, category: 'DST: around spring-forward' });
      after++;
    } else if (text.startsWith('2024-03-10 03:')) {
      // The same line, written as if the clock had not moved forward.
      out.push({ text: '2024-03-10 02:' + text.slice(14), category: 'DST: skipped hour' });
      skipped++;
    }
  }
  return out;
}

/** `n` items of `items` at even intervals, first and last included. */
function evenly<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}
