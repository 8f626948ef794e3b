/**
 * The JSONL record shape: one object per record with ISO-8601 UTC times.
 * Pure mapping both ways, so records can be chained between processes.
 */
import type { AttributeValue, Attributes, FtpLogRecord, SeverityText } from '../model.js';
import { SeverityNumber } from '../model.js';

export interface JsonRecord {
  /** ISO-8601 UTC with milliseconds; null when the line had no usable time (parse errors). */
  timestamp: string | null;
  observedTimestamp: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: string;
  attributes: Attributes;
}

export function toJsonRecord(r: FtpLogRecord): JsonRecord {
  return {
    timestamp: r.timestamp === undefined ? null : new Date(r.timestamp).toISOString(),
    observedTimestamp: new Date(r.observedTimestamp).toISOString(),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    eventName: r.eventName,
    body: r.body,
    attributes: r.attributes,
  };
}

/*
 * recordToJsonLine() builds the same text as JSON.stringify(toJsonRecord(r))
 * by string concatenation, which V8 does faster than its JSON serializer of
 * objects (measured: JSON.stringify of the attributes object, or of the whole
 * record, cost 2-2.5 times the instructions of the whole hand-built line).
 * What the costs were, per record (callgrind), and what is done about them:
 *
 * - Date#toISOString() (thousands of instructions, it formats with printf):
 *   times are formatted here from a cached day prefix ("2024-03-01T") and
 *   minute prefix plus two-digit tables, falling back to toISOString() for
 *   what is not an integer in the Date range.
 * - A regular-expression test per string value for characters that need
 *   escaping (a few hundred instructions each plus about 12 per character) and
 *   a Map lookup per attribute key: attribute keys are looked up in a trie
 *   (one node per key after a given sequence of keys; records come in a few
 *   dozen shapes with keys in a fixed order, so the next key is almost always
 *   the first child tried), and each node remembers the last value it
 *   serialized and the resulting text. Values repeat a lot (format, operation,
 *   outcome, status, protocol, port, user, file path...): a repeat costs one
 *   comparison and no regular expression.
 * - Many small pieces in the rope handed to the UTF-8 writer, which flattens
 *   it piece by piece: the fixed text between values is pre-joined (key,
 *   punctuation and the quotes around the previous and the next string value
 *   form one piece) and remembered texts are flattened once, so a repeated
 *   attribute is one flat piece.
 */

/** Characters JSON.stringify would escape (quotes, backslash, controls, surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Values up to this length are remembered as they are: V8 makes shorter
 * substrings copies, so they cannot keep a longer string (the record's line)
 * alive. Longer ones are remembered as copies (see `copyLong`).
 */
const SHORT = 12;

/** The same text as a new flat string: later copies of it are one block copy, and it keeps nothing else alive. */
function flat(s: string): string {
  return ('\u0000' + s).slice(1);
}

function valueJson(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number':
      return Number.isFinite(v) ? '' + v : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(v);
  }
}

// ---------------------------------------------------------------------------
// Times

const TWO_DIGITS: string[] = [];
for (let i = 0; i < 100; i++) TWO_DIGITS.push(i < 10 ? '0' + i : '' + i);
/** `.mmmZ"` for each millisecond. */
const MILLIS: string[] = [];
for (let i = 0; i < 1000; i++) MILLIS.push('.' + (i < 10 ? '00' + i : i < 100 ? '0' + i : '' + i) + 'Z"');
const DAY_MS = 86_400_000;
const MAX_TIME = 8.64e15;

/** `<lead>"<ISO-8601 time>"` for epoch-ms times, the same text as `lead + JSON.stringify(new Date(t).toISOString())`. */
export class IsoTimes {
  private day = NaN;
  private dayPrefix = '';
  private minute = NaN;
  private minutePrefix = '';

  constructor(private readonly lead: string) {}

