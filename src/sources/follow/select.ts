/**
 * The files a follow run's patterns stand for, asked again on every scan:
 * a pattern that matches nothing yet is not an error (its files may
 * appear), and the folders to watch for them.
 */
import { expandInputs, watchDirs, type PathFlavour } from '../glob.js';
import { FtplogError } from '../../errors.js';
import type { FileGroupSettings, FileSelector } from './follow.js';

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

/** Patterns with their own exclusions and settings: one group of a followed source. */
export interface SelectorGroup {
  patterns: readonly string[];
  exclude?: readonly string[];
  settings: FileGroupSettings;
}

/**
 * A FileSelector over groups of patterns, each group's files read with its
 * settings (settingsOf). A file two groups match belongs to the first.
 * Throws ERR_INVALID_OPTION for malformed options at once.
 */
export function groupSelector(groups: readonly SelectorGroup[], options: Omit<SelectorOptions, 'exclude'> = {}): FileSelector {
  const selectors = groups.map((g) => ({ selector: fileSelector(g.patterns, { ...options, exclude: g.exclude ?? [] }), settings: g.settings }));
  let owner = new Map<string, FileGroupSettings>();
  return {
    list(): string[] {
      const next = new Map<string, FileGroupSettings>();
      for (const { selector, settings } of selectors) {
        for (const f of selector.list()) if (!next.has(f)) next.set(f, settings);
      }
      owner = next;
      return [...next.keys()];
    },
    dirs: () => [...new Set(selectors.flatMap(({ selector }) => selector.dirs()))],
    settingsOf: (path) => owner.get(path),
  };
}
