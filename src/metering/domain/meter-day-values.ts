// One PPE's values over one Warsaw day, as metering's reader hands them out
// (queries/meter-days.ts) and as the settlement and the support ledger consume them. Pure.
//
// The values are typed arrays, NO_WH where no value was recorded: a month of 10,000 PPE is
// 620,000 of these days, and an array of 96 numbers (or nulls) per day and direction was
// most of the settlement's garbage; the reader hands out views over one buffer a page (ADR 0009).
import { MAX_WH_PER_VALUE } from './limits.js';

/** Where no value was recorded for an interval (a stored value is never negative). */
export const NO_WH = -1;

export interface MeterDayValues {
  ppeCode: string;
  dayStart: Date;
  intervalMinutes: number;
  /** A value per interval of the day, NO_WH where none was recorded. */
  importWh: Int32Array;
  exportWh: Int32Array;
  /** One character per value (the metering quality codes; `h`: a quarter-hour split from an hour). */
  quality?: string;
}

/** A value a meter day may hold: a whole number of Wh from 0 to MAX_WH_PER_VALUE (packed and unpacked the same). */
export function isWh(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_WH_PER_VALUE;
}

/** A day's values from a list with null (or undefined) where none was recorded. */
export function whValues(values: readonly (number | null | undefined)[]): Int32Array {
  const wh = new Int32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const value = values[j] ?? null;
    if (value !== null && !isWh(value)) throw new Error(`a meter value of ${String(value)} Wh is not a whole number from 0 to ${String(MAX_WH_PER_VALUE)}`);
    wh[j] = value ?? NO_WH;
  }
  return wh;
}

/** The values as a list, null where none was recorded (for JSON and for tests). */
export function whList(values: Int32Array): (number | null)[] {
  return Array.from(values, (wh) => (wh === NO_WH ? null : wh));
}
