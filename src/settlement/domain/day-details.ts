/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: add() runs for every interval and
   member of the days asked for; `!` only on arrays indexed within the month's intervals and members */
// Per-interval detail of a month's calculation, handed out a Warsaw day at a time. Pure.
import type { IntervalView } from './engine/allocate-month.js';
import type { MonthFlows } from './month-flows.js';

/** One member's day, interval by interval. */
export interface MemberDayDetail {
  memberId: string;
  day: string;
  dayStart: Date;
  intervalMinutes: number;
  importWh: number[];
  exportWh: number[];
  selfConsumedWh: number[];
  receivedWh: number[];
  suppliedWh: number[];
  gridImportWh: number[];
  gridExportWh: number[];
}

/** Per-interval detail gathered a Warsaw day at a time (the interval endpoints ask for one day). */
export class DayDetails {
  private readonly dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' });
  private day: MemberDayDetail[] | null = null;
  private dayKey = '';

  constructor(
    private readonly flows: MonthFlows,
    private readonly intervalMinutes: number,
    private readonly onDay: (details: MemberDayDetail[]) => void,
  ) {}

  add(view: IntervalView): void {
    const { flows } = this;
    const at = flows.intervalStarts[view.interval]!;
    const key = this.dayFormat.format(at);
    if (key !== this.dayKey) {
      this.flush();
      this.dayKey = key;
      this.day = flows.memberIds.map((memberId) => ({
        memberId,
        day: key,
        dayStart: at,
        intervalMinutes: this.intervalMinutes,
        importWh: [],
        exportWh: [],
        selfConsumedWh: [],
        receivedWh: [],
        suppliedWh: [],
        gridImportWh: [],
        gridExportWh: [],
      }));
    }
    const n = flows.memberIds.length;
    const base = view.interval * n;
    for (let m = 0; m < n; m++) {
      const d = this.day![m]!;
      const imp = flows.importWh[base + m]!;
      const exp = flows.exportWh[base + m]!;
      d.importWh.push(imp);
      d.exportWh.push(exp);
      d.selfConsumedWh.push(view.selfConsumedWh[m]!);
      d.receivedWh.push(view.receivedWh[m]!);
      d.suppliedWh.push(view.suppliedWh[m]!);
      d.gridImportWh.push(imp - view.selfConsumedWh[m]! - view.receivedWh[m]!);
      d.gridExportWh.push(exp - view.selfConsumedWh[m]! - view.suppliedWh[m]!);
    }
  }

  /** Hands the day gathered so far to onDay (members without a flow that day left out). */
  flush(): void {
    if (this.day) this.onDay(this.day.filter((d) => d.importWh.some((v) => v > 0) || d.exportWh.some((v) => v > 0)));
    this.day = null;
  }
}
