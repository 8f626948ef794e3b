/**
 * `ship --follow` (and `ship --state-dir`): the long-lived agent. Files
 * matching the patterns are followed (or, without --follow, read to their
 * end), their records go to the OTLP sink, and each file's checkpoint in
 * the state directory moves as the sink settles its records. A status line
 * every --status-interval, /healthz and /metrics on --metrics-address.
 */
import type { CliIO } from './command.js';
import { EXIT } from './command.js';
import type { ShipValues, Delivery } from './ship.js';
import { deliveryExitCode, deliverySummary, reportDeliveryEvents, runDelivery } from './ship.js';
import type { OtlpSink } from '../sinks/otlp/sink.js';
import type { SourceConfig } from '../sources/source.js';
import { followLogs, type FollowSource } from '../sources/follow/follow.js';
import { fileSelector, groupSelector, type SelectorGroup } from '../sources/follow/select.js';
import { CheckpointStore, defaultStateDir } from '../sources/follow/state.js';
import { FOLLOW_OPTIONS } from '../options/components.js';
import { optionByKey } from '../options/spec.js';
import { formatStatusLine, type AgentStatus } from '../agent/status.js';
// prom-client, behind the metrics server, is loaded only when --metrics-address asks for it (12 MB an idle agent need not carry).
import type { MetricsServer } from '../agent/metrics.js';
import { resolveInputs } from '../sources/log-files.js';
import { FtplogError } from '../errors.js';
import { autoWorkers, workersOption } from '../sources/source.js';
import type { OtlpEncoding } from '../otlp/encoded.js';

function followValue<T>(v: ShipValues, key: string): T {
  return (v[key] ?? optionByKey(FOLLOW_OPTIONS, key).default) as T;
}

/**
 * Worker threads for long unread stretches of followed files: a count, or
 * auto: one per core (at most 8) on a machine with two or more. Unlike a
 * plain ship, the inputs' size at the start does not decide it: a file may
 * fall behind later (after a long stop).
 */
function followWorkers(value: string | number | undefined): number {
  if (value !== undefined && value !== 'auto') return workersOption(value, []);
  const n = autoWorkers();
  return n >= 2 ? n : 0;
}

export interface AgentPlan {
  cfg: SourceConfig;
  patterns: string[];
  values: ShipValues;
  makeSink: () => OtlpSink;
  /** How the sink sends (worker threads encode for it). */
  protocol: OtlpEncoding;
  shutdownMs: number;
  quiet: boolean;
  /** The command its messages are from. @default 'ship' */
  command?: string;
  /**
   * Sources with their own patterns, exclusions and settings (a pipeline
   * file's), over `cfg` and `values`; `patterns` then lists all of theirs.
   */
  groups?: readonly SelectorGroup[];
}

/** The figures of the status line, /metrics and the library's status(). */
export function agentStatus(source: FollowSource, sink: OtlpSink, started: number, lastError: AgentStatus['lastError'], stopping: boolean): AgentStatus {
  const s = sink.stats;
  const t = source.totals();
  return {
    startedAt: started,
    now: Date.now(),
    files: source.files(),
    recordsRead: t.records,
    recordsSent: s.accepted,
    recordsDeadLettered: s.deadLettered,
    recordsDropped: t.dropped,
    recordsDroppedBy: source.stats.droppedBy ?? {},
    parseErrors: t.parseErrors,
    invalidUtf8Lines: t.invalidUtf8,
    retries: s.retries,
    queueRecords: s.queuedRecords,
    queueBytes: s.queuedBytes,
    outage: sink.inOutage,
    lastError,
    stopping,
  };
}

