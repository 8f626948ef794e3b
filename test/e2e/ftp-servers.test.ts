/**
 * Real FTP servers: vsftpd, ProFTPD and Pure-FTPd, from Debian's packages,
 * started by scripts/ftp-servers.sh on free 127.0.0.1 ports. While
 * `ftplog-otel ship --follow` follows their log folder, curl runs a scripted
 * session against each; then what arrived at the project's receiver is
 * checked, record by record, against what each server is known to log.
 *
 * The servers need root and apt (setup installs their libraries and a local
 * user). FTPLOG_E2E decides what happens without them, as for the Collector
 * tests: unset, the suite is skipped with one line saying why; required
 * (CI), that is a failure; off, skipped.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';
import type { ReceivedLogRecord } from '../../src/receiver/types.js';
import { E2E_MODE, E2E_REQUIRED, freePort } from './collector.js';

const run = promisify(execFile);
const BIN = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
const SCRIPT = join(projectRoot, 'scripts', 'ftp-servers.sh');
const BIG = 8 * 1024 * 1024;
/** The ascii file as uploaded: LF line ends, which each server converts in its own way. */
const TEXT = 'hello\nworld\n';
const SERVERS = ['vsftpd', 'proftpd', 'pureftpd'] as const;
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

type Env = Record<string, string>;

