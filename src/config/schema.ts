/**
 * The JSON Schema of pipeline files and the README's flag ↔ key table,
 * generated from the option groups (keys.ts) and TRANSFORM_JSON_SCHEMA, so
 * editors complete and check the same keys the loader takes.
 * schema/pipeline.schema.json is this output (scripts/pipeline-schema.mjs
 * writes it; a test checks that it is current). Pure.
 */
import { defaultText, type OptionSpec } from '../options/spec.js';
import { FILE_OPTIONS, NOT_FILE_KEYS, SECTION_PATH, type Section } from './keys.js';
import { TRANSFORM_JSON_SCHEMA } from '../records/transform-config.js';

type JsonSchema = Record<string, unknown>;

const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';

function description(o: OptionSpec): string {
  const def = defaultText(o);
  const env = o.env !== undefined ? `; $${o.env}` : '';
  return `${o.help}${def !== undefined ? ` (default ${def}${env})` : env !== '' ? ` (${env.slice(2)})` : ''}`;
}

/** The schema of one option's value. */
function optionSchema(o: OptionSpec): JsonSchema {
  const base: JsonSchema = { description: description(o) };
  if (o.key === 'workers') return { ...base, anyOf: [{ type: 'integer', minimum: 0, maximum: 64 }, { const: 'auto' }] };
  switch (o.kind) {
    case 'int':
      return { ...base, type: 'integer', ...(o.min !== undefined ? { minimum: o.min } : {}), ...(o.max !== undefined ? { maximum: o.max } : {}) };
    case 'duration':
      return { ...base, type: 'string', pattern: DURATION_PATTERN };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, enum: [...o.values!] };
    case 'list':
      return { ...base, type: 'array', items: { type: 'string' } };
    default:
      return { ...base, type: 'string', minLength: 1 };
  }
}

function sectionSchema(section: Section, extra: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...extra };
  for (const f of FILE_OPTIONS) if (f.section === section) properties[f.key] = optionSchema(f.option);
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required } : {}), properties };
}

/** One transform entry, embedded: a subschema carries no $schema of its own. */
function transformEntrySchema(): JsonSchema {
  const { $schema: _, ...entry } = TRANSFORM_JSON_SCHEMA as JsonSchema & { $schema?: unknown };
  return entry;
}

/** The JSON Schema (2020-12: the transforms' use dependentRequired) of a pipeline file. */
export function pipelineJsonSchema(): JsonSchema {
  const source = sectionSchema(
    'source',
    { paths: { description: 'files, folders or glob patterns to read (relative ones from the pipeline file)', type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
    ['paths'],
  );
  const empty = { type: ['object', 'null'], additionalProperties: false };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'ftplog-otel pipeline',
    description: 'Sources, transforms and one sink for `ftplog-otel run`; check with `ftplog-otel validate`.',
    type: 'object',
    additionalProperties: false,
    required: ['sources', 'sink'],
    properties: {
      sources: { description: 'where records come from, each source with its own settings', type: 'array', minItems: 1, items: source },
      transforms: { description: 'record transforms, in order, on the records of every source', type: ['array', 'null'], items: transformEntrySchema() },
      sink: {
        description: 'where records go: exactly one of otlp, jsonl, console',
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: {
          otlp: { ...sectionSchema('otlp'), type: ['object', 'null'], description: 'an OpenTelemetry collector (as ftplog-otel ship)' },
          jsonl: { ...empty, description: 'JSON lines (as ftplog-otel parse)', properties: { path: { type: 'string', minLength: 1, description: 'file to write (default stdout)' } } },
          console: { ...empty, description: 'one line per record for people (as ftplog-otel parse --pretty)' },
        },
      },
      agent: { ...sectionSchema('agent'), type: ['object', 'null'], description: 'settings of the whole run' },
    },
  };
}

/** schema/pipeline.schema.json as it is written (two-space indent, final newline). */
export function pipelineSchemaText(): string {
  return JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
}

/** The README's table: each section's keys (each its flag in snake_case), and the flags that are no key. */
export function keysTable(): string {
  const rows = (['source', 'otlp', 'agent'] as const).map((section) => {
    const keys = FILE_OPTIONS.filter((f) => f.section === section).map((f) => `\`${f.key}\``);
    if (section === 'source') keys.unshift('`paths` (the FILE arguments)');
    return `| \`${SECTION_PATH[section]}\` | ${keys.join(', ')} |`;
  });
  const notKeys = Object.entries(NOT_FILE_KEYS)
    .filter(([flag]) => flag !== 'help')
    .map(([flag, instead]) => `\`--${flag}\`: ${instead.replace(/\|/g, '\\|')}`)
    .join('; ');
  return ['| section | keys: each is its `ship` flag in snake_case (`--batch-size` is `batch_size`) |', '|---|---|', ...rows, `| no key | ${notKeys} |`].join('\n');
}
