/**
 * Every code block of README.md runs as written, or says why it cannot.
 *
 * - `sh`: each command line runs through /bin/sh from the project root, with
 *   `ftplog-otel` on the PATH as npm installs it (the built dist/src/cli/bin.js,
 *   started by its own #! line). A receiver on 127.0.0.1 stands for the
 *   collector the README puts on localhost:4318: its address replaces
 *   `http://localhost:4318` and is the default OTEL_EXPORTER_OTLP_ENDPOINT.
 *   The `<!-- readme-test: … -->` note before a block names the lines that
 *   need what a test cannot have (the npm registry, Windows, otelcol-contrib)
 *   and the bundled examples that stand for a server's log folders.
 * - `js`/`mjs`/`ts`/`typescript`: written to a file inside the package
 *   (TypeScript transpiled first), so that `import 'ftplog-otel'` resolves
 *   through package.json's "exports" to dist/, as it does for a user who
 *   installed the package, and run with node.
 * - `yaml`/`json`: must parse. `text`: output, not run. `logql`: checked by
 *   test/loki/queries.test.ts.
 *
 * Every command and snippet run has its expected outcome below, and the
 * blocks and lines skipped are counted, so a README block that is new,
 * changed or not runnable fails here until it is looked at.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { codeBlocks, commands, parseNote, type CodeBlock, type Command } from './helpers/readme-blocks.js';
import { projectRoot } from './helpers/paths.js';
import { startReceiver, type OtlpReceiver, type ReceivedLogRecord } from '../src/receiver/receiver.js';
import { transformFromConfig } from '../src/records/transform-config.js';

const README = join(projectRoot, 'README.md');
const CLI = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
const README_COLLECTOR = 'http://localhost:4318';
const EFT_LINES = readFileSync(join(projectRoot, 'examples', 'logs', 'cl241118.log'), 'utf8').split('\n').filter((l) => l !== '');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

interface Expected {
  readonly code: number;
  /** Records the receiver holds once the command is done, by `service.name`. */
  readonly services: Readonly<Record<string, number>>;
  /** `ship --follow` runs until these records have arrived, then gets SIGTERM. */
  readonly follow?: boolean;
  readonly check?: (out: Outcome, records: ReceivedLogRecord[]) => void;
}

/** 2024-11-18 01:01:52, the first line of the EFT example, in Europe/Berlin (UTC+1 in November). */
const FIRST_EFT_LINE_BERLIN = BigInt(Date.parse('2024-11-18T00:01:52Z')) * 1_000_000n;

const expectedCommands: Readonly<Record<string, Expected>> = {
  'npx ftplog-otel --help': {
    code: 0,
    services: {},
    check: (out) => assert.equal(out.stdout.split('\n', 1)[0], 'Usage: ftplog-otel <command> [options]'),
  },
  'ftplog-otel ship --endpoint http://localhost:4318 --timezone Europe/Berlin /var/log/eft/cl241118.log': {
    code: 0,
    services: { 'eft-server': 40 },
    check: (_, records) => {
      assert.deepEqual(records.map((r) => r.body), EFT_LINES);
      assert.equal(records[0]!.timeUnixNano, FIRST_EFT_LINE_BERLIN);
    },
  },
  'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME=eft-prod ftplog-otel ship /var/log/eft/': {
    code: 0,
    services: { 'eft-prod': 80 },
  },
  'ftplog-otel stats --timezone America/Chicago examples/logs/': {
    code: 0,
    services: {},
    check: (out) => assert.equal(out.stdout, readFileSync(join(projectRoot, 'test', 'fixtures', 'stats', 'examples.txt'), 'utf8')),
  },
  "ftplog-otel ship --follow --state-dir /var/lib/ftplog-otel --timezone America/Chicago '/var/log/ncftpd/xfer.*'": {
    code: 0,
    services: { ncftpd: 40 },
    follow: true,
  },
  'ftplog-otel parse --pretty --timezone Europe/Berlin /var/log/xferlog /var/log/vsftpd.log': {
    code: 0,
    services: {},
    check: (out) => assert.match(out.stderr, /2 input\(s\), 71 lines, 71 records \(success 64, failure 7, unknown 0, parse errors 0\)/),
  },
  'ftplog-otel ship --follow --state-dir /var/lib/ftplog-otel --timezone Europe/Berlin /var/log/xferlog /var/log/vsftpd.log': {
    code: 0,
    services: { 'ftp-server': 10, vsftpd: 61 },
    follow: true,
  },
  'ftplog-otel ship --follow --state-dir /var/lib/ftplog-otel --timezone Europe/Berlin /var/log/proftpd/xferlog': {
    code: 0,
    services: { 'ftp-server': 10 },
    follow: true,
  },
  "ftplog-otel ship --follow --state-dir /var/lib/ftplog-otel --timezone Europe/Berlin '/var/log/pure-ftpd/transfer.log*'": {
    code: 0,
    services: { 'ftp-server': 9 },
    follow: true,
  },
  'ftplog-otel validate pipelines/backfill-jsonl.yaml': {
    code: 0,
    services: {},
    check: (out) => assert.equal(out.stdout.trimEnd().split('\n').at(-1), 'pipelines/backfill-jsonl.yaml: ok: 2 sources, 0 transforms, sink jsonl to /srv/archive/ftp-records.jsonl (2 warnings)'),
  },
  'ftplog-otel test pipelines/ncftpd-otlp.yaml': {
    code: 0,
    services: {},
    check: (out) => assert.equal(out.stdout.trimEnd().split('\n').at(-1), 'pipelines/ncftpd-otlp.test.yaml: 1 passed, 0 failed'),
  },
};

