/**
 * Record transforms: plain functions from a record to a record, or to
 * nothing (dropped, with a reason that is counted). They are declared as
 * plain data (TransformSpec), so the same chain can be built on the main
 * thread and in every worker thread from settings passed by message, and
 * run where the records are: after enrich, before encode.
 *
 * `set`: static attributes on every record (such as
 * `deployment.environment.name`). `redact` (redact.ts): attributes dropped
 * or replaced by a keyed hash, the body rewritten to match. `filter`
 * (filter.ts): records kept or dropped by outcome, operation, status kind or
 * attribute. Pure, but for the one reading of a redact key from the
 * environment given to resolveTransformKeys().
 */
import type { AttributeValue, FtpLogRecord } from '../model.js';
import { ATTRIBUTE_TYPES } from '../schema.js';
import { FtplogError } from '../errors.js';
import { checkRedact, compileRedact, resolveRedactKey, type RedactTransform } from './redact.js';
import { createFilter, type FilterTransform } from './filter.js';

/** Sets the same attributes on every record. */
export interface SetTransform {
  readonly type: 'set';
  readonly attributes: Readonly<Record<string, string>>;
}

export type TransformSpec = SetTransform | RedactTransform | FilterTransform;
export type { RedactTransform, FilterTransform };

/** Records a chain dropped, by reason. */
export interface TransformStats {
  dropped: Record<string, number>;
}

export function newTransformStats(): TransformStats {
  return { dropped: {} };
}

/** A record, or why it was dropped. */
export type TransformResult = FtpLogRecord | { readonly dropped: string };

export type RecordTransform = (r: FtpLogRecord) => TransformResult;

/**
 * The chain of specs as one function; undefined for no transforms (the
 * caller then skips the step). A redact key not yet resolved is read from
 * `env` (see resolveTransformKeys()).
 */
export function compileTransforms(specs: readonly TransformSpec[] | undefined, env: NodeJS.ProcessEnv = process.env): RecordTransform | undefined {
  if (specs === undefined || specs.length === 0) return undefined;
  const steps = resolveTransformKeys(specs, env).map(compileOne);
  if (steps.length === 1) return steps[0];
  return (r) => {
    let out: TransformResult = r;
    for (const step of steps) {
      out = step(out as FtpLogRecord);
      if ('dropped' in out) return out;
    }
    return out;
  };
}

/**
 * The specs with the key of every redact step that hashes resolved from
 * `env` (once, on the main thread: worker threads get the key object by
 * message and never see `env`). ERR_CONFIG naming a variable that is unset,
 * empty or too short; its value is never shown.
 */
export function resolveTransformKeys(specs: readonly TransformSpec[], env: NodeJS.ProcessEnv = process.env): TransformSpec[] {
  return specs.map((spec) => {
    if (spec.type !== 'redact' || spec.key !== undefined || spec.hash === undefined || spec.hash.length === 0) return spec;
    // A bad spec is refused for what is wrong with it before any variable is read.
    checkRedact(spec);
    return { ...spec, key: resolveRedactKey(spec.keyEnv!, env) };
  });
}

/** Adds the drops of `from` into `into`, by reason. */
export function addDropped(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [reason, n] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + n;
}

/** Runs the chain on a record; a drop is counted in `stats`. */
export function applyTransforms(t: RecordTransform, r: FtpLogRecord, stats: TransformStats): FtpLogRecord | undefined {
  const out = t(r);
  if ('dropped' in out) {
    stats.dropped[out.dropped] = (stats.dropped[out.dropped] ?? 0) + 1;
    return undefined;
  }
  return out;
}

function compileOne(spec: TransformSpec): RecordTransform {
  switch (spec.type) {
    case 'set':
      return setAttributes(spec.attributes);
    case 'redact':
      return compileRedact(spec);
    case 'filter':
      return createFilter(spec);
    default:
      throw new FtplogError('ERR_INVALID_OPTION', `unknown transform type ${JSON.stringify((spec as { type?: unknown }).type)}`);
  }
}

function setAttributes(attributes: Readonly<Record<string, string>>): RecordTransform {
  const entries = Object.entries(checkSet(attributes));
  return (r) => {
    const a: Record<string, AttributeValue> = r.attributes;
    for (const [k, v] of entries) a[k] = v;
    return r;
  };
}

/** The attributes of a `set`, checked: non-empty keys that ftplog-otel does not set itself, string values. */
export function checkSet(attributes: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (attributes === null || typeof attributes !== 'object') throw new FtplogError('ERR_INVALID_OPTION', 'set: attributes must be an object of strings');
  for (const [k, v] of Object.entries(attributes)) {
    if (k.trim() === '') throw new FtplogError('ERR_INVALID_OPTION', 'set: an attribute name is empty');
    if (k in ATTRIBUTE_TYPES) throw new FtplogError('ERR_INVALID_OPTION', `set: "${k}" is an attribute ftplog-otel sets itself from the log line`);
    if (typeof v !== 'string') throw new FtplogError('ERR_INVALID_OPTION', `set: the value of "${k}" must be a string`);
  }
  return attributes;
}

/** `KEY=VALUE` texts (the --attribute flag) as a set transform; ERR_INVALID_ARGUMENT naming the flag. */
export function setFromFlags(texts: readonly string[], flag = '--attribute'): SetTransform {
  const attributes: Record<string, string> = {};
  for (const t of texts) {
    const eq = t.indexOf('=');
    const key = eq < 0 ? '' : t.slice(0, eq).trim();
    if (key === '') throw new FtplogError('ERR_INVALID_ARGUMENT', `${flag} must be KEY=VALUE (got ${JSON.stringify(t)})`);
    attributes[key] = t.slice(eq + 1);
  }
  try {
    checkSet(attributes);
  } catch (err) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `${flag}: ${(err as Error).message.replace(/^set: /, '')}`, { cause: err });
  }
  return { type: 'set', attributes };
}
