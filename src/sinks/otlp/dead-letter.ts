/**
 * The dead-letter file: records the collector refused for good (a 4xx other
 * than 413/429, or a single record too large to send), one JSON line each
 * with the reason, appended in order. Created only when needed.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FtpLogRecord } from '../../model.js';
import { toJsonRecord } from '../../jsonl/record-json.js';

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
    for (const r of records) {
      const entry: DeadLetterEntry = {
        time,
        reason,
        ...(status !== undefined ? { status } : {}),
        endpoint,
        ...(r.position !== undefined ? { source: { ...r.position } } : {}),
        record: toJsonRecord(r),
      };
      text += JSON.stringify(entry) + '\n';
    }
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
