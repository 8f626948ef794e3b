import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { checkRedact, createRedact, redactFromFlags, redactHash, replaceEach, resolveRedactKey, REDACTED, type RedactTransform } from '../../src/records/redact.js';
import { applyTransforms, compileTransforms, newTransformStats, resolveTransformKeys } from '../../src/records/transforms.js';
import { createEnricher, parseErrorRecord } from '../../src/enrich/enrich.js';
import { parseLine } from '../../src/formats/detect.js';
import type { FtpLogRecord, LogFormat } from '../../src/model.js';
import { projectRoot } from '../helpers/paths.js';

const KEY = 'test-key-0123456789abcdef';
const ENV = { FTPLOG_OTEL_REDACT_KEY: KEY };
const enrich = createEnricher({ timezone: 'UTC', now: () => 0 });

/** The record ftplog-otel makes of one line. */
function recordOf(format: LogFormat, text: string): FtpLogRecord {
  const p = parseLine(format, text);
  if (p.kind !== 'entry') throw new Error(`fixture line does not parse: ${text}`);
  return enrich({ kind: 'entry', entry: p.entry, line: { text, position: { line: 1, offset: text.length + 1 } } });
}

/** HMAC-SHA256 by WebCrypto, a second implementation: the first 16 bytes in hex. */
async function webHmac(key: string, text: string): Promise<string> {
  const k = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await webcrypto.subtle.sign('HMAC', k, new TextEncoder().encode(text)));
  return Buffer.from(mac.subarray(0, 16)).toString('hex');
}

const NCFTPD = '2024-11-18 08:13:22 #u1     | R,/home/webadmin/Documents/2024/Contracts/logo.png,34505,0.655,51.471,webadmin,web@example.com,130.1.226.47,,OK,I,PsSf,1731939201,ZztLUwABDLAA,34505,0,';
const EFT = '2024-11-18 01:01:52; sftp; 198.51.100.23; 22; müller.k; \\\\fs01\\finance$\\AP\\Rechnung.pdf; /ap/inbox/Rechnung.pdf; upload; 0; 0;';

