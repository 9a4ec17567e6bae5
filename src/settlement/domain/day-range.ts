// One Warsaw day of a month as UTC bounds (the ?day= of the transfer matrix and the ledger).
import { DateTime } from 'luxon';
import { isoDateOf, monthBounds, startOfWarsawDay } from '../../shared/calendar.js';
import { DomainError } from '../../shared/domain-error.js';

/** The UTC bounds of one Warsaw day of a month, or a 400 naming the field. */
export function dayRange(month: string, day: string | undefined): { start: Date; end: Date } | undefined {
  if (day === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !day.startsWith(`${month}-`) || !DateTime.fromISO(day, { zone: 'Europe/Warsaw' }).isValid) {
    throw DomainError.validation([{ field: 'day', reason: `must be a day YYYY-MM-DD of ${month}` }]);
  }
  const next = isoDateOf(DateTime.fromISO(day).plus({ days: 1 }));
  const bounds = monthBounds(month);
  return { start: startOfWarsawDay(day), end: next.startsWith(month) ? startOfWarsawDay(next) : bounds.end };
}
