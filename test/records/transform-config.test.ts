import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { transformFromConfig, TRANSFORM_JSON_SCHEMA } from '../../src/records/transform-config.js';
import { FILTER_OPERATIONS, FILTER_OUTCOMES, FILTER_STATUS_KINDS } from '../../src/records/filter.js';
import { formatPath, parsePath } from '../../src/records/spec-path.js';
import { FtplogError } from '../../src/errors.js';

const FILE = `
transforms:
  - set: { deployment.environment.name: prod }
  - redact: { drop: [user.email], hash: [user.name, client.address], key_env: FTPLOG_OTEL_REDACT_KEY }
  - filter: { name: quiet-listings, drop: { operation: [list], outcome: [success] } }
  - filter: { keep: { status_kind: [ftp_reply], attributes: { network.protocol.name: [sftp, ftp], ftp.status.code: [550, 226] } } }
`;

/** The error transformFromConfig() throws for `entry` at `transforms[0]`, as [message, path]. */
function failure(entry: unknown, at = 'transforms[0]'): [string, unknown] {
  try {
    transformFromConfig(entry, at);
  } catch (err) {
    assert.ok(err instanceof FtplogError);
    assert.equal(err.code, 'ERR_CONFIG');
    return [err.message, (err as FtplogError & { path: unknown }).path];
  }
  assert.fail('no error');
}

