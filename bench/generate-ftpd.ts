/**
 * Deterministic, realistic xferlog and vsftpd log lines for the benchmarks
 * and tests: the shapes the real servers write (see test/fixtures/xferlog and
 * test/fixtures/vsftpd), in sessions, with failures, anonymous users, names
 * with spaces (as `_` in xferlog) and `;`, and a share of malformed lines.
 */
// generate.ts imports this module too: nothing of it may be used at load time.
import { localToUtc, Random, zoneOffsetMs, type GeneratorZone } from './generate.js';

export type FtpdGeneratorFormat = 'xferlog' | 'vsftpd';

export interface FtpdGeneratorOptions {
  /** @default 'UTC' */
  zone?: GeneratorZone;
  /** Local time of the first line. @default '2024-11-18 00:00:00' */
  start?: string;
  /** Mean gap between sessions. @default 20 */
  meanGapSeconds?: number;
  /** Share of malformed lines. @default 0.005 */
  malformedRate?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const USERS = ['ftpuser', 'backup', 'deploy', 'mlopez', 'kwang', 'webadmin', 'build-bot'];
const ANON = ['me@example.com', 'mozilla@', '?', '<no_password>', 'anonymous@example.org', ''];
const CLIENTS = ['127.0.0.1', '192.0.2.10', '198.51.100.23', '203.0.113.45', '10.1.0.250', '2001:db8::25'];
const FILES = ['report.pdf', 'my file.txt', 'a;b.txt', 'backup-2024-11-18.tar.gz', 'index.html', 'Rechnung 08353.pdf', 'data.csv', 'img_0042.jpg'];
const DIRS = ['/home/{u}', '/home/{u}/incoming', '/home/{u}/public_html', '/srv/ftp/pub'];
/** Which server wrote a line: their quirks differ (see the fixtures). */
function server(rng: Random): 'vsftpd' | 'proftpd' | 'pureftpd' {
  const r = rng.float();
  return r < 0.5 ? 'vsftpd' : r < 0.85 ? 'proftpd' : 'pureftpd';
}

/** `Www Mmm dd hh:mm:ss yyyy` of a UTC instant in `zone`, the day padded as the server pads it. */
function ctime(utcMs: number, zone: GeneratorZone, zeroPad: boolean): string {
  const d = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = zeroPad ? p2(d.getUTCDate()) : String(d.getUTCDate()).padStart(2, ' ');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

function size(rng: Random): number {
  return Math.floor(Math.exp(rng.float() * 18));
}

interface Clock {
  now: number;
}

function advance(rng: Random, clock: Clock, meanSeconds: number): void {
  clock.now += Math.floor(-Math.log(1 - rng.float()) * meanSeconds * 1000);
}

/** One malformed line from a good one: cut short, or a field garbled. */
function malformed(rng: Random, line: string): string {
  return rng.float() < 0.5 ? line.slice(0, rng.int(10, Math.max(10, line.length - 2))) : line.replace(/ (\d+) /, ' x$1 ');
}

export function* generateXferlogLines(count: number, seed: number | string, options: FtpdGeneratorOptions = {}): Generator<string> {
  const rng = new Random(seed);
  const zone = options.zone ?? 'UTC';
  const clock = { now: localToUtc(zone, options.start ?? '2024-11-18 00:00:00') };
  const malformedRate = options.malformedRate ?? 0.005;
  for (let n = 0; n < count; n++) {
    advance(rng, clock, options.meanGapSeconds ?? 20);
    const from = server(rng);
    const anonymous = rng.float() < 0.2;
    const user = anonymous ? (from === 'pureftpd' ? 'ftp' : rng.pick(ANON)) : rng.pick(USERS);
    const mode = anonymous && from !== 'pureftpd' ? 'a' : 'r';
    const dir = rng.pick(DIRS).replace('{u}', anonymous ? 'ftp' : user);
    const path = `${dir}/${rng.pick(FILES).replace(/ /g, '_')}`;
    const r = rng.float();
    const direction = r < 0.55 ? 'o' : r < 0.95 || from !== 'proftpd' ? 'i' : 'd';
    const incomplete = from !== 'pureftpd' && rng.float() < 0.04;
    const bytes = incomplete ? rng.int(0, 65536) : size(rng);
    const seconds = from === 'vsftpd' ? Math.max(1, Math.round(bytes / 5e7)) : Math.round(bytes / 5e7);
    const line = [
      ctime(clock.now, zone, from !== 'vsftpd'), seconds, rng.pick(CLIENTS), bytes, path,
      rng.float() < 0.1 ? 'a' : 'b', '_', direction, mode, user, 'ftp', from === 'pureftpd' ? '1' : '0', '*', incomplete ? 'i' : 'c',
    ].join(' ');
    yield rng.float() < malformedRate ? malformed(rng, line) : line;
  }
}

export function* generateVsftpdLines(count: number, seed: number | string, options: FtpdGeneratorOptions = {}): Generator<string> {
  const rng = new Random(seed);
  const zone = options.zone ?? 'UTC';
  const clock = { now: localToUtc(zone, options.start ?? '2024-11-18 00:00:00') };
  const malformedRate = options.malformedRate ?? 0.005;
  let pid = 1000 + rng.int(0, 20000);
  let n = 0;
  const emit = (line: string): string => (rng.float() < malformedRate ? malformed(rng, line) : line);
  while (n < count) {
    advance(rng, clock, options.meanGapSeconds ?? 20);
    pid += rng.int(2, 9);
    const client = rng.pick(CLIENTS);
    const t = (): string => ctime(clock.now, zone, false);
    const anonymous = rng.float() < 0.2;
    const user = anonymous ? 'ftp' : rng.pick(USERS);
    const session: string[] = [`${t()} [pid ${pid}] CONNECT: Client "${client}"`];
    if (!anonymous && rng.float() < 0.08) session.push(`${t()} [pid ${pid - 1}] [${user}] FAIL LOGIN: Client "${client}"`);
    else {
      session.push(anonymous ? `${t()} [pid ${pid - 1}] [ftp] OK LOGIN: Client "${client}", anon password "${rng.pick(ANON)}"` : `${t()} [pid ${pid - 1}] [${user}] OK LOGIN: Client "${client}"`);
      const dir = anonymous ? '' : `/home/${user}`;
      for (let k = rng.int(1, 4); k > 0; k--) {
        advance(rng, clock, 2);
        const path = `${dir}/${rng.pick(FILES)}`;
        const r = rng.float();
        const ok = rng.float() < 0.95 ? 'OK' : 'FAIL';
        const head = `${t()} [pid ${pid + 1}] [${user}] ${ok}`;
        if (r < 0.45) session.push(`${head} DOWNLOAD: Client "${client}", "${path}", ${size(rng)} bytes, ${(rng.float() * 90000).toFixed(2)}Kbyte/sec`);
        else if (r < 0.8 && !anonymous) session.push(`${head} UPLOAD: Client "${client}", "${path}", ${size(rng)} bytes, ${(rng.float() * 90000).toFixed(2)}Kbyte/sec`);
        else if (r < 0.87 && !anonymous) session.push(`${head} MKDIR: Client "${client}", "${dir}/new folder"`);
        else if (r < 0.94 && !anonymous) session.push(`${head} RENAME: Client "${client}", "${path} ${dir}/renamed.txt"`);
        else if (!anonymous) session.push(`${head} DELETE: Client "${client}", "${path}"`);
      }
    }
    for (const line of session) {
      if (n++ >= count) break;
      yield emit(line);
    }
  }
}

export function generateFtpdLines(format: FtpdGeneratorFormat, count: number, seed: number | string, options: FtpdGeneratorOptions = {}): Generator<string> {
  return format === 'xferlog' ? generateXferlogLines(count, seed, options) : generateVsftpdLines(count, seed, options);
}
