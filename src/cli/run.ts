/**
 * `ftplog-otel run PIPELINE`: runs a pipeline file. With the otlp sink it is
 * `ship` (the same delivery, summary, dead letters, signals and exit codes;
 * following sources make it the agent); with jsonl or console it is `parse`
 * (the same output and summary).
 */
import { createWriteStream } from 'node:fs';
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { argsOrHelp, commandHelp } from './args.js';
import { DELIVERY_OPTIONS, FOLLOW_OPTIONS, INPUT_KIND_OPTIONS, INPUT_OPTIONS, OTLP_OPTIONS, OUTPUT_OPTIONS, SELECT_OPTIONS, TRANSFORM_OPTIONS } from '../options/components.js';
import { FILE_OPTIONS } from '../config/keys.js';
import { setFromFlags } from '../records/transforms.js';
import { convertFlags, type OptionGroup, type OptionValue } from '../options/spec.js';
import type { Pipeline, PipelineSource } from '../config/pipeline.js';
import { loadOrReport, pipelineArgument } from './pipeline-file.js';
import { openSource, sourceConfig, workersOption, type Source, type SourceConfig, type SourceOptions } from '../sources/source.js';
import { sourceGroups } from '../sources/groups.js';
import { describeOtlpConfig, encodingOf } from '../sinks/otlp/config.js';
import { deliveryExitCode, deliverySummary, planDelivery, reportDeliveryEvents, runDelivery, type Delivery, type ShipValues } from './ship.js';
import { runAgent } from './agent.js';
import type { SelectorGroup } from '../sources/follow/select.js';
import type { FileGroupSettings } from '../sources/follow/follow.js';
import { colourWanted, parseSummary, writeParseOutput } from './parse.js';
import { formatCount, formatRate, progressWanted, reportSourceWarnings, startProgress } from './summary.js';
import type { JobOutput } from '../parallel/job.js';
import { FtplogError } from '../errors.js';

const PREFIX = 'ftplog-otel run';
/** Every option a file can set is a flag here too, over the file's value; then --attribute and the output flags. */
const GROUPS: readonly OptionGroup[] = [INPUT_OPTIONS, SELECT_OPTIONS, INPUT_KIND_OPTIONS, TRANSFORM_OPTIONS, OTLP_OPTIONS, DELIVERY_OPTIONS, FOLLOW_OPTIONS, OUTPUT_OPTIONS];

const HELP = commandHelp(
  `Usage: ftplog-otel run [options] PIPELINE

Runs a pipeline file (YAML or JSON): its sources (each with its own paths,
format, time zone, encoding …), its transforms, in order, and its sink.
With the otlp sink it does what 'ftplog-otel ship' does, and exits as ship
does (following sources make it the agent); with the jsonl or console sink
it writes what 'ftplog-otel parse' writes (console: parse --pretty).
The file is checked first, as 'ftplog-otel validate' checks it; relative
paths in it are taken from its folder. See README.md, "Pipeline files".

A flag given wins over the file's key for it (--batch-size over
sink.otlp.batch_size; a source option over that key of every source);
--attribute adds a set transform after the file's.

  PIPELINE                the pipeline file, e.g. pipelines/ncftpd-otlp.yaml`,
  GROUPS,
  `Exit status: 0 done (otlp: every record accepted); 1 some record not accepted, or an
input unreadable; 2 the file has errors (each printed as FILE:LINE:COL: message);
130 interrupted.`,
);

/**
 * The pipeline with the flags given over the file's values: a source option
 * for every source, a sink option for the otlp sink (a usage error with
 * another sink), --attribute as a set transform after the file's.
 */
