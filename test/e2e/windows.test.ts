/**
 * The Windows lane: ftplog-otel's dist/ run by the official node.exe under
 * Wine, as a Windows process (process.platform 'win32', Windows paths, the
 * Windows file API), against the project's receiver on 127.0.0.1 on the
 * Linux side. Every outcome is compared with a Linux run of the same input:
 * the records must be the same, all but the time they were observed and the
 * file path, which is the Windows one.
 *
 * Wine is not Windows: sharing modes, delete-pending files and folder
 * notifications can still behave otherwise on a real server (README).
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startReceiver, type OtlpReceiver, type ReceivedLogRecord } from '../../src/receiver/receiver.js';
import { projectRoot } from '../helpers/paths.js';
import { freePort, poll, runFtplog } from './collector.js';
import { WineNode, wineSetup, winJoin, type WinProcess } from './wine.js';

const TIMEZONE = 'America/Chicago';
const EXAMPLES = join(projectRoot, 'examples', 'logs');
const EFT_LOGS = 'C:\\ProgramData\\Globalscape\\EFT Server\\Logs';
const PATTERN = `${EFT_LOGS}\\cl*.log`;
const STATE_DIR = 'C:\\ProgramData\\ftplog-otel';
/** The files a test's Windows processes are steered by. */
const LANE = 'C:\\lane';

