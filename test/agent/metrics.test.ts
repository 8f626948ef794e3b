import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Counter, Registry, register as globalRegistry } from 'prom-client';
import { METRIC_NAMES, parseMetricsAddress, startMetricsServer, type MetricsServer } from '../../src/agent/metrics.js';
import type { AgentStatus, FileStatus } from '../../src/agent/status.js';
import { FtplogError } from '../../src/errors.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection (or on `agent`'s). */
function call(url: string, method = 'GET', agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The agent's own sample lines of a scrape, in order. */
function agentLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('ftplog_otel_'));
}

function file(path: string, size: number, settledOffset: number, state: FileStatus['state'] = 'reading'): FileStatus {
  return { path, key: `k:${path}:${state}`, size, readOffset: size, settledOffset, state };
}

function snapshot(over: Partial<AgentStatus> = {}): AgentStatus {
  return {
    startedAt: 1_731_956_400_000,
    now: 1_731_960_000_000,
    files: [],
    recordsRead: 0,
    recordsSent: 0,
    recordsDeadLettered: 0,
    recordsDropped: 0,
    parseErrors: 0,
    invalidUtf8Lines: 0,
    retries: 0,
    queueRecords: 0,
    queueBytes: 0,
    outage: false,
    lastError: undefined,
    stopping: false,
    ...over,
  };
}

function isCode(code: string, message?: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof FtplogError, String(err));
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

