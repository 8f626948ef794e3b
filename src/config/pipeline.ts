/**
 * Pipeline files: sources, transforms and one sink, with the agent's
 * settings, in YAML (or JSON). loadPipeline() checks the whole file and
 * reports every problem with its line and column rather than stopping at
 * the first, and gives the settings as the commands take them: each
 * option's value by its library key, as converted flags are (see keys.ts
 * for which key is which flag).
 *
 *   sources:
 *     - paths: ['/var/log/ncftpd/xfer.*']
 *       format: ncftpd
 *       timezone: America/Chicago
 *   transforms:
 *     - set: { deployment.environment.name: prod }
 *   sink:
 *     otlp: { endpoint: http://collector:4318, batch_size: 1024 }
 *   agent:
 *     state_dir: /var/lib/ftplog-otel
 *
 * The checks here need nothing but the text, the environment (OTEL_*
 * variables, keys named by transforms) and the file system (PEM files, the
 * dead-letter path, which inputs exist now); reaching the collector is
 * validate's (network.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isScalar, type Node } from 'yaml';
import { FtplogError } from '../errors.js';
import type { OptionSpec, OptionValue } from '../options/spec.js';
import { sectionOptions, SINK_KINDS, SOURCE_KEYS, TOP_KEYS, type Section, type SinkKind } from './keys.js';
import { fileValue } from './values.js';
import { parseFile, ProblemList, sortProblems, type Entry, type FileNode, type Problem } from './problems.js';
import { transformFromConfig } from '../records/transform-config.js';
import type { TransformSpec } from '../records/transforms.js';
import { checkOtlp } from './sink.js';
import { globProblem, inputsNow } from './paths.js';

/** Option values by library key, as convertFlags() gives them. */
export type Values = Record<string, OptionValue>;

export interface PipelineSource {
  /** Where it is in the file: `sources[0]`. */
  readonly at: string;
  /** Files, folders or globs, relative ones from the pipeline file's folder. */
  readonly paths: string[];
  readonly values: Values;
}

export type PipelineSink = { readonly kind: 'otlp'; readonly values: Values } | { readonly kind: 'jsonl'; readonly path?: string } | { readonly kind: 'console' };

export interface Pipeline {
  readonly sources: PipelineSource[];
  readonly transforms: TransformSpec[];
  readonly sink: PipelineSink;
  readonly agent: Values;
  /** Whether the sources are followed (the same for all of them). */
  readonly follow: boolean;
}

export interface Loaded {
  /** Undefined when the file has errors. */
  readonly pipeline: Pipeline | undefined;
  /** Errors and warnings, in file order. */
  readonly problems: Problem[];
  /** Where a field of the file is (such as `sink.otlp.endpoint`), or the nearest part of it that is there. */
  position(path: string): { line: number; col: number };
}

export interface LoadOptions {
  /** For OTEL_* variables and the keys transforms name. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Relative paths in the file are taken from here. @default the working directory */
  baseDir?: string;
}

