/**
 * The statuses of the xferlog and of vsftpd's own log. Neither says why
 * something failed: xferlog's completion status is `c` or `i`, vsftpd's
 * result `OK` or `FAIL`. The descriptions say so rather than guess a cause.
 * Shared frozen objects, like the other decoders'.
 */
import type { DecodedStatus } from './types.js';

function status(kind: 'xferlog' | 'vsftpd', name: string, outcome: 'success' | 'failure', transient: boolean, description: string, errorType?: string): DecodedStatus {
  return Object.freeze({ kind, name, description, outcome, transient, errorType });
}

export const XFERLOG_COMPLETE = status('xferlog', 'complete', 'success', false, 'transfer complete');
/** An incomplete transfer: aborted, cut off, or a file that could not be read; WARN, as NcFTPd's INCOMPLETE. */
export const XFERLOG_INCOMPLETE = status('xferlog', 'incomplete', 'failure', true, 'transfer incomplete; the log does not say why', 'incomplete');

/** xferlog's completion status (`c` or `i`; the parser admits no other). */
export function decodeXferlogStatus(s: string): DecodedStatus {
  return s === 'c' ? XFERLOG_COMPLETE : XFERLOG_INCOMPLETE;
}

export const VSFTPD_OK = status('vsftpd', 'OK', 'success', false, 'succeeded');

const failures = new Map<string, DecodedStatus>();

/**
 * vsftpd's FAIL for an operation. A failed transfer (aborted, or a file that
 * could not be read) is WARN like xferlog's incomplete one, which vsftpd logs
 * for the same event; other failures (login, mkdir, delete, rename) are
 * refusals, ERROR like FTP's 5xx replies.
 */
export function vsftpdFailure(operation: string): DecodedStatus {
  let s = failures.get(operation);
  if (s === undefined) {
    const transfer = operation === 'upload' || operation === 'download';
    s = status('vsftpd', 'FAIL', 'failure', transfer, `${operation} failed; the log does not say why`, `${operation}_failed`);
    // Bounded: operations are vsftpd's few action words, lowercased.
    if (failures.size < 64) failures.set(operation, s);
  }
  return s;
}
