import assert from 'node:assert/strict';
import { cli } from '../helpers/cli.js';

/** The severity line explain prints, and the severity `parse` gives a record of the same status. */
async function severities(explainArgs: string[], line: string, format: string): Promise<{ explained: string; recorded: string }> {
  const e = await cli(['explain', ...explainArgs]);
  assert.equal(e.code, 0, e.stderr);
  const p = await cli(['parse', '--format', format, '--timezone', 'UTC', '--quiet'], { stdin: line + '\n' });
  assert.equal(p.code, 0, p.stderr);
  const r = JSON.parse(p.stdout) as { severityText: string; severityNumber: number };
  return { explained: /^severity: (.*)$/m.exec(e.stdout)![1]!, recorded: `${r.severityText} (${r.severityNumber})` };
}

describe('ftplog-otel explain', () => {
  it('reads a negative CODE as the code, not as a flag (the example of its help)', async () => {
    const r = await cli(['explain', '-1', '--protocol', 'sftp']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'code: -1',
        'protocol: sftp',
        'kind: sftp',
        'description: Unknown error',
        'outcome: failure',
        'severity: ERROR (17)',
        'error.type: sftp_-1',
        'why: sftp claims -1..31, so -1 is the unnamed unknown-error code',
        '',
      ].join('\n'),
    );
    assert.equal((await cli(['explain', '--protocol', 'sftp', '-1'])).stdout, r.stdout);
    assert.equal((await cli(['explain', '-p', 'sftp', '--', '-1'])).stdout, r.stdout);
    assert.match((await cli(['explain', '-1', '--help'])).stdout, /^Usage: ftplog-otel explain CODE/);
    const unknown = await cli(['explain', '-1', '-x']);
    assert.deepEqual([unknown.code, unknown.stderr], [2, "ftplog-otel explain: Unknown option '-x'\n"]);
  });

  it('prints the severity a record of that code gets, the same as parse gives it', async () => {
    const eft = (protocol: string, code: number): string =>
      `2024-11-18 01:01:55; ${protocol}; 198.51.100.23; 22; u; C:\\a.txt; /a.txt; download; ${code};`;
    assert.deepEqual(await severities(['226'], eft('ftp', 226), 'eft'), { explained: 'INFO (9)', recorded: 'INFO (9)' });
    assert.deepEqual(await severities(['421'], eft('ftp', 421), 'eft'), { explained: 'WARN (13)', recorded: 'WARN (13)' });
    assert.deepEqual(await severities(['2', '-p', 'sftp'], eft('sftp', 2), 'eft'), { explained: 'ERROR (17)', recorded: 'ERROR (17)' });
    const xfer = (status: string): string =>
      `2024-11-18 08:23:34 #u5     | R,/notes.txt,8,0.004,2.013,bot,,203.34.198.243,,${status},A,Ps,1731939814,ZztN3wAFDQ4A,2927,0,`;
    assert.deepEqual(await severities(['ABOR'], xfer('ABOR'), 'ncftpd'), { explained: 'WARN (13)', recorded: 'WARN (13)' });
    assert.deepEqual(await severities(['PERM'], xfer('PERM'), 'ncftpd'), { explained: 'ERROR (17)', recorded: 'ERROR (17)' });
    assert.deepEqual(await severities(['OK'], xfer('OK'), 'ncftpd'), { explained: 'INFO (9)', recorded: 'INFO (9)' });
  });

  it('explains NcFTPd completion statuses, in any case', async () => {
    const r = await cli(['explain', 'PERM']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'code: PERM',
        'kind: ncftpd',
        'name: PERM',
        'description: Permission denied',
        'outcome: failure',
        'severity: ERROR (17)',
        'error.type: PERM',
        'why: NcFTPd ends R, S and T entries with a completion status (OK, ABOR, INCOMPLETE, PERM, NOENT, ERROR); PERM is a failure',
        '',
      ].join('\n'),
    );
    assert.equal((await cli(['explain', 'perm'])).stdout, r.stdout);
    const abor = await cli(['explain', 'ABOR']);
    assert.match(abor.stdout, /^outcome: failure \(transient\)\nseverity: WARN \(13\)\n/m);
    for (const s of ['OK', 'ABOR', 'INCOMPLETE', 'PERM', 'NOENT', 'ERROR']) {
      const x = await cli(['explain', s]);
      assert.equal(x.code, 0, s);
      assert.match(x.stdout, new RegExp(`^code: ${s}\nkind: ncftpd\n`), s);
    }
  });

  it('refuses what it cannot explain with exit 2 and one line', async () => {
    const cases: [string[], string][] = [
      [['explain', 'abc'], 'ftplog-otel explain: CODE must be an integer (an EFT GetLastCode) or an NcFTPd status: OK, ABOR, INCOMPLETE, PERM, NOENT, ERROR (got "abc")\n'],
      [['explain', 'PERM', '--protocol', 'ftp'], 'ftplog-otel explain: --protocol applies to EFT GetLastCodes, not to NcFTPd statuses such as PERM\n'],
      [['explain'], 'ftplog-otel explain: takes exactly one CODE (see --help)\n'],
      [['explain', '1', '-2'], 'ftplog-otel explain: takes exactly one CODE (see --help)\n'],
      [['explain', '226', '--protocol', ''], 'ftplog-otel explain: --protocol must not be empty\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await cli(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', stderr], args.join(' '));
    }
  });
});
