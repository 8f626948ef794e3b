/**
 * The agent's HTTP operating surface (--metrics-address HOST:PORT):
 *
 *   GET /metrics   Prometheus text: the agent's counts and gauges, read from
 *                  its status snapshot at scrape time, and prom-client's
 *                  default process metrics (CPU, memory, heap, event loop lag,
 *                  GC, open file descriptors)
 *   GET /healthz   200 {"status":"ok",...} while running (an outage of the
 *                  collector included: the agent is doing its job, queueing
 *                  and retrying, and a restart would not help); 503
 *                  {"status":"stopping"} once it is shutting down
 *   → 404 other paths, 405 other methods than GET and HEAD
 *
 * Design:
 * - Nothing is counted here: every value comes from `status()`, called once
 *   per scrape (all metrics of one scrape read the same snapshot), so the
 *   agent keeps one set of counts and the status line, /metrics and /healthz
 *   cannot disagree.
 * - The metrics live on a Registry of their own, never prom-client's global
 *   one: two servers in one process, or a program embedding this one with
 *   metrics of its own, do not collide.
 * - prom-client's default process metrics are made once per process
 *   (collectDefaultMetrics on a registry of their own) and registered on
 *   each server's registry: every call of collectDefaultMetrics starts a GC
 *   observer and an event-loop-delay monitor that can never be stopped, and
 *   they describe the process, not one server.
 * - The endpoint must never take the agent down: a failing snapshot is a 500
 *   with its message, and server errors after listening (a failed accept
 *   when out of file descriptors) only fail a scrape, which the scraper sees
 *   as the target being down.
 */
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { FtplogError, invalidOption } from '../errors.js';
import { fileLag, type AgentStatus, type FileStatus } from './status.js';

/** Where to listen: `host` undefined for every interface. */
export interface MetricsAddress {
  host: string | undefined;
  port: number;
}

const ADDRESS = /^(?:\[([^\]]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?))?:(\d{1,5})$/;

function badAddress(address: string): FtplogError {
  return new FtplogError('ERR_INVALID_ARGUMENT', `--metrics-address must be HOST:PORT, e.g. 127.0.0.1:9464 (got ${JSON.stringify(address)})`);
}

/**
 * `127.0.0.1:9464`, `[::1]:9464`, `localhost:0` (a free port), `:9464`
 * (every interface: reachable from other machines, so only behind a
 * firewall). An IPv6 address goes in brackets. ERR_INVALID_ARGUMENT for
 * anything else.
 */
