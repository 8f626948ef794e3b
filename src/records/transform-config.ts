/**
 * The file form of the record transforms (YAML or JSON, snake_case keys),
 * for a pipeline file's `transforms:` list, turned into TransformSpecs:
 *
 *   transforms:
 *     - set: { deployment.environment.name: prod }
 *     - redact: { drop: [user.email], hash: [user.name, client.address], key_env: FTPLOG_OTEL_REDACT_KEY }
 *     - filter: { name: quiet-listings, drop: { operation: [list], outcome: [success] } }
 *     - filter: { keep: { status_kind: [ftp_reply], attributes: { network.protocol.name: [sftp, ftp] } } }
 *
 * One key per entry names the type; unknown keys are refused. An attribute
 * value in a filter may be a number or a boolean (`ftp.status.code: 550`):
 * it is compared as text.
 *
 * Every error is a FtplogError ERR_CONFIG whose message starts with the
 * place of the bad value (`transforms[1].redact.hash[0]: …`) and which
 * carries that place as data: `err.path` (keys and list indexes from the
 * outside in, as in the file: `['transforms', 1, 'redact', 'hash', 0]`) and
 * `err.detail` (the message without the place), for a loader to map to a
 * line and column. The key of a redact step is not read here: the entry
 * names its variable only (see resolveTransformKeys()).
 */
import { checkSet, type TransformSpec } from './transforms.js';
import { checkRedact, type RedactTransform } from './redact.js';
import { checkFilter, FILTER_OPERATIONS, FILTER_OUTCOMES, FILTER_STATUS_KINDS, type FilterTransform, type Match } from './filter.js';
import { isSpecError, parsePath, specError, formatPath, type SpecError, type SpecPath } from './spec-path.js';

/** File-form keys of the spec fields that are not spelled the same. */
const FILE_KEYS: Readonly<Record<string, string>> = { keyEnv: 'key_env', statusKind: 'status_kind' };

