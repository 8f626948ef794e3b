/**
 * Deterministic generator of realistic EFT client logs and NcFTPd transfer
 * logs, for benchmarks, soak runs and the bundled examples.
 *
 * Every random choice comes from one seeded PRNG (mulberry32), and nothing
 * reads the clock, the locale or the time-zone database, so a seed always
 * gives byte-identical output. Time zones are computed from the fixed DST
 * rules of the supported zones: event instants increase monotonically while
 * the logged local times jump forward and back at the transitions, as real
 * files do.
 *
 *   node dist/bench/generate.js --format eft --lines 1000000 --out bench/out/eft.log
 *   node dist/bench/generate.js --format ncftpd --bytes 1G --out bench/out/ncftpd-1g.log
 *   node dist/bench/generate.js --examples examples/logs
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { generateFtpdLines, type FtpdGeneratorFormat, type FtpdGeneratorOptions } from './generate-ftpd.js';

/** Bump when the output for a given seed and options changes (invalidates cached bench files). */
export const GENERATOR_VERSION = 2;

// ---------------------------------------------------------------------------
// Seeded randomness

/** Hashes a seed given as text (FNV-1a); numbers are used as they are. */
export function seedFrom(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  if (/^\d+$/.test(seed)) return Number(seed) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for test data. */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = seedFrom(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Exponentially distributed, for gaps between events. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median`, spread `sigma` (natural log units). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + this.int(0, 9));
    return s;
  }
}

/** A weighted choice table, built once and drawn from many times. */
export class Weighted<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [value, weight] of entries) {
      if (weight <= 0) continue;
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  draw(rng: Random): T {
    const x = rng.float() * this.total;
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < (c[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }
}

// ---------------------------------------------------------------------------
// Time zones (fixed rules, no tz database)

export type GeneratorZone = 'UTC' | 'America/Chicago' | 'Europe/Berlin';
export const ZONES: readonly GeneratorZone[] = ['UTC', 'America/Chicago', 'Europe/Berlin'];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function nthSundayUtc(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const weekday = new Date(first).getUTCDay();
  return first + (((7 - weekday) % 7) + 7 * (n - 1)) * DAY_MS;
}

function lastSundayUtc(year: number, month: number): number {
  const last = Date.UTC(year, month + 1, 1) - DAY_MS;
  return last - new Date(last).getUTCDay() * DAY_MS;
}

const dstCache = new Map<string, readonly [number, number]>();

/** DST start and end of `year`, as UTC instants. */
function dstBounds(zone: GeneratorZone, year: number): readonly [number, number] {
  const key = zone + year;
  let bounds = dstCache.get(key);
  if (bounds === undefined) {
    if (zone === 'America/Chicago') {
      // Second Sunday of March 02:00 CST, first Sunday of November 02:00 CDT (rules since 2007).
      bounds = [nthSundayUtc(year, 2, 2) + 8 * HOUR_MS, nthSundayUtc(year, 10, 1) + 7 * HOUR_MS];
    } else {
      // EU: last Sunday of March and of October, 01:00 UTC.
      bounds = [lastSundayUtc(year, 2) + HOUR_MS, lastSundayUtc(year, 9) + HOUR_MS];
    }
    dstCache.set(key, bounds);
  }
  return bounds;
}

/** Offset of local time from UTC, in milliseconds, at instant `utcMs`. */
export function zoneOffsetMs(zone: GeneratorZone, utcMs: number): number {
  if (zone === 'UTC') return 0;
  const standard = zone === 'America/Chicago' ? -6 * HOUR_MS : HOUR_MS;
  const [start, end] = dstBounds(zone, new Date(utcMs).getUTCFullYear());
  return utcMs >= start && utcMs < end ? standard + HOUR_MS : standard;
}

/** Converts a local wall-clock time to an instant (the later one when ambiguous, a shifted one in a gap). */
export function localToUtc(zone: GeneratorZone, local: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (m === null) throw new Error(`invalid local time ${JSON.stringify(local)} (expected YYYY-MM-DD HH:MM:SS)`);
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const guess = wall - zoneOffsetMs(zone, wall);
  return wall - zoneOffsetMs(zone, guess);
}

/** Local wall-clock parts of an instant. */
interface Civil {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** 0 = Sunday */
  wd: number;
}

function civil(zone: GeneratorZone, utcMs: number): Civil {
  const t = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
    wd: t.getUTCDay(),
  };
}

const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const p3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

function fmtDate(c: Civil): string {
  return c.y + '-' + p2(c.mo) + '-' + p2(c.d);
}

function fmtTime(c: Civil): string {
  return p2(c.h) + ':' + p2(c.mi) + ':' + p2(c.s);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// ---------------------------------------------------------------------------
// Malformed lines, shared by both formats

function truncate(rng: Random, line: string): string {
  return line.slice(0, rng.int(1, Math.max(1, line.length - 2)));
}

const JUNK_LINES = [
  '*** log file reopened ***',
  'Log write failed: The process cannot access the file because it is being used by another process.',
  '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
  '</html>',
  '#Fields: date time c-ip cs-username cs-method cs-uri-stem sc-status',
  'Segmentation fault (core dumped)',
  '    at Object.<anonymous> (C:\\scripts\\rotate.js:12:9)',
  '\uFFFD\uFFFD\uFFFD\uFFFD log rotated \uFFFD\uFFFD',
];

// ---------------------------------------------------------------------------
// EFT client log

/** Options of the EFT client log generator; every option is drawn from the seed when omitted. */
export interface EftGeneratorOptions {
  /** 9 columns, or 10 with ACTION_RESULT. @default 10 for about 60% of seeds */
  columns?: 9 | 10;
  /** Write a header line first. @default true for about 30% of seeds */
  header?: boolean;
  /** With 10 columns: whether a `;` follows ACTION_RESULT. @default drawn from the seed */
  trailingSemicolonAfterResult?: boolean;
  /** Share of malformed lines; 0 turns them off. @default 0.005 */
  malformedRate?: number;
  /** Share of operations that fail. @default 0.06 */
  failureRate?: number;
  /** Share of lines whose ACTION_RESULT contradicts the code. @default 0.002 */
  mismatchRate?: number;
  /** Share of file names containing `;`. @default 0.002 */
  semicolonNameRate?: number;
  /** Server time zone of the logged times. @default America/Chicago or Europe/Berlin, from the seed */
  zone?: GeneratorZone;
  /** Local time of the first session. @default '2024-03-01 00:00:00' */
  start?: string;
  /** Mean gap between sessions, seconds. @default 85 (about 3,900 lines a day: 1M lines cover March to November, both DST changes) */
  meanGapSeconds?: number;
}

export const EFT_HEADERS = {
  nine: 'Time; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode',
  tenPipe: 'TIME | PROTOCOL | HOST | PORT | USER | LOCAL_PATH | REMOTE_PATH | OPERATION | LAST_RESULT_CODE | ACTION_RESULT',
  tenTypo: 'TIME; PROT: HOST:PORT; USER; LOCAL_PATH; REMOTE_PATH; OPERATION; LAST_RESULT_CODE; ACTION_RESULT',
} as const;

type EftProtocol = 'ftp' | 'ftps' | 'sftp' | 'http' | 'https';
type EftOperation = 'download' | 'upload' | 'list' | 'delete' | 'rename' | 'mkdir';

interface NameCtx {
  c: Civil;
  rng: Random;
}

type NameFn = (x: NameCtx) => string;

const ymd = (c: Civil): string => c.y + p2(c.mo) + p2(c.d);
const ym = (c: Civil): string => c.y + p2(c.mo);

interface FileKind {
  readonly local: readonly string[];
  readonly remote: readonly string[];
  readonly names: readonly NameFn[];
}

const FILE_KINDS: readonly FileKind[] = [
  {
    // payroll
    local: ['C:\\EFT\\Payroll\\Outbound', '\\\\fs01\\hr$\\Payroll\\Export', 'D:\\Data\\Payroll\\ADP', 'C:\\Users\\svc_eft\\Payroll Files'],
    remote: ['/inbound/payroll', '/payroll/in', '/upload/hr', '/Payroll Exchange/Outbound'],
    names: [
      ({ c, rng }) => `PAY_${ymd(c)}_${p3(rng.int(1, 12))}.csv`,
      ({ c }) => `PAYROLL_${ymd(c)}.txt.pgp`,
      ({ c }) => `ADP_Export_${ymd(c)}.csv`,
      ({ c }) => `Gehaltsabrechnung_${ym(c)}.pdf`,
      ({ c, rng }) => `Timesheets Week ${rng.int(1, 52)} ${c.y}.xlsx`,
      ({ c }) => `Lohnjournal_${MONTHS[c.mo - 1]}_${c.y}_Überstunden.csv`,
    ],
  },
  {
    // invoices (AP/AR)
    local: ['\\\\fs01\\finance$\\AP\\Invoices', 'C:\\EFT\\Outbound\\Invoices', 'D:\\Finance\\AR\\Outgoing', '\\\\srv-docs\\Accounts Payable\\Scans'],
    remote: ['/outbound/invoices', '/ap/inbox', '/invoices', '/home/acme/upload/invoices'],
    names: [
      ({ c, rng }) => `INV-${c.y}-${rng.digits(6)}.pdf`,
      ({ rng }) => `Rechnung ${rng.digits(5)}.pdf`,
      ({ c, rng }) => `Facture_${rng.digits(6)}_${c.y}.pdf`,
      ({ c }) => `invoice_batch_${ymd(c)}.xml`,
      ({ rng }) => `Zahlungsavis_${rng.digits(7)}_Müller GmbH.pdf`,
      ({ rng }) => `Gutschrift Nr. ${rng.digits(6)}.pdf`,
      ({ rng }) => `factura_señal_${rng.digits(5)}.pdf`,
    ],
  },
  {
    // EDI (X12 / EDIFACT)
    local: ['D:\\Data\\EDI\\Inbound\\850', 'D:\\Data\\EDI\\Outbound\\810', 'C:\\EDI\\Archive', '\\\\edi-gw01\\edi$\\out'],
    remote: ['/edi/in', '/edi/out', '/X12/850', '/EDIFACT/ORDERS', '/inbox', '/outbox'],
    names: [
      ({ rng }) => `PO_45000${rng.digits(5)}.edi`,
      ({ rng }) => `850_${rng.digits(9)}.x12`,
      ({ rng }) => `810_INV_${rng.digits(8)}.x12`,
      ({ rng }) => `997_${rng.digits(9)}.x12`,
      ({ c, rng }) => `ORDERS_D96A_${ymd(c)}_${rng.digits(4)}.edi`,
      ({ c, rng }) => `INVOIC_${ymd(c)}${rng.digits(6)}.edi`,
      ({ rng }) => `ASN_856_${rng.digits(7)}.txt`,
      ({ rng }) => `DESADV_${rng.digits(8)}.edi`,
    ],
  },
  {
    // bank statements and payments
    local: ['C:\\EFT\\Bank\\Statements', '\\\\fs01\\treasury$\\Statements', 'D:\\Treasury\\Payments\\Outbound'],
    remote: ['/statements', '/outgoing', '/incoming/pain001', '/camt053', '/download'],
    names: [
      ({ c, rng }) => `CAMT053_${ymd(c)}_${rng.digits(3)}.xml`,
      ({ c }) => `MT940_${ymd(c)}.sta`,
      ({ rng }) => `pain.001.001.03_${rng.digits(10)}.xml`,
      ({ c }) => `BAI2_${ymd(c)}.txt`,
      ({ c }) => `Kontoauszug ${p2(c.d)}.${p2(c.mo)}.${c.y}.pdf`,
      ({ c, rng }) => `ACH_NACHA_${ymd(c)}_${rng.int(1, 4)}.ach`,
    ],
  },
  {
    // reports and partner exchanges
    local: ['C:\\Users\\Public\\Partner Exchange\\Reports', 'C:\\Reports\\Daily', '\\\\srv-bi01\\exports\\Sales', 'E:\\Transfers\\Archive'],
    remote: ['/reports', '/Partner Exchange/Reports', '/exports/daily', '/shared/Monthly Reports', '/'],
    names: [
      ({ c }) => `Daily Sales Report ${fmtDate(c)}.xlsx`,
      ({ c }) => `Inventory_${ymd(c)}.csv`,
      ({ c }) => `Monthly Statement ${MONTHS[c.mo - 1]} ${c.y}.pdf`,
      ({ c }) => `stock_levels_${ymd(c)}.csv.gz`,
      ({ c }) => `KPI Übersicht ${MONTHS[c.mo - 1]} ${c.y}.xlsx`,
      ({ c, rng }) => `Rapport d'activité ${rng.int(1, 4)}T${c.y}.docx`,
      ({ c }) => `shipments_${ymd(c)}.zip`,
    ],
  },
  {
    // logistics and misc
    local: ['C:\\Logistics\\Outbound\\Labels', 'D:\\WMS\\Export', '\\\\srv-wms\\exchange\\in'],
    remote: ['/labels', '/wms/in', '/carrier/upload', '/tracking'],
    names: [
      ({ rng }) => `LBL_1Z${rng.digits(10)}.zpl`,
      ({ c }) => `tracking_${ymd(c)}.csv`,
      ({ rng }) => `Lieferschein_${rng.digits(8)}.pdf`,
      ({ rng }) => `packliste_größe_${rng.digits(4)}.txt`,
      ({ rng }) => `出荷指示_${rng.digits(6)}.csv`,
      ({ c, rng }) => `manifest ${fmtDate(c)} #${rng.int(1, 9)}.xml`,
    ],
  },
];

