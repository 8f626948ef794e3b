/**
 * Which file is which, across renames, copies and restarts.
 *
 * A followed file is known by its device and inode (Windows: volume serial
 * and file index) together with a fingerprint: its first bytes, up to
 * `fingerprintBytes`. The inode says "the same open file" while it lives;
 * the fingerprint catches an inode reused by a new file, and recognises a
 * copy of content already read (the `xfer.log.1` that copytruncate leaves
 * beside `xfer.log`). EFT files all begin with the same header line, so the
 * fingerprint reaches well past it (1 KiB by default).
 *
 * A file shorter than the fingerprint size is matched by prefix: a file
 * that has grown since its fingerprint was taken still matches it.
 */
import { Buffer } from 'node:buffer';
import { readSync, type BigIntStats, type Stats } from 'node:fs';
import { isEftHeaderLine } from '../../formats/eft.js';

export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  /** The file's first bytes (fewer when the file was shorter). */
  readonly fingerprint: Buffer;
}

/**
 * The key a followed file's records and checkpoint are kept under. Give it
 * bigint stats: an NTFS file index holds the MFT record's sequence number in
 * its top 16 bits, so on a volume where records have been reused a few dozen
 * times it passes 2^53, and as a number it rounds to a multiple of up to
 * 2048: files whose records lie near each other in the MFT (files created
 * one after another in a log folder) could share a key, and all but one be
 * taken for hard links of it and never read. For numbers below 2^53 the
 * key is the same either way, so checkpoints written before still match.
 */
export function identityKey(st: Pick<Stats | BigIntStats, 'dev' | 'ino'>): string {
  return `${st.dev}:${st.ino}`;
}

/** The first `bytes` bytes of an open file (fewer when it is shorter). */
export function readFingerprint(fd: number, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const n = readSync(fd, buf, got, bytes - got, got);
    if (n === 0) break;
    got += n;
  }
  return got === bytes ? buf : buf.subarray(0, got);
}

/**
 * Whether two fingerprints can be of the same content: the shorter is a
 * prefix of the longer. Two empty files match each other (and an empty
 * fingerprint matches anything): callers that need content to compare
 * check the length first.
 */
export function fingerprintsMatch(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  return Buffer.compare(a.subarray(0, n), b.subarray(0, n)) === 0;
}

/**
 * Whether a fingerprint can recognise content: it holds a complete line that
 * is neither blank nor a header. Every new EFT file begins with the same
 * header line, so a file seen when it held little more than that tells
 * nothing about which file it was.
 */
export function isDistinctive(fingerprint: Uint8Array): boolean {
  const text = Buffer.from(fingerprint.buffer, fingerprint.byteOffset, fingerprint.byteLength).toString('latin1');
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() !== '' && !isEftHeaderLine(line)) return true;
  }
  return false;
}

/**
 * Whether `candidate` (a file not known by its inode) holds the content a
 * known file began with: the known fingerprint is distinctive and a prefix
 * of the candidate's.
 */
export function holdsContentOf(candidate: Uint8Array, known: Uint8Array): boolean {
  return candidate.length >= known.length && isDistinctive(known) && fingerprintsMatch(candidate, known);
}
