/**
 * The `redact` transform: personal data out of the records before they
 * leave. Listed attributes are dropped, or their values replaced by a keyed
 * hash, so that records of one user or one address still group together
 * without saying who or which.
 *
 * The hash is HMAC-SHA256 under a key read from an environment variable
 * (never from a file, never printed): without the key, nobody can tell which
 * value a hash stands for by hashing guesses, as they could with a plain
 * SHA-256 of a user name or an IPv4 address. The value's UTF-8 text is
 * hashed and the first 16 bytes of the MAC are written as 32 lowercase hex
 * digits: 128 bits keep distinct values apart (a collision among a billion
 * values has odds below 10^-20) at half the size of the full MAC, and an
 * HMAC truncated to 128 bits stays as hard to forge or invert as the key is
 * to guess (NIST SP 800-107 allows truncation down to 32 bits). A value gets
 * the same hash in every record, attribute, thread and run under the same
 * key: string[] values element by element, numbers and booleans by their
 * text (`21` as "21"). Only string, string[] and attributes not in the
 * schema can be hashed: an int of the schema (server.port) would change its
 * type, so it can only be dropped.
 *
 * The body holds the raw log line, which shows the very values being
 * redacted: every occurrence in it of a redacted string value (or string[]
 * element) is replaced by its hash, or by `[redacted]` when the attribute is
 * dropped, in one pass, longest value first (a name inside its e-mail
 * address goes with the address). Values are searched as written, whatever
 * their length: privacy wins over the fidelity of the body (a one-letter
 * user name rewrites every such letter). A parse-error record has no
 * attributes to say where the values are in its line: its body becomes
 * `[redacted]`, and the parts of its `ftplog.error` quoted from the line
 * (between the first and last `"`) become `"[redacted]"`, so that no redact
 * step ever lets a raw line through (log.file.record_number still says
 * which line of its file to look at). Other attributes are left as they are:
 * list them too when they may hold the values (file.path under home
 * directories, say).
 *
 * The key is resolved once, on the main thread, from the environment the
 * command was given (resolveRedactKey), into a secret KeyObject: worker
 * threads get that object by message (it is cloned, not printed: inspecting
 * or serialising it shows nothing of the key), not the variable.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { AttributeValue, Attributes, FtpLogRecord } from '../model.js';
import { ATTRIBUTE_TYPES, type AttributeType } from '../schema.js';
import { FtplogError } from '../errors.js';
import { isSpecError, specError } from './spec-path.js';
import { PARSE_ERROR_EVENT } from '../enrich/enrich.js';

/** Drops listed attributes and replaces the values of others by their keyed hash (see above). */
export interface RedactTransform {
  readonly type: 'redact';
  /** Attributes to remove. */
  readonly drop?: readonly string[];
  /** Attributes whose values are replaced by their HMAC-SHA256 (32 hex digits). */
  readonly hash?: readonly string[];
  /** Name of the environment variable holding the key; required when `hash` lists anything. */
  readonly keyEnv?: string;
  /**
   * The key itself, once resolved (see resolveTransformKeys()): a secret
   * KeyObject, which shows nothing of the key when printed or serialised.
   * When present, `keyEnv` is not read again.
   */
  readonly key?: KeyObject;
}

/** Hex digits of a hash (16 of the MAC's 32 bytes). */
export const REDACT_HASH_HEX_DIGITS = 32;
/** The fewest bytes a key may have: a shorter one could be found by trying keys against a known name and its hash. */
export const REDACT_KEY_MIN_BYTES = 16;
/** What stands in the body for a dropped value, and for the whole line of a parse-error record. */
export const REDACTED = '[redacted]';
/** Attributes a redact step may not touch: the sink picks the record's resource by it. */
const UNTOUCHABLE = new Set(['ftp.log.format']);
const HASHABLE_TYPES: ReadonlySet<AttributeType> = new Set(['string', 'string[]']);
/** Hashes remembered per step (user names and addresses repeat line after line); cleared when full. */
const HASH_CACHE_MAX = 4096;

