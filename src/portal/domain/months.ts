// The months a portal page lists: pure, from ISO dates and months (yyyy-MM).
import { DateTime } from 'luxon';

/** The month (yyyy-MM) of an ISO date. */
export const monthOf = (date: string): string => date.slice(0, 7);

/** Every month from `from` to `to` (both yyyy-MM), in order, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = DateTime.fromISO(`${from}-01`); m.toFormat('yyyy-MM') <= to; m = m.plus({ months: 1 })) out.push(m.toFormat('yyyy-MM'));
  return out;
}
