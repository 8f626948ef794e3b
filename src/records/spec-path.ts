/**
 * Where in a transform spec (or in a configuration file) a bad value is.
 * The checks of each transform throw a FtplogError with `path`, the place
 * in the spec (`['hash', 0]`), and `detail`, what is wrong there; the
 * message joins both (`redact: hash[0]: …`). transformFromConfig() puts the
 * entry's own place in front, so that a file loader can point at a line.
 * Pure.
 */
import { FtplogError, type FtplogErrorCode } from '../errors.js';

/** Keys (strings) and list indexes (numbers) from the outside in: `['transforms', 1, 'redact', 'hash', 0]`. */
export type SpecPath = readonly (string | number)[];

/** A FtplogError that says where the bad value is. */
export type SpecError = FtplogError & { readonly path: SpecPath; readonly detail: string };

/** `transforms[1].redact.hash[0]`; a key that is not a plain word is quoted: `attributes["user.name"]`. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** The path formatPath() wrote, read back (`transforms[1]` → `['transforms', 1]`); ERR_INVALID_OPTION for text it would not write. */
export function parsePath(text: string): SpecPath {
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null || (m[1] !== undefined && at === 0 && text[0] === '.')) throw new FtplogError('ERR_INVALID_OPTION', `not a path: ${JSON.stringify(text)}`);
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    at = re.lastIndex;
  }
  return out;
}

/** An error at `path` within a spec of `type`: the message reads `type: path: detail` (`type: detail` at the spec itself). */
export function specError(type: string, path: SpecPath, detail: string, code: FtplogErrorCode = 'ERR_INVALID_OPTION'): SpecError {
  const where = path.length === 0 ? '' : `${formatPath(path)}: `;
  return Object.assign(new FtplogError(code, `${type}: ${where}${detail}`), { path, detail });
}

export function isSpecError(err: unknown): err is SpecError {
  return err instanceof FtplogError && Array.isArray((err as Partial<SpecError>).path) && typeof (err as Partial<SpecError>).detail === 'string';
}
