/**
 * The dead-letter file: records the collector refused for good (a 4xx other
 * than 413/429, or a single record too large to send), one JSON line each
 * with the reason, appended in order. Created only when needed.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AttributeValue, Attributes, FtpLogRecord, SourcePosition } from '../../model.js';
import { toJsonRecord, type JsonRecord } from '../../jsonl/record-json.js';
import { recordPosition, recordStart, type EncodedRecords } from '../../otlp/encoded.js';
import { encodeLogsJsonEnvelope } from '../../otlp/encode-json.js';
import { encodeLogsProtobufEnvelope } from '../../otlp/encode-protobuf.js';
import { decodeLogsJson, decodeLogsProtobuf } from '../../receiver/decode.js';
import type { ReceivedLogRecord } from '../../receiver/types.js';

/** Records [from, to) of an encoded run. */
export interface EncodedRange {
  run: EncodedRecords;
  from: number;
  to: number;
}

/** Where dead letters go when no path is given: in the working directory. */
export const DEFAULT_DEAD_LETTER_FILE = 'ftplog-otel-dead-letter.jsonl';

export interface DeadLetterEntry {
  /** When the record was dead-lettered (ISO-8601). */
  time: string;
  /** Why: e.g. `HTTP 400: invalid attribute`. */
  reason: string;
  /** HTTP status of the refusal, when there was one. */
  status?: number;
  /** Endpoint that refused it. */
  endpoint: string;
  /** Source position of the line. */
  source?: { file?: string; line: number; offset: number };
  record: ReturnType<typeof toJsonRecord>;
}

export class DeadLetterFile {
  readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private dirReady = false;

  constructor(path: string = DEFAULT_DEAD_LETTER_FILE) {
    this.path = resolve(path);
  }

  /** Appends the records; resolves once they are written. Writes happen in call order. */
  write(records: readonly FtpLogRecord[], reason: string, endpoint: string, status?: number): Promise<void> {
    const time = new Date().toISOString();
    let text = '';
    for (const r of records) text += entryLine(time, reason, endpoint, status, r.position, toJsonRecord(r));
    return this.append(text);
  }

  /**
   * Appends encoded records (decoded back to the JSONL record shape, with
   * their source positions); resolves once they are written.
   */
  writeEncoded(ranges: readonly EncodedRange[], reason: string, endpoint: string, status?: number): Promise<void> {
    const time = new Date().toISOString();
    let text = '';
    try {
      for (const { run, from, to } of ranges) {
        const records = decodeRange(run, from, to);
        for (let i = from; i < to; i++) text += entryLine(time, reason, endpoint, status, recordPosition(run, i), records[i - from]!);
      }
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.append(text);
  }

  private append(text: string): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.dirReady) {
        await mkdir(dirname(this.path), { recursive: true });
        this.dirReady = true;
      }
      await appendFile(this.path, text, 'utf8');
    });
    this.chain = next.catch(() => {});
    return next;
  }
}

function entryLine(time: string, reason: string, endpoint: string, status: number | undefined, position: SourcePosition | undefined, record: JsonRecord): string {
  const entry: DeadLetterEntry = {
    time,
    reason,
    ...(status !== undefined ? { status } : {}),
    endpoint,
    ...(position !== undefined ? { source: { ...position } } : {}),
    record,
  };
  return JSON.stringify(entry) + '\n';
}

function isoOfNanos(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

function attributeValue(v: unknown): AttributeValue {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((e) => String(e));
  return v as AttributeValue;
}

/** Decodes records [from, to) of a run with the official OTLP schema, back to the JSONL record shape. */
function decodeRange(run: EncodedRecords, from: number, to: number): JsonRecord[] {
  const start = recordStart(run, from);
  const end = run.ends[to - 1]!;
  const part = run.bytes.subarray(start, end);
  const scope = { name: '' };
  const received: ReceivedLogRecord[] =
    run.protocol === 'http/protobuf'
      ? decodeLogsProtobuf(encodeLogsProtobufEnvelope({}, scope, [part], part.length))
      : decodeLogsJson(encodeLogsJsonEnvelope({}, scope, [part], part.length));
  return received.map((r) => {
    const attributes: Attributes = {};
    for (const [k, v] of Object.entries(r.attributes)) attributes[k] = attributeValue(v);
    return {
      timestamp: r.timeUnixNano === 0n ? null : isoOfNanos(r.timeUnixNano),
      observedTimestamp: isoOfNanos(r.observedTimeUnixNano),
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      eventName: r.eventName,
      body: typeof r.body === 'string' ? r.body : String(r.body ?? ''),
      attributes,
    };
  });
}