  text(t: number): string {
    // toISOString() truncates fractions and throws past the Date range; left to it.
    if (!(Number.isInteger(t) && t >= -MAX_TIME && t <= MAX_TIME)) return this.lead + '"' + new Date(t).toISOString() + '"';
    let r = t - this.minute;
    if (!(r >= 0 && r < 60_000)) {
      let d = t - this.day;
      if (!(d >= 0 && d < DAY_MS)) {
        d = t % DAY_MS;
        if (d < 0) d += DAY_MS;
        this.day = t - d;
        const iso = new Date(this.day).toISOString(); // 2024-03-01T00:00:00.000Z, or ±YYYYYY-... past year 9999
        this.dayPrefix = this.lead + '"' + iso.slice(0, iso.length - 13);
      }
      r = d % 60_000;
      this.minute = t - r;
      const minuteOfDay = (d - r) / 60_000;
      const hour = (minuteOfDay / 60) | 0;
      this.minutePrefix = flat(this.dayPrefix + TWO_DIGITS[hour]! + ':' + TWO_DIGITS[minuteOfDay - hour * 60]! + ':');
    }
    const second = (r / 1000) | 0;
    return this.minutePrefix + (TWO_DIGITS[second]! + MILLIS[r - second * 1000]!);
  }
}

const TIMESTAMPS = new IsoTimes('{"timestamp":');
const OBSERVED = new IsoTimes(',"observedTimestamp":');

// The line up to the body: the timestamp (records come in time order, many in
// the same second) and the part that changes with the observed time, severity
// and event name.
let lastTs = NaN;
let lastTsText = '';

/** The text between the timestamp and the body's value for one observed time, severity and event name. */
interface Mid {
  readonly severityNumber: number;
  readonly severityText: string;
  /** `,"observedTimestamp":"...",...,"body":` */
  readonly bare: string;
  /** `bare` with the body's opening quote. */
  readonly open: string;
}

/**
 * Mid texts of the current observed time by event name: records of one read
 * share their observed time and come in a few event names, which alternate
 * (download, upload, list...). Bounded; emptied when the observed time changes.
 */
const mids = new Map<string, Mid>();
let midsObserved = NaN;
const MIDS_MAX = 64;

/** `,"severityNumber":...,"severityText":...,"eventName":...,"body":` */
export function severityEventText(severityNumber: number, severityText: string, eventName: string): string {
  return (
    ',"severityNumber":' + valueJson(severityNumber) +
    ',"severityText":' + valueJson(severityText) +
    ',"eventName":' + valueJson(eventName) +
    ',"body":'
  );
}

/** `,"observedTimestamp":"...","severityNumber":...,"severityText":...,"eventName":...,"body":` */
function midText(observed: number, severityNumber: number, severityText: string, eventName: string): string {
  return OBSERVED.text(observed) + severityEventText(severityNumber, severityText, eventName);
}

/** The mid texts of a record, from the cache when its fields are the usual types. */
function midOf(observed: number, severityNumber: number, severityText: string, eventName: string): Mid {
  if (typeof observed !== 'number' || typeof severityNumber !== 'number' || typeof severityText !== 'string' || typeof eventName !== 'string') {
    const text = midText(observed, severityNumber, severityText, eventName);
    return { severityNumber, severityText, bare: text, open: text + '"' };
  }
  if (observed !== midsObserved) {
    mids.clear();
    midsObserved = observed;
  }
  let m = mids.get(eventName);
  if (m === undefined || m.severityNumber !== severityNumber || m.severityText !== severityText) {
    const text = midText(observed, severityNumber, severityText, eventName);
    m = { severityNumber, severityText, bare: flat(text), open: flat(text + '"') };
    if (mids.size >= MIDS_MAX) mids.clear();
    mids.set(eventName, m);
  }
  return m;
}

// ---------------------------------------------------------------------------
// Attributes

/**
 * One attribute key after a given sequence of keys. The texts that precede a
 * value are kept in four forms: after a string value (whose closing quote is
 * still to be written, so the body and string values cost no piece of their
 * own for it) or after anything else, and followed by an opening quote or not.
 */
