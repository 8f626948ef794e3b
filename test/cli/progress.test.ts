import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TerminalBar,
  deliveryRows,
  deliverySnapshot,
  etaMs,
  formatBytes,
  formatBytesOf,
  formatEta,
  formatShortCount,
  formatTable,
  inputBytes,
  progressBar,
  progressLine,
  startDeliveryProgress,
  terminalText,
  type DeliveryFigures,
  type ProgressSnapshot,
} from '../../src/cli/progress.js';
import type { Delivery } from '../../src/cli/ship.js';
import { openSource, sourceConfig } from '../../src/sources/source.js';
import { otlpSink } from '../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../src/sinks/otlp/config.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';
import { eftLines } from '../helpers/lines.js';
import { projectRoot } from '../helpers/paths.js';
import { cli } from '../helpers/cli.js';

const AT_START: ProgressSnapshot = { bytes: 0, totalBytes: 6144, elapsedMs: 0, accepted: 0, queued: 0, retries: 0 };

/** A stream that says it is a terminal `columns` wide, and keeps what is written to it. */
function fakeTerminal(columns: number): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  Object.assign(out, { isTTY: true, columns });
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { out, text: () => chunks.join('') };
}

describe('progress: formatting', () => {
  it('sizes in bytes, then KiB, MiB, GiB with one decimal', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(11836), '11.6 KiB');
    assert.equal(formatBytes(5 * 1024 * 1024 + 512 * 1024), '5.5 MiB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
    assert.equal(formatBytes(2 * 1024 ** 5), '2048.0 TiB');
  });

  it('done of total in the total\'s unit', () => {
    assert.equal(formatBytesOf(0, 6144), '0.0/6.0 KiB');
    assert.equal(formatBytesOf(786_330, 37_278_000), '0.7/35.6 MiB');
    assert.equal(formatBytesOf(500, 1000), '500/1000 B');
    assert.equal(formatBytesOf(0, 0), '0/0 B');
  });

  it('counts on the bar: exact below 10,000, then k, M, G with three figures, never rounded up', () => {
    assert.equal(formatShortCount(0), '0');
    assert.equal(formatShortCount(9999), '9,999');
    assert.equal(formatShortCount(10_000), '10.0k');
    assert.equal(formatShortCount(16_712), '16.7k');
    assert.equal(formatShortCount(99_999), '99.9k');
    assert.equal(formatShortCount(129_275), '129k');
    assert.equal(formatShortCount(999_999), '999k');
    assert.equal(formatShortCount(1_234_567), '1.2M');
    assert.equal(formatShortCount(2e9), '2.0G');
  });

  it('ETA as m:ss or h:mm:ss, seconds rounded up, --:-- without an estimate', () => {
    assert.equal(formatEta(0), '0:00');
    assert.equal(formatEta(1), '0:01');
    assert.equal(formatEta(5000), '0:05');
    assert.equal(formatEta(59_001), '1:00');
    assert.equal(formatEta(754_000), '12:34');
    assert.equal(formatEta(3_723_000), '1:02:03');
    assert.equal(formatEta(undefined), '--:--');
    assert.equal(formatEta(Infinity), '--:--');
    assert.equal(formatEta(-1), '--:--');
  });

  it('bars at 0%, 50%, 100%, and clamped outside', () => {
    assert.equal(progressBar(0, 10), '░░░░░░░░░░');
    assert.equal(progressBar(0.5, 10), '█████░░░░░');
    assert.equal(progressBar(0.59, 10), '█████░░░░░');
    assert.equal(progressBar(1, 10), '██████████');
    assert.equal(progressBar(1.5, 4), '████');
    assert.equal(progressBar(-1, 4), '░░░░');
    assert.equal(progressBar(NaN, 4), '░░░░');
  });

  it('ETA: the longer of reading the rest and delivering the queue; none without a rate', () => {
    assert.equal(etaMs(AT_START), undefined);
    assert.equal(etaMs({ ...AT_START, bytes: 1024, elapsedMs: 1000 }), 5000);
    // Read to the end, 50 records queued, 25 accepted a second so far.
    assert.equal(etaMs({ ...AT_START, bytes: 6144, elapsedMs: 2000, accepted: 50, queued: 50 }), 2000);
    assert.equal(etaMs({ ...AT_START, bytes: 6144, elapsedMs: 2000, accepted: 0, queued: 50 }), undefined);
    assert.equal(etaMs({ ...AT_START, bytes: 6144, elapsedMs: 2000, accepted: 80 }), 0);
    assert.equal(etaMs({ ...AT_START, totalBytes: undefined, bytes: 10 }), undefined);
  });

  it('the line at 0%, 50% and 100%, on an 80-column terminal and a wide one', () => {
    assert.equal(progressLine(AT_START, 80), '░░░░░░░░░░░░░░░░   0% 0.0/6.0 KiB · ETA --:-- · accepted 0, queued 0, retries 0');
    assert.equal(progressLine({ ...AT_START, bytes: 3072, elapsedMs: 2000, accepted: 40, queued: 2 }, 80), '████████░░░░░░░░  50% 3.0/6.0 KiB · ETA 0:02 · accepted 40, queued 2, retries 0');
    assert.equal(
      progressLine({ ...AT_START, bytes: 3072, elapsedMs: 2000, accepted: 40, queued: 2 }, 120),
      '███████████████░░░░░░░░░░░░░░░  50% 3.0/6.0 KiB · 20 records/s · ETA 0:02 · accepted 40, queued 2, retries 0',
    );
    assert.equal(
      progressLine({ ...AT_START, bytes: 6144, elapsedMs: 4000, accepted: 80, retries: 1 }, 120),
      '██████████████████████████████ 100% 6.0/6.0 KiB · 20 records/s · ETA 0:00 · accepted 80, queued 0, retries 1',
    );
    // A big run on 80 columns: counts shortened, the rate left out (the summary has it), one column to spare.
    assert.equal(
      progressLine({ bytes: 22_963_814, totalBytes: 37_329_305, elapsedMs: 6000, accepted: 129_275, queued: 16_712, retries: 0 }, 80),
      '████░░░░  61% 21.9/35.6 MiB · ETA 0:04 · accepted 129k, queued 16.7k, retries 0',
    );
  });

  it('without a total (a pipe on stdin): bytes read and their rate, no bar, no ETA', () => {
    assert.equal(
      progressLine({ ...AT_START, totalBytes: undefined, bytes: 3 * 1024 * 1024, elapsedMs: 2000, accepted: 1234, queued: 10, retries: 3 }, 80),
      '3.0 MiB read · 1.5 MiB/s · 617 records/s · accepted 1,234, queued 10, retries 3',
    );
    assert.equal(progressLine({ ...AT_START, totalBytes: undefined }, 80), '0 B read · 0 B/s · 0 records/s · accepted 0, queued 0, retries 0');
  });

  it('an empty input is done at once', () => {
    assert.equal(progressLine({ ...AT_START, totalBytes: 0 }, 80), '█████████ 100% 0/0 B · 0 records/s · ETA 0:00 · accepted 0, queued 0, retries 0');
  });

  it('the summary table: aligned columns, every figure, optional rows only when they happened', () => {
    const f: DeliveryFigures = {
      inputs: 2,
      read: { lines: 80, records: 80, success: 67, failure: 11, unknown: 0, parseErrors: 2, skippedHeader: 0, skippedBlank: 0, dropped: 0 },
      records: 80,
      accepted: 78,
      rejected: 1,
      deadLettered: 1,
      undelivered: 0,
      requests: 3,
      retries: 12_345,
      elapsedMs: 1500,
    };
    assert.equal(
      formatTable('ftplog-otel ship: summary', deliveryRows(f)),
      [
        'ftplog-otel ship: summary',
        '  inputs                      2',
        '  lines                      80',
        '  records                    80',
        '    success                  67',
        '    failure                  11',
        '    unknown                   0',
        '  parse errors                2',
        '  accepted                   78',
        '  rejected by collector       1',
        '  dead-lettered               1',
        '  not delivered               0',
        '  requests                    3',
        '  retries                12,345',
        '  elapsed                  1.50 s',
        '  rate                       52 records/s',
        '',
      ].join('\n'),
    );
    const rows = deliveryRows({ ...f, read: { ...f.read, skippedHeader: 1, skippedBlank: 2, dropped: 3, unrecognised: 4, invalidUtf8: 5 } });
    assert.deepEqual(
      rows.slice(7, 11),
      [
        ['lines skipped', '3', '(1 header, 2 blank)'],
        ['dropped by transforms', '3'],
        ['lines not FTP server logs', '4'],
        ['lines not valid UTF-8', '5'],
      ],
    );
  });

  it('text for a terminal: control characters escaped on every line, line ends kept', () => {
    assert.equal(terminalText('a\x1b[31mb\r\nc\x07\n'), 'a\\x1b[31mb\\x0d\nc\\x07\n');
    assert.equal(terminalText('plain, é 日本\n'), 'plain, é 日本\n');
  });

  it('the total of the inputs: file sizes; unknown with a pipe on stdin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftplog-progress-'));
    try {
      writeFileSync(join(dir, 'a'), 'x'.repeat(100));
      writeFileSync(join(dir, 'b'), 'y'.repeat(23));
      assert.equal(inputBytes([join(dir, 'a'), join(dir, 'b')], undefined), 123);
      assert.equal(inputBytes([join(dir, 'a'), '-'], new PassThrough()), undefined);
      assert.equal(inputBytes([join(dir, 'gone')], undefined), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progress: the bar on a terminal', () => {
  it('puts a message above the bar (line cleared first, bar drawn again below), and clears the bar at the end', () => {
    const t = fakeTerminal(40);
    const bar = new TerminalBar(t.out, (columns) => `frame of ${columns}`, { draw: true });
    bar.messages.write('ftplog-otel ship: warning: a \x1b[31mred\x1b[0m name\n');
    bar.stop();
    bar.stop();
    bar.messages.write('after\x07\n');
    assert.equal(
      t.text(),
      // column 1, clear the line, the message; column 1, the frame, clear to its right; at stop: column 1, clear down.
      '\x1b[1G\x1b[2Kftplog-otel ship: warning: a \\x1b[31mred\\x1b[0m name\n' + '\x1b[1Gframe of 40\x1b[0K' + '\x1b[1G\x1b[0J' + 'after\\x07\n',
    );
  });

  it('without the bar (--quiet) messages still reach the terminal escaped, with no cursor moves', () => {
    const t = fakeTerminal(40);
    const bar = new TerminalBar(t.out, () => 'never drawn', { draw: false });
    bar.messages.write('one \x1b]0;title\x07\n');
    bar.stop();
    assert.equal(t.text(), 'one \\x1b]0;title\\x07\n');
  });
});

