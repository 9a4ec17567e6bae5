/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: addValues runs for every value of
   the month; `!` only on typed arrays indexed within their length */
// The hourly support ledger (RES act, cluster support hour by hour). Per Warsaw hour h,
// from the metered flows of every electricity PPE summed over the hour's intervals:
// fed-in E(h), taken I(h), renewable fed-in Eres(h) (PPE with a renewable source);
// matched M(h) = min(E, I), renewable matched Mres(h) = min(Eres, I); each member's share
// of Mres(h) pro rata to what it took that hour (largest remainder, ties by member id).
// Warsaw hours are UTC hours (Poland's offsets are whole hours), so a month has
// 743, 744 or 745 of them. Pure; integers only.
import { DateTime } from 'luxon';
import { basisPoints, priceWh, splitSorted } from '../../shared/largest-remainder.js';
import { type MeterDayInput, NO_WH, type OwnershipPeriod, forEachOwner } from '../../settlement/domain/month-flows.js';
import { type DiscountBracket, inForce, type LegalParametersState, parametersForMonth } from './legal-parameters.js';

const HOUR_MS = 3_600_000;
const ZONE = 'Europe/Warsaw';

export interface HourlyFlows {
  start: Date;
  hours: number;
  memberIds: string[];
  /** [hour * members + member] */
  fedInWh: Float64Array;
  renewableFedInWh: Float64Array;
  takenWh: Float64Array;
  /** Per PPE, when asked for (the per-PPE export). */
  ppe?: Map<string, PpeHours>;
}

export interface PpeHours {
  ppeCode: string;
  renewable: boolean;
  /** Owner per hour (index into memberIds), -1 when none. */
  member: Int32Array;
  fedInWh: Float64Array;
  takenWh: Float64Array;
}

/** Sums meter days into member hours (and PPE hours), one day at a time. */
export class HourlyFlowsBuilder {
  private readonly hours: number;
  private readonly members: string[];
  private readonly memberIndex: Map<string, number>;
  private readonly fedIn: Float64Array;
  private readonly renewableFedIn: Float64Array;
  private readonly taken: Float64Array;
  private readonly periodsByPpe = new Map<string, OwnershipPeriod[]>();
  private readonly ppe?: Map<string, PpeHours>;

  constructor(
    private readonly start: Date,
    end: Date,
    periods: readonly OwnershipPeriod[],
    memberIds: string[],
    options: { perPpe?: boolean } = {},
  ) {
    this.hours = Math.round((end.getTime() - start.getTime()) / HOUR_MS);
    this.members = [...memberIds].sort();
    this.memberIndex = new Map(this.members.map((m, i) => [m, i]));
    const size = this.hours * this.members.length;
    this.fedIn = new Float64Array(size);
    this.renewableFedIn = new Float64Array(size);
    this.taken = new Float64Array(size);
    for (const p of periods) {
      const list = this.periodsByPpe.get(p.ppeCode) ?? [];
      list.push(p);
      this.periodsByPpe.set(p.ppeCode, list);
    }
    if (options.perPpe) this.ppe = new Map();
  }

  addDay(day: MeterDayInput): void {
    const owned = this.periodsByPpe.get(day.ppeCode);
    if (!owned) return; // not an electricity PPE of this cluster in this month
    const stepMs = day.intervalMinutes * 60_000;
    if (stepMs > HOUR_MS) return; // only quarter-hours and hours are electricity readings
    let ppe = this.ppe?.get(day.ppeCode);
    if (this.ppe && !ppe) {
      const [first] = owned;
      if (!first) return; // lists are made with their first period: never empty
      ppe = { ppeCode: day.ppeCode, renewable: first.renewable, member: new Int32Array(this.hours).fill(-1), fedInWh: new Float64Array(this.hours), takenWh: new Float64Array(this.hours) };
      this.ppe.set(day.ppeCode, ppe);
    }
    forEachOwner(day, owned, (from, to, period) => {
      this.addValues(day, from, to, period, ppe);
    });
  }