/**
 * The key in `env[name]` as a secret KeyObject: its UTF-8 bytes. ERR_CONFIG
 * naming the variable (never its value) when it is unset, empty or shorter
 * than REDACT_KEY_MIN_BYTES.
 */
export function resolveRedactKey(name: string, env: NodeJS.ProcessEnv): KeyObject {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new FtplogError('ERR_CONFIG', `redact: the key variable ${name} is ${value === undefined ? 'not set' : 'empty'} (set it to a secret, e.g. the output of: openssl rand -hex 32)`);
  }
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < REDACT_KEY_MIN_BYTES) {
    throw new FtplogError('ERR_CONFIG', `redact: the key in ${name} is shorter than ${REDACT_KEY_MIN_BYTES} bytes (use e.g. the output of: openssl rand -hex 32)`);
  }
  return createSecretKey(bytes);
}

/** The hash of one value's text under `key`, as the redact step writes it. */
export function redactHash(key: KeyObject, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest().toString('hex', 0, REDACT_HASH_HEX_DIGITS / 2);
}

/**
 * A redact spec, checked: ERR_INVALID_OPTION with the place of the bad
 * value (`redact: hash[0]: …`, and `path`/`detail`: see spec-path.ts).
 */
export function checkRedact(spec: RedactTransform): RedactTransform {
  const known = new Set(['type', 'drop', 'hash', 'keyEnv', 'key']);
  for (const k of Object.keys(spec)) if (!known.has(k)) throw specError('redact', [k], 'unknown field (known: drop, hash, keyEnv)');
  const drop = attributeList(spec.drop, 'drop');
  const hash = attributeList(spec.hash, 'hash');
  if (drop.length + hash.length === 0) throw specError('redact', [], 'drop and hash list no attribute');
  hash.forEach((name, i) => {
    if (drop.includes(name)) throw specError('redact', ['hash', i], `"${name}" is listed in drop too`);
    const type = (ATTRIBUTE_TYPES as Record<string, AttributeType>)[name];
    if (type !== undefined && !HASHABLE_TYPES.has(type)) throw specError('redact', ['hash', i], `"${name}" is an attribute of type ${type}, which a hash would turn into a string; drop it instead`);
  });
  if (spec.keyEnv !== undefined && (typeof spec.keyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.keyEnv))) {
    throw specError('redact', ['keyEnv'], 'must be the name of an environment variable (letters, digits and _)');
  }
  if (hash.length > 0 && spec.key === undefined && spec.keyEnv === undefined) throw specError('redact', ['keyEnv'], 'must name the environment variable that holds the key when hash lists attributes');
  return spec;
}

function attributeList(list: readonly string[] | undefined, field: string): readonly string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw specError('redact', [field], 'must be a list of attribute names');
  const seen = new Set<string>();
  (list as unknown[]).forEach((name, i) => {
    if (typeof name !== 'string' || name.trim() === '') throw specError('redact', [field, i], 'an attribute name must be a non-empty string');
    if (UNTOUCHABLE.has(name)) throw specError('redact', [field, i], `"${name}" says which format the record is of and cannot be redacted`);
    if (seen.has(name)) throw specError('redact', [field, i], `"${name}" is listed twice`);
    seen.add(name);
  });
  return list;
}

/**
 * The redact step as a function that redacts the record it is given (and
 * returns it); the key is read from `env[spec.keyEnv]` unless `spec.key`
 * holds it already. ERR_INVALID_OPTION for a bad spec, ERR_CONFIG for a
 * missing key.
 */
export function createRedact(spec: RedactTransform, env: NodeJS.ProcessEnv = process.env): (r: FtpLogRecord) => FtpLogRecord {
  checkRedact(spec);
  if (spec.key !== undefined || spec.hash === undefined || spec.hash.length === 0) return compileRedact(spec);
  return compileRedact({ ...spec, key: resolveRedactKey(spec.keyEnv!, env) });
}

/** Body rewrites of one record: the values found, longest first, and what replaces each. */
interface Rewrites {
  from: string[];
  to: string[];
}

