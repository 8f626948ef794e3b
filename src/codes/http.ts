/**
 * HTTP status codes EFT may report for `http`/`https` rows: RFC 9110's
 * registry plus the common additions of RFC 6585 and RFC 7725. Like FTP reply
 * codes they have no symbolic names: `name` is undefined and the description
 * is the reason phrase (RFC 9110 wording, e.g. 413 "Content Too Large").
 */
import type { CodeEntry } from './types.js';

const ROWS: ReadonlyArray<readonly [number, string]> = [
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-Authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [421, 'Misdirected Request'],
  [422, 'Unprocessable Content'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
  [511, 'Network Authentication Required'],
];

/** Every listed HTTP status code, ascending. Frozen. */
export const HTTP_CODES: readonly CodeEntry[] = Object.freeze(
  ROWS.map(([code, description]) => Object.freeze({ code, description })),
);

/** What the first digit says (RFC 9110 section 15), for codes not in the table. */
export const HTTP_CLASSES: Readonly<Record<number, string>> = Object.freeze({
  1: 'Informational',
  2: 'Successful',
  3: 'Redirection',
  4: 'Client error',
  5: 'Server error',
});

const BY_CODE = new Map(HTTP_CODES.map((e) => [e.code, e]));

/** The table row for `code`; undefined when unlisted. */
export function httpEntry(code: number): CodeEntry | undefined {
  return BY_CODE.get(code);
}