class KeyNode {
  /** First child; siblings through `sibling`. */
  next: KeyNode | null = null;
  sibling: KeyNode | null = null;
  /** `","key":` */
  readonly afterString: string;
  /** `,"key":` */
  readonly afterOther: string;
  /** `","key":"` */
  readonly afterStringQuoted: string;
  /** `,"key":"` */
  readonly afterOtherQuoted: string;
  /** The last value serialized here (undefined: none), the state before it, its text and the state after it. */
  lastValue: AttributeValue | undefined = undefined;
  lastAfterString = false;
  lastText = '';
  lastEndsInString = false;
  /** Whether lastText was flattened (done once it is used a second time). */
  lastFlat = false;
  /** Long string values that were not repeats, to remember only some of them. */
  misses = 0;
  /** The last array of short strings serialized here, a copy (null: none), the state before it and its text. */
  lastArray: string[] | null = null;
  lastArrayAfterString = false;
  lastArrayText = '';

  constructor(
    readonly key: string,
    first: boolean,
  ) {
    const k = JSON.stringify(key) + ':';
    this.afterString = (first ? '","attributes":{' : '",') + k;
    this.afterOther = (first ? ',"attributes":{' : ',') + k;
    this.afterStringQuoted = this.afterString + '"';
    this.afterOtherQuoted = this.afterOther + '"';
  }
}

/**
 * An array value's text, remembered for arrays of short strings (NcFTPd
 * transfer notes, `["Ps","Sf"]`): a repeat is recognized element by element.
 * The remembered array is a copy, so changes to the caller's array do not
 * show through.
 */
function arrayText(c: KeyNode, v: unknown[], inString: boolean): string {
  const last = c.lastArray;
  if (last !== null && inString === c.lastArrayAfterString && v.length === last.length) {
    let i = 0;
    while (i < last.length && v[i] === last[i]) i++;
    if (i === last.length) return c.lastArrayText;
  }
  const text = (inString ? c.afterString : c.afterOther) + JSON.stringify(v);
  if (v.length <= 8 && v.every((x) => typeof x === 'string' && x.length <= SHORT)) {
    c.lastArray = v.slice() as string[];
    c.lastArrayAfterString = inString;
    c.lastArrayText = flat(text);
  }
  return text;
}

const ROOT = new KeyNode('', true);
/** Bound on trie nodes; past it, keys get nodes that are not kept (correct, without the reuse). */
const MAX_NODES = 4096;
let nodeCount = 0;

function childNode(parent: KeyNode, key: string): KeyNode {
  const c = new KeyNode(key, parent === ROOT);
  if (nodeCount < MAX_NODES) {
    nodeCount++;
    c.sibling = parent.next;
    parent.next = c;
  }
  return c;
}

/**
 * A property read before the attribute loop. Objects created with a map that
 * V8 has since deprecated (the enricher's NcFTPd attribute objects, whose
 * number fields change representation) are migrated by the read; met first
 * inside the `for...in`, they turn its fast enumeration path off for good,
 * and every `attrs[k]` after that is a megamorphic lookup.
 */
const PROBE = Symbol('probe');

/**
 * Serializes one record as a JSON line (with its LF): the same text as
 * `JSON.stringify(toJsonRecord(r)) + '\n'`.
 */