describe('redact', () => {
  it('hashes with HMAC-SHA256 under the key, 32 hex digits: the values openssl and WebCrypto compute', async () => {
    const key = resolveRedactKey('FTPLOG_OTEL_REDACT_KEY', ENV);
    // printf '%s' webadmin | openssl dgst -sha256 -hmac test-key-0123456789abcdef
    assert.equal(redactHash(key, 'webadmin'), '4b164ec410828aaf9f88a3687d101a92');
    assert.equal(redactHash(key, '130.1.226.47'), 'a29bf502c83cf400b947edaf6e06ccdf');
    assert.equal(redactHash(key, 'müller.k'), '85c243f7d9923453407a8557529e2157'); // UTF-8 text
    for (const v of ['webadmin', 'web@example.com', '', 'a;b', '\u{1F600}']) assert.equal(redactHash(key, v), await webHmac(KEY, v), v);
  });

  it('hashes listed attributes and drops others, rewriting the body to match', () => {
    const r = createRedact({ type: 'redact', drop: ['user.email'], hash: ['user.name', 'client.address'], keyEnv: 'FTPLOG_OTEL_REDACT_KEY' }, ENV)(recordOf('ncftpd', NCFTPD));
    assert.equal(r.attributes['user.name'], '4b164ec410828aaf9f88a3687d101a92');
    assert.equal(r.attributes['client.address'], 'a29bf502c83cf400b947edaf6e06ccdf');
    assert.equal('user.email' in r.attributes, false);
    // The user name inside the path is the user name too: the body keeps none of the values.
    assert.equal(
      r.body,
      '2024-11-18 08:13:22 #u1     | R,/home/4b164ec410828aaf9f88a3687d101a92/Documents/2024/Contracts/logo.png,34505,0.655,51.471,' +
        '4b164ec410828aaf9f88a3687d101a92,[redacted],a29bf502c83cf400b947edaf6e06ccdf,,OK,I,PsSf,1731939201,ZztLUwABDLAA,34505,0,',
    );
    // Attributes not listed are left as they are.
    assert.equal(r.attributes['file.path'], '/home/webadmin/Documents/2024/Contracts/logo.png');
    assert.equal(r.attributes['ftp.outcome'], 'success');
  });

  it('gives a value the same hash in every record and attribute, and different values different hashes', () => {
    const step = createRedact({ type: 'redact', hash: ['user.name', 'server.address', 'client.address'], keyEnv: 'K' }, { K: KEY });
    const a = step(recordOf('ncftpd', NCFTPD));
    const b = step(recordOf('ncftpd', NCFTPD.replace('08:13:22', '09:00:00')));
    const c = step(recordOf('ncftpd', NCFTPD.replace(',webadmin,', ',jdoe,')));
    assert.equal(a.attributes['user.name'], b.attributes['user.name']);
    assert.notEqual(a.attributes['user.name'], c.attributes['user.name']);
    assert.equal(c.attributes['user.name'], redactHash(resolveRedactKey('K', { K: KEY }), 'jdoe'));
    const e = step(recordOf('eft', EFT.replace('198.51.100.23', '130.1.226.47')));
    assert.equal(e.attributes['server.address'], a.attributes['client.address']);
    // Another key, other hashes.
    const other = createRedact({ type: 'redact', hash: ['user.name'], keyEnv: 'K' }, { K: 'another-key-0123456789' })(recordOf('ncftpd', NCFTPD));
    assert.notEqual(other.attributes['user.name'], a.attributes['user.name']);
  });

  it('EFT: user and host hashed in the attributes and in the body', () => {
    const r = createRedact({ type: 'redact', hash: ['user.name', 'server.address'], keyEnv: 'K' }, { K: KEY })(recordOf('eft', EFT));
    const key = resolveRedactKey('K', { K: KEY });
    assert.equal(r.attributes['user.name'], '85c243f7d9923453407a8557529e2157');
    assert.equal(r.body, EFT.replace('müller.k', '85c243f7d9923453407a8557529e2157').replace('198.51.100.23', redactHash(key, '198.51.100.23')));
    assert.equal(r.attributes['server.port'], 22);
  });

  it('hashes string[] values element by element and numbers of attributes outside the schema as text; the longest value wins in the body', () => {
    const key = resolveRedactKey('K', { K: KEY });
    const record: FtpLogRecord = {
      timestamp: 1,
      observedTimestamp: 2,
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'ftp.download',
      body: 'bob bob@example.com 4711 x,y',
      attributes: { 'ftp.log.format': 'eft.client', tags: ['x', 'y'], 'user.name': 'bob', 'user.email': 'bob@example.com', 'ticket.id': 4711 },
    };
    const r = createRedact({ type: 'redact', hash: ['tags', 'user.name', 'user.email', 'ticket.id'], keyEnv: 'K' }, { K: KEY })(record);
    assert.deepEqual(r.attributes['tags'], [redactHash(key, 'x'), redactHash(key, 'y')]);
    assert.equal(r.attributes['ticket.id'], redactHash(key, '4711'));
    // Numbers are not looked for in the body (they are not names or addresses); strings are, the e-mail before the name in it.
    assert.equal(r.body, `${redactHash(key, 'bob')} ${redactHash(key, 'bob@example.com')} 4711 ${redactHash(key, 'x')},${redactHash(key, 'y')}`);
  });

  it('parse-error records: the body and the quoted parts of the reason go, whatever the attributes', () => {
    const line = '2024-11-18 01:01:52; sftp; 198.51.100.23; 99999; müller.k; a; b; upload; 0; 0;';
    const r = parseErrorRecord({ text: line, position: { line: 3, offset: 100 } }, 'eft', 'invalid port "99999"', 5);
    const out = createRedact({ type: 'redact', drop: ['user.email'] })(r);
    assert.equal(out.body, REDACTED);
    assert.equal(out.attributes['ftplog.error'], 'invalid port "[redacted]"');
    assert.equal(out.attributes['ftp.log.format'], 'eft.client');
    const plain = parseErrorRecord({ text: 'x', position: { line: 1, offset: 2 } }, undefined, 'format not recognised', 5);
    assert.equal(createRedact({ type: 'redact', drop: ['user.name'] })(plain).attributes['ftplog.error'], 'format not recognised');
  });

  it('reads the key from the named variable only, and never shows it', () => {
    assert.throws(() => resolveRedactKey('MY_KEY', {}), { code: 'ERR_CONFIG', message: 'redact: the key variable MY_KEY is not set (set it to a secret, e.g. the output of: openssl rand -hex 32)' });
    assert.throws(() => resolveRedactKey('MY_KEY', { MY_KEY: '' }), { code: 'ERR_CONFIG', message: 'redact: the key variable MY_KEY is empty (set it to a secret, e.g. the output of: openssl rand -hex 32)' });
    assert.throws(() => resolveRedactKey('MY_KEY', { MY_KEY: 'short-secret' }), { code: 'ERR_CONFIG', message: 'redact: the key in MY_KEY is shorter than 16 bytes (use e.g. the output of: openssl rand -hex 32)' });
    const specs = resolveTransformKeys([{ type: 'redact', hash: ['user.name'], keyEnv: 'MY_KEY' }], { MY_KEY: KEY });
    assert.equal(specs[0]!.type === 'redact' && specs[0]!.key !== undefined, true);
    // Printing or serialising the resolved spec shows nothing of the key.
    assert.doesNotMatch(inspect(specs, { depth: 10, showHidden: true }), /test-key|0123456789abcdef/);
    assert.equal(JSON.stringify(specs), '[{"type":"redact","hash":["user.name"],"keyEnv":"MY_KEY","key":{}}]');
    // A bad spec is refused for itself before any variable is read.
    assert.throws(() => resolveTransformKeys([{ type: 'redact', hash: ['server.port'], keyEnv: 'UNSET_0' }], {}), { code: 'ERR_INVALID_OPTION', message: /^redact: hash\[0\]: "server.port"/ });
    // compileTransforms() resolves what is not resolved yet, from the environment it is given.
    assert.throws(() => compileTransforms([{ type: 'redact', hash: ['user.name'], keyEnv: 'MY_KEY' }], {}), { code: 'ERR_CONFIG' });
  });

  it('refuses bad specs naming the field', () => {
    const bad = (spec: Partial<RedactTransform>, message: string, path: unknown[]): void => {
      assert.throws(() => checkRedact({ type: 'redact', ...spec } as RedactTransform), (err: Error & { code?: string; path?: unknown }) => {
        assert.equal(err.code, 'ERR_INVALID_OPTION');
        assert.equal(err.message, message);
        assert.deepEqual(err.path, path);
        return true;
      });
    };
    bad({}, 'redact: drop and hash list no attribute', []);
    bad({ drop: [], hash: [] }, 'redact: drop and hash list no attribute', []);
    bad({ hash: ['user.name'] }, 'redact: keyEnv: must name the environment variable that holds the key when hash lists attributes', ['keyEnv']);
    bad({ hash: ['user.name'], keyEnv: 'MY KEY' }, 'redact: keyEnv: must be the name of an environment variable (letters, digits and _)', ['keyEnv']);
    bad({ hash: ['user.name', 'server.port'], keyEnv: 'K' }, 'redact: hash[1]: "server.port" is an attribute of type int, which a hash would turn into a string; drop it instead', ['hash', 1]);
    bad({ drop: ['user.name'], hash: ['user.name'], keyEnv: 'K' }, 'redact: hash[0]: "user.name" is listed in drop too', ['hash', 0]);
    bad({ drop: ['user.email', 'user.email'] }, 'redact: drop[1]: "user.email" is listed twice', ['drop', 1]);
    bad({ drop: ['ftp.log.format'] }, 'redact: drop[0]: "ftp.log.format" says which format the record is of and cannot be redacted', ['drop', 0]);
    bad({ drop: [''] }, 'redact: drop[0]: an attribute name must be a non-empty string', ['drop', 0]);
    bad({ drop: 'user.email' as never }, 'redact: drop: must be a list of attribute names', ['drop']);
    bad({ drop: ['user.email'], keep: ['x'] } as never, 'redact: keep: unknown field (known: drop, hash, keyEnv)', ['keep']);
    // A drop-only step needs no key: server.port may be dropped.
    assert.doesNotThrow(() => checkRedact({ type: 'redact', drop: ['server.port'] }));
  });

  it('builds a step from the flags, naming the flag when one is wrong', () => {
    assert.equal(redactFromFlags(undefined, undefined, undefined), undefined);
    assert.deepEqual(redactFromFlags(['user.email'], ['user.name'], 'K'), { type: 'redact', drop: ['user.email'], hash: ['user.name'], keyEnv: 'K' });
    assert.throws(() => redactFromFlags(undefined, ['user.name'], undefined), { code: 'ERR_INVALID_ARGUMENT', message: '--redact-key-env: must name the environment variable that holds the key when hash lists attributes' });
    assert.throws(() => redactFromFlags(undefined, ['ftp.status.code'], 'K'), {
      code: 'ERR_INVALID_ARGUMENT',
      message: '--redact-hash: "ftp.status.code" is an attribute of type int, which a hash would turn into a string; drop it instead',
    });
    assert.throws(() => redactFromFlags(undefined, undefined, 'K'), { code: 'ERR_INVALID_ARGUMENT', message: '--redact-key-env is only of use with --redact-hash' });
  });

  it('runs in a chain, after a set, counting nothing as dropped', () => {
    const t = compileTransforms([{ type: 'set', attributes: { owner: 'webadmin' } }, { type: 'redact', hash: ['owner'], keyEnv: 'K' }], { K: KEY })!;
    const stats = newTransformStats();
    const r = applyTransforms(t, recordOf('ncftpd', NCFTPD), stats)!;
    assert.equal(r.attributes['owner'], '4b164ec410828aaf9f88a3687d101a92');
    assert.deepEqual(stats, { dropped: {} });
  });

  it('property: a body of redacted values and other text keeps none of the values, and reads as the values replaced in place', () => {
    const key = resolveRedactKey('K', { K: KEY });
    // Values of letters G-Z, text between them of other characters: neither hex digits nor the marker can spell a value.
    const value = fc.stringMatching(/^[G-Z]{1,6}$/);
    const filler = fc.stringMatching(/^[ ;,/.\-0-9]{1,4}$/);
    fc.assert(
      fc.property(fc.uniqueArray(value, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(fc.nat(), filler), { maxLength: 12 }), fc.nat(), (values, pieces, split) => {
        const dropped = values.slice(0, split % (values.length + 1));
        const hashed = values.slice(dropped.length);
        const parts = pieces.map(([i, f]) => [values[i % values.length]!, f] as const);
        const body = parts.map(([v, f]) => v + f).join('');
        const record: FtpLogRecord = { timestamp: 1, observedTimestamp: 1, severityNumber: 9, severityText: 'INFO', eventName: 'ftp.upload', body, attributes: {} };
        values.forEach((v, i) => (record.attributes[`a${i}`] = v));
        const step = createRedact({ type: 'redact', ...(dropped.length > 0 ? { drop: dropped.map((_, i) => `a${i}`) } : {}), ...(hashed.length > 0 ? { hash: hashed.map((_, i) => `a${i + dropped.length}`), key } : {}) });
        const out = step(record);
        for (const v of values) assert.equal(out.body.includes(v), false);
        assert.equal(out.body, parts.map(([v, f]) => (dropped.includes(v) ? REDACTED : redactHash(key, v)) + f).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('builds the same records where code generation is not allowed (each object key by key)', () => {
    const script = [
      "import { createRedact } from './dist/src/records/redact.js';",
      "import { createEnricher } from './dist/src/enrich/enrich.js';",
      "import { parseLine } from './dist/src/formats/detect.js';",
      'const enrich = createEnricher({ timezone: "UTC", now: () => 0 });',
      `const step = createRedact({ type: 'redact', drop: ['user.email'], hash: ['user.name'], keyEnv: 'K' }, { K: ${JSON.stringify(KEY)} });`,
      `const text = ${JSON.stringify(NCFTPD)};`,
      'const p = parseLine("ncftpd", text);',
      'const out = [];',
      'for (let i = 0; i < 3; i++) out.push(step(enrich({ kind: "entry", entry: p.entry, line: { text, position: { line: 1, offset: 1 } } })));',
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const run = (flags: string[]): string => execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    const generated = run([]);
    const keyByKey = run(['--disallow-code-generation-from-strings']);
    assert.equal(keyByKey, generated);
    const [first] = JSON.parse(generated) as FtpLogRecord[];
    assert.deepEqual(Object.keys(first!.attributes), Object.keys(recordOf('ncftpd', NCFTPD).attributes).filter((k) => k !== 'user.email'));
    assert.equal(first!.attributes['user.name'], '4b164ec410828aaf9f88a3687d101a92');
  });

  it('replaceEach: one pass, left to right, longest first where several start together', () => {
    assert.equal(replaceEach('abc', { from: ['ab', 'bc'], to: ['X', 'Y'] }), 'Xc');
    assert.equal(replaceEach('bob@x bob', { from: ['bob', 'bob@x'], to: ['N', 'E'] }), 'E N');
    assert.equal(replaceEach('aaa', { from: ['a'], to: ['aa'] }), 'aaaaaa');
    assert.equal(replaceEach('none here', { from: ['zz'], to: ['y'] }), 'none here');
  });
});