const HOST_NAMES = [
  'ftp.northwind-bank.com', 'sftp.contoso-payroll.com', 'edi.fabrikam.net', 'files.adatum.de',
  'transfer.litwareinc.com', 'mft.tailspin-logistics.com', 'sftp.woodgrove.example', 'ftp.proseware.co.uk',
  'b2b.wideworldimporters.com', 'ftps.alpineski.at', 'gateway.fourthcoffee.com', 'upload.treyresearch.net',
  'sftp-eu.contoso.com', 'ftp.lucerne-publishing.ch', 'data.humongous-insurance.com', 'fs01.corp.local',
  'SRV-FILE02', 'edi-gw01', 'secure.blueyonderairlines.com', 'dav.coho-winery.com',
];
const HOST_IPV4 = ['192.168.20.171', '10.20.30.41', '172.16.4.12', '203.0.113.45', '198.51.100.23', '192.0.2.10', '10.1.0.250', '192.168.1.5'];
const HOST_IPV6 = ['2001:db8:85a3::8a2e:370:7334', '2001:db8::25', 'fd12:3456:789a:1::20', 'fe80::1c2a:3bff:fe4d:9e01'];
const USERS = [
  'ClientA', 'svc_payroll', 'acme-edi', 'NW_BANK_01', 'partner_fabrikam', 'edi850', 'jmueller', 'ap.invoices',
  'TRANSFER01', 'ftpuser', 'anonymous', 'CORP\\svc-eft', 'müller.k', 'reports@contoso.com', 'woodgrove_sftp',
  'lucerne', 'WMS_EXPORT', 'treasury', 'b2b-user', 'Administrator',
];

