/**
 * toJsonLines(): FtpLogRecord in, JSONL bytes out; fromJsonLines(): JSONL
 * bytes in, FtpLogRecord out. Lines are cut by the bounded splitter and each
 * one is read with stream-json's JSONL line parser, so a runaway line cannot
 * grow memory; a line that is not a record becomes a counted parse-error record.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { Buffer } from 'node:buffer';
import { stage } from './stage.js';
import { jsonlParser } from 'stream-json/jsonl/parser.js';
import type { FtpLogRecord, LogLine } from '../model.js';
import { fromJsonRecord, recordOfLine } from '../jsonl/record-json.js';
import { JsonLineWriter } from '../jsonl/json-bytes.js';
import { parseErrorRecord, PARSE_ERROR_EVENT } from '../enrich/enrich.js';
import { LineCutter, type LineCutterOptions } from '../split/line-cutter.js';

export interface ToJsonLinesOptions {
  /** Bytes gathered into one output chunk before it is pushed. @default 65536 */
  chunkBytes?: number;
}

/**
 * Serializes records as JSON lines, gathered into chunks of about
 * `chunkBytes` (written as bytes directly: see jsonl/json-bytes.ts).
 */
export function toJsonLines(options: ToJsonLinesOptions = {}): Transform {
  const chunkBytes = options.chunkBytes ?? 65536;
  const writer = new JsonLineWriter(chunkBytes + 16 * 1024);
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    transform(record: FtpLogRecord, _enc: BufferEncoding, callback: TransformCallback) {
      try {
        writer.write(record);
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (writer.length >= chunkBytes) callback(null, writer.take());
      else callback();
    },
    flush(callback: TransformCallback) {
      callback(null, writer.length > 0 ? writer.take() : undefined);
    },
  });
}

export interface FromJsonLinesStats {
  lines: number;
  /** Records read (dead-letter lines included). */
  records: number;
  /** Lines that are not records: counted parse-error records. */
  errors: number;
  /** Of the records, those read from dead-letter lines. */
  deadLetters: number;
  /** Records by their ftp.outcome, and those that were parse errors when first read. */
  success: number;
  failure: number;
  unknown: number;
  parseErrors: number;
}

export interface FromJsonLinesStream extends Transform {
  readonly stats: Readonly<FromJsonLinesStats>;
}

const BAD_LINE = Symbol('bad JSON line');

/**
 * Reads JSONL produced by toJsonLines() (or `ftplog-otel parse`) back into
 * records; dead-letter lines are read as the record they hold.
 */
export function fromJsonLines(options: LineCutterOptions & { now?: () => number } = {}): FromJsonLinesStream {
  const { now = Date.now, ...cutterOptions } = options;
  const cutter = new LineCutter(cutterOptions);
  const stats: FromJsonLinesStats = { lines: 0, records: 0, errors: 0, deadLetters: 0, success: 0, failure: 0, unknown: 0, parseErrors: 0 };
  let lastError = '';
  const parseJson = jsonlParser({
    errorIndicator: (err: Error) => {
      lastError = err.message;
      return BAD_LINE;
    },
  });
  const toRecord = (line: LogLine): FtpLogRecord | undefined => {
    stats.lines++;
    if (line.text.trim() === '') return undefined;
    let record: FtpLogRecord | string;
    if (line.truncated === true) {
      record = 'line too long (truncated)';
    } else {
      const item = parseJson(line.text);
      if (typeof item === 'symbol') record = 'empty line';
      else if (item.value === BAD_LINE) record = `invalid JSON: ${lastError}`;
      else {
        const { value, deadLetter } = recordOfLine(item.value);
        record = fromJsonRecord(value);
        if (deadLetter && typeof record !== 'string') stats.deadLetters++;
      }
    }
    if (typeof record === 'string') {
      stats.errors++;
      return parseErrorRecord(line, undefined, record, now());
    }
    stats.records++;
    if (record.eventName === PARSE_ERROR_EVENT) stats.parseErrors++;
    else {
      const outcome = record.attributes['ftp.outcome'];
      if (outcome === 'success') stats.success++;
      else if (outcome === 'failure') stats.failure++;
      else stats.unknown++;
    }
    record.position = line.position;
    return record;
  };
  const stream = stage<Buffer, FtpLogRecord>({ writableObjectMode: false, readableObjectMode: true }, (emit) => {
    const onLine = (line: LogLine): void => {
      const r = toRecord(line);
      if (r !== undefined) emit(r);
    };
    return { step: (chunk) => cutter.push(chunk, onLine), end: () => cutter.end(onLine) };
  });
  return Object.assign(stream, { stats }) as FromJsonLinesStream;
}
