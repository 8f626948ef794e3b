/**
 * One error class with stable codes. Callers and tests branch on `code`,
 * never on the message text.
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
  | 'ERR_ENCODE';

export class FtplogError extends Error {
  readonly code: FtplogErrorCode;
  constructor(code: FtplogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FtplogError';
    this.code = code;
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