/** The JavaScript and TypeScript blocks, in README order: where each runs and what it must do. */
const expectedSnippets: readonly (Expected & { cwd: string })[] = [
  {
    // the library example: through an SDK LoggerProvider, then through otlpSink
    cwd: join(projectRoot, 'examples', 'logs'),
    code: 0,
    services: { 'eft-server': 40, [`unknown_service:${process.execPath}`]: 40 },
    check: (out, records) => {
      assert.equal(out.stdout, '');
      assert.equal(out.stderr, 'cl241118.log: every record settled through line 40\n');
      const sdk = records.filter((r) => r.resource['service.name'] !== 'eft-server');
      assert.deepEqual(sdk.map((r) => r.body), EFT_LINES);
      assert.equal(sdk[0]!.timeUnixNano, FIRST_EFT_LINE_BERLIN);
      assert.deepEqual(records.filter((r) => r.resource['service.name'] === 'eft-server').map((r) => r.body), EFT_LINES);
    },
  },
];

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** `A=1 B=2 cmd args` -> `A=1 B=2 exec cmd args`: the command replaces the shell, so that SIGTERM reaches it. */
function execForm(command: string): string {
  const m = /^((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)(.*)$/s.exec(command)!;
  return `${m[1]}exec ${m[2]}`;
}

function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, stop?: Promise<unknown>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, stdout, stderr: signal === null ? stderr : `${stderr}[killed by ${signal}]` }));
    stop?.then(
      () => child.kill('SIGTERM'),
      (err: unknown) => {
        child.kill('SIGKILL');
        reject(err);
      },
    );
  });
}

