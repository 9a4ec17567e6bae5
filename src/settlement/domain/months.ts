// A settlement month, YYYY-MM, and its Warsaw days. Pure.
import { DateTime } from 'luxon';
import { isoDateOf, isValidMonth } from '../../shared/calendar.js';
import { DomainError } from '../../shared/domain-error.js';

/** A 400 naming the field unless the month is YYYY-MM. */
export function checkMonth(month: string): void {
  if (!isValidMonth(month)) throw DomainError.validation([{ field: 'month', reason: 'must be a month YYYY-MM' }]);
}

/** The first and last Warsaw day of a month, YYYY-MM-DD. */
export function monthDays(month: string): [string, string] {
  const first = DateTime.fromISO(`${month}-01`);
  return [isoDateOf(first), isoDateOf(first.endOf('month'))];
}

/** The first of the 12 months that end with this one (YYYY-MM). */
export function trailingYearStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  if (y === undefined || m === undefined) throw new Error(`not a month YYYY-MM: ${month}`);
  return `${String(m === 12 ? y : y - 1)}-${String((m % 12) + 1).padStart(2, '0')}`;
}
