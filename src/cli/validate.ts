/**
 * `ftplog-otel validate PIPELINE`: checks a pipeline file without running
 * it and prints every problem as FILE:LINE:COL: message (stdout: they are
 * what was asked for), then whether the collector answers now (a warning
 * when it does not).
 */
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { argsOrHelp, commandHelp } from './args.js';
import { loadPipelineFile, type Pipeline } from '../config/pipeline.js';
import { formatProblem, sortProblems, type Problem } from '../config/problems.js';
import { describeOtlpConfig } from '../sinks/otlp/config.js';
import { otlpConfigFrom, type ShipValues } from './ship.js';
import { endpointAddress, tryConnect } from '../config/network.js';
import { pipelineArgument } from './pipeline-file.js';

const PREFIX = 'ftplog-otel validate';
/** Long enough for a collector on the same network, short enough for a check run by hand. */
const CONNECT_TIMEOUT_MS = 2000;

const HELP = commandHelp(
  `Usage: ftplog-otel validate PIPELINE

Checks a pipeline file without running it, and prints each problem as
FILE:LINE:COL: message: YAML syntax, unknown keys (with the nearest known
one), wrong types, values out of range, globs that can match nothing,
unknown time zones, endpoints that break the scheme and path rules, unset
variables that transforms take keys from, and the OTEL_* variables that
apply. A collector that does not answer a TCP connection now, or sources
read once whose paths stand for no file now, are warnings. Ends with ok
and what the file describes.

  PIPELINE                the pipeline file (YAML or JSON)`,
  [],
  'Exit status: 0 no errors (warnings may be printed); 2 the file has errors.',
);

function describe(p: Pipeline, env: NodeJS.ProcessEnv): string {
  const n = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;
  let sink: string;
  if (p.sink.kind === 'otlp') sink = `otlp to ${describeOtlpConfig(otlpConfigFrom(p.sink.values, env))}`;
  else if (p.sink.kind === 'jsonl') sink = `jsonl to ${p.sink.path ?? 'stdout'}`;
  else sink = 'console';
  return `${n(p.sources.length, 'source')}${p.follow ? ' (followed)' : ''}, ${n(p.transforms.length, 'transform')}, sink ${sink}`;
}

/** A warning when the OTLP collector does not answer a TCP connection now. */
async function reachability(p: Pipeline, env: NodeJS.ProcessEnv, position: (path: string) => { line: number; col: number }): Promise<Problem | undefined> {
  if (p.sink.kind !== 'otlp') return undefined;
  const config = otlpConfigFrom(p.sink.values as ShipValues, env);
  const { host, port } = endpointAddress(config);
  const why = await tryConnect(host, port, CONNECT_TIMEOUT_MS);
  if (why === undefined) return undefined;
  const path = p.sink.values['endpoint'] !== undefined ? 'sink.otlp.endpoint' : 'sink.otlp';
  return {
    path,
    ...position(path),
    severity: 'warning',
    message: `the collector at ${host}:${port} does not answer now (${why}); a run waits and retries until it does`,
  };
}

export const validateCommand: Command = {
  name: 'validate',
  help: HELP,
  options: [],
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = argsOrHelp(args, [], HELP, io.stdout);
    if (parsed === undefined) return EXIT.OK;
    const file = pipelineArgument(parsed.positionals, 'validate');
    const loaded = loadPipelineFile(file, io.env);
    const problems = [...loaded.problems];
    if (loaded.pipeline !== undefined) {
      const unreachable = await reachability(loaded.pipeline, io.env, loaded.position);
      if (unreachable !== undefined) problems.push(unreachable);
    }
    for (const p of sortProblems(problems)) io.stdout.write(`${formatProblem(file, p)}\n`);
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (loaded.pipeline === undefined) {
      io.stderr.write(`${PREFIX}: ${file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
      return EXIT.USAGE;
    }
    io.stdout.write(`${file}: ok: ${describe(loaded.pipeline, io.env)}${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`);
    return EXIT.OK;
  },
};
