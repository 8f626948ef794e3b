/**
 * SFTP status codes (SSH_FX_*), draft-ietf-secsh-filexfer-02 (version 3, as
 * OpenSSH implements it) to -13 (version 6), plus EFT's -1 "unknown error",
 * which has no symbolic name. Descriptions are ours.
 */
import type { CodeEntry } from './types.js';

const ROWS: ReadonlyArray<readonly [number, string | undefined, string]> = [
  [-1, undefined, 'Unknown error'],
  [0, 'SSH_FX_OK', 'Success'],
  [1, 'SSH_FX_EOF', 'End of file'],
  [2, 'SSH_FX_NO_SUCH_FILE', 'No such file'],
  [3, 'SSH_FX_PERMISSION_DENIED', 'Permission denied'],
  [4, 'SSH_FX_FAILURE', 'Failure'],
  [5, 'SSH_FX_BAD_MESSAGE', 'Bad message'],
  [6, 'SSH_FX_NO_CONNECTION', 'No connection'],
  [7, 'SSH_FX_CONNECTION_LOST', 'Connection lost'],
  [8, 'SSH_FX_OP_UNSUPPORTED', 'Operation not supported'],
  [9, 'SSH_FX_INVALID_HANDLE', 'Invalid handle'],
  [10, 'SSH_FX_NO_SUCH_PATH', 'No such path'],
  [11, 'SSH_FX_FILE_ALREADY_EXISTS', 'File already exists'],
  [12, 'SSH_FX_WRITE_PROTECT', 'Write protected'],
  [13, 'SSH_FX_NO_MEDIA', 'No media'],
  [14, 'SSH_FX_NO_SPACE_ON_FILESYSTEM', 'No space on filesystem'],
  [15, 'SSH_FX_QUOTA_EXCEEDED', 'Quota exceeded'],
  [16, 'SSH_FX_UNKNOWN_PRINCIPAL', 'Unknown principal'],
  [17, 'SSH_FX_LOCK_CONFLICT', 'Lock conflict'],
  [18, 'SSH_FX_DIR_NOT_EMPTY', 'Directory not empty'],
  [19, 'SSH_FX_NOT_A_DIRECTORY', 'Not a directory'],
  [20, 'SSH_FX_INVALID_FILENAME', 'Invalid file name'],
  [21, 'SSH_FX_LINK_LOOP', 'Symbolic link loop'],
  [22, 'SSH_FX_CANNOT_DELETE', 'Cannot delete'],
  [23, 'SSH_FX_INVALID_PARAMETER', 'Invalid parameter'],
  [24, 'SSH_FX_FILE_IS_A_DIRECTORY', 'Is a directory'],
  [25, 'SSH_FX_BYTE_RANGE_LOCK_CONFLICT', 'Byte-range lock conflict'],
  [26, 'SSH_FX_BYTE_RANGE_LOCK_REFUSED', 'Byte-range lock refused'],
  [27, 'SSH_FX_DELETE_PENDING', 'Delete pending'],
  [28, 'SSH_FX_FILE_CORRUPT', 'File corrupt'],
  [29, 'SSH_FX_OWNER_INVALID', 'Invalid owner'],
  [30, 'SSH_FX_GROUP_INVALID', 'Invalid group'],
  [31, 'SSH_FX_NO_MATCHING_BYTE_RANGE_LOCK', 'No matching byte-range lock'],
];

/** The codes an `sftp` row's GetLastCode may carry as SFTP statuses. */
export const SFTP_RANGE = { min: -1, max: 31 } as const;

/** Every SFTP status, ascending from -1. Frozen. */
export const SFTP_CODES: readonly CodeEntry[] = Object.freeze(
  ROWS.map(([code, name, description]) =>
    Object.freeze(name === undefined ? { code, description } : { code, name, description }),
  ),
);

/** The table row for `code`; undefined outside -1..31. */
export function sftpEntry(code: number): CodeEntry | undefined {
  return SFTP_CODES[code + 1];
}
