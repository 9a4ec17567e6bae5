// Numbers in DSO files: kWh with a decimal comma (or point). Converted to whole Wh by
// string arithmetic, never through floating point; a fraction of a Wh is an error.
import { DateTime } from 'luxon';
import { MAX_WH_PER_VALUE } from '../limits.js';

const tooLarge = (text: string) => `"${text.trim()}" is more than the maximum of ${String(MAX_WH_PER_VALUE)} Wh (${String(MAX_WH_PER_VALUE / 1_000_000)} MWh) a value`;

const ZONE = 'Europe/Warsaw';

export function kwhToWh(text: string): number | string {
  const value = text.trim().replace(/\s/g, '');
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(value);
  const [, whole, decimals] = match ?? [];
  if (whole === undefined) return value.startsWith('-') ? `negative value "${text.trim()}"` : `"${text.trim()}" is not a number of kWh`;
  const fraction = (decimals ?? '').replace(/0+$/, '');
  if (fraction.length > 3) return `"${text.trim()}" kWh is not a whole number of Wh`;
  // compared as digits first: a long number is never rounded by a float on the way
  if (whole.replace(/^0+/, '').length > 12) return tooLarge(text);
  const wh = Number(whole) * 1000 + Number(fraction.padEnd(3, '0') || '0');
  return wh <= MAX_WH_PER_VALUE ? wh : tooLarge(text);
}

export function whInteger(text: string): number | string {
  const value = text.trim();
  if (/^-\d/.test(value)) return `negative value "${value}"`;
  if (!/^\d+$/.test(value)) return `"${value}" is not a whole number of Wh`;
  if (value.replace(/^0+/, '').length > 15) return tooLarge(value);
  const wh = Number(value);
  return wh <= MAX_WH_PER_VALUE ? wh : tooLarge(value);
}

/**
 * The UTC instants at which a Warsaw wall-clock time occurs: none in the spring gap,
 * two in the repeated autumn hour (summer time first), otherwise one.
 */
export function warsawWallTimeInstants(date: string, hour: number, minute: number): Date[] {
  const key = `${date}T${String(hour)}:${String(minute)}`;
  let instants = instantsByWallTime.get(key);
  if (instants === undefined) {
    instants = wallTimeInstantsMs(date, hour, minute);
    remember(instantsByWallTime, key, instants);
  }
  return instants.map((ms) => new Date(ms));
}

function wallTimeInstantsMs(date: string, hour: number, minute: number): number[] {
  const [y, m, d] = date.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) throw new Error(`warsawWallTimeInstants: "${date}" is not a date YYYY-MM-DD`);
  const found: number[] = [];
  for (const offsetHours of [2, 1]) {
    const utc = Date.UTC(y, m - 1, d, hour, minute) - offsetHours * 3_600_000;
    const local = DateTime.fromMillis(utc, { zone: ZONE });
    if (local.year === y && local.month === m && local.day === d && local.hour === hour && local.minute === minute) found.push(utc);
  }
  return found;
}

export function isCalendarDate(date: string): boolean {
  let valid = calendarDates.get(date);
  if (valid === undefined) {
    valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid;
    remember(calendarDates, date, valid);
  }
  return valid;
}

// The calendar's answers, kept: every file of a month asks the same dates and hours again
// (1,000 PPE files of a year are 8.8 million lines over 8,760 hours), and asking the time
// zone rules was half of parsing a DSO file. Bounded: emptied when full.
const KEPT = 100_000;
const instantsByWallTime = new Map<string, number[]>();
const calendarDates = new Map<string, boolean>();

function remember<T>(kept: Map<string, T>, key: string, value: T): void {
  if (kept.size >= KEPT) kept.clear();
  kept.set(key, value);
}
