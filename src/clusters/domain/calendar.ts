// Registry dates are Warsaw calendar dates; each begins at Warsaw local midnight.
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Warsaw';

/** The UTC instant at which a Warsaw date 'YYYY-MM-DD' begins. */
export function warsawMidnight(date: string): Date {
  return DateTime.fromISO(date, { zone: ZONE }).toJSDate();
}

/** The Warsaw date 'YYYY-MM-DD' an instant falls on. */
export function warsawDateOf(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: ZONE }).toISODate() as string;
}

export function isValidDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: ZONE }).isValid;
}

export function isValidMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}
