/**
 * The PIPELINE argument of run, validate and test, and its file loaded with
 * its problems printed: kept apart from `run` so the commands that only
 * check a file do not load what runs one.
 */
import type { CliIO } from './command.js';
import { loadPipelineFile, type Pipeline } from '../config/pipeline.js';
import { formatProblem, type Problem } from '../config/problems.js';
import { FtplogError } from '../errors.js';

/** One PIPELINE argument, or ERR_INVALID_ARGUMENT. */
export function pipelineArgument(positionals: readonly string[], command: string): string {
  if (positionals.length !== 1) throw new FtplogError('ERR_INVALID_ARGUMENT', `${command} takes one PIPELINE file (got ${positionals.length})`);
  return positionals[0]!;
}

/**
 * The pipeline of the file, its warnings printed (unless `warnings` is
 * false: the golden cases read no input); ERR_CONFIG (each error printed
 * first) when it has errors.
 */
export function loadOrReport(file: string, io: CliIO, prefix: string, warnings = true): Pipeline {
  const { pipeline, problems } = loadPipelineFile(file, io.env);
  for (const p of problems) if (warnings || p.severity === 'error') io.stderr.write(`${prefix}: ${formatProblem(file, p)}\n`);
  if (pipeline === undefined) {
    const errors = problems.filter((p: Problem) => p.severity === 'error').length;
    throw new FtplogError('ERR_CONFIG', `${file}: ${errors} error${errors === 1 ? '' : 's'}; nothing was run`);
  }
  return pipeline;
}