export function recordToJsonLine(r: FtpLogRecord): string {
  const attrs = r.attributes as Record<string | symbol, unknown>;
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs) || attrs[PROBE] !== undefined) {
    return JSON.stringify(toJsonRecord(r)) + '\n';
  }

  const ts = r.timestamp;
  let s: string;
  if (ts === undefined) s = '{"timestamp":null';
  else if (ts === lastTs) s = lastTsText;
  else {
    s = TIMESTAMPS.text(ts);
    if (typeof ts === 'number') {
      lastTs = ts;
      lastTsText = s;
    }
  }
  const observed = r.observedTimestamp;
  const severityNumber = r.severityNumber;
  const severityText: string = r.severityText;
  const eventName = r.eventName;
  const mid = midOf(observed, severityNumber, severityText, eventName);
  const body = r.body;
  /** Whether the text so far ends inside a string value, its closing quote not written yet. */
  let inString: boolean;
  if (typeof body === 'string' && !NEEDS_ESCAPE.test(body)) {
    s = s + mid.open + body;
    inString = true;
  } else {
    s = s + mid.bare + valueJson(body);
    inString = false;
  }

  let node = ROOT;
  for (const k in attrs) {
    const v = attrs[k];
    if (v === undefined) continue;
    let c = node.next;
    while (c !== null && c.key !== k) c = c.sibling;
    if (c === null) c = childNode(node, k);
    if (v === c.lastValue && inString === c.lastAfterString) {
      if (!c.lastFlat) {
        c.lastText = flat(c.lastText);
        c.lastFlat = true;
      }
      s += c.lastText;
      inString = c.lastEndsInString;
      c.misses = 0;
      node = c;
      continue;
    }
    let text: string;
    let endsInString = false;
    let remember = true;
    switch (typeof v) {
      case 'string':
        if (NEEDS_ESCAPE.test(v)) {
          text = (inString ? c.afterString : c.afterOther) + JSON.stringify(v);
          remember = v.length <= SHORT;
        } else {
          endsInString = true;
          const before = inString ? c.afterStringQuoted : c.afterOtherQuoted;
          if (v.length <= SHORT) text = before + v;
          else if ((c.misses++ & 7) === 0) {
            // A long value is remembered as a copy (a substring would keep
            // the record's whole line alive), and not every time: most long
            // values (paths) do not repeat, and the copy costs.
            text = flat(before + v);
            c.lastValue = text.slice(before.length);
            c.lastAfterString = inString;
            c.lastText = text;
            c.lastEndsInString = true;
            c.lastFlat = true;
            remember = false;
          } else {
            text = before + v;
            remember = false;
          }
        }
        break;
      case 'number':
        text = (inString ? c.afterString : c.afterOther) + (Number.isFinite(v) ? '' + v : 'null');
        break;
      case 'boolean':
        text = (inString ? c.afterString : c.afterOther) + (v ? 'true' : 'false');
        break;
      default: {
        if (Array.isArray(v)) {
          text = arrayText(c, v, inString);
          remember = false;
          break;
        }
        // Anything else: JSON.stringify's text; functions and symbols are
        // left out, as JSON.stringify leaves them out of objects.
        const j = JSON.stringify(v) as string | undefined;
        if (j === undefined) continue;
        text = (inString ? c.afterString : c.afterOther) + j;
        remember = false;
      }
    }
    if (remember) {
      c.lastValue = v as AttributeValue;
      c.lastAfterString = inString;
      c.lastText = text;
      c.lastEndsInString = endsInString;
      c.lastFlat = false;
    }
    s += text;
    inString = endsInString;
    node = c;
  }
  if (node === ROOT) return s + (inString ? '","attributes":{}}\n' : ',"attributes":{}}\n');
  return s + (inString ? '"}}\n' : '}}\n');
}

function isAttributeValue(v: unknown): v is AttributeValue {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isoToMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Reads a record back from its JSON object; returns a reason string when the shape is wrong. */
export function fromJsonRecord(v: unknown): FtpLogRecord | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  const observed = isoToMs(o['observedTimestamp']);
  if (observed === undefined) return 'missing or invalid "observedTimestamp"';
  let timestamp: number | undefined;
  if (o['timestamp'] !== null && o['timestamp'] !== undefined) {
    timestamp = isoToMs(o['timestamp']);
    if (timestamp === undefined) return 'invalid "timestamp"';
  }
  const sevText = o['severityText'];
  if (sevText !== 'INFO' && sevText !== 'WARN' && sevText !== 'ERROR') return 'invalid "severityText"';
  const sevNum = o['severityNumber'];
  if (typeof sevNum !== 'number' || !Number.isInteger(sevNum) || sevNum < 1 || sevNum > 24) return 'invalid "severityNumber"';
  if (typeof o['eventName'] !== 'string') return 'missing "eventName"';
  if (typeof o['body'] !== 'string') return 'missing "body"';
  const attrsIn = o['attributes'];
  if (attrsIn === null || typeof attrsIn !== 'object' || Array.isArray(attrsIn)) return 'missing "attributes"';
  const attributes: Attributes = {};
  for (const [k, val] of Object.entries(attrsIn as Record<string, unknown>)) {
    if (!isAttributeValue(val)) return `invalid value for attribute "${k}"`;
    attributes[k] = val;
  }
  return {
    timestamp,
    observedTimestamp: observed,
    severityNumber: sevNum,
    severityText: sevText as SeverityText,
    eventName: o['eventName'] as string,
    body: o['body'] as string,
    attributes,
  };
}

export { SeverityNumber };
