import assert from 'node:assert/strict';
import { applyTransforms, compileTransforms, newTransformStats, setFromFlags } from '../../src/records/transforms.js';
import type { FtpLogRecord } from '../../src/model.js';

function record(attributes: Record<string, string> = {}): FtpLogRecord {
  return { timestamp: 1, observedTimestamp: 2, severityNumber: 9, severityText: 'INFO', eventName: 'ftp.upload', body: 'x', attributes: { 'ftp.operation': 'upload', ...attributes } };
}

describe('record transforms', () => {
  it('has no step at all when there are no transforms', () => {
    assert.equal(compileTransforms(undefined), undefined);
    assert.equal(compileTransforms([]), undefined);
  });

  it('set: adds the same attributes to every record, after the ones it has', () => {
    const t = compileTransforms([{ type: 'set', attributes: { 'deployment.environment.name': 'prod', team: 'files' } }])!;
    const stats = newTransformStats();
    const r = applyTransforms(t, record(), stats)!;
    assert.deepEqual(Object.entries(r.attributes), [
      ['ftp.operation', 'upload'],
      ['deployment.environment.name', 'prod'],
      ['team', 'files'],
    ]);
    assert.deepEqual(stats, { dropped: {} });
  });

  it('chains steps in order, the later one winning', () => {
    const t = compileTransforms([
      { type: 'set', attributes: { a: '1', b: '1' } },
      { type: 'set', attributes: { b: '2' } },
    ])!;
    assert.deepEqual(applyTransforms(t, record(), newTransformStats())!.attributes, { 'ftp.operation': 'upload', a: '1', b: '2' });
  });

  it('counts what a step drops, by reason', () => {
    const stats = newTransformStats();
    const drop = (): { dropped: string } => ({ dropped: 'filter: outcome is success' });
    assert.equal(applyTransforms(drop, record(), stats), undefined);
    assert.equal(applyTransforms(drop, record(), stats), undefined);
    assert.deepEqual(stats, { dropped: { 'filter: outcome is success': 2 } });
  });

  it('reads --attribute KEY=VALUE, and refuses what would overwrite a decoded attribute', () => {
    assert.deepEqual(setFromFlags(['deployment.environment.name=prod', 'note=a=b', 'empty=']), {
      type: 'set',
      attributes: { 'deployment.environment.name': 'prod', note: 'a=b', empty: '' },
    });
    assert.throws(() => setFromFlags(['novalue']), { code: 'ERR_INVALID_ARGUMENT', message: '--attribute must be KEY=VALUE (got "novalue")' });
    assert.throws(() => setFromFlags(['=x']), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => setFromFlags(['ftp.outcome=success']), {
      code: 'ERR_INVALID_ARGUMENT',
      message: '--attribute: "ftp.outcome" is an attribute ftplog-otel sets itself from the log line',
    });
  });

  it('refuses an unknown transform type with ERR_INVALID_OPTION', () => {
    assert.throws(() => compileTransforms([{ type: 'nope' } as never]), { code: 'ERR_INVALID_OPTION' });
  });
});
