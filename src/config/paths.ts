/**
 * The paths of a pipeline's sources checked before anything runs: a glob
 * that can match nothing (an unclosed brace, a backwards range), and a
 * source read once whose paths stand for no file now.
 */
import picomatch from 'picomatch';
import { expandInputs } from '../sources/glob.js';
import { FtplogError } from '../errors.js';
import type { OptionValue } from '../options/spec.js';

/** Why a path or glob can never match, or undefined when it can. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'an empty path';
  if (glob.includes('\0')) return `${JSON.stringify(glob)} holds a NUL character`;
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && process.platform !== 'win32' && !/^[A-Za-z]:\\/.test(glob)) {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
  }
  if (depth > 0) return `the glob ${JSON.stringify(glob)} has a { without its }`;
  // picomatch compiles what it cannot read (a range such as [z-a]) to a pattern that matches nothing.
  if (picomatch.makeRe(glob, { windows: /^[A-Za-z]:[\\/]/.test(glob) }).source === '$^') return `the glob ${JSON.stringify(glob)} can match no path (check its ranges and braces)`;
  return undefined;
}

/** A warning when a source read once stands for no file now (its run would fail), else undefined. */
export function inputsNow(path: string, values: Record<string, OptionValue>): string | undefined {
  try {
    expandInputs([path], {
      ...(values['exclude'] !== undefined ? { exclude: values['exclude'] as string[] } : {}),
      ...(values['ignoreOlderMs'] !== undefined ? { ignoreOlderMs: values['ignoreOlderMs'] as number } : {}),
    });
    return undefined;
  } catch (err) {
    if (err instanceof FtplogError) return `${err.message} (now: a run would fail unless it appears)`;
    throw err;
  }
}
