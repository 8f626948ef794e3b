/**
 * Run by dead-letter.test.ts in a child process whose file size limit
 * (ulimit -f) makes some appends fail part way with EFBIG. Starts every call
 * of the plan at once (they queue in call order), then prints one result per
 * call as JSON.
 *
 * argv: <dead-letter path> <plan as JSON: [{ kind: 'records' | 'encoded', count, bodyBytes }]>
 */
import { DeadLetterFile } from '../../../src/sinks/otlp/dead-letter.js';
import { EncodedRecordsBuilder } from '../../../src/otlp/encoded.js';
import { deadLetterRecord, type PlannedCall } from './dead-letter-plan.js';

const [path, planText] = process.argv.slice(2) as [string, string];
const plan = JSON.parse(planText) as PlannedCall[];
const file = new DeadLetterFile(path);
const calls = plan.map((call, k) => {
  const records = Array.from({ length: call.count }, (_, i) => deadLetterRecord(k, i, call.bodyBytes));
  if (call.kind === 'records') return file.write(records, 'HTTP 400: refused', 'http://collector:4318/v1/logs', 400);
  const b = new EncodedRecordsBuilder('http/protobuf', 'eft', 'cl241118.log');
  for (const r of records) b.add(r);
  return file.writeEncoded([{ run: b.finish(), from: 0, to: records.length }], 'stopped', 'http://collector:4318/v1/logs');
});
const results = await Promise.allSettled(calls);
await file.close();
process.stdout.write(
  JSON.stringify(results.map((r) => (r.status === 'fulfilled' ? { ok: true } : { ok: false, code: (r.reason as { code?: string }).code, message: String((r.reason as Error).message) }))),
);
