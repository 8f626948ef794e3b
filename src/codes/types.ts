/** Decoded meaning of a status code. Pure types. */
export type StatusKind = 'ftp_reply' | 'sftp' | 'http' | 'winsock' | 'eft' | 'ncftpd' | 'xferlog' | 'vsftpd' | 'unknown';
export type Outcome = 'success' | 'failure' | 'unknown';

export interface DecodedStatus {
  readonly kind: StatusKind;
  /** Symbolic name where the table has one (`WSAETIMEDOUT`, `SSH_FX_NO_SUCH_FILE`, `PERM`). */
  readonly name?: string;
  /** Short description in ftplog-otel's own words. */
  readonly description?: string;
  readonly outcome: Outcome;
  /** A failure a retry or the client may clear (FTP 4xx, ABOR, INCOMPLETE): logged at WARN rather than ERROR. */
  readonly transient: boolean;
  /** On failure only: stable low-cardinality identifier (the name, else `<kind>_<code>`). */
  readonly errorType?: string;
}

/** One row of a code table. */
export interface CodeEntry {
  code: number;
  readonly name?: string;
  description: string;
}
