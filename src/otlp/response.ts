/**
 * Reads the partial_success of an ExportLogsServiceResponse (protobuf or
 * JSON). Pure; tolerant: an empty or unreadable body means full success, as
 * the OTLP specification says for an empty response.
 */
export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
  /** The rejected count as written, when it was not a plain number (JSON). */
  rejectedRaw?: string;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [result, pos];
    mul *= 128;
  }
  throw new RangeError('varint too long');
}

function skipField(buf: Uint8Array, pos: number, wire: number): number {
  switch (wire) {
    case 0: return readVarint(buf, pos)[1];
    case 1: return pos + 8;
    case 2: {
      const [len, p] = readVarint(buf, pos);
      return p + len;
    }
    case 5: return pos + 4;
    default: throw new RangeError(`unsupported wire type ${wire}`);
  }
}

/** partial_success (field 1) of a protobuf ExportLogsServiceResponse; undefined when absent. */
export function decodePartialSuccessProtobuf(buf: Uint8Array): PartialSuccess | undefined {
  try {
    let pos = 0;
    while (pos < buf.length) {
      const [tag, p] = readVarint(buf, pos);
      pos = p;
      if (tag >>> 3 === 1 && (tag & 7) === 2) {
        const [len, start] = readVarint(buf, pos);
        const end = start + len;
        let rejected = 0;
        let message = '';
        let q = start;
        while (q < end) {
          const [t, q2] = readVarint(buf, q);
          q = q2;
          if (t >>> 3 === 1 && (t & 7) === 0) [rejected, q] = readVarint(buf, q);
          else if (t >>> 3 === 2 && (t & 7) === 2) {
            const [l, s] = readVarint(buf, q);
            message = Buffer.from(buf.subarray(s, s + l)).toString('utf8');
            q = s + l;
          } else q = skipField(buf, q, t & 7);
        }
        return { rejectedLogRecords: rejected, errorMessage: message };
      }
      pos = skipField(buf, pos, tag & 7);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function decodePartialSuccessJson(text: string): PartialSuccess | undefined {
  if (text.trim() === '') return undefined;
  try {
    const o = JSON.parse(text) as { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } };
    const ps = o.partialSuccess;
    if (ps === undefined || ps === null) return undefined;
    const raw = ps.rejectedLogRecords ?? 0;
    const n = Number(raw);
    return { rejectedLogRecords: n, errorMessage: String(ps.errorMessage ?? ''), ...(Number.isFinite(n) ? {} : { rejectedRaw: String(raw) }) };
  } catch {
    return undefined;
  }
}

/** How a response body is encoded, from its Content-Type; undefined when it names neither OTLP encoding. */
export function answerEncoding(contentType: string | undefined): 'protobuf' | 'json' | undefined {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (t === 'application/x-protobuf' || t === 'application/protobuf') return 'protobuf';
  if (t === 'application/json') return 'json';
  return undefined;
}

/** What a 2xx answer says about the records of the request it answers. */
export interface ExportAnswer {
  /** Records the collector says it rejected, between 0 and the batch's size. */
  rejected: number;
  /** The collector's error_message, '' when none. */
  message: string;
  /** Set when the answer made no sense as given (and what was assumed instead). */
  warning?: string;
}

/**
 * Reads a 2xx answer to an export of `batchRecords` records sent as
 * `sent`. The body is decoded by its Content-Type, whatever was sent (a
 * collector may answer a protobuf request in JSON); without one, as what was
 * sent. A rejected count that is not a whole number from 0 to the batch's
 * size is nonsense: it is capped to that range and reported in `warning`.
 */
export function readExportAnswer(body: Uint8Array, contentType: string | undefined, sent: 'protobuf' | 'json', batchRecords: number): ExportAnswer {
  const declared = answerEncoding(contentType);
  const encoding = declared ?? sent;
  const warnings: string[] = [];
  if (declared === undefined && body.length > 0 && contentType !== undefined && contentType !== '') {
    warnings.push(`answer's content type ${JSON.stringify(contentType.slice(0, 60))} is not an OTLP encoding; read as ${sent}`);
  } else if (declared !== undefined && declared !== sent && body.length > 0) {
    warnings.push(`the collector answered a ${sent} request in ${declared}`);
  }
  const ps = encoding === 'json' ? decodePartialSuccessJson(Buffer.from(body).toString('utf8')) : decodePartialSuccessProtobuf(body);
  if (ps === undefined) return warnings.length > 0 ? { rejected: 0, message: '', warning: warnings.join('; ') } : { rejected: 0, message: '' };
  let rejected = ps.rejectedLogRecords;
  if (!Number.isFinite(rejected) || rejected < 0 || !Number.isInteger(rejected)) {
    const assumed = rejected === Infinity ? batchRecords : 0;
    warnings.push(`partial success with a rejected count of ${String(ps.rejectedRaw ?? rejected)}, counted as ${assumed}`);
    rejected = assumed;
  } else if (rejected > batchRecords) {
    warnings.push(`partial success rejected ${rejected} records of a request of ${batchRecords}, counted as ${batchRecords}`);
    rejected = batchRecords;
  }
  return { rejected, message: ps.errorMessage, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
}

/**
 * The message of a refusal's body: a google.rpc.Status (protobuf or JSON,
 * by Content-Type) or plain text; at most 200 characters, control characters
 * escaped. '' when there is none.
 */
export function refusalMessage(body: Uint8Array, contentType: string | undefined): string {
  if (body.length === 0) return '';
  const enc = answerEncoding(contentType);
  let text: string | undefined;
  if (enc === 'protobuf') text = statusMessageProtobuf(body);
  else if (enc === 'json') {
    try {
      const o = JSON.parse(Buffer.from(body).toString('utf8')) as { message?: unknown };
      if (typeof o?.message === 'string') text = o.message;
    } catch {
      text = undefined;
    }
  }
  text ??= Buffer.from(body.subarray(0, 800)).toString('utf8');
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).trim();
  return clean.length > 200 ? clean.slice(0, 200) + '…' : clean;
}

/** message (field 2) of a protobuf google.rpc.Status; undefined when unreadable. */
function statusMessageProtobuf(buf: Uint8Array): string | undefined {
  try {
    let pos = 0;
    while (pos < buf.length) {
      const [tag, p] = readVarint(buf, pos);
      pos = p;
      if (tag >>> 3 === 2 && (tag & 7) === 2) {
        const [len, s] = readVarint(buf, pos);
        if (s + len > buf.length) return undefined;
        return Buffer.from(buf.subarray(s, s + len)).toString('utf8');
      }
      pos = skipField(buf, pos, tag & 7);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** A google.rpc.Status, as gRPC carries it in the grpc-status-details-bin trailer. */
export interface RpcStatus {
  code: number;
  message: string;
  /** The delay of a google.rpc.RetryInfo among its details, in ms. */
  retryDelayMs?: number;
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** The fields of a message as [field number, wire type, start, end] (end of a varint: its value's end). */
function* fields(buf: Uint8Array, start: number, end: number): Generator<[number, number, number, number]> {
  let pos = start;
  while (pos < end) {
    const [t, p] = readVarint(buf, pos);
    const wire = t & 7;
    if (wire === 2) {
      const [len, s] = readVarint(buf, p);
      if (s + len > end) throw new RangeError('field runs past its message');
      yield [t >>> 3, wire, s, s + len];
      pos = s + len;
    } else {
      pos = skipField(buf, p, wire);
      yield [t >>> 3, wire, p, pos];
    }
  }
}

/** google.protobuf.Duration { seconds = 1; nanos = 2 } in ms. */
function durationMs(buf: Uint8Array, start: number, end: number): number {
  let seconds = 0;
  let nanos = 0;
  for (const [n, wire, s] of fields(buf, start, end)) {
    if (n === 1 && wire === 0) seconds = readVarint(buf, s)[0];
    else if (n === 2 && wire === 0) nanos = readVarint(buf, s)[0];
  }
  return seconds * 1000 + Math.round(nanos / 1e6);
}

/** RetryInfo { retry_delay = 1 } of an Any { type_url = 1; value = 2 }; undefined for any other detail. */
function retryInfoDelay(buf: Uint8Array, start: number, end: number): number | undefined {
  let type = '';
  let value: [number, number] | undefined;
  for (const [n, wire, s, e] of fields(buf, start, end)) {
    if (n === 1 && wire === 2) type = Buffer.from(buf.subarray(s, e)).toString('utf8');
    else if (n === 2 && wire === 2) value = [s, e];
  }
  if (type !== RETRY_INFO_TYPE || value === undefined) return undefined;
  for (const [n, wire, s, e] of fields(buf, value[0], value[1])) if (n === 1 && wire === 2) return durationMs(buf, s, e);
  return undefined;
}

/**
 * Reads a protobuf google.rpc.Status { code = 1; message = 2; details = 3 }
 * with the delay of its RetryInfo detail, if any. Undefined when the bytes
 * are not one. Pure.
 */
export function decodeRpcStatus(buf: Uint8Array): RpcStatus | undefined {
  try {
    const status: RpcStatus = { code: 0, message: '' };
    for (const [n, wire, s, e] of fields(buf, 0, buf.length)) {
      if (n === 1 && wire === 0) status.code = readVarint(buf, s)[0];
      else if (n === 2 && wire === 2) status.message = Buffer.from(buf.subarray(s, e)).toString('utf8');
      else if (n === 3 && wire === 2) {
        const delay = retryInfoDelay(buf, s, e);
        if (delay !== undefined) status.retryDelayMs = delay;
      }
    }
    return status;
  } catch {
    return undefined;
  }
}