  /** Adds values [from, to) of a day to the member of one period (and to the PPE's hours, when kept). */
  private addValues(day: MeterDayInput, from: number, to: number, period: OwnershipPeriod, ppe: PpeHours | undefined): void {
    const m = this.memberIndex.get(period.memberId);
    if (m === undefined) return;
    const n = this.members.length;
    const start = this.start.getTime();
    const stepMs = day.intervalMinutes * 60_000;
    const dayStart = day.dayStart.getTime();
    const { importWh, exportWh } = day;
    const renewableFedIn = period.renewable ? this.renewableFedIn : null;
    for (let j = from; j < to; j++) {
      const imp = importWh[j]!;
      const exp = exportWh[j]!;
      if (imp === NO_WH || exp === NO_WH) continue; // j < to <= length
      const h = Math.floor((dayStart + j * stepMs - start) / HOUR_MS);
      if (h < 0 || h >= this.hours) continue;
      // 0 <= h < hours and m < n: within the arrays of hours × n
      const k = h * n + m;
      this.fedIn[k]! += exp;
      this.taken[k]! += imp;
      if (renewableFedIn) renewableFedIn[k]! += exp;
      if (ppe) {
        ppe.member[h] = m;
        ppe.fedInWh[h]! += exp;
        ppe.takenWh[h]! += imp;
      }
    }
  }

  build(): HourlyFlows {
    return { start: this.start, hours: this.hours, memberIds: this.members, fedInWh: this.fedIn, renewableFedInWh: this.renewableFedIn, takenWh: this.taken, ppe: this.ppe };
  }
}

export interface SupportHour {
  hourStart: string;
  /** The Warsaw wall-clock start with its offset: the repeated hour of October shows +02:00, then +01:00. */
  localStart: string;
  fedInWh: number;
  takenWh: number;
  renewableFedInWh: number;
  matchedWh: number;
  renewableMatchedWh: number;
}

export interface SupportMemberMonth {
  memberId: string;
  fedInWh: number;
  renewableFedInWh: number;
  takenWh: number;
  /** Its share of Mres over the month: renewable energy fed in and taken in the cluster the same hour. */
  renewableMatchedWh: number;
  /** The part of it in hours of the support period: the fees below are not charged on it. */
  exemptWh: number;
  waivedOzeGrosze: number;
  waivedCogenerationGrosze: number;
  waivedFeesGrosze: number;
}

export interface SupportTotals {
  fedInWh: number;
  takenWh: number;
  renewableFedInWh: number;
  matchedWh: number;
  renewableMatchedWh: number;
  exemptWh: number;
  /** ΣM / ΣI */
  selfConsumptionBp: number;
  /** ΣEres / ΣE */
  renewableShareBp: number;
  waivedOzeGrosze: number;
  waivedCogenerationGrosze: number;
  waivedFeesGrosze: number;
}

export interface ThresholdCheck {
  valueBp: number;
  thresholdBp: number | null;
  met: boolean | null;
}

export interface SupportMonth {
  month: string;
  hourCount: number;
  hours: SupportHour[];
  totals: SupportTotals;
  renewableShare: ThresholdCheck;
  selfConsumption: ThresholdCheck;
  /** The discount bracket the month's self-consumption reaches, if any (the DSO applies it). */
  networkDiscount: { eligible: boolean; bracket: DiscountBracket | null };
  members: SupportMemberMonth[];
  /** The parameters in force over the month, as used. */
  parameters: ReturnType<typeof parametersForMonth>;
}