describe('transforms in the file form', () => {
  it('reads the documented example into specs', () => {
    const doc = parseYaml(FILE) as { transforms: unknown[] };
    assert.deepEqual(
      doc.transforms.map((e, i) => transformFromConfig(e, `transforms[${i}]`)),
      [
        { type: 'set', attributes: { 'deployment.environment.name': 'prod' } },
        { type: 'redact', drop: ['user.email'], hash: ['user.name', 'client.address'], keyEnv: 'FTPLOG_OTEL_REDACT_KEY' },
        { type: 'filter', name: 'quiet-listings', drop: { operation: ['list'], outcome: ['success'] } },
        { type: 'filter', keep: { statusKind: ['ftp_reply'], attributes: { 'network.protocol.name': ['sftp', 'ftp'], 'ftp.status.code': ['550', '226'] } } },
      ],
    );
  });

  it('names the place of a bad value in the message and as data', () => {
    const cases: [unknown, string, unknown[]][] = [
      ['set', 'transforms[0]: must be a mapping with one key: set, redact or filter', ['transforms', 0]],
      [{}, "transforms[0]: must have exactly one key, the transform's type (set, redact or filter); found none", ['transforms', 0]],
      [{ set: { a: 'b' }, filter: {} }, "transforms[0]: must have exactly one key, the transform's type (set, redact or filter); found set, filter", ['transforms', 0]],
      [{ rename: {} }, 'transforms[0]: unknown transform "rename" (known: set, redact, filter)', ['transforms', 0]],
      [{ redact: ['user.name'] }, 'transforms[0].redact: must be a mapping', ['transforms', 0, 'redact']],
      [{ set: { team: 7 } }, 'transforms[0].set.team: must be a string (got number; quote it)', ['transforms', 0, 'set', 'team']],
      [{ set: { 'ftp.outcome': 'x' } }, 'transforms[0].set["ftp.outcome"]: "ftp.outcome" is an attribute ftplog-otel sets itself from the log line', ['transforms', 0, 'set', 'ftp.outcome']],
      [{ set: {} }, 'transforms[0].set: sets no attribute', ['transforms', 0, 'set']],
      [{ redact: { hash: ['user.name', 'server.port'], key_env: 'K' } }, 'transforms[0].redact.hash[1]: "server.port" is an attribute of type int, which a hash would turn into a string; drop it instead', ['transforms', 0, 'redact', 'hash', 1]],
      [{ redact: { hash: ['user.name'] } }, 'transforms[0].redact.key_env: must name the environment variable that holds the key when hash lists attributes', ['transforms', 0, 'redact', 'key_env']],
      [{ redact: { hash: ['user.name'], key_env: '$KEY' } }, 'transforms[0].redact.key_env: must be the name of an environment variable (letters, digits and _)', ['transforms', 0, 'redact', 'key_env']],
      [{ redact: { drop: [''] } }, 'transforms[0].redact.drop[0]: an attribute name must be a non-empty string', ['transforms', 0, 'redact', 'drop', 0]],
      [{ redact: { drop: ['user.email'], key: 'abc' } }, 'transforms[0].redact.key: unknown key (known: drop, hash, key_env)', ['transforms', 0, 'redact', 'key']],
      [{ redact: { keyEnv: 'K', hash: ['user.name'] } }, 'transforms[0].redact.keyEnv: unknown key (known: drop, hash, key_env)', ['transforms', 0, 'redact', 'keyEnv']],
      [{ filter: { drop: { status_kind: ['ftp-reply'] } } }, 'transforms[0].filter.drop.status_kind[0]: "ftp-reply" is not one of ftp_reply, sftp, http, winsock, eft, ncftpd, xferlog, vsftpd, unknown', ['transforms', 0, 'filter', 'drop', 'status_kind', 0]],
      [{ filter: { keep: { outcome: ['success', 'ok'] } } }, 'transforms[0].filter.keep.outcome[1]: "ok" is not one of success, failure, unknown, parse_error', ['transforms', 0, 'filter', 'keep', 'outcome', 1]],
      [{ filter: { drop: { statusKind: ['sftp'] } } }, 'transforms[0].filter.drop.statusKind: unknown key (known: outcome, operation, status_kind, attributes)', ['transforms', 0, 'filter', 'drop', 'statusKind']],
      [{ filter: { name: 'x' } }, 'transforms[0].filter: give keep, drop or both', ['transforms', 0, 'filter']],
      [{ filter: { keep: {} } }, 'transforms[0].filter.keep: has no condition (it would match every record)', ['transforms', 0, 'filter', 'keep']],
      [{ filter: { keep: 'success' } }, 'transforms[0].filter.keep: must be a mapping of conditions (outcome, operation, status_kind, attributes)', ['transforms', 0, 'filter', 'keep']],
      [{ filter: { keep: { attributes: { 'user.name': [{ a: 1 }] } } } }, 'transforms[0].filter.keep.attributes["user.name"][0]: must be a string, a number or a boolean', ['transforms', 0, 'filter', 'keep', 'attributes', 'user.name', 0]],
      [{ filter: { drop: { operation: 'list' } } }, 'transforms[0].filter.drop.operation: must be a non-empty list', ['transforms', 0, 'filter', 'drop', 'operation']],
    ];
    for (const [entry, message, path] of cases) assert.deepEqual(failure(entry), [message, path], message);
    // The entry's own place is the caller's, in any depth.
    assert.deepEqual(failure({ filter: { name: '' , drop: { outcome: ['success'] } } }, 'pipelines[2].transforms[5]'), [
      'pipelines[2].transforms[5].filter.name: must be a non-empty string',
      ['pipelines', 2, 'transforms', 5, 'filter', 'name'],
    ]);
  });

  it('keeps the key variable a name: nothing is read from the environment here', () => {
    const spec = transformFromConfig({ redact: { hash: ['user.name'], key_env: 'NOT_SET_ANYWHERE_0' } }, 'transforms[0]');
    assert.deepEqual(spec, { type: 'redact', hash: ['user.name'], keyEnv: 'NOT_SET_ANYWHERE_0' });
  });

  it('writes and reads paths alike', () => {
    for (const p of [['transforms', 1, 'redact', 'hash', 0], ['a', 'attributes', 'network.protocol.name', 2], [0, 'x'], ['x', 'say "hi"']]) {
      assert.deepEqual(parsePath(formatPath(p)), p);
    }
    assert.equal(formatPath(['transforms', 3, 'filter', 'keep', 'attributes', 'network.protocol.name', 0]), 'transforms[3].filter.keep.attributes["network.protocol.name"][0]');
    assert.throws(() => parsePath('transforms..x'), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => parsePath('transforms[x]'), { code: 'ERR_INVALID_OPTION' });
  });

  it('has a JSON Schema (2020-12) with the same keys and vocabularies as the reader', () => {
    const s = TRANSFORM_JSON_SCHEMA;
    assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(Object.keys(s.properties), ['set', 'redact', 'filter']);
    assert.deepEqual(Object.keys(s.properties.redact.properties), ['drop', 'hash', 'key_env']);
    assert.deepEqual(Object.keys(s.properties.filter.properties), ['name', 'keep', 'drop']);
    assert.deepEqual(Object.keys(s.$defs.match.properties), ['outcome', 'operation', 'status_kind', 'attributes']);
    assert.deepEqual(s.$defs.match.properties.outcome.items.enum, [...FILTER_OUTCOMES]);
    assert.deepEqual(s.$defs.match.properties.operation.items.enum, [...FILTER_OPERATIONS]);
    assert.deepEqual(s.$defs.match.properties.status_kind.items.enum, [...FILTER_STATUS_KINDS]);
    // Every key the schema allows, the reader takes; one it does not, the reader refuses.
    assert.doesNotThrow(() =>
      transformFromConfig(
        { filter: { name: 'n', keep: { outcome: ['success'], operation: ['list'], status_kind: ['sftp'], attributes: { a: 'b' } }, drop: { outcome: ['failure'] } } },
        'transforms[0]',
      ),
    );
    assert.doesNotThrow(() => transformFromConfig({ redact: { drop: ['a'], hash: ['b'], key_env: 'K' } }, 'transforms[0]'));
    assert.equal(JSON.parse(JSON.stringify(s)).properties.redact.dependentRequired.hash[0], 'key_env');
  });
});