/** The example EFT log's text. */
const DAY1 = readFileSync(join(EXAMPLES, 'cl241118.log'), 'utf8');
/** The same lines a day later: other content, so not taken for a copy of the first day's. */
const dayAfter = (text: string, days: number): string => text.replace(/2024-11-18/g, `2024-11-${18 + days}`);
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** A record as both platforms must send it: without the time it was observed, the request it came in, and the file path. */
function comparable(r: ReceivedLogRecord): string {
  const { observedTimeUnixNano: _o, requestIndex: _r, attributes, ...rest } = r;
  const { 'log.file.path': _p, ...attrs } = attributes;
  return JSON.stringify({ ...rest, attributes: attrs }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** The same for a record `parse` prints. */
function comparableJson(line: string): string {
  const { observedTimestamp: _o, attributes, ...rest } = JSON.parse(line) as { observedTimestamp: string; attributes: Record<string, unknown> };
  const { 'log.file.path': _p, ...attrs } = attributes;
  return JSON.stringify({ ...rest, attributes: attrs });
}

const sorted = (xs: string[]): string[] => [...xs].sort();

/** The records `ship` sends on Linux for these files (the same content, read where Linux sees it). */
async function linuxRecords(files: string[], extra: string[] = []): Promise<ReceivedLogRecord[]> {
  const receiver = await startReceiver();
  try {
    const run = await runFtplog(['ship', '--endpoint', receiver.url, '--timezone', TIMEZONE, ...extra, ...files]);
    assert.equal(run.code, 0, run.stderr);
    return [...receiver.records];
  } finally {
    await receiver.close();
  }
}

describe('e2e: Windows lane, ftplog-otel as a Windows process (node.exe under Wine)', function () {
  this.timeout(120_000);
  let win: WineNode;
  let receiver: OtlpReceiver;
  let agents: WinProcess[];

  before(async function () {
    const setup = await wineSetup(this);
    this.timeout(120_000);
    win = WineNode.create(setup);
  });
  after(async () => {
    await win?.dispose();
  });
  beforeEach(async () => {
    receiver = await startReceiver();
    agents = [];
    // Each test starts with no logs and no state of an earlier one.
    for (const dir of [EFT_LOGS, STATE_DIR, LANE]) rmSync(win.linuxPath(dir), { recursive: true, force: true });
    for (const dir of [EFT_LOGS, LANE]) mkdirSync(win.linuxPath(dir), { recursive: true });
  });
  afterEach(async () => {
    await Promise.all(agents.map((a) => a.kill()));
    await receiver.close();
  });

  /** `ship --follow` of the EFT log folder, with the default state directory unless `extra` names one. */
  function agent(extra: string[] = [], rotatedIdle = '500ms', pattern = PATTERN): WinProcess {
    const a = win.start([WineNode.BIN, 'ship', '--follow', '--endpoint', receiver.url, '--timezone', TIMEZONE, '--poll-interval', '50ms', '--rotated-idle', rotatedIdle, '--batch-delay', '20ms', ...extra, pattern]);
    agents.push(a);
    return a;
  }

  /** Waits until `check` holds; a timeout says what the Windows process wrote. */
  async function until(a: WinProcess, what: string, check: () => boolean): Promise<void> {
    try {
      await poll(what, () => (check() ? true : undefined), 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}; the process's stderr:\n${a.stderr}`);
    }
  }

  async function records(n: number, a: WinProcess, what: string): Promise<void> {
    await until(a, `${n} records (${what})`, () => receiver.records.length >= n);
  }

  /** Writes a file under C:\ from the Linux side. */
  function writeC(winPath: string, content: string | Buffer): string {
    const p = win.linuxPath(winPath);
    writeFileSync(p, content);
    return p;
  }

  it('node.exe runs as Windows 10, and %ProgramData%\\ftplog-otel lies under the prefix', async () => {
    const run = await win.script(
      "const os = require('os'); import(process.argv[1]).then((m) => console.log(JSON.stringify([process.platform, os.release(), process.env.ProgramData, m.defaultStateDir()])))",
      [`file:///${WineNode.zPath(join(projectRoot, 'dist', 'src', 'sources', 'follow', 'state.js')).replace(/\\/g, '/')}`],
    );
    assert.equal(run.code, 0, run.stderr);
    const [platform, release, programData, stateDir] = JSON.parse(run.stdout) as string[];
    assert.deepEqual([platform, release.split('.')[0], programData, stateDir], ['win32', '10', 'C:\\ProgramData', STATE_DIR]);
    assert.equal(win.linuxPath(programData!), join(win.prefix, 'drive_c', 'ProgramData'));
    assert.ok(existsSync(win.linuxPath(programData!)));
  });

  it('parse of the examples prints the records Linux prints, with Windows file paths', async () => {
    const folder = 'C:\\examples';
    mkdirSync(win.linuxPath(folder), { recursive: true });
    for (const f of ['cl241118.log', 'xfer.20241118']) writeC(winJoin(folder, f), readFileSync(join(EXAMPLES, f)));
    const onWindows = await win.run([WineNode.BIN, 'parse', '--timezone', TIMEZONE, folder]);
    const onLinux = await runFtplog(['parse', '--timezone', TIMEZONE, win.linuxPath(folder)]);
    assert.equal(onLinux.code, 0, onLinux.stderr);
    assert.equal(onWindows.code, 0, onWindows.stderr);
    const winLines = onWindows.stdout.trimEnd().split('\n');
    const linuxLines = onLinux.stdout.trimEnd().split('\n');
    assert.equal(winLines.length, 80);
    assert.deepEqual(winLines.map(comparableJson), linuxLines.map(comparableJson));
    const paths = winLines.map((l) => (JSON.parse(l) as { attributes: Record<string, unknown> }).attributes['log.file.path']);
    assert.deepEqual([...new Set(paths)], ['C:\\examples\\cl241118.log', 'C:\\examples\\xfer.20241118']);
    // The summary, but for the time it took.
    const summary = (s: string): string[] => s.split('\n').filter((l) => l.startsWith('ftplog-otel parse: ')).map((l) => l.replace(/; [0-9.]+ s, .*$/, ''));
    assert.deepEqual(summary(onWindows.stderr), summary(onLinux.stderr));
  });

  it('ship of the examples sends the records Linux sends', async () => {
    const folder = 'C:\\examples';
    mkdirSync(win.linuxPath(folder), { recursive: true });
    for (const f of ['cl241118.log', 'xfer.20241118']) writeC(winJoin(folder, f), readFileSync(join(EXAMPLES, f)));
    const run = await win.run([WineNode.BIN, 'ship', '--endpoint', receiver.url, '--timezone', TIMEZONE, `${folder}\\*`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^ftplog-otel ship: accepted 80, rejected by collector 0, dead-lettered 0, not delivered 0; /m);
    const linux = await linuxRecords([win.linuxPath(folder)]);
    assert.equal(receiver.records.length, 80);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
    assert.equal(receiver.records[0]!.resource['host.name'], hostname());
  });

  it('follows cl*.log through the next day\'s file, and restarts from its checkpoints in %ProgramData%\\ftplog-otel', async () => {
    const day1 = writeC(`${EFT_LOGS}\\cl241118.log`, crlf(DAY1));
    const a = agent();
    await records(40, a, 'the first day');
    assert.match(a.stderr, /^ftplog-otel ship: following C:\\ProgramData\\Globalscape\\EFT Server\\Logs\\cl\*\.log; checkpoints in C:\\ProgramData\\ftplog-otel$/m);
    // EFT opens the next day's file; the first day's gets a last line.
    const day2 = writeC(`${EFT_LOGS}\\cl241119.log`, crlf(dayAfter(DAY1, 1)).slice(0, 2000));
    appendFileSync(day1, crlf('2024-11-18 23:59:59; ftp; 192.0.2.7; 21; lucerne;; /late.txt; upload; 0; 0;\n'));
    const day2Full = crlf(dayAfter(DAY1, 1));
    await until(a, 'the second day\'s first lines', () => receiver.records.length > 41);
    appendFileSync(day2, day2Full.slice(2000));
    await records(81, a, 'both days');

    // Each file is known by its Windows file identity: the checkpoints' keys are node.exe's dev:ino.
    const ids = await win.script("const fs = require('fs'); console.log(JSON.stringify(process.argv.slice(1).map((f) => { const s = fs.statSync(f); return s.dev + ':' + s.ino; })))", [`${EFT_LOGS}\\cl241118.log`, `${EFT_LOGS}\\cl241119.log`]);
    const keys = JSON.parse(ids.stdout) as string[];
    const checkpointsFile = win.linuxPath(`${STATE_DIR}\\checkpoints.json`);
    const entries = (): { key: string; path: string; offset: number; size: number }[] => (JSON.parse(readFileSync(checkpointsFile, 'utf8')) as { files: { key: string; path: string; offset: number; size: number }[] }).files;
    const sizes = [readFileSync(day1).length, readFileSync(day2).length];
    const byKey = (x: unknown[], y: unknown[]): number => String(x[0]).localeCompare(String(y[0]));
    const want = JSON.stringify([[keys[0], `${EFT_LOGS}\\cl241118.log`, sizes[0]], [keys[1], `${EFT_LOGS}\\cl241119.log`, sizes[1]]].sort(byKey));
    let got = '';
    await until(a, `checkpoints at the end of both files: ${want}`, () => {
      got = existsSync(checkpointsFile) ? JSON.stringify(entries().map((e) => [e.key, e.path, e.offset]).sort(byKey)) : 'none';
      return got === want;
    }).catch((err: Error) => {
      throw new Error(`${err.message}\nthe checkpoints: ${got}`);
    });

    // A clean stop (Ctrl+C), more lines and a third day meanwhile, a restart: only what is new is sent.
    assert.equal(await a.interrupt(), 0, a.stderr);
    assert.equal(existsSync(win.linuxPath(`${STATE_DIR}\\lock`)), false);
    appendFileSync(day2, crlf('2024-11-19 23:59:59; ftp; 192.0.2.7; 21; lucerne;; /late.txt; upload; 0; 0;\n'));
    const day3 = writeC(`${EFT_LOGS}\\cl241120.log`, crlf(dayAfter(DAY1, 2)));
    const b = agent();
    await records(81 + 1 + 40, b, 'after the restart');
    await new Promise((r) => setTimeout(r, 500)); // anything sent twice would arrive by now
    assert.equal(await b.interrupt(), 0, b.stderr);
    assert.equal(receiver.records.length, 122);
    const linux = await linuxRecords([day1, day2, day3]);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
    const paths = new Set(receiver.records.map((r) => r.attributes['log.file.path']));
    assert.deepEqual([...paths].sort(), ['cl241118.log', 'cl241119.log', 'cl241120.log'].map((f) => `${EFT_LOGS}\\${f}`));
    assert.ok(!receiver.records.some((r) => String(r.body).endsWith('\r')), 'a body keeps the CR of its CRLF line end');
  });

  it('refuses a second agent on the same state directory (the lock file), and takes it over once the first is killed', async () => {
    writeC(`${EFT_LOGS}\\cl241118.log`, DAY1);
    const a = agent();
    await records(40, a, 'the first agent');
    const lock = JSON.parse(readFileSync(win.linuxPath(`${STATE_DIR}\\lock`), 'utf8')) as { pid: number; hostname: string; startedAt: string };
    assert.equal(lock.hostname, hostname());
    const second = await win.run([WineNode.BIN, 'ship', '--follow', '--endpoint', receiver.url, '--timezone', TIMEZONE, PATTERN]);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr.split('\n').find((l) => l.includes('state directory')),
      `ftplog-otel ship: state directory ${STATE_DIR} is in use by process ${lock.pid} on ${lock.hostname} (since ${lock.startedAt}); stop it first, or use another --state-dir`,
    );
    // A killed agent leaves its lock behind: the next one finds its process gone and replaces it.
    await a.kill();
    assert.ok(existsSync(win.linuxPath(`${STATE_DIR}\\lock`)));
    const b = agent();
    await until(b, 'the lock taken over', () => /replaced the lock file/.test(b.stderr));
    assert.match(b.stderr, new RegExp(`^ftplog-otel ship: warning: state directory C:\\\\ProgramData\\\\ftplog-otel: replaced the lock file C:\\\\ProgramData\\\\ftplog-otel\\\\lock: process ${lock.pid} that took it is gone$`, 'm'));
    assert.equal(await b.interrupt(), 0, b.stderr);
  });

  it('reads an ANSI (latin1) EFT file with CRLF line ends with --encoding latin1 as Linux does, through a pattern with forward slashes in another case', async () => {
    // The example's lines that latin1 can hold (its CJK file names it cannot).
    const text = DAY1.split('\n').filter((l) => l !== '' && [...l].every((c) => c.charCodeAt(0) <= 0xff)).map((l) => `${l}\r\n`).join('');
    const ansi = Buffer.from(text, 'latin1');
    assert.ok(ansi.includes(0xfc), 'the file holds ü as one latin1 byte');
    const file = writeC(`${EFT_LOGS}\\cl241118.log`, ansi);
    // Forward slashes and another case: the same folder to Windows, and the same file to the pattern.
    const a = agent(['--encoding', 'latin1'], '500ms', 'c:/programdata/globalscape/eft server/logs/CL*.LOG');
    const n = text.split('\r\n').length - 1;
    await records(n, a, 'the latin1 file');
    assert.equal(await a.interrupt(), 0, a.stderr);
    const linux = await linuxRecords([file], ['--encoding', 'latin1']);
    assert.equal(linux.length, n);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
    assert.ok(receiver.records.some((r) => r.attributes['user.name'] === 'müller.k'));
    assert.deepEqual([...new Set(receiver.records.map((r) => r.attributes['log.file.path']))], ['c:\\programdata\\globalscape\\eft server\\logs\\cl241118.log']);
    assert.doesNotMatch(a.stderr, /not valid UTF-8/);
  });

  it('reads a file another Windows process holds open for writing and appends to', async () => {
    const file = `${EFT_LOGS}\\cl241121.log`;
    const lines = crlf(dayAfter(DAY1, 3)).split(/(?<=\n)/);
    writeC('C:\\lane\\writer-input.log', lines.join(''));
    const a = agent();
    await until(a, 'the agent to start', () => /checkpoints in/.test(a.stderr));
    // Writes the first half, keeps the file open until C:\next exists, writes the rest, holds it until C:\stop exists.
    const writer = win.start([
      '-e',
      `const fs = require('fs');
       const lines = fs.readFileSync('C:\\\\lane\\\\writer-input.log', 'latin1').split(/(?<=\\n)/);
       const fd = fs.openSync(process.argv[1], 'a');
       const half = Math.floor(lines.length / 2);
       for (const l of lines.slice(0, half)) fs.writeSync(fd, l, null, 'latin1');
       const until = (f, then) => { const t = setInterval(() => { if (fs.existsSync(f)) { clearInterval(t); then(); } }, 20); };
       until('C:\\\\lane\\\\next', () => { for (const l of lines.slice(half)) fs.writeSync(fd, l, null, 'latin1'); until('C:\\\\lane\\\\stop', () => { fs.closeSync(fd); console.log('closed'); }); });`,
      '--',
      file,
    ]);
    const half = Math.floor(lines.length / 2);
    await records(half, a, 'the first half, written by a process that holds the file');
    assert.equal(await Promise.race([writer.exited, Promise.resolve('running')]), 'running');
    writeC('C:\\lane\\next', '');
    await records(lines.length, a, 'the rest');
    assert.equal(await Promise.race([writer.exited, Promise.resolve('running')]), 'running');
    writeC('C:\\lane\\stop', '');
    assert.equal(await writer.exited, 0, writer.stderr);
    assert.equal(writer.stdout, 'closed\n');
    assert.equal(await a.interrupt(), 0, a.stderr);
    const linux = await linuxRecords([win.linuxPath(file)]);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
  });

  it('waits for a file another Windows process holds without sharing it, warning once, and reads it once released', async () => {
    const file = `${EFT_LOGS}\\cl241122.log`;
    writeC('C:\\lane\\writer-input.log', crlf(dayAfter(DAY1, 4)));
    // 0x10000000 is libuv's UV_FS_O_EXLOCK (Node for Windows does not export it): share mode 0, no other opener at all.
    const writer = win.start([
      '-e',
      `const fs = require('fs');
       const c = fs.constants;
       const fd = fs.openSync(process.argv[1], c.O_WRONLY | c.O_CREAT | c.O_APPEND | 0x10000000);
       fs.writeSync(fd, fs.readFileSync('C:\\\\lane\\\\writer-input.log'));
       const t = setInterval(() => { if (fs.existsSync('C:\\\\lane\\\\stop')) { clearInterval(t); fs.closeSync(fd); console.log('closed'); } }, 20);`,
      '--',
      file,
    ]);
    await until(writer, 'the writer to hold the file', () => existsSync(win.linuxPath(file)) && readFileSync(win.linuxPath(file)).length > 0);
    const a = agent();
    const warning = `ftplog-otel ship: warning: ${file}: cannot open (EBUSY); trying again at each scan, without saying so again unless the reason changes`;
    await until(a, 'the sharing violation', () => a.stderr.includes(warning));
    await new Promise((r) => setTimeout(r, 3000)); // a few more scans, each failing to open it
    assert.equal(a.stderr.split('\n').filter((l) => l.includes('cannot open')).length, 1, a.stderr);
    assert.equal(receiver.records.length, 0);
    writeC('C:\\lane\\stop', '');
    assert.equal(await writer.exited, 0, writer.stderr);
    await records(40, a, 'the released file');
    assert.equal(await a.interrupt(), 0, a.stderr);
    const linux = await linuxRecords([win.linuxPath(file)]);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
  });

  it('does not block a Windows process renaming or deleting files it follows; the renamed file is finished from its handle', async () => {
    writeC(`${EFT_LOGS}\\cl241118.log`, crlf(DAY1));
    const day2 = writeC(`${EFT_LOGS}\\cl241119.log`, crlf(dayAfter(DAY1, 1)));
    const day2Text = readFileSync(day2);
    // Long enough for the line appended to the renamed file below to come before the agent closes it.
    const a = agent([], '10s');
    await records(80, a, 'both files');
    mkdirSync(win.linuxPath(`${EFT_LOGS}\\Archive`));
    const moved = `${EFT_LOGS}\\Archive\\cl241118.log`;
    const run = await win.script(
      `const fs = require('fs');
       const [from, to, gone] = process.argv.slice(1);
       const r = [];
       for (const [what, f] of [['rename', () => fs.renameSync(from, to)], ['delete', () => fs.unlinkSync(gone)]]) {
         try { f(); r.push(what + ' ok'); } catch (e) { r.push(what + ' ' + e.code); }
       }
       console.log(r.join(', '));`,
      [`${EFT_LOGS}\\cl241118.log`, moved, `${EFT_LOGS}\\cl241119.log`],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'rename ok, delete ok\n');
    assert.ok(existsSync(win.linuxPath(moved)));
    // A last line written to the renamed file is read from the agent's open handle.
    appendFileSync(win.linuxPath(moved), crlf('2024-11-18 23:59:59; ftp; 192.0.2.7; 21; lucerne;; /late.txt; upload; 0; 0;\n'));
    await records(81, a, 'the renamed file\'s last line');
    const day3 = writeC(`${EFT_LOGS}\\cl241120.log`, crlf(dayAfter(DAY1, 2)));
    await records(121, a, 'the next day\'s file');
    await new Promise((r) => setTimeout(r, 500)); // anything read twice would arrive by now
    assert.equal(await a.interrupt(), 0, a.stderr);
    assert.equal(receiver.records.length, 121);
    // Once the agent has closed it, the deleted file is gone.
    assert.equal(existsSync(day2), false);
    writeFileSync(day2, day2Text);
    const linux = await linuxRecords([win.linuxPath(moved), day2, day3]);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
  });

  it('runs the command line of the Windows service recipe (examples/windows/ftplog-otel.xml) as written, and stops on Ctrl+C with its summary', async () => {
    const xml = readFileSync(join(projectRoot, 'examples', 'windows', 'ftplog-otel.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const one = (tag: string): string => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)![1]!;
    const executable = one('executable');
    const args = [...xml.matchAll(/<argument>([^<]*)<\/argument>/g)].map((m) => m[1]!);
    const env = Object.fromEntries([...xml.matchAll(/<env name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
    const cwd = one('workingdirectory');
    assert.equal(executable, 'C:\\Program Files\\nodejs\\node.exe');
    const bin = args.find((x) => x.endsWith('bin.js'))!;
    assert.equal(bin, 'C:\\Program Files\\ftplog-otel\\node_modules\\ftplog-otel\\dist\\src\\cli\\bin.js');
    assert.equal(args[args.length - 1], PATTERN);
    // Installed as the recipe installs it: node.exe where the Node installer puts it, the package under Program Files.
    // (Links to this checkout and to the node.exe prepared, in place of the installers.)
    const pkg = win.linuxPath('C:\\Program Files\\ftplog-otel\\node_modules\\ftplog-otel');
    mkdirSync(join(pkg, '..'), { recursive: true });
    symlinkSync(projectRoot, pkg);
    mkdirSync(win.linuxPath('C:\\Program Files\\nodejs'), { recursive: true });
    symlinkSync(win.setup.nodeExe, win.linuxPath(executable));
    mkdirSync(win.linuxPath(cwd), { recursive: true }); // step 4 of the recipe
    writeC(`${EFT_LOGS}\\cl241118.log`, crlf(DAY1));
    // The collector is this test's receiver, the metrics port a free one; everything else as the file says.
    const metricsPort = await freePort();
    const argv = args.map((x, i) => (args[i - 1] === '--metrics-address' ? `127.0.0.1:${metricsPort}` : x));
    const a = win.start(argv, { env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, cwd: win.linuxPath(cwd) });
    agents.push(a);
    await records(40, a, 'the service');
    assert.equal(receiver.requests[0]!.headers['authorization'], 'Bearer REPLACE-WITH-TOKEN');
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    assert.equal(await a.interrupt(), 0, a.stderr);
    assert.match(a.stderr, /^ftplog-otel ship: accepted 40, rejected by collector 0, dead-lettered 0, not delivered 0; /m);
    assert.ok(existsSync(win.linuxPath(`${STATE_DIR}\\checkpoints.json`)));
    const linux = await linuxRecords([win.linuxPath(`${EFT_LOGS}\\cl241118.log`)]);
    assert.deepEqual(sorted(receiver.records.map(comparable)), sorted(linux.map(comparable)));
  });
});
