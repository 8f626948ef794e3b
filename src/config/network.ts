/**
 * Whether the collector answers a TCP connection now: for `validate`, a
 * warning rather than an error (the collector may start after the shipper,
 * which retries until it answers).
 */
import { connect } from 'node:net';
import type { OtlpConfig } from '../sinks/otlp/config.js';

/** Host and port a config connects to (the URL's port, or its scheme's). */
export function endpointAddress(config: OtlpConfig): { host: string; port: number } {
  const u = config.url;
  const port = u.port !== '' ? Number(u.port) : config.grpcTarget !== undefined ? Number(config.grpcTarget.slice(config.grpcTarget.lastIndexOf(':') + 1)) : u.protocol === 'https:' ? 443 : 80;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Undefined when a TCP connection to host:port opens within `timeoutMs`; else why not (ECONNREFUSED, a timeout …). */
export function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | undefined): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}