/** A plain TCP server holding a port. */
function listenOn(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

describe('parseMetricsAddress', () => {
  const good: Array<[string, { host: string | undefined; port: number }]> = [
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    [':9464', { host: undefined, port: 9464 }],
    ['metrics-1.example.internal:65535', { host: 'metrics-1.example.internal', port: 65535 }],
    ['[::]:80', { host: '::', port: 80 }],
  ];
  for (const [text, address] of good) {
    it(`${text} → ${JSON.stringify(address)}`, () => assert.deepEqual(parseMetricsAddress(text), address));
  }

  const bad = [
    '',
    '9464',
    '127.0.0.1',
    '127.0.0.1:',
    '127.0.0.1:65536',
    '127.0.0.1:123456',
    '127.0.0.1:-1',
    '127.0.0.1:94a4',
    '::1:9464',
    '[::1]',
    '[127.0.0.1]:9464',
    '[not-v6]:9464',
    'http://127.0.0.1:9464',
    '127.0.0.1:9464/metrics',
    ' 127.0.0.1:9464',
    'host name:9464',
    '-host:9464',
    'host.:9464',
  ];
  for (const text of bad) {
    it(`${JSON.stringify(text)} is ERR_INVALID_ARGUMENT`, () => {
      assert.throws(() => parseMetricsAddress(text), isCode('ERR_INVALID_ARGUMENT', `--metrics-address must be HOST:PORT, e.g. 127.0.0.1:9464 (got ${JSON.stringify(text)})`));
    });
  }
});

describe('startMetricsServer', () => {
  let servers: MetricsServer[];
  let others: Server[];
  let current: AgentStatus;
  let calls: number;
  const status = (): AgentStatus => {
    calls++;
    return current;
  };
  async function start(address = '127.0.0.1:0', options?: { registry?: Registry }): Promise<MetricsServer> {
    const s = await startMetricsServer(address, status, options);
    servers.push(s);
    return s;
  }

  beforeEach(() => {
    servers = [];
    others = [];
    current = snapshot();
    calls = 0;
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(others.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  describe('GET /metrics', () => {
    it('every metric of the agent with the value of the snapshot, and its type', async () => {
      current = snapshot({
        files: [file('/var/log/ncftpd/xfer.log', 5000, 4800), file('/var/log/ncftpd/xfer.20241117', 9000, 9000, 'rotated')],
        recordsRead: 120_500,
        recordsSent: 120_431,
        recordsDeadLettered: 7,
        recordsDropped: 12,
        recordsDroppedBy: { 'filter "quiet-listings"': 10, 'filter drop outcome=success': 2 },
        parseErrors: 3,
        invalidUtf8Lines: 5,
        retries: 4,
        queueRecords: 2048,
        queueBytes: 1_100_000,
        outage: true,
      });
      const s = await start();
      const res = await call(`${s.url}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], Registry.PROMETHEUS_CONTENT_TYPE);
      assert.deepEqual(agentLines(res.body), [
        'ftplog_otel_records_read_total 120500',
        'ftplog_otel_records_sent_total 120431',
        'ftplog_otel_records_dead_lettered_total 7',
        'ftplog_otel_records_dropped_total{reason="filter \\"quiet-listings\\""} 10',
        'ftplog_otel_records_dropped_total{reason="filter drop outcome=success"} 2',
        'ftplog_otel_parse_errors_total 3',
        'ftplog_otel_invalid_utf8_lines_total 5',
        'ftplog_otel_retries_total 4',
        'ftplog_otel_queue_records 2048',
        'ftplog_otel_queue_bytes 1100000',
        'ftplog_otel_collector_up 0',
        'ftplog_otel_files_watched 2',
        'ftplog_otel_file_lag_bytes{path="/var/log/ncftpd/xfer.log"} 200',
        'ftplog_otel_file_lag_bytes{path="/var/log/ncftpd/xfer.20241117"} 0',
        'ftplog_otel_file_settled_offset_bytes{path="/var/log/ncftpd/xfer.log"} 4800',
        'ftplog_otel_file_settled_offset_bytes{path="/var/log/ncftpd/xfer.20241117"} 9000',
      ]);
      const types = res.body.split('\n').filter((l) => l.startsWith('# TYPE ftplog_otel_'));
      assert.deepEqual(types, [
        ...METRIC_NAMES.slice(0, 7).map((n) => `# TYPE ${n} counter`),
        ...METRIC_NAMES.slice(7).map((n) => `# TYPE ${n} gauge`),
      ]);
      assert.equal(METRIC_NAMES.length, 13);
    });

    it("prom-client's default process metrics are served beside them", async () => {
      const s = await start();
      const { body } = await call(`${s.url}/metrics`);
      for (const line of [
        '# TYPE process_cpu_user_seconds_total counter',
        '# TYPE process_resident_memory_bytes gauge',
        '# TYPE nodejs_heap_size_used_bytes gauge',
        '# TYPE nodejs_eventloop_lag_seconds gauge',
        '# TYPE nodejs_gc_duration_seconds histogram',
      ]) {
        assert.ok(body.split('\n').includes(line), line);
      }
    });

    it("path labels are escaped as the text format wants (Windows paths' backslashes, quotes)", async () => {
      current = snapshot({ files: [file('C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl241118.log', 10, 4), file('/l/"odd".log', 3, 3)] });
      const s = await start();
      const lines = agentLines((await call(`${s.url}/metrics`)).body).filter((l) => l.includes('{'));
      assert.deepEqual(lines, [
        'ftplog_otel_file_lag_bytes{path="C:\\\\ProgramData\\\\Globalscape\\\\EFT Server\\\\Logs\\\\cl241118.log"} 6',
        'ftplog_otel_file_lag_bytes{path="/l/\\"odd\\".log"} 0',
        'ftplog_otel_file_settled_offset_bytes{path="C:\\\\ProgramData\\\\Globalscape\\\\EFT Server\\\\Logs\\\\cl241118.log"} 4',
        'ftplog_otel_file_settled_offset_bytes{path="/l/\\"odd\\".log"} 3',
      ]);
    });

    it('each scrape reads a new snapshot, once: values follow it and files no longer followed drop out', async () => {
      const s = await start();
      current = snapshot({ files: [file('/l/a.log', 100, 10), file('/l/b.log', 50, 50)], recordsSent: 10, queueRecords: 5, outage: true });
      const first = agentLines((await call(`${s.url}/metrics`)).body);
      assert.equal(calls, 1);
      current = snapshot({ files: [file('/l/b.log', 80, 60)], recordsSent: 25, queueRecords: 0, outage: false });
      const second = agentLines((await call(`${s.url}/metrics`)).body);
      assert.equal(calls, 2);
      const pick = (lines: string[]): string[] => lines.filter((l) => /sent|queue_records|collector_up|files_watched|file_/.test(l));
      assert.deepEqual(pick(first), [
        'ftplog_otel_records_sent_total 10',
        'ftplog_otel_queue_records 5',
        'ftplog_otel_collector_up 0',
        'ftplog_otel_files_watched 2',
        'ftplog_otel_file_lag_bytes{path="/l/a.log"} 90',
        'ftplog_otel_file_lag_bytes{path="/l/b.log"} 0',
        'ftplog_otel_file_settled_offset_bytes{path="/l/a.log"} 10',
        'ftplog_otel_file_settled_offset_bytes{path="/l/b.log"} 50',
      ]);
      assert.deepEqual(pick(second), [
        'ftplog_otel_records_sent_total 25',
        'ftplog_otel_queue_records 0',
        'ftplog_otel_collector_up 1',
        'ftplog_otel_files_watched 1',
        'ftplog_otel_file_lag_bytes{path="/l/b.log"} 20',
        'ftplog_otel_file_settled_offset_bytes{path="/l/b.log"} 60',
      ]);
    });

    it('counters never go down: a lower count is taken as that count started again, and its growth from there is added', async () => {
      const s = await start();
      const sent = async (n: number): Promise<string | undefined> => {
        current = snapshot({ recordsSent: n, retries: n });
        return agentLines((await call(`${s.url}/metrics`)).body).find((l) => l.startsWith('ftplog_otel_records_sent_total '));
      };
      assert.equal(await sent(100), 'ftplog_otel_records_sent_total 100');
      assert.equal(await sent(40), 'ftplog_otel_records_sent_total 100');
      assert.equal(await sent(50), 'ftplog_otel_records_sent_total 110');
      assert.equal(await sent(50), 'ftplog_otel_records_sent_total 110');
      assert.equal(await sent(Number.NaN), 'ftplog_otel_records_sent_total 110');
      assert.equal(await sent(60), 'ftplog_otel_records_sent_total 120');
    });

    it('drops are counted by reason, each reason a counter of its own that grows as its count does', async () => {
      const s = await start();
      const dropped = async (by: Record<string, number>): Promise<string[]> => {
        current = snapshot({ recordsDropped: Object.values(by).reduce((a, b) => a + b, 0), recordsDroppedBy: by });
        return agentLines((await call(`${s.url}/metrics`)).body).filter((l) => l.startsWith('ftplog_otel_records_dropped_total'));
      };
      assert.deepEqual(await dropped({}), []);
      assert.deepEqual(await dropped({ 'filter "a"': 5 }), ['ftplog_otel_records_dropped_total{reason="filter \\"a\\""} 5']);
      assert.deepEqual(await dropped({ 'filter "a"': 7, 'filter drop operation=list': 1 }), [
        'ftplog_otel_records_dropped_total{reason="filter \\"a\\""} 7',
        'ftplog_otel_records_dropped_total{reason="filter drop operation=list"} 1',
      ]);
    });

    it('a path listed twice (a file rotated away under its old name, and the new file there): lags added, the settled offset of the file now there', async () => {
      current = snapshot({ files: [file('/l/xfer.log', 1000, 700, 'rotated'), file('/l/xfer.log', 300, 100, 'reading'), file('/l/old.log', 10, 4, 'done'), file('/l/old.log', 20, 5, 'done')] });
      const s = await start();
      assert.deepEqual(agentLines((await call(`${s.url}/metrics`)).body).filter((l) => l.includes('{')), [
        'ftplog_otel_file_lag_bytes{path="/l/xfer.log"} 500',
        'ftplog_otel_file_lag_bytes{path="/l/old.log"} 21',
        'ftplog_otel_file_settled_offset_bytes{path="/l/xfer.log"} 100',
        'ftplog_otel_file_settled_offset_bytes{path="/l/old.log"} 5',
      ]);
    });

    it("a query string is ignored; HEAD answers the headers alone", async () => {
      const s = await start();
      assert.equal((await call(`${s.url}/metrics?name[]=x`)).status, 200);
      const head = await call(`${s.url}/metrics`, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-type'], Registry.PROMETHEUS_CONTENT_TYPE);
      assert.equal(head.body, '');
    });

    it('a snapshot that throws is a 500 with its message, and the server goes on', async () => {
      const s = await startMetricsServer('127.0.0.1:0', () => {
        throw new Error('follow source destroyed');
      });
      servers.push(s);
      const res = await call(`${s.url}/metrics`);
      assert.deepEqual([res.status, res.body], [500, 'cannot collect metrics: follow source destroyed\n']);
      const health = await call(`${s.url}/healthz`);
      assert.deepEqual([health.status, JSON.parse(health.body)], [500, { status: 'error', error: 'follow source destroyed' }]);
    });

    it("never uses prom-client's global registry; two servers in one process each serve their own", async () => {
      const a = await startMetricsServer('127.0.0.1:0', () => snapshot({ recordsSent: 1 }));
      const b = await startMetricsServer('127.0.0.1:0', () => snapshot({ recordsSent: 2 }));
      servers.push(a, b);
      const sent = async (s: MetricsServer): Promise<string[]> => agentLines((await call(`${s.url}/metrics`)).body).filter((l) => l.includes('sent'));
      assert.deepEqual(await sent(a), ['ftplog_otel_records_sent_total 1']);
      assert.deepEqual(await sent(b), ['ftplog_otel_records_sent_total 2']);
      assert.deepEqual(globalRegistry.getMetricsAsArray(), []);
    });
  });

  describe('the registry option', () => {
    it('registers on the registry given, beside its own metrics, and close() takes them off again', async () => {
      const registry = new Registry();
      const mine = new Counter({ name: 'tool_runs_total', help: 'runs', registers: [registry] });
      mine.inc(3);
      current = snapshot({ recordsRead: 9 });
      const s = await start('127.0.0.1:0', { registry });
      const body = (await call(`${s.url}/metrics`)).body.split('\n');
      assert.ok(body.includes('tool_runs_total 3'));
      assert.ok(body.includes('ftplog_otel_records_read_total 9'));
      assert.ok((await registry.metrics()).includes('process_cpu_user_seconds_total'));
      await s.close();
      assert.deepEqual(registry.getMetricsAsArray().map((m) => m.name), ['tool_runs_total']);
    });

    it('a registry that already has one of the metric names is ERR_INVALID_OPTION, and nothing is registered', async () => {
      const registry = new Registry();
      new Counter({ name: 'ftplog_otel_retries_total', help: 'x', registers: [registry] });
      await assert.rejects(start('127.0.0.1:0', { registry }), isCode('ERR_INVALID_OPTION', 'option "registry" already has a metric named ftplog_otel_retries_total'));
      assert.deepEqual(registry.getMetricsAsArray().map((m) => m.name), ['ftplog_otel_retries_total']);
    });

    it('something else than a registry is ERR_INVALID_OPTION', async () => {
      await assert.rejects(startMetricsServer('127.0.0.1:0', status, { registry: {} as Registry }), isCode('ERR_INVALID_OPTION'));
    });
  });

  describe('GET /healthz', () => {
    it('200 while running, with the outage, queue and last error', async () => {
      current = snapshot({ files: [file('/l/a.log', 1, 1)], outage: true, queueRecords: 2048, queueBytes: 1_100_000, lastError: { message: 'collector unreachable: ECONNREFUSED', at: Date.UTC(2024, 10, 18, 20, 2, 11) } });
      const s = await start();
      const res = await call(`${s.url}/healthz`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(
        res.body,
        '{"status":"ok","outage":true,"queueRecords":2048,"queueBytes":1100000,"files":1,"lastError":{"message":"collector unreachable: ECONNREFUSED","at":"2024-11-18T20:02:11.000Z"}}\n',
      );
      current = snapshot();
      assert.deepEqual(JSON.parse((await call(`${s.url}/healthz`)).body), { status: 'ok', outage: false, queueRecords: 0, queueBytes: 0, files: 0, lastError: null });
    });

    it('503 {"status":"stopping"} once the agent is stopping', async () => {
      const s = await start();
      current = snapshot({ stopping: true, queueRecords: 10 });
      const res = await call(`${s.url}/healthz`);
      assert.deepEqual([res.status, res.body], [503, '{"status":"stopping"}\n']);
      assert.equal((await call(`${s.url}/healthz`, 'HEAD')).status, 503);
    });
  });

  describe('other requests', () => {
    for (const path of ['/', '/metrics/', '/metricsz', '/health', '/healthz/x', '//metrics']) {
      it(`GET ${path} is 404`, async () => {
        const s = await start();
        const res = await call(`${s.url}${path}`);
        assert.deepEqual([res.status, res.body], [404, 'not found: /metrics and /healthz are served\n']);
      });
    }

    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      it(`${method} /metrics is 405, with Allow`, async () => {
        const s = await start();
        const res = await call(`${s.url}/metrics`, method);
        assert.deepEqual([res.status, res.headers.allow, res.body], [405, 'GET, HEAD', 'method not allowed: /metrics takes GET and HEAD\n']);
      });
    }
  });

  describe('addresses', () => {
    it('a bad address is ERR_INVALID_ARGUMENT before anything is listened on', async () => {
      await assert.rejects(
        startMetricsServer('9464', status),
        isCode('ERR_INVALID_ARGUMENT', '--metrics-address must be HOST:PORT, e.g. 127.0.0.1:9464 (got "9464")'),
      );
    });

    it('a port in use is ERR_CONFIG naming the address and the cause', async () => {
      const taken = await listenOn('127.0.0.1');
      others.push(taken);
      const address = `127.0.0.1:${(taken.address() as { port: number }).port}`;
      await assert.rejects(startMetricsServer(address, status), isCode('ERR_CONFIG', `cannot serve metrics on ${address}: EADDRINUSE`));
    });

    it('an address not on this machine is ERR_CONFIG', async () => {
      // 192.0.2.0/24 is TEST-NET-1, never assigned to a host.
      await assert.rejects(startMetricsServer('192.0.2.1:0', status), isCode('ERR_CONFIG', 'cannot serve metrics on 192.0.2.1:0: EADDRNOTAVAIL'));
    });

    it('[::1]:0 listens on IPv6 loopback; its url has the address in brackets', async () => {
      const s = await start('[::1]:0');
      assert.equal(s.address.host, '::1');
      assert.equal(s.url, `http://[::1]:${s.address.port}`);
      assert.equal((await call(`${s.url}/healthz`)).status, 200);
    });

    it(':0 listens on every interface; its url reaches it by 127.0.0.1', async () => {
      const s = await start(':0');
      // '::' (IPv6 and IPv4 alike) where the machine has IPv6, else '0.0.0.0'.
      assert.ok(['::', '0.0.0.0'].includes(s.address.host), s.address.host);
      assert.equal(s.url, `http://127.0.0.1:${s.address.port}`);
      assert.equal((await call(`${s.url}/healthz`)).status, 200);
    });

    it('localhost:0 listens on a loopback address', async () => {
      const s = await start('localhost:0');
      assert.ok(['127.0.0.1', '::1'].includes(s.address.host), s.address.host);
      assert.equal((await call(`${s.url}/healthz`)).status, 200);
    });
  });

  describe('close()', () => {
    it('releases the port: another server binds it afterwards', async () => {
      const s = await start();
      const { port } = s.address;
      await s.close();
      const again = await start(`127.0.0.1:${port}`);
      assert.equal(again.address.port, port);
      assert.equal((await call(`${again.url}/healthz`)).status, 200);
    });

    it('closes idle keep-alive connections too, and is safe to call again', async () => {
      const s = await start();
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        assert.equal((await call(`${s.url}/metrics`, 'GET', agent)).status, 200);
        const sockets = Object.values(agent.freeSockets).flat() as Socket[];
        assert.equal(sockets.length, 1, 'one idle keep-alive socket');
        const closed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));
        await s.close();
        await closed;
        await s.close();
        await assert.rejects(call(`${s.url}/healthz`), { code: 'ECONNREFUSED' });
      } finally {
        agent.destroy();
      }
    });
  });
});
