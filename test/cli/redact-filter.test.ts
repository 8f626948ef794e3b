/** --redact-* and --drop-*: record transforms on the command line, the same on the main thread and on worker threads, drops counted by reason in the summary. */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { fixture, projectRoot } from '../helpers/paths.js';
import { startReceiver, type OtlpReceiver } from '../../src/receiver/receiver.js';

const KEY = 'cli-test-key-5f1d0c9e8b7a6';
const ENV = { FTPLOG_OTEL_REDACT_KEY: KEY };
const EXAMPLES = join(projectRoot, 'examples', 'logs');
const INPUTS = [fixture('eft', 'eft-client-vendor.log'), fixture('ncftpd', 'ncftpd-xfer-vendor.log'), EXAMPLES];
const REDACT = ['--redact-hash', 'user.name', '--redact-hash', 'client.address', '--redact-hash', 'server.address', '--redact-drop', 'user.email', '--redact-key-env', 'FTPLOG_OTEL_REDACT_KEY'];

interface JsonRecord {
  eventName: string;
  body: string;
  attributes: Record<string, unknown>;
}

function records(stdout: string): JsonRecord[] {
  return stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonRecord);
}

function withoutObserved(text: string): string {
  return text.replace(/"observedTimestamp":"[^"]*"/g, '"observedTimestamp":""');
}

function withoutElapsed(summary: string): string {
  return summary.replace(/; [\d.]+ s, [\d,]+ records\/s/, '; ELAPSED');
}

async function hmac32(text: string): Promise<string> {
  const k = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(KEY), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return Buffer.from(await webcrypto.subtle.sign('HMAC', k, new TextEncoder().encode(text))).subarray(0, 16).toString('hex');
}

