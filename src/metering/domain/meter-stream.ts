// The metering stream of one PPE and one Warsaw month: what is recorded per day, and
// how a new batch of readings becomes events (new values, unchanged, corrections).
// Pure: no I/O. One event per PPE and day keeps events small (<= 100 intervals) and
// a month's stream short (about 31 events plus corrections).
import { DateTime } from 'luxon';

export type QualityCode = 'm' | 'e' | 's';
export const QUALITY_CODES: Record<string, QualityCode> = { measured: 'm', estimated: 'e', substituted: 's' };
export const QUALITY_NAMES: Record<string, string> = { m: 'measured', e: 'estimated', s: 'substituted' };

const ZONE = 'Europe/Warsaw';

export interface ReadingInput {
  line: number;
  intervalStart: Date;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  quality: 'measured' | 'estimated' | 'substituted';
}

export interface MeterDayEventData extends Record<string, unknown> {
  clusterId: string;
  ppeCode: string;
  day: string;
  dayStart: string;
  intervalMinutes: number;
  source: string;
  fileSha256: string | null;
  /** Position of each interval in the day (0-based). */
  indexes: number[];
  importWh: number[];
  exportWh: number[];
  quality: string;
  lines: number[];
}

export interface MeterCorrectionData extends MeterDayEventData {
  previousImportWh: number[];
  previousExportWh: number[];
  previousQuality: string;
}

export type MeterEvent =
  | { type: 'MeterReadingsRecorded'; data: MeterDayEventData }
  | { type: 'MeterReadingsCorrected'; data: MeterCorrectionData };

export interface MeterDay {
  dayStart: string;
  intervalMinutes: number;
  values: Map<number, { importWh: number; exportWh: number; quality: string }>;
}

export type MeterStreamState = Map<string, MeterDay>;

export function meterStreamId(clusterId: string, ppeCode: string, month: string): string {
  return `meter-${clusterId}-${ppeCode}-${month}`;
}

// Warsaw's offset is a whole number of hours, so every instant of one UTC hour falls on
// the same local day: cache by UTC hour (time-zone math is the cost of a large import).
const dayByUtcHour = new Map<number, { day: string; dayStartMs: number; month: string }>();

export function warsawDayOf(instant: Date): { day: string; dayStart: Date; month: string } {
  const hour = Math.floor(instant.getTime() / 3_600_000);
  let cached = dayByUtcHour.get(hour);
  if (!cached) {
    const local = DateTime.fromMillis(hour * 3_600_000, { zone: ZONE }).startOf('day');
    cached = { day: local.toISODate()!, dayStartMs: local.toMillis(), month: local.toFormat('yyyy-MM') };
    if (dayByUtcHour.size > 200_000) dayByUtcHour.clear();
    dayByUtcHour.set(hour, cached);
  }
  return { day: cached.day, dayStart: new Date(cached.dayStartMs), month: cached.month };
}

/** Number of intervals in a Warsaw day (DST days are 23 or 25 hours long). */
export function intervalsInDay(day: string, intervalMinutes: number): number {
  const start = DateTime.fromISO(day, { zone: ZONE }).startOf('day');
  const minutes = start.plus({ days: 1 }).diff(start, 'minutes').minutes;
  return Math.floor(minutes / intervalMinutes);
}

export function evolveMeterStream(state: MeterStreamState, event: MeterEvent): MeterStreamState {
  const { day, dayStart, intervalMinutes, indexes, importWh, exportWh, quality } = event.data;
  const current = state.get(day) ?? { dayStart, intervalMinutes, values: new Map() };
  indexes.forEach((index, i) => current.values.set(index, { importWh: importWh[i], exportWh: exportWh[i], quality: quality[i] }));
  state.set(day, current);
  return state;
}

export interface PlanCounts {
  new: number;
  unchanged: number;
  corrected: number;
}

export interface PlanError {
  line: number;
  reason: string;
}

/**
 * Splits readings of one PPE and month into per-day events against what the stream
 * already holds: a value for an empty interval is new, the same value is unchanged,
 * another value is a correction. Readings must already be validated and unique.
 */
export function planMeterEvents(
  state: MeterStreamState,
  readings: ReadingInput[],
  context: { clusterId: string; ppeCode: string; source: string; fileSha256: string | null },
): { events: MeterEvent[]; counts: PlanCounts; errors: PlanError[] } {
  const counts: PlanCounts = { new: 0, unchanged: 0, corrected: 0 };
  const errors: PlanError[] = [];
  const byDay = new Map<string, { dayStart: Date; readings: ReadingInput[] }>();
  for (const reading of readings) {
    const { day, dayStart } = warsawDayOf(reading.intervalStart);
    const entry = byDay.get(day) ?? { dayStart, readings: [] };
    entry.readings.push(reading);
    byDay.set(day, entry);
  }
  const events: MeterEvent[] = [];
  for (const [day, { dayStart, readings: dayReadings }] of [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = state.get(day);
    const intervalMinutes = existing?.intervalMinutes ?? dayReadings[0].intervalMinutes;
    const fresh: MeterDayEventData = newDayData(context, day, dayStart, intervalMinutes);
    const corrected: MeterCorrectionData = { ...newDayData(context, day, dayStart, intervalMinutes), previousImportWh: [], previousExportWh: [], previousQuality: '' };
    for (const reading of [...dayReadings].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime())) {
      if (reading.intervalMinutes !== intervalMinutes) {
        errors.push({ line: reading.line, reason: `interval of ${reading.intervalMinutes} minutes, but ${day} is recorded in ${intervalMinutes}-minute intervals` });
        continue;
      }
      const index = Math.round((reading.intervalStart.getTime() - dayStart.getTime()) / 60_000 / intervalMinutes);
      const quality = QUALITY_CODES[reading.quality];
      const before = existing?.values.get(index);
      if (!before) {
        push(fresh, index, reading, quality);
        counts.new++;
      } else if (before.importWh === reading.importWh && before.exportWh === reading.exportWh && before.quality === quality) {
        counts.unchanged++;
      } else {
        push(corrected, index, reading, quality);
        corrected.previousImportWh.push(before.importWh);
        corrected.previousExportWh.push(before.exportWh);
        corrected.previousQuality += before.quality;
        counts.corrected++;
      }
    }
    if (fresh.indexes.length > 0) events.push({ type: 'MeterReadingsRecorded', data: fresh });
    if (corrected.indexes.length > 0) events.push({ type: 'MeterReadingsCorrected', data: corrected });
  }
  return { events, counts, errors };
}

function newDayData(
  context: { clusterId: string; ppeCode: string; source: string; fileSha256: string | null },
  day: string,
  dayStart: Date,
  intervalMinutes: number,
): MeterDayEventData {
  return {
    clusterId: context.clusterId, ppeCode: context.ppeCode, day, dayStart: dayStart.toISOString(), intervalMinutes,
    source: context.source, fileSha256: context.fileSha256, indexes: [], importWh: [], exportWh: [], quality: '', lines: [],
  };
}

function push(data: MeterDayEventData, index: number, reading: ReadingInput, quality: string) {
  data.indexes.push(index);
  data.importWh.push(reading.importWh);
  data.exportWh.push(reading.exportWh);
  data.quality += quality;
  data.lines.push(reading.line);
}

/** A row of the interval read model (meter_days), as pg returns it. */
export interface MeterDayRow {
  cluster_id: string;
  ppe_code: string;
  day: string;
  day_start: Date;
  interval_minutes: number;
  import_wh: (number | null)[];
  export_wh: (number | null)[];
  quality: string;
  corrections: number;
}