const PROTOCOLS = new Weighted<EftProtocol>([['ftp', 38], ['sftp', 36], ['ftps', 12], ['https', 9], ['http', 5]]);
const OPERATIONS = new Weighted<EftOperation>([
  ['download', 42], ['upload', 38], ['list', 9], ['delete', 6], ['rename', 3], ['mkdir', 2],
]);

/** Codes by failure class; each drawn with its weight. */
const CONNECT_FAILURES = new Weighted<number>([[10060, 40], [10061, 20], [10054, 15], [2000, 12], [11001, 4], [10065, 3]]);
const EFT_SOCKS_FAILURES = new Weighted<number>([[1, 2], [2, 1], [3, 2], [4, 3], [5, 3], [6, 1], [7, 2], [8, 1], [10, 1], [11, 2], [12, 2]]);
// 530 (not logged in) is a session-level failure, drawn when the session starts.
const FTP_FAILURES = new Weighted<number>([[550, 40], [426, 12], [425, 10], [421, 9], [450, 10], [553, 8], [452, 3]]);
const SFTP_FAILURES = new Weighted<number>([[2, 40], [3, 25], [4, 20], [-1, 15]]);
const HTTP_FAILURES = new Weighted<number>([[404, 50], [500, 25], [401, 10], [403, 10], [503, 5]]);

interface EftPartner {
  protocol: EftProtocol;
  /** Protocol as written (a few partners are logged in uppercase). */
  protocolText: string;
  host: string;
  port: number;
  user: string;
  kind: FileKind;
  /** Most rules only download from, or only upload to, a given partner. */
  direction: 'download' | 'upload';
  localDir: string;
  remoteDir: string;
  /** Relative activity of this partner. */
  weight: number;
}

function defaultPort(rng: Random, protocol: EftProtocol): number {
  switch (protocol) {
    case 'ftp':
      return rng.chance(0.97) ? 21 : 2121;
    case 'ftps':
      return rng.chance(0.6) ? 990 : 21;
    case 'sftp':
      return rng.chance(0.93) ? 22 : 2222;
    case 'http':
      return rng.chance(0.85) ? 80 : 8080;
    case 'https':
      return rng.chance(0.95) ? 443 : 8443;
  }
}

function makePartners(rng: Random, count: number): EftPartner[] {
  const partners: EftPartner[] = [];
  for (let i = 0; i < count; i++) {
    const protocol = PROTOCOLS.draw(rng);
    const hostKind = rng.float();
    const host = hostKind < 0.62 ? rng.pick(HOST_NAMES) : hostKind < 0.92 ? rng.pick(HOST_IPV4) : rng.pick(HOST_IPV6);
    const kind = rng.pick(FILE_KINDS);
    let remoteDir = rng.pick(kind.remote);
    if (protocol === 'http' || protocol === 'https') remoteDir = rng.pick(['/dav', '/api/files', '/exchange']) + (remoteDir === '/' ? '' : remoteDir);
    partners.push({
      protocol,
      protocolText: rng.chance(0.12) ? protocol.toUpperCase() : protocol,
      host,
      port: defaultPort(rng, protocol),
      user: rng.pick(USERS),
      kind,
      direction: rng.chance(0.52) ? 'download' : 'upload',
      localDir: rng.pick(kind.local),
      remoteDir,
      weight: rng.logNormal(1, 0.6),
    });
  }
  return partners;
}

function successCode(rng: Random, protocol: EftProtocol, op: EftOperation): number {
  switch (protocol) {
    case 'sftp':
      return 0;
    case 'http':
    case 'https':
      if (op === 'upload' && rng.chance(0.2)) return 201;
      if (op === 'delete' && rng.chance(0.3)) return 204;
      return 200;
    default:
      if (op === 'mkdir') return 257;
      if (op === 'delete' || op === 'rename') return 250;
      return rng.chance(0.9) ? 226 : rng.chance(0.8) ? 250 : 150;
  }
}

function failureCode(rng: Random, protocol: EftProtocol): number {
  const x = rng.float();
  if (x < 0.3) return CONNECT_FAILURES.draw(rng);
  if (x < 0.36 && protocol !== 'sftp') return EFT_SOCKS_FAILURES.draw(rng);
  switch (protocol) {
    case 'sftp':
      return SFTP_FAILURES.draw(rng);
    case 'http':
    case 'https':
      return HTTP_FAILURES.draw(rng);
    default:
      return FTP_FAILURES.draw(rng);
  }
}

function withSemicolon(rng: Random, name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  return stem + rng.pick(['; corrected', '; final', ';v2', '; copy', ';old']) + ext;
}

interface EftSession {
  partner: EftPartner;
  /** Operations left in this session. */
  left: number;
  /** The session stops after a connect/login failure. */
  broken: boolean;
  /** A code that applies to every remaining operation (connect or login failure). */
  sessionCode: number | undefined;
}

/**
 * Yields EFT client log lines (no terminators). `count` may be Infinity.
 */
