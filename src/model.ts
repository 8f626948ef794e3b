/**
 * The record shapes passed between stages. Pure types: nothing here imports
 * node:stream, so the parsers and decoders can be used on their own.
 *
 *   bytes --splitLines--> LogLine --parse--> ParsedLine --enrich--> FtpLogRecord
 */

export type LogFormat = 'eft' | 'ncftpd' | 'xferlog' | 'vsftpd';

/** Where a line came from; `offset` is the byte offset just past the line's terminator. */
export interface SourcePosition {
  /** Path of the source file as given by the user; absent for stdin and in-memory input. */
  readonly file?: string;
  /**
   * Identity of the file when it differs from its path: a followed file keeps
   * it across renames, and a new file under an old name gets a new one.
   * Absent otherwise (the path is the identity).
   */
  readonly fileId?: string;
  /** 1-based line number within the source. */
  readonly line: number;
  /** Byte offset, within the source, of the end of this line including its terminator. */
  readonly offset: number;
}

/** One line as cut by splitLines(). */
export interface LogLine {
  /** The line without its terminator (and without a leading BOM). */
  readonly text: string;
  readonly position: SourcePosition;
  /** Set when the line was longer than the splitter's maximum; `text` holds its first part only. */
  readonly truncated?: boolean;
  /**
   * Set when the line's bytes are not valid UTF-8 (read as UTF-8: an ANSI
   * file, say, without --encoding latin1): `text` shows each undecodable
   * sequence as U+FFFD.
   */
  readonly invalidUtf8?: boolean;
}

/** A wall-clock time as written in a log, with no zone. Month is 1-12. */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** One EFT client log line (`cl[yymmdd].log`). */
export interface EftEntry {
  readonly format: 'eft';
  time: CivilTime;
  /** Protocol column, lowercased (`ftp`, `ftps`, `sftp`, `http`, `https`, or anything else). */
  protocol: string;
  /** Remote host; '' when the column is empty. */
  host: string;
  /** Remote port; undefined when empty or not a number. */
  port: number | undefined;
  user: string;
  localPath: string;
  remotePath: string;
  /** Operation as logged (e.g. `download`). */
  operation: string;
  /** GetLastCode; undefined when the column is empty. */
  code: number | undefined;
  /** Tenth column ACTION_RESULT (0 success, 1 failure); undefined when absent. */
  actionResult: number | undefined;
}

export type NcftpdEntryType = 'R' | 'S' | 'T' | 'D' | 'M' | 'C' | 'L' | 'N';

/**
 * One NcFTPd transfer log line. Optional fields are undefined when empty,
 * unknown, not logged by that version, or not of the entry's type; the
 * parser sets every key, in this order, on every entry.
 */
export interface NcftpdEntry {
  readonly format: 'ncftpd';
  time: CivilTime;
  /** Process tag without padding: `#u2`, `(main)`. */
  process: string;
  type: NcftpdEntryType;
  /** Pathname (for L and N: the source). */
  path: string;
  user?: string;
  email?: string;
  host?: string;
  sessionId?: string;
  // R and S
  size?: number;
  duration?: number;
  rate?: number;
  suffix?: string;
  /** Completion status (`OK`, `ABOR`, `INCOMPLETE`, `PERM`, `NOENT`, `ERROR`, or an unknown token kept as is); R, S and T. */
  status?: string;
  /** `A` or `I`. */
  transferType?: string;
  /** Transfer notes split in two-letter codes, unknown codes kept (`['Ps','Sf']`). */
  notes?: string[];
  /** Transfer start, Unix epoch seconds. */
  startTime?: number;
  /** -1 in the log (unknown) is reported as undefined. */
  startSize?: number;
  /** -1 in the log (unknown) is reported as undefined. */
  startOffset?: number;
  // T
  pattern?: string;
  recursive?: boolean;
  // C
  /** Octal mode as logged, e.g. `644`. */
  mode?: string;
  // L and N
  target?: string;
  /** Text found after all known fields (newer versions' additions, or junk); kept, never an error. */
  extra?: string;
}

/**
 * One line of the classic xferlog (man 5 xferlog), as vsftpd, ProFTPD,
 * Pure-FTPd and wu-ftpd write it. The one-letter fields are kept as logged.
 */