export async function runAgent(plan: AgentPlan, io: CliIO): Promise<number> {
  const v = plan.values;
  const command = plan.command ?? 'ship';
  const prefix = `ftplog-otel ${command}`;
  const follow = v['follow'] === true;
  if (plan.patterns.length === 0 || plan.patterns.includes('-')) {
    throw new FtplogError('ERR_INVALID_ARGUMENT', `${follow ? '--follow' : '--state-dir'} needs files, folders or glob patterns to read (not stdin)`);
  }
  if (plan.cfg.input !== 'log') throw new FtplogError('ERR_INVALID_ARGUMENT', `${follow ? '--follow' : '--state-dir'} reads FTP server logs, not --input jsonl`);
  const metricsModule = v['metricsAddress'] !== undefined ? await import('../agent/metrics.js') : undefined;
  metricsModule?.parseMetricsAddress(v['metricsAddress'] as string); // a usage error before anything starts
  const exclude = (v['exclude'] as string[] | undefined) ?? [];
  const ignoreOlderMs = v['ignoreOlderMs'] as number | undefined;
  // Without --follow the patterns must stand for files now, as for a plain ship.
  if (!follow) {
    for (const g of plan.groups ?? [{ patterns: plan.patterns, exclude, settings: ignoreOlderMs !== undefined ? { ignoreOlderMs } : {} }]) {
      resolveInputs(g.patterns, { exclude: g.exclude ?? [], ...(g.settings.ignoreOlderMs !== undefined ? { ignoreOlderMs: g.settings.ignoreOlderMs } : {}) });
    }
  }
  const stateDir = (v['stateDir'] as string | undefined) ?? defaultStateDir();
  const selector = plan.groups !== undefined ? groupSelector(plan.groups) : fileSelector(plan.patterns, { exclude });
  const store = CheckpointStore.open(stateDir, { onWarning: (m: string) => io.stderr.write(`${prefix}: warning: ${m}\n`) });
  let metrics: MetricsServer | undefined;
  try {
    const source = followLogs(selector, {
      ...plan.cfg,
      follow,
      startAt: followValue(v, 'startAt'),
      pollIntervalMs: followValue(v, 'pollIntervalMs'),
      rotatedIdleMs: followValue(v, 'rotatedIdleMs'),
      fingerprintBytes: followValue(v, 'fingerprintBytes'),
      ...(ignoreOlderMs !== undefined ? { ignoreOlderMs } : {}),
      checkpoints: store,
      workers: followWorkers(v['workers'] as string | number | undefined),
      protocol: plan.protocol,
    });
    const sink = plan.makeSink();
    const d: Delivery = { started: Date.now(), records: source as unknown as Delivery['records'], sink };
    let lastError: AgentStatus['lastError'];
    let stopping = false;
    const warn = (m: string): void => {
      lastError = { message: m, at: Date.now() };
      io.stderr.write(`${prefix}: warning: ${m}\n`);
    };
    source.on('warning', warn);
    sink.on('settled', (p) => {
      if (source.settle(p)) sink.forgetSource(p.source);
    });
    sink.on('outage', (o) => (lastError = { message: o.reason, at: Date.now() }));
    io.signal.addEventListener('abort', () => (stopping = true), { once: true });
    const status = (): AgentStatus => agentStatus(source, sink, d.started, lastError, stopping);
    if (metricsModule !== undefined) metrics = await metricsModule.startMetricsServer(v['metricsAddress'] as string, status);
    const interval = v['statusIntervalMs'] as number | undefined;
    const ticker = interval !== undefined ? setInterval(() => io.stderr.write(`${prefix}: ${formatStatusLine(status())}\n`), interval) : undefined;
    if (!plan.quiet) {
      io.stderr.write(`${prefix}: ${follow ? 'following' : 'reading'} ${plan.patterns.join(' ')}; checkpoints in ${stateDir}${metrics !== undefined ? `; metrics on ${metrics.url}` : ''}\n`);
    }
    const unreport = reportDeliveryEvents(sink, io.stderr, prefix);
    const { error, interrupted } = await runDelivery(d, io, plan.shutdownMs, prefix);
    unreport();
    if (ticker !== undefined) clearInterval(ticker);
    store.flush();
    if (error !== undefined) io.stderr.write(`${prefix}: ${error.message}\n`);
    if (!plan.quiet || error !== undefined) deliverySummary(command, d, io.stderr);
    if (source.copyTruncateLostBytes > 0) {
      io.stderr.write(`${prefix}: warning: ${source.copyTruncateLostBytes} bytes were written to files after their copy and truncated before they could be read (the copytruncate window)\n`);
    }
    // A followed run ends only when asked to: a clean stop is success.
    if (follow && interrupted && error === undefined) return EXIT.OK;
    return deliveryExitCode(d, error, interrupted);
  } finally {
    await metrics?.close();
    store.close();
  }
}