export function* generateEftLines(count: number, seed: number | string, options: EftGeneratorOptions = {}): Generator<string> {
  const rng = new Random(seed);
  const columns = options.columns ?? (rng.chance(0.6) ? 10 : 9);
  const header = options.header ?? rng.chance(0.3);
  const trailingAfterResult = options.trailingSemicolonAfterResult ?? rng.chance(0.5);
  const malformedRate = options.malformedRate ?? 0.005;
  const failureRate = options.failureRate ?? 0.06;
  const mismatchRate = options.mismatchRate ?? 0.002;
  const semicolonRate = options.semicolonNameRate ?? 0.002;
  const zone = options.zone ?? (rng.chance(0.5) ? 'America/Chicago' : 'Europe/Berlin');
  const meanGapMs = (options.meanGapSeconds ?? 85) * 1000;
  let now = localToUtc(zone, options.start ?? '2024-03-01 00:00:00');

  const partners = makePartners(rng, 40);
  const partnerTable = new Weighted(partners.map((p) => [p, p.weight] as const));

  let emitted = 0;
  if (header && emitted < count) {
    emitted++;
    yield columns === 9 ? EFT_HEADERS.nine : rng.chance(0.5) ? EFT_HEADERS.tenPipe : EFT_HEADERS.tenTypo;
  }

  let session: EftSession | undefined;
  let previous = '';
  while (emitted < count) {
    if (session === undefined || session.left <= 0) {
      // Business hours are busier than nights.
      const c = civil(zone, now);
      const busy = c.h >= 7 && c.h < 19 && c.wd !== 0 && c.wd !== 6 ? 0.45 : 2.2;
      now += Math.round(rng.exp(meanGapMs * busy)) + 1000;
      const partner = partnerTable.draw(rng);
      session = { partner, left: Math.max(1, Math.round(rng.logNormal(3, 0.7))), broken: false, sessionCode: undefined };
      if (rng.chance(failureRate * 0.45)) {
        // The whole session fails to connect or log in.
        const x = rng.float();
        const p = partner.protocol;
        session.sessionCode =
          x < 0.45 ? CONNECT_FAILURES.draw(rng)
          : x < 0.8 ? (p === 'sftp' ? -1 : p === 'http' || p === 'https' ? 401 : 530)
          : p === 'sftp' ? CONNECT_FAILURES.draw(rng) : EFT_SOCKS_FAILURES.draw(rng);
        session.broken = true;
        session.left = 1;
      }
    } else {
      now += rng.int(0, 2500);
    }
    session.left--;

    if (malformedRate > 0 && rng.chance(malformedRate)) {
      emitted++;
      yield eftMalformed(rng, previous, now, zone);
      continue;
    }

    const p = session.partner;
    let op = OPERATIONS.draw(rng);
    if ((op === 'download' || op === 'upload') && rng.chance(0.85)) op = p.direction;
    const c = civil(zone, now);
    let name = rng.pick(p.kind.names)({ c, rng });
    let remoteName = name;
    if (rng.chance(semicolonRate)) {
      name = withSemicolon(rng, name);
      if (rng.chance(0.25)) remoteName = name;
    }

    let localPath = p.localDir + '\\' + name;
    let remotePath = (p.remoteDir === '/' ? '' : p.remoteDir) + '/' + remoteName;
    if (op === 'list' || op === 'mkdir') {
      localPath = op === 'list' && rng.chance(0.3) ? p.localDir + '\\' : '';
      remotePath = op === 'mkdir' ? (p.remoteDir === '/' ? '' : p.remoteDir) + '/' + ym(c) : p.remoteDir + (p.remoteDir.endsWith('/') ? '' : '/');
    } else if (op === 'delete' || op === 'rename') {
      localPath = rng.chance(0.7) ? '' : localPath;
    }

    let code: number;
    let ok: boolean;
    if (session.sessionCode !== undefined) {
      code = session.sessionCode;
      ok = false;
    } else if (rng.chance(failureRate * 0.55)) {
      code = failureCode(rng, p.protocol);
      ok = false;
    } else {
      code = successCode(rng, p.protocol, op);
      ok = true;
    }

    const host = rng.chance(0.02) ? '' : p.host;
    const port = rng.chance(0.002) ? '' : String(p.port);
    const protocolText = rng.chance(0.01) ? p.protocolText.toUpperCase() : p.protocolText;
    const fields = [protocolText, host, port, p.user, localPath, remotePath, op, String(code)];
    let actionResult: string | undefined;
    if (columns === 10) {
      let result = ok ? 0 : 1;
      if (rng.chance(mismatchRate)) result = 1 - result;
      actionResult = String(result);
    }

    const line = formatEftLine(fmtDate(c) + ' ' + fmtTime(c), fields, actionResult, {
      compact: rng.chance(0.004),
      // Nine columns always end with `;` (the vendor writes it; without it a
      // line reads as cut short); ten follow the file's style, a few without.
      trailing: actionResult === undefined || (trailingAfterResult && !rng.chance(0.003)),
    });
    previous = line;
    emitted++;
    yield line;
  }
}

/**
 * Formats one EFT line: each field after the time is written as `" " + value + ";"`,
 * an empty field as a bare `;` (the vendor's `ftp;; 21`).
 */
export function formatEftLine(
  time: string,
  fields: readonly string[],
  actionResult: string | undefined,
  style: { compact?: boolean; trailing?: boolean } = {},
): string {
  const space = style.compact === true ? '' : ' ';
  let line = time + ';';
  for (const f of fields) line += f === '' ? ';' : space + f + ';';
  if (actionResult !== undefined) line += space + actionResult + ';';
  if (style.trailing === false) line = line.slice(0, -1);
  return line;
}

function eftMalformed(rng: Random, previous: string, now: number, zone: GeneratorZone): string {
  const c = civil(zone, now);
  const time = fmtDate(c) + ' ' + fmtTime(c);
  const base = previous !== '' ? previous : time + '; ftp; ftp.northwind-bank.com; 21; ClientA; C:\\EFT\\x.txt; /x.txt; download; 226;';
  const x = rng.float();
  if (x < 0.3) return truncate(rng, base);
  if (x < 0.45) return base + base; // a lost line terminator glued two lines together
  if (x < 0.6) {
    const bad = rng.pick([`${p2(c.d)}/${p2(c.mo)}/${c.y} ${fmtTime(c)}`, `${fmtDate(c)} 25:61:${p2(c.s)}`, `${c.y}-${p2(c.mo)}-${p2(c.d)}T${fmtTime(c)}Z`]);
    const semi = base.indexOf(';');
    return bad + (semi >= 0 ? base.slice(semi) : ';');
  }
  if (x < 0.72) return time + '; sftp; ' + rng.pick(HOST_NAMES) + '; ssh; ' + rng.pick(USERS) + '; C:\\EFT\\in\\a.csv; /out/a.csv; download; OK;';
  if (x < 0.8) return time + '; ftp; ' + rng.pick(HOST_IPV4) + '; 21; ' + rng.pick(USERS) + ';';
  if (x < 0.84) return '';
  return rng.pick(JUNK_LINES);
}

// ---------------------------------------------------------------------------
// NcFTPd transfer log

