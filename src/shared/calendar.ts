// Registry dates are Warsaw calendar dates; an instant belongs to the day it falls on there.
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Warsaw';

const dayStarts = new Map<string, number>();

/** The UTC instant at which a Warsaw date (YYYY-MM-DD) begins. */
export function startOfWarsawDay(date: string): Date {
  // asked for every PPE of a cluster on every batch: time-zone math once per date
  let ms = dayStarts.get(date);
  if (ms === undefined) {
    ms = DateTime.fromISO(date, { zone: ZONE }).startOf('day').toMillis();
    if (dayStarts.size > 100_000) dayStarts.clear();
    dayStarts.set(date, ms);
  }
  return new Date(ms);
}

/** The UTC bounds of a Warsaw calendar month (YYYY-MM): [start, end). */
export function monthBounds(month: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(`${month}-01`, { zone: ZONE }).startOf('month');
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date, { zone: ZONE }).isValid;
}

export function isValidMonth(month: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
}

/** The calendar date of a luxon DateTime (YYYY-MM-DD); an invalid one is a programming error. */
export function isoDateOf(dateTime: DateTime): string {
  const date = dateTime.toISODate();
  if (date === null) throw new Error(`invalid date: ${dateTime.invalidExplanation ?? 'unknown reason'}`);
  return date;
}
