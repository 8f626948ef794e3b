/**
 * What `ftplog-otel stats` reports of a log, added up one record at a time
 * in bounded memory: records by operation and outcome, the commonest
 * errors with their decoded meaning, the users and hosts with the most
 * failures and the most bytes, bytes per UTC day, the busiest UTC hours,
 * and parse errors by reason.
 *
 * Every table has a bound whatever the input: the top lists are
 * Space-Saving trackers of `capacity` keys (heavy-hitters.ts), days and
 * hours keep the most recent `days` days and `days` × 24 hours
 * (buckets.ts), operations at most MAX_OPERATIONS names. Pure.
 */
import type { FtpLogRecord } from '../model.js';
import { PARSE_ERROR_EVENT } from '../enrich/enrich.js';
import { SpaceSaving } from './heavy-hitters.js';
import { RecentBuckets } from './buckets.js';
import { REPORT_OPTIONS } from '../options/components.js';
import { libraryOption, optionByKey } from '../options/spec.js';

/** Operation names kept apart; the rest (EFT logs any word as an operation) are added up as OTHER_OPERATION. */
export const MAX_OPERATIONS = 64;
export const OTHER_OPERATION = '(other)';
/** The key of what has no value: a failure without error.type, a record without user or host. */
export const NONE = '(none)';

/** Checked and defaulted by their declaration in REPORT_OPTIONS (ERR_INVALID_OPTION naming the option). */
export interface ReportOptions {
  /** Keys each top list tracks (users, hosts, errors, parse-error reasons). @default 1000 */
  readonly capacity?: number;
  /** Most recent UTC days with records kept, and 24 × as many hours. @default 31 */
  readonly days?: number;
}

/** What an error type means, as enrich decoded it. */
export interface ErrorMeaning {
  readonly errorType: string;
  /** ftp.status.kind: which table decoded it (sftp, ftp_reply, winsock, http, ncftpd …). */
  readonly kind?: string;
  /** ftp.status.code as logged. */
  readonly code?: number;
  readonly name?: string;
  readonly description?: string;
}

export interface OutcomeCounts {
  success: number;
  failure: number;
  unknown: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function meaningOf(a: FtpLogRecord['attributes']): ErrorMeaning {
  const kind = str(a['ftp.status.kind']);
  const code = a['ftp.status.code'];
  const name = str(a['ftp.status.name']);
  const description = str(a['ftp.status.description']);
  return {
    errorType: str(a['error.type']) ?? NONE,
    ...(kind !== undefined ? { kind } : {}),
    ...(typeof code === 'number' ? { code } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

export class ReportAggregator {
  readonly capacity: number;
  readonly days: RecentBuckets;
  readonly hours: RecentBuckets;
  readonly operations = new Map<string, OutcomeCounts>();
  readonly errors: SpaceSaving<ErrorMeaning>;
  readonly usersByFailures: SpaceSaving<undefined>;
  readonly usersByBytes: SpaceSaving<undefined>;
  readonly hostsByFailures: SpaceSaving<undefined>;
  readonly hostsByBytes: SpaceSaving<undefined>;
  readonly parseErrorReasons: SpaceSaving<undefined>;
  records = 0;
  parseErrors = 0;
  failures = 0;
  bytes = 0;
  /** Records without a time (they are in no day or hour). */
  untimed = 0;
  first: number | undefined;
  last: number | undefined;

  constructor(options: ReportOptions = {}) {
    const option = (key: keyof ReportOptions): number => libraryOption(optionByKey(REPORT_OPTIONS, key), options[key]) as number;
    this.capacity = option('capacity');
    const days = option('days');
    this.days = new RecentBuckets(days);
    this.hours = new RecentBuckets(days * 24);
    this.errors = new SpaceSaving(this.capacity);
    this.usersByFailures = new SpaceSaving(this.capacity);
    this.usersByBytes = new SpaceSaving(this.capacity);
    this.hostsByFailures = new SpaceSaving(this.capacity);
    this.hostsByBytes = new SpaceSaving(this.capacity);
    this.parseErrorReasons = new SpaceSaving(this.capacity);
  }

  add(r: FtpLogRecord): void {
    this.records++;
    const a = r.attributes;
    if (r.eventName === PARSE_ERROR_EVENT) {
      this.parseErrors++;
      this.parseErrorReasons.add(str(a['ftplog.error']) ?? NONE, 1, undefined);
      return;
    }
    const outcome = a['ftp.outcome'];
    const failed = outcome === 'failure';
    const bytesAttr = a['ftp.transfer.bytes'];
    const bytes = typeof bytesAttr === 'number' && bytesAttr > 0 ? bytesAttr : 0;
    this.countOperation(str(a['ftp.operation']) ?? NONE, failed ? 'failure' : outcome === 'success' ? 'success' : 'unknown');
    const user = str(a['user.name']) ?? NONE;
    const host = str(a['server.address']) ?? str(a['client.address']) ?? NONE;
    if (failed) {
      this.failures++;
      const meaning = meaningOf(a);
      this.errors.add(`${meaning.errorType}\u0000${meaning.kind ?? ''}\u0000${meaning.code ?? ''}`, 1, meaning);
      this.usersByFailures.add(user, 1, undefined);
      this.hostsByFailures.add(host, 1, undefined);
    }
    if (bytes > 0) {
      this.bytes += bytes;
      this.usersByBytes.add(user, bytes, undefined);
      this.hostsByBytes.add(host, bytes, undefined);
    }
    this.countTime(r.timestamp, failed ? 1 : 0, bytes);
  }

  private countOperation(operation: string, outcome: keyof OutcomeCounts): void {
    let c = this.operations.get(operation);
    if (c === undefined) {
      const key = this.operations.size < MAX_OPERATIONS - 1 ? operation : OTHER_OPERATION;
      c = this.operations.get(key);
      if (c === undefined) {
        c = { success: 0, failure: 0, unknown: 0 };
        this.operations.set(key, c);
      }
    }
    c[outcome]++;
  }

  private countTime(t: number | undefined, failures: number, bytes: number): void {
    if (t === undefined || !Number.isFinite(t)) {
      this.untimed++;
      return;
    }
    if (this.first === undefined || t < this.first) this.first = t;
    if (this.last === undefined || t > this.last) this.last = t;
    this.days.add(Math.floor(t / DAY_MS), 1, failures, bytes);
    this.hours.add(Math.floor(t / HOUR_MS), 1, failures, bytes);
  }
}
