/**
 * The LogQL queries the project's documentation shows: ```logql blocks in
 * Markdown (one query a line, as the docs write them), and the example lines
 * under "# Example LogQL:" in otel-collector.yaml's comments.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocQuery {
  /** File and line, relative to the project root. */
  readonly where: string;
  readonly query: string;
}

/** Each non-blank line of each ```logql block. */
export function markdownQueries(text: string, file: string): DocQuery[] {
  const out: DocQuery[] = [];
  let inBlock = false;
  text.split('\n').forEach((line, i) => {
    const fence = line.trimStart().startsWith('```');
    if (fence) inBlock = !inBlock && line.trim() === '```logql';
    else if (inBlock && line.trim() !== '') out.push({ where: `${file}:${i + 1}`, query: line.trim() });
  });
  return out;
}

/**
 * The queries under "# Example LogQL:" in a YAML file's leading comments:
 * lines indented four spaces or more past the `#` (a description above each
 * is indented less), up to the first line that is not a comment.
 */
export function yamlCommentQueries(text: string, file: string): DocQuery[] {
  const out: DocQuery[] = [];
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '# Example LogQL:');
  for (let i = start + 1; start >= 0 && i < lines.length && lines[i]!.startsWith('#'); i++) {
    const body = lines[i]!.slice(1);
    if (body.startsWith('    ') && body.trim() !== '') out.push({ where: `${file}:${i + 1}`, query: body.trim() });
  }
  return out;
}

function markdownFiles(dir: string, recursive: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return recursive ? markdownFiles(path, true) : [];
      return name.endsWith('.md') ? [path] : [];
    });
}

/** Every documented query: README.md, docs/*.md, examples/**\/*.md, otel-collector.yaml. */
export function documentedQueries(root: string): DocQuery[] {
  const markdown = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'), false), ...markdownFiles(join(root, 'examples'), true)];
  const out = markdown.flatMap((f) => markdownQueries(readFileSync(f, 'utf8'), relative(root, f)));
  return [...out, ...yamlCommentQueries(readFileSync(join(root, 'otel-collector.yaml'), 'utf8'), 'otel-collector.yaml')];
}
