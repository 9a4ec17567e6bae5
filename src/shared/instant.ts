// The one strict reader of calendar input (instants, dates, months) for every route: on
// the calendar or refused. No 2026-02-30 rolling over into March, no 24:00, no offset
// beyond ±14:00, no local time without an offset (ambiguous on the DST days). Pure; the
// Date parser of JavaScript is never asked, because it rolls such inputs over silently.

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):?(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

export const INSTANT_ACCEPTED = 'an ISO 8601 instant with an offset, like 2026-05-01T00:15:00+02:00 or 2026-04-30T22:15:00Z (hours 00 to 23, offsets up to ±14:00)';

/** Years this service accepts: 1900 to 9999 (JavaScript maps years below 100 to 19xx). */
const MIN_YEAR = 1900;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateReason(text: string, year: number, month: number, day: number): string | undefined {
  if (year < MIN_YEAR) return `"${text}": the year must be ${String(MIN_YEAR)} or later`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `"${text}" is not a day of the calendar`;
  return undefined;
}

/** Milliseconds since the epoch, or why the text is not an instant on the calendar. */
export function parseInstant(text: string): number | string {
  const m = INSTANT.exec(text);
  if (!m) return `"${text}" is not ${INSTANT_ACCEPTED}`;
  const field = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)] as const;
  if (m[8] === undefined) return `"${text}" has no offset: a local time is ambiguous on the DST days; add Z or an offset such as +01:00 or +02:00`;
  const calendar = dateReason(text, year, month, day);
  if (calendar) return calendar;
  if (hour > 23) return `"${text}": the hour must be 00 to 23 (midnight ending a day is 00:00 of the next)`;
  if (minute > 59 || second > 59) return `"${text}" is not a time of day`;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) return `"${text}": the offset must be between -14:00 and +14:00`;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = Number((m[7] ?? '').padEnd(3, '0') || '0');
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** The reason a text is not an instant on the calendar, or undefined when it is one. */
export function instantReason(text: unknown): string | undefined {
  if (typeof text !== 'string') return `must be ${INSTANT_ACCEPTED}`;
  const parsed = parseInstant(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** A calendar date YYYY-MM-DD: undefined when it is one, else why not. */
export function dateReasonOf(text: unknown): string | undefined {
  const m = typeof text === 'string' ? DATE.exec(text) : null;
  if (!m) return 'must be a date YYYY-MM-DD';
  return dateReason(text as string, Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A calendar month YYYY-MM: undefined when it is one, else why not. */
export function monthReasonOf(text: unknown): string | undefined {
  const m = typeof text === 'string' ? MONTH.exec(text) : null;
  if (!m) return 'must be a month YYYY-MM';
  if (Number(m[1]) < MIN_YEAR) return `the year must be ${String(MIN_YEAR)} or later`;
  if (Number(m[2]) < 1 || Number(m[2]) > 12) return 'must be a month YYYY-MM (01 to 12)';
  return undefined;
}
