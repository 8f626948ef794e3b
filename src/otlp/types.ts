/** What the OTLP encoders take. Pure types. */
import type { Attributes, FtpLogRecord } from '../model.js';

/**
 * One export request: every record goes into a single ResourceLogs holding a
 * single ScopeLogs.
 */
export interface LogsBatch {
  /** Resource attributes (`service.name`, `host.name`, ...). */
  resource: Attributes;
  /** Instrumentation scope of the records. */
  scope: { name: string; version?: string };
  records: readonly FtpLogRecord[];
}