describe('progress: a delivery', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-progress-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Delivery of `file` to the receiver, as ship sets it up. */
  function delivery(file: string, workers = 0): Delivery {
    const cfg = sourceConfig({ timezone: 'UTC', workers }, [file]);
    return {
      started: Date.now(),
      records: openSource(cfg, { stdin: new PassThrough(), output: 'http/protobuf' }),
      sink: otlpSink({ config: resolveOtlpConfig({ endpoint: receiver.url }, {}), resource: {}, deadLetter: join(dir, 'dead.jsonl'), backoff: { initialMs: 20, maxMs: 50 } }),
    };
  }

  it('not a terminal: plain lines, no escape sequence, the bytes read being the file size at the end', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(30));
    const d = delivery(f);
    const lines: string[] = [];
    const out = new PassThrough();
    let seen: () => void = () => {};
    const sawLine = new Promise<void>((resolve) => (seen = resolve));
    out.on('data', (c: Buffer) => {
      lines.push(c.toString('utf8'));
      seen();
    });
    // Refused until a progress line was written: the run cannot end before one.
    let released = false;
    void sawLine.then(() => (released = true));
    receiver.setBehavior(() => (released ? {} : { status: 503 }));
    const p = startDeliveryProgress(d, { out, prefix: 'ftplog-otel ship', progress: true, quiet: false, totalBytes: inputBytes([f], undefined), plainIntervalMs: 20 });
    assert.equal(p.stderr, out);
    assert.equal(p.table, false);
    await pipeline(d.records, d.sink);
    p.stop();
    const text = lines.join('');
    assert.doesNotMatch(text, /\x1b/);
    assert.ok(text.endsWith('\n') && text.length > 0, 'at least one plain line');
    for (const line of text.split('\n').slice(0, -1)) {
      assert.match(line, /^ftplog-otel ship: read \d+ lines, accepted (0|30) records \([\d,]+\/s\), queued \d+, retries \d+(, last error: HTTP 503)?$/);
    }
    assert.equal(d.sink.stats.accepted, 30);
    assert.equal(d.records.totals().bytes, Buffer.byteLength(eftLines(30)));
  });

  it('ship, stderr not a terminal, --progress: the plain summary lines as ever, no escape sequence, no table', async () => {
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'America/Chicago', '--progress', join(projectRoot, 'examples', 'logs')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /\x1b|[█░]|summary/);
    const lines = r.stderr.split('\n');
    assert.deepEqual(lines.slice(0, 2), [
      `ftplog-otel ship: sending to ${receiver.url}/v1/logs (http/protobuf)`,
      'ftplog-otel ship: 2 input(s), 80 lines, 80 records (success 67, failure 11, unknown 0, parse errors 2)',
    ]);
    assert.match(lines[2]!, /^ftplog-otel ship: accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0; 2 requests, 0 retries, \d+\.\d\d s, [\d,]+ records\/s$/);
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
  });

  it('worker threads: the bytes read are those of the blocks done, the file size at the end', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(2000));
    const d = delivery(f, 2);
    assert.equal(d.records.totals().bytes, 0);
    await pipeline(d.records, d.sink);
    assert.equal(d.records.totals().bytes, Buffer.byteLength(eftLines(2000)));
    assert.match(progressLine({ ...deliverySnapshot(d, inputBytes([f], undefined)), elapsedMs: 1000 }, 200), /^█{30} 100% 201\.0\/201\.0 KiB · 2,000 records\/s · ETA 0:00 · accepted 2,000, queued 0, retries 0$/);
    assert.equal(d.sink.stats.accepted, 2000);
  });

  it('--quiet: no progress line even with --progress; not a terminal: no table', async () => {
    const f = join(dir, 'cl.log');
    writeFileSync(f, eftLines(5));
    const d = delivery(f);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const p = startDeliveryProgress(d, { out, prefix: 'ftplog-otel ship', progress: true, quiet: true, totalBytes: undefined, plainIntervalMs: 1 });
    await pipeline(d.records, d.sink);
    await new Promise((r) => setTimeout(r, 20));
    p.stop();
    assert.equal(Buffer.concat(chunks).length, 0);
    assert.equal(receiver.records.length, 5);
  });
});

