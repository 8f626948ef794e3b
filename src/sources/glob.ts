/**
 * Input patterns: the files a command-line input stands for, expanded by
 * ftplog-otel itself so that a quoted glob works the same from a POSIX shell,
 * from cmd.exe (which expands nothing) and from a service definition.
 *
 * Design:
 * - parseInputPattern() is pure: it splits a pattern into the static folder
 *   to walk and a picomatch matcher for the rest, with the path rules of one
 *   flavour (path.posix or path.win32), so the Windows rules are tested on
 *   any machine. On win32 a backslash is a separator, never an escape, and
 *   matching ignores case.
 * - The static part is compared as a plain string, never compiled as a glob:
 *   `C:\Program Files (x86)\…` holds parentheses that picomatch would read
 *   as a group. In the glob part a bare `(` is escaped for the same reason;
 *   extglobs (`@(a|b)`) keep working.
 * - A pattern without glob characters is a literal path: a file, or a folder
 *   that stands for its files (not recursive, no dotfiles, no *.md). A
 *   wildcard passes over dotfiles and *.md files too, unless the pattern
 *   names them (`.*`, `*.md`).
 * - The walk reads only folders that can hold a match (each folder is
 *   checked against the pattern's leading segments), at most
 *   MAX_GLOB_DEPTH levels deep, in name order, and enters a folder at most
 *   once (real folders before linked ones), so a link back up cannot loop.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { FtplogError, invalidOption } from '../errors.js';

/** Whose path rules a pattern follows. */
export type PathFlavour = 'posix' | 'win32';

/** Folders below a pattern's base that a walk enters at most. */
export const MAX_GLOB_DEPTH = 32;

/** One input pattern, taken apart (see parseInputPattern). */
export interface InputPattern {
  /** The pattern as given. */
  readonly input: string;
  /** No glob characters: a file, or a folder standing for its files. */
  readonly literal: boolean;
  /** The folder to walk (for a literal: the path itself), in the flavour's form. */
  readonly base: string;
  /** Whether matches may lie in folders below `base` (`**`, or a wildcard in a middle segment). */
  readonly recursive: boolean;
  /** How many folders below `base` a match may lie at most (0: directly in it). */
  readonly maxDepth: number;
  /** Whether a path (relative or absolute, either separator on win32) is one the pattern selects. */
  match(file: string): boolean;
  /** Whether a folder below `base` (relative to it, `/`-separated) may hold matches. */
  enter(relDir: string): boolean;
}

/** The flavour of the machine this runs on. */
export function hostFlavour(): PathFlavour {
  return process.platform === 'win32' ? 'win32' : 'posix';
}

const EXTGLOB = '@!+*?';

/** Whether a path segment holds glob syntax; a bare `(` does not count. On POSIX a backslash escapes the next character. */
export function hasGlob(segment: string, flavour: PathFlavour): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && flavour === 'posix') {
      i++;
      continue;
    }
    if (c === '*' || c === '?') return true;
    if (c === '[' && segment.indexOf(']', i + 2) !== -1) return true;
    if (c === '{') {
      const end = segment.indexOf('}', i + 1);
      const inner = end === -1 ? '' : segment.slice(i + 1, end);
      if (inner.includes(',') || inner.includes('..')) return true;
    }
    if (c === '(' && i > 0 && EXTGLOB.includes(segment[i - 1]!)) return true;
  }
  return false;
}

/** Escapes each `(` that does not open an extglob, so picomatch reads it as itself. */
function escapeBareParens(glob: string, flavour: PathFlavour): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && flavour === 'posix') {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    out += c === '(' && (i === 0 || !EXTGLOB.includes(glob[i - 1]!)) ? '\\(' : c;
  }
  return out;
}

/** A path in the flavour's normal form with `/` separators and no trailing separator (but for a root). */
function canonical(p: string, flavour: PathFlavour): string {
  const P = path[flavour];
  const n = P.normalize(p);
  const trimmed = n.length > P.parse(n).root.length && /[\\/]$/.test(n) ? n.slice(0, -1) : n;
  return flavour === 'win32' ? trimmed.replace(/\\/g, '/') : trimmed;
}

