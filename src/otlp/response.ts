/**
 * Reads the partial_success of an ExportLogsServiceResponse (protobuf or
 * JSON). Pure; tolerant: an empty or unreadable body means full success, as
 * the OTLP specification says for an empty response.
 */
export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
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
    return { rejectedLogRecords: Number(ps.rejectedLogRecords ?? 0) || 0, errorMessage: String(ps.errorMessage ?? '') };
  } catch {
    return undefined;
  }
}