/** The redact step of a checked spec; `key` is required when it hashes (see resolveTransformKeys()). */
export function compileRedact(spec: RedactTransform): (r: FtpLogRecord) => FtpLogRecord {
  checkRedact(spec);
  const drop = spec.drop ?? [];
  const hash = spec.hash ?? [];
  const attributes = new RedactedAttributes(new Set(drop), new Map(hash.map((name, i) => [name, i])));
  const key = spec.key;
  if (hash.length > 0 && key === undefined) throw new FtplogError('ERR_INTERNAL', 'redact: the key was not resolved before the step was built');
  const cache = new Map<string, string>();
  const hashOf = (text: string): string => {
    let h = cache.get(text);
    if (h === undefined) {
      h = redactHash(key!, text);
      if (cache.size >= HASH_CACHE_MAX) cache.clear();
      cache.set(text, h);
    }
    return h;
  };
  const hashValue = (v: AttributeValue): AttributeValue => (Array.isArray(v) ? v.map((x) => hashOf(x)) : hashOf(String(v)));
  return (r) => {
    const a = r.attributes;
    const hashes: AttributeValue[] = [];
    let changed = false;
    for (let i = 0; i < hash.length; i++) {
      const v = a[hash[i]!];
      if (v === undefined) continue;
      hashes[i] = hashValue(v);
      changed = true;
    }
    if (r.eventName === PARSE_ERROR_EVENT) return redactParseError(r, changed || drop.some((name) => name in a) ? attributes.build(a, hashes) : a);
    const rw: Rewrites = { from: [], to: [] };
    for (const name of drop) {
      const v = a[name];
      if (v === undefined) continue;
      note(rw, v, () => REDACTED);
      changed = true;
    }
    for (let i = 0; i < hash.length; i++) {
      const v = a[hash[i]!];
      if (v !== undefined) note(rw, v, hashOf);
    }
    if (changed) r.attributes = attributes.build(a, hashes);
    if (rw.from.length > 0) r.body = replaceEach(r.body, rw);
    return r;
  };
}

/**
 * Builds the redacted attributes of a record as a new object, from a single
 * object literal: the dropped attributes left out, the hashed ones with
 * their hashes, in the record's order. Not changed in place: `delete` turns
 * the record's object into a dictionary, new values stored into the
 * enricher's objects deprecate their maps, and adding twenty-odd attributes
 * one by one to `{}` gives a dictionary too (V8 gives up on fast properties
 * after a dozen added by computed name); every encoder after this step then
 * reads the record slowly (the JSONL encoder took two to eight times as
 * long). As the enricher does, one small function per combination of keys
 * builds the object; the last one is kept, as consecutive records mostly
 * share their keys. Where code generation is not allowed, or past
 * MAX_SHAPES combinations, the object is built key by key, with the same
 * result.
 */
class RedactedAttributes {
  private readonly builders = new Map<string, Builder>();
  private lastKeys: readonly string[] = [];
  private last: Builder | undefined;
  private codegen = true;

  constructor(
    private readonly drop: ReadonlySet<string>,
    /** Hashed attributes, by name: the index of the hash in the values passed to build(). */
    private readonly hashed: ReadonlyMap<string, number>,
  ) {}

  /** `a` redacted; `hashes[i]` is the hashed value of the i-th attribute of the hash list. */
  build(a: Attributes, hashes: readonly AttributeValue[]): Attributes {
    const keys = Object.keys(a);
    if (this.last !== undefined && sameKeys(keys, this.lastKeys)) return this.last(a, hashes);
    const id = keys.join('\u0000');
    const builder = this.builders.get(id) ?? this.compile(keys, id);
    if (builder === undefined) return this.buildSlowly(a, hashes, keys);
    this.lastKeys = keys;
    this.last = builder;
    return builder(a, hashes);
  }

  private compile(keys: readonly string[], id: string): Builder | undefined {
    if (!this.codegen || this.builders.size >= MAX_SHAPES) return undefined;
    const props: string[] = [];
    for (const k of keys) {
      if (this.drop.has(k)) continue;
      const i = this.hashed.get(k);
      props.push(`${JSON.stringify(k)}: ${i === undefined ? `a[${JSON.stringify(k)}]` : `h[${i}]`}`);
    }
    try {
      const builder = new Function('a', 'h', `return { ${props.join(', ')} };`) as Builder;
      this.builders.set(id, builder);
      return builder;
    } catch {
      this.codegen = false; // e.g. --disallow-code-generation-from-strings
      return undefined;
    }
  }