export interface XferlogEntry {
  readonly format: 'xferlog';
  time: CivilTime;
  /** Transfer time in seconds (whole seconds in every server seen; a fraction is read too). */
  duration: number;
  /** Remote host as logged: an address, or a name where the server resolves it. */
  host: string;
  /** File size in bytes: what was transferred. */
  size: number;
  /** File name as logged (the servers write spaces in it as `_`). */
  path: string;
  /** `a` ascii, `b` binary. */
  transferType: string;
  /** Special action flags: `_` none, else letters of `C` compressed, `U` uncompressed, `T` tar. */
  actions: string;
  /** `o` outgoing (download), `i` incoming (upload), `d` deleted. */
  direction: string;
  /** `a` anonymous, `g` guest, `r` real. */
  accessMode: string;
  /** User name; for anonymous users the identification string they gave ('' when none). */
  user: string;
  /** Service name, e.g. `ftp`, `ftps`, `sftp`. */
  service: string;
  /** Authentication method: `0` none, `1` RFC 931. */
  authMethod: string;
  /** Authenticated user id, `*` when unknown. */
  authUser: string;
  /** `c` complete, `i` incomplete. */
  status: string;
}

/**
 * One line of vsftpd's own log (`vsftpd_log_file`). Every key is set on every
 * entry, undefined where the line has no such part.
 */
export interface VsftpdEntry {
  readonly format: 'vsftpd';
  time: CivilTime;
  pid: number;
  /** The user in brackets; undefined before login (CONNECT, and commands before USER). */
  user: string | undefined;
  /** `OK` or `FAIL`; undefined for CONNECT and the protocol lines. */
  result: 'OK' | 'FAIL' | undefined;
  /** As logged: `LOGIN`, `UPLOAD`, `DOWNLOAD`, `MKDIR`, `RMDIR`, `DELETE`, `RENAME`, `CHMOD`, `CONNECT`, `FTP command`, `FTP response`, or another word. */
  action: string;
  /** The client's address. */
  client: string;
  /** The path (for RENAME the source). */
  path: string | undefined;
  /** RENAME's target. */
  target: string | undefined;
  /** CHMOD's mode, octal as logged. */
  mode: string | undefined;
  /** Bytes transferred (UPLOAD, DOWNLOAD; not logged for a download of a file that could not be opened). */
  size: number | undefined;
  /** Transfer rate in Kbyte/s as logged. */
  rate: number | undefined;
  /** The password an anonymous user gave (LOGIN). */
  anonPassword: string | undefined;
  /** The command or reply of an `FTP command`/`FTP response` line. */
  message: string | undefined;
}

export type FormatEntry = EftEntry | NcftpdEntry | XferlogEntry | VsftpdEntry;

/** A line a parser chose not to turn into a record (counted, not an error). */
export interface ParseSkip {
  readonly kind: 'skip';
  readonly reason: 'blank' | 'header';
}

/** A line a parser could not read: becomes a parse-error record. */
export interface ParseFailure {
  readonly kind: 'error';
  /** Short, stable-ish human reason, e.g. `expected 9 or 10 fields, found 4`. */
  readonly reason: string;
}

export interface ParseSuccess<E extends FormatEntry> {
  readonly kind: 'entry';
  readonly entry: E;
}

export type ParseResult<E extends FormatEntry> = ParseSuccess<E> | ParseSkip | ParseFailure;

/** What the parse stage emits (skips are counted, not emitted). */
export type ParsedLine =
  | { readonly kind: 'entry'; readonly entry: FormatEntry; readonly line: LogLine }
  | {
      readonly kind: 'error';
      readonly format: LogFormat | undefined;
      readonly reason: string;
      readonly line: LogLine;
      /** The time the line still shows (in its format's place for it), when it shows one. */
      readonly time?: CivilTime;
    };

export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

export const SeverityNumber = { INFO: 9, WARN: 13, ERROR: 17 } as const;
export type SeverityText = keyof typeof SeverityNumber;

/**
 * The enriched record: an OpenTelemetry log record plus the source position
 * used for acknowledgements. Times are epoch milliseconds.
 */
export interface FtpLogRecord {
  /** When the event happened, from the line; undefined for parse errors. */
  timestamp: number | undefined;
  /** When the line was read. */
  observedTimestamp: number;
  severityNumber: number;
  severityText: SeverityText;
  eventName: string;
  /** The original line without its terminator. */
  body: string;
  attributes: Attributes;
  /** Source position of the line (not exported as an attribute). */
  position?: SourcePosition;
}
