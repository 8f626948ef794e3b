import assert from 'node:assert/strict';
import {
  convertFlag,
  convertFlags,
  defaultText,
  helpLines,
  helpSection,
  libraryOption,
  nearestFlag,
  parseArgsOptions,
  parseDuration,
  type OptionGroup,
  type OptionSpec,
} from '../../src/options/spec.js';
import { DELIVERY_OPTIONS, INPUT_KIND_OPTIONS, INPUT_OPTIONS, OTLP_OPTIONS, OUTPUT_OPTIONS } from '../../src/options/components.js';
import { resolveSinkOptions } from '../../src/sinks/otlp/sink.js';
import { resolveOtlpConfig } from '../../src/sinks/otlp/config.js';

const GROUPS: OptionGroup[] = [INPUT_OPTIONS, INPUT_KIND_OPTIONS, OTLP_OPTIONS, DELIVERY_OPTIONS, OUTPUT_OPTIONS];

describe('options declared once', () => {
  it('has one flag and one key per option, across every group', () => {
    const all = GROUPS.flatMap((g) => g.options);
    assert.equal(new Set(all.map((o) => o.flag)).size, all.length);
    assert.equal(new Set(all.map((o) => o.key)).size, all.length);
    for (const o of all) {
      assert.match(o.flag, /^[a-z][a-z0-9-]*$/, o.flag);
      assert.ok(o.help.length > 0, o.flag);
      if (o.kind === 'enum') assert.ok(o.values !== undefined && o.values.length > 0, o.flag);
      if (o.kind === 'enum' && o.default !== undefined) assert.ok(o.values!.includes(o.default as string), o.flag);
      if (o.kind === 'int' && o.default !== undefined) assert.equal(convertFlag(o, String(o.default)), o.default, o.flag);
      if (o.kind === 'duration' && o.default !== undefined) assert.equal(convertFlag(o, defaultText(o)!), o.default, o.flag);
    }
  });

  it('derives the help and the parser from the same list: every flag in both, with its default', () => {
    for (const g of GROUPS) {
      const help = helpSection(g);
      const spec = parseArgsOptions([g]);
      assert.deepEqual(Object.keys(spec), g.options.map((o) => o.flag));
      for (const o of g.options) {
        assert.ok(help.includes(`--${o.flag}`), `${o.flag} in the help of ${g.title}`);
        assert.equal(spec[o.flag]!.type, o.kind === 'boolean' ? 'boolean' : 'string');
        assert.equal(spec[o.flag]!.multiple === true, o.kind === 'list');
        const d = defaultText(o);
        if (d !== undefined) assert.ok(help.includes(`default ${d}`), `default of --${o.flag} in the help`);
        if (o.env !== undefined) assert.ok(help.includes(`$${o.env}`), `env of --${o.flag} in the help`);
      }
    }
  });

  it("gives otlpSink() exactly the declared defaults, and refuses what the flags refuse", () => {
    const config = resolveOtlpConfig({ endpoint: 'http://127.0.0.1:4318' }, {});
    const r = resolveSinkOptions({ config, resource: {} });
    for (const o of DELIVERY_OPTIONS.options) {
      if (o.key === 'deadLetter' || o.key === 'shutdownTimeoutMs') continue; // the dead-letter file and the CLI's shutdown, not the queue
      const got = o.key.startsWith('backoff.') ? (r.backoff as unknown as Record<string, unknown>)[o.key.slice(8)] : (r as unknown as Record<string, unknown>)[o.key];
      assert.equal(got, o.default ?? Infinity, o.key);
    }
    assert.equal(r.gzipLevel, 1);
    // The same bounds in both layers: --queue-bytes at most 64 MiB, and maxQueueBytes too.
    assert.throws(() => resolveSinkOptions({ config, resource: {}, maxQueueBytes: 64 * 1024 * 1024 + 1 }), { code: 'ERR_INVALID_OPTION', message: 'option "maxQueueBytes" must be an integer from 65536 to 67108864 (got 67108865)' });
    assert.throws(() => convertFlag(DELIVERY_OPTIONS.options.find((o) => o.flag === 'queue-bytes')!, '67108865'), {
      code: 'ERR_INVALID_ARGUMENT',
      message: '--queue-bytes must be an integer from 65536 to 67108864 (got "67108865")',
    });
    assert.throws(() => resolveSinkOptions({ config, resource: {}, maxInFlight: 65 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => resolveSinkOptions({ config, resource: {}, maxBatchDelayMs: -1 }), { code: 'ERR_INVALID_OPTION' });
  });

  it('converts flag values by kind, naming the flag when a value is wrong', () => {
    const find = (flag: string): OptionSpec => GROUPS.flatMap((g) => g.options).find((o) => o.flag === flag)!;
    assert.equal(convertFlag(find('batch-size'), '100'), 100);
    assert.equal(convertFlag(find('batch-delay'), '1.5s'), 1500);
    assert.equal(convertFlag(find('batch-delay'), '2'), 2000);
    assert.equal(convertFlag(find('timeout'), '250ms'), 250);
    assert.throws(() => convertFlag(find('timeout'), '10'), { code: 'ERR_INVALID_ARGUMENT', message: '--timeout needs a unit, e.g. 10s or 10ms (got "10")' });
    assert.equal(convertFlag(find('format'), 'EFT'), 'eft');
    assert.throws(() => convertFlag(find('format'), 'wuftpd'), { code: 'ERR_INVALID_ARGUMENT', message: '--format must be eft | ncftpd | xferlog | vsftpd | auto (got "wuftpd")' });
    assert.throws(() => convertFlag(find('max-in-flight'), '0'), { message: '--max-in-flight must be an integer from 1 to 64 (got "0")' });
    assert.throws(() => convertFlag(find('batch-delay'), 'soon'), { message: '--batch-delay must be a duration such as 500ms, 30s, 5m, 1h or 7d from 0s to 1h (got "soon")' });
    assert.deepEqual(convertFlags(GROUPS, { 'batch-size': '10', header: ['a=b'], quiet: true, nothing: 'x' }), { maxBatchRecords: 10, headers: ['a=b'], quiet: true });
  });

  it('checks library values by kind, naming the key', () => {
    const o = DELIVERY_OPTIONS.options.find((x) => x.key === 'maxBatchRecords')!;
    assert.equal(libraryOption(o, undefined), 2048);
    assert.equal(libraryOption(o, 7), 7);
    assert.throws(() => libraryOption(o, 1.5), { code: 'ERR_INVALID_OPTION', message: 'option "maxBatchRecords" must be an integer from 1 to 1000000 (got 1.5)' });
    assert.throws(() => libraryOption(o, '7'), { code: 'ERR_INVALID_OPTION' });
  });

  it('reads durations with and without units', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('10'), 10_000);
    assert.equal(parseDuration('10', true), undefined);
    assert.equal(parseDuration('-1s'), undefined);
  });

  it('lays the help out in columns, long flags on their own line', () => {
    const o = DELIVERY_OPTIONS.options.find((x) => x.flag === 'batch-size')!;
    assert.deepEqual(helpLines(o), ['  --batch-size N          records per request (default 2048)']);
    const long = OTLP_OPTIONS.options.find((x) => x.flag === 'header')!;
    assert.deepEqual(helpLines(long), ['  --header NAME=VALUE     extra request header, repeatable; values are never printed ($OTEL_EXPORTER_OTLP_HEADERS)']);
  });

  it('suggests the nearest flag for a typo', () => {
    assert.equal(nearestFlag('endpint', GROUPS), 'endpoint');
    assert.equal(nearestFlag('timezon', GROUPS), 'timezone');
    assert.equal(nearestFlag('batchsize', GROUPS), 'batch-size');
    assert.equal(nearestFlag('zzzzzz', GROUPS), undefined);
  });
});
