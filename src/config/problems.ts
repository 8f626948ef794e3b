/**
 * What is wrong with a pipeline file, each with where: a Problem list
 * collected over the whole file rather than the first error thrown, and the
 * YAML tree walk that keeps every value's position for them. Pure.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { nearestFlag } from '../options/spec.js';

export interface Problem {
  /** The field, e.g. `sources[1].timezone` (empty for the file as a whole). */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** `FILE:LINE:COL: message` (warnings say so). */
export function formatProblem(file: string, p: Problem): string {
  return `${file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Problems in file order. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** A node of the file, or undefined for a key written without a value. */
export type FileNode = Node | null | undefined;

/** One entry of a mapping: its key's node and its value's. */
export interface Entry {
  readonly key: Node;
  readonly value: FileNode;
}

/** A YAML (or JSON) file's text parsed with positions kept, each syntax error already a problem in its list. */
export function parseFile(text: string): { doc: Document; list: ProblemList } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const list = new ProblemList(lines, doc);
  for (const e of doc.errors) list.problems.push({ path: '', ...lines.linePos(e.pos[0]), message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), severity: 'error' });
  return { doc, list };
}

/** Collects problems at the positions of the nodes they are about. */
export class ProblemList {
  readonly problems: Problem[] = [];

  constructor(
    private readonly lines: LineCounter,
    readonly doc: Document,
  ) {}

  /** Line and column of a node (of `fallback` when it has none, such as a missing value). */
  position(node: FileNode, fallback?: FileNode): { line: number; col: number } {
    const offset = node?.range?.[0] ?? fallback?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }

  add(severity: Problem['severity'], node: FileNode, path: string, message: string, fallback?: FileNode): void {
    this.problems.push({ path, ...this.position(node, fallback), message, severity });
  }

  error(node: FileNode, path: string, message: string, fallback?: FileNode): void {
    this.add('error', node, path, message, fallback);
  }

  warn(node: FileNode, path: string, message: string, fallback?: FileNode): void {
    this.add('warning', node, path, message, fallback);
  }

  get failed(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** The plain value of a node (aliases resolved). */
  value(node: FileNode): unknown {
    if (node === null || node === undefined) return null;
    return node.toJS(this.doc);
  }

  /** The node an alias stands for; any other node itself. */
  resolve(node: FileNode): FileNode {
    return isAlias(node) ? (node.resolve(this.doc) as FileNode) : node;
  }

  /**
   * The entries of a mapping by key, keys outside `allowed` reported (with
   * the nearest allowed one); an empty value is an empty mapping. Undefined,
   * with the problem reported, when the node is not a mapping.
   */
  mapping(node: FileNode, path: string, allowed: readonly string[], what: string, at?: FileNode): Map<string, Entry> | undefined {
    const n = this.resolve(node);
    const out = new Map<string, Entry>();
    if (n === null || n === undefined || (isScalar(n) && n.value === null)) return out;
    if (!isMap(n)) {
      this.error(n, path, `${what} must be a mapping of keys (${allowed.join(', ')})`, at);
      return undefined;
    }
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as Node;
      const key = String(this.value(keyNode));
      const here = path === '' ? key : `${path}.${key}`;
      if (!allowed.includes(key)) {
        const near = nearestFlag(key, [], allowed);
        this.error(keyNode, here, `unknown key "${key}" in ${what}${near !== undefined ? `; did you mean "${near}"?` : ` (keys: ${allowed.join(', ')})`}`);
        continue;
      }
      out.set(key, { key: keyNode, value: item.value as FileNode });
    }
    return out;
  }

  /** The items of a sequence, or undefined (reported) when the node is not one. */
  sequence(node: FileNode, path: string, what: string, at?: FileNode): FileNode[] | undefined {
    const n = this.resolve(node);
    if (!isSeq(n)) {
      this.error(n, path, `${what} must be a list`, at);
      return undefined;
    }
    return n.items as FileNode[];
  }

  /**
   * The node at a place given as keys and list indexes from the file's top
   * (the deepest one there when the place goes further). With
   * `keyOfCollection`, a mapping or list found under a key is given as that
   * key: a message about a whole `redact: {…}` points at `redact`.
   */
  at(place: readonly (string | number)[], keyOfCollection = false): FileNode {
    let n = this.resolve(this.doc.contents as FileNode);
    for (let i = 0; i < place.length; i++) {
      const p = place[i]!;
      if (typeof p === 'number') {
        if (!isSeq(n) || n.items[p] === undefined) break;
        n = this.resolve(n.items[p] as FileNode);
        continue;
      }
      if (!isMap(n)) break;
      const pair = n.items.find((item) => String(this.value(item.key as Node)) === p);
      if (pair === undefined) break;
      const value = this.resolve(pair.value as FileNode);
      if (i === place.length - 1 && keyOfCollection && (isMap(value) || isSeq(value))) return pair.key as Node;
      n = value ?? (pair.key as Node);
    }
    return n;
  }

  /**
   * The node at `path` below `node` (`a.b[2].c`; a key may itself hold
   * dots, such as an attribute name); the deepest node found on the way
   * when the path goes further than the file.
   */
  find(node: FileNode, path: string): FileNode {
    let n = this.resolve(node);
    let rest = path;
    while (rest !== '' && n !== null && n !== undefined) {
      if (rest.startsWith('.')) rest = rest.slice(1);
      const index = /^\[(\d+)\]/.exec(rest);
      if (index !== null) {
        if (!isSeq(n)) break;
        const item = n.items[Number(index[1])] as FileNode;
        if (item === undefined) break;
        n = this.resolve(item);
        rest = rest.slice(index[0].length);
        continue;
      }
      if (!isMap(n)) break;
      let next: FileNode;
      let taken = 0;
      for (const item of n.items) {
        const key = String(this.value(item.key as Node));
        const fits = rest === key || (rest.startsWith(key) && (rest[key.length] === '.' || rest[key.length] === '['));
        if (fits && key.length > taken) {
          taken = key.length;
          next = (item.value as FileNode) ?? (item.key as Node);
        }
      }
      if (next === undefined) break;
      n = this.resolve(next);
      rest = rest.slice(taken);
    }
    return n;
  }
}
