/**
 * The characters and tokens of the NcFTPd transfer log: character codes and
 * classes, and the tokens read by comparing characters (entry type letters,
 * completion statuses, note codes), which the entry takes from constants
 * here instead of slicing them out of the line. Pure.
 */
import type { NcftpdEntryType } from '../../model.js';

/**
 * Character codes. A const enum because tsc writes its values in place: an
 * imported `const` would be read from the exporting module's binding at each
 * use, in the loops over every character too (some tenth of the parse time).
 */
export const enum Ch {
  SPACE = 32,
  PLUS = 43,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  SLASH = 47,
  ZERO = 48,
  SEVEN = 55,
  NINE = 57,
  COLON = 58,
  A = 65,
  Z = 90,
  UNDERSCORE = 95,
  a = 97,
  z = 122,
  PIPE = 124,
}

export function isDigit(c: number): boolean {
  return c >= Ch.ZERO && c <= Ch.NINE;
}

export function quote(s: string, a: number, b: number): string {
  return b - a > 40 ? `"${s.slice(a, a + 40)}…"` : `"${s.slice(a, b)}"`;
}

export function entryType(c: number): NcftpdEntryType | undefined {
  switch (c) {
    case 82: return 'R';
    case 83: return 'S';
    case 84: return 'T';
    case 68: return 'D';
    case 77: return 'M';
    case 67: return 'C';
    case 76: return 'L';
    case 78: return 'N';
    default: return undefined;
  }
}

/** The known completion statuses; statusCode returns indexes into this. */
export const STATUS = ['', 'OK', 'ABOR', 'PERM', 'NOENT', 'ERROR', 'INCOMPLETE'] as const;

/**
 * Index in STATUS of the status token s[a..b), or 0. The length and the first
 * character single out the one candidate, and the entry takes the constant
 * string instead of a slice.
 */
export function statusAt(s: string, a: number, b: number): number {
  switch (b - a) {
    case 2:
      return s.charCodeAt(a) === 79 && s.charCodeAt(a + 1) === 75 ? 1 : 0;
    case 4: {
      const c = s.charCodeAt(a);
      if (c === 65) return s.startsWith('BOR', a + 1) ? 2 : 0;
      if (c === 80) return s.startsWith('ERM', a + 1) ? 3 : 0;
      return 0;
    }
    case 5: {
      const c = s.charCodeAt(a);
      if (c === 78) return s.startsWith('OENT', a + 1) ? 4 : 0;
      if (c === 69) return s.startsWith('RROR', a + 1) ? 5 : 0;
      return 0;
    }
    case 10:
      return s.startsWith('INCOMPLETE', a) ? 6 : 0;
    default:
      return 0;
  }
}

/** A character of a dotted suffix after its dot. */
export function isSuffixChar(c: number): boolean {
  return isAlnum(c) || c === Ch.DOT || c === Ch.UNDERSCORE || c === Ch.MINUS || c === Ch.PLUS;
}

function isAlnum(c: number): boolean {
  return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || (c >= Ch.ZERO && c <= Ch.NINE);
}

/** BASE64[c] is 1 for the characters of a session id (c < 128). */
export const BASE64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) BASE64[c] = isAlnum(c) || c === Ch.PLUS || c === Ch.SLASH ? 1 : 0;

/** Every possible note code (an uppercase and a lowercase letter), made once instead of a slice per note. */
const NOTES: string[] = [];
for (let c = Ch.A; c <= Ch.Z; c++) for (let d = Ch.a; d <= Ch.z; d++) NOTES.push(String.fromCharCode(c, d));

/** The note code of the letters c (A-Z) and d (a-z). */
export function note(c: number, d: number): string {
  return NOTES[(c - Ch.A) * 26 + d - Ch.a];
}

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
