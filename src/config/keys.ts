/**
 * Where each option of `ship` sits in a pipeline file, derived from the
 * option groups (src/options): its key is its flag in snake_case
 * (`--batch-size` → `batch_size`), in the section of its group, so a flag
 * and its key cannot drift apart. The few flags that are not file keys say
 * what stands for them instead. Pure.
 */
import { DELIVERY_OPTIONS, FOLLOW_OPTIONS, INPUT_KIND_OPTIONS, INPUT_OPTIONS, OTLP_OPTIONS, SELECT_OPTIONS } from '../options/components.js';
import type { OptionGroup, OptionSpec } from '../options/spec.js';

/** A section of a pipeline file that holds options: each source, the OTLP sink, the agent. */
export type Section = 'source' | 'otlp' | 'agent';

/** How each section is written in the file and in messages. */
export const SECTION_PATH: Readonly<Record<Section, string>> = { source: 'sources[]', otlp: 'sink.otlp', agent: 'agent' };

export interface FileOption {
  readonly section: Section;
  /** The key in its section: the flag in snake_case. */
  readonly key: string;
  readonly option: OptionSpec;
}

/** The section of each group's options. */
const GROUP_SECTIONS: readonly (readonly [OptionGroup, Section])[] = [
  [INPUT_OPTIONS, 'source'],
  [SELECT_OPTIONS, 'source'],
  [INPUT_KIND_OPTIONS, 'source'],
  [OTLP_OPTIONS, 'otlp'],
  [DELIVERY_OPTIONS, 'otlp'],
  [FOLLOW_OPTIONS, 'agent'],
];

/**
 * Options set apart from their group: worker threads are the process's,
 * not a source's; whether a source is followed and where a new file of it
 * starts are the source's (an EFT folder may be followed while old NcFTPd
 * logs are read once).
 */
const MOVED: Readonly<Record<string, Section>> = { workers: 'agent', follow: 'source', 'start-at': 'source' };

/** Flags of `ship` that are no key of their own in a file, and what to write instead. */
export const NOT_FILE_KEYS: Readonly<Record<string, string>> = {
  attribute: 'a `set` transform: transforms: [{ set: { KEY: VALUE } }]',
  'drop-outcome': 'a `filter` transform: transforms: [{ filter: { drop: { outcome: [O] } } }]',
  'drop-operation': 'a `filter` transform: transforms: [{ filter: { drop: { operation: [OP] } } }]',
  'redact-drop': 'a `redact` transform: transforms: [{ redact: { drop: [ATTR] } }]',
  'redact-hash': 'a `redact` transform: transforms: [{ redact: { hash: [ATTR], key_env: VAR } }]',
  'redact-key-env': 'the `key_env` of a `redact` transform',
  progress: 'command line only (ftplog-otel run --progress)',
  quiet: 'command line only (ftplog-otel run --quiet)',
  help: 'command line only',
};

/** `batch-size` → `batch_size`. */
export function snakeKey(flag: string): string {
  return flag.replace(/-/g, '_');
}

/** Every option a file can set, in the order of the groups. */
export const FILE_OPTIONS: readonly FileOption[] = GROUP_SECTIONS.flatMap(([g, section]) =>
  g.options.map((option) => ({ section: MOVED[option.flag] ?? section, key: snakeKey(option.flag), option })),
);

/** The options of one section, by file key. */
export function sectionOptions(section: Section): ReadonlyMap<string, OptionSpec> {
  return new Map(FILE_OPTIONS.filter((f) => f.section === section).map((f) => [f.key, f.option]));
}

/** Keys of a source besides its options. */
export const SOURCE_KEYS = ['paths'] as const;

/** The keys of a pipeline file's top level and of its sink. */
export const TOP_KEYS = ['sources', 'transforms', 'sink', 'agent'] as const;
export const SINK_KINDS = ['otlp', 'jsonl', 'console'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];
