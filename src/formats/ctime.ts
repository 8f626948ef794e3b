/**
 * The ctime(3) time stamp that starts xferlog and vsftpd log lines:
 * `Www Mmm dd hh:mm:ss yyyy`, local time without a zone. Pure.
 *
 * vsftpd pads the day with a space (`Dec  5`), ProFTPD and Pure-FTPd with a
 * zero (`Dec 05`); both are read, and so is an unpadded day (`Dec 5`). The
 * weekday must be a weekday's name but is not checked against the date: the
 * date decides, as it does for a reader of the log.
 */
import type { CivilTime } from '../model.js';
import { daysInMonth, digits } from './calendar.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SPACE = 32;
const COLON = 58;

/** Where a time stamp read by readCtime ends (the index just past the year), set by each successful call. */
export interface CtimeEnd {
  end: number;
}

/**
 * The time stamp at the start of `text`, or undefined when the line does not
 * start with one; `out.end` is then the index just past the year.
 */
export function readCtime(text: string, out: CtimeEnd): CivilTime | undefined {
  if (text.length < 23 || text.charCodeAt(3) !== SPACE || text.charCodeAt(7) !== SPACE) return undefined;
  if (!WEEKDAYS.includes(text.slice(0, 3))) return undefined;
  const month = MONTHS.indexOf(text.slice(4, 7)) + 1;
  if (month === 0) return undefined;
  // The day: ` 5`, `05` or `5`, then a space.
  let i = 8;
  if (text.charCodeAt(i) === SPACE) i++;
  const twoDigits = digits(text, i, 2);
  const day = twoDigits >= 0 && text.charCodeAt(i + 2) === SPACE ? twoDigits : digits(text, i, 1);
  i += twoDigits >= 0 && text.charCodeAt(i + 2) === SPACE ? 3 : 2;
  if (day < 1 || text.charCodeAt(i - 1) !== SPACE) return undefined;
  if (text.charCodeAt(i + 2) !== COLON || text.charCodeAt(i + 5) !== COLON || text.charCodeAt(i + 8) !== SPACE) return undefined;
  // digits does not check bounds: the year's four digits must be in the text.
  if (i + 13 > text.length) return undefined;
  const hour = digits(text, i, 2);
  const minute = digits(text, i + 3, 2);
  const second = digits(text, i + 6, 2);
  const year = digits(text, i + 9, 4);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || year < 0) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  out.end = i + 13;
  return { year, month, day, hour, minute, second, millisecond: 0 };
}
