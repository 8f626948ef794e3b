/**
 * A loopback OTLP/HTTP logs receiver for the benchmarks: it acknowledges every
 * export at once (200, empty ExportLogsServiceResponse) and counts requests,
 * bytes and log records, so a scenario can tell how many of the records it
 * emitted actually arrived.
 *
 * Records are counted without decoding them: a protobuf body is walked field
 * by field down to ScopeLogs.log_records as its chunks arrive (0.7-0.9 s of
 * the receiver's CPU for the 919 MB that `ship` sends for 1M NcFTPd lines,
 * against 1.1-1.3 s when each body was joined first, and 0.65-0.7 s for a
 * receiver that counts nothing); a JSON body is parsed.
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
import { totalmem } from 'node:os';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

const stats = { requests: 0, records: 0, bytes: 0, errors: 0 };

/**
 * Most bytes of gzip bodies held for counting later: 1 GiB, or a sixteenth of
 * the machine's memory when that is less. 1M generated lines send 77-120 MB
 * of them, the 1 GiB logs ~0.5 GB (EFT) and ~0.85 GB (NcFTPd).
 */
const MAX_PENDING_BYTES = Math.min(1024 * 1024 * 1024, Math.floor(totalmem() / 16));

interface PendingBody {
  body: Buffer;
  json: boolean;
}
let pending: PendingBody[] = [];
let pendingBytes = 0;
let counting: Promise<void> = Promise.resolve();

/**
 * Counts the log records of an ExportLogsServiceRequest as its bytes arrive,
 * chunk by chunk, without joining or decoding them:
 * resource_logs(1) > ResourceLogs.scope_logs(2) > ScopeLogs.log_records(2).
 * Every other field is skipped by its wire type. Throws on a body that is not
 * well-formed protobuf at those three levels.
 */
class ProtobufRecordCounter {
  records = 0;
  /** Offset of the next byte in the whole body. */
  private pos = 0;
  /** End offsets of the open ResourceLogs and ScopeLogs messages. */
  private readonly ends: number[] = [];
  /** What the next bytes are: a key, a length, a varint value to skip, or bytes to skip. */
  private state: 'key' | 'length' | 'varint' | 'skip' = 'key';
  private value = 0;
  private scale = 1;
  private field = 0;
  private toSkip = 0;

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === 'skip') {
        const step = Math.min(this.toSkip, n - i);
        i += step;
        this.pos += step;
        this.toSkip -= step;
        if (this.toSkip === 0) this.state = 'key';
        continue;
      }
      if (this.state === 'key' && this.scale === 1) this.closeMessages();
      const b = chunk[i++]!;
      this.pos++;
      this.value += (b & 0x7f) * this.scale;
      if (b >= 0x80) {
        this.scale *= 128;
        if (this.scale > 2 ** 63) throw new Error('varint too long');
        continue;
      }
      const v = this.value;
      this.value = 0;
      this.scale = 1;
      this.varintDone(v);
    }
  }

  /** The count, once the body has ended where every message does. */
  end(): number {
    if (this.state !== 'key' || this.scale !== 1) throw new Error('body ends inside a field');
    this.closeMessages();
    if (this.ends.length > 0) throw new Error('body ends inside a message');
    return this.records;
  }

  private closeMessages(): void {
    const ends = this.ends;
    while (ends.length > 0 && ends[ends.length - 1] === this.pos) ends.pop();
    if (ends.length > 0 && ends[ends.length - 1]! < this.pos) throw new Error('field overruns its message');
  }

  private varintDone(v: number): void {
    switch (this.state) {
      case 'key': {
        this.field = Math.floor(v / 8);
        const wire = v % 8;
        if (wire === 0) this.state = 'varint';
        else if (wire === 2) this.state = 'length';
        else if (wire === 1 || wire === 5) this.skip(wire === 1 ? 8 : 4);
        else throw new Error(`unsupported wire type ${wire}`);
        return;
      }
      case 'varint':
        this.state = 'key';
        return;
      case 'length': {
        const depth = this.ends.length;
        if (depth < 2 && this.field === (depth === 0 ? 1 : 2)) {
          // Into a ResourceLogs or a ScopeLogs message.
          this.ends.push(this.pos + v);
          this.state = 'key';
          return;
        }
        if (depth === 2 && this.field === 2) this.records++;
        this.skip(v);
        return;
      }
      default:
        throw new Error('unreachable');
    }
  }

  private skip(n: number): void {
    this.toSkip = n;
    this.state = n > 0 ? 'skip' : 'key';
  }
}

function countProtobufRecords(buf: Uint8Array): number {
  const counter = new ProtobufRecordCounter();
  counter.push(buf);
  return counter.end();
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
  const json = (req.headers['content-type'] ?? '').includes('json');
  const gzip = (req.headers['content-encoding'] ?? '').includes('gzip');
  try {
    if (!json && !gzip) await countStreamed(req);
    else await receiveWhole(req, json, gzip);
  } catch (err) {
    stats.errors++;
    res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
    return;
  }
  if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  else res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
}

/**
 * A plain protobuf body, counted as the chunks arrive: joining ~2 MB bodies
 * first cost the receiver about as much CPU as receiving them. The whole body
 * is read even when it turns out malformed; then this throws.
 */
async function countStreamed(req: IncomingMessage): Promise<void> {
  const counter = new ProtobufRecordCounter();
  let size = 0;
  let failure: unknown;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (failure !== undefined) return;
    try {
      counter.push(chunk);
    } catch (err) {
      failure = err;
    }
  });
  await new Promise<void>((resolve, reject) => {
    req.once('end', resolve);
    req.once('error', reject);
  });
  stats.requests++;
  stats.bytes += size;
  if (failure !== undefined) throw failure;
  stats.records += counter.end();
}

/** A JSON or gzip body, read whole: a gzip body is held for later while there is room, anything else counted now. */
async function receiveWhole(req: IncomingMessage, json: boolean, gzip: boolean): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
  }
  stats.requests++;
  stats.bytes += size;
  const body = Buffer.concat(chunks, size);
  if (gzip && pendingBytes + size <= MAX_PENDING_BYTES) {
    pending.push({ body, json });
    pendingBytes += size;
    return;
  }
  await countBody(body, json, gzip);
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
