// Deterministic readings for scenarios, demos and tests: consumption shaped by the BDEW
// standard load profiles, PV by a measured PVGIS series, day-to-day weather from a
// seeded random walk. Same seed, same inputs, same Wh on every machine. Integers only.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { projectRoot } from '../database/paths.js';
import { isoDateOf } from '../shared/calendar.js';

export type LoadProfile = 'H25' | 'G25' | 'L25';

export interface GeneratorPoint {
  ppeCode: string;
  role: 'consumer' | 'producer' | 'prosumer' | 'storage';
  profile?: LoadProfile;
  annualConsumptionKwh?: number;
  pvCapacityKw?: number;
  /** A steady source (biogas, CHP): capacity running at this share (bp) all hours. */
  baseloadKw?: number;
}

export interface GeneratedPoint {
  ppeCode: string;
  importWh: number[];
  exportWh: number[];
}

const MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const DAY_TYPES = ['SA', 'FT', 'WT'] as const;
/** Yield scaled to about 1,000 kWh per kWp a year, as in Poland (the series is from 45 N). */
const PV_YIELD_KWH_PER_KWP = 1000;
const PERFORMANCE_RATIO = 0.8;

const dataDir = () => join(projectRoot(), 'data', 'profiles');

/** profile[month 0..11][day type][quarter-hour 0..95]: kWh per quarter-hour per 1,000,000 kWh a year. */
function loadProfile(kind: LoadProfile): number[][][] {
  const rows: string[][] = parse(readFileSync(join(dataDir(), `bdew-${kind.toLowerCase()}.csv`), 'utf8'), { relax_column_count: true });
  const [months, types] = rows;
  if (!months || !types) throw new Error(`bdew-${kind.toLowerCase()}.csv: no header rows (months, day types)`);
  const profile = MONTHS.map(() => DAY_TYPES.map(() => new Array<number>(96).fill(0)));
  for (let q = 0; q < 96; q++) {
    const row = rows[q + 2];
    if (!row) throw new Error(`bdew-${kind.toLowerCase()}.csv: no row for quarter-hour ${String(q)}`);
    for (let c = 1; c < row.length; c++) {
      const m = MONTHS.indexOf(months[c] ?? '');
      const t = DAY_TYPES.indexOf(types[c] as (typeof DAY_TYPES)[number]);
      const cell = profile[m]?.[t];
      if (cell) cell[q] = Number(row[c]);
    }
  }
  return profile;
}

/** Hourly G(h) W/m2 by "MM-DD HH" (UTC) of the typical year, and the yearly sum. */
function loadPv(): { irradiance: Map<string, number>; yearlyWhPerM2: number } {
  const lines = readFileSync(join(dataDir(), 'pvgis-tmy-45.000-8.000-2005-2023.csv'), 'utf8').split(/\r?\n/);
  const irradiance = new Map<string, number>();
  let yearly = 0;
  for (const line of lines) {
    const match = /^\d{4}(\d{2})(\d{2}):(\d{2})\d{2},[^,]*,[^,]*,([\d.]+),/.exec(line);
    if (!match) continue;
    const g = Number(match[4]);
    irradiance.set(`${String(match[1])}-${String(match[2])} ${String(match[3])}`, g);
    yearly += g;
  }
  return { irradiance, yearlyWhPerM2: yearly };
}

let cache: { profiles: Map<LoadProfile, number[][][]>; pv: ReturnType<typeof loadPv> } | undefined;
function data() {
  cache ??= { profiles: new Map((['H25', 'G25', 'L25'] as const).map((k) => [k, loadProfile(k)])), pv: loadPv() };
  return cache;
}

/** mulberry32: a small seeded PRNG, good enough for weather-like noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function easter(year: number): DateTime {
  // Anonymous Gregorian algorithm
  const a = year % 19,
    b = Math.floor(year / 100),
    c = year % 100,
    d = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }, { zone: 'Europe/Warsaw' });
}

/** Polish public holidays of a year (ustawa o dniach wolnych od pracy), as YYYY-MM-DD. */
export function polishHolidays(year: number): Set<string> {
  const fixed = ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-25', '12-26', ...(year >= 2025 ? ['12-24'] : [])];
  const e = easter(year);
  return new Set([...fixed.map((d) => `${String(year)}-${d}`), isoDateOf(e), isoDateOf(e.plus({ days: 1 })), isoDateOf(e.plus({ days: 49 })), isoDateOf(e.plus({ days: 60 }))]);
}

