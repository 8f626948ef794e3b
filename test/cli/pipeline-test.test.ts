import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { casesFileOf } from '../../src/cli/pipeline-test.js';

const LINE = '2024-11-18 08:00:01; ftp; files.example.com; 21; payroll; C:\\out\\a.csv; /in/a.csv; upload; 550; 1;';

describe('ftplog-otel test', () => {
  let dir: string;
  let pipeline: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-golden-'));
    pipeline = join(dir, 'p.yaml');
    writeFileSync(pipeline, `sources:\n  - paths: [x.log]\n    format: eft\n    timezone: Europe/Berlin\ntransforms:\n  - set: { team: ftp }\nsink: { console: }\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cases = (text: string): void => writeFileSync(join(dir, 'p.test.yaml'), text);

  it('prints each case as passed, and exits 0', async () => {
    cases(`tests:\n  - name: a refused upload\n    input: |\n      ${LINE}\n    expect:\n      - event_name: ftp.upload\n        severity: ERROR\n        time: 2024-11-18T07:00:01Z\n        attributes: { ftp.status.code: 550, team: ftp, ftp.transfer.bytes: ~ }\n`);
    const r = await cli(['test', pipeline]);
    assert.deepEqual(r, { code: 0, stdout: `passed  a refused upload\n${join(dir, 'p.test.yaml')}: 1 passed, 0 failed\n`, stderr: '' });
  });

  it('shows every difference of a failed case, exact values and types, and exits 1', async () => {
    cases(
      `tests:\n  - name: wrong on purpose\n    timezone: UTC\n    input: |\n      ${LINE}\n    expect:\n      - event_name: ftp.download\n        severity: INFO\n        time: 2024-11-18T07:00:01Z\n` +
        `        attributes: { ftp.status.code: "550", user.name: payroll, missing.attr: x }\n      - dropped: true\n  - name: right\n    input: |\n      ${LINE}\n    expect:\n      - severity: ERROR\n`,
    );
    const r = await cli(['test', pipeline]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'FAILED  wrong on purpose\n' +
        '        expected 2 records, the input made 1 (ftp.upload)\n' +
        '        record 1: event_name: expected "ftp.download", got "ftp.upload"\n' +
        '        record 1: severity: expected INFO, got ERROR\n' +
        '        record 1: time: expected 2024-11-18T07:00:01.000Z, got 2024-11-18T08:00:01.000Z\n' +
        '        record 1: attributes.ftp.status.code: expected "550" (string), got 550 (integer)\n' +
        '        record 1: attributes.missing.attr: expected "x" (string), got nothing (not set)\n' +
        'passed  right\n' +
        `${join(dir, 'p.test.yaml')}: 1 passed, 1 failed\n`,
    );
    assert.equal(r.stderr, 'ftplog-otel test: 1 of 2 cases failed\n');
  });

  it('a bad test file is a usage error with each problem at its position', async () => {
    cases(`tests:\n  - name: x\n    source: 3\n    input: |\n      ${LINE}\n    expect:\n      - dropped: false\n      - colour: red\n`);
    const file = join(dir, 'p.test.yaml');
    const r = await cli(['test', pipeline]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `ftplog-otel test: ${file}:3:13: source must be the index of one of the pipeline's 1 sources, from 0 (got 3)\n` +
        `ftplog-otel test: ${file}:7:18: dropped must be true (leave it out for a record that is kept)\n` +
        `ftplog-otel test: ${file}:8:9: unknown key "colour" in tests[0].expect[1] (keys: event_name, severity, time, attributes, dropped)\n` +
        `ftplog-otel test: ${file}:8:9: an expectation checks something: event_name, severity, time, attributes, or dropped: true\n` +
        `ftplog-otel test: ${file}: the cases have errors; none was run\n`,
    );
  });

  it('finds the cases beside the pipeline', () => {
    assert.equal(casesFileOf('pipelines/eft-otlp.yaml'), 'pipelines/eft-otlp.test.yaml');
    assert.equal(casesFileOf('a/b.json'), 'a/b.test.json');
    assert.equal(casesFileOf('a/b'), 'a/b.test.yaml');
  });
});