function sameText(a: string, b: string, flavour: PathFlavour): boolean {
  return flavour === 'win32' ? a.length === b.length && a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * Where paths lie relative to `dir`: a path below it as `/`-separated text,
 * or undefined. `dir` is brought to its normal form once; a path and `dir`
 * of which only one is absolute are compared from the working directory.
 */
function relativeTo(dir: string, flavour: PathFlavour): { below(file: string): string | undefined; same(file: string): boolean } {
  const P = path[flavour];
  const dirAbsolute = P.isAbsolute(dir);
  const dirForm = canonical(dir, flavour);
  const forms = (file: string): [string, string] =>
    P.isAbsolute(file) === dirAbsolute ? [dirForm, canonical(file, flavour)] : [canonical(P.resolve(dir), flavour), canonical(P.resolve(file), flavour)];
  return {
    below(file) {
      const [d, f] = forms(file);
      if (d === '.') return P.isAbsolute(f) || f === '..' || f.startsWith('../') ? undefined : f;
      const prefix = d.endsWith('/') ? d : d + '/';
      return f.length > prefix.length && sameText(f.slice(0, prefix.length), prefix, flavour) ? f.slice(prefix.length) : undefined;
    },
    same(file) {
      const [d, f] = forms(file);
      return sameText(d, f, flavour);
    },
  };
}

/** Whether a folder's listing counts a file of this name (the rule for a folder given as an input). */
export function isListedLogFile(name: string): boolean {
  return !name.startsWith('.') && !name.toLowerCase().endsWith('.md');
}

interface CompileOptions {
  /** Wildcards match dotfiles too (exclusions). */
  dot: boolean;
  /** A literal folder stands for everything below it (exclusions), not only its listed files. */
  literalTree: boolean;
}

function compile(pattern: string, flavour: PathFlavour, opts: CompileOptions): InputPattern {
  const P = path[flavour];
  const root = P.parse(pattern).root;
  const segments = pattern
    .slice(root.length)
    .split(flavour === 'win32' ? /[\\/]+/ : /\/+/)
    .filter((s) => s !== '' && s !== '.');
  const first = segments.findIndex((s) => hasGlob(s, flavour));
  if (first === -1) return literalPattern(pattern, flavour, opts);
  // POSIX escapes in the static part name the characters themselves.
  const fixed = segments.slice(0, first).map((s) => (flavour === 'posix' ? s.replace(/\\(.)/g, '$1') : s));
  const base = root + fixed.join(P.sep) || '.';
  const globSegments = segments.slice(first);
  const pm = { dot: opts.dot, nocase: flavour === 'win32', windows: flavour === 'win32', nonegate: true };
  const isMatch = picomatch(escapeBareParens(globSegments.join('/'), flavour), pm);
  const globstar = globSegments.indexOf('**');
  const maxDepth = globstar === -1 ? globSegments.length - 1 : MAX_GLOB_DEPTH;
  // A folder within the segments before the first `**` must match them; past it, anything but a dot-folder the pattern does not name.
  const leading = globstar === -1 ? globSegments.length - 1 : globstar;
  const prefixes = Array.from({ length: leading }, (_, i) => picomatch(escapeBareParens(globSegments.slice(0, i + 1).join('/'), flavour), pm));
  const namesDot = opts.dot || globSegments.some((s) => s.startsWith('.'));
  // Like a folder given as an input, a wildcard passes over *.md (the README beside the logs) unless the pattern names .md.
  const namesMd = opts.dot || globSegments[globSegments.length - 1]!.toLowerCase().includes('.md');
  const from = relativeTo(base, flavour);
  return {
    input: pattern,
    literal: false,
    base: P.normalize(base),
    recursive: globSegments.length > 1 || globstar !== -1,
    maxDepth,
    match(file) {
      const rel = from.below(file);
      return rel !== undefined && isMatch(rel) && (namesMd || !rel.toLowerCase().endsWith('.md'));
    },
    enter(relDir) {
      const parts = relDir.split('/');
      if (parts.length > maxDepth) return false;
      if (parts.length <= leading) return prefixes[parts.length - 1]!(relDir);
      return namesDot || !parts[parts.length - 1]!.startsWith('.');
    },
  };
}

function literalPattern(pattern: string, flavour: PathFlavour, opts: CompileOptions): InputPattern {
  const from = relativeTo(pattern, flavour);
  return {
    input: pattern,
    literal: true,
    base: pattern,
    recursive: opts.literalTree,
    maxDepth: opts.literalTree ? MAX_GLOB_DEPTH : 0,
    match(file) {
      if (from.same(file)) return true;
      const rel = from.below(file);
      if (rel === undefined) return false;
      return opts.literalTree || (!rel.includes('/') && isListedLogFile(rel));
    },
    enter: () => opts.literalTree,
  };
}

function checkFlavour(flavour: unknown): PathFlavour {
  if (flavour !== 'posix' && flavour !== 'win32') throw invalidOption('flavour', "'posix' or 'win32'", flavour);
  return flavour;
}

/**
 * Takes an input pattern apart: the static folder to walk, whether the walk
 * recurses, and a matcher for full paths. Pure: nothing is read from disk.
 */
export function parseInputPattern(pattern: string, flavour: PathFlavour = hostFlavour()): InputPattern {
  return compile(pattern, checkFlavour(flavour), { dot: false, literalTree: false });
}

/**
 * A matcher for exclusion globs: one without a separator matches a file's
 * name (`*.gz`), one with a separator its full path (`/var/log/old/**`); a
 * path without glob characters excludes itself and everything below it.
 * Wildcards match dotfiles too. Pure.
 */
export function exclusionMatcher(globs: readonly string[], flavour: PathFlavour = hostFlavour()): (file: string) => boolean {
  const f = checkFlavour(flavour);
  const sep = f === 'win32' ? /[\\/]/ : /\//;
  const byName: ((name: string) => boolean)[] = [];
  const byPath: InputPattern[] = [];
  for (const g of globs) {
    if (sep.test(g)) byPath.push(compile(g, f, { dot: true, literalTree: true }));
    else byName.push(picomatch(escapeBareParens(g, f), { dot: true, nocase: f === 'win32', windows: f === 'win32', nonegate: true }));
  }
  if (byName.length === 0 && byPath.length === 0) return () => false;
  return (file) => {
    const name = path[f].basename(file);
    return byName.some((m) => m(name)) || byPath.some((p) => p.match(file));
  };
}

export interface SelectOptions {
  /** Globs of files to leave out (see exclusionMatcher). */
  exclude?: readonly string[];
  /** Path rules. @default the host's */
  flavour?: PathFlavour;
}

export interface ExpandOptions extends SelectOptions {
  /** Leave out files last modified longer ago than this, in milliseconds. */
  ignoreOlderMs?: number;
  /** The time `ignoreOlderMs` counts back from, in ms since the epoch. @default Date.now() */
  now?: number;
  /** Told of what a folder input holds but does not stand for (its subfolders), so nothing is left out unsaid. */
  onNotice?: (message: string) => void;
}

function checkSelect(options: SelectOptions): { flavour: PathFlavour; excluded: (file: string) => boolean } {
  const flavour = checkFlavour(options.flavour ?? hostFlavour());
  const exclude = options.exclude ?? [];
  if (!Array.isArray(exclude) || !exclude.every((g) => typeof g === 'string')) throw invalidOption('exclude', 'a list of strings', exclude);
  return { flavour, excluded: exclusionMatcher(exclude, flavour) };
}

/**
 * Whether a file is one the inputs stand for, exclusions applied: for files
 * that appear after the inputs were expanded (a folder watcher firing).
 * Compiles the patterns once; the returned function reads nothing from disk.
 */
export function inputMatcher(inputs: readonly string[], options: SelectOptions = {}): (file: string) => boolean {
  const { flavour, excluded } = checkSelect(options);
  const patterns = inputs.filter((i) => i !== '-').map((i) => parseInputPattern(i, flavour));
  return (file) => patterns.some((p) => p.match(file)) && !excluded(file);
}

/** One entry of a folder, with a symbolic link taken as what it points to (undefined: a dangling link, or neither file nor folder). */
function entryKind(dir: string, d: Dirent, flavour: PathFlavour): 'file' | 'dir' | undefined {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (!d.isSymbolicLink()) return undefined;
  try {
    const st = statSync(path[flavour].join(dir, d.name));
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

function readFolder(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return []; // gone, or not a folder: nothing matches there
    throw new FtplogError('ERR_INPUT', `${dir}: cannot read (${code ?? 'error'})`, { cause: err });
  }
}

/** The identity of a folder, so that one reached twice (through a link) is walked once. */
function folderKey(dir: string): string | undefined {
  try {
    const st = statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The files and folders a walk of a glob pattern finds: files unfiltered, folders entered (base first). */
function walk(p: InputPattern, flavour: PathFlavour, readErrors: 'throw' | 'skip'): { files: string[]; dirs: string[] } {
  const P = path[flavour];
  const files: string[] = [];
  const dirs: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, rel: string): void => {
    const key = folderKey(dir);
    if (key !== undefined) {
      if (seen.has(key)) return;
      seen.add(key);
    }
    let entries: Dirent[];
    try {
      entries = readFolder(dir);
    } catch (err) {
      if (readErrors === 'throw') throw err;
      return;
    }
    dirs.push(dir);
    const linked: Dirent[] = [];
    const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of sorted) {
      const kind = entryKind(dir, d, flavour);
      if (kind === 'file') files.push(P.join(dir, d.name));
      else if (kind === 'dir' && p.recursive) {
        if (d.isSymbolicLink()) linked.push(d);
        else enter(dir, rel, d.name);
      }
    }
    // A folder reached both directly and through a link is walked where it is.
    for (const d of linked) enter(dir, rel, d.name);
  };
  const enter = (dir: string, rel: string, name: string): void => {
    const sub = rel === '' ? name : `${rel}/${name}`;
    if (p.enter(sub)) visit(P.join(dir, name), sub);
  };
  visit(p.base, '');
  return { files, dirs };
}

/** The notice for a folder input's subfolders, which it does not stand for. */
export function subfoldersNotice(folder: string, names: readonly string[], flavour: PathFlavour = hostFlavour()): string {
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length} in all)` : '');
  const pattern = path[flavour].join(folder, '**', '*');
  return `${folder}: ${names.length === 1 ? 'its subfolder' : `its ${names.length} subfolders`} ${shown} ${names.length === 1 ? 'is' : 'are'} not read (a folder stands for its own files); to read below it, give a quoted glob such as '${pattern}'`;
}

/** The files one input stands for, before exclusions; ERR_INPUT when that is none. */
function candidates(p: InputPattern, flavour: PathFlavour, onNotice?: (message: string) => void): string[] {
  if (!p.literal) {
    const files = walk(p, flavour, 'throw').files.filter((f) => p.match(f));
    if (files.length === 0) throw new FtplogError('ERR_INPUT', `${p.input}: no file matches`);
    return files;
  }
  let st;
  try {
    st = statSync(p.input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FtplogError('ERR_INPUT', code === 'ENOENT' ? `${p.input}: no such file or directory` : `${p.input}: cannot read (${code ?? 'error'})`, { cause: err });
  }
  if (!st.isDirectory()) return [p.input];
  const entries = readFolder(p.input);
  const subfolders = entries.filter((d) => !d.name.startsWith('.') && entryKind(p.input, d, flavour) === 'dir').map((d) => d.name).sort();
  if (subfolders.length > 0) onNotice?.(subfoldersNotice(p.input, subfolders, flavour));
  const listed = entries.filter((d) => entryKind(p.input, d, flavour) === 'file' && isListedLogFile(d.name));
  if (listed.length === 0) throw new FtplogError('ERR_INPUT', `${p.input}: directory has no log files`);
  return listed.map((d) => path[flavour].join(p.input, d.name));
}

function checkAge(options: ExpandOptions): ((file: string) => boolean) | undefined {
  const { ignoreOlderMs } = options;
  if (ignoreOlderMs === undefined) return undefined;
  if (typeof ignoreOlderMs !== 'number' || !(ignoreOlderMs >= 0)) throw invalidOption('ignoreOlderMs', 'a number of milliseconds of at least 0', ignoreOlderMs);
  const oldest = (options.now ?? Date.now()) - ignoreOlderMs;
  return (file) => {
    try {
      return statSync(file).mtimeMs >= oldest;
    } catch {
      return false; // gone since it was listed
    }
  };
}

/**
 * The files the inputs stand for, in the order the inputs were given, each
 * input's files sorted, a file named twice kept at its first place; `-`
 * (stdin) is kept as it is. Throws ERR_INPUT for an input that stands for
 * no file: a missing literal path, a folder without log files, a pattern
 * that matches nothing, or an input whose files are all left out.
 */
export function expandInputs(inputs: readonly string[], options: ExpandOptions = {}): string[] {
  const { flavour, excluded } = checkSelect(options);
  const recent = checkAge(options);
  const out: string[] = [];
  const taken = new Set<string>();
  for (const input of inputs) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    const files = candidates(parseInputPattern(input, flavour), flavour, options.onNotice);
    const kept = files.filter((f) => !excluded(f) && (recent === undefined || recent(f))).sort();
    if (kept.length === 0) {
      throw new FtplogError('ERR_INPUT', `${input}: ${files.length === 1 ? 'its 1 file is' : `all ${files.length} files are`} left out by the exclusions or their age`);
    }
    for (const f of kept) {
      const key = canonical(path[flavour].resolve(f), flavour);
      const k = flavour === 'win32' ? key.toLowerCase() : key;
      if (taken.has(k)) continue;
      taken.add(k);
      out.push(f);
    }
  }
  return out;
}

/**
 * The inputs that name one file as it is (no folder, no wildcard): the files
 * a user asked for by name, as opposed to the ones a folder or a glob found.
 */
export function namedFiles(inputs: readonly string[], flavour: PathFlavour = hostFlavour()): Set<string> {
  const out = new Set<string>();
  for (const input of inputs) {
    if (input === '-' || !parseInputPattern(input, flavour).literal) continue;
    try {
      if (statSync(input).isFile()) out.add(input);
    } catch {
      // not there: expandInputs() says so
    }
  }
  return out;
}

/**
 * The folders to watch for files that appear later: a glob's base folder
 * (and the folders below it it may match in), a literal folder itself, a
 * literal file's folder. Folders that cannot be read are still listed when
 * they are a pattern's base (they may appear), skipped below it.
 */
export function watchDirs(inputs: readonly string[], options: SelectOptions = {}): string[] {
  const { flavour } = checkSelect(options);
  const P = path[flavour];
  const out: string[] = [];
  const taken = new Set<string>();
  const add = (dir: string): void => {
    const key = canonical(P.resolve(dir), flavour);
    const k = flavour === 'win32' ? key.toLowerCase() : key;
    if (taken.has(k)) return;
    taken.add(k);
    out.push(dir);
  };
  for (const input of inputs) {
    if (input === '-') continue;
    const p = parseInputPattern(input, flavour);
    if (p.literal) {
      let isDir = false;
      try {
        isDir = statSync(input).isDirectory();
      } catch {
        // missing: its folder is where it would appear
      }
      add(isDir ? input : P.dirname(input));
      continue;
    }
    const [base, ...below] = p.recursive ? walk(p, flavour, 'skip').dirs : [];
    add(base ?? p.base);
    for (const d of below.sort()) add(d);
  }
  return out;
}
