/**
 * Options declared once. Each component (the input, the collector, delivery,
 * output) lists its options here with name, type, default, limits, help
 * text and environment variable; the command-line flags and their help, the
 * conversion and validation of flag values, and the validation of the
 * library options are all derived from that one list, so they cannot drift
 * apart (a test checks that they agree for every option).
 *
 * Pure: no streams, no I/O.
 */
import type { ParseArgsConfig } from 'node:util';
import { FtplogError } from '../errors.js';

export type OptionKind = 'string' | 'enum' | 'int' | 'duration' | 'boolean' | 'list';

export interface OptionSpec {
  /** Command-line flag, without `--` (kebab-case). */
  readonly flag: string;
  /** Key of the option in the library's options object. */
  readonly key: string;
  readonly kind: OptionKind;
  /** One line of help (more lines may follow in `more`). */
  readonly help: string;
  /** Further help lines. */
  readonly more?: readonly string[];
  /** What the value stands for in the help: N, D, URL … */
  readonly placeholder?: string;
  /** The library's default, as a typed value (milliseconds for durations). Undefined: none, or computed (see defaultText). */
  readonly default?: string | number | boolean;
  /** How the default reads in the help, when it is not the plain value. */
  readonly defaultText?: string;
  /** Inclusive bounds of an int (or of a duration, in ms). */
  readonly min?: number;
  readonly max?: number;
  /** The values an enum takes. */
  readonly values?: readonly string[];
  /** The standard environment variable it falls back to, when there is one. */
  readonly env?: string;
  readonly short?: string;
  /** For durations: a bare number is refused (the unit is ambiguous). */
  readonly unitRequired?: boolean;
  /** What to add to the refusal of particular wrong values (e.g. a protocol not supported yet). */
  readonly hints?: Readonly<Record<string, string>>;
}

export interface OptionGroup {
  /** Heading of the group in the help. */
  readonly title: string;
  readonly options: readonly OptionSpec[];
}

/** A typed option value. */
export type OptionValue = string | number | boolean | string[];

const COLUMN = 26;

/** The help line(s) of one option, as `  --flag P           text (default …)`. */
export function helpLines(o: OptionSpec): string[] {
  const head = `  ${o.short !== undefined ? `-${o.short}, ` : ''}--${o.flag}${o.placeholder !== undefined ? ' ' + o.placeholder : ''}`;
  const def = defaultText(o);
  const env = o.env !== undefined ? `$${o.env}` : undefined;
  const extras = [def !== undefined ? `default ${def}` : undefined, env].filter((x) => x !== undefined);
  const text = o.help + (extras.length > 0 ? ` (${extras.join('; ')})` : '');
  const first = head.length < COLUMN ? head.padEnd(COLUMN) + text : `${head}\n${''.padEnd(COLUMN)}${text}`;
  return [first, ...(o.more ?? []).map((l) => ''.padEnd(COLUMN) + l)];
}

/** The default as the help shows it; undefined when there is none. */
export function defaultText(o: OptionSpec): string | undefined {
  if (o.defaultText !== undefined) return o.defaultText;
  if (o.default === undefined || o.kind === 'boolean') return undefined;
  if (o.kind === 'duration') return formatDuration(o.default as number);
  return String(o.default);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The help of a group: its title and each option's lines. */
export function helpSection(g: OptionGroup): string {
  return [`${g.title}:`, ...g.options.flatMap(helpLines)].join('\n');
}

/** The node:util parseArgs options for the groups. */
export function parseArgsOptions(groups: readonly OptionGroup[]): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const o of groups.flatMap((g) => g.options)) {
    out[o.flag] = {
      type: o.kind === 'boolean' ? 'boolean' : 'string',
      ...(o.kind === 'list' ? { multiple: true } : {}),
      ...(o.short !== undefined ? { short: o.short } : {}),
    };
  }
  return out;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: `500ms`, `30s`, `5m`, `1h`, `7d`, or (unless a unit is required) a bare number of seconds. Milliseconds, or undefined. */
export function parseDuration(text: string, unitRequired = false): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (m === null || (unitRequired && m[2] === undefined)) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

function describeBounds(o: OptionSpec): string {
  const f = o.kind === 'duration' ? formatDuration : String;
  if (o.min !== undefined && o.max !== undefined) return ` from ${f(o.min)} to ${f(o.max)}`;
  if (o.min !== undefined) return ` of at least ${f(o.min)}`;
  if (o.max !== undefined) return ` of at most ${f(o.max)}`;
  return '';
}

