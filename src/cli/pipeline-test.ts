/**
 * `ftplog-otel test PIPELINE`: runs the golden cases in NAME.test.yaml
 * beside NAME.yaml (see src/config/golden.ts) and prints each case as
 * passed or failed, with every difference of a failed one.
 */
import { existsSync } from 'node:fs';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { argsOrHelp, commandHelp } from './args.js';
import { loadOrReport, pipelineArgument } from './pipeline-file.js';
import { readPipelineText } from '../config/pipeline.js';
import { caseDifferences, caseRecords, loadCases } from '../config/golden.js';
import { formatProblem } from '../config/problems.js';
import { FtplogError } from '../errors.js';

const PREFIX = 'ftplog-otel test';

const HELP = commandHelp(
  `Usage: ftplog-otel test PIPELINE

Runs the golden cases of a pipeline: NAME.test.yaml beside NAME.yaml (or
PIPELINE.test.yaml for another name). Each case gives input lines, read
with one of the pipeline's sources' settings (or its own format and
timezone), and what each record must be after the pipeline's transforms:
event_name, severity, time, attributes (those listed, with exact values
and types), or dropped: true. Nothing is sent: the sink is not used.

  PIPELINE                the pipeline file; its cases are found beside it`,
  [],
  'Exit status: 0 every case passed; 1 a case failed; 2 the pipeline or its test file has errors.',
);

/** The test file of a pipeline file: `x.yaml` → `x.test.yaml` (`.yml`, `.json` alike). */
export function casesFileOf(pipelineFile: string): string {
  const m = /^(.*)\.(ya?ml|json)$/i.exec(pipelineFile);
  return m === null ? `${pipelineFile}.test.yaml` : `${m[1]}.test.${m[2]}`;
}

export const testCommand: Command = {
  name: 'test',
  help: HELP,
  options: [],
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = argsOrHelp(args, [], HELP, io.stdout);
    if (parsed === undefined) return EXIT.OK;
    const file = pipelineArgument(parsed.positionals, 'test');
    const pipeline = loadOrReport(file, io, PREFIX, false);
    const casesFile = casesFileOf(file);
    if (!existsSync(casesFile)) throw new FtplogError('ERR_CONFIG', `${file}: no golden cases: write them in ${casesFile}`);
    const { cases, problems } = loadCases(readPipelineText(casesFile), pipeline);
    for (const p of problems) io.stderr.write(`${PREFIX}: ${formatProblem(casesFile, p)}\n`);
    if (problems.some((p) => p.severity === 'error')) throw new FtplogError('ERR_CONFIG', `${casesFile}: the cases have errors; none was run`);
    if (cases.length === 0) throw new FtplogError('ERR_CONFIG', `${casesFile}: tests is empty`);
    let failed = 0;
    for (const c of cases) {
      const diffs = caseDifferences(c, caseRecords(c, pipeline, io.env));
      io.stdout.write(`${diffs.length === 0 ? 'passed' : 'FAILED'}  ${c.name}\n`);
      for (const d of diffs) io.stdout.write(`        ${d}\n`);
      if (diffs.length > 0) failed++;
    }
    io.stdout.write(`${casesFile}: ${cases.length - failed} passed, ${failed} failed\n`);
    if (failed > 0) io.stderr.write(`${PREFIX}: ${failed} of ${cases.length} case${cases.length === 1 ? '' : 's'} failed\n`);
    return failed > 0 ? EXIT.FAILURE : EXIT.OK;
  },
};
