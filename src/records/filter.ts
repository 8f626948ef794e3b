/**
 * The `filter` transform: keeps or drops records by outcome, operation,
 * status kind or any attribute, every drop counted under a reason the
 * summary prints (`filter "quiet-listings"`, or the condition itself when
 * the filter has no name).
 *
 * A Match holds conditions that must all hold; each lists values of which
 * one must be the record's. `keep` drops the records that do not match it,
 * `drop` those that do; with both, a record must match `keep` and not `drop`.
 * An attribute condition compares the text of the record's value (`550`
 * for the int 550), and for a string[] value any element; a record without
 * the attribute does not match it.
 *
 * A parse-error record has no outcome, operation or status: a filter never
 * drops one unless its Match names it by the outcome `parse_error` (a filter
 * on successful transfers should not hide that a line could not be read).
 * Once named, a parse-error record is matched like any other, with
 * `parse_error` as its outcome.
 */
import type { FtpLogRecord } from '../model.js';
import type { Outcome, StatusKind } from '../codes/types.js';
import { FtplogError } from '../errors.js';
import { isSpecError, specError } from './spec-path.js';
import { PARSE_ERROR_EVENT } from '../enrich/enrich.js';

export interface Match {
  /** `success`, `failure`, `unknown`, or `parse_error` for parse-error records. */
  readonly outcome?: readonly string[];
  /** Normalized operations (ftp.operation): `download`, `upload`, `list` … */
  readonly operation?: readonly string[];
  /** ftp.status.kind: `ftp_reply`, `sftp`, `http` … */
  readonly statusKind?: readonly string[];
  /** Any attribute by name: one value or a list of values (of which one must be the record's). */
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
}

/** Keeps or drops records (see above). */
export interface FilterTransform {
  readonly type: 'filter';
  readonly keep?: Match;
  readonly drop?: Match;
  /** Name the drops are counted under: `filter "NAME"`. @default the condition, e.g. `filter drop operation=list and outcome=success` */
  readonly name?: string;
}

/** The outcome a filter gives parse-error records. */
export const PARSE_ERROR_OUTCOME = 'parse_error';
export const FILTER_OUTCOMES = ['success', 'failure', 'unknown', PARSE_ERROR_OUTCOME] as const satisfies readonly (Outcome | typeof PARSE_ERROR_OUTCOME)[];
/**
 * The operations ftplog-otel names (EFT's operation words, NcFTPd's entry
 * types, xferlog's directions and vsftpd's actions map to these). An EFT word it does not know is kept,
 * lowercased: match it by `attributes: { ftp.operation: … }`.
 */
export const FILTER_OPERATIONS = ['download', 'upload', 'list', 'delete', 'mkdir', 'chmod', 'symlink', 'rename', 'login', 'connect', 'command', 'response'] as const;
export const FILTER_STATUS_KINDS = ['ftp_reply', 'sftp', 'http', 'winsock', 'eft', 'ncftpd', 'xferlog', 'vsftpd', 'unknown'] as const satisfies readonly StatusKind[];
// Every StatusKind is listed: a kind added to the type without being added here fails to compile.
const _allKinds: Record<StatusKind, true> = { ftp_reply: true, sftp: true, http: true, winsock: true, eft: true, ncftpd: true, xferlog: true, vsftpd: true, unknown: true };
void _allKinds;

/** The vocabulary of each fixed field of a Match, with its name as the file form spells it. */
export const MATCH_FIELDS = [
  { key: 'outcome', file: 'outcome', attribute: 'ftp.outcome', values: FILTER_OUTCOMES },
  { key: 'operation', file: 'operation', attribute: 'ftp.operation', values: FILTER_OPERATIONS },
  { key: 'statusKind', file: 'status_kind', attribute: 'ftp.status.kind', values: FILTER_STATUS_KINDS },
] as const;

/**
 * A filter spec, checked: ERR_INVALID_OPTION with the place of the bad
 * value (`filter: keep.outcome[0]: …`, and `path`/`detail`: see
 * spec-path.ts), listing the valid values where there is a list.
 */
export function checkFilter(spec: FilterTransform): FilterTransform {
  const known = new Set(['type', 'keep', 'drop', 'name']);
  for (const k of Object.keys(spec)) if (!known.has(k)) throw specError('filter', [k], 'unknown field (known: keep, drop, name)');
  if (spec.keep === undefined && spec.drop === undefined) throw specError('filter', [], 'give keep, drop or both');
  if (spec.name !== undefined && (typeof spec.name !== 'string' || spec.name.trim() === '')) throw specError('filter', ['name'], 'must be a non-empty string');
  if (spec.keep !== undefined) checkMatch(spec.keep, 'keep');
  if (spec.drop !== undefined) checkMatch(spec.drop, 'drop');
  return spec;
}

