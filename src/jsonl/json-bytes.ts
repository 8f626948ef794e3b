/**
 * Records straight to JSON-line bytes: the same bytes as
 * `Buffer.from(recordToJsonLine(r))`, written into one growing buffer.
 *
 * Why: building a record's ~900-byte line as a JS string and then converting
 * it to UTF-8 costs twice the building (the string is a rope of ~60 pieces
 * that must be flattened first). Here printable-ASCII strings, which nearly
 * every value is, are copied byte by byte as they are checked; attribute
 * keys are copied from bytes encoded once; anything else (escapes, non-ASCII,
 * arrays) goes through JSON.stringify and a native UTF-8 write, so the output
 * never differs from JSON.stringify's. Pure: no streams.
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue, FtpLogRecord } from '../model.js';

const QUOTE = 0x22;
const MAX_KEYS = 4096;
/** Strings up to this long are copied by a JS loop; longer ones by one native call. */
const SHORT = 24;
/** What JSON.stringify would escape, and what is not ASCII (written as UTF-8 by the slow path). */
const SPECIAL = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

function latin1Bytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

const TIMESTAMP = latin1Bytes('{"timestamp":');
const NULL = latin1Bytes('null');
const OBSERVED = latin1Bytes(',"observedTimestamp":');
const SEVERITY_NUMBER = latin1Bytes(',"severityNumber":');
const SEVERITY_TEXT = latin1Bytes(',"severityText":');
const EVENT_NAME = latin1Bytes(',"eventName":');
const BODY = latin1Bytes(',"body":');
const ATTRIBUTES = latin1Bytes(',"attributes":{');
const END = latin1Bytes('}}\n');
const TRUE = latin1Bytes('true');
const EMPTY = Buffer.alloc(0);
const FALSE = latin1Bytes('false');

/** Buffer's native latin1 writer (no argument parsing); every Node Buffer has it. */
interface LatinWrite {
  latin1Write(s: string, offset: number): number;
}

export class JsonLineWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly keys = new Map<string, Uint8Array>();
  private lastTs = NaN;
  private lastTsIso = '';
  private lastObs = NaN;
  private lastObsIso = '';

  constructor(private readonly initialBytes = 64 * 1024) {
    // Allocated on first use, never from Buffer's shared pool: the bytes may be
    // transferred to another thread.
    this.buf = EMPTY;
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos;
  }

  /**
   * The bytes written so far: a view of a buffer the writer leaves to the
   * caller (it takes a new one, of the initial size, on the next write).
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  /** Appends one record's JSON line, LF included. */
  write(r: FtpLogRecord): void {
    this.raw(TIMESTAMP);
    if (r.timestamp === undefined) this.raw(NULL);
    else {
      if (r.timestamp !== this.lastTs) {
        this.lastTs = r.timestamp;
        this.lastTsIso = new Date(r.timestamp).toISOString();
      }
      this.string(this.lastTsIso);
    }
    this.raw(OBSERVED);
    if (r.observedTimestamp !== this.lastObs) {
      this.lastObs = r.observedTimestamp;
      this.lastObsIso = new Date(r.observedTimestamp).toISOString();
    }
    this.string(this.lastObsIso);
    this.raw(SEVERITY_NUMBER);
    this.value(r.severityNumber);
    this.raw(SEVERITY_TEXT);
    this.string(r.severityText);
    this.raw(EVENT_NAME);
    this.string(r.eventName);
    this.raw(BODY);
    this.string(r.body);
    this.raw(ATTRIBUTES);
    let first = true;
    const attrs = r.attributes;
    for (const k in attrs) {
      const v = attrs[k];
      if (v === undefined) continue;
      if (!first) {
        this.ensure(1);
        this.buf[this.pos++] = 0x2c;
      }
      first = false;
      this.raw(this.key(k));
      this.value(v);
    }
    this.raw(END);
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, this.initialBytes);
    while (size < need) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = bytes[i]!;
    this.pos = p;
  }

  private key(k: string): Uint8Array {
    let bytes = this.keys.get(k);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(k) + ':', 'utf8');
      if (this.keys.size < MAX_KEYS) this.keys.set(k, bytes);
    }
    return bytes;
  }

  /** A JSON string: copied as is when it is printable ASCII without quotes or backslashes. */
  private string(s: string): void {
    const len = s.length;
    if (SPECIAL.test(s)) {
      this.text(JSON.stringify(s));
      return;
    }
    if (len > SHORT) {
      this.ensure(len + 2);
      const b = this.buf;
      b[this.pos] = QUOTE;
      const n = (b as unknown as LatinWrite).latin1Write(s, this.pos + 1);
      b[this.pos + 1 + n] = QUOTE;
      this.pos += n + 2;
      return;
    }
    this.ensure(len + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
    b[p++] = QUOTE;
    this.pos = p;
  }

  /** Text known to be ASCII (a number's digits). */
  private ascii(s: string): void {
    const len = s.length;
    this.ensure(len);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8. */
  private text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  private value(v: AttributeValue): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.ascii(Number.isFinite(v) ? String(v) : 'null');
        return;
      case 'boolean':
        this.raw(v ? TRUE : FALSE);
        return;
      default:
        this.text(JSON.stringify(v));
    }
  }
}
