/** Shapes the OTLP receiver hands out. Pure types. */

/** Which member of an OTLP AnyValue was set; `empty` when none was. */
export type AnyValueKind = 'string' | 'int' | 'double' | 'bool' | 'array' | 'kvlist' | 'bytes' | 'empty';

/**
 * One log record as a collector decoded it, flattened with its resource and
 * scope. Values are plain JS: strings, numbers (int64 as a number when it is a
 * safe integer, else a bigint), booleans, arrays, objects for key-value lists,
 * Uint8Array for bytes, undefined for an empty AnyValue.
 */
export interface ReceivedLogRecord {
  /** Resource attributes; one object shared by the records of a ResourceLogs. */
  resource: Record<string, unknown>;
  resourceKinds: Record<string, AnyValueKind>;
  scope: { name: string; version: string };
  /** 0n when the record has no time. */
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  eventName: string;
  /** Undefined when the record has no body. */
  body: unknown;
  bodyKind: AnyValueKind | undefined;
  attributes: Record<string, unknown>;
  /** The OTLP value kind of each attribute, so that tests can assert types. */
  attributeKinds: Record<string, AnyValueKind>;
  droppedAttributesCount: number;
  flags: number;
  /** Lowercase hex; '' when absent. */
  traceId: string;
  spanId: string;
  /** Index, in the receiver's `requests`, of the request that carried the record. */
  requestIndex: number;
}

/** Encoding of an OTLP/HTTP body. */
export type OtlpEncoding = 'protobuf' | 'json';

/** One HTTP request as the receiver saw and answered it. */
export interface ReceivedRequest {
  /** 0-based arrival order; the position in the receiver's `requests`. */
  index: number;
  method: string;
  path: string;
  /** The Content-Type header as sent; '' when absent. */
  contentType: string;
  /** Set when the content type is one OTLP/HTTP defines. */
  encoding: OtlpEncoding | undefined;
  /** The Content-Encoding header as sent, lowercased; 'identity' when absent. */
  contentEncoding: string;
  /** Body size on the wire. */
  bytes: number;
  /** Body size after decompression. */
  decodedBytes: number;
  /** Log records decoded from the body (0 when it did not decode). */
  recordCount: number;
  /** HTTP status answered; undefined while in flight and when the connection was dropped without an answer. */
  status: number | undefined;
  /** Set once the request was answered or its connection dropped. */
  completed: boolean;
  /** Whether the records were stored. */
  accepted: boolean;
  /** Why the request was refused, when the receiver itself refused it (bad path, bad body, ...). */
  error?: string;
  /** Epoch ms of arrival. */
  receivedAt: number;
  /** Request headers, lowercased names. */
  headers: Record<string, string | string[] | undefined>;
}
