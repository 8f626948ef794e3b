/**
 * Wall-clock times with no zone (as both log formats write them) to epoch
 * milliseconds, in an IANA time zone, DST-correct.
 *
 * Intl is slow (microseconds a call), so the offset to apply is cached per
 * local day: a day whose offset is the same 14 hours before its start and 14
 * hours after its end (any zone's offset range) has no transition, and every
 * time in it shares one answer. A day with a transition is resolved per
 * 15-minute block of local time instead: transitions fall on such boundaries
 * (including the 30- and 45-minute zones). Both caches are bounded.
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

// Date.UTC costs about as much as the rest of the conversion; consecutive
// lines share their day, so the day's start is kept and the time of day added.
let lastYear = NaN;
let lastMonth = NaN;
let lastDayOfMonth = NaN;
let lastDayStart = NaN;

/** Milliseconds since the epoch of `t` read as UTC (no validation). */
export function civilAsUtc(t: CivilTime): number {
  const { hour, minute, second, millisecond } = t;
  // Only small non-negative integers add up exactly as Date.UTC combines them.
  if (hour === (hour & 127) && minute === (minute & 127) && second === (second & 127) && millisecond === (millisecond & 1023)) {
    if (t.day !== lastDayOfMonth || t.month !== lastMonth || t.year !== lastYear) {
      const start = Date.UTC(t.year, t.month - 1, t.day);
      // Far from the ±8.64e15 clip, where Date.UTC would give NaN for the sum.
      if (!(Math.abs(start) < 8e15)) return Date.UTC(t.year, t.month - 1, t.day, hour, minute, second, millisecond);
      lastYear = t.year;
      lastMonth = t.month;
      lastDayOfMonth = t.day;
      lastDayStart = start;
    }
    return lastDayStart + hour * 3600000 + minute * 60000 + second * 1000 + millisecond;
  }
  return Date.UTC(t.year, t.month - 1, t.day, hour, minute, second, millisecond);
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
  const MARGIN_MS = 14 * 60 * 60 * 1000;
  /** Per local day: the day's offset, or NaN when a transition falls in it. */
  const days = new Map<number, number>();
  const blocks = new Map<number, number>();
  let lastDay = NaN;
  let lastDayOffset = NaN;
  return (t: CivilTime): number => {
    const local = civilAsUtc(t);
    const day = Math.floor(local / DAY_MS);
    if (day === lastDay && lastDayOffset === lastDayOffset) return local - lastDayOffset;
    let dayOffset = days.get(day);
    if (dayOffset === undefined) {
      if (days.size >= CACHE_LIMIT) days.clear();
      const start = day * DAY_MS;
      const before = offsetAt(start - MARGIN_MS);
      const after = offsetAt(start + DAY_MS + MARGIN_MS);
      dayOffset = before === after && offsetAt(start + DAY_MS / 2 - before) === before ? before : NaN;
      days.set(day, dayOffset);
    }
    lastDay = day;
    lastDayOffset = dayOffset;
    if (dayOffset === dayOffset) return local - dayOffset; // not NaN
    const block = Math.floor(local / BLOCK_MS);
    let off = blocks.get(block);
    if (off === undefined) {
      if (blocks.size >= CACHE_LIMIT) blocks.clear();
      off = resolve(block * BLOCK_MS);
      blocks.set(block, off);
    }
    return local - off;
  };
}
