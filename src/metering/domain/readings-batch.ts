// One batch of readings (a JSON batch or a file), checked and placed as it is read: each
// reading is checked against the registry and the calendar and put at its position in
// its PPE's Warsaw day. One pass, no object per reading: a batch holds up to millions of
// them. Then each day is planned against what its stream already holds. Pure: no I/O.
import {
  addToRuns,
  intervalsInDay,
  type MeterCorrectionData,
  type MeterDay,
  type MeterDayEventData,
  type MeterEvent,
  minutesOfMonthStartingAt,
  type QualityCode,
  warsawDayOfMs,
} from './meter-stream.js';
import { HOURLY_SPLIT_QUALITY, splitHour } from './hourly-split.js';

import { MAX_WH_PER_VALUE } from './limits.js';
import { FaultTally } from './error-summary.js';

export interface MeteringRegistryView {
  /**
   * A PPE registered in the cluster: its carrier and the periods a member holds it (UTC
   * milliseconds, the end exclusive or null); undefined when unknown.
   */
  point(ppeCode: string): { carrier: 'electricity' | 'heat'; held: { fromMs: number; toMs: number | null }[] } | undefined;
  /** The settlement interval of the agreement in force for a month, if any. */
  intervalMinutesFor(month: string): number | undefined;
}

/** A bad reading: its line in the file, or its entry in the batch (1-based), the field and why. */
export interface ReadingError {
  line: number;
  field: 'ppeCode' | 'intervalStart' | 'intervalMinutes' | 'importWh' | 'exportWh';
  reason: string;
}

/** The values a batch gives for one PPE and day, by position in the day. */
export interface DayValues {
  ppeCode: string;
  day: string;
  dayStartMs: number;
  intervalMinutes: number;
  /** The line (or entry) of each position's value; 0 where the batch has none. */
  lines: Int32Array;
  importWh: Float64Array;
  exportWh: Float64Array;
  /** The quality code's character code (m, e, s; h split from an hour) of each position's value. */
  quality: Uint8Array;
  /** Hours given for a quarter-hour day, by the position of their first quarter-hour, until split. */
  hours?: Map<number, { importWh: number; exportWh: number; line: number }>;
}

/** Quarter-hour weights of an hour for one direction, or undefined to split evenly. */
export type HourShape = (values: DayValues, position: number, direction: 'import' | 'export') => readonly number[] | undefined;

export const MAX_KEPT_ERRORS = 100;
/** A batch spans at most this many PPE-days: each is held whole (about 2 KB) until recorded. */
export const MAX_DAYS_PER_BATCH = 50_000;
const ALLOWED_MINUTES = { electricity: [15, 60], heat: [15, 60, 1440] } as const;

interface PointEntry {
  carrier: 'electricity' | 'heat';
  held: { fromMs: number; toMs: number | null }[];
  days: Map<string, DayValues>;
  last?: DayValues;
}

const iso = (ms: number) => new Date(ms).toISOString();
const HOURLY_CODE = HOURLY_SPLIT_QUALITY.charCodeAt(0);
const isWh = (wh: number) => Number.isInteger(wh) && wh >= 0 && wh <= MAX_WH_PER_VALUE;

export class ReadingsBatch {
  /** The first MAX_KEPT_ERRORS errors, in the order of the input. */
  readonly errors: ReadingError[] = [];
  /** Every error by reason, for a file's report. */
  readonly tally = new FaultTally();
  errorCount = 0;
  /** Readings given, and distinct intervals among those accepted. */
  readingCount = 0;
  uniqueCount = 0;
  /** Hours given where the agreement settles quarter-hours: each is split into four. */
  hourCount = 0;
  private dayCount = 0;
  private tooManyDays = false;
  private readonly points = new Map<string, PointEntry | null>();
  private readonly settlementMinutes = new Map<string, number | undefined>();

  constructor(
    private readonly registry: MeteringRegistryView,
    private readonly nowMs: number,
    private readonly lineWord: 'line' | 'entry',
    private readonly maxDays = MAX_DAYS_PER_BATCH,
  ) {}

  private error(line: number, field: ReadingError['field'], reason: string): void {
    this.errorCount++;
    this.tally.add({ line, field, reason });
    if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push({ line, field, reason });
  }

