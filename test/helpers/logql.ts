/**
 * LogQL queries read with Grafana's own grammar (@grafana/lezer-logql, the
 * parser behind Grafana's Loki query editor), and the label and
 * structured-metadata names a query refers to, found by walking its syntax
 * tree rather than by matching its text.
 */
import { parser } from '@grafana/lezer-logql';

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

export interface QueryNames {
  /** Names in stream selectors: Loki matches these against index labels only. */
  readonly selector: readonly string[];
  /** Names the pipeline and aggregations read: label filters, `by`/`without`, `on`/`ignoring`, unwrap, drop, keep. */
  readonly fields: readonly string[];
  /** Names the query makes itself (label_format, label_replace), which later stages may read. */
  readonly introduced: readonly string[];
  /** Parser stages (json, logfmt, pattern, regexp, unpack): names taken from the line, which this check cannot see. */
  readonly parsers: readonly string[];
}

/** Names LogQL itself sets on every line a stage failed on. */
export const LOGQL_BUILTIN_NAMES: readonly string[] = ['__error__', '__error_details__'];

const PARSER_NODES = new Set(['LabelParser', 'JsonExpressionParser', 'LogfmtParser', 'LogfmtExpressionParser']);
/** Nodes whose Identifier/LabelName children are names the query reads. */
const FIELD_PARENTS = new Set(['NumberFilter', 'DurationFilter', 'BytesFilter', 'IpLabelFilter', 'Labels', 'UnwrapExpr', 'DropLabel', 'KeepLabel', 'GroupingLabel']);

/** Syntax errors of a query, as `offset: text`; empty when Grafana's grammar reads it whole. */
export function logqlErrors(query: string): string[] {
  const out: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) out.push(`${node.from}: ${JSON.stringify(query.slice(Math.max(0, node.from - 10), node.to + 10))}`);
    },
  });
  return out;
}

function text(query: string, node: SyntaxNode): string {
  return query.slice(node.from, node.to);
}

/** The role of a name node: where it stands decides what it must name. */
function nameRole(node: SyntaxNode): keyof QueryNames | undefined {
  const parent = node.parent;
  if (parent === null) return undefined;
  if (parent.name === 'Matcher') return parent.parent?.name === 'Matchers' ? 'selector' : 'fields';
  if (parent.name === 'LabelFormatMatcher') return node.prevSibling === null ? 'introduced' : 'fields';
  if (FIELD_PARENTS.has(parent.name)) return 'fields';
  return undefined;
}

/** label_replace(v, "dst", "replacement", "src", "regex"): dst is made, src is read. */
function labelReplaceNames(query: string, node: SyntaxNode, names: Record<keyof QueryNames, string[]>): void {
  const strings = node.getChildren('String').map((s) => JSON.parse(text(query, s)) as string);
  if (strings[0] !== undefined) names.introduced.push(strings[0]);
  if (strings[2] !== undefined) names.fields.push(strings[2]);
}

/** The names a query refers to, by role. Throws on a query Grafana's grammar cannot read. */
export function logqlNames(query: string): QueryNames {
  const errors = logqlErrors(query);
  if (errors.length > 0) throw new Error(`not LogQL: ${query}\n  ${errors.join('\n  ')}`);
  const names: Record<keyof QueryNames, string[]> = { selector: [], fields: [], introduced: [], parsers: [] };
  const tree: Tree = parser.parse(query);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (PARSER_NODES.has(node.name)) names.parsers.push(text(query, node));
      else if (node.name === 'LabelReplaceExpr') labelReplaceNames(query, node, names);
      else if (node.name === 'Identifier' || node.name === 'LabelName') {
        const role = nameRole(node);
        if (role !== undefined) names[role].push(text(query, node));
      }
    },
  });
  return names;
}

export interface KnownNames {
  /** Stream labels Loki indexes. */
  readonly labels: ReadonlySet<string>;
  /** Structured-metadata names Loki keeps. */
  readonly metadata: ReadonlySet<string>;
}

/** What is wrong with the names a query uses: a selector on anything but a label, a name Loki does not keep, a parser stage. */
export function unknownNames(query: string, known: KnownNames): string[] {
  const q = logqlNames(query);
  const out: string[] = [];
  for (const n of q.selector) if (!known.labels.has(n)) out.push(`stream selector on ${n}, which is not an index label`);
  const readable = new Set([...known.labels, ...known.metadata, ...q.introduced, ...LOGQL_BUILTIN_NAMES]);
  for (const n of q.fields) if (!readable.has(n)) out.push(`${n} is neither a label nor structured metadata`);
  for (const p of q.parsers) out.push(`parser stage "${p}": ftplog-otel's fields are structured metadata, the line is the raw log line`);
  return out;
}
