/**
 * Record transforms as a pipeline file writes them: one entry of the
 * `transforms:` list, an object with one key, the transform's name:
 *
 *   - set: { deployment.environment.name: prod }
 *
 * transformFromConfig() turns an entry into its TransformSpec (the data
 * every thread builds the same chain from); TRANSFORM_JSON_SCHEMA describes
 * an entry for editors (schema/pipeline.schema.json embeds it). Pure.
 */
import { FtplogError } from '../errors.js';
import { checkSet, type TransformSpec } from './transforms.js';

/** Keys (strings) and list indexes (numbers) from the outside in, as in the file: `['transforms', 0, 'set', 'region']`. */
export type ConfigPath = readonly (string | number)[];

/**
 * A file problem in a transform entry: the message starts with the place
 * of the bad value (`transforms[0].set["region"]: …`), which `path` carries
 * as data for a loader to map to a line, and `detail` says what is wrong.
 */
export type TransformConfigError = FtplogError & { readonly path: ConfigPath; readonly detail: string };

function formatPath(path: ConfigPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** `transforms[2]` → `['transforms', 2]`. */
function parsePath(text: string): ConfigPath {
  return [...text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

function configError(path: ConfigPath, detail: string): TransformConfigError {
  return Object.assign(new FtplogError('ERR_CONFIG', `${formatPath(path)}: ${detail}`), { path, detail });
}

const NAMES = ['set'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The TransformSpec of one `transforms:` entry at `path` (such as
 * `transforms[2]`). Throws ERR_CONFIG with `path` set to the field at fault.
 */
export function transformFromConfig(entry: unknown, path: string): TransformSpec {
  const at = parsePath(path);
  if (!isObject(entry)) throw configError(at, `a transform is an object with one key, its name (${NAMES.join(', ')})`);
  const keys = Object.keys(entry);
  if (keys.length !== 1) throw configError(at, `a transform has exactly one key, its name (${NAMES.join(', ')}); found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const name = keys[0]!;
  const body = entry[name];
  switch (name) {
    case 'set':
      return setFromConfig(body, [...at, 'set']);
    default:
      throw configError([...at, name], `unknown transform "${name}" (transforms: ${NAMES.join(', ')})`);
  }
}

function setFromConfig(body: unknown, path: ConfigPath): TransformSpec {
  if (!isObject(body) || Object.keys(body).length === 0) throw configError(path, 'set takes an object of attribute names and string values, e.g. { deployment.environment.name: prod }');
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') throw configError([...path, k], `the value of "${k}" must be a string (quote it: "${String(v)}")`);
  }
  const attributes = body as Record<string, string>;
  try {
    checkSet(attributes);
  } catch (err) {
    const bad = Object.keys(attributes).find((k) => (err as Error).message.includes(`"${k}"`));
    throw configError(bad !== undefined ? [...path, bad] : path, (err as Error).message.replace(/^set: /, ''));
  }
  return { type: 'set', attributes: { ...attributes } };
}

/** JSON Schema of one `transforms:` entry. */
export const TRANSFORM_JSON_SCHEMA: Readonly<Record<string, unknown>> = {
  oneOf: [
    {
      type: 'object',
      description: 'Sets the same string attributes on every record.',
      properties: {
        set: {
          type: 'object',
          minProperties: 1,
          additionalProperties: { type: 'string' },
          description: 'attribute name: string value',
        },
      },
      required: ['set'],
      additionalProperties: false,
    },
  ],
};