function readEnv(file: string): Env {
  const env: Env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Starts the three servers in `dir`: their settings, or why they cannot run. */
async function startServers(dir: string): Promise<Env | string> {
  if (E2E_MODE === 'off') return 'FTPLOG_E2E=off';
  if (process.getuid?.() !== 0) return 'they run as root, and this is not root';
  const ports = { FTP_VSFTPD_PORT: String(await freePort()), FTP_PROFTPD_PORT: String(await freePort()), FTP_PUREFTPD_PORT: String(await freePort()) };
  try {
    await run('bash', [SCRIPT, 'start', dir], { env: { ...process.env, ...ports }, timeout: 10 * 60_000 });
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return `scripts/ftp-servers.sh start exited ${e.code}: ${(e.stderr ?? '').trim().split('\n').slice(-5).join(' / ')}`;
  }
  return readEnv(join(dir, 'servers.env'));
}

/** What curl said when it failed, for the assertion's message. */
const curlErrors: string[] = [];

/** One curl command: an FTP session of its own. Failures are part of the script, so the exit code is returned, not thrown. */
async function curl(args: string[]): Promise<number> {
  try {
    await run('curl', ['--silent', '--show-error', '--output', '/dev/null', ...args], { timeout: 60_000 });
    return 0;
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    curlErrors.push(`curl ${args.join(' ')}: ${e.stderr?.trim()}`);
    return e.code ?? -1;
  }
}

/**
 * The scripted session against the server on `port`, in folder `folder` of
 * the local user's home: the curl exit codes, in order.
 */
async function session(env: Env, port: string, folder: string, files: { big: string; text: string }): Promise<number[]> {
  const url = `ftp://127.0.0.1:${port}`;
  const user = ['--user', `${env['FTP_USER']}:${env['FTP_PASSWORD']}`];
  const codes: number[] = [];
  const step = async (...args: string[]): Promise<void> => {
    codes.push(await curl(args));
  };
  await step(...user, '--quote', `MKD ${folder}`, `${url}/`);
  await step(...user, '--upload-file', files.big, `${url}/${folder}/big.bin`);
  await step(...user, '--use-ascii', '--upload-file', files.text, `${url}/${folder}/my%20file.txt`);
  await step(...user, '--upload-file', files.text, `${url}/${folder}/a;b.txt`);
  await step(...user, `${url}/${folder}/my%20file.txt`);
  await step(...user, '--use-ascii', `${url}/${folder}/a;b.txt`);
  // No SIZE first: the RETR itself meets the missing file.
  await step(...user, '--ignore-content-length', `${url}/${folder}/missing.txt`);
  // curl closes the data connection after 100 bytes: an aborted download.
  await step(...user, '--range', '0-99', `${url}/${folder}/big.bin`);
  await step(...user, '--continue-at', String(BIG - 1000), `${url}/${folder}/big.bin`);
  await step(...user, '--quote', `RNFR ${folder}/a;b.txt`, '--quote', `RNTO ${folder}/renamed.txt`, `${url}/`);
  await step(...user, '--quote', `DELE ${folder}/renamed.txt`, `${url}/`);
  await step('--user', `${env['FTP_USER']}:wrong`, `${url}/`);
  await step('--user', 'anonymous:me@example.com', `${url}/welcome.txt`);
  return codes;
}

/** curl's exit codes for the steps above: 78 for the missing file, 67 for the failed login. */
const CODES = [0, 0, 0, 0, 0, 0, 78, 0, 0, 0, 0, 67, 0];

/** A record's main facts, in one comparable line. */
function fact(r: ReceivedLogRecord): string {
  const a = r.attributes;
  const bytes = a['ftp.transfer.bytes'];
  return [r.eventName, a['ftp.outcome'], r.severityText, a['user.name'] ?? '-', a['user.email'] ?? '-', a['file.path'] ?? '-', a['ftp.target.path'] ?? '-', bytes === undefined ? '-' : String(bytes), a['ftp.transfer.type'] ?? '-'].join(' ');
}

function recordsOf(receiver: OtlpReceiver, logFile: string): ReceivedLogRecord[] {
  return receiver.records.filter((r) => r.attributes['log.file.path'] === logFile);
}

/** The facts, with the byte count of the aborted download (the first of `path`), which depends on timing, checked and replaced. */
function abortedBytes(records: ReceivedLogRecord[], path: string): string[] {
  let seen = 0;
  return records.map((r) => {
    if (r.eventName !== 'ftp.download' || r.attributes['file.path'] !== path) return fact(r);
    if (++seen !== 1) return fact(r);
    const bytes = r.attributes['ftp.transfer.bytes'] as number;
    assert.ok(bytes > 0 && bytes < BIG, `aborted download of ${bytes} bytes`);
    return fact({ ...r, attributes: { ...r.attributes, 'ftp.transfer.bytes': 'ABORTED' } });
  });
}

async function until(pred: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('real FTP servers: their logs shipped as they are written', function () {
  this.timeout(5 * 60_000);
  let dir: string;
  let env: Env;
  let receiver: OtlpReceiver | undefined;
  let ship: ChildProcess | undefined;
  let folder: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'ftplog-ftp-servers-'));
    const started = await startServers(dir);
    if (typeof started === 'string') {
      rmSync(dir, { recursive: true, force: true });
      if (E2E_REQUIRED) throw new Error(`FTPLOG_E2E=required, but the real FTP servers cannot run: ${started}`);
      console.log(`  end-to-end tests against real FTP servers skipped: ${started}`);
      this.skip();
    }
    env = started;
    folder = `e2e-${process.pid}-${Date.now()}`;
  });

  after(async () => {
    if (ship !== undefined && ship.exitCode === null) ship.kill('SIGKILL');
    await receiver?.close();
    if (env === undefined) return;
    await run('bash', [SCRIPT, 'stop', dir]).catch(() => undefined);
    for (const name of SERVERS) rmSync(join(env['FTP_HOME']!, `${folder}-${name}`), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('vsftpd, ProFTPD and Pure-FTPd: every transfer, abort, failure, rename and login arrives as the record it should be', async () => {
    receiver = await startReceiver();
    const files = { big: join(dir, 'big.bin'), text: join(dir, 'text.txt') };
    writeFileSync(files.big, Buffer.alloc(BIG, 'x'));
    writeFileSync(files.text, TEXT);
    const logs = join(dir, 'logs');
    const args = ['ship', '--follow', '--endpoint', receiver.url, '--timezone', ZONE, '--state-dir', join(dir, 'state'), '--poll-interval', '50ms', '--batch-delay', '50ms', logs];
    let stderr = '';
    ship = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    ship.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => ship!.on('close', resolve));

    const started = Date.now() - 1000;
    // One folder per server: they share the local user's home.
    for (const name of SERVERS) {
      const port = env[`FTP_${name.toUpperCase()}_PORT`]!;
      assert.deepEqual(await session(env, port, `${folder}-${name}`, files), CODES, `session against ${name}: ${curlErrors.join('; ')}`);
    }
    const ended = Date.now() + 1000;
    const expected = 9 + 9 + 8 + 39;
    await until(() => receiver!.records.length >= expected, `${expected} records; ship said: ${stderr}`);
    await new Promise((r) => setTimeout(r, 500)); // anything more would be a record too many
    ship.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.equal(receiver.records.length, expected, stderr);

    for (const r of receiver.records) {
      assert.notEqual(r.eventName, 'ftplog.parse_error', JSON.stringify(r.body));
      const t = Number(r.timeUnixNano / 1_000_000n);
      assert.ok(t >= started - 1000 && t <= ended, `time ${new Date(t).toISOString()} of ${String(r.body)}`);
    }
    let home = `${env['FTP_HOME']}/${folder}-vsftpd`;
    const anon = env['FTP_ANON_ROOT']!;

    // vsftpd's xferlog: i for the abort and for the missing file; the anonymous path relative to its root.
    const vsx = recordsOf(receiver, env['FTP_VSFTPD_XFERLOG']!);
    assert.deepEqual(abortedBytes(vsx, `${home}/big.bin`), [
      `ftp.upload success INFO ftplog - ${home}/big.bin - ${BIG} binary`,
      `ftp.upload success INFO ftplog - ${home}/my_file.txt - 14 ascii`,
      `ftp.upload success INFO ftplog - ${home}/a;b.txt - 12 binary`,
      `ftp.download success INFO ftplog - ${home}/my_file.txt - 14 binary`,
      `ftp.download success INFO ftplog - ${home}/a;b.txt - 12 ascii`,
      `ftp.download failure WARN ftplog - ${home}/missing.txt - 0 binary`,
      `ftp.download failure WARN ftplog - ${home}/big.bin - ABORTED binary`,
      `ftp.download success INFO ftplog - ${home}/big.bin - 1000 binary`,
      `ftp.download success INFO - me@example.com /welcome.txt - 31 binary`,
    ]);
    assert.deepEqual([...new Set(vsx.map((r) => r.resource['service.name']))], ['ftp-server']);
    // The abort as it arrived: the schema's types on the wire, and a description that claims no cause.
    const abort = vsx.find((r) => r.attributes['ftp.outcome'] === 'failure' && r.attributes['file.path'] === `${home}/big.bin`)!;
    assert.deepEqual(
      [abort.attributes['error.type'], abort.attributes['ftp.status.description'], abort.attributes['client.address'], abort.attributes['ftp.access_mode'], abort.attributes['network.protocol.name']],
      ['incomplete', 'transfer incomplete; the log does not say why', '127.0.0.1', 'real', 'ftp'],
    );
    assert.deepEqual(
      [abort.attributeKinds['ftp.transfer.bytes'], abort.attributeKinds['ftp.transfer.duration'], abort.severityNumber],
      ['int', 'double', 13],
    );

    // ProFTPD: no record for the missing file, the delete as direction d, real paths.
    home = `${env['FTP_HOME']}/${folder}-proftpd`;
    const pro = recordsOf(receiver, env['FTP_PROFTPD_XFERLOG']!);
    assert.deepEqual(abortedBytes(pro, `${home}/big.bin`), [
      `ftp.upload success INFO ftplog - ${home}/big.bin - ${BIG} binary`,
      `ftp.upload success INFO ftplog - ${home}/my_file.txt - 12 ascii`,
      `ftp.upload success INFO ftplog - ${home}/a;b.txt - 12 binary`,
      `ftp.download success INFO ftplog - ${home}/my_file.txt - 12 binary`,
      `ftp.download success INFO ftplog - ${home}/a;b.txt - 12 ascii`,
      `ftp.download failure WARN ftplog - ${home}/big.bin - ABORTED binary`,
      `ftp.download success INFO ftplog - ${home}/big.bin - 1000 binary`,
      `ftp.delete success INFO ftplog - ${home}/renamed.txt - 12 -`,
      `ftp.download success INFO - me@example.com ${anon}/welcome.txt - 31 binary`,
    ]);

    // Pure-FTPd: always c, even for the abort; anonymous users as the real user ftp.
    home = `${env['FTP_HOME']}/${folder}-pureftpd`;
    const pure = recordsOf(receiver, env['FTP_PUREFTPD_XFERLOG']!);
    assert.deepEqual(abortedBytes(pure, `${home}/big.bin`), [
      `ftp.upload success INFO ftplog - ${home}/big.bin - ${BIG} binary`,
      `ftp.upload success INFO ftplog - ${home}/my_file.txt - 12 ascii`,
      `ftp.upload success INFO ftplog - ${home}/a;b.txt - 12 binary`,
      `ftp.download success INFO ftplog - ${home}/my_file.txt - 12 binary`,
      `ftp.download success INFO ftplog - ${home}/a;b.txt - 14 ascii`,
      `ftp.download success INFO ftplog - ${home}/big.bin - ABORTED binary`,
      `ftp.download success INFO ftplog - ${home}/big.bin - 1000 binary`,
      `ftp.download success INFO ftp - ${anon}/welcome.txt - 31 binary`,
    ]);
    assert.ok(pure.every((r) => r.attributes['client.address'] === '127.0.0.1'));

    // vsftpd's own log: logins, the failed one, mkdir, rename and delete, which no xferlog has.
    home = `${env['FTP_HOME']}/${folder}-vsftpd`;
    const vs = recordsOf(receiver, env['FTP_VSFTPD_LOG']!);
    const connects = vs.filter((r) => r.eventName === 'ftp.connect');
    assert.equal(connects.length, 14); // 13 sessions and the start script's readiness check
    assert.deepEqual(abortedBytes(vs.filter((r) => r.eventName !== 'ftp.connect'), `${home}/big.bin`), [
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.mkdir success INFO ftplog - ${home} - - -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.upload success INFO ftplog - ${home}/big.bin - ${BIG} -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.upload success INFO ftplog - ${home}/my file.txt - 14 -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.upload success INFO ftplog - ${home}/a;b.txt - 12 -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.download success INFO ftplog - ${home}/my file.txt - 14 -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.download success INFO ftplog - ${home}/a;b.txt - 12 -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.download failure WARN ftplog - ${home}/missing.txt - - -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.download failure WARN ftplog - ${home}/big.bin - ABORTED -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.download success INFO ftplog - ${home}/big.bin - 1000 -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.rename success INFO ftplog - ${home}/a;b.txt ${home}/renamed.txt - -`,
      `ftp.login success INFO ftplog - - - - -`,
      `ftp.delete success INFO ftplog - ${home}/renamed.txt - - -`,
      `ftp.login failure ERROR ftplog - - - - -`,
      `ftp.login success INFO ftp me@example.com - - - -`,
      `ftp.download success INFO ftp - /welcome.txt - 31 -`,
    ]);
    assert.deepEqual([...new Set(vs.map((r) => r.resource['service.name']))], ['vsftpd']);
    const failedLogin = vs.find((r) => r.eventName === 'ftp.login' && r.attributes['ftp.outcome'] === 'failure')!;
    assert.deepEqual([failedLogin.attributes['error.type'], failedLogin.attributeKinds['process.pid'], failedLogin.severityNumber], ['login_failed', 'int', 17]);
  });
});