/** The text of a pipeline file; ERR_CONFIG when it cannot be read. */
export function readPipelineText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FtplogError('ERR_CONFIG', `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`}`, { cause: err });
  }
}

/** Loads a pipeline file: its text read, relative paths from its folder. */
export function loadPipelineFile(file: string, env: NodeJS.ProcessEnv = process.env): Loaded {
  return loadPipeline(readPipelineText(file), { env, baseDir: dirname(resolve(file)) });
}

/** Checks a pipeline file's text; the pipeline when it has no errors. */
export function loadPipeline(text: string, options: LoadOptions = {}): Loaded {
  const env = options.env ?? process.env;
  const { doc, list } = parseFile(text);
  const position = (path: string): { line: number; col: number } => list.position(list.find(doc.contents as FileNode, path));
  if (doc.errors.length > 0) return { pipeline: undefined, problems: sortProblems(list.problems), position };
  const reader = new PipelineReader(list, env, options.baseDir ?? process.cwd());
  const pipeline = reader.read(doc.contents as FileNode);
  return { pipeline: list.failed ? undefined : pipeline, problems: sortProblems(list.problems), position };
}

/** HOST:PORT or [IPv6]:PORT, as the metrics server takes it (src/agent/metrics.ts, which is loaded only to serve). */
const METRICS_ADDRESS = /^(?:\[([^\]]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?))?:(\d{1,5})$/;

/** Options that name a file or folder: a relative one is taken from the pipeline file's folder, as its paths are. */
const FILE_PATH_KEYS: ReadonlySet<string> = new Set(['deadLetter', 'stateDir', 'caFile', 'certFile', 'keyFile']);

/** Reads each section of the file into settings, reporting into `list`. */
class PipelineReader {
  constructor(
    private readonly list: ProblemList,
    private readonly env: NodeJS.ProcessEnv,
    private readonly baseDir: string,
  ) {}

  /** A path as the file means it: relative ones from the file's folder; a Windows one (C:\\…, \\\\server\\…) as it is, on any system. */
  private fromFile(p: string): string {
    return isAbsolute(p) || /^(?:[A-Za-z]:[\\/]|\\\\)/.test(p) ? p : resolve(this.baseDir, p);
  }

  read(root: FileNode): Pipeline | undefined {
    if (root === null || root === undefined || (isScalar(root) && root.value === null)) {
      this.list.error(root, '', 'the file is empty: a pipeline needs sources and a sink');
      return undefined;
    }
    const top = this.list.mapping(root, '', TOP_KEYS, 'a pipeline file');
    if (top === undefined) return undefined;
    const sources = this.sources(top.get('sources'), root);
    const transforms = this.transforms(top.get('transforms'));
    const sink = this.sink(top.get('sink'), root);
    const agent = this.options(top.get('agent'), 'agent', 'agent') ?? {};
    const follow = sources.some((s) => s.values['follow'] === true);
    this.crossChecks(top, sources, sink, agent, follow);
    return { sources, transforms, sink: sink ?? { kind: 'console' }, agent, follow };
  }

  /** The options of a section from a mapping (plus `extra` keys, returned by name in `rest`). */
  private options(entry: Entry | undefined, section: Section, path: string, extra: readonly string[] = [], rest?: Map<string, Entry>): Values | undefined {
    const known = sectionOptions(section);
    const entries = this.list.mapping(entry?.value, path, [...extra, ...known.keys()], path, entry?.key);
    if (entries === undefined) return undefined;
    const values: Values = {};
    for (const [key, e] of entries) {
      const o = known.get(key);
      if (o === undefined) {
        rest?.set(key, e);
        continue;
      }
      const v = this.optionValue(o, key, e, `${path}.${key}`);
      if (v === undefined) continue;
      values[o.key] = FILE_PATH_KEYS.has(o.key) ? this.fromFile(v as string) : v;
    }
    return values;
  }

  private optionValue(o: OptionSpec, key: string, e: Entry, path: string): OptionValue | undefined {
    const checked = fileValue(key, o, this.list.value(e.value));
    if (!checked.ok) {
      this.list.error(e.value, path, checked.message, e.key);
      return undefined;
    }
    if (o.key === 'exclude') {
      const items = checked.value as string[];
      items.forEach((g, i) => {
        const why = globProblem(g);
        if (why !== undefined) this.list.error(this.list.find(e.value, `[${i}]`), `${path}[${i}]`, `exclude: ${why}`);
      });
    }
    return checked.value;
  }

  private sources(entry: Entry | undefined, root: FileNode): PipelineSource[] {
    if (entry === undefined) {
      this.list.error(root, 'sources', 'sources is required: a list of sources, each with its paths');
      return [];
    }
    const items = this.list.sequence(entry.value, 'sources', 'sources', entry.key);
    if (items === undefined) return [];
    if (items.length === 0) this.list.error(entry.value, 'sources', 'sources is empty: give at least one source with its paths', entry.key);
    const out: PipelineSource[] = [];
    items.forEach((item, i) => {
      const at = `sources[${i}]`;
      const rest = new Map<string, Entry>();
      const values = this.options({ key: item as Node, value: item }, 'source', at, SOURCE_KEYS, rest);
      if (values === undefined) return;
      const paths = this.paths(rest.get('paths'), at, item, values);
      out.push({ at, paths, values });
    });
    return out;
  }

  private paths(entry: Entry | undefined, at: string, item: FileNode, values: Values): string[] {
    if (entry === undefined) {
      this.list.error(item, `${at}.paths`, `${at}: paths is required: the files, folders or glob patterns to read`);
      return [];
    }
    const raw = this.list.value(entry.value);
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((p) => typeof p === 'string')) {
      this.list.error(entry.value, `${at}.paths`, `paths must be a non-empty list of files, folders or glob patterns (got ${Array.isArray(raw) ? 'a list that is not all strings' : JSON.stringify(raw)})`, entry.key);
      return [];
    }
    const paths = (raw as string[]).map((p) => this.fromFile(p));
    paths.forEach((p, i) => {
      const node = this.list.find(entry.value, `[${i}]`);
      const why = globProblem(raw[i] as string);
      if (why !== undefined) {
        this.list.error(node, `${at}.paths[${i}]`, `paths: ${why}`);
        return;
      }
      // A followed pattern may match files later; read once, it must match some now.
      if (values['follow'] !== true) {
        const now = inputsNow(p, values);
        if (now !== undefined) this.list.warn(node, `${at}.paths[${i}]`, now);
      }
    });
    return paths;
  }

  private transforms(entry: Entry | undefined): TransformSpec[] {
    if (entry === undefined || this.list.value(entry.value) === null) return [];
    const items = this.list.sequence(entry.value, 'transforms', 'transforms', entry.key);
    if (items === undefined) return [];
    const out: TransformSpec[] = [];
    items.forEach((item, i) => {
      const raw = this.list.value(item);
      for (const p of keyEnvProblems(raw, `transforms[${i}]`, this.env)) this.list.error(this.list.find(item, p.path.slice(`transforms[${i}]`.length)), p.path, p.message);
      try {
        out.push(transformFromConfig(raw, `transforms[${i}]`));
      } catch (err) {
        if (!(err instanceof FtplogError)) throw err;
        // The error carries the place of the bad value: keys and indexes from the file's top.
        const path = (err as FtplogError & { path?: unknown }).path;
        const place = Array.isArray(path) ? (path as (string | number)[]) : ['transforms', i];
        this.list.error(this.list.at(place, true), formatPlace(place), err.message);
      }
    });
    return out;
  }

  private sink(entry: Entry | undefined, root: FileNode): PipelineSink | undefined {
    if (entry === undefined) {
      this.list.error(root, 'sink', `sink is required: one of ${SINK_KINDS.join(', ')}`);
      return undefined;
    }
    const kinds = this.list.mapping(entry.value, 'sink', SINK_KINDS, 'sink', entry.key);
    if (kinds === undefined) return undefined;
    if (kinds.size !== 1) {
      this.list.error(entry.value, 'sink', `sink takes exactly one of ${SINK_KINDS.join(', ')} (found ${kinds.size === 0 ? 'none' : [...kinds.keys()].join(' and ')})`, entry.key);
      return undefined;
    }
    const [kind, e] = [...kinds][0]! as [SinkKind, Entry];
    if (kind === 'otlp') {
      const values = this.options(e, 'otlp', 'sink.otlp');
      return values === undefined ? undefined : { kind, values };
    }
    if (kind === 'console') {
      this.list.mapping(e.value, 'sink.console', [], 'sink.console', e.key);
      return { kind };
    }
    const jsonl = this.list.mapping(e.value, 'sink.jsonl', ['path'], 'sink.jsonl', e.key);
    const p = jsonl?.get('path');
    if (p === undefined) return { kind };
    const path = this.list.value(p.value);
    if (typeof path !== 'string' || path.trim() === '') {
      this.list.error(p.value, 'sink.jsonl.path', `path must be a file name (got ${JSON.stringify(path)}); leave it out for stdout`, p.key);
      return undefined;
    }
    return { kind, path: this.fromFile(path) };
  }

  /** What no one key decides: the sources agree on following, which needs an OTLP sink, and the sink's settings with the environment. */
  private crossChecks(top: Map<string, Entry>, sources: PipelineSource[], sink: PipelineSink | undefined, agent: Values, follow: boolean): void {
    const sourceItems = top.get('sources')?.value;
    sources.forEach((s, i) => {
      const node = this.list.find(sourceItems, `[${i}]`);
      if ((s.values['follow'] === true) !== follow) {
        const at = this.list.find(node, '.follow');
        this.list.error(at, `${s.at}.follow`, `${s.at}: follow must be the same for every source (another source is ${follow ? '' : 'not '}followed); run followed and read-once sources as two pipelines`);
      }
      if (follow && s.values['input'] === 'jsonl') this.list.error(this.list.find(node, '.input'), `${s.at}.input`, `${s.at}: a followed source reads FTP server logs, not input: jsonl`);
    });
    const sinkEntry = top.get('sink');
    const agentEntry = top.get('agent');
    if (sink !== undefined && sink.kind !== 'otlp' && (follow || agent['stateDir'] !== undefined)) {
      const why = follow ? 'following sources' : 'agent.state_dir (checkpoints)';
      this.list.error(sinkEntry?.value, 'sink', `${why} needs the otlp sink: checkpoints move only once the collector has the records`, sinkEntry?.key);
    }
    if (sink?.kind === 'otlp') {
      const otlpNode = this.list.find(sinkEntry?.value, '.otlp');
      for (const p of checkOtlp(sink.values, this.env)) {
        const node = p.key !== undefined ? this.list.find(otlpNode, `.${p.key}`) : otlpNode;
        this.list.error(node, p.key !== undefined ? `sink.otlp.${p.key}` : 'sink.otlp', p.message, sinkEntry?.key);
      }
    }
    if (agent['metricsAddress'] !== undefined && !METRICS_ADDRESS.test(agent['metricsAddress'] as string)) {
      this.list.error(this.list.find(agentEntry?.value, '.metrics_address'), 'agent.metrics_address', `metrics_address must be HOST:PORT, e.g. 127.0.0.1:9464 (got ${JSON.stringify(agent['metricsAddress'])})`);
    }
  }
}

/** `['transforms', 1, 'set', 'a.b']` → `transforms[1].set.a.b`. */
function formatPlace(place: readonly (string | number)[]): string {
  return place.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * A transform entry that names an environment variable holding a key
 * (`key_env`, such as redact's hash key) whose variable is unset or empty:
 * the run would fail, or hash with no key. By path of the field.
 */
export function keyEnvProblems(entry: unknown, path: string, env: NodeJS.ProcessEnv): { path: string; message: string }[] {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return [];
  const out: { path: string; message: string }[] = [];
  for (const [name, body] of Object.entries(entry as Record<string, unknown>)) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) continue;
    const variable = (body as Record<string, unknown>)['key_env'];
    if (typeof variable !== 'string') continue;
    const value = env[variable];
    if (value === undefined || value === '') out.push({ path: `${path}.${name}.key_env`, message: `${name}: the environment variable ${variable} (key_env, the key) is not set` });
  }
  return out;
}
