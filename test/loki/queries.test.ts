import assert from 'node:assert/strict';
import { documentedQueries, markdownQueries, yamlCommentQueries } from '../helpers/doc-queries.js';
import { logqlErrors, logqlNames, unknownNames, type KnownNames } from '../helpers/logql.js';
import { projectRoot } from '../helpers/paths.js';
import { knownNames } from './records.js';

describe('LogQL names (test/helpers/logql.ts)', () => {
  it("reads queries with Grafana's grammar and reports what it cannot read", () => {
    assert.deepEqual(logqlErrors('sum by (error_type) (count_over_time({service_name="ncftpd"} | ftp_outcome="failure" [1h]))'), []);
    assert.equal(logqlErrors('{service_name="ncftpd"} | ftp_outcome=').length, 1);
    assert.equal(logqlErrors('{service_name="ncftpd"} | event.name="x"').length > 0, true);
    assert.equal(logqlErrors('count_over_time({service_name="ncftpd"} [$__auto])').length > 0, true);
    assert.throws(() => logqlNames('{service_name='), /not LogQL/);
  });

  it('finds every name by its role in the syntax tree', () => {
    const q =
      'topk(5, sum without (scope_name) (sum_over_time({service_name=~"eft-server|ncftpd", service_instance_id!=""} |= "ftp" ' +
      '| ftp_outcome="failure" or error_type=~"PERM|ABOR" | ftp_transfer_duration > 1s and ftp_transfer_bytes > 1MB | client_address = ip("10.0.0.0/8") ' +
      '| label_format who=user_name | drop session_id | keep who, ftp_transfer_bytes | unwrap ftp_transfer_bytes | __error__="" [1h]))) ' +
      '/ on (who) group_left (error_type) sum by (who) (count_over_time({service_name="ncftpd"} [1h]))';
    const names = logqlNames(q);
    assert.deepEqual(names.selector, ['service_name', 'service_instance_id', 'service_name']);
    assert.deepEqual(names.fields, [
      'scope_name', 'ftp_outcome', 'error_type', 'ftp_transfer_duration', 'ftp_transfer_bytes', 'client_address', 'user_name',
      'session_id', 'who', 'ftp_transfer_bytes', 'ftp_transfer_bytes', '__error__', 'who', 'error_type', 'who',
    ]);
    assert.deepEqual(names.introduced, ['who']);
    assert.deepEqual(names.parsers, []);
    const replaced = logqlNames('label_replace(count_over_time({service_name="ncftpd"} [1h]), "who", "$1", "user_name", "(.*)")');
    assert.deepEqual([replaced.introduced, replaced.fields], [['who'], ['user_name']]);
    assert.deepEqual(logqlNames('{service_name="ncftpd"} | json | logfmt | pattern "<_> <x>" | regexp "(?P<y>.)"').parsers, ['json', 'logfmt', 'pattern "<_> <x>"', 'regexp "(?P<y>.)"']);
  });

  it('names a selector on metadata, a name Loki does not keep, and a parser stage', () => {
    const known = { labels: new Set(['service_name']), metadata: new Set(['ftp_outcome', 'host_name']) };
    assert.deepEqual(unknownNames('sum by (ftp_outcome) (count_over_time({service_name="ncftpd"} | ftp_outcome="failure" [1h]))', known), []);
    assert.deepEqual(unknownNames('{host_name="ftp01"} | event_name="ftp.upload" | logfmt', known), [
      'stream selector on host_name, which is not an index label',
      'event_name is neither a label nor structured metadata',
      'parser stage "logfmt": ftplog-otel\'s fields are structured metadata, the line is the raw log line',
    ]);
  });

  it('finds the queries of logql blocks and of the Collector configuration comments', () => {
    const md = ['```sh', 'echo {a="b"}', '```', '', '```logql', '{a="b"}', '', 'sum(count_over_time({a="b"} [1h]))', '```', '```logql', '{c="d"}', '```'].join('\n');
    assert.deepEqual(markdownQueries(md, 'x.md'), [
      { where: 'x.md:6', query: '{a="b"}' },
      { where: 'x.md:8', query: 'sum(count_over_time({a="b"} [1h]))' },
      { where: 'x.md:11', query: '{c="d"}' },
    ]);
    const yaml = ['#     {z="z"}', '# Example LogQL:', '#   Failed transfers', '#   of all servers:', '#     {a="b"} | x="y"', '#', '#   Other:', '#     {c="d"}', 'receivers:', '#     {e="f"}'].join('\n');
    assert.deepEqual(yamlCommentQueries(yaml, 'c.yaml'), [
      { where: 'c.yaml:5', query: '{a="b"} | x="y"' },
      { where: 'c.yaml:8', query: '{c="d"}' },
    ]);
  });
});

describe('the LogQL queries in the documentation', function () {
  this.timeout(60_000);
  const queries = documentedQueries(projectRoot);
  let known: KnownNames;

  before(async () => {
    known = await knownNames();
  });

  it('are found: README, docs/loki.md and otel-collector.yaml', () => {
    const count = (prefix: string): number => queries.filter((q) => q.where.startsWith(prefix + ':')).length;
    assert.equal(count('README.md'), 2);
    assert.equal(count('docs/loki.md'), 7);
    assert.equal(count('otel-collector.yaml'), 6);
    assert.equal(queries.length, 15);
  });

  it("parse with Grafana's LogQL grammar", () => {
    assert.deepEqual(queries.filter((q) => logqlErrors(q.query).length > 0).map((q) => `${q.where}: ${q.query}`), []);
  });

  it('use only the labels and structured metadata Loki keeps of the records', () => {
    const wrong = queries.flatMap((q) => unknownNames(q.query, known).map((w) => `${q.where}: ${w}`));
    assert.deepEqual(wrong, []);
    assert.ok(queries.every((q) => logqlNames(q.query).selector.length > 0));
  });
});
