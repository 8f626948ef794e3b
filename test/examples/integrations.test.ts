/**
 * The other shippers' example configurations (examples/integrations/): what
 * can be checked without Vector, Fluent Bit or Alloy. Each file parses, the
 * `exec` examples name only the EFT client logs (an EFT log folder also holds
 * W3C logs), the ftplog-otel command each runs works as written on a folder
 * laid out like EFT's, and the README names the components the files use.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';

const dir = join(projectRoot, 'examples', 'integrations');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

/** A folder laid out as EFT's Logs folder: a client log beside W3C logs. */
function eftLogFolder(): string {
  const logs = mkdtempSync(join(tmpdir(), 'ftplog-eft-logs-'));
  copyFileSync(join(projectRoot, 'examples', 'logs', 'cl241118.log'), join(logs, 'cl241118.log'));
  const w3c = '#Software: Globalscape EFT\n#Fields: date time c-ip cs-username cs-method cs-uri-stem sc-status\n2024-11-18 07:01:52 198.51.100.2 alice [1]created /in/a.txt 226\n';
  for (const name of ['ex241118.log', 'in241118.log', 'nc241118.log']) writeFileSync(join(logs, name), w3c);
  return logs;
}

/** Runs a command line of a configuration with its EFT folder replaced by `logs`; the records printed. */
async function runWith(args: string[], folder: string, logs: string): Promise<{ code: number; records: number; stderr: string }> {
  assert.equal(args[0], 'ftplog-otel');
  const replaced = args.slice(1).map((a) => a.replace(folder, logs));
  const r = await cli(replaced);
  return { code: r.code, records: r.stdout.split('\n').filter((l) => l !== '').length, stderr: r.stderr };
}

describe('examples/integrations', () => {
  let logs: string;
  before(() => {
    logs = eftLogFolder();
  });
  after(() => rmSync(logs, { recursive: true, force: true }));

  it('vector.yaml runs parse on the client logs of the EFT folder only', async () => {
    const cfg = parseYaml(read('vector.yaml')) as { sources: { eft_client_logs: { command: string[] } } };
    const command = cfg.sources.eft_client_logs.command;
    assert.equal(command.at(-1), 'C:/ProgramData/Globalscape/EFT Server/Logs/cl*.log');
    const r = await runWith(command, 'C:/ProgramData/Globalscape/EFT Server/Logs', logs);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.records, 40);
    assert.equal(r.stderr, '');
  });

  it('fluent-bit.yaml runs parse once on the client logs only, and passes its exit status on', async () => {
    const cfg = parseYaml(read('fluent-bit.yaml')) as { pipeline: { inputs: Array<Record<string, unknown>> } };
    const input = cfg.pipeline.inputs[0]!;
    assert.equal(input['oneshot'], true);
    assert.equal(input['propagate_exit_code'], true);
    assert.equal(input['exit_after_oneshot'], true, 'propagate_exit_code takes effect only with exit_after_oneshot');
    const command = String(input['command']);
    assert.equal(command, "ftplog-otel parse --quiet --timezone Europe/Berlin '/var/log/eft/cl*.log'");
    // The shell removes the quotes and leaves the glob to ftplog-otel.
    const args = command.split(' ').map((a) => a.replace(/^'(.*)'$/, '$1'));
    const r = await runWith(args, '/var/log/eft', logs);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.records, 40);
  });

  it('the README names the Alloy components alloy.river uses, and no other', () => {
    const used = [...read('alloy.river').matchAll(/^(otelcol\.[a-z.]+) "/gm)].map((m) => m[1]);
    assert.deepEqual(used, ['otelcol.receiver.otlp', 'otelcol.processor.batch', 'otelcol.exporter.otlphttp']);
    const row = read('README.md').split('\n').find((l) => l.startsWith('| `alloy.river`'))!;
    const named = [...row.matchAll(/`(otelcol\.[a-z.]+)`/g)].map((m) => m[1]);
    assert.deepEqual(named, used);
  });
});