/** Options of the NcFTPd xfer log generator. */
export interface NcftpdGeneratorOptions {
  /** Share of malformed lines; 0 turns them off. @default 0.005 */
  malformedRate?: number;
  /** Server time zone of the prefix times; start epochs are UTC. @default 'America/Chicago' */
  zone?: GeneratorZone;
  /** Local time of the first entry. @default '2024-02-01 00:00:00' */
  start?: string;
  /** Mean gap between entries, seconds. @default 30 (1M lines cover February to December, both DST changes) */
  meanGapSeconds?: number;
  /** Pad the process tag as NcFTPd 2.8 does (`#u5     | `) rather than `#u5 | `. @default true */
  padTags?: boolean;
  /** Share of lines whose time carries milliseconds. @default 0.08 */
  millisecondsRate?: number;
  /** Share of lines in the old layout (YY/MM/DD, R/S ending after the status). @default 0.001 */
  oldFormatRate?: number;
}

type NcftpdType = 'R' | 'S' | 'T' | 'D' | 'M' | 'C' | 'L' | 'N';

const NCFTPD_TYPES = new Weighted<NcftpdType>([
  ['R', 56], ['S', 22], ['T', 12], ['D', 4], ['M', 2], ['N', 2], ['C', 1.2], ['L', 0.8],
]);
const R_STATUS = new Weighted<string>([['OK', 90.5], ['ABOR', 3], ['NOENT', 2.5], ['INCOMPLETE', 2], ['PERM', 1.5], ['ERROR', 0.5]]);
const S_STATUS = new Weighted<string>([['OK', 92], ['ABOR', 2.5], ['INCOMPLETE', 3], ['PERM', 2], ['ERROR', 0.5]]);
const T_STATUS = new Weighted<string>([['OK', 95], ['NOENT', 3], ['PERM', 1.5], ['ERROR', 0.5]]);

const ANON_EMAILS = [
  'mozilla@', 'IEUser@', 'chrome@example.com', 'guest', '-wget@', 'anonymous@', 'lftp@', 'joe@example.org',
  '!@#$!@#$', 'smith,john@example.com', '2M@nYL0G-z', 'user@my.host.com', 'ncftp@', 'a@b,c', 'root@localhost',
  'mirror-bot@ftp.example.net', '', 'test@test',
];
const LOCAL_USERS = ['sshaw', 'opc', 'suemi', 'cti-www', 'webadmin', 'backup', 'deploy', 'mlopez', 'kwang', 'build-bot', 'ftpsync', 'jdoe'];
const CLIENT_HOSTS = [
  'localhost', 'my.odd--host.local', '"odd--host', 'dialup-12.isp.example.net', 'crawl-66-249-66-1.example.net',
  'actual.host.com', 'mirror1.example.edu', 'vpn-gw.corp.example.com', 'cable-24-216-233-19.example.net',
];
const MIRROR_FILES = [
  '/pub/linux/kernel/v6.x/linux-6.11.tar.xz', '/pub/gnu/emacs/emacs-29.4.tar.gz', '/pub/ncftp/ncftp-3.2.7-src.tar.gz',
  '/pub/docs/rfc/rfc959.txt', '/pub/docs/rfc/rfc2228.txt', '/pub/mirrors/debian/dists/bookworm/Release',
  '/pub/mirrors/debian/pool/main/o/openssl/openssl_3.0.14-1_amd64.deb', '/pub/win32/putty-0.81-installer.msi',
  '/pub/README', '/pub/ls-lR.gz', '/pub/src/zlib-1.3.1.tar.gz', '/pub/images/Photos, 2024/IMG_0042.JPG',
  '/pub/docs/Release Notes 3.2.pdf', '/pub/perl/CPAN/authors/id/S/SS/SSHAW/Net-FTP-Ncftpd-0.01.tar.gz',
];
const MIRROR_DIRS = ['/pub', '/pub/linux/kernel/v6.x', '/pub/gnu', '/pub/docs/rfc', '/pub/mirrors/debian', '/pub/src', '/pub/incoming'];
const USER_DIRS = ['Documents', 'public_html', 'backups', 'projects/site', 'Documents/2024/Contracts', 'www/images', 'tmp', 'mail'];
const USER_FILES = [
  'index.html', 'style.css', 'logo.png', 'backup-{d}.tar.gz', 'db_dump_{d}.sql.gz', 'report.pdf', 'Smith, John - Contract.pdf',
  'HP 2011 {d}.xml', 'notes.txt', '.cshrc', 'invoice,{n}.pdf', 'large-sprite.gif', 'photo {n}.jpg', 'Résumé.docx',
  'data_{d}.csv', 'setup.exe', 'site.zip',
];
const NOTES_R = new Weighted<string>([['PsSf', 40], ['Ps', 18], ['PoSf', 12], ['Po', 6], ['PsMm', 8], ['Sf', 4], ['', 4], ['Df', 1], ['PsBl', 0.3], ['PsSfAp', 1.5], ['PsRz', 1]]);
const NOTES_S = new Weighted<string>([['Ps', 60], ['Po', 18], ['PsMm', 6], ['', 6], ['Df', 1], ['PsAp', 1.5], ['PoRz', 1]]);
const SUFFIXES = ['.tar', '.tar.Z', '.tar.gz'];

interface NcftpdSession {
  child: number;
  sid: string;
  user: string;
  email: string;
  host: string;
  anonymous: boolean;
  home: string;
  /** Client bandwidth, KB/s. */
  rate: number;
  left: number;
  /** The next entry of this session, drawn ahead so that its finish time is known. */
  next: NcftpdOp;
  /** Instant the next entry finishes (and is logged). */
  at: number;
}

