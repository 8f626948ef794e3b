/**
 * NcFTPd transfer completion statuses (R, S and T entries). The status is its
 * own symbolic name, so the table is keyed by string. PERM and NOENT are
 * accepted by existing parsers but not described in the vendor's pages we
 * could read; their descriptions follow their names. Descriptions are ours.
 */

/** One completion status. */
export interface NcftpdStatusEntry {
  readonly code: string;
  readonly description: string;
}

const ROWS: ReadonlyArray<readonly [string, string]> = [
  ['OK', 'Transfer complete'],
  ['ABOR', 'Aborted by client'],
  ['INCOMPLETE', 'Data connection lost'],
  ['PERM', 'Permission denied'],
  ['NOENT', 'No such file'],
  ['ERROR', 'I/O error'],
];

/** Every completion status. Frozen. */
export const NCFTPD_STATUSES: readonly NcftpdStatusEntry[] = Object.freeze(
  ROWS.map(([code, description]) => Object.freeze({ code, description })),
);

const BY_CODE = new Map(NCFTPD_STATUSES.map((e) => [e.code, e]));

/** The table row for `status` (case-sensitive, as logged); undefined when unknown. */
export function ncftpdStatusEntry(status: string): NcftpdStatusEntry | undefined {
  return BY_CODE.get(status);
}
