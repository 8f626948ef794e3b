import assert from 'node:assert/strict';
import { ATTRIBUTE_TYPES, resourceAttributes, type AttributeType, type AttributeValue, type FtpLogRecord } from '../../src/index.js';
import {
  LOKI_DEFAULT_INDEX_LABELS,
  LOKI_LIMITS,
  lokiName,
  lokiValue,
  lokiViolations,
  nameCollisions,
  structuredMetadataBytes,
  toLokiEntry,
  tooFarBehind,
  type LokiEntry,
} from '../helpers/loki.js';

const SCOPE = { name: 'ftplog-otel' };
const RESOURCE = { 'service.name': 'eft-server', 'host.name': 'ftp01' };

function record(overrides: Partial<FtpLogRecord> = {}): FtpLogRecord {
  return {
    timestamp: Date.parse('2024-11-18T07:01:52Z'),
    observedTimestamp: Date.parse('2024-11-21T13:04:05.621Z'),
    severityNumber: 9,
    severityText: 'INFO',
    eventName: 'ftp.upload',
    body: '2024-11-18 01:01:52; sftp; 198.51.100.23; 22; müller.k; C:\\a.pdf; /ap/a.pdf; upload; 0; 0;',
    attributes: { 'ftp.operation': 'upload', 'ftp.status.code': 0, 'server.port': 22, 'user.name': 'müller.k' },
    ...overrides,
  };
}

function pairs(entry: LokiEntry): string[] {
  return entry.structuredMetadata.map((m) => `${m.name}=${m.value}`);
}

