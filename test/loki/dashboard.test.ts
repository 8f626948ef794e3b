import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logqlErrors, logqlNames, unknownNames, type KnownNames } from '../helpers/logql.js';
import { projectRoot } from '../helpers/paths.js';
import { knownNames } from './records.js';

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: Target[];
}

/** Grafana's built-in interval variables, as Grafana fills them in before a query reaches Loki. */
const GRAFANA_VARIABLES: Readonly<Record<string, string>> = { $__auto: '1m', $__interval: '1m', $__range: '24h' };

/** The query Loki receives: Grafana's variables filled in; any other variable is an error. */
function interpolate(expr: string): string {
  const out = expr.replace(/\$__[a-z]+/g, (v) => GRAFANA_VARIABLES[v] ?? v);
  if (out.includes('$')) throw new Error(`unknown Grafana variable in ${expr}`);
  return out;
}

describe('examples/grafana/ftplog-otel-dashboard.json', function () {
  this.timeout(60_000);
  const dashboard = JSON.parse(readFileSync(join(projectRoot, 'examples', 'grafana', 'ftplog-otel-dashboard.json'), 'utf8')) as {
    templating: { list: Array<{ name: string; type: string; query: string }> };
    panels: Panel[];
  };
  const targets = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, ...t })));
  let known: KnownNames;

  before(async () => {
    known = await knownNames();
  });

  it('chooses its Loki data source by a variable, used by every panel and query', () => {
    assert.deepEqual(dashboard.templating.list.map((v) => [v.name, v.type, v.query]), [['datasource', 'datasource', 'loki']]);
    for (const p of dashboard.panels) {
      assert.deepEqual(p.datasource, { type: 'loki', uid: '${datasource}' }, p.title);
      for (const t of p.targets) assert.deepEqual(t.datasource, { type: 'loki', uid: '${datasource}' }, p.title);
    }
  });

  it('has the panels: transfers over time, failures by error_type, bytes by user', () => {
    assert.deepEqual(dashboard.panels.map((p) => `${p.type}: ${p.title}`), [
      'timeseries: Transfers over time',
      'timeseries: Failures by error_type',
      'bargauge: Bytes by user (NcFTPd)',
      'timeseries: Lines that could not be parsed',
      'logs: Failed transfers',
    ]);
    assert.equal(targets.length, 5);
  });

  it('fills in only Grafana variables', () => {
    assert.equal(interpolate('count_over_time({a="b"} [$__auto])'), 'count_over_time({a="b"} [1m])');
    assert.throws(() => interpolate('{a="$server"}'), /unknown Grafana variable/);
  });

  it("every query parses with Grafana's LogQL grammar", () => {
    assert.deepEqual(targets.filter((t) => logqlErrors(interpolate(t.expr)).length > 0).map((t) => `${t.panel}: ${t.expr}`), []);
  });

  it('every query uses only labels and structured metadata Loki keeps of the records', () => {
    assert.deepEqual(targets.flatMap((t) => unknownNames(interpolate(t.expr), known).map((w) => `${t.panel}: ${w}`)), []);
  });

  it('each query reads the fields its panel is about', () => {
    const fields = Object.fromEntries(targets.map((t) => [t.panel, logqlNames(interpolate(t.expr)).fields]));
    assert.deepEqual(fields, {
      'Transfers over time': ['service_name', 'ftp_operation', 'ftp_outcome', 'ftp_operation'],
      'Failures by error_type': ['error_type', 'ftp_outcome'],
      'Bytes by user (NcFTPd)': ['user_name', 'ftp_transfer_bytes', 'ftp_transfer_bytes', '__error__'],
      'Lines that could not be parsed': ['service_name', 'ftplog_error'],
      'Failed transfers': ['ftp_outcome'],
    });
  });
});