/** What the option takes, for messages: `an integer from 1 to 64`. */
export function expected(o: OptionSpec): string {
  switch (o.kind) {
    case 'int':
      return `an integer${describeBounds(o)}`;
    case 'duration':
      return `a duration such as 500ms, 30s, 5m, 1h or 7d${describeBounds(o)}${o.unitRequired === true ? ', with its unit' : ''}`;
    case 'enum':
      return o.values!.join(' | ');
    case 'boolean':
      return 'true or false';
    case 'list':
      return 'a list of strings';
    default:
      return 'a string';
  }
}

function inBounds(o: OptionSpec, n: number): boolean {
  return (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
}

/** Converts one flag's text to its typed value; throws ERR_INVALID_ARGUMENT naming the flag. */
export function convertFlag(o: OptionSpec, raw: string | boolean | string[]): OptionValue {
  const hint = typeof raw === 'string' ? o.hints?.[raw.trim().toLowerCase()] : undefined;
  const bad = (): FtplogError =>
    new FtplogError('ERR_INVALID_ARGUMENT', `--${o.flag} must be ${expected(o)} (got ${JSON.stringify(raw)})${hint !== undefined ? `; ${hint}` : ''}`);
  switch (o.kind) {
    case 'boolean':
    case 'list':
      return raw;
    case 'int': {
      const t = String(raw).trim();
      const n = Number(t);
      if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(n) || !inBounds(o, n)) throw bad();
      return n;
    }
    case 'duration': {
      const ms = parseDuration(String(raw), o.unitRequired === true);
      if (ms === undefined) {
        if (o.unitRequired === true && parseDuration(String(raw)) !== undefined) {
          throw new FtplogError('ERR_INVALID_ARGUMENT', `--${o.flag} needs a unit, e.g. ${raw}s or ${raw}ms (got ${JSON.stringify(raw)})`);
        }
        throw bad();
      }
      if (!inBounds(o, ms)) throw bad();
      return ms;
    }
    case 'enum': {
      const v = String(raw);
      const hit = o.values!.find((x) => x.toLowerCase() === v.trim().toLowerCase());
      if (hit === undefined) throw bad();
      return hit;
    }
    default:
      return String(raw);
  }
}

/**
 * The typed values of the flags given (those not given are absent), by
 * library key. Throws ERR_INVALID_ARGUMENT naming the first bad flag.
 */
export function convertFlags(groups: readonly OptionGroup[], values: Readonly<Record<string, string | boolean | string[] | undefined>>): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const o of groups.flatMap((g) => g.options)) {
    const raw = values[o.flag];
    if (raw !== undefined) out[o.key] = convertFlag(o, raw);
  }
  return out;
}

/**
 * A library option's value checked against its declaration, or its default
 * when absent. Throws ERR_INVALID_OPTION naming the key.
 */
export function libraryOption(o: OptionSpec, value: unknown): OptionValue | undefined {
  if (value === undefined) return o.default;
  const bad = (): FtplogError => {
    let shown: string;
    try {
      shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    } catch {
      shown = typeof value;
    }
    return new FtplogError('ERR_INVALID_OPTION', `option "${o.key}" must be ${o.kind === 'duration' ? `a number of milliseconds${describeBounds(o)}` : expected(o)} (got ${shown})`);
  };
  switch (o.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || !inBounds(o, value)) throw bad();
      return value;
    case 'duration':
      if (typeof value !== 'number' || Number.isNaN(value) || !inBounds(o, value)) throw bad();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'enum':
      if (typeof value !== 'string' || !o.values!.includes(value)) throw bad();
      return value;
    case 'list':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad();
      return value as string[];
    default:
      if (typeof value !== 'string') throw bad();
      return value;
  }
}

/** The option of a group by library key (throws ERR_INTERNAL for a key not declared: a bug). */
export function optionByKey(g: OptionGroup, key: string): OptionSpec {
  const o = g.options.find((x) => x.key === key);
  if (o === undefined) throw new FtplogError('ERR_INTERNAL', `option "${key}" is not declared in ${g.title}`);
  return o;
}

/** The closest flag to a mistyped one, when one is close enough (edit distance at most 2, or a prefix). */
export function nearestFlag(flag: string, groups: readonly OptionGroup[], extra: readonly string[] = []): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const f of [...groups.flatMap((g) => g.options.map((o) => o.flag)), ...extra]) {
    const d = f.startsWith(flag) && flag.length >= 3 ? 1 : distance(flag, f);
    if (d < bestD) {
      bestD = d;
      best = f;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
