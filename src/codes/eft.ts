/**
 * EFT's own GetLastCode values (connection and SOCKS level). Codes 1-8 are the
 * SOCKS5 reply codes of RFC 1928; 9 is not defined; 2000 is EFT's internal
 * timeout. The source gives them no symbolic names. Descriptions are ours.
 */
import type { CodeEntry } from './types.js';

const ROWS: ReadonlyArray<readonly [number, string]> = [
  [0, 'Connected'],
  [1, 'SOCKS failure'],
  [2, 'Connection not allowed by ruleset'],
  [3, 'Network unreachable'],
  [4, 'Host unreachable'],
  [5, 'Connection refused'],
  [6, 'TTL expired'],
  [7, 'Command not supported'],
  [8, 'Address type not supported'],
  [10, 'Bad SOCKS name'],
  [11, 'SOCKS5 authentication failed'],
  [12, 'Cannot reach SOCKS server'],
  [2000, 'Internal timeout'],
];

/** EFT's internal timeout, valid for every protocol. */
export const EFT_TIMEOUT = 2000;

/** Every EFT code, ascending. Frozen. */
export const EFT_CODES: readonly CodeEntry[] = Object.freeze(
  ROWS.map(([code, description]) => Object.freeze({ code, description })),
);

const BY_CODE = new Map(EFT_CODES.map((e) => [e.code, e]));

/** The table row for `code`; undefined when unlisted (9, for one). */
export function eftEntry(code: number): CodeEntry | undefined {
  return BY_CODE.get(code);
}