describe('README.md code blocks', function () {
  this.timeout(30_000);
  const blocks = codeBlocks(readFileSync(README, 'utf8'), 'README.md');
  const byLang = (...langs: string[]): CodeBlock[] => blocks.filter((b) => langs.includes(b.lang));
  const shell = byLang('sh');
  const snippets = byLang('js', 'mjs', 'ts', 'typescript');
  const shellCommands = shell.filter((b) => b.note.skip === undefined).flatMap(commands);

  let receiver: OtlpReceiver;
  let tmp: string;
  let bin: string;
  let snippetDir: string;
  before(() => {
    // npm's bin link runs the file by its #! line; a script that does the same stands for it
    bin = mkdtempSync(join(tmpdir(), 'ftplog-readme-bin-'));
    const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0]!.slice(2);
    writeFileSync(join(bin, 'ftplog-otel'), `#!/bin/sh\nexec ${shebang} '${CLI}' "$@"\n`);
    chmodSync(join(bin, 'ftplog-otel'), 0o755);
    // inside the package, so that 'ftplog-otel' resolves by its own name (gitignored tmp/)
    mkdirSync(join(projectRoot, 'tmp'), { recursive: true });
    snippetDir = mkdtempSync(join(projectRoot, 'tmp', 'readme-'));
  });
  after(() => {
    rmSync(bin, { recursive: true, force: true });
    rmSync(snippetDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver = await startReceiver();
    tmp = mkdtempSync(join(tmpdir(), 'ftplog-readme-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  function env(): NodeJS.ProcessEnv {
    // nothing from the developer's environment (OTEL_* above all) but the PATH
    return { PATH: [bin, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter), HOME: tmp, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
  }

  async function assertOutcome(expected: Expected, outcome: Outcome): Promise<void> {
    assert.equal(outcome.code, expected.code, outcome.stderr);
    const total = Object.values(expected.services).reduce((a, b) => a + b, 0);
    if (total > 0) await receiver.waitForRecords(total);
    assert.deepEqual(countBy(receiver.records, (r) => String(r.resource['service.name'])), expected.services);
    expected.check?.(outcome, receiver.records);
  }

  it('are known: each block by its language, every skip with its reason', () => {
    assert.deepEqual(countBy(blocks, (b) => b.lang), { sh: 7, text: 2, logql: 1, js: 1, yaml: 2 });
    assert.deepEqual(
      blocks.filter((b) => b.note.skip !== undefined).map((b) => b.note.skip),
      ['npm ci reinstalls the dependencies the tests run on, and npm test runs the tests themselves'],
    );
    assert.deepEqual(
      shellCommands.filter((c) => c.run === undefined).map((c) => c.skipReason),
      ['needs the npm registry', 'needs otelcol-contrib and Grafana Loki', 'needs Windows'],
    );
    assert.deepEqual(
      blocks.filter((b) => b.note.skip === undefined && b.note.skipLines.length + b.note.replace.length > 0 && b.lang !== 'sh').map((b) => b.line),
      [],
      'only shell blocks take line notes',
    );
  });

  it('every command run has its expected outcome here, and every expected outcome a command', () => {
    assert.deepEqual(shellCommands.filter((c) => c.run !== undefined).map((c) => c.written).sort(), Object.keys(expectedCommands).sort());
    assert.equal(snippets.length, expectedSnippets.length);
  });

  it('yaml and json blocks parse', () => {
    for (const b of byLang('yaml', 'yml')) assert.doesNotThrow(() => parseYaml(b.code), `README.md:${b.line}`);
    for (const b of byLang('json')) assert.doesNotThrow(() => JSON.parse(b.code), `README.md:${b.line}`);
    // A `transforms:` list is read as transformFromConfig() reads each entry.
    for (const b of byLang('yaml', 'yml')) {
      const doc = parseYaml(b.code) as { transforms?: unknown[] };
      doc.transforms?.forEach((e, i) => assert.doesNotThrow(() => transformFromConfig(e, `transforms[${i}]`), `README.md:${b.line}`));
    }
  });

  for (const command of shellCommands.filter((c): c is Command & { run: string } => c.run !== undefined)) {
    it(`README.md:${command.line}: ${command.written}`, async () => {
      const expected = expectedCommands[command.written];
      assert.ok(expected, 'no expected outcome for this command');
      const line = command.run.split(README_COLLECTOR).join(receiver.url).split('{tmp}').join(tmp);
      const stop = expected.follow ? receiver.waitForRecords(Object.values(expected.services).reduce((a, b) => a + b, 0), 10_000) : undefined;
      await assertOutcome(expected, await run('/bin/sh', ['-c', execForm(line)], { cwd: projectRoot, env: env() }, stop));
    });
  }

  snippets.forEach((block, i) => {
    it(`README.md:${block.line}: the ${block.lang} block`, async () => {
      const expected = expectedSnippets[i];
      assert.ok(expected, 'no expected outcome for this block');
      let code = block.code.split(README_COLLECTOR).join(receiver.url);
      if (block.lang === 'ts' || block.lang === 'typescript') {
        code = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      }
      const file = join(snippetDir, `README-${block.line}.mjs`);
      writeFileSync(file, code);
      await assertOutcome(expected, await run(process.execPath, [file], { cwd: expected.cwd, env: env() }));
    });
  });
});

describe('README code blocks (test/helpers/readme-blocks.ts)', () => {
  const md = [
    '# t',
    '<!-- readme-test: skip: needs a tape drive -->',
    '```sh',
    'tar x',
    '```',
    'text',
    '<!-- readme-test: skip "mount": needs root; "/srv/" as "examples/" -->',
    '```sh',
    '# a comment',
    'mount /dev/x /srv',
    '',
    'ls /srv/a \\',
    '  /srv/b',
    '```',
    '```',
    'no language',
    '```',
  ].join('\n');

  it('reads each block with its language, code and note', () => {
    const [a, b, c] = codeBlocks(md, 'x.md');
    assert.deepEqual(a, { line: 3, lang: 'sh', code: 'tar x', note: { skip: 'needs a tape drive', skipLines: [], replace: [] } });
    assert.deepEqual(b!.note, { skip: undefined, skipLines: [{ text: 'mount', reason: 'needs root' }], replace: [{ from: '/srv/', to: 'examples/' }] });
    assert.deepEqual(c, { line: 15, lang: '', code: 'no language', note: { skip: undefined, skipLines: [], replace: [] } });
  });

  it('gives the command lines as written and as they run', () => {
    assert.deepEqual(commands(codeBlocks(md, 'x.md')[1]!), [
      { line: 10, written: 'mount /dev/x /srv', run: undefined, skipReason: 'needs root' },
      { line: 12, written: 'ls /srv/a /srv/b', run: 'ls examples/a examples/b', skipReason: undefined },
    ]);
  });

  it('refuses a note it cannot read and a block left open', () => {
    assert.throws(() => parseNote('<!-- readme-test: maybe -->', 'x.md:1'), /unknown readme-test clause "maybe"/);
    assert.throws(() => parseNote('<!-- readme-test: skip: x; "a" as "b" -->', 'x.md:1'), /takes no other clause/);
    assert.throws(() => codeBlocks('```sh\nls\n', 'x.md'), /x\.md:1: code block not closed/);
  });
});