function withFlags(p: Pipeline, v: Readonly<Record<string, OptionValue>>): Pipeline {
  const sources = p.sources.map((s) => ({ ...s, values: { ...s.values } }));
  const agent = { ...p.agent };
  let sink = p.sink;
  for (const f of FILE_OPTIONS) {
    const value = v[f.option.key];
    if (value === undefined) continue;
    if (f.section === 'source') for (const s of sources) s.values[f.option.key] = value;
    else if (f.section === 'agent') agent[f.option.key] = value;
    else if (sink.kind === 'otlp') sink = { kind: 'otlp', values: { ...sink.values, [f.option.key]: value } };
    else throw new FtplogError('ERR_INVALID_ARGUMENT', `--${f.option.flag} sets the otlp sink; this pipeline's sink is ${sink.kind}`);
  }
  const attributes = v['attributes'] as string[] | undefined;
  const transforms = attributes !== undefined && attributes.length > 0 ? [...p.transforms, setFromFlags(attributes)] : p.transforms;
  return { sources, transforms, sink, agent, follow: v['follow'] === true || p.follow };
}

/** The settings a source's reader takes: its own values, the pipeline's transforms. */
function sourceOptions(p: Pipeline, s: PipelineSource): SourceOptions {
  return { ...(s.values as SourceOptions), transforms: p.transforms };
}

/**
 * Each source's resolved inputs and settings, with one worker count for
 * all (the groups are read in turn and must emit the same output): auto
 * counts the inputs of every source.
 */
function sourceConfigs(p: Pipeline, stdin: CliIO['stdin'], env: NodeJS.ProcessEnv): SourceConfig[] {
  const cfgs = p.sources.map((s) => sourceConfig({ ...sourceOptions(p, s), workers: 0 }, s.paths, stdin, env));
  const workers = workersOption(p.agent['workers'] as string | undefined, cfgs.flatMap((c) => c.inputs));
  return cfgs.map((c) => ({ ...c, workers }));
}

/** The sources as one, each group with its own settings; `output` as openSource() takes it. */
function openPipelineSources(cfgs: readonly SourceConfig[], stdin: CliIO['stdin'], output?: JobOutput): Source {
  const emits = cfgs[0]!.workers > 0 && output !== undefined ? output : 'records';
  const open = cfgs.map((cfg) => () => openSource(cfg, { stdin, ...(output !== undefined ? { output } : {}) }));
  return sourceGroups(open, emits);
}

/**
 * The sources as groups of one followed source (or one checkpointed run):
 * each with its patterns, exclusions and settings; the first one's settings
 * stand for the source's defaults.
 */
function followGroups(p: Pipeline, stdin: CliIO['stdin'], env: NodeJS.ProcessEnv): { cfg: SourceConfig; groups: SelectorGroup[] } {
  const cfgs = p.sources.map((s) => sourceConfig(sourceOptions(p, s), [], stdin, env));
  const groups = p.sources.map((s, i): SelectorGroup => {
    const c = cfgs[i]!;
    const settings: FileGroupSettings = { format: c.format, timezone: c.timezone, encoding: c.encoding, maxLineBytes: c.maxLineBytes, transforms: c.transforms };
    if (s.values['startAt'] !== undefined) settings.startAt = s.values['startAt'] as 'beginning' | 'end';
    if (s.values['ignoreOlderMs'] !== undefined) settings.ignoreOlderMs = s.values['ignoreOlderMs'] as number;
    return { patterns: s.paths, exclude: (s.values['exclude'] as string[] | undefined) ?? [], settings };
  });
  return { cfg: cfgs[0]!, groups };
}

