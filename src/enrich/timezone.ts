/**
 * Wall-clock times with no zone (as both log formats write them) to epoch
 * milliseconds, in an IANA time zone, DST-correct.
 *
 * Intl is slow (microseconds a call), so the offset to apply is cached per
 * 15-minute block of local time: zone transitions fall on such boundaries
 * (including the 30- and 45-minute zones), so every time in a block shares one
 * answer. The cache is bounded; a log spanning years fills it with one entry
 * per quarter hour seen.
 *
 * Times that occur twice (the hour repeated when clocks go back) resolve to
 * the earlier instant; times that do not exist (skipped when clocks go
 * forward) are moved forward by the gap, like Temporal's 'compatible'.
 */
import type { CivilTime } from '../model.js';
import { FtplogError } from '../errors.js';

const BLOCK_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const CACHE_LIMIT = 65536;

export type CivilToEpoch = (t: CivilTime) => number;

/** The machine's local zone, as Intl resolves it (honours TZ). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** Throws ERR_INVALID_OPTION for a zone Intl does not know; returns its canonical name. */
export function validateTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new FtplogError('ERR_INVALID_OPTION', `option "timezone" must be an IANA time zone such as "Europe/Berlin" or "UTC" (got ${JSON.stringify(timeZone)})`);
  }
}

/** Milliseconds since the epoch of `t` read as UTC (no validation). */
export function civilAsUtc(t: CivilTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

export function createCivilToEpoch(timeZone: string): CivilToEpoch {
  const zone = validateTimeZone(timeZone);
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT' || zone === 'GMT') return civilAsUtc;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  /** Zone offset (local - UTC) in ms at instant `utc`. */
  const offsetAt = (utc: number): number => {
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
    for (const p of fmt.formatToParts(utc)) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
        default: break;
      }
    }
    const local = Date.UTC(bc ? 1 - y : y, mo - 1, d, h, mi, s);
    return local - Math.floor(utc / 1000) * 1000;
  };
  /** Offset to subtract from a local time (as UTC ms) to get the instant. */
  const resolve = (local: number): number => {
    const before = offsetAt(local - DAY_MS);
    const after = offsetAt(local + DAY_MS);
    const okBefore = offsetAt(local - before) === before;
    if (before === after) return okBefore ? before : offsetAt(local - before);
    const okAfter = offsetAt(local - after) === after;
    if (okBefore && okAfter) return Math.max(before, after); // repeated: the earlier instant
    if (okBefore) return before;
    if (okAfter) return after;
    return before; // skipped: move forward by the gap
  };
  const cache = new Map<number, number>();
  return (t: CivilTime): number => {
    const local = civilAsUtc(t);
    const block = Math.floor(local / BLOCK_MS);
    let off = cache.get(block);
    if (off === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      off = resolve(block * BLOCK_MS);
      cache.set(block, off);
    }
    return local - off;
  };
}
