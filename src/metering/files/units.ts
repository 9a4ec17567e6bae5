// Numbers in DSO files: kWh with a decimal comma (or point). Converted to whole Wh by
// string arithmetic, never through floating point; a fraction of a Wh is an error.
import { DateTime } from 'luxon';

const ZONE = 'Europe/Warsaw';

export function kwhToWh(text: string): number | string {
  const value = text.trim().replace(/\s/g, '');
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(value);
  if (!match) return value.startsWith('-') ? `negative value "${text.trim()}"` : `"${text.trim()}" is not a number of kWh`;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 3) return `"${text.trim()}" kWh is not a whole number of Wh`;
  const wh = Number(match[1]) * 1000 + Number(fraction.padEnd(3, '0') || '0');
  return Number.isSafeInteger(wh) ? wh : `"${text.trim()}" is too large`;
}

export function whInteger(text: string): number | string {
  const value = text.trim();
  if (/^-\d/.test(value)) return `negative value "${value}"`;
  if (!/^\d+$/.test(value)) return `"${value}" is not a whole number of Wh`;
  const wh = Number(value);
  return Number.isSafeInteger(wh) ? wh : `"${value}" is too large`;
}

/**
 * The UTC instants at which a Warsaw wall-clock time occurs: none in the spring gap,
 * two in the repeated autumn hour (summer time first), otherwise one.
 */
export function warsawWallTimeInstants(date: string, hour: number, minute: number): Date[] {
  const [y, m, d] = date.split('-').map(Number);
  const found: Date[] = [];
  for (const offsetHours of [2, 1]) {
    const utc = Date.UTC(y, m - 1, d, hour, minute) - offsetHours * 3_600_000;
    const local = DateTime.fromMillis(utc, { zone: ZONE });
    if (local.year === y && local.month === m && local.day === d && local.hour === hour && local.minute === minute) found.push(new Date(utc));
  }
  return found;
}

export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid;
}