function checkMatch(m: Match, where: 'keep' | 'drop'): void {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw specError('filter', [where], 'must be an object');
  const known = new Set<string>(['outcome', 'operation', 'statusKind', 'attributes']);
  for (const k of Object.keys(m)) if (!known.has(k)) throw specError('filter', [where, k], 'unknown field (known: outcome, operation, statusKind, attributes)');
  let conditions = 0;
  for (const f of MATCH_FIELDS) {
    const list = m[f.key];
    if (list === undefined) continue;
    conditions++;
    if (!Array.isArray(list) || list.length === 0) throw specError('filter', [where, f.key], 'must be a non-empty list');
    (list as unknown[]).forEach((v, i) => {
      if (typeof v !== 'string' || !(f.values as readonly string[]).includes(v)) throw specError('filter', [where, f.key, i], `${JSON.stringify(v)} is not one of ${f.values.join(', ')}`);
    });
  }
  if (m.attributes !== undefined) {
    if (m.attributes === null || typeof m.attributes !== 'object' || Array.isArray(m.attributes)) throw specError('filter', [where, 'attributes'], 'must be an object');
    for (const [name, value] of Object.entries(m.attributes)) {
      conditions++;
      if (name.trim() === '') throw specError('filter', [where, 'attributes', name], 'an attribute name must not be empty');
      if (typeof value === 'string') continue;
      if (!Array.isArray(value) || value.length === 0) throw specError('filter', [where, 'attributes', name], 'must be a string or a non-empty list of strings');
      value.forEach((v, i) => {
        if (typeof v !== 'string') throw specError('filter', [where, 'attributes', name, i], 'must be a string');
      });
    }
  }
  if (conditions === 0) throw specError('filter', [where], 'has no condition (it would match every record)');
}

/** One condition: the attribute it reads (undefined: the record's outcome for a filter), the values that match. */
interface Condition {
  readonly attribute: string | undefined;
  readonly values: ReadonlySet<string>;
}

interface CompiledMatch {
  readonly conditions: readonly Condition[];
  /** The Match names parse-error records (outcome parse_error): they are matched, not let through. */
  readonly namesParseErrors: boolean;
}

function compileMatch(m: Match): CompiledMatch {
  const conditions: Condition[] = [];
  for (const f of MATCH_FIELDS) {
    const list = m[f.key];
    if (list !== undefined) conditions.push({ attribute: f.key === 'outcome' ? undefined : f.attribute, values: new Set(list) });
  }
  for (const [name, value] of Object.entries(m.attributes ?? {})) conditions.push({ attribute: name, values: new Set(typeof value === 'string' ? [value] : value) });
  return { conditions, namesParseErrors: m.outcome?.includes(PARSE_ERROR_OUTCOME) === true };
}

function matches(m: CompiledMatch, r: FtpLogRecord, parseError: boolean): boolean {
  const a = r.attributes;
  for (const c of m.conditions) {
    if (c.attribute === undefined) {
      const outcome = parseError ? PARSE_ERROR_OUTCOME : a['ftp.outcome'];
      if (typeof outcome !== 'string' || !c.values.has(outcome)) return false;
      continue;
    }
    const v = a[c.attribute];
    if (v === undefined) return false;
    if (Array.isArray(v) ? !v.some((x) => c.values.has(x)) : !c.values.has(String(v))) return false;
  }
  return true;
}

/** The reason a filter's drops are counted under. */
function filterReason(spec: FilterTransform, which: 'keep' | 'drop'): string {
  if (spec.name !== undefined) return `filter ${JSON.stringify(spec.name)}`;
  return `filter ${which} ${describeMatch(spec[which]!)}`;
}

/** A Match as text: `operation=list and outcome=success`, values of one condition joined by `|`. */
export function describeMatch(m: Match): string {
  const parts: string[] = [];
  for (const f of MATCH_FIELDS) {
    const list = m[f.key];
    if (list !== undefined) parts.push(`${f.file}=${list.join('|')}`);
  }
  for (const [name, value] of Object.entries(m.attributes ?? {})) parts.push(`${name}=${typeof value === 'string' ? value : value.join('|')}`);
  return parts.join(' and ');
}

/** The filter step of a spec: the record, or why it was dropped (the reason its drop is counted under). */
export function createFilter(spec: FilterTransform): (r: FtpLogRecord) => FtpLogRecord | { readonly dropped: string } {
  checkFilter(spec);
  const keep = spec.keep === undefined ? undefined : compileMatch(spec.keep);
  const drop = spec.drop === undefined ? undefined : compileMatch(spec.drop);
  // One reason object per way of dropping: no allocation per dropped record.
  const notKept = { dropped: spec.keep === undefined ? '' : filterReason(spec, 'keep') };
  const dropped = { dropped: spec.drop === undefined ? '' : filterReason(spec, 'drop') };
  return (r) => {
    const parseError = r.eventName === PARSE_ERROR_EVENT;
    if (keep !== undefined && (!parseError || keep.namesParseErrors) && !matches(keep, r, parseError)) return notKept;
    if (drop !== undefined && (!parseError || drop.namesParseErrors) && matches(drop, r, parseError)) return dropped;
    return r;
  };
}

/** --drop-outcome and --drop-operation: one drop filter per flag given; ERR_INVALID_ARGUMENT naming the flag. */
export function filtersFromFlags(flags: { dropOutcome?: readonly string[] | undefined; dropOperation?: readonly string[] | undefined }): FilterTransform[] {
  const out: FilterTransform[] = [];
  const add = (flag: string, drop: Match): void => {
    try {
      out.push(checkFilter({ type: 'filter', drop }));
    } catch (err) {
      if (!isSpecError(err)) throw err;
      throw new FtplogError('ERR_INVALID_ARGUMENT', `--${flag}: ${err.detail}`, { cause: err });
    }
  };
  if (flags.dropOutcome !== undefined && flags.dropOutcome.length > 0) add('drop-outcome', { outcome: flags.dropOutcome });
  if (flags.dropOperation !== undefined && flags.dropOperation.length > 0) add('drop-operation', { operation: flags.dropOperation });
  return out;
}