describe('Loki OTLP mapping (test/helpers/loki.ts)', () => {
  it('turns names into Loki form as otlptranslator does', () => {
    const cases: Array<[string, string]> = [
      ['service.name', 'service_name'],
      ['http.response.status_code', 'http_response_status_code'],
      ['ftp.transfer.start_time', 'ftp_transfer_start_time'],
      ['ftplog.error', 'ftplog_error'],
      ['a-b/c d:e', 'a_b_c_d_e'],
      ['müller.k', 'm_ller_k'],
      ['1st.try', 'key_1st_try'],
      ['_hidden', 'key_hidden'],
      ['.x', 'key_x'],
      ['__reserved__', '__reserved__'],
      ['', ''],
    ];
    for (const [attribute, name] of cases) assert.equal(lokiName(attribute), name, attribute);
  });

  it('writes values as pcommon Value.AsString() does', () => {
    assert.equal(lokiValue(226, 'int'), '226');
    assert.equal(lokiValue(0.01, 'double'), '0.01');
    assert.equal(lokiValue(5, 'double'), '5');
    assert.equal(lokiValue(1e21, 'double'), '1e+21');
    assert.equal(lokiValue(true, 'bool'), 'true');
    assert.equal(lokiValue(['Ps', 'Sf'], 'string[]'), '["Ps","Sf"]');
    assert.equal(lokiValue(['<a&b>'], 'string[]'), '["\\u003ca\\u0026b\\u003e"]');
  });

  it('indexes only the default resource attributes: ftplog-otel gets service_name, and host.name stays metadata', () => {
    assert.equal(LOKI_DEFAULT_INDEX_LABELS.length, 18);
    assert.ok(!LOKI_DEFAULT_INDEX_LABELS.includes('host.name'));
    for (const format of ['eft', 'ncftpd'] as const) {
      const entry = toLokiEntry(record(), resourceAttributes({ format, env: {} }), SCOPE);
      assert.deepEqual(entry.labels, { service_name: format === 'eft' ? 'eft-server' : 'ncftpd' });
      assert.deepEqual(entry.structuredMetadata.filter((m) => m.origin === 'resource').map((m) => m.name), ['host_name']);
    }
  });

  it('indexes deployment.environment.name and service.instance.id when OTEL_RESOURCE_ATTRIBUTES sets them', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.instance.id=ftp01,site=fra' };
    const entry = toLokiEntry(record(), resourceAttributes({ format: 'eft', env }), SCOPE);
    assert.deepEqual(entry.labels, { service_name: 'eft-server', deployment_environment_name: 'prod', service_instance_id: 'ftp01' });
    assert.deepEqual(entry.structuredMetadata.filter((m) => m.origin === 'resource').map((m) => m.name).sort(), ['host_name', 'site']);
  });

  it('indexes host.name when otlp_config names it', () => {
    const entry = toLokiEntry(record(), RESOURCE, SCOPE, { indexLabels: [...LOKI_DEFAULT_INDEX_LABELS, 'host.name'] });
    assert.deepEqual(entry.labels, { service_name: 'eft-server', host_name: 'ftp01' });
  });

  it('maps a record: attributes, then observed time and severity, then resource, scope and detected_level; the body is the line', () => {
    const entry = toLokiEntry(record(), RESOURCE, SCOPE);
    assert.deepEqual(pairs(entry), [
      'ftp_operation=upload',
      'ftp_status_code=0',
      'server_port=22',
      'user_name=müller.k',
      'observed_timestamp=1732194245621000000',
      'severity_number=9',
      'severity_text=INFO',
      'host_name=ftp01',
      'scope_name=ftplog-otel',
      'detected_level=info',
    ]);
    assert.equal(entry.line, record().body);
    assert.equal(entry.timestampMs, Date.parse('2024-11-18T07:01:52Z'));
    assert.deepEqual(pairs(toLokiEntry(record(), RESOURCE, { name: 'ftplog-otel', version: '0.1.0' }, { discoverLogLevels: false })).slice(-2), ['scope_name=ftplog-otel', 'scope_version=0.1.0']);
  });

  it('drops EventName as Loki releases up to 3.7 do; Loki main keeps it as event_name', () => {
    assert.ok(!toLokiEntry(record(), RESOURCE, SCOPE).structuredMetadata.some((m) => m.from === 'EventName'));
    const next = toLokiEntry(record(), RESOURCE, SCOPE, { eventName: true });
    assert.deepEqual(next.structuredMetadata.filter((m) => m.from === 'EventName').map((m) => `${m.name}=${m.value}`), ['event_name=ftp.upload']);
  });

  it('stores a record without its own time at its observed time, without observed_timestamp', () => {
    const entry = toLokiEntry(record({ timestamp: undefined, severityNumber: 13, severityText: 'WARN' }), RESOURCE, SCOPE);
    assert.equal(entry.timestampMs, Date.parse('2024-11-21T13:04:05.621Z'));
    assert.ok(!entry.structuredMetadata.some((m) => m.name === 'observed_timestamp'));
    assert.equal(entry.structuredMetadata.at(-1)!.value, 'warn');
  });

  it('finds names that collide once in Loki form', () => {
    const entry = toLokiEntry(record({ attributes: { 'ftp.outcome': 'failure', ftp_outcome: 'x', 'scope.name': 'y' } }), RESOURCE, SCOPE);
    assert.deepEqual(nameCollisions(entry), ['ftp_outcome: attribute ftp.outcome and attribute ftp_outcome', 'scope_name: attribute scope.name and scope InstrumentationScope.name']);
    assert.deepEqual(lokiViolations(entry).length, 2);
    const label = toLokiEntry(record({ attributes: { 'service.name': 'x' } }), RESOURCE, SCOPE);
    assert.deepEqual(nameCollisions(label), ['service_name: label service_name and attribute service.name']);
  });

  it("applies Loki's limits at their exact bounds", () => {
    // Besides its attributes a record brings 5 counted entries here: observed time, 2 severity fields, host, scope.
    const withAttributes = (n: number): LokiEntry => {
      const attributes: Record<string, string> = {};
      for (let i = 0; i < n; i++) attributes[`a${i}`] = 'v';
      return toLokiEntry(record({ attributes }), RESOURCE, SCOPE);
    };
    assert.deepEqual(lokiViolations(withAttributes(123)), []);
    assert.deepEqual(lokiViolations(withAttributes(124)), ['129 structured metadata entries > 128']);
    const base = structuredMetadataBytes(toLokiEntry(record({ attributes: { 'file.path': '' } }), RESOURCE, SCOPE));
    const sized = (extra: number): LokiEntry => toLokiEntry(record({ attributes: { 'file.path': 'x'.repeat(extra) } }), RESOURCE, SCOPE);
    assert.deepEqual(lokiViolations(sized(65536 - base)), []);
    assert.deepEqual(lokiViolations(sized(65537 - base)), ['65537 bytes of structured metadata > 65536']);
    assert.deepEqual(lokiViolations(toLokiEntry(record({ body: 'é'.repeat(131072) }), RESOURCE, SCOPE)), []);
    assert.deepEqual(lokiViolations(toLokiEntry(record({ body: 'é'.repeat(131072) + 'x' }), RESOURCE, SCOPE)), ['line of 262145 bytes > 262144']);
    assert.equal(LOKI_LIMITS.maxLineBytes, 262144);
  });

  it('keeps a record with every attribute of the schema within the limits, no two names colliding', () => {
    const sample: Record<AttributeType, AttributeValue> = { string: 'x', int: 1, double: 0.5, bool: true, 'string[]': ['Ps'] };
    const attributes = Object.fromEntries(Object.entries(ATTRIBUTE_TYPES).map(([k, t]) => [k, sample[t]]));
    const counted = (entry: LokiEntry): number => entry.structuredMetadata.filter((m) => m.origin !== 'distributor').length;
    const entry = toLokiEntry(record({ attributes }), resourceAttributes({ format: 'ncftpd', env: {} }), SCOPE);
    // 39 attributes, observed time, 2 severity fields, host.name, the scope name; and event_name on Loki main.
    assert.equal(counted(entry), 44);
    assert.deepEqual(lokiViolations(entry), []);
    const next = toLokiEntry(record({ attributes }), resourceAttributes({ format: 'ncftpd', env: {} }), SCOPE, { eventName: true });
    assert.equal(counted(next), 45);
    assert.deepEqual(lokiViolations(next), []);
  });

  it("refuses entries older than their stream's newest by more than max_chunk_age/2, per stream", () => {
    const at = (iso: string, service = 'eft-server'): LokiEntry => toLokiEntry(record({ timestamp: Date.parse(iso) }), { 'service.name': service }, SCOPE);
    const entries = [
      at('2024-11-18T08:00:00Z'),
      at('2024-11-18T07:00:00Z'), // exactly an hour behind: taken
      at('2024-11-18T06:59:59.999Z'), // refused
      at('2024-11-18T06:00:00Z', 'ncftpd'), // another stream
      at('2024-11-18T10:00:00Z'),
      at('2024-11-18T08:30:00Z'), // refused: the newest is now 10:00
    ];
    assert.deepEqual(tooFarBehind(entries), [2, 5]);
    assert.deepEqual(tooFarBehind(entries, 6 * 3_600_000), []);
  });
});