async function runOtlp(p: Pipeline, io: CliIO, quiet: boolean, progress: boolean | undefined): Promise<number> {
  const values = (p.sink as { values: ShipValues }).values;
  const plan = planDelivery(values, io.env);
  if (p.follow || p.agent['stateDir'] !== undefined) {
    if (!quiet) io.stderr.write(`${PREFIX}: sending to ${describeOtlpConfig(plan.config)}\n`);
    const { cfg, groups } = followGroups(p, io.stdin, io.env);
    const agentValues: ShipValues = { ...values, ...p.agent, follow: p.follow };
    const protocol = encodingOf(plan.config.protocol);
    const patterns = p.sources.flatMap((s) => s.paths);
    return runAgent({ cfg, patterns, groups, values: agentValues, makeSink: plan.makeSink, protocol, shutdownMs: plan.opts.shutdownMs, quiet, command: 'run' }, io);
  }
  const cfgs = sourceConfigs(p, io.stdin, io.env);
  const d: Delivery = { started: Date.now(), records: openPipelineSources(cfgs, io.stdin, encodingOf(plan.config.protocol)), sink: plan.makeSink() };
  reportSourceWarnings(d.records, io.stderr, PREFIX);
  if (!quiet) io.stderr.write(`${PREFIX}: sending to ${describeOtlpConfig(plan.config)}\n`);
  const stop = progressWanted(progress, io.stderr)
    ? startProgress(io.stderr, 5000, () => {
        const s = d.sink.stats;
        return `${PREFIX}: read ${formatCount(d.records.totals().lines)} lines, accepted ${formatCount(s.accepted)} records (${formatRate(s.accepted, Date.now() - d.started)}/s), queued ${formatCount(s.queuedRecords)}, retries ${formatCount(s.retries)}`;
      })
    : () => {};
  const unreport = reportDeliveryEvents(d.sink, io.stderr, PREFIX);
  const { error, interrupted } = await runDelivery(d, io, plan.opts.shutdownMs, PREFIX);
  unreport();
  stop();
  if (error !== undefined) io.stderr.write(`${PREFIX}: ${error.message}\n`);
  if (!quiet || error !== undefined) deliverySummary('run', d, io.stderr);
  return deliveryExitCode(d, error, interrupted);
}

async function runOutput(p: Pipeline, io: CliIO, quiet: boolean, progress: boolean | undefined): Promise<number> {
  const pretty = p.sink.kind === 'console';
  const path = p.sink.kind === 'jsonl' ? p.sink.path : undefined;
  const cfgs = sourceConfigs(p, io.stdin, io.env);
  const started = Date.now();
  // The console view needs record objects: the groups read on the main thread.
  const records = openPipelineSources(pretty ? cfgs.map((c) => ({ ...c, workers: 0 })) : cfgs, io.stdin, pretty ? undefined : 'jsonl');
  reportSourceWarnings(records, io.stderr, PREFIX);
  const stop = progressWanted(progress, io.stderr)
    ? startProgress(io.stderr, 5000, () => {
        const t = records.totals();
        return `${PREFIX}: ${formatCount(t.lines)} lines, ${formatCount(t.records)} records, ${formatRate(t.lines, Date.now() - started)} lines/s`;
      })
    : () => {};
  let code: number;
  try {
    const out = path !== undefined ? createWriteStream(path) : io.stdout;
    code = await writeParseOutput(records, out, { pretty, colour: pretty && colourWanted(io.env, io.stdout), signal: io.signal, end: path !== undefined });
  } catch (err) {
    if (path !== undefined && (err as NodeJS.ErrnoException).syscall !== undefined) throw new FtplogError('ERR_INPUT', `${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    throw err;
  } finally {
    stop();
  }
  if (!quiet) io.stderr.write(`${parseSummary(PREFIX, records, started, code)}${path !== undefined ? `; written to ${path}` : ''}\n`);
  return code;
}

export const runCommand: Command = {
  name: 'run',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = argsOrHelp(args, GROUPS, HELP, io.stdout);
    if (parsed === undefined) return EXIT.OK;
    const v = convertFlags(GROUPS, parsed.values);
    const pipeline = withFlags(loadOrReport(pipelineArgument(parsed.positionals, 'run'), io, PREFIX), v);
    const quiet = v['quiet'] === true;
    const progress = v['progress'] as boolean | undefined;
    return pipeline.sink.kind === 'otlp' ? runOtlp(pipeline, io, quiet, progress) : runOutput(pipeline, io, quiet, progress);
  },
};