/**
 * What a person sees: ship in a tmux pane (a real pseudo-terminal), the
 * screen read with capture-pane. Each test waits for states on the screen,
 * never for a time: the receiver refuses until the bar has been seen.
 */
describe('progress: ship on a real terminal (tmux)', function () {
  // tmux is in Debian; .ci/run installs it where it is missing.
  // A tmux server of its own for each test, its socket in the test's folder: a server still shutting down after the last test must not take the next one's session.
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', join(dir, 'tmux'), '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
  const bin = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
  const examples = join(projectRoot, 'examples', 'logs');
  let receiver: OtlpReceiver;
  let dir: string;
  let session = 0;

  before(() => {
    assert.equal(spawnSync('tmux', ['-V']).status, 0, 'this test needs tmux');
  });
  beforeEach(async () => {
    session++;
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-progress-'));
  });
  afterEach(async () => {
    spawnSync('tmux', ['-S', join(dir, 'tmux'), 'kill-server']);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `ship ARGS` in a new 120×40 pane; the pane prints EXIT=code when it ends and stays. */
  function ship(args: string[]): string {
    const name = `s${session}`;
    const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, bin, 'ship', ...args].map(quote).join(' ');
    // The shell traps Ctrl-C so that it outlives ship and prints its exit code.
    tmux('-u', 'new-session', '-d', '-s', name, '-x', '120', '-y', '40', `trap ':' INT; ${command}; echo "EXIT=$?"; exec sleep 600`);
    return name;
  }

  /** The pane's lines (a line the terminal wrapped joined again), right-trimmed, without the empty ones. */
  function screen(name: string): string[] {
    return tmux('capture-pane', '-p', '-J', '-t', name)
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '');
  }

  async function waitFor(name: string, what: string, done: (lines: string[]) => boolean): Promise<string[]> {
    for (let i = 0; i < 600; i++) {
      const lines = screen(name);
      if (done(lines)) return lines;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`the screen never showed ${what}:\n${screen(name).join('\n')}`);
  }

  const exited = (lines: string[]): boolean => lines.some((l) => l.startsWith('EXIT='));
  const BAR = /^(█+) 100% 11\.6\/11\.6 KiB · 0 records\/s · ETA --:-- · accepted 0, queued 80, retries ([1-9]\d*)$/;

  it('a bar while the collector refuses, its messages above the bar, then the table with the figures of the examples', async () => {
    let released = false;
    receiver.setBehavior(() => (released ? {} : { status: 503 }));
    const name = ship(['--endpoint', receiver.url, '--timezone', 'America/Chicago', '--retry-initial', '50ms', '--retry-max', '100ms', examples]);

    const during = await waitFor(name, 'the bar of a run being retried', (l) => BAR.test(l.at(-1) ?? ''));
    released = true;
    // Everything read (both files, 11,836 bytes), nothing accepted yet; 120 columns leave room for the widest bar.
    const [, cells, retries] = BAR.exec(during.at(-1)!)!;
    assert.equal(cells!.length, 30);
    assert.equal(during.at(-1), `${'█'.repeat(30)} 100% 11.6/11.6 KiB · 0 records/s · ETA --:-- · accepted 0, queued 80, retries ${retries}`);
    assert.deepEqual(during.slice(0, -1).map((l) => l.replace(/[\d.]+ s/, 'T s')), [
      `ftplog-otel ship: sending to ${receiver.url}/v1/logs (http/protobuf)`,
      'ftplog-otel ship: collector unreachable or refusing for now: HTTP 503; retrying in T s and until it answers, nothing is dropped',
    ]);

    const after = await waitFor(name, 'the end of the run', exited);
    assert.equal(after.at(-1), 'EXIT=0');
    assert.equal(after.filter((l) => /[█░]/.test(l)).length, 0, 'the bar is cleared');
    assert.match(after[2]!, /^ftplog-otel ship: collector accepting again after [\d.]+ s \(\d+ retries\)$/);
    const table = after.slice(after.indexOf('ftplog-otel ship: summary') + 1, -1);
    const expected: [string, RegExp][] = [
      ['inputs', /^2$/],
      ['lines', /^80$/],
      ['records', /^80$/],
      ['  success', /^67$/],
      ['  failure', /^11$/],
      ['  unknown', /^0$/],
      ['parse errors', /^2$/],
      ['accepted', /^80$/],
      ['rejected by collector', /^0$/],
      ['dead-lettered', /^0$/],
      ['not delivered', /^0$/],
      ['requests', /^\d+$/],
      ['retries', /^[1-9]\d*$/],
      ['elapsed', /^\d+\.\d\d s$/],
      ['rate', /^[\d,]+ records\/s$/],
    ];
    assert.equal(table.length, expected.length, table.join('\n'));
    // Labels from column 3; values end in one column, units after them.
    const valueEnd = table.map((row) => row.replace(/ (s|records\/s)$/, '').length);
    assert.deepEqual(new Set(valueEnd).size, 1, table.join('\n'));
    table.forEach((row, i) => {
      const [label, value] = expected[i]!;
      assert.ok(row.startsWith(`  ${label} `), row);
      assert.match(row.slice(2 + label.length).trim(), value, row);
    });
  });

  it('--quiet: nothing at all on the terminal', async () => {
    const name = ship(['--endpoint', receiver.url, '--timezone', 'UTC', '--quiet', examples]);
    assert.deepEqual(await waitFor(name, 'the end of the run', exited), ['EXIT=0']);
    assert.equal(receiver.records.length, 80);
  });

  it("the collector's words reach the terminal with their control characters escaped", async () => {
    receiver.setBehavior({ partialSuccess: { rejected: 1, message: 'bad \x1b[31mred\x1b[0m \x07record' } });
    const name = ship(['--endpoint', receiver.url, '--timezone', 'UTC', '--dead-letter', join(dir, 'dead.jsonl'), join(examples, 'xfer.20241118')]);
    const lines = await waitFor(name, 'the end of the run', exited);
    assert.equal(lines.at(-1), 'EXIT=1');
    assert.ok(lines.includes('ftplog-otel ship: the collector rejected records: bad \\x1b[31mred\\x1b[0m \\x07record'), lines.join('\n'));
    assert.match(lines.find((l) => l.startsWith('  rejected by collector'))!, /^  rejected by collector +1$/);
    assert.equal(lines.filter((l) => /[█░]/.test(l)).length, 0, 'the bar is cleared');
  });

  it('Ctrl-C: the stopping message above the bar, then the table of what was settled, exit 130', async () => {
    receiver.setBehavior({ status: 503 });
    const dead = join(dir, 'dead.jsonl');
    const name = ship(['--endpoint', receiver.url, '--timezone', 'UTC', '--retry-initial', '50ms', '--retry-max', '100ms', '--shutdown-timeout', '1s', '--dead-letter', dead, examples]);
    await waitFor(name, 'the bar of a run being retried', (l) => BAR.test(l.at(-1) ?? ''));
    tmux('send-keys', '-t', name, 'C-c');
    const stopping = 'ftplog-otel ship: stopping: no more input is read; delivering 80 queued records (up to 1 s); what is not delivered by then goes to the dead-letter file. Interrupt again to stop at once.';
    const during = await waitFor(name, 'the stopping message above the bar', (l) => l.at(-2) === stopping && BAR.test(l.at(-1) ?? ''));
    assert.equal(during.length, 4, during.join('\n'));

    const after = await waitFor(name, 'the end of the run', exited);
    assert.equal(after.at(-1), 'EXIT=130');
    assert.equal(after.filter((l) => /[█░]/.test(l)).length, 0, 'the bar is cleared');
    const row = (label: string): string => after.find((l) => l.startsWith(`  ${label} `))!.slice(2 + label.length).trim();
    assert.deepEqual(
      ['records', 'accepted', 'rejected by collector', 'dead-lettered', 'not delivered'].map(row),
      ['80', '0', '0', '80', '0'],
    );
    assert.ok(after.includes(`ftplog-otel ship: to send them again: ftplog-otel ship --input jsonl ${dead}`), after.join('\n'));
  });
});