/** The interval starts of a Warsaw month (DST days have 92 or 100 quarter-hours). */
export function monthIntervalStarts(month: string, intervalMinutes: 15 | 60): Date[] {
  const start = DateTime.fromISO(`${month}-01`, { zone: 'Europe/Warsaw' });
  const end = start.plus({ months: 1 }).toMillis();
  const result: Date[] = [];
  for (let t = start.toMillis(); t < end; t += intervalMinutes * 60_000) result.push(new Date(t));
  return result;
}

/** One month of readings for every point. */
export function generateReadings(options: { seed: number; month: string; intervalMinutes: 15 | 60; points: GeneratorPoint[] }): { intervalStarts: Date[]; points: GeneratedPoint[] } {
  const { profiles, pv } = data();
  const quarters = monthIntervalStarts(options.month, 15);
  const holidays = polishHolidays(Number(options.month.slice(0, 4)));
  const pvScale = (PV_YIELD_KWH_PER_KWP * 1000) / ((pv.yearlyWhPerM2 / 1000) * PERFORMANCE_RATIO * 1000);
  // per quarter-hour: calendar facts shared by every point
  const calendar = quarters.map((t) => {
    const local = DateTime.fromJSDate(t, { zone: 'Europe/Warsaw' });
    const utc = DateTime.fromJSDate(t, { zone: 'utc' });
    const dayType = local.weekday === 7 || holidays.has(isoDateOf(local)) ? 1 : local.weekday === 6 ? 0 : 2;
    return { month: local.month - 1, dayType, q: local.hour * 4 + Math.floor(local.minute / 15), day: local.day, g: pv.irradiance.get(utc.toFormat('MM-dd HH')) ?? 0 };
  });
  const generated: GeneratedPoint[] = options.points.map((point, p) => {
    const random = seededRandom(options.seed * 1_000_003 + p * 7919 + 17);
    // weather: a day's clearness with persistence, 0.25 .. 1.15
    const clearness: number[] = [];
    let weather = 0.8;
    for (let d = 0; d <= 31; d++) {
      weather = Math.min(1.15, Math.max(0.25, 0.6 * weather + 0.4 * (0.25 + random() * 0.95)));
      clearness.push(weather);
    }
    const profile = profiles.get(point.profile ?? 'H25');
    if (!profile) throw new Error(`no load profile ${point.profile ?? 'H25'}`);
    const importWh: number[] = [];
    const exportWh: number[] = [];
    for (const c of calendar) {
      const loadWh = point.annualConsumptionKwh // month 0..11, day type 0..2 and quarter-hour 0..95 are always in the profile
        ? (((profile[c.month]?.[c.dayType]?.[c.q] ?? 0) * point.annualConsumptionKwh) / 1000) * (0.95 + random() * 0.1)
        : 0;
      // hourly irradiance over four quarter-hours: W/m2 × kWp × PR / 4 → Wh per quarter-hour
      const pvWh = point.pvCapacityKw ? (c.g * point.pvCapacityKw * PERFORMANCE_RATIO * pvScale * (clearness[c.day] ?? 0)) / 4 : 0;
      const baseWh = point.baseloadKw ? point.baseloadKw * 250 * (0.97 + random() * 0.06) : 0;
      const production = Math.round(pvWh + baseWh);
      const consumption = Math.round(loadWh);
      importWh.push(Math.max(0, consumption - production));
      exportWh.push(Math.max(0, production - consumption));
    }
    return { ppeCode: point.ppeCode, importWh, exportWh };
  });
  if (options.intervalMinutes === 15) return { intervalStarts: quarters, points: generated };
  // hourly: sum the four quarter-hours of each hour (DST-safe: group by the hour's start)
  const hours = monthIntervalStarts(options.month, 60);
  const hourIndex = new Map(hours.map((h, i) => [h.getTime(), i]));
  return {
    intervalStarts: hours,
    points: generated.map((g) => {
      const importWh = new Array<number>(hours.length).fill(0);
      const exportWh = new Array<number>(hours.length).fill(0);
      quarters.forEach((t, i) => {
        const h = hourIndex.get(t.getTime() - (t.getTime() % 3_600_000));
        if (h === undefined) throw new Error(`quarter-hour ${t.toISOString()} has no hour of ${options.month}`);
        importWh[h] = (importWh[h] ?? 0) + (g.importWh[i] ?? 0);
        exportWh[h] = (exportWh[h] ?? 0) + (g.exportWh[i] ?? 0);
      });
      return { ppeCode: g.ppeCode, importWh, exportWh };
    }),
  };
}
