import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { logRecords } from '../../src/transforms/log-records.js';
import type { FtpLogRecord } from '../../src/model.js';

const FRAGMENTS = [
  '2024-11-18 08:00:00; ftp; h; 21; u; C:\\a; /a; download; 226;',
  '2010-01-11 15:42:17 #u5     | R,/a,b,1,0.5,0.5,u,,h,,OK,I,Ps,1294215368,TSQoxwAEEbkA,1,0,',
  '; ', ';', ',', '|', '\r\n', '\n', '\uFEFF', '\\\\srv\\', '/x;y', '#u2 | ', 'é', '😀',
];

/** Bytes: arbitrary ones, or arbitrary mixes of log-shaped fragments. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => new Uint8Array(Buffer.from(parts.join('')))),
);

describe('logRecords property: random bytes', () => {
  it('never throws, and every line becomes one record or one counted skip', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.integer({ min: 1, max: 64 }), fc.constantFrom('auto', 'eft', 'ncftpd' as const), fc.constantFrom('utf8', 'latin1' as const), async (input, chunk, format, encoding) => {
        const stage = logRecords({ format, encoding, timezone: 'UTC', maxLineBytes: 128 });
        const parts: Buffer[] = [];
        for (let i = 0; i < input.length; i += chunk) parts.push(Buffer.from(input.subarray(i, i + chunk)));
        const out: FtpLogRecord[] = [];
        await pipeline(Readable.from(parts), stage, new Writable({ objectMode: true, write: (r: FtpLogRecord, _e, cb) => (out.push(r), cb()) }));
        const { split, parse, enrich } = stage.stats;
        assert.equal(out.length, enrich.records);
        assert.equal(parse.lines, split.lines);
        assert.equal(parse.entries + parse.errors + parse.skippedBlank + parse.skippedHeader, parse.lines);
        assert.equal(out.length, parse.entries + parse.errors);
        assert.equal(out.filter((r) => r.eventName === 'ftplog.parse_error').length, parse.errors);
        for (const r of out) assert.ok(r.severityNumber === 9 || r.severityNumber === 13 || r.severityNumber === 17);
      }),
      { numRuns: 300 },
    );
  });
});
