/**
 * `ftplog-otel ship --follow` as a process against the project's receiver:
 * files growing, appearing and rotating, stops and restarts, SIGKILL at
 * random moments, outages, the state directory's lock, the status line and
 * the metrics endpoint. What must hold: every line arrives, a clean stop
 * and restart repeats nothing, a crash repeats only what was in flight,
 * and no checkpoint is ever ahead of what the collector has.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { xferLine } from '../sources/follow/follow.test.js';

const BIN = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');

/** A running agent: its stderr so far and its exit. */
class Agent {
  stderr = '';
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
  async until(pred: (stderr: string) => boolean, what: string, ms = 15_000): Promise<void> {
    await until(() => pred(this.stderr), `${what}; stderr: ${this.stderr}`, ms);
  }
}

async function until(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function lines(tag: string, from: number, to: number): string {
  let t = '';
  for (let i = from; i < to; i++) t += xferLine(tag, i);
  return t;
}

/** `tag-n` of each received record, from its file path attribute. */
function received(receiver: OtlpReceiver): string[] {
  return receiver.records.map((r) => /\/home\/ftp\/(.+)\.txt$/.exec(String(r.attributes['file.path'] ?? ''))?.[1] ?? JSON.stringify(r.attributes));
}

function expected(tag: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${tag}-${i}`);
  return out;
}

function counts(names: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

interface Entry {
  key: string;
  path: string;
  ino: number;
  offset: number;
}

function checkpoints(stateDir: string): Entry[] {
  const f = join(stateDir, 'checkpoints.json');
  if (!existsSync(f)) return [];
  return (JSON.parse(readFileSync(f, 'utf8')) as { files: Entry[] }).files;
}

describe('ftplog-otel ship --follow', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  let dir: string;
  let logs: string;
  let state: string;
  let running: Agent[];
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-follow-cli-'));
    logs = join(dir, 'logs');
    state = join(dir, 'state');
    mkdirSync(logs);
    running = [];
  });
  afterEach(async () => {
    for (const a of running) a.child.kill('SIGKILL');
    await Promise.all(running.map((a) => a.exited));
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function agent(patterns: string[], extra: string[] = []): Agent {
    const args = ['ship', '--follow', '--endpoint', receiver.url, '--timezone', 'UTC', '--state-dir', state, '--dead-letter', join(dir, 'dead.jsonl'), '--poll-interval', '20ms', '--rotated-idle', '200ms', '--batch-size', '100', '--batch-delay', '20ms', ...extra, ...patterns];
    const a = new Agent(spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
    running.push(a);
    return a;
  }

  it('reads what is there, what is appended and files that appear, through rename and copytruncate rotation, then stops cleanly with exit 0', async () => {
    const live = join(logs, 'xfer.log');
    writeFileSync(live, lines('a', 0, 300));
    const a = agent([join(logs, 'xfer*')]);
    await until(() => receiver.records.length >= 300, '300 records');
    appendFileSync(live, lines('a', 300, 350));
    await until(() => receiver.records.length >= 350, '350 records');
    // rename + create: the old file is finished from its handle, the new one read from its start
    renameSync(live, join(logs, 'xfer.log.1'));
    appendFileSync(join(logs, 'xfer.log.1'), lines('a', 350, 360));
    writeFileSync(live, lines('b', 0, 40));
    await until(() => receiver.records.length >= 400, '400 records');
    // copytruncate: the copy left inside the pattern is content already read
    appendFileSync(live, lines('b', 40, 60));
    await until(() => receiver.records.length >= 420, '420 records');
    // Settled, not only received: a copy made while records are in flight is
    // read again from the settled place (duplicates, never a loss on a crash).
    await until(() => checkpoints(state).find((e) => e.path === live)?.offset === statSync(live).size, 'the live file settled to its end');
    copyFileSync(live, join(logs, 'xfer.log.2'));
    truncateSync(live, 0);
    appendFileSync(live, lines('c', 0, 30));
    await until(() => receiver.records.length >= 450, '450 records');
    // a new file of its own
    writeFileSync(join(logs, 'xfer-other.log'), lines('d', 0, 25));
    await until(() => receiver.records.length >= 475, '475 records');
    await new Promise((r) => setTimeout(r, 500)); // anything more would be a duplicate
    assert.equal(await a.stop(), 0, a.stderr);
    const got = counts(received(receiver));
    const want = [...expected('a', 0, 360), ...expected('b', 0, 60), ...expected('c', 0, 30), ...expected('d', 0, 25)];
    assert.equal(receiver.records.length, want.length, a.stderr);
    for (const w of want) assert.equal(got.get(w), 1, `${w} arrived ${got.get(w) ?? 0} times`);
    assert.match(a.stderr, /xfer\.log.*(truncated|shrank)/);
    const entries = checkpoints(state);
    const liveEntry = entries.find((e) => e.path === live);
    assert.ok(liveEntry, JSON.stringify(entries));
    assert.equal(liveEntry.offset, statSync(live).size);
  });

  it('after a clean stop, a restart goes on from the checkpoints: nothing again, nothing missed, even what was written while it was down', async () => {
    const f = join(logs, 'xfer.log');
    writeFileSync(f, lines('a', 0, 200));
    const a = agent([logs]);
    await until(() => receiver.records.length >= 200, '200 records');
    assert.equal(await a.stop(), 0, a.stderr);
    appendFileSync(f, lines('a', 200, 260));
    writeFileSync(join(logs, 'xfer.new'), lines('n', 0, 10));
    const b = agent([logs]);
    await until(() => receiver.records.length >= 270, '270 records');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await b.stop('SIGINT'), 0, b.stderr);
    assert.equal(receiver.records.length, 270);
    assert.deepEqual([...counts(received(receiver)).values()].filter((n) => n !== 1), []);
  });

  it('a new daily EFT file is read from its first line, and --start-at end skips only what files seen at start already held', async () => {
    const eft = readFileSync(join(projectRoot, 'examples', 'logs', 'cl241118.log'), 'utf8');
    const eftLines = eft.split(/(?<=\n)/);
    // The day before: other lines (other times), so another fingerprint.
    writeFileSync(join(logs, 'cl241117.log'), eft.replaceAll('2024-11-18', '2024-11-17'));
    writeFileSync(join(logs, 'notes.txt'), 'not a log\n');
    const a = agent([join(logs, 'cl*.log')], ['--start-at', 'end']);
    await a.until((s) => /following/.test(s), 'the start line');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.records.length, 0);
    writeFileSync(join(logs, 'cl241118.log'), eft);
    await until(() => receiver.records.length >= eftLines.length, `${eftLines.length} records`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await a.stop(), 0, a.stderr);
    assert.equal(receiver.records.length, eftLines.length);
    assert.deepEqual(new Set(receiver.records.map((r) => r.attributes['log.file.name'])), new Set(['cl241118.log']));
  });

  it('survives 20 SIGKILLs amid appends and rotations: every line arrives, duplicates only for what was in flight, no checkpoint ahead of the collector', async () => {
    const live = join(logs, 'xfer.log');
    let n = 0; // lines of the current generation
    let gen = 0;
    const want: string[] = [];
    const append = (k: number): void => {
      appendFileSync(live, lines(`g${gen}`, n, n + k));
      want.push(...expected(`g${gen}`, n, n + k));
      n += k;
    };
    append(500);
    let unsettledAtKills = 0;
    let rnd = 12345;
    const random = (m: number): number => ((rnd = (rnd * 1103515245 + 12345) % 2147483648), rnd % m);
    for (let cycle = 0; cycle < 20; cycle++) {
      const a = agent([join(logs, 'xfer.log*')]);
      append(100 + random(200));
      if (cycle % 5 === 4) {
        renameSync(live, join(logs, `xfer.log.${gen}`));
        gen++;
        n = 0;
        append(50);
      }
      await new Promise((r) => setTimeout(r, 300 + random(500)));
      a.child.kill('SIGKILL');
      await a.exited;
      // Every checkpoint covers only records the receiver has; what it has
      // beyond them is what the next run may send again.
      const have = new Set(received(receiver));
      const covered = new Set<string>();
      for (const e of checkpoints(state)) {
        if (!existsSync(e.path) || statSync(e.path).ino !== e.ino) continue;
        const settled = readFileSync(e.path).subarray(0, e.offset).toString().split('\n').filter((l) => l !== '');
        for (const l of settled) {
          const name = /\/home\/ftp\/(.+)\.txt,/.exec(l)![1]!;
          assert.ok(have.has(name), `cycle ${cycle}: checkpoint of ${e.path} at ${e.offset} covers ${name}, which the receiver does not have`);
          covered.add(name);
        }
      }
      unsettledAtKills += [...have].filter((name) => !covered.has(name)).length;
    }
    const last = agent([join(logs, 'xfer.log*')]);
    await until(() => new Set(received(receiver)).size >= want.length, `${want.length} distinct records`, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await last.stop(), 0, last.stderr);
    const got = counts(received(receiver));
    for (const w of want) assert.ok((got.get(w) ?? 0) >= 1, `${w} never arrived`);
    assert.equal(got.size, want.length, 'records that were never written arrived');
    // Sent again only what the collector had but no checkpoint covered when a run was killed.
    const duplicates = receiver.records.length - want.length;
    assert.ok(duplicates <= unsettledAtKills, `${duplicates} duplicates, ${unsettledAtKills} unsettled at the kills`);
    assert.equal(readdirSync(state).filter((f) => f.includes('corrupt')).length, 0);
  });

  it('a second agent on the same state directory is refused while the first runs; a stale lock from a killed one is taken over', async () => {
    writeFileSync(join(logs, 'xfer.log'), lines('a', 0, 10));
    const a = agent([logs]);
    await until(() => receiver.records.length >= 10, '10 records');
    const b = agent([logs]);
    assert.equal(await b.exited, 1, b.stderr);
    assert.match(b.stderr, new RegExp(`in use by process ${a.child.pid}`));
    a.child.kill('SIGKILL');
    await a.exited;
    appendFileSync(join(logs, 'xfer.log'), lines('a', 10, 20));
    const c = agent([logs]);
    await until(() => new Set(received(receiver)).size >= 20, '20 distinct records');
    assert.equal(await c.stop(), 0, c.stderr);
  });

  it('a corrupt checkpoints file is set aside with a warning and the files are read again from the start', async () => {
    writeFileSync(join(logs, 'xfer.log'), lines('a', 0, 10));
    mkdirSync(state);
    writeFileSync(join(state, 'checkpoints.json'), '{"format":"ftplog-otel.checkp');
    const a = agent([logs]);
    await until(() => receiver.records.length >= 10, '10 records');
    assert.equal(await a.stop(), 0, a.stderr);
    assert.match(a.stderr, /warning: .*checkpoints\.json/);
    assert.equal(readdirSync(state).filter((f) => f.startsWith('checkpoints.json.corrupt-')).length, 1);
    assert.equal(checkpoints(state)[0]!.offset, statSync(join(logs, 'xfer.log')).size);
  });

  it('a state directory that cannot be written is an error at start, naming it', async () => {
    writeFileSync(join(dir, 'plain-file'), '');
    const a = new Agent(spawn(process.execPath, [BIN, 'ship', '--follow', '--endpoint', receiver.url, '--state-dir', join(dir, 'plain-file', 'state'), logs], { stdio: ['ignore', 'ignore', 'pipe'] }));
    assert.equal(await a.exited, 1, a.stderr);
    assert.match(a.stderr, /plain-file/);
    assert.equal(receiver.records.length, 0);
  });

  it('in an outage it holds its checkpoints, keeps its queue bounded, says so on the status line, and delivers everything after', async () => {
    receiver.setBehavior({ status: 503 });
    writeFileSync(join(logs, 'xfer.log'), lines('a', 0, 3000));
    const a = agent([logs], ['--queue-records', '500', '--status-interval', '1s', '--retry-initial', '50ms', '--retry-max', '200ms']);
    await a.until((s) => (s.match(/status: /g) ?? []).length >= 2, 'two status lines');
    const queued = [...a.stderr.matchAll(/queue ([\d,]+) records/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    assert.ok(queued.every((q) => q <= 500), `queue ${queued.join(' ')}`);
    assert.match(a.stderr, /last error .*503/);
    const held = checkpoints(state);
    assert.ok(held.every((e) => e.offset === 0), JSON.stringify(held));
    receiver.setBehavior({});
    await until(() => new Set(received(receiver)).size >= 3000, '3,000 distinct records');
    assert.equal(await a.stop(), 0, a.stderr);
    assert.equal(checkpoints(state)[0]!.offset, statSync(join(logs, 'xfer.log')).size);
  });

  it('serves /healthz and /metrics with the files and the records sent', async () => {
    writeFileSync(join(logs, 'xfer.log'), lines('a', 0, 40));
    const a = agent([logs], ['--metrics-address', '127.0.0.1:0']);
    await until(() => receiver.records.length >= 40, '40 records');
    await a.until((s) => /metrics on http:\/\/127\.0\.0\.1:\d+/.test(s), 'the metrics address');
    const url = /metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(a.stderr)![1]!;
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /^ftplog_otel_records_sent_total 40$/m);
    assert.equal(await a.stop(), 0, a.stderr);
  });

  it('a file that is not valid UTF-8: one warning naming its first such line, none for the lines after it; each file its own; all counted in /metrics and the summary', async () => {
    const hint = 'is not valid UTF-8 (its undecodable bytes read as U+FFFD, "\uFFFD"); if the file is ANSI/latin1, use --encoding latin1; the summary counts every such line';
    const f = join(logs, 'xfer.log');
    // 'ü' written as latin1: the byte 0xFC, which is not UTF-8.
    writeFileSync(f, Buffer.from(lines('a', 0, 5) + lines('\u00fc', 5, 7), 'latin1'));
    const a = agent([join(logs, 'xfer*')], ['--metrics-address', '127.0.0.1:0']);
    await until(() => receiver.records.length >= 7, '7 records');
    await a.until((s) => /metrics on http:\/\/127\.0\.0\.1:\d+/.test(s), 'the metrics address');
    appendFileSync(f, Buffer.from(lines('\u00fc', 7, 9), 'latin1'));
    await until(() => receiver.records.length >= 9, '9 records');
    const g = join(logs, 'xfer.2');
    writeFileSync(g, Buffer.from(lines('b', 0, 1) + lines('\u00fc', 1, 2), 'latin1'));
    await until(() => receiver.records.length >= 11, '11 records');
    const url = /metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(a.stderr)![1]!;
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /^ftplog_otel_invalid_utf8_lines_total 5$/m);
    assert.equal(await a.stop(), 0, a.stderr);
    assert.deepEqual(a.stderr.split('\n').filter((l) => l.includes('warning')), [`ftplog-otel ship: warning: ${f}: line 6 ${hint}`, `ftplog-otel ship: warning: ${g}: line 2 ${hint}`]);
    assert.match(a.stderr, /\nftplog-otel ship: 2 input\(s\), 11 lines, 11 records \(success 11, failure 0, unknown 0, parse errors 0\), 5 lines not valid UTF-8\n/);
  });

  it('a backlog of 16 MiB or more goes to worker threads: every line once, exact checkpoints, appends after it, and a SIGKILL in the middle loses nothing', async () => {
    const big = join(logs, 'xfer.log');
    const n = 140_000;
    writeFileSync(big, lines('k', 0, n));
    assert.ok(statSync(big).size >= 17 * 1024 * 1024, `${statSync(big).size} bytes`);
    const a = agent([big], ['--workers', '2', '--batch-size', '2048', '--attribute', 'deployment.environment.name=backfill']);
    await until(() => receiver.records.length >= n, `${n} records`, 60_000);
    appendFileSync(big, lines('k', n, n + 5));
    await until(() => receiver.records.length >= n + 5, `${n + 5} records`);
    await new Promise((r) => setTimeout(r, 300)); // anything more would be a duplicate
    assert.equal(await a.stop(), 0, a.stderr);
    // Requests go two at a time, so they may arrive out of order: each line exactly once.
    const once = counts(received(receiver));
    assert.equal(receiver.records.length, n + 5);
    assert.equal(once.size, n + 5);
    for (const w of expected('k', 0, n + 5)) assert.equal(once.get(w), 1, `${w} arrived ${once.get(w) ?? 0} times`);
    // Records made on the workers and on the main thread are alike: the transforms ran on both.
    assert.deepEqual(new Set(receiver.records.map((r) => r.attributes['deployment.environment.name'])), new Set(['backfill']));
    assert.deepEqual(new Set(receiver.records.map((r) => Object.keys(r.attributes).sort().join(','))).size, 1);
    const [entry] = checkpoints(state) as (Entry & { line: number })[];
    assert.deepEqual([entry!.offset, entry!.line], [statSync(big).size, n + 5]);

    // Killed while the workers are in the middle of the backlog, then restarted: every line arrives.
    const big2 = join(logs, 'xfer.2');
    writeFileSync(big2, lines('m', 0, n));
    const before = receiver.records.length;
    // A request's deadline well past what a loaded machine takes: a retry after a timed-out request the
    // receiver did accept repeats lines too, and this part counts only what the crash repeats.
    const patient = ['--workers', '2', '--batch-size', '2048', '--timeout', '60s'];
    const b = agent([big2], patient);
    await until(() => receiver.records.length - before >= n / 3, `${n / 3} records of the second file`, 60_000);
    await b.stop('SIGKILL');
    const settled = checkpoints(state).find((e) => e.path === big2);
    const c = agent([big2], patient);
    await until(() => new Set(received(receiver).slice(before)).size >= n, `all ${n} lines of the second file`, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await c.stop(), 0, c.stderr);
    const got = counts(received(receiver).slice(before));
    assert.equal(got.size, n);
    for (const w of expected('m', 0, n)) assert.ok((got.get(w) ?? 0) >= 1, `${w} missing`);
    // Repeated: only what was after the checkpoint when it was killed, and not yet accepted by then.
    const repeated = [...got.values()].reduce((x, k) => x + k - 1, 0);
    const thrice = [...got.entries()].filter(([, k]) => k > 2);
    assert.deepEqual(thrice, [], `one crash repeats a line at most once; the agents said:\n${b.stderr}\n---\n${c.stderr}`);
    assert.ok(settled === undefined || repeated <= n - (settled as Entry & { line: number }).line, `${repeated} repeated, checkpoint at line ${(settled as Entry & { line: number } | undefined)?.line}`);
    const entry2 = (checkpoints(state) as (Entry & { line: number })[]).find((e) => e.path === big2);
    assert.deepEqual([entry2!.offset, entry2!.line], [statSync(big2).size, n]);

    // A long file that is not an FTP log, found by the workers: one warning, no records, the agent goes on.
    const junk = join(logs, 'xfer.notes');
    writeFileSync(junk, 'meeting notes, nothing to ship here\n'.repeat(500_000));
    const recordsBefore = receiver.records.length;
    const d = agent([junk, join(logs, 'xfer.3')], ['--workers', '2']);
    await d.until((e) => e.includes('skipped'), 'the warning');
    writeFileSync(join(logs, 'xfer.3'), lines('z', 0, 3));
    await until(() => receiver.records.length >= recordsBefore + 3, '3 records');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await d.stop(), 0, d.stderr);
    assert.equal(receiver.records.length, recordsBefore + 3);
    assert.deepEqual(
      d.stderr.split('\n').filter((l) => l.includes('warning')),
      [`ftplog-otel ship: warning: ${junk}: not an EFT, NcFTPd, xferlog or vsftpd log (no line in its first ones shows a known format): skipped`],
    );
  });

  it('without --follow, --state-dir makes ship resumable: a second run sends only what was added', async () => {
    const f = join(logs, 'xfer.log');
    writeFileSync(f, lines('a', 0, 100));
    const run = async (): Promise<Agent> => {
      const a = new Agent(spawn(process.execPath, [BIN, 'ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--state-dir', state, f], { stdio: ['ignore', 'ignore', 'pipe'] }));
      assert.equal(await a.exited, 0, a.stderr);
      return a;
    };
    await run();
    assert.equal(receiver.records.length, 100);
    appendFileSync(f, lines('a', 100, 130));
    await run();
    assert.equal(receiver.records.length, 130);
    assert.deepEqual([...counts(received(receiver)).values()].filter((n) => n !== 1), []);
  });

  it('usage errors exit 2 before anything runs: stdin, --input jsonl, a malformed --metrics-address', async () => {
    for (const [args, message] of [
      [['-'], /needs files, folders or glob patterns/],
      [['--input', 'jsonl', logs], /not --input jsonl/],
      [['--metrics-address', 'nowhere', logs], /--metrics-address must be HOST:PORT/],
    ] as const) {
      const a = new Agent(spawn(process.execPath, [BIN, 'ship', '--follow', '--endpoint', receiver.url, '--state-dir', state, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
      assert.equal(await a.exited, 2, a.stderr);
      assert.match(a.stderr, message);
    }
    assert.equal(existsSync(join(state, 'lock')), false);
  });
});