/** One drawn entry; `duration` in seconds (0 for entries that are not transfers). */
interface NcftpdOp {
  type: NcftpdType;
  /** For R/S: everything before the start epoch; for others: the whole body. */
  body: string;
  /** For R/S: what follows the start epoch; old-layout entries have none. */
  tail: string | undefined;
  duration: number;
  old: boolean;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789PQ';

/**
 * Session ids look like NcFTPd's (`S0u3WAAFv94A`): base64 of the session's
 * start time, the child number and a counter, padded with a zero byte; the
 * two non-alphanumeric base64 digits are replaced so ids stay [A-Za-z0-9].
 */
function sessionId(epochSeconds: number, child: number, counter: number): string {
  const b = [
    (epochSeconds >>> 24) & 255, (epochSeconds >>> 16) & 255, (epochSeconds >>> 8) & 255, epochSeconds & 255,
    (child >>> 8) & 255, child & 255, (counter >>> 8) & 255, counter & 255, 0,
  ];
  let s = '';
  for (let i = 0; i < 9; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += B64[(n >>> 18) & 63]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  return s;
}

function ipv4(rng: Random): string {
  return rng.pick(['24', '68', '98', '130', '141', '168', '186', '192', '203', '212', '81']) + '.' + rng.int(1, 254) + '.' + rng.int(0, 254) + '.' + rng.int(1, 254);
}

/**
 * Yields NcFTPd xfer log lines (no terminators). `count` may be Infinity.
 *
 * Sessions overlap, each served by its own child process (`#uN`); an entry
 * is drawn when the previous one of its session finishes, so its own finish
 * time (the prefix) is known before it is written, and entries are emitted in
 * finish order as NcFTPd writes them.
 */
export function* generateNcftpdLines(count: number, seed: number | string, options: NcftpdGeneratorOptions = {}): Generator<string> {
  const rng = new Random(seed);
  const malformedRate = options.malformedRate ?? 0.005;
  const zone = options.zone ?? 'America/Chicago';
  // A session logs about 8 entries on average.
  const arrivalGapMs = (options.meanGapSeconds ?? 30) * 1000 * 8;
  const pad = options.padTags ?? true;
  const msRate = options.millisecondsRate ?? 0.08;
  const oldRate = options.oldFormatRate ?? 0.001;
  let now = localToUtc(zone, options.start ?? '2024-02-01 00:00:00');

  const clientHosts: string[] = [...CLIENT_HOSTS];
  for (let i = 0; i < 40; i++) clientHosts.push(ipv4(rng));
  clientHosts.push('2001:db8::1f', '2001:db8:4:12::9');

  const sessions: NcftpdSession[] = [];
  const freeChildren: number[] = [];
  for (let i = 24; i >= 1; i--) freeChildren.push(i);
  let counter = rng.int(0, 60000);
  let previous = '';
  const arrivalGap = (t: number): number => {
    const h = civil(zone, t).h;
    return rng.exp(arrivalGapMs * (h >= 8 && h < 20 ? 0.55 : 1.9));
  };
  let nextArrival = now + arrivalGap(now);

  const schedule = (s: NcftpdSession, from: number): void => {
    s.next = drawNcftpdOp(rng, s, civil(zone, from), oldRate);
    // Think time between commands, then the transfer itself.
    s.at = from + Math.round(rng.exp(9000) + 200 + s.next.duration * 1000);
  };

  let emitted = 0;
  while (emitted < count) {
    let first: NcftpdSession | undefined;
    for (const s of sessions) if (first === undefined || s.at < first.at) first = s;

    if (first === undefined || nextArrival < first.at) {
      now = nextArrival;
      nextArrival = now + arrivalGap(now);
      const child = freeChildren.pop();
      if (child === undefined) continue; // server full: the client is turned away
      const anonymous = rng.chance(0.4);
      const user = anonymous ? (rng.chance(0.85) ? 'anonymous' : 'ftp') : rng.pick(LOCAL_USERS);
      counter = (counter + rng.int(1, 40)) & 0xffff;
      const s = {
        child,
        sid: sessionId(Math.floor(now / 1000), child, counter),
        user,
        email: anonymous ? rng.pick(ANON_EMAILS) : '',
        host: rng.chance(0.8) ? rng.pick(clientHosts) : ipv4(rng),
        anonymous,
        home: rng.chance(0.8) ? '/home/' + user : '/Users/' + user,
        rate: rng.logNormal(900, 1.6),
        left: Math.max(1, Math.round(rng.logNormal(5, 1))),
      } as NcftpdSession;
      schedule(s, now + 1500);
      sessions.push(s);
      continue;
    }

    const s = first;
    now = s.at;
    const op = s.next;
    s.left--;
    if (s.left <= 0) {
      sessions.splice(sessions.indexOf(s), 1);
      freeChildren.unshift(s.child);
    } else {
      schedule(s, now);
    }

    const c = civil(zone, now);
    const main = rng.chance(0.0005);
    const tag = main ? '(main)' : '#u' + s.child;
    const date = op.old ? p2(c.y % 100) + '/' + p2(c.mo) + '/' + p2(c.d) : fmtDate(c);
    const prefix = date + ' ' + fmtTime(c) + (rng.chance(msRate) ? '.' + p3(c.ms) : '') + ' ' + (pad ? tag.padEnd(8) : tag + ' ') + '| ';

    if (malformedRate > 0 && rng.chance(malformedRate)) {
      emitted++;
      yield ncftpdMalformed(rng, previous, prefix);
      continue;
    }

    let line = prefix + op.body;
    if (op.tail !== undefined) {
      // The start of the transfer: finish minus duration, as whole seconds (sometimes a second early).
      line += Math.floor(now / 1000 - op.duration) - (rng.chance(0.03) ? 1 : 0) + op.tail;
    }
    previous = line;
    emitted++;
    yield line;
  }
}

function drawNcftpdOp(rng: Random, s: NcftpdSession, c: Civil, oldRate: number): NcftpdOp {
  const old = rng.chance(oldRate);
  let type: NcftpdType = old ? (rng.chance(0.7) ? 'R' : 'S') : NCFTPD_TYPES.draw(rng);
  // Anonymous users may read, list and drop files in /pub/incoming, little else.
  if (s.anonymous && type !== 'R' && type !== 'S' && type !== 'T' && !rng.chance(0.03)) type = 'R';
  if (type === 'R' || type === 'S') return drawTransfer(rng, s, type, c, old);

  const dir = s.anonymous ? rng.pick(MIRROR_DIRS) : s.home + '/' + rng.pick(USER_DIRS);
  const file = dir + '/' + userFile(rng, c);
  const tail = s.user + ',' + s.email + ',' + s.host + ',' + s.sid + ',';
  let body: string;
  switch (type) {
    case 'T': {
      const pattern = rng.chance(0.12) ? rng.pick(['*.txt', '*.tar.gz', 'ls-lR*', '*2024*', '*']) : '';
      body = 'T,' + (rng.chance(0.1) ? file : dir) + ',' + T_STATUS.draw(rng) + ',' + pattern + ',' + (rng.chance(0.04) ? 'RECURSIVE' : '') + ',' + tail;
      break;
    }
    case 'D':
      body = 'D,' + file + ',,,,' + tail;
      break;
    case 'M':
      body = 'M,' + dir + '/' + rng.pick(['new', 'Backup ' + fmtDate(c), 'January', 'tmp' + rng.digits(3), 'Cal']) + ',,,,' + tail;
      break;
    case 'C':
      body = 'C,' + file + ',' + rng.pick(['644', '755', '600', '664', '775', '444']) + ',,,' + tail;
      break;
    case 'L':
      body = 'L,' + file + ',to,' + dir + '/' + rng.pick(['current', 'latest', 'index.html', 'README']) + ',,' + tail;
      break;
    default: {
      const dot = file.lastIndexOf('.');
      const renamed = dot > file.lastIndexOf('/') ? file.slice(0, dot) + rng.pick([' (old)', '.bak', '_v2', ' PART II']) + file.slice(dot) : file + '.old';
      body = 'N,' + file + ',to,' + renamed + ',,' + tail;
    }
  }
  if (rng.chance(0.0005)) body += '");';
  return { type, body, tail: undefined, duration: 0, old: false };
}

function userFile(rng: Random, c: Civil): string {
  const t = rng.pick(USER_FILES);
  return t.replace('{d}', ymd(c)).replace('{n}', String(rng.int(1, 9999)));
}

/** Typical size by kind of file, so that `.cshrc` stays small and tarballs large. */
function medianSize(path: string, suffix: string): number {
  if (suffix !== '') return 40_000_000;
  if (/\.(tar\.gz|tar\.xz|zip|sql\.gz|exe|msi|deb|gz)$/.test(path)) return 3_000_000;
  if (/\.(jpg|JPG|png|gif|pdf|docx|xml)$/.test(path)) return 250_000;
  if (/(\/\.cshrc|\.css|\.html|\.txt|README|Release)$/.test(path)) return 9_000;
  return 60_000;
}

function drawTransfer(rng: Random, s: NcftpdSession, type: 'R' | 'S', c: Civil, old: boolean): NcftpdOp {
  const status = type === 'R' ? R_STATUS.draw(rng) : S_STATUS.draw(rng);
  let path: string;
  let suffix = '';
  if (type === 'R') {
    if (s.anonymous) {
      path = rng.pick(MIRROR_FILES);
      if (rng.chance(0.012)) {
        path = rng.pick(MIRROR_DIRS);
        suffix = rng.pick(SUFFIXES);
      }
    } else {
      path = s.home + '/' + rng.pick(USER_DIRS) + '/' + userFile(rng, c);
    }
  } else {
    path = s.anonymous ? '/pub/incoming/' + userFile(rng, c) : s.home + '/' + rng.pick(USER_DIRS) + '/' + userFile(rng, c);
  }
  const ascii = /\.(txt|html|css|csv|sql|xml)$/.test(path) ? rng.chance(0.6) : rng.chance(0.03);

  const full = Math.max(0, Math.round(rng.logNormal(medianSize(path, suffix), 1.6)));
  let size = full;
  let offset = 0;
  let startSize = type === 'R' ? full : 0;
  if (type === 'R' && rng.chance(0.04) && full > 10_000) {
    offset = rng.int(1, full - 1); // REST: resumed download
    size = full - offset;
  } else if (type === 'S' && rng.chance(0.03)) {
    startSize = rng.int(1, 5_000_000); // APPE/REST: resumed upload
    offset = startSize;
  }
  if (status === 'ABOR' || status === 'INCOMPLETE' || status === 'ERROR') size = Math.floor(size * rng.float());
  if (status === 'NOENT' || status === 'PERM') {
    size = 0;
    startSize = -1;
    offset = status === 'PERM' && rng.chance(0.5) ? 0 : -1;
  } else if (rng.chance(0.01)) {
    startSize = -1;
    if (rng.chance(0.5)) offset = -1;
  }

  const rate = s.rate * (0.6 + 0.8 * rng.float());
  const duration = size === 0 ? rng.float() * 0.004 : size / 1024 / rate + rng.float() * 0.05;
  const shownRate = duration > 0 ? size / 1024 / duration : 0;
  const notes = type === 'R' && !ascii ? NOTES_R.draw(rng) : NOTES_S.draw(rng);

  const body =
    type + ',' + path + ',' + size + ',' + duration.toFixed(3) + ',' + shownRate.toFixed(3) + ',' + s.user + ',' + s.email + ',' + s.host + ',' + suffix + ',' + status + ',';
  if (old) return { type, body, tail: undefined, duration, old };
  return { type, body: body + (ascii ? 'A' : 'I') + ',' + notes + ',', tail: ',' + s.sid + ',' + startSize + ',' + offset + ',', duration, old };
}

function ncftpdMalformed(rng: Random, previous: string, prefix: string): string {
  const base = previous !== '' ? previous : prefix + 'R,/pub/README,1024,0.010,100.000,anonymous,mozilla@,localhost,,OK,A,Ps,1700000000,AAAAAAAAAAAA,1024,0,';
  const x = rng.float();
  if (x < 0.3) return truncate(rng, base);
  if (x < 0.45) return base + base;
  if (x < 0.58) return prefix + 'X,/pub/unknown,' + rng.int(1, 99999) + ',,,ftp,,localhost,' + sessionId(rng.int(1.7e9, 1.8e9), 1, 1) + ',';
  if (x < 0.7) return prefix.slice(0, prefix.indexOf('|')) + base.slice(base.indexOf('|') + 2);
  if (x < 0.8) {
    // A syslog-style prefix from a relay that rewrote the line.
    const mo = MONTHS[Number(prefix.slice(5, 7)) - 1] ?? 'Jan';
    return mo + ' ' + prefix.slice(8, 10) + prefix.slice(10, 19) + ' ftp ncftpd[' + rng.int(200, 32000) + ']: ' + base.slice(base.indexOf('|') + 2);
  }
  if (x < 0.84) return '';
  return rng.pick(JUNK_LINES);
}

// ---------------------------------------------------------------------------
// Writing files

export type GeneratorFormat = 'eft' | 'ncftpd';

export interface WriteLogOptions {
  format: GeneratorFormat | FtpdGeneratorFormat;
  /** Number of lines (may be Infinity when `bytes` is set). */
  lines: number;
  /** Stop once the file holds at least this many bytes. */
  bytes?: number;
  seed: number | string;
  crlf?: boolean;
  eft?: EftGeneratorOptions;
  ncftpd?: NcftpdGeneratorOptions;
  ftpd?: FtpdGeneratorOptions;
}

export interface WriteLogResult {
  lines: number;
  bytes: number;
}

const CHUNK_BYTES = 256 * 1024;

function linesOf(o: WriteLogOptions): Generator<string> {
  if (o.format === 'xferlog' || o.format === 'vsftpd') return generateFtpdLines(o.format, o.lines, o.seed, o.ftpd);
  return o.format === 'eft' ? generateEftLines(o.lines, o.seed, o.eft) : generateNcftpdLines(o.lines, o.seed, o.ncftpd);
}

/**
 * Writes a generated log to `out` (or to a stream). Memory stays bounded: lines
 * are joined into ~256 KiB chunks and `pipeline()` waits for the file to drain.
 * A file is written under a temporary name and renamed when complete, so a
 * half-written file is never mistaken for a cached one.
 */
export async function writeLogFile(out: string | Writable, o: WriteLogOptions): Promise<WriteLogResult> {
  const eol = o.crlf === true ? '\r\n' : '\n';
  const eolBytes = eol.length;
  const limit = o.bytes ?? Infinity;
  const result: WriteLogResult = { lines: 0, bytes: 0 };
  const source = linesOf(o);

  async function* chunks(): AsyncGenerator<string> {
    let parts: string[] = [];
    let pending = 0;
    for (const line of source) {
      parts.push(line);
      const n = Buffer.byteLength(line) + eolBytes;
      pending += n;
      result.bytes += n;
      result.lines++;
      if (pending >= CHUNK_BYTES) {
        yield parts.join(eol) + eol;
        parts = [];
        pending = 0;
      }
      if (result.bytes >= limit) break;
    }
    if (parts.length > 0) yield parts.join(eol) + eol;
  }

  if (typeof out !== 'string') {
    await pipeline(Readable.from(chunks()), out, { end: false });
    return result;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await pipeline(Readable.from(chunks()), createWriteStream(tmp));
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return result;
}

// ---------------------------------------------------------------------------
// Bundled examples

/**
 * Seeds and options of the files in examples/logs/, chosen so that the small
 * files show every case worth seeing (failures, a mismatch, a `;` in a name,
 * every NcFTPd entry type). One malformed line is placed by hand in each.
 */
export const EXAMPLE_EFT = {
  file: 'cl241118.log',
  seed: 2810,
  lines: 40,
  malformedAt: 23,
  options: {
    columns: 10,
    header: false,
    trailingSemicolonAfterResult: true,
    malformedRate: 0,
    failureRate: 0.22,
    mismatchRate: 0.03,
    semicolonNameRate: 0.03,
    zone: 'America/Chicago',
    start: '2024-11-18 00:12:00',
    meanGapSeconds: 1500,
  },
} as const satisfies { options: EftGeneratorOptions } & Record<string, unknown>;

export const EXAMPLE_NCFTPD = {
  file: 'xfer.20241118',
  seed: 150,
  lines: 40,
  malformedAt: 17,
  options: {
    malformedRate: 0,
    zone: 'America/Chicago',
    start: '2024-11-18 08:05:00',
    meanGapSeconds: 90,
    millisecondsRate: 0,
    oldFormatRate: 0,
  },
} as const satisfies { options: NcftpdGeneratorOptions } & Record<string, unknown>;

/** The example files' lines, malformed line included. */
export function exampleLines(format: GeneratorFormat, seed?: number): string[] {
  if (format === 'eft') {
    const lines = [...generateEftLines(EXAMPLE_EFT.lines - 1, seed ?? EXAMPLE_EFT.seed, EXAMPLE_EFT.options)];
    const before = lines[EXAMPLE_EFT.malformedAt - 1]!;
    // A line cut short by a crash while EFT was writing it.
    lines.splice(EXAMPLE_EFT.malformedAt, 0, before.slice(0, before.indexOf('; ', before.indexOf('; ', 25) + 2)));
    return lines;
  }
  const lines = [...generateNcftpdLines(EXAMPLE_NCFTPD.lines - 1, seed ?? EXAMPLE_NCFTPD.seed, EXAMPLE_NCFTPD.options)];
  const before = lines[EXAMPLE_NCFTPD.malformedAt - 1]!;
  // An entry type this parser does not know.
  lines.splice(EXAMPLE_NCFTPD.malformedAt, 0, before.slice(0, before.indexOf('| ') + 2) + 'X,/pub/incoming/.upload-probe,0,,,anonymous,,localhost,,');
  return lines;
}

export function writeExamples(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, EXAMPLE_EFT.file), exampleLines('eft').join('\n') + '\n');
  writeFileSync(join(dir, EXAMPLE_NCFTPD.file), exampleLines('ncftpd').join('\n') + '\n');
}

// ---------------------------------------------------------------------------
// CLI

const HELP = `Usage: node dist/bench/generate.js --format eft|ncftpd|xferlog|vsftpd (--lines N | --bytes B) --out FILE [options]
       node dist/bench/generate.js --examples DIR

Writes a deterministic, realistic log: the same seed and options give the same bytes.

  --format F              eft, ncftpd, xferlog or vsftpd (required)
  --lines N               number of lines
  --bytes B               stop once the file reaches B bytes (suffixes K, M, G: --bytes 1G)
  --seed S                seed, a number or any text (default 1)
  --out FILE              output file, or - for stdout (required)
  --crlf                  end lines with CRLF instead of LF
  --zone Z                UTC, America/Chicago or Europe/Berlin
  --start "YYYY-MM-DD HH:MM:SS"   local time of the first entry
  --no-malformed          no malformed lines (default: about 0.5%)
  --malformed-rate R      share of malformed lines, 0..1
  --columns 9|10          EFT: layout (default drawn from the seed)
  --header | --no-header  EFT: header line (default drawn from the seed)
  --examples DIR          write the bundled example logs into DIR
  --help                  this text
`;

function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]i?b?)?$/i.exec(text.trim());
  if (m === null) throw new Error(`--bytes: expected a number with optional K/M/G suffix, got ${JSON.stringify(text)}`);
  const unit = (m[2] ?? '').charAt(0).toLowerCase();
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

