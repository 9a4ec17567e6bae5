// The metering stream of one PPE and one Warsaw day: its events and their fold, and the
// Warsaw calendar of days and intervals. Pure: no I/O. One stream per PPE and day, one
// event per batch and day: events stay small (<= 100 intervals) and recording a day reads
// only that day's stream (about one event plus corrections), however much of the month
// is already recorded.
import { DateTime } from 'luxon';

export type QualityCode = 'm' | 'e' | 's' | 'h';
export const QUALITY_CODES = { measured: 'm', estimated: 'e', substituted: 's' } as const satisfies Record<string, QualityCode>;
/** `hourly_split`: a quarter-hour divided from an hourly value (see hourly-split.ts); never given by a client. */
export const QUALITY_NAMES: Record<string, string> = { m: 'measured', e: 'estimated', s: 'substituted', h: 'hourly_split' };

const ZONE = 'Europe/Warsaw';

/**
 * A day's values (schema version 2). Positions and lines are runs of consecutive numbers,
 * [first, last] inclusive, in the order of the values: a whole day is one run, and the
 * event stays small (numbers stored in the log cost more than anything else in an append).
 * Version 1 events, written before, carry plain `indexes` and `lines`: read both through
 * positionsOf and linesOf.
 */
export interface MeterDayEventData extends Record<string, unknown> {
  clusterId: string;
  ppeCode: string;
  day: string;
  dayStart: string;
  intervalMinutes: number;
  source: string;
  fileSha256: string | null;
  /** Positions of the intervals in the day (0-based), as runs. */
  indexRanges: [number, number][];
  importWh: number[];
  exportWh: number[];
  quality: string;
  /** The file's line (or the batch's entry, 1-based) of each value, as runs. */
  lineRanges: [number, number][];
}

export const METER_EVENT_SCHEMA_VERSION = 2;

type AnyDayData = Pick<MeterDayEventData, 'importWh'> & { indexRanges?: [number, number][]; indexes?: number[]; lineRanges?: [number, number][]; lines?: number[] };

function expandRuns(runs: [number, number][]): number[] {
  const result: number[] = [];
  for (const [first, last] of runs) for (let n = first; n <= last; n++) result.push(n);
  return result;
}

/** Adds n to runs: extends the last run when n follows it. */
export function addToRuns(runs: [number, number][], n: number): void {
  const last = runs[runs.length - 1];
  if (last && last[1] === n - 1) last[1] = n;
  else runs.push([n, n]);
}

/** The day positions of an event's values, in order, from either schema version. */
export function positionsOf(data: AnyDayData): number[] {
  return data.indexes ?? expandRuns(data.indexRanges ?? []);
}

/** The source line (or batch entry) of each of an event's values, from either schema version. */
export function linesOf(data: AnyDayData): number[] {
  return data.lines ?? expandRuns(data.lineRanges ?? []);
}

export interface MeterCorrectionData extends MeterDayEventData {
  previousImportWh: number[];
  previousExportWh: number[];
  previousQuality: string;
}

export type MeterEvent = { type: 'MeterReadingsRecorded'; data: MeterDayEventData } | { type: 'MeterReadingsCorrected'; data: MeterCorrectionData };

export interface MeterDay {
  dayStart: string;
  intervalMinutes: number;
  values: Map<number, { importWh: number; exportWh: number; quality: string }>;
}

export type MeterStreamState = Map<string, MeterDay>;

/** The stream of one PPE and one Warsaw day (YYYY-MM-DD). */
export function meterStreamId(clusterId: string, ppeCode: string, day: string): string {
  return `meter-${clusterId}-${ppeCode}-${day}`;
}

/**
 * The stream of one PPE and one Warsaw month (YYYY-MM) that the first version wrote,
 * before streams were per day. Nothing is appended to it any more; it is still read, its
 * events first, wherever a day's stream is.
 */
export function legacyMeterStreamId(clusterId: string, ppeCode: string, month: string): string {
  return `meter-${clusterId}-${ppeCode}-${month}`;
}

