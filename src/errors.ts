/**
 * One error class with stable codes. Callers and tests branch on `code`,
 * never on the message text.
 *
 * - ERR_INVALID_OPTION: a library option is wrong; ERR_INVALID_ARGUMENT: a
 *   command-line argument is; ERR_CONFIG: a setting from the environment or
 *   a file is (all three are usage errors: exit 2).
 * - ERR_INPUT: an input cannot be read; ERR_UNKNOWN_FORMAT: its format
 *   cannot be told. A line that does not parse is data, not an error.
 * - ERR_EXPORT_*: delivery; ERR_ENCODE: a record could not be encoded;
 *   ERR_DEAD_LETTER: the dead-letter file could not be written.
 * - ERR_STATE: the state directory (checkpoints) cannot be used; ERR_LOCKED:
 *   another agent holds it.
 * - ERR_INTERNAL: a broken invariant, i.e. a bug in ftplog-otel.
 */
export type FtplogErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_UNKNOWN_FORMAT'
  | 'ERR_PARSE'
  | 'ERR_INPUT'
  | 'ERR_EXPORT_REJECTED'
  | 'ERR_EXPORT_RETRY_EXHAUSTED'
  | 'ERR_EXPORT_TIMEOUT'
  | 'ERR_SHUTDOWN'
  | 'ERR_CONFIG'
  | 'ERR_WORKER'
  | 'ERR_DEAD_LETTER'
  | 'ERR_ENCODE'
  | 'ERR_STATE'
  | 'ERR_LOCKED'
  | 'ERR_INTERNAL';

export class FtplogError extends Error {
  readonly code: FtplogErrorCode;
  /**
   * For delivery errors: whether the same records could be delivered by
   * trying again later (a collector that was down, a deadline that ran out)
   * rather than only after something is changed (a certificate, a record).
   * Undefined for other errors.
   */
  readonly retryable: boolean | undefined;
  constructor(code: FtplogErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FtplogError';
    this.code = code;
    this.retryable = options?.retryable;
  }
}

export function invalidOption(name: string, expected: string, got: unknown): FtplogError {
  let shown: string;
  try {
    shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  } catch {
    shown = typeof got;
  }
  return new FtplogError('ERR_INVALID_OPTION', `option "${name}" must be ${expected} (got ${shown})`);
}

/** An optional positive-integer option: `def` when absent, ERR_INVALID_OPTION when not a positive integer. */
export function positiveIntOption(name: string, value: number | undefined, def: number): number {
  if (value === undefined) return def;
  if (!Number.isInteger(value) || value < 1) throw invalidOption(name, 'a positive integer', value);
  return value;
}