export function parseMetricsAddress(address: string): MetricsAddress {
  const m = typeof address === 'string' ? ADDRESS.exec(address) : null;
  if (m === null) throw badAddress(String(address));
  const [, v6, name, portText] = m;
  const port = Number(portText);
  if (port > 65535) throw badAddress(address);
  if (v6 !== undefined && !isIPv6(v6)) throw badAddress(address);
  return { host: v6 ?? name, port };
}

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port`, as this machine reaches it (127.0.0.1 when it listens on every interface). */
  readonly url: string;
  /** The address and port listened on (the port chosen when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Stops listening and closes every connection, idle keep-alive ones included; safe to call again. */
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /**
   * The registry the metrics are registered on, e.g. one holding metrics of
   * your own; a metric of the same name already on it is ERR_INVALID_OPTION
   * (the default process metrics are left as they are when it has them).
   * close() removes what was registered.
   * @default a new Registry of the server's own
   */
  registry?: Registry;
}

type Snapshot = () => AgentStatus;

/**
 * Counters read from cumulative counts. A prom-client counter only goes
 * up, so each scrape adds what the count grew by since the last one. A count
 * lower than the last one seen is taken as that count having started again
 * (as Prometheus reads a counter reset): the metric keeps its value, and
 * what the count grows by from there is added.
 */
const COUNTERS: ReadonlyArray<readonly [name: string, help: string, read: (s: AgentStatus) => number | Readonly<Record<string, number>>, byReason?: true]> = [
  ['ftplog_otel_records_read_total', 'Records made by the parser from the followed files, parse-error records included.', (s) => s.recordsRead],
  ['ftplog_otel_records_sent_total', 'Records accepted by the collector.', (s) => s.recordsSent],
  ['ftplog_otel_records_dead_lettered_total', 'Records written to the dead-letter file: refused by the collector, or undelivered at shutdown.', (s) => s.recordsDeadLettered],
  // By reason: the reasons are the transforms of the configuration (a filter's name, or its condition), a bounded set.
  ['ftplog_otel_records_dropped_total', 'Records dropped by transforms, by reason (a filter\'s name, or its condition).', (s) => s.recordsDroppedBy ?? {}, true],
  ['ftplog_otel_parse_errors_total', 'Lines that did not parse (each one is sent as a parse-error record).', (s) => s.parseErrors],
  ['ftplog_otel_invalid_utf8_lines_total', 'Lines whose bytes are not valid UTF-8 (an ANSI/latin1 file read without --encoding latin1); each is sent with U+FFFD in place of what does not decode.', (s) => s.invalidUtf8Lines],
  ['ftplog_otel_retries_total', 'Export requests tried again after a retryable failure.', (s) => s.retries],
];

const GAUGES: ReadonlyArray<readonly [name: string, help: string, read: (s: AgentStatus) => number]> = [
  ['ftplog_otel_queue_records', 'Records queued in memory for delivery.', (s) => s.queueRecords],
  ['ftplog_otel_queue_bytes', 'Encoded bytes of the records queued in memory for delivery.', (s) => s.queueBytes],
  ['ftplog_otel_collector_up', '1 while the collector takes records, 0 during an outage (unreachable, or refusing retryably).', (s) => (s.outage ? 0 : 1)],
  ['ftplog_otel_files_watched', 'Files followed now, rotated ones still being finished included.', (s) => s.files.length],
];

const PER_FILE: ReadonlyArray<readonly [name: string, help: string, read: (f: PathFigures) => number]> = [
  ['ftplog_otel_file_lag_bytes', 'Bytes of the file not settled yet (size minus settled offset): what the agent still owes the collector.', (f) => f.lag],
  ['ftplog_otel_file_settled_offset_bytes', "Byte offset before which every record of the file is settled (accepted or dead-lettered): the file's checkpoint.", (f) => f.settled],
];

/** The names of the agent's own metrics, in the order they are registered. */
export const METRIC_NAMES: readonly string[] = [...COUNTERS, ...GAUGES, ...PER_FILE].map(([name]) => name);

interface PathFigures {
  lag: number;
  settled: number;
}

/**
 * One series per path. A file rotated away by a name outside the patterns
 * keeps its last path while a new file takes it: the two lags add up, and
 * the settled offset is that of the file now at the path (the last one
 * listed that is not rotated or done, else the last one listed).
 */
function figuresByPath(files: readonly FileStatus[]): Map<string, PathFigures> {
  const out = new Map<string, PathFigures & { current: boolean }>();
  for (const f of files) {
    const current = f.state !== 'rotated' && f.state !== 'done';
    const seen = out.get(f.path);
    if (seen === undefined) out.set(f.path, { lag: fileLag(f), settled: f.settledOffset, current });
    else {
      seen.lag += fileLag(f);
      if (current || !seen.current) Object.assign(seen, { settled: f.settledOffset, current });
    }
  }
  return out;
}

/** A metric and its name (prom-client's types do not show a metric's name). */
interface Named {
  name: string;
  metric: Metric;
}

function agentMetrics(snapshot: Snapshot): Named[] {
  const metrics: Named[] = [];
  for (const [name, help, read, byReason] of COUNTERS) {
    // The last count seen, by reason ('' for a counter without labels).
    const last = new Map<string, number>();
    const grow = (counter: Counter<'reason'>, value: number, reason?: string): void => {
      if (!(value >= 0 && Number.isFinite(value))) return;
      const before = last.get(reason ?? '') ?? 0;
      if (value > before) {
        if (reason === undefined) counter.inc(value - before);
        else counter.inc({ reason }, value - before);
      }
      last.set(reason ?? '', value);
    };
    const metric = new Counter<'reason'>({
      name,
      help,
      ...(byReason === true ? { labelNames: ['reason'] } : {}),
      registers: [],
      collect(this: Counter<'reason'>) {
        const value = read(snapshot());
        if (typeof value === 'number') grow(this, value);
        else for (const [reason, n] of Object.entries(value)) grow(this, n, reason);
      },
    });
    metrics.push({ name, metric });
  }
  for (const [name, help, read] of GAUGES) {
    const metric = new Gauge({
      name,
      help,
      registers: [],
      collect(this: Gauge) {
        this.set(read(snapshot()));
      },
    });
    metrics.push({ name, metric });
  }
  for (const [name, help, read] of PER_FILE) {
    const metric = new Gauge({
      name,
      help,
      labelNames: ['path'],
      registers: [],
      collect(this: Gauge<'path'>) {
        // Files no longer followed drop out of the scrape.
        this.reset();
        for (const [path, figures] of figuresByPath(snapshot().files)) this.set({ path }, read(figures));
      },
    });
    metrics.push({ name, metric });
  }
  return metrics;
}

let processMetrics: Named[] | undefined;

/** prom-client's default metrics, made once per process (see the design note). */
function defaultProcessMetrics(): Named[] {
  if (processMetrics === undefined) {
    const register = new Registry();
    collectDefaultMetrics({ register });
    processMetrics = register.getMetricsAsArray().map(({ name }) => ({ name, metric: register.getSingleMetric(name)! }));
  }
  return processMetrics;
}

/**
 * `status` once per synchronous run: prom-client calls every metric's
 * collect() in one run when a registry is scraped, so one scrape reads one
 * snapshot, and the next scrape a new one.
 */
function oncePerScrape(status: Snapshot): Snapshot {
  let current: AgentStatus | undefined;
  return () => {
    if (current === undefined) {
      current = status();
      queueMicrotask(() => {
        current = undefined;
      });
    }
    return current;
  };
}

function isRegistry(r: unknown): r is Registry {
  const o = r as Partial<Registry> | null;
  return typeof o === 'object' && o !== null && typeof o.registerMetric === 'function' && typeof o.metrics === 'function' && typeof o.getSingleMetric === 'function';
}

/** Registers the agent's metrics and the process metrics not there yet; returns the names registered. */
function register(registry: Registry, metrics: readonly Named[]): string[] {
  for (const m of metrics) {
    if (registry.getSingleMetric(m.name) !== undefined) throw new FtplogError('ERR_INVALID_OPTION', `option "registry" already has a metric named ${m.name}`);
  }
  const added: string[] = [];
  for (const m of [...metrics, ...defaultProcessMetrics()]) {
    if (registry.getSingleMetric(m.name) !== undefined) continue;
    registry.registerMetric(m.metric);
    added.push(m.name);
  }
  return added;
}

function healthBody(s: AgentStatus): { status: number; body: unknown } {
  if (s.stopping) return { status: 503, body: { status: 'stopping' } };
  return {
    status: 200,
    body: {
      status: 'ok',
      outage: s.outage,
      queueRecords: s.queueRecords,
      queueBytes: s.queueBytes,
      files: s.files.length,
      lastError: s.lastError === undefined ? null : { message: s.lastError.message, at: new Date(s.lastError.at).toISOString() },
    },
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

class PrometheusEndpoint implements MetricsServer {
  readonly url: string;
  readonly address: { host: string; port: number };
  #closed: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly registry: Registry,
    private readonly registered: readonly string[],
  ) {
    const { address: host, port } = server.address() as AddressInfo;
    this.address = { host, port };
    const reachable = host === '::' || host === '0.0.0.0' ? '127.0.0.1' : host;
    this.url = `http://${isIPv6(reachable) ? `[${reachable}]` : reachable}:${port}`;
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const name of this.registered) this.registry.removeSingleMetric(name);
    });
    return this.#closed;
  }
}

