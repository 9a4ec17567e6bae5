// One PPE's values over one Warsaw day, as metering's reader hands them out
// (queries/meter-days.ts) and as the settlement and the support ledger consume them. Pure.

export interface MeterDayValues {
  ppeCode: string;
  dayStart: Date;
  intervalMinutes: number;
  /** null where no value was recorded for the interval */
  importWh: (number | null)[];
  exportWh: (number | null)[];
  /** One character per value (the metering quality codes; `h`: a quarter-hour split from an hour). */
  quality?: string;
}