const offsetText = (minutes: number) => `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;

/**
 * The Warsaw date and wall-clock start (with its offset) of every hour from `start`. Time
 * zone arithmetic once a day, and hour by hour only on the two days a year the clock moves.
 */
export function warsawHours(start: Date, hours: number): { dates: string[]; localStarts: string[] } {
  const dates: string[] = [];
  const localStarts: string[] = [];
  let day = DateTime.fromMillis(start.getTime(), { zone: ZONE }).startOf('day');
  while (dates.length < hours) {
    const next = day.plus({ days: 1 });
    const date = day.toISODate();
    if (date === null) throw new Error(`warsawHours: an invalid day from ${start.toISOString()}`);
    const regular = next.toMillis() - day.toMillis() === 24 * HOUR_MS && next.offset === day.offset;
    for (let t = Math.max(day.toMillis(), start.getTime()); t < next.toMillis() && dates.length < hours; t += HOUR_MS) {
      dates.push(date);
      if (regular) {
        const local = new Date(t + day.offset * 60_000).toISOString().slice(0, 19);
        localStarts.push(`${local}${offsetText(day.offset)}`);
      } else {
        const local = DateTime.fromMillis(t, { zone: ZONE }).toISO({ suppressMilliseconds: true });
        if (local === null) throw new Error(`warsawHours: an invalid instant ${String(t)}`);
        localStarts.push(local);
      }
    }
    day = next;
  }
  return { dates, localStarts };
}

/** The Warsaw date of every hour, and the fee rates and support flag in force then. */
function hourCalendar(start: Date, hours: number, params: LegalParametersState) {
  const { dates, localStarts } = warsawHours(start, hours);
  const rateIndex = new Int32Array(hours);
  const supported = new Uint8Array(hours);
  const days: string[] = [];
  for (let h = 0; h < hours; h++) {
    const date = dates[h];
    if (date === undefined) throw new Error(`hourCalendar: no date for hour ${String(h)} of ${String(hours)}`);
    if (days[days.length - 1] !== date) days.push(date);
    const rate = inForce(params.feeRates, date);
    rateIndex[h] = rate ? params.feeRates.indexOf(rate) : -1;
    const period = inForce(params.supportPeriods, date);
    supported[h] = period && period.supportFrom <= date && date <= period.supportTo ? 1 : 0;
  }
  return { dates, localStarts, rateIndex, supported, days };
}

/**
 * Each member's share of Mres(h) for every hour, handed to `onHour` (reused arrays: copy
 * what you keep). The one place the shares are computed, for the ledger and the PPE export.
 */
export function eachHour(flows: HourlyFlows, onHour: (h: number, hour: Omit<SupportHour, 'hourStart' | 'localStart'>, shares: Float64Array) => void): void {
  const n = flows.memberIds.length;
  const shares = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let h = 0; h < flows.hours; h++) {
    let e = 0;
    let eres = 0;
    let i = 0;
    for (let m = 0; m < n; m++) {
      e += flows.fedInWh[h * n + m] ?? 0;
      eres += flows.renewableFedInWh[h * n + m] ?? 0;
      const taken = flows.takenWh[h * n + m] ?? 0;
      i += taken;
      weights[m] = taken;
    }
    const matchedWh = Math.min(e, i);
    const renewableMatchedWh = Math.min(eres, i);
    splitSorted(renewableMatchedWh, flows.memberIds, weights, shares, n);
    onHour(h, { fedInWh: e, takenWh: i, renewableFedInWh: eres, matchedWh, renewableMatchedWh }, shares);
  }
}

export function supportLedger(flows: HourlyFlows, month: string, params: LegalParametersState): SupportMonth {
  const n = flows.memberIds.length;
  const cal = hourCalendar(flows.start, flows.hours, params);
  const rates = params.feeRates.length;
  const members = flows.memberIds.map((memberId) => ({ memberId, fedInWh: 0, renewableFedInWh: 0, takenWh: 0, renewableMatchedWh: 0, exemptWh: 0 }));
  // exempt Wh per member and fee-rate entry: priced once per entry, like the statements
  const exemptByRate = new Float64Array(n * Math.max(rates, 1));
  const hours: SupportHour[] = [];
  const totals = { fedInWh: 0, takenWh: 0, renewableFedInWh: 0, matchedWh: 0, renewableMatchedWh: 0, exemptWh: 0 };
  eachHour(flows, (h, hour, shares) => {
    const startMs = flows.start.getTime() + h * HOUR_MS;
    const localStart = cal.localStarts[h];
    if (localStart === undefined) throw new Error(`supportLedger: no local start for hour ${String(h)}`);
    hours.push({ hourStart: new Date(startMs).toISOString(), localStart, ...hour });
    totals.fedInWh += hour.fedInWh;
    totals.takenWh += hour.takenWh;
    totals.renewableFedInWh += hour.renewableFedInWh;
    totals.matchedWh += hour.matchedWh;
    totals.renewableMatchedWh += hour.renewableMatchedWh;
    const supported = cal.supported[h] === 1;
    if (supported) totals.exemptWh += hour.renewableMatchedWh;
    const rateIndex = cal.rateIndex[h] ?? -1;
    members.forEach((row, m) => {
      const share = shares[m] ?? 0;
      row.fedInWh += flows.fedInWh[h * n + m] ?? 0;
      row.renewableFedInWh += flows.renewableFedInWh[h * n + m] ?? 0;
      row.takenWh += flows.takenWh[h * n + m] ?? 0;
      row.renewableMatchedWh += share;
      if (supported && share > 0) {
        row.exemptWh += share;
        if (rateIndex >= 0) exemptByRate[m * rates + rateIndex] = (exemptByRate[m * rates + rateIndex] ?? 0) + share;
      }
    });
  });
  const memberRows: SupportMemberMonth[] = members
    .map((row, m) => {
      let oze = 0;
      let cogeneration = 0;
      params.feeRates.forEach((rate, r) => {
        const wh = exemptByRate[m * rates + r] ?? 0;
        if (wh === 0) return;
        oze += priceWh(wh, rate.ozeGroszePerMwh);
        cogeneration += priceWh(wh, rate.cogenerationGroszePerMwh);
      });
      return { ...row, waivedOzeGrosze: oze, waivedCogenerationGrosze: cogeneration, waivedFeesGrosze: oze + cogeneration };
    })
    .filter((r) => r.fedInWh > 0 || r.takenWh > 0);
  const waivedOzeGrosze = memberRows.reduce((a, r) => a + r.waivedOzeGrosze, 0);
  const waivedCogenerationGrosze = memberRows.reduce((a, r) => a + r.waivedCogenerationGrosze, 0);
  const selfConsumptionBp = basisPoints(totals.matchedWh, totals.takenWh);
  const renewableShareBp = basisPoints(totals.renewableFedInWh, totals.fedInWh);
  const firstDay = cal.days[0] ?? `${month}-01`;
  const threshold = inForce(params.thresholds, firstDay);
  const brackets = inForce(params.discountBrackets, firstDay)?.brackets ?? [];
  // "above 60%": a bracket applies above its lower bound
  const bracket = [...brackets].reverse().find((b) => selfConsumptionBp > b.fromSelfConsumptionBp) ?? null;
  return {
    month,
    hourCount: flows.hours,
    hours,
    totals: { ...totals, selfConsumptionBp, renewableShareBp, waivedOzeGrosze, waivedCogenerationGrosze, waivedFeesGrosze: waivedOzeGrosze + waivedCogenerationGrosze },
    renewableShare: check(renewableShareBp, threshold?.renewableShareBp),
    selfConsumption: check(selfConsumptionBp, threshold?.selfConsumptionBp, true),
    networkDiscount: { eligible: bracket !== null, bracket },
    members: memberRows,
    parameters: parametersForMonth(params, month, cal.days),
  };
}

/** The renewable share must be at least its threshold; the self-consumption above its own (strictly). */
function check(valueBp: number, thresholdBp: number | undefined, strictly = false): ThresholdCheck {
  return { valueBp, thresholdBp: thresholdBp ?? null, met: thresholdBp === undefined ? null : strictly ? valueBp > thresholdBp : valueBp >= thresholdBp };
}

export interface PpeHourRow {
  ppeCode: string;
  memberId: string;
  hourStart: string;
  localStart: string;
  renewable: boolean;
  fedInWh: number;
  takenWh: number;
  /** The member's share of Mres(h), divided among its PPE pro rata to what each took (ties by PPE code). */
  renewableMatchedWh: number;
}

/** The per-PPE per-hour rows (the data a DSO needs to apply the exemption), in hour then PPE order. */
export function ppeHourRows(flows: HourlyFlows): PpeHourRow[] {
  if (!flows.ppe) throw new Error('the flows were built without PPE detail');
  const ppes = [...flows.ppe.values()].sort((a, b) => (a.ppeCode < b.ppeCode ? -1 : 1));
  const codes = ppes.map((p) => p.ppeCode);
  const rows: PpeHourRow[] = [];
  const weights = new Float64Array(ppes.length);
  const parts = new Float64Array(ppes.length);
  const { localStarts } = warsawHours(flows.start, flows.hours);
  eachHour(flows, (h, _hour, shares) => {
    const hourStart = new Date(flows.start.getTime() + h * HOUR_MS).toISOString();
    const localStart = localStarts[h];
    if (localStart === undefined) throw new Error(`ppeHourRows: no local start for hour ${String(h)}`);
    const matched = new Float64Array(ppes.length);
    // each member's share split over its own PPE of the hour
    const owners = new Set<number>();
    const memberOf = (p: PpeHours) => p.member[h] ?? -1;
    for (const p of ppes) if (memberOf(p) >= 0) owners.add(memberOf(p));
    for (const m of owners) {
      ppes.forEach((p, k) => (weights[k] = memberOf(p) === m ? (p.takenWh[h] ?? 0) : 0));
      splitSorted(shares[m] ?? 0, codes, weights, parts, ppes.length);
      for (let k = 0; k < ppes.length; k++) matched[k] = (matched[k] ?? 0) + (parts[k] ?? 0);
    }
    ppes.forEach((p, k) => {
      const m = memberOf(p);
      if (m < 0) return;
      const memberId = flows.memberIds[m];
      if (memberId === undefined) throw new Error(`ppeHourRows: PPE ${p.ppeCode} has no member ${String(m)}`);
      rows.push({ ppeCode: p.ppeCode, memberId, hourStart, localStart, renewable: p.renewable, fedInWh: p.fedInWh[h] ?? 0, takenWh: p.takenWh[h] ?? 0, renewableMatchedWh: matched[k] ?? 0 });
    });
  });
  return rows;
}

/** Months summed into a year: totals and members added, shares computed on the sums. */
export function supportYear(months: SupportMonth[]) {
  const t = { fedInWh: 0, takenWh: 0, renewableFedInWh: 0, matchedWh: 0, renewableMatchedWh: 0, exemptWh: 0, waivedOzeGrosze: 0, waivedCogenerationGrosze: 0, waivedFeesGrosze: 0 };
  const members = new Map<string, Omit<SupportMemberMonth, 'memberId'>>();
  let hours = 0;
  for (const month of months) {
    hours += month.hourCount;
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += month.totals[k];
    for (const row of month.members) {
      const { memberId, ...values } = row;
      const sum = members.get(memberId) ?? { fedInWh: 0, renewableFedInWh: 0, takenWh: 0, renewableMatchedWh: 0, exemptWh: 0, waivedOzeGrosze: 0, waivedCogenerationGrosze: 0, waivedFeesGrosze: 0 };
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += values[k];
      members.set(memberId, sum);
    }
  }
  return {
    hourCount: hours,
    totals: { ...t, selfConsumptionBp: basisPoints(t.matchedWh, t.takenWh), renewableShareBp: basisPoints(t.renewableFedInWh, t.fedInWh) },
    members: [...members.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([memberId, v]) => ({ memberId, ...v })),
  };
}
