/**
 * The OTLP sink's settings from a pipeline file checked as `ship` checks
 * its flags, with the same OTEL_* variables behind them: the endpoint's
 * scheme and path rules, headers, PEM files, batch against queue, the
 * dead-letter path, OTEL_RESOURCE_ATTRIBUTES. A message that names a flag
 * names its file key instead.
 */
import { FtplogError } from '../errors.js';
import { checkedDeadLetter, deliveryOptions, otlpConfigFrom } from '../cli/ship.js';
import { resourceAttributes } from '../otel/resource.js';
import { snakeKey } from './keys.js';
import type { OptionValue } from '../options/spec.js';

export interface SinkProblem {
  /** The file key at fault, when a key is (not an environment variable). */
  readonly key?: string;
  readonly message: string;
}

/** A message about `--some-flag` as one about the key `some_flag`, with the first key it names. */
function inFileTerms(message: string): SinkProblem {
  const named = /--([a-z][a-z0-9-]*)/.exec(message);
  const text = message.replace(/--([a-z][a-z0-9-]*)/g, (_all, flag: string) => snakeKey(flag));
  return named !== null ? { key: snakeKey(named[1]!), message: text } : { message: text };
}

function attempt(f: () => void, out: SinkProblem[], key?: string): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof FtplogError)) throw err;
    const p = inFileTerms(err.message);
    out.push(p.key === undefined && key !== undefined ? { key, message: p.message } : p);
  }
}

/** Every problem of the OTLP sink's values (by library key) with `env`. */
export function checkOtlp(values: Record<string, OptionValue>, env: NodeJS.ProcessEnv): SinkProblem[] {
  const out: SinkProblem[] = [];
  attempt(() => otlpConfigFrom(values, env), out);
  attempt(() => deliveryOptions(values), out);
  attempt(() => checkedDeadLetter(values['deadLetter'] as string | undefined), out, values['deadLetter'] !== undefined ? 'dead_letter' : undefined);
  attempt(() => {
    try {
      resourceAttributes({ env });
    } catch (err) {
      throw new FtplogError('ERR_CONFIG', (err as Error).message);
    }
  }, out);
  return out;
}