describe('--redact-* and --drop-* (redact and filter transforms)', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'ftplog-redact-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parse: hashes and drops with the key from the environment given, the same with --workers 0 and 2, the key shown nowhere', async () => {
    const plain = await cli(['parse', '--timezone', 'UTC', '--workers', '0', ...INPUTS]);
    const one = await cli(['parse', '--timezone', 'UTC', '--workers', '0', ...REDACT, ...INPUTS], { env: ENV });
    // The worker threads do not see this environment (it is not process.env): the key reaches them resolved.
    assert.equal(process.env['FTPLOG_OTEL_REDACT_KEY'], undefined);
    const two = await cli(['parse', '--timezone', 'UTC', '--workers', '2', ...REDACT, ...INPUTS], { env: ENV });
    for (const r of [plain, one, two]) assert.equal(r.code, 0, r.stderr);
    assert.equal(withoutObserved(two.stdout), withoutObserved(one.stdout));
    assert.equal(withoutElapsed(two.stderr), withoutElapsed(one.stderr));
    for (const r of [one, two]) assert.equal((r.stdout + r.stderr).includes(KEY), false);

    const before = records(plain.stdout);
    const after = records(one.stdout);
    assert.equal(after.length, before.length);
    let hashed = 0;
    for (let i = 0; i < before.length; i++) {
      const [b, a] = [before[i]!, after[i]!];
      if (b.eventName === 'ftplog.parse_error') {
        assert.equal(a.body, '[redacted]');
        // Still found in its file by its number.
        assert.equal(typeof a.attributes['log.file.record_number'], 'number');
        assert.equal(a.attributes['log.file.record_number'], b.attributes['log.file.record_number']);
        continue;
      }
      for (const name of ['user.name', 'client.address', 'server.address']) {
        const v = b.attributes[name];
        if (typeof v !== 'string') continue;
        assert.equal(a.attributes[name], await hmac32(v));
        if (v.length >= 3) assert.equal(a.body.includes(v), false, `${v} in ${a.body}`);
        hashed++;
      }
      assert.equal('user.email' in a.attributes, false);
      assert.equal(a.attributes['ftp.outcome'], b.attributes['ftp.outcome']);
    }
    assert.ok(hashed > 100, String(hashed));
    // Grouping survives: as many distinct user names after as before.
    const users = (rs: JsonRecord[]): number => new Set(rs.map((r) => r.attributes['user.name']).filter((v) => v !== undefined)).size;
    assert.equal(users(after), users(before));
  });

  it('parse: drops counted by reason in the summary, the same with --workers 0 and 2', async () => {
    const expected =
      'ftplog-otel parse: 2 input(s), 80 lines, 11 records (success 67, failure 11, unknown 0, parse errors 2), ' +
      '69 records dropped by transforms (67 filter drop outcome=success; 2 filter drop operation=list); ELAPSED\n';
    for (const workers of ['0', '2']) {
      const r = await cli(['parse', '--timezone', 'UTC', '--workers', workers, '--drop-outcome', 'success', '--drop-operation', 'list', EXAMPLES]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(withoutElapsed(r.stderr), expected);
      const kept = records(r.stdout);
      assert.equal(kept.length, 11);
      // What is left: every failure but the two failed listings, and both parse errors.
      assert.equal(kept.filter((x) => x.attributes['ftp.outcome'] === 'failure').length, 9);
      assert.equal(kept.filter((x) => x.eventName === 'ftplog.parse_error').length, 2);
      assert.equal(kept.filter((x) => x.attributes['ftp.operation'] === 'list').length, 0);
    }
  });

  it('ship: the summary counts drops by reason; dead letters hold hashes, never the key or the values', async () => {
    receiver.setBehavior({ status: 400 });
    const dead = join(dir, 'dead.jsonl');
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--workers', '2', '--dead-letter', dead, '--drop-operation', 'list', ...REDACT, EXAMPLES], { env: ENV });
    assert.equal(r.code, 1, r.stderr);
    const first = r.stderr.split('\n').find((l) => l.includes('input(s)'))!;
    assert.equal(first, 'ftplog-otel ship: 2 input(s), 80 lines, 68 records (success 67, failure 11, unknown 0, parse errors 2), 12 records dropped by transforms (12 filter drop operation=list)');
    const letters = readFileSync(dead, 'utf8');
    const hashOfMueller = await hmac32('müller.k');
    assert.equal(letters.trimEnd().split('\n').length, 68);
    assert.equal(letters.includes(KEY), false);
    assert.equal(r.stderr.includes(KEY), false);
    const entries = letters.trimEnd().split('\n').map((l) => JSON.parse(l) as { record: JsonRecord });
    const shown = (e: { record: JsonRecord }): string => [e.record.body, e.record.attributes['user.name'], e.record.attributes['client.address'], e.record.attributes['server.address']].join('\n');
    for (const v of ['müller.k', 'lucerne', 'webadmin', '198.51.100.23', '130.1.226.47']) assert.equal(entries.some((e) => shown(e).includes(v)), false, v);
    assert.ok(entries.some((e) => e.record.attributes['user.name'] === hashOfMueller));
    // Attributes not listed stay as they are: a home directory still names its user (list file.path too to hide it).
    assert.ok(entries.some((e) => String(e.record.attributes['file.path']).startsWith('/home/webadmin/')));
  });

  it('ship --state-dir (the agent): the summary counts drops by reason too', async () => {
    const r = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--state-dir', join(dir, 'state'), '--dead-letter', join(dir, 'dead.jsonl'), '--drop-outcome', 'failure', '--quiet', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const verbose = await cli(['ship', '--endpoint', receiver.url, '--timezone', 'UTC', '--state-dir', join(dir, 'state2'), '--dead-letter', join(dir, 'dead.jsonl'), '--drop-outcome', 'failure', EXAMPLES]);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.ok(
      verbose.stderr.includes('ftplog-otel ship: 2 input(s), 80 lines, 69 records (success 67, failure 11, unknown 0, parse errors 2), 11 records dropped by transforms (11 filter drop outcome=failure)\n'),
      verbose.stderr,
    );
    assert.equal(receiver.records.length, 2 * 69);
  });

  it('ship --input jsonl: records read back are filtered and redacted too, drops counted by reason', async () => {
    const parsed = await cli(['parse', '--timezone', 'UTC', EXAMPLES]);
    const f = join(dir, 'records.jsonl');
    writeFileSync(f, parsed.stdout);
    const r = await cli(['ship', '--endpoint', receiver.url, '--input', 'jsonl', '--dead-letter', join(dir, 'dead.jsonl'), '--drop-outcome', 'success', ...REDACT, f], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(', 67 records dropped by transforms (67 filter drop outcome=success)\n'), r.stderr);
    assert.equal(receiver.records.length, 13);
    const names = receiver.records.map((x) => x.attributes['user.name']).filter((v) => v !== undefined);
    assert.ok(names.length > 0 && names.every((v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)), JSON.stringify(names));
  });

  it('refuses a missing or short key with exit 2, naming the variable and not its value', async () => {
    const missing = await cli(['parse', ...REDACT, EXAMPLES]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'ftplog-otel parse: redact: the key variable FTPLOG_OTEL_REDACT_KEY is not set (set it to a secret, e.g. the output of: openssl rand -hex 32)\n');
    const short = await cli(['ship', '--endpoint', receiver.url, ...REDACT, EXAMPLES], { env: { FTPLOG_OTEL_REDACT_KEY: 'hunter2' } });
    assert.equal(short.code, 2);
    assert.equal(short.stderr, 'ftplog-otel ship: redact: the key in FTPLOG_OTEL_REDACT_KEY is shorter than 16 bytes (use e.g. the output of: openssl rand -hex 32)\n');
    assert.equal(receiver.requests.length, 0);
    const bad = await cli(['parse', '--drop-outcome', 'ok', EXAMPLES]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'ftplog-otel parse: --drop-outcome: "ok" is not one of success, failure, unknown, parse_error\n');
  });
});
