// Which settlement intervals of a month have readings, per PPE, over the time the PPE
// belongs to a member. An interval counts as present when every reading inside it is
// there (four quarter-hours for an hour). Expected intervals follow the Warsaw
// calendar: DST days have 23 or 25 hours. Pure.

export interface PpeActivity {
  ppeCode: string;
  /** Periods the PPE is assigned to a member, clipped by the caller or here to the month. */
  periods: { fromUtc: Date; toUtc: Date | null }[];
}

export interface DayPresence {
  ppeCode: string;
  dayStart: Date;
  intervalMinutes: number;
  /** One character per reading: '-' is missing. */
  quality: string;
}

export interface PpeCompleteness {
  ppeCode: string;
  expectedIntervals: number;
  presentIntervals: number;
  /** Quarter-hours whose values were divided from hourly data (quality hourly_split). */
  hourlySplitQuarterHours: number;
  missing: { from: string; to: string }[];
}

export function monthCompleteness(monthStart: Date, monthEnd: Date, intervalMinutes: number, activity: PpeActivity[], days: DayPresence[], now: Date): PpeCompleteness[] {
  const intervalMs = intervalMinutes * 60_000;
  const start = monthStart.getTime();
  // Only intervals that have ended are expected: a month in progress is not "missing" its future.
  const end = Math.min(monthEnd.getTime(), Math.floor((now.getTime() - start) / intervalMs) * intervalMs + start);
  const count = Math.max(0, Math.round((end - start) / intervalMs));
  const daysByPpe = new Map<string, DayPresence[]>();
  for (const day of days) {
    const list = daysByPpe.get(day.ppeCode) ?? [];
    list.push(day);
    daysByPpe.set(day.ppeCode, list);
  }
  const result: PpeCompleteness[] = [];
  for (const { ppeCode, periods } of [...activity].sort((a, b) => a.ppeCode.localeCompare(b.ppeCode))) {
    const expected = new Uint8Array(count);
    for (const p of periods) {
      const from = Math.max(start, p.fromUtc.getTime());
      const to = Math.min(end, p.toUtc ? p.toUtc.getTime() : end);
      for (let t = Math.ceil((from - start) / intervalMs); t * intervalMs + start < to; t++) expected[t] = 1;
    }
    // readings counted per settlement interval, against how many the interval needs
    const seen = new Uint16Array(count);
    const needed = new Uint16Array(count);
    let hourlySplitQuarterHours = 0;
    for (const day of daysByPpe.get(ppeCode) ?? []) {
      const stepMs = day.intervalMinutes * 60_000;
      for (let j = 0; j < day.quality.length; j++) {
        const t = day.dayStart.getTime() + j * stepMs;
        if (t < start || t >= end) continue;
        const i = Math.floor((t - start) / intervalMs);
        if (day.quality[j] !== '-') seen[i] = (seen[i] ?? 0) + 1;
        if (day.quality[j] === 'h') hourlySplitQuarterHours++;
        needed[i] = Math.max(1, Math.round(intervalMs / stepMs));
      }
    }
    let expectedIntervals = 0;
    let presentIntervals = 0;
    const missing: { from: string; to: string }[] = [];
    let runStart = -1;
    for (let i = 0; i <= count; i++) {
      const isMissing = i < count && expected[i] === 1 && !((needed[i] ?? 0) > 0 && (seen[i] ?? 0) >= (needed[i] ?? 0));
      if (i < count && expected[i] === 1) {
        expectedIntervals++;
        if (!isMissing) presentIntervals++;
      }
      if (isMissing && runStart < 0) runStart = i;
      if (!isMissing && runStart >= 0) {
        missing.push({ from: new Date(start + runStart * intervalMs).toISOString(), to: new Date(start + i * intervalMs).toISOString() });
        runStart = -1;
      }
    }
    result.push({ ppeCode, expectedIntervals, presentIntervals, hourlySplitQuarterHours, missing });
  }
  return result;
}
