/** Shared option parsing for the commands: node:util parseArgs, strict, one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FtplogError } from '../errors.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<V> {
  values: V;
  positionals: string[];
}

/** Parses argv; unknown options and missing values become ERR_INVALID_ARGUMENT. */
export function parseCommandArgs<V>(args: string[], options: OptionsConfig): Parsed<V> {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: values as V, positionals };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new FtplogError('ERR_INVALID_ARGUMENT', msg, { cause: err });
  }
}

/** Integer option value within bounds; undefined stays undefined. */
export function intOption(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return n;
}

/** Duration option: `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds. Returns ms. */
export function durationOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) throw new FtplogError('ERR_INVALID_ARGUMENT', `--${name} must be a duration such as 500ms, 30s, 5m or 1h (got ${JSON.stringify(value)})`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}