  add(line: number, ppeCode: string, startMs: number, intervalMinutes: number, importWh: number, exportWh: number, quality: QualityCode): void {
    this.readingCount++;
    if (!isWh(importWh)) {
      this.error(line, 'importWh', `${String(importWh)} is not a whole number of Wh from 0 to ${String(MAX_WH_PER_VALUE)} (the maximum a value)`);
      return;
    }
    if (!isWh(exportWh)) {
      this.error(line, 'exportWh', `${String(exportWh)} is not a whole number of Wh from 0 to ${String(MAX_WH_PER_VALUE)} (the maximum a value)`);
      return;
    }
    let point = this.points.get(ppeCode);
    if (point === undefined) {
      const found = this.registry.point(ppeCode);
      point = found ? { carrier: found.carrier, held: found.held, days: new Map() } : null;
      this.points.set(ppeCode, point);
    }
    if (point === null) {
      this.error(line, 'ppeCode', `unknown metering point ${ppeCode} in this cluster`);
      return;
    }
    const carrier = point.carrier;
    const allowed: readonly number[] = ALLOWED_MINUTES[carrier];
    if (carrier === 'heat' && intervalMinutes > 1440) {
      // a heat meter read once a month: the interval is the whole Warsaw month
      const monthMinutes = minutesOfMonthStartingAt(startMs);
      if (monthMinutes === undefined) {
        this.error(line, 'intervalStart', `a month-long reading must start at the beginning of a month in Warsaw, not at ${iso(startMs)}`);
        return;
      }
      if (monthMinutes !== intervalMinutes) {
        this.error(line, 'intervalMinutes', `the month starting ${iso(startMs)} is ${String(monthMinutes)} minutes long, not ${String(intervalMinutes)}`);
        return;
      }
    } else if (!allowed.includes(intervalMinutes)) {
      const heatMonth = carrier === 'heat' ? ', or the whole month in minutes' : '';
      this.error(line, 'intervalMinutes', `${String(intervalMinutes)} minutes is not an interval for ${carrier} (allowed: ${allowed.join(', ')}${heatMonth})`);
      return;
    }
    const { day, dayStartMs, month } = warsawDayOfMs(startMs);
    const intervalMs = intervalMinutes * 60_000;
    if ((startMs - dayStartMs) % Math.min(intervalMs, 86_400_000) !== 0) {
      this.error(line, 'intervalStart', `${iso(startMs)} is not on the ${String(intervalMinutes)}-minute grid`);
      return;
    }
    if (startMs + intervalMs > this.nowMs) {
      this.error(line, 'intervalStart', `the interval starting ${iso(startMs)} has not ended yet`);
      return;
    }
    if (!this.settlementMinutes.has(month)) this.settlementMinutes.set(month, this.registry.intervalMinutesFor(month));
    const settlement = this.settlementMinutes.get(month);
    // an hour where the agreement settles quarter-hours is split into its four (splitHours)
    const hourInQuarters = carrier === 'electricity' && settlement === 15 && intervalMinutes === 60;
    if (carrier === 'electricity' && settlement !== undefined && settlement % intervalMinutes !== 0 && !hourInQuarters) {
      this.error(line, 'intervalMinutes', `${String(intervalMinutes)}-minute readings cannot be settled in the agreement's ${String(settlement)}-minute intervals of ${month}`);
      return;
    }
    if (!point.held.some((p) => p.fromMs <= startMs && (p.toMs === null || startMs < p.toMs))) {
      this.error(line, 'ppeCode', `${ppeCode} is not assigned to any member at ${iso(startMs)}`);
      return;
    }
    const dayMinutes = hourInQuarters ? 15 : intervalMinutes;
    let values = point.last?.day === day ? point.last : point.days.get(day);
    if (!values) {
      if (this.dayCount >= this.maxDays) {
        // said once, counted for every reading it refuses
        if (this.tooManyDays) this.errorCount++;
        else this.error(line, 'intervalStart', `the batch spans more than ${String(this.maxDays)} PPE-days; send it in parts`);
        this.tooManyDays = true;
        return;
      }
      const size = intervalsInDay(day, dayMinutes);
      values = {
        ppeCode,
        day,
        dayStartMs,
        intervalMinutes: dayMinutes,
        lines: new Int32Array(size),
        importWh: new Float64Array(size),
        exportWh: new Float64Array(size),
        quality: new Uint8Array(size),
      };
      point.days.set(day, values);
      this.dayCount++;
    } else if (values.intervalMinutes !== dayMinutes) {
      this.error(line, 'intervalMinutes', `interval of ${String(intervalMinutes)} minutes, but ${day} is given in ${String(values.intervalMinutes)}-minute intervals`);
      return;
    }
    point.last = values;
    if (hourInQuarters) {
      this.addHour(values, line, ppeCode, startMs, importWh, exportWh);
      return;
    }
    const position = intervalMinutes > 1440 ? 0 : (startMs - dayStartMs) / intervalMs;
    const twin = values.lines[position];
    if (twin !== 0 && values.quality[position] === HOURLY_CODE) {
      this.error(line, 'intervalStart', `the quarter-hour ${iso(startMs)} of ${ppeCode} is also given by the hourly value at ${this.lineWord} ${String(twin)}`);
      return;
    }
    if (twin !== 0) {
      if (values.importWh[position] !== importWh || values.exportWh[position] !== exportWh || values.quality[position] !== quality.charCodeAt(0)) {
        this.error(line, 'intervalStart', `the interval ${iso(startMs)} of ${ppeCode} appears twice with different values (first at ${this.lineWord} ${String(twin)})`);
      }
      return;
    }
    values.lines[position] = line;
    values.importWh[position] = importWh;
    values.exportWh[position] = exportWh;
    values.quality[position] = quality.charCodeAt(0);
    this.uniqueCount++;
  }

