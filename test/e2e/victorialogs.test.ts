import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JsonRecord } from '../../src/jsonl/record-json.js';
import { projectRoot } from '../helpers/paths.js';
import { Collector, collectorBinary, freePort, QUIET_TELEMETRY, runFtplog } from './collector.js';
import { OTLP_LOGS_PATH, VictoriaLogs, victoriaLogsBinary, type LogsqlRow } from './victorialogs.js';

/**
 * ftplog-otel → Collector → VictoriaLogs, and back out with LogsQL: the
 * failed transfers a user asks for are exactly those `parse` reports.
 *
 * How VictoriaLogs 1.52 stores an OTLP log record (app/vlinsert/opentelemetry):
 * every attribute becomes a field of the same name, dots kept (ftp.outcome,
 * file.path), its value as text (ints and doubles in decimal, booleans as
 * true/false, arrays as JSON); the body is _msg, the timestamp _time; the
 * resource attributes (service.name, host.name) and the event name
 * (event_name) make up the stream (_stream), plus severity_text,
 * severity_number, scope.name and scope.version.
 */

const TIMEZONE = 'America/Chicago';
const EXAMPLES = join(projectRoot, 'examples', 'logs');

/** Failed transfers of both servers, oldest first. */
const FAILED_TRANSFERS = '{service.name=~"eft-server|ncftpd"} ftp.outcome:=failure | sort by (_time)';

/** The service.name each log format ships under by default. */
const SERVICE: Record<string, string> = { 'eft.client': 'eft-server', 'ncftpd.xfer': 'ncftpd' };

/** An attribute value as VictoriaLogs keeps it: text. */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

/** What a stored row must hold for a record `parse` prints. */
function expectedFields(e: JsonRecord): LogsqlRow {
  const fields: LogsqlRow = {
    _msg: e.body,
    event_name: e.eventName,
    severity_text: e.severityText,
    severity_number: String(e.severityNumber),
    'service.name': SERVICE[e.attributes['ftp.log.format'] as string]!,
    'scope.name': 'ftplog-otel',
  };
  for (const [k, v] of Object.entries(e.attributes)) fields[k] = asText(v);
  return fields;
}

function pick(row: LogsqlRow, keys: string[]): LogsqlRow {
  return Object.fromEntries(keys.map((k) => [k, row[k]!]));
}

/** What identifies a transfer: when, and which file. */
const identity = (time: string, path: string): string => `${new Date(time).toISOString()} ${path}`;

describe('e2e: VictoriaLogs, a real log store behind the Collector', function () {
  let collectorBin: string;
  let victoriaLogsBin: string;
  let collector: Collector | undefined;
  let vl: VictoriaLogs | undefined;

  before(async function () {
    collectorBin = await collectorBinary(this);
    victoriaLogsBin = await victoriaLogsBinary(this);
  });

  afterEach(async () => {
    await collector?.dispose();
    collector = undefined;
    await vl?.dispose();
    vl = undefined;
  });

  it(`LogsQL ${FAILED_TRANSFERS} returns exactly the failed transfers of the examples, every attribute as parse prints it`, async function () {
    this.timeout(60_000);
    vl = await VictoriaLogs.start(victoriaLogsBin);
    const port = await freePort();
    collector = await Collector.start(collectorBin, {
      config: {
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
        exporters: { 'otlp_http/victorialogs': { logs_endpoint: `${vl.url}${OTLP_LOGS_PATH}` } },
        service: { telemetry: QUIET_TELEMETRY, pipelines: { logs: { receivers: ['otlp'], exporters: ['otlp_http/victorialogs'] } } },
      },
      readyPort: port,
    });
    const ship = await runFtplog(['ship', '--endpoint', `http://127.0.0.1:${port}`, '--timezone', TIMEZONE, '--dead-letter', join(collector.dir, 'dead-letter.jsonl'), EXAMPLES]);
    assert.equal(ship.code, 0, ship.stderr);
    assert.match(ship.stderr, /accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0;/);
    // A graceful stop drains the exporter's queue: VictoriaLogs has answered every request when it exits.
    assert.equal(await collector.stop(), 0, collector.output);
    await vl.flush();

    assert.deepEqual(await vl.query('* | stats count() records'), [{ records: '80' }], vl.output);

    const parse = await runFtplog(['parse', '--timezone', TIMEZONE, EXAMPLES]);
    assert.equal(parse.code, 0, parse.stderr);
    const failed = parse.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonRecord)
      .filter((r) => r.attributes['ftp.outcome'] === 'failure');
    assert.equal(failed.length, 11);

    const rows = await vl.query(FAILED_TRANSFERS);
    assert.equal(rows.length, failed.length);
    const times = rows.map((r) => Date.parse(r['_time']!));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.deepEqual(
      rows.map((r) => identity(r['_time']!, r['file.path']!)).sort(),
      failed.map((e) => identity(e.timestamp!, e.attributes['file.path'] as string)).sort(),
    );

    for (const e of failed) {
      const matching = rows.filter((r) => r['_msg'] === e.body);
      assert.equal(matching.length, 1, e.body);
      const row = matching[0]!;
      const want = expectedFields(e);
      assert.deepEqual(pick(row, Object.keys(want)), want);
      assert.equal(new Date(row['_time']!).toISOString(), e.timestamp);
      // The resource and the event name are the stream.
      assert.ok(row['_stream']!.includes(`service.name="${want['service.name']}"`), row['_stream']);
      assert.ok(row['_stream']!.includes(`event_name="${e.eventName}"`), row['_stream']);
    }
  });
});