/** The Warsaw days of a month YYYY-MM, as YYYY-MM-DD. */
export function daysOfMonth(month: string): string[] {
  const [year, monthNumber] = month.split('-').map(Number);
  if (year === undefined || monthNumber === undefined) throw new Error(`daysOfMonth: "${month}" is not a month YYYY-MM`);
  const count = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

// Warsaw's offset is a whole number of hours, so every instant of one UTC hour falls on
// the same local day: cache by UTC hour (time-zone math is the cost of a large import).
const dayByUtcHour = new Map<number, { day: string; dayStartMs: number; month: string }>();

let lastHour = NaN;
let lastDay: { readonly day: string; readonly dayStartMs: number; readonly month: string } | undefined;

/** The Warsaw day of an instant in milliseconds: shared, do not modify. */
export function warsawDayOfMs(ms: number): { readonly day: string; readonly dayStartMs: number; readonly month: string } {
  const hour = Math.floor(ms / 3_600_000);
  if (hour === lastHour && lastDay) return lastDay; // readings come in time order: mostly the same hour as the last
  let cached = dayByUtcHour.get(hour);
  if (!cached) {
    const local = DateTime.fromMillis(hour * 3_600_000, { zone: ZONE }).startOf('day');
    const day = local.toISODate();
    if (day === null) throw new Error(`warsawDayOfMs: ${String(ms)} is not a valid instant`);
    cached = { day, dayStartMs: local.toMillis(), month: local.toFormat('yyyy-MM') };
    if (dayByUtcHour.size > 200_000) dayByUtcHour.clear();
    dayByUtcHour.set(hour, cached);
  }
  lastHour = hour;
  lastDay = cached;
  return cached;
}

export function warsawDayOf(instant: Date): { day: string; dayStart: Date; month: string } {
  const { day, dayStartMs, month } = warsawDayOfMs(instant.getTime());
  return { day, dayStart: new Date(dayStartMs), month };
}

/** Minutes in the Warsaw month that starts at this instant, or undefined when no month starts there. */
export function minutesOfMonthStartingAt(ms: number): number | undefined {
  const start = DateTime.fromMillis(ms, { zone: ZONE });
  if (start.day !== 1 || start.hour !== 0 || start.minute !== 0 || start.second !== 0 || start.millisecond !== 0) return undefined;
  return start.plus({ months: 1 }).diff(start, 'minutes').minutes;
}

const minutesInDay = new Map<string, number>();

/**
 * Number of intervals in a Warsaw day (DST days are 23 or 25 hours long). A reading
 * longer than the day (a heat meter's month) is one interval, held by its first day.
 */
export function intervalsInDay(day: string, intervalMinutes: number): number {
  let minutes = minutesInDay.get(day);
  if (minutes === undefined) {
    const start = DateTime.fromISO(day, { zone: ZONE }).startOf('day');
    minutes = start.plus({ days: 1 }).diff(start, 'minutes').minutes;
    if (minutesInDay.size > 100_000) minutesInDay.clear();
    minutesInDay.set(day, minutes);
  }
  return intervalMinutes > minutes ? 1 : Math.floor(minutes / intervalMinutes);
}

export function evolveMeterStream(state: MeterStreamState, event: MeterEvent): MeterStreamState {
  const { day, dayStart, intervalMinutes, importWh, exportWh, quality } = event.data;
  const current = state.get(day) ?? { dayStart, intervalMinutes, values: new Map() };
  positionsOf(event.data).forEach((index, i) => current.values.set(index, { importWh: importWh[i], exportWh: exportWh[i], quality: quality[i] }));
  state.set(day, current);
  return state;
}

/** A row of the interval read model (meter_days), as pg returns it: the values as bytes (packed-wh.ts). */
export interface MeterDayRow {
  cluster_id: string;
  ppe_code: string;
  day: string;
  day_start: Date;
  interval_minutes: number;
  import_wh: Buffer;
  export_wh: Buffer;
  quality: string;
  corrections: number;
}
