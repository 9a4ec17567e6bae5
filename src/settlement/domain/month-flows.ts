/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: addValues runs for every value of
   the month (10,000 PPE × 2,976 quarter-hours); `!` only on typed arrays indexed within their length */
// From meter days and PPE ownership to each member's export and import per settlement
// interval: E_m(t) = Σ export over the PPE the member owns at t, likewise I_m(t).
// Finer readings (15 min in a 60-min agreement) are summed into the interval. Pure.
import { type MeterDayValues, NO_WH } from '../../metering/domain/meter-day-values.js';

/** Support's name for metering's MeterDayValues (src/support imports it); one type. */
export type MeterDayInput = MeterDayValues;
export { NO_WH };

export interface OwnershipPeriod {
  ppeCode: string;
  memberId: string;
  fromUtc: Date;
  /** Exclusive end, or null while it lasts. */
  toUtc: Date | null;
  renewable: boolean;
}

export interface MonthFlows {
  intervalStarts: Date[];
  intervalMinutes: number;
  memberIds: string[];
  /** [interval * members + member] */
  exportWh: Float64Array;
  importWh: Float64Array;
  /** Per member over the month: export from renewable sources (for the renewable share). */
  renewableExportWh: Map<string, number>;
  /** The same by day of the range: [day * members + member] (days as the builder was given them). */
  renewableExportWhByDay: Float64Array;
}

/** Accumulates meter days into per-member interval flows, one day at a time (bounded memory). */
export class MonthFlowsBuilder {
  private readonly intervalMs: number;
  private readonly count: number;
  private readonly members: string[];
  private readonly memberIndex: Map<string, number>;
  private readonly exportWh: Float64Array;
  private readonly importWh: Float64Array;
  private readonly renewableExportWhByDay: Float64Array;
  private readonly periodsByPpe = new Map<string, OwnershipPeriod[]>();

  constructor(
    private readonly monthStart: Date,
    private readonly monthEnd: Date,
    private readonly intervalMinutes: number,
    periods: readonly OwnershipPeriod[],
    memberIds: string[],
    /** The day (0 … dayCount - 1) of each interval, for the renewable export by day; none: one day. */
    private readonly intervalDay?: Int32Array,
    dayCount = 1,
  ) {
    this.intervalMs = intervalMinutes * 60_000;
    this.count = Math.round((monthEnd.getTime() - monthStart.getTime()) / this.intervalMs);
    this.members = [...memberIds].sort();
    this.memberIndex = new Map(this.members.map((m, i) => [m, i]));
    this.exportWh = new Float64Array(this.count * this.members.length);
    this.importWh = new Float64Array(this.count * this.members.length);
    this.renewableExportWhByDay = new Float64Array(dayCount * this.members.length);
    if (intervalDay && intervalDay.length !== this.count) throw new Error('intervalDay must name the day of every interval');
    for (const p of periods) {
      const list = this.periodsByPpe.get(p.ppeCode) ?? [];
      list.push(p);
      this.periodsByPpe.set(p.ppeCode, list);
    }
  }

  addDay(day: MeterDayValues): void {
    const owned = this.periodsByPpe.get(day.ppeCode);
    if (!owned) return; // not an electricity PPE of this cluster in this month
    forEachOwner(day, owned, (from, to, period) => {
      this.addValues(day, from, to, period);
    });
  }

  /** Adds values [from, to) of a day to the member of one period. */
  private addValues(day: MeterDayValues, from: number, to: number, period: OwnershipPeriod): void {
    const m = this.memberIndex.get(period.memberId);
    if (m === undefined) return;
    const n = this.members.length;
    const start = this.monthStart.getTime();
    const count = this.count;
    const stepMs = day.intervalMinutes * 60_000;
    const dayStart = day.dayStart.getTime();
    const { importWh, exportWh } = day;
    const renewableByDay = period.renewable ? this.renewableExportWhByDay : null;
    for (let j = from; j < to; j++) {
      const imp = importWh[j]!;
      const exp = exportWh[j]!;
      if (imp === NO_WH || exp === NO_WH) continue; // j < to <= length
      const i = Math.floor((dayStart + j * stepMs - start) / this.intervalMs);
      if (i < 0 || i >= count) continue; // before the range or after it
      // 0 <= i < count and m < n: within the arrays of count × n
      this.exportWh[i * n + m]! += exp;
      this.importWh[i * n + m]! += imp;
      // intervalDay holds count entries (checked in the constructor), each a day < dayCount
      if (renewableByDay) renewableByDay[(this.intervalDay ? this.intervalDay[i]! : 0) * n + m]! += exp;
    }
  }

  build(): MonthFlows {
    const start = this.monthStart.getTime();
    const intervalStarts = Array.from({ length: this.count }, (_, i) => new Date(start + i * this.intervalMs));
    const n = this.members.length;
    const renewableExportWh = new Map<string, number>();
    this.members.forEach((memberId, m) => {
      let wh = 0;
      for (let d = m; d < this.renewableExportWhByDay.length; d += n) wh += this.renewableExportWhByDay[d]!;
      renewableExportWh.set(memberId, wh);
    });
    return {
      intervalStarts,
      intervalMinutes: this.intervalMinutes,
      memberIds: this.members,
      exportWh: this.exportWh,
      importWh: this.importWh,
      renewableExportWh,
      renewableExportWhByDay: this.renewableExportWhByDay,
    };
  }
}

/**
 * Runs of a day's values [from, to) with the ownership period in force over each: the
 * whole day in one run in the usual case, found once for the day with no array made (this
 * runs for every meter day of the month); value by value when the owner changes inside
 * the day. A value no period covers is in no run.
 */
export function forEachOwner(day: MeterDayValues, owned: readonly OwnershipPeriod[], run: (from: number, to: number, period: OwnershipPeriod) => void): void {
  const stepMs = day.intervalMinutes * 60_000;
  const dayStart = day.dayStart.getTime();
  const dayEnd = dayStart + day.importWh.length * stepMs;
  let only: OwnershipPeriod | undefined;
  let covering = 0;
  for (const p of owned) {
    if (p.fromUtc.getTime() > dayStart || (p.toUtc !== null && dayEnd > p.toUtc.getTime())) continue;
    only = p;
    covering++;
  }
  if (covering === 1 && only) {
    run(0, day.importWh.length, only);
    return;
  }
  for (let j = 0; j < day.importWh.length; j++) {
    const t = dayStart + j * stepMs;
    const period = owned.find((p) => p.fromUtc.getTime() <= t && (p.toUtc === null || t < p.toUtc.getTime()));
    if (period) run(j, j + 1, period);
  }
}
