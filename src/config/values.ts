/**
 * An option's value as a pipeline file writes it, checked against the
 * option's one declaration (src/options): integers as numbers, durations as
 * strings with their unit (`30s`), enums as on the command line, lists as
 * lists. The message names the file key, not the flag. Pure.
 */
import { expected, formatDuration, parseDuration, type OptionSpec, type OptionValue } from '../options/spec.js';
import { validateTimeZone } from '../enrich/timezone.js';
import { workersOption } from '../sources/source.js';

export type Checked = { ok: true; value: OptionValue } | { ok: false; message: string };

function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function inBounds(o: OptionSpec, n: number): boolean {
  return (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
}

/** `key` of option `o` given `v` in a file: its typed value (milliseconds for durations), or why not. */
export function fileValue(key: string, o: OptionSpec, v: unknown): Checked {
  const bad = (what = expected(o)): Checked => ({ ok: false, message: `${key} must be ${what} (got ${shown(v)})` });
  if (o.key === 'workers') {
    if (typeof v !== 'number' && typeof v !== 'string') return bad('auto or an integer from 0 to 64');
    try {
      workersOption(typeof v === 'number' ? String(v) : v, []);
      return { ok: true, value: typeof v === 'number' ? String(v) : v };
    } catch {
      return bad('auto or an integer from 0 to 64');
    }
  }
  switch (o.kind) {
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) && inBounds(o, v) ? { ok: true, value: v } : bad();
    case 'duration': {
      if (typeof v === 'number') return bad(`a duration written with its unit, such as "${formatDuration(Math.max(o.min ?? 0, 1000))}"`);
      const ms = typeof v === 'string' ? parseDuration(v, true) : undefined;
      return ms !== undefined && inBounds(o, ms) ? { ok: true, value: ms } : bad();
    }
    case 'boolean':
      return typeof v === 'boolean' ? { ok: true, value: v } : bad();
    case 'enum': {
      const hit = typeof v === 'string' ? o.values!.find((x) => x.toLowerCase() === v.trim().toLowerCase()) : undefined;
      if (hit !== undefined) return { ok: true, value: hit };
      const hint = typeof v === 'string' ? o.hints?.[v.trim().toLowerCase()] : undefined;
      const r = bad();
      return hint !== undefined && !r.ok ? { ok: false, message: `${r.message}; ${hint}` } : r;
    }
    case 'list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? { ok: true, value: v as string[] } : bad();
    default: {
      if (typeof v !== 'string' || v.trim() === '') return bad('a non-empty string');
      if (o.key === 'timezone') {
        try {
          return { ok: true, value: validateTimeZone(v) };
        } catch {
          return { ok: false, message: `timezone: unknown time zone ${JSON.stringify(v)} (an IANA zone such as "Europe/Berlin", "America/Chicago" or "UTC")` };
        }
      }
      return { ok: true, value: v };
    }
  }
}