  private buildSlowly(a: Attributes, hashes: readonly AttributeValue[], keys: readonly string[]): Attributes {
    const out: Attributes = {};
    for (const k of keys) {
      if (this.drop.has(k)) continue;
      const i = this.hashed.get(k);
      out[k] = i === undefined ? a[k]! : hashes[i]!;
    }
    return out;
  }
}

type Builder = (a: Attributes, h: readonly AttributeValue[]) => Attributes;

const MAX_SHAPES = 256;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Notes the string values of `v` (not numbers or booleans: they are not names or addresses) for the body. */
function note(rw: Rewrites, v: AttributeValue, replacement: (text: string) => string): void {
  const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  for (const t of texts) {
    if (t === '' || rw.from.includes(t)) continue;
    rw.from.push(t);
    rw.to.push(replacement(t));
  }
}

/**
 * The line of a parse-error record cannot be redacted value by value: the
 * body goes, and so do the line's parts quoted in the reason. `attributes`
 * are its own, already redacted (if a `set` gave it listed ones).
 */
function redactParseError(r: FtpLogRecord, attributes: Attributes): FtpLogRecord {
  r.body = REDACTED;
  const reason = attributes['ftplog.error'];
  r.attributes = typeof reason === 'string' && reason.includes('"') ? { ...attributes, 'ftplog.error': reason.replace(/".*"/s, `"${REDACTED}"`) } : attributes;
  return r;
}

/**
 * `text` with every occurrence of rw.from[i] replaced by rw.to[i], in one
 * left-to-right pass (a replacement is never searched again), the longest
 * value winning where several start at the same place.
 */
export function replaceEach(text: string, rw: Rewrites): string {
  const order = rw.from.map((_, i) => i).sort((x, y) => rw.from[y]!.length - rw.from[x]!.length);
  const from = order.map((i) => rw.from[i]!);
  const to = order.map((i) => rw.to[i]!);
  const next = from.map((f) => text.indexOf(f));
  // Parts joined at the end: the result is one flat string, where `+=` would
  // leave a rope that each encoder has to flatten again to write it.
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    let best = -1;
    for (let i = 0; i < from.length; i++) {
      if (next[i]! >= 0 && next[i]! < at) next[i] = text.indexOf(from[i]!, at);
      if (next[i]! >= 0 && (best < 0 || next[i]! < next[best]!)) best = i;
    }
    if (best < 0) break;
    parts.push(text.slice(at, next[best]), to[best]!);
    at = next[best]! + from[best]!.length;
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * --redact-drop, --redact-hash and --redact-key-env as a redact step, or
 * undefined when none is given; ERR_INVALID_ARGUMENT naming the flags.
 */
export function redactFromFlags(drop: readonly string[] | undefined, hash: readonly string[] | undefined, keyEnv: string | undefined): RedactTransform | undefined {
  if ((drop === undefined || drop.length === 0) && (hash === undefined || hash.length === 0)) {
    if (keyEnv !== undefined) throw new FtplogError('ERR_INVALID_ARGUMENT', '--redact-key-env is only of use with --redact-hash');
    return undefined;
  }
  const spec: RedactTransform = {
    type: 'redact',
    ...(drop !== undefined && drop.length > 0 ? { drop } : {}),
    ...(hash !== undefined && hash.length > 0 ? { hash } : {}),
    ...(keyEnv !== undefined ? { keyEnv } : {}),
  };
  try {
    return checkRedact(spec);
  } catch (err) {
    if (!isSpecError(err)) throw err;
    const flag = err.path[0] === 'keyEnv' ? 'key-env' : String(err.path[0]);
    throw new FtplogError('ERR_INVALID_ARGUMENT', `--redact-${flag}: ${err.detail}`, { cause: err });
  }
}