function handler(registry: Registry, status: Snapshot): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics' && path !== '/healthz') return send(res, 404, TEXT_TYPE, 'not found: /metrics and /healthz are served\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, TEXT_TYPE, `method not allowed: ${path} takes GET and HEAD\n`);
    }
    if (path === '/healthz') {
      let answer: { status: number; body: unknown };
      try {
        answer = healthBody(status());
      } catch (err) {
        answer = { status: 500, body: { status: 'error', error: (err as Error).message } };
      }
      return send(res, answer.status, JSON_TYPE, JSON.stringify(answer.body) + '\n');
    }
    registry.metrics().then(
      (text) => send(res, 200, registry.contentType, text),
      (err: unknown) => send(res, 500, TEXT_TYPE, `cannot collect metrics: ${(err as Error).message}\n`),
    );
  };
}

function listen(server: Server, address: MetricsAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serves /metrics and /healthz on `address` (HOST:PORT, see
 * parseMetricsAddress), every value read from `status()` at request time.
 * ERR_INVALID_ARGUMENT for an address that is not HOST:PORT; ERR_CONFIG
 * when it cannot be listened on (`cannot serve metrics on 127.0.0.1:9464:
 * EADDRINUSE`); ERR_INVALID_OPTION for a `registry` that already has one of
 * the metrics. close() must be called for the process to be able to exit.
 */
export async function startMetricsServer(address: string, status: () => AgentStatus, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const where = parseMetricsAddress(address);
  if (typeof status !== 'function') throw invalidOption('status', 'a function returning the agent status', status);
  if (options.registry !== undefined && !isRegistry(options.registry)) throw invalidOption('registry', 'a prom-client Registry', options.registry);
  const registry = options.registry ?? new Registry();
  const snapshot = oncePerScrape(status);
  const registered = register(registry, agentMetrics(snapshot));
  const server = createServer(handler(registry, snapshot));
  try {
    await listen(server, where);
  } catch (err) {
    for (const name of registered) registry.removeSingleMetric(name);
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new FtplogError('ERR_CONFIG', `cannot serve metrics on ${address}: ${code}`, { cause: err });
  }
  // See the design note: after listening, an error fails a scrape, not the agent.
  server.on('error', () => {});
  return new PrometheusEndpoint(server, registry, registered);
}
