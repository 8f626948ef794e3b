/** FtpLogRecord to the @opentelemetry/api-logs LogRecord an SDK Logger takes. Pure. */
import type { LogRecord, SeverityNumber as ApiSeverityNumber } from '@opentelemetry/api-logs';
import type { FtpLogRecord } from '../model.js';

export function toOtelLogRecord(r: FtpLogRecord): LogRecord {
  const out: LogRecord = {
    observedTimestamp: r.observedTimestamp,
    severityNumber: r.severityNumber as ApiSeverityNumber,
    severityText: r.severityText,
    eventName: r.eventName,
    body: r.body,
    attributes: r.attributes,
  };
  if (r.timestamp !== undefined) out.timestamp = r.timestamp;
  return out;
}
