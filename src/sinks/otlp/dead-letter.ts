/**
 * The dead-letter file: records the collector refused for good (a 4xx other
 * than 413/429, or a single record too large to send), and records still
 * queued when a run is stopped, one JSON line each with the reason, appended
 * in order. Created only when needed.
 *
 * A record counts as dead-lettered only once its line is durably in the
 * file, so each append is all or nothing: the lines of one call are written,
 * then fsynced, and a failure (a full disk, say) truncates the file back to
 * where the call began before it is reported. The file then holds exactly the
 * records counted as dead-lettered, every line whole.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FtplogError } from '../../errors.js';
import type { FtpLogRecord, SourcePosition } from '../../model.js';
import { toJsonRecord, type JsonRecord } from '../../jsonl/record-json.js';
import { recordPosition, recordStart, type EncodedRecords } from '../../otlp/encoded.js';
import { decodeRecords } from '../../otlp/decode-records.js';

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
  private handle: FileHandle | undefined;
  /** Size of the file after the last complete append. */
  private size = 0;

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
   * Appends encoded records (decoded back to the JSONL record shape by
   * src/otlp/decode-records.ts, with their source positions); resolves once
   * they are written.
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

  /** Closes the file; later writes open it again. */
  close(): Promise<void> {
    const next = this.chain.then(async () => {
      const h = this.handle;
      this.handle = undefined;
      await h?.close();
    });
    this.chain = next.catch(() => {});
    return next;
  }

  private append(text: string): Promise<void> {
    // A call without records still resolves in call order, but creates no file.
    const next = this.chain.then(() => (text === '' ? undefined : this.appendWhole(Buffer.from(text, 'utf8'))));
    this.chain = next.catch(() => {});
    return next;
  }

  private async openFile(): Promise<FileHandle> {
    if (this.handle !== undefined) return this.handle;
    try {
      await mkdir(dirname(this.path), { recursive: true });
    } catch (err) {
      // mkdir says EEXIST when a part of the path is a file: say what is wrong.
      throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? notADirectory(this.path, err) : err;
    }
    const h = await open(this.path, 'a');
    this.size = (await h.stat()).size;
    this.handle = h;
    return h;
  }

  /** Writes and fsyncs `bytes` at the end of the file, or leaves the file as it was. */
  private async appendWhole(bytes: Buffer): Promise<void> {
    const h = await this.openFile();
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await h.write(bytes, done, bytes.length - done);
        done += bytesWritten;
      }
      await h.sync();
      this.size += bytes.length;
    } catch (err) {
      try {
        await h.truncate(this.size);
      } catch (undo) {
        throw new FtplogError(
          'ERR_DEAD_LETTER',
          `${this.path}: ${(err as Error).message}; truncating back to the last whole line failed too (${(undo as Error).message}): the file's last line may be cut`,
          { cause: err },
        );
      }
      throw new FtplogError('ERR_DEAD_LETTER', `${this.path}: ${(err as Error).message} (nothing of this batch was kept)`, { cause: err });
    }
  }
}

/** stat, or undefined when the path or a part of it does not exist. */
function statIfThere(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The nearest existing ancestor folder of `path`'s folder, or the file that stands where a folder should. */
function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  let dir = dirname(path);
  for (;;) {
    const st = statIfThere(dir);
    if (st !== undefined) return { path: dir, isDirectory: st.isDirectory() };
    const up = dirname(dir);
    if (up === dir) return { path: dir, isDirectory: true };
    dir = up;
  }
}

function notADirectory(path: string, cause?: unknown): FtplogError {
  const at = nearestExisting(path);
  return new FtplogError('ERR_DEAD_LETTER', `${path}: ENOTDIR: ${at.path} is not a directory`, { cause });
}

/**
 * Checks before a run that the dead-letter file could be written: the path
 * is not a folder, and the file or its nearest existing folder is writable.
 * Throws ERR_CONFIG naming what is wrong; creates nothing.
 */
export function checkDeadLetterPath(path: string): void {
  const full = resolve(path);
  const refuse = (what: string): never => {
    throw new FtplogError('ERR_CONFIG', `dead-letter file ${full}: ${what}`);
  };
  const writable = (p: string, what: string): void => {
    try {
      accessSync(p, constants.W_OK);
    } catch (err) {
      refuse(`${(err as NodeJS.ErrnoException).code ?? 'EACCES'}: ${what}`);
    }
  };
  const st = statIfThere(full);
  if (st !== undefined) {
    if (st.isDirectory()) refuse('EISDIR: it is a directory');
    writable(full, 'not writable');
    return;
  }
  const at = nearestExisting(full);
  if (!at.isDirectory) refuse(`ENOTDIR: ${at.path} is not a directory`);
  writable(at.path, `cannot create files in ${at.path}`);
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

/** Decodes records [from, to) of a run back to the JSONL record shape. */
function decodeRange(run: EncodedRecords, from: number, to: number): JsonRecord[] {
  const records = decodeRecords(run.protocol, run.bytes.subarray(recordStart(run, from), run.ends[to - 1]!));
  if (records.length !== to - from) {
    throw new FtplogError('ERR_PARSE', `dead-letter: ${to - from} encoded records decoded as ${records.length}`);
  }
  return records;
}
