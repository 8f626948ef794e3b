/** Option parsing for the commands: node:util parseArgs over the declared option groups, strict, one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FtplogError } from '../errors.js';
import { helpSection, nearestFlag, parseArgsOptions, type OptionGroup } from '../options/spec.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: FlagValues;
  positionals: string[];
}

const HELP_FLAG: OptionsConfig = { help: { type: 'boolean', short: 'h' } };

/**
 * Parses argv against the groups' flags (plus `extra` and -h/--help);
 * unknown options and missing values become ERR_INVALID_ARGUMENT, with the
 * nearest known flag suggested for a typo.
 */
export function parseCommandArgs(args: string[], groups: readonly OptionGroup[], extra: OptionsConfig = {}): Parsed {
  const options = { ...parseArgsOptions(groups), ...extra, ...HELP_FLAG };
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true, allowNegative: false } as ParseArgsConfig);
    return { values: values as FlagValues, positionals };
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

/** A command's help: its usage text, then each group's options, then what follows (exit status …). */
export function commandHelp(head: string, groups: readonly OptionGroup[], tail = ''): string {
  // -h/--help closes the last group's lines.
  const options = [...groups.map(helpSection), ''].join('\n\n').trimEnd() + '\n  -h, --help              this help';
  return [head, options, ...(tail !== '' ? [tail] : [])].join('\n\n');
}
