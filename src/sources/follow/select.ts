/**
 * The files a follow run's patterns stand for, asked again on every scan:
 * a pattern that matches nothing yet is not an error (its files may
 * appear), and the folders to watch for them.
 */
import { expandInputs, watchDirs, type PathFlavour } from '../glob.js';
import { FtplogError } from '../../errors.js';
import type { FileSelector } from './follow.js';

export interface SelectorOptions {
  /** Globs of files to leave out. */
  exclude?: readonly string[];
  /** Path rules. @default the host's */
  flavour?: PathFlavour;
}

/** A FileSelector over files, folders and glob patterns. Throws ERR_INVALID_OPTION for malformed options at once. */
export function fileSelector(patterns: readonly string[], options: SelectorOptions = {}): FileSelector {
  const select = { exclude: options.exclude ?? [], ...(options.flavour !== undefined ? { flavour: options.flavour } : {}) };
  // Checks the options and the patterns' syntax now rather than on the first scan.
  watchDirs(patterns, select);
  return {
    list(): string[] {
      const out: string[] = [];
      const taken = new Set<string>();
      for (const pattern of patterns) {
        let files: string[];
        try {
          files = expandInputs([pattern], select);
        } catch (err) {
          if (err instanceof FtplogError && err.code === 'ERR_INPUT') continue; // nothing there yet
          throw err;
        }
        for (const f of files) {
          if (taken.has(f)) continue;
          taken.add(f);
          out.push(f);
        }
      }
      return out;
    },
    dirs: () => watchDirs(patterns, select),
  };
}
