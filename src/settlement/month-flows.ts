// From meter days and PPE ownership to each member's export and import per settlement
// interval: E_m(t) = Σ export over the PPE the member owns at t, likewise I_m(t).
// Finer readings (15 min in a 60-min agreement) are summed into the interval. Pure.

export interface MeterDayInput {
  ppeCode: string;
  dayStart: Date;
  intervalMinutes: number;
  importWh: (number | null)[];
  exportWh: (number | null)[];
}

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
}

export function buildMonthFlows(
  monthStart: Date,
  monthEnd: Date,
  intervalMinutes: number,
  periods: OwnershipPeriod[],
  memberIds: string[],
  meterDays: Iterable<MeterDayInput>,
): MonthFlows {
  const intervalMs = intervalMinutes * 60_000;
  const count = Math.round((monthEnd.getTime() - monthStart.getTime()) / intervalMs);
  const members = [...memberIds].sort();
  const memberIndex = new Map(members.map((m, i) => [m, i]));
  const exportWh = new Float64Array(count * members.length);
  const importWh = new Float64Array(count * members.length);
  const renewableExportWh = new Map<string, number>(members.map((m) => [m, 0]));
  const periodsByPpe = new Map<string, OwnershipPeriod[]>();
  for (const p of periods) {
    const list = periodsByPpe.get(p.ppeCode) ?? [];
    list.push(p);
    periodsByPpe.set(p.ppeCode, list);
  }
  const start = monthStart.getTime();
  for (const day of meterDays) {
    const owned = periodsByPpe.get(day.ppeCode);
    if (!owned) continue; // not an electricity PPE of this cluster in this month
    const stepMs = day.intervalMinutes * 60_000;
    const dayStart = day.dayStart.getTime();
    for (let j = 0; j < day.importWh.length; j++) {
      const imp = day.importWh[j];
      const exp = day.exportWh[j];
      if (imp === null || exp === null) continue;
      const t = dayStart + j * stepMs;
      if (t < start || t >= monthEnd.getTime()) continue;
      const period = owned.find((p) => p.fromUtc.getTime() <= t && (p.toUtc === null || t < p.toUtc.getTime()));
      if (!period) continue;
      const m = memberIndex.get(period.memberId);
      if (m === undefined) continue;
      const i = Math.floor((t - start) / intervalMs);
      exportWh[i * members.length + m] += exp;
      importWh[i * members.length + m] += imp;
      if (period.renewable) renewableExportWh.set(period.memberId, renewableExportWh.get(period.memberId)! + exp);
    }
  }
  const intervalStarts = Array.from({ length: count }, (_, i) => new Date(start + i * intervalMs));
  return { intervalStarts, intervalMinutes, memberIds: members, exportWh, importWh, renewableExportWh };
}