/** An error at `path` (the file's place), ERR_CONFIG. */
function configError(path: SpecPath, detail: string): SpecError {
  const err = specError('', path, detail, 'ERR_CONFIG');
  err.message = `${formatPath(path)}: ${detail}`;
  return err;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * One entry of a `transforms:` list, in the file form, as a TransformSpec.
 * `path` is the entry's place in the file, e.g. `transforms[1]`.
 */
export function transformFromConfig(entry: unknown, path: string): TransformSpec {
  const at = parsePath(path);
  if (!isObject(entry)) throw configError(at, 'must be a mapping with one key: set, redact or filter');
  const keys = Object.keys(entry);
  if (keys.length !== 1) throw configError(at, `must have exactly one key, the transform's type (set, redact or filter); found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const type = keys[0]!;
  const body = entry[type];
  const here = [...at, type];
  if (type !== 'set' && type !== 'redact' && type !== 'filter') throw configError(at, `unknown transform ${JSON.stringify(type)} (known: set, redact, filter)`);
  if (!isObject(body)) throw configError(here, 'must be a mapping');
  try {
    if (type === 'set') return setFromConfig(body, here);
    if (type === 'redact') return checkRedact(redactFromConfig(body, here));
    return checkFilter(filterFromConfig(body, here));
  } catch (err) {
    // A spec check names the place within the spec: put the entry's place in front, in the file's spelling.
    if (!isSpecError(err) || err.code === 'ERR_CONFIG') throw err;
    throw Object.assign(configError([...here, ...err.path.map((p) => (typeof p === 'string' ? (FILE_KEYS[p] ?? p) : p))], err.detail), { cause: err });
  }
}

function setFromConfig(body: Record<string, unknown>, here: SpecPath): TransformSpec {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') throw configError([...here, k], `must be a string (got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}; quote it)`);
    try {
      checkSet({ [k]: v });
    } catch (err) {
      throw configError([...here, k], (err as Error).message.replace(/^set: /, ''));
    }
    attributes[k] = v;
  }
  if (Object.keys(attributes).length === 0) throw configError(here, 'sets no attribute');
  return { type: 'set', attributes };
}

/** Refuses keys other than `known` (file spelling). */
function onlyKeys(body: Record<string, unknown>, known: readonly string[], here: SpecPath): void {
  for (const k of Object.keys(body)) if (!known.includes(k)) throw configError([...here, k], `unknown key (known: ${known.join(', ')})`);
}

function redactFromConfig(body: Record<string, unknown>, here: SpecPath): RedactTransform {
  onlyKeys(body, ['drop', 'hash', 'key_env'], here);
  const spec: Record<string, unknown> = { type: 'redact' };
  if (body['drop'] !== undefined) spec['drop'] = body['drop'];
  if (body['hash'] !== undefined) spec['hash'] = body['hash'];
  if (body['key_env'] !== undefined) spec['keyEnv'] = body['key_env'];
  return spec as unknown as RedactTransform;
}

function filterFromConfig(body: Record<string, unknown>, here: SpecPath): FilterTransform {
  onlyKeys(body, ['name', 'keep', 'drop'], here);
  const spec: Record<string, unknown> = { type: 'filter' };
  if (body['name'] !== undefined) spec['name'] = body['name'];
  for (const which of ['keep', 'drop'] as const) {
    if (body[which] !== undefined) spec[which] = matchFromConfig(body[which], [...here, which]);
  }
  return spec as unknown as FilterTransform;
}

function matchFromConfig(m: unknown, here: SpecPath): Match {
  if (!isObject(m)) throw configError(here, 'must be a mapping of conditions (outcome, operation, status_kind, attributes)');
  onlyKeys(m, ['outcome', 'operation', 'status_kind', 'attributes'], here);
  const out: Record<string, unknown> = {};
  if (m['outcome'] !== undefined) out['outcome'] = m['outcome'];
  if (m['operation'] !== undefined) out['operation'] = m['operation'];
  if (m['status_kind'] !== undefined) out['statusKind'] = m['status_kind'];
  const attributes = m['attributes'];
  if (attributes !== undefined) {
    if (!isObject(attributes)) throw configError([...here, 'attributes'], 'must be a mapping of attribute names to values');
    const texts: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(attributes)) {
      const list = Array.isArray(value) ? value : [value];
      texts[name] = list.map((v: unknown, i) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw configError([...here, 'attributes', name, ...(Array.isArray(value) ? [i] : [])], 'must be a string, a number or a boolean');
      });
    }
    out['attributes'] = texts;
  }
  return out as Match;
}

const attributeNames = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } } as const;
const scalar = { type: ['string', 'number', 'boolean'] } as const;

/** JSON Schema (draft 2020-12) of one entry of a `transforms:` list in the file form. transformFromConfig() checks more (attribute types, a key variable's name, what is listed twice). */
export const TRANSFORM_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ftplog-otel record transform',
  description: 'One record transform: a mapping with one key, the transform type.',
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  properties: {
    set: {
      description: 'String attributes set on every record.',
      type: 'object',
      minProperties: 1,
      additionalProperties: { type: 'string' },
    },
    redact: {
      description: 'Attributes dropped, or replaced by their HMAC-SHA256 (32 hex digits) under the key in the environment variable key_env; the body is rewritten to match.',
      type: 'object',
      additionalProperties: false,
      properties: {
        drop: attributeNames,
        hash: attributeNames,
        key_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      },
      anyOf: [{ required: ['drop'] }, { required: ['hash'] }],
      dependentRequired: { hash: ['key_env'] },
    },
    filter: {
      description: 'Keeps the records that match keep, drops those that match drop.',
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        keep: { $ref: '#/$defs/match' },
        drop: { $ref: '#/$defs/match' },
      },
      anyOf: [{ required: ['keep'] }, { required: ['drop'] }],
    },
  },
  additionalProperties: false,
  $defs: {
    match: {
      description: 'Conditions that must all hold; each lists values of which one must be the record\u2019s.',
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        outcome: { type: 'array', minItems: 1, items: { enum: [...FILTER_OUTCOMES] } },
        operation: { type: 'array', minItems: 1, items: { enum: [...FILTER_OPERATIONS] } },
        status_kind: { type: 'array', minItems: 1, items: { enum: [...FILTER_STATUS_KINDS] } },
        attributes: {
          type: 'object',
          minProperties: 1,
          additionalProperties: { anyOf: [scalar, { type: 'array', minItems: 1, items: scalar }] },
        },
      },
    },
  },
} as const;
