/**
 * A loopback OTLP/HTTP logs receiver for the benchmarks: it acknowledges every
 * export at once (200, empty ExportLogsServiceResponse) and counts requests,
 * bytes and log records, so a scenario can tell how many of the records it
 * emitted actually arrived.
 *
 * Records are counted without decoding them: a protobuf body is walked field
 * by field down to ScopeLogs.log_records; a JSON body is parsed.
 *
 * gzip bodies are acknowledged as they arrive and counted later, when /stats
 * is asked for: inflating them took 2.5-3.1 s of CPU while `ship --compression
 * gzip` sent 1M records (the shipper itself used ~10.5 s), and on a 2-core
 * machine that CPU came out of the shipper being measured. The bodies wait in
 * memory, at most MAX_PENDING_BYTES of them; past that, bodies are counted as
 * they arrive. A scenario reads /stats after its clock has stopped.
 *
 *   node dist/bench/receiver.js      prints "listening <port>" on stdout
 *   GET  /stats                      counts what is held back, then {"requests":..,"records":..,"bytes":..,"errors":..}
 *   POST /v1/logs                    OTLP export
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

const stats = { requests: 0, records: 0, bytes: 0, errors: 0 };

/** Most bytes of gzip bodies held for counting later (1M generated lines send 77-120 MB). */
const MAX_PENDING_BYTES = 1024 * 1024 * 1024;

interface PendingBody {
  body: Buffer;
  json: boolean;
}
let pending: PendingBody[] = [];
let pendingBytes = 0;
let counting: Promise<void> = Promise.resolve();

/** Reads a varint at `pos`; returns [value, next position]. Values above 2^53 lose precision, which no length here reaches. */
function varint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let mult = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * mult;
    if (b < 0x80) return [result, pos];
    mult *= 128;
  }
}

/**
 * Calls `onField(fieldNumber, start, end)` for each length-delimited field of
 * the message in buf[start, end); skips the other wire types.
 */
function eachLengthDelimited(buf: Buffer, start: number, end: number, onField: (field: number, s: number, e: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [key, p1] = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    pos = p1;
    switch (wire) {
      case 0:
        pos = varint(buf, pos)[1];
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [len, p2] = varint(buf, pos);
        onField(field, p2, p2 + len);
        pos = p2 + len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wire}`);
    }
  }
  if (pos !== end) throw new Error('message overruns its length');
}

/** ExportLogsServiceRequest.resource_logs(1) > ResourceLogs.scope_logs(2) > ScopeLogs.log_records(2) */
function countProtobufRecords(buf: Buffer): number {
  let n = 0;
  eachLengthDelimited(buf, 0, buf.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachLengthDelimited(buf, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachLengthDelimited(buf, s2, e2, (f3) => {
        if (f3 === 2) n++;
      });
    });
  });
  return n;
}

interface JsonExport {
  resourceLogs?: { scopeLogs?: { logRecords?: unknown[] }[] }[];
}

function countJsonRecords(text: string): number {
  const body = JSON.parse(text) as JsonExport;
  let n = 0;
  for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  return n;
}

async function handleExport(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
  }
  stats.requests++;
  stats.bytes += size;
  const body = Buffer.concat(chunks, size);
  const json = (req.headers['content-type'] ?? '').includes('json');
  if ((req.headers['content-encoding'] ?? '').includes('gzip') && pendingBytes + size <= MAX_PENDING_BYTES) {
    pending.push({ body, json });
    pendingBytes += size;
  } else {
    try {
      await countBody(body, json, (req.headers['content-encoding'] ?? '').includes('gzip'));
    } catch (err) {
      stats.errors++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      return;
    }
  }
  if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  else res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
}

async function countBody(body: Buffer, json: boolean, gzip: boolean): Promise<void> {
  const plain = gzip ? await gunzipAsync(body) : body;
  stats.records += json ? countJsonRecords(plain.toString('utf8')) : countProtobufRecords(plain);
}

/**
 * Counts the gzip bodies held back. A body that does not inflate or decode
 * counts as an error here, as it would have been refused with a 400 had it
 * been counted on arrival; the sender then sees its records as lost.
 */
async function countPending(): Promise<void> {
  while (pending.length > 0) {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    for (const { body, json } of batch) {
      try {
        await countBody(body, json, true);
      } catch {
        stats.errors++;
      }
    }
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    // One count at a time, so a second /stats waits for the bodies the first is counting.
    counting = counting.then(countPending);
    counting.then(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats)),
      () => res.writeHead(500).end(),
    );
    return;
  }
  if (req.method === 'POST' && req.url?.startsWith('/v1/logs') === true) {
    handleExport(req, res).catch(() => {
      stats.errors++;
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr !== null ? addr.port : 0}\n`);
});

const stop = (): void => {
  server.close();
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
