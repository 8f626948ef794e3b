/**
 * ftplog-otel's records as Loki stores them: the bundled examples and
 * generated logs with every quirk of bench/generate.ts at high rates, read
 * through the public API (readLogs) and mapped by test/helpers/loki.ts.
 * Built once per test run and shared by the tests under test/loki/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogFile, type WriteLogOptions } from '../../bench/generate.js';
import { readLogs, resourceAttributes, type FtpLogRecord, type ReadLogsOptions } from '../../src/index.js';
import { recordFormat } from '../../src/otel/resource.js';
import { toLokiEntry, type LokiEntry, type LokiMappingOptions, type OtlpScope } from '../helpers/loki.js';
import type { KnownNames } from '../helpers/logql.js';
import { projectRoot } from '../helpers/paths.js';

/** The scope otlpSink sends (src/sinks/otlp/sink.ts, its default). */
export const SCOPE: OtlpScope = { name: 'ftplog-otel' };
/** Observed time of every record: 2024-11-21, within Loki's default week of the examples. */
export const NOW = Date.parse('2024-11-21T13:04:05Z');
export const TIMEZONE = 'America/Chicago';

export interface LokiRecord {
  readonly file: string;
  readonly record: FtpLogRecord;
  readonly entry: LokiEntry;
}

export const EXAMPLE_FILES = ['cl241118.log', 'xfer.20241118'].map((f) => join(projectRoot, 'examples', 'logs', f));

/**
 * Generated inputs: both DST changes, 9 and 10 columns, the three EFT
 * headers' kinds, CRLF, `;` in names, contradicting ACTION_RESULT, NcFTPd
 * milliseconds, the old layout, unpadded tags, and malformed lines.
 */
export const GENERATED: ReadonlyArray<{ file: string } & WriteLogOptions> = [
  { file: 'cl240309.log', format: 'eft', lines: 1500, seed: 'loki-eft-10', eft: { columns: 10, header: true, malformedRate: 0.02, failureRate: 0.2, mismatchRate: 0.02, semicolonNameRate: 0.03, zone: TIMEZONE, start: '2024-03-09 12:00:00', meanGapSeconds: 60 } },
  { file: 'cl241102.log', format: 'eft', lines: 600, seed: 'loki-eft-9', crlf: true, eft: { columns: 9, header: true, malformedRate: 0.02, failureRate: 0.2, semicolonNameRate: 0.03, zone: TIMEZONE, start: '2024-11-02 22:00:00', meanGapSeconds: 60 } },
  { file: 'cl241026.log', format: 'eft', lines: 400, seed: 'loki-eft-berlin', eft: { columns: 10, header: true, trailingSemicolonAfterResult: false, malformedRate: 0.02, failureRate: 0.2, zone: 'Europe/Berlin', start: '2024-10-26 22:00:00', meanGapSeconds: 60 } },
  { file: 'xfer.20241102', format: 'ncftpd', lines: 1500, seed: 'loki-ncftpd', ncftpd: { malformedRate: 0.02, zone: TIMEZONE, start: '2024-11-02 12:00:00', meanGapSeconds: 60, millisecondsRate: 0.2, oldFormatRate: 0.02 } },
  { file: 'xfer.20240330', format: 'ncftpd', lines: 500, seed: 'loki-ncftpd-berlin', ncftpd: { malformedRate: 0.02, zone: 'Europe/Berlin', start: '2024-03-30 20:00:00', meanGapSeconds: 60, padTags: false } },
];

/**
 * Reads files through readLogs and maps each record with the resource
 * `ship` gives it (src/cli/ship.ts: by the record's format, default settings).
 */
export async function lokiRecords(files: readonly string[], options: ReadLogsOptions = {}, mapping: LokiMappingOptions = {}): Promise<LokiRecord[]> {
  const out: LokiRecord[] = [];
  for (const file of files) {
    for await (const r of readLogs([file], { timezone: TIMEZONE, now: () => NOW, ...options })) {
      const record = r as FtpLogRecord;
      const format = recordFormat(record.attributes);
      const resource = resourceAttributes({ env: {}, ...(format !== undefined ? { format } : {}) });
      out.push({ file, record, entry: toLokiEntry(record, resource, SCOPE, mapping) });
    }
  }
  return out;
}

let shared: Promise<{ examples: LokiRecord[]; generated: LokiRecord[] }> | undefined;

/** The examples' and the generated logs' records, made once. */
export function allRecords(): Promise<{ examples: LokiRecord[]; generated: LokiRecord[] }> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-loki-'));
    try {
      const files: string[] = [];
      for (const { file, ...options } of GENERATED) {
        files.push(join(dir, file));
        await writeLogFile(join(dir, file), options);
      }
      return { examples: await lokiRecords(EXAMPLE_FILES), generated: await lokiRecords(files) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return shared;
}

/** Every structured-metadata name the records carry in Loki, sorted. */
export function metadataNames(records: readonly LokiRecord[]): string[] {
  return [...new Set(records.flatMap((r) => r.entry.structuredMetadata.map((m) => m.name)))].sort();
}

/** The labels and structured-metadata names Loki keeps of the examples' and generated records. */
export async function knownNames(): Promise<KnownNames> {
  const { examples, generated } = await allRecords();
  const all = [...examples, ...generated];
  return { labels: new Set(all.flatMap((r) => Object.keys(r.entry.labels))), metadata: new Set(metadataNames(all)) };
}
