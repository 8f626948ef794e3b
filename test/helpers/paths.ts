/**
 * Paths to the project's test fixtures. Tests run from the compiled tree
 * (dist/test/...), so the project root is found by walking up to the nearest
 * package.json rather than by a fixed number of `..`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

/** The project root (the directory holding package.json). */
export const projectRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Absolute path of `<project root>/test/fixtures/<parts...>`. */
export function fixture(...parts: string[]): string {
  return join(projectRoot, 'test', 'fixtures', ...parts);
}