function parsePositiveInt(name: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let format: GeneratorFormat | FtpdGeneratorFormat | undefined;
  let lines: number | undefined;
  let bytes: number | undefined;
  let seed: string = '1';
  let out: string | undefined;
  let crlf = false;
  const eft: EftGeneratorOptions = {};
  const common: { zone?: GeneratorZone; start?: string; malformedRate?: number } = {};

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg}: missing value`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      case '--format': {
        const v = value();
        if (v !== 'eft' && v !== 'ncftpd' && v !== 'xferlog' && v !== 'vsftpd') throw new Error(`--format: expected eft, ncftpd, xferlog or vsftpd, got ${JSON.stringify(v)}`);
        format = v;
        break;
      }
      case '--lines':
        lines = parsePositiveInt('--lines', value());
        break;
      case '--bytes':
        bytes = parseBytes(value());
        break;
      case '--seed':
        seed = value();
        break;
      case '--out':
        out = value();
        break;
      case '--crlf':
        crlf = true;
        break;
      case '--zone': {
        const v = value();
        if (!(ZONES as readonly string[]).includes(v)) throw new Error(`--zone: expected one of ${ZONES.join(', ')}, got ${JSON.stringify(v)}`);
        common.zone = v as GeneratorZone;
        break;
      }
      case '--start':
        common.start = value();
        localToUtc('UTC', common.start);
        break;
      case '--no-malformed':
        common.malformedRate = 0;
        break;
      case '--malformed-rate': {
        const v = Number(value());
        if (!(v >= 0 && v <= 1)) throw new Error('--malformed-rate: expected a number between 0 and 1');
        common.malformedRate = v;
        break;
      }
      case '--columns': {
        const v = value();
        if (v !== '9' && v !== '10') throw new Error('--columns: expected 9 or 10');
        eft.columns = v === '9' ? 9 : 10;
        break;
      }
      case '--header':
        eft.header = true;
        break;
      case '--no-header':
        eft.header = false;
        break;
      case '--examples':
        writeExamples(value());
        return 0;
      default:
        throw new Error(`unknown option ${JSON.stringify(arg)} (see --help)`);
    }
  }
  if (format === undefined) throw new Error('--format is required (see --help)');
  if (out === undefined) throw new Error('--out is required (see --help)');
  if (lines === undefined && bytes === undefined) throw new Error('one of --lines or --bytes is required');

  const started = Date.now();
  const result = await writeLogFile(out === '-' ? process.stdout : out, {
    format,
    lines: lines ?? Infinity,
    ...(bytes !== undefined ? { bytes } : {}),
    seed,
    crlf,
    eft: { ...common, ...eft },
    ncftpd: { ...common },
    ftpd: { ...common },
  });
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  process.stderr.write(`${out}: ${result.lines} lines, ${mb} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
