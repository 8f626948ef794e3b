/** Option parsing for the commands: node:util parseArgs over the declared option groups, strict, one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { FtplogError } from '../errors.js';
import { helpSection, nearestFlag, parseArgsOptions, type OptionGroup } from '../options/spec.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: FlagValues;
  positionals: string[];
}

const HELP_FLAG: OptionsConfig = { help: { type: 'boolean', short: 'h' } };

export interface ParseOptions {
  /**
   * `-<digits>` is a positional (a negative number), not a cluster of short
   * flags, unless it follows a flag that takes a value.
   */
  readonly negativeNumbers?: boolean;
}

/**
 * Parses argv against the groups' flags (plus `extra` and -h/--help);
 * unknown options and missing values become ERR_INVALID_ARGUMENT, with the
 * nearest known flag suggested for a typo.
 */
export function parseCommandArgs(args: string[], groups: readonly OptionGroup[], extra: OptionsConfig = {}, how: ParseOptions = {}): Parsed {
  const options = { ...parseArgsOptions(groups), ...extra, ...HELP_FLAG };
  const negatives = how.negativeNumbers === true ? negativeNumbers(args, options) : new Map<string, string>();
  const argv = negatives.size === 0 ? args : args.map((a, i) => (negatives.has(placeholder(i)) ? placeholder(i) : a));
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: false } as ParseArgsConfig);
    return { values: values as FlagValues, positionals: positionals.map((p) => negatives.get(p) ?? p) };
  } catch (err) {
    let msg = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    const unknown = /^Unknown option '--?([^']+)'/.exec(msg);
    if (unknown !== null) {
      const near = nearestFlag(unknown[1]!, groups, Object.keys(extra));
      if (near !== undefined) msg += `; did you mean --${near}?`;
    }
    throw new FtplogError('ERR_INVALID_ARGUMENT', msg, { cause: err });
  }
}

/** parseCommandArgs()'s flags and positionals; undefined when -h/--help asked for `help`, which is then written to `out`. */
export function argsOrHelp(args: string[], groups: readonly OptionGroup[], help: string, out: Writable): Parsed | undefined {
  const parsed = parseCommandArgs(args, groups);
  if (parsed.values['help'] !== true) return parsed;
  out.write(help + '\n');
  return undefined;
}

// A stand-in parseArgs reads as a positional: it starts with no dash and no argument holds a NUL.
const placeholder = (i: number): string => `\0${i}`;

/** The `-<digits>` arguments before any `--` that no flag takes as its value, by placeholder. */
function negativeNumbers(args: readonly string[], options: OptionsConfig): Map<string, string> {
  const takesValue = (arg: string | undefined): boolean => {
    if (arg === undefined) return false;
    const long = /^--([^=]+)$/.exec(arg);
    if (long !== null) return options[long[1]!]?.type === 'string';
    const short = /^-([A-Za-z]+)$/.exec(arg);
    const last = short?.[1]!.slice(-1);
    return last !== undefined && Object.values(options).some((o) => o.short === last && o.type === 'string');
  };
  const out = new Map<string, string>();
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (/^-\d+$/.test(args[i]!) && !takesValue(args[i - 1])) out.set(placeholder(i), args[i]!);
  }
  return out;
}

/** A command's help: its usage text, then each group's options, then what follows (exit status …). */
export function commandHelp(head: string, groups: readonly OptionGroup[], tail = ''): string {
  // -h/--help closes the last group's lines.
  const options = [...groups.map(helpSection), ''].join('\n\n').trimEnd() + '\n  -h, --help              this help';
  return [head, options, ...(tail !== '' ? [tail] : [])].join('\n\n');
}