  /** An hour held whole at its first quarter-hour until splitHours; its four quarter-hours are taken. */
  private addHour(values: DayValues, line: number, ppeCode: string, startMs: number, importWh: number, exportWh: number): void {
    const position = (startMs - values.dayStartMs) / 900_000;
    values.hours ??= new Map();
    const twin = values.hours.get(position);
    if (twin) {
      if (twin.importWh !== importWh || twin.exportWh !== exportWh)
        this.error(line, 'intervalStart', `the hour ${iso(startMs)} of ${ppeCode} appears twice with different values (first at ${this.lineWord} ${String(twin.line)})`);
      return;
    }
    for (let q = position; q < position + 4; q++) {
      if (values.lines[q] !== 0) {
        this.error(line, 'intervalStart', `the hour ${iso(startMs)} of ${ppeCode} overlaps the quarter-hour values given at ${this.lineWord} ${String(values.lines[q])}`);
        return;
      }
    }
    values.hours.set(position, { importWh, exportWh, line });
    for (let q = position; q < position + 4; q++) {
      values.lines[q] = line;
      values.quality[q] = HOURLY_CODE;
    }
    this.uniqueCount += 4;
    this.hourCount++;
  }

  /**
   * Divides every hour given for a quarter-hour day into its four quarter-hours, so that
   * they sum to the hour exactly: evenly, or by the weights `shape` gives.
   */
  splitHours(shape?: HourShape): void {
    for (const values of this.days()) {
      if (!values.hours) continue;
      for (const [position, hour] of values.hours) {
        const imp = splitHour(hour.importWh, shape?.(values, position, 'import'));
        const exp = splitHour(hour.exportWh, shape?.(values, position, 'export'));
        for (let q = 0; q < 4; q++) {
          values.importWh[position + q] = imp[q] ?? 0;
          values.exportWh[position + q] = exp[q] ?? 0;
        }
      }
    }
  }

  /** Every PPE-day given, PPE by PPE, days in calendar order. */
  days(): DayValues[] {
    const result: DayValues[] = [];
    for (const point of this.points.values()) {
      if (point) result.push(...[...point.days.values()].sort((a, b) => a.dayStartMs - b.dayStartMs));
    }
    return result;
  }
}

export interface EventContext {
  clusterId: string;
  source: string;
  fileSha256: string | null;
}

/**
 * A day's values against what its stream already holds: a value for an empty interval is
 * new (one Recorded event), the same value is unchanged, another value is a correction
 * (one Corrected event carrying the previous values). A day already recorded in another
 * interval length refuses every value given for it.
 */
export function planDay(existing: MeterDay | undefined, values: DayValues, context: EventContext): { events: MeterEvent[]; errors: { line: number; reason: string }[] } {
  const { day, dayStartMs, intervalMinutes } = values;
  if (existing && existing.intervalMinutes !== intervalMinutes) {
    const errors = [];
    for (const line of values.lines)
      if (line !== 0) errors.push({ line, reason: `interval of ${String(intervalMinutes)} minutes, but ${day} is recorded in ${String(existing.intervalMinutes)}-minute intervals` });
    return { events: [], errors };
  }
  // keys in canonical order: the event store then prints the data with one JSON.stringify
  const base = (): MeterDayEventData => ({
    clusterId: context.clusterId,
    day,
    dayStart: iso(dayStartMs),
    exportWh: [],
    fileSha256: context.fileSha256,
    importWh: [],
    indexRanges: [],
    intervalMinutes,
    lineRanges: [],
    ppeCode: values.ppeCode,
    quality: '',
    source: context.source,
  });
  const fresh = base();
  const corrected: MeterCorrectionData = { ...base(), previousImportWh: [], previousExportWh: [], previousQuality: '' };
  const add = (data: MeterDayEventData, position: number) => {
    addToRuns(data.indexRanges, position);
    // every array of a day has one entry per position
    data.importWh.push(values.importWh[position] ?? 0);
    data.exportWh.push(values.exportWh[position] ?? 0);
    data.quality += String.fromCharCode(values.quality[position] ?? 0);
    addToRuns(data.lineRanges, values.lines[position] ?? 0);
  };
  for (let position = 0; position < values.lines.length; position++) {
    if (values.lines[position] === 0) continue;
    const before = existing?.values.get(position);
    // a quarter-hour derived from an hour never replaces one the meter gave
    if (before && values.quality[position] === HOURLY_CODE && before.quality !== HOURLY_SPLIT_QUALITY) continue;
    if (!before) {
      add(fresh, position);
    } else if (before.importWh !== values.importWh[position] || before.exportWh !== values.exportWh[position] || before.quality !== String.fromCharCode(values.quality[position] ?? 0)) {
      add(corrected, position);
      corrected.previousImportWh.push(before.importWh);
      corrected.previousExportWh.push(before.exportWh);
      corrected.previousQuality += before.quality;
    }
  }
  const events: MeterEvent[] = [];
  if (fresh.importWh.length > 0) events.push({ type: 'MeterReadingsRecorded', data: fresh });
  if (corrected.importWh.length > 0) events.push({ type: 'MeterReadingsCorrected', data: corrected });
  return { events, errors: [] };
}
