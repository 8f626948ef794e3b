/**
 * FTP reply codes of RFC 959, RFC 2228 (security extensions, including the
 * 6yz protected replies) and RFC 2428 (EPSV/EPRT). Reply codes have no
 * symbolic names, so `name` is always undefined; descriptions are ours.
 */
import type { CodeEntry } from './types.js';

const ROWS: ReadonlyArray<readonly [number, string]> = [
  [110, 'Restart marker'],
  [120, 'Service ready soon'],
  [125, 'Data connection open, transfer starting'],
  [150, 'About to open data connection'],
  [200, 'Command OK'],
  [202, 'Command superfluous'],
  [211, 'System status'],
  [212, 'Directory status'],
  [213, 'File status'],
  [214, 'Help message'],
  [215, 'System type'],
  [220, 'Service ready'],
  [221, 'Closing control connection'],
  [225, 'Data connection open, idle'],
  [226, 'Transfer complete'],
  [227, 'Entering passive mode'],
  [229, 'Entering extended passive mode'],
  [230, 'Logged in'],
  [232, 'Logged in by security exchange'],
  [234, 'Security exchange complete'],
  [235, 'Security exchange succeeded'],
  [250, 'File action completed'],
  [257, 'Path created'],
  [331, 'Need password'],
  [332, 'Need account'],
  [334, 'Security mechanism accepted'],
  [335, 'More security data needed'],
  [336, 'Need password (challenge)'],
  [350, 'Pending further information'],
  [421, 'Service not available'],
  [425, 'Data connection failed'],
  [426, 'Transfer aborted'],
  [431, 'Security resource unavailable'],
  [450, 'File unavailable (busy)'],
  [451, 'Local processing error'],
  [452, 'Insufficient storage'],
  [500, 'Command unrecognized'],
  [501, 'Syntax error in arguments'],
  [502, 'Command not implemented'],
  [503, 'Bad command sequence'],
  [504, 'Parameter not implemented'],
  [522, 'Network protocol not supported'],
  [530, 'Not logged in'],
  [532, 'Need account to store files'],
  [533, 'Protection level denied'],
  [534, 'Denied by policy'],
  [535, 'Failed security check'],
  [536, 'PROT level not supported'],
  [537, 'Protection level not supported'],
  [550, 'File unavailable'],
  [551, 'Page type unknown'],
  [552, 'Storage allocation exceeded'],
  [553, 'File name not allowed'],
  [631, 'Integrity-protected reply'],
  [632, 'Confidential, integrity-protected reply'],
  [633, 'Confidentiality-protected reply'],
];

/** Every FTP reply code, ascending. Frozen. */
export const FTP_REPLY_CODES: readonly CodeEntry[] = Object.freeze(
  ROWS.map(([code, description]) => Object.freeze({ code, description })),
);

/** What the first digit of a reply says (RFC 959 section 4.2.1), for codes not in the table. */
export const FTP_REPLY_CLASSES: Readonly<Record<number, string>> = Object.freeze({
  1: 'Positive preliminary reply',
  2: 'Positive completion reply',
  3: 'Positive intermediate reply',
  4: 'Transient negative completion reply',
  5: 'Permanent negative completion reply',
  6: 'Protected reply',
});

const BY_CODE = new Map(FTP_REPLY_CODES.map((e) => [e.code, e]));

/** The table row for `code`; undefined when unlisted. */
export function ftpReplyEntry(code: number): CodeEntry | undefined {
  return BY_CODE.get(code);
}
