// One cluster month from its inputs: the registry state, the meter days and the
// contracts. Pure: the live projection, the as-of query and the audit replay all feed
// the same function, so they cannot disagree about the arithmetic.
import { DateTime } from 'luxon';
import { isoDateOf, monthBounds, ZONE } from '../../shared/calendar.js';
import { agreementForMonth, type AgreementVersion, type ClusterState, ownershipPeriods, RENEWABLE_SOURCES } from '../../clusters/domain/registry.js';
import { DomainError } from '../../shared/domain-error.js';
import { deepFreeze } from '../../shared/deep-freeze.js';
import type { ActiveContract } from './engine/allocate.js';
import { allocateMonth, type IntervalView, MEMBER_TOTAL_FIELDS, type MemberTotalField, type MonthAllocation } from './engine/allocate-month.js';
import { buildStatements, type ClusterMonth, type ContractTerms, type EnergyTotals, type MemberStatement, MonthAccumulator } from './engine/statement.js';
import type { MeterDayValues } from '../../metering/domain/meter-day-values.js';
import { MonthFlowsBuilder, type OwnershipPeriod } from './month-flows.js';
import { type Transfer, TransferAccumulator } from './engine/transfers.js';
import { DayDetails, type MemberDayDetail } from './day-details.js';

export type { MemberDayDetail } from './day-details.js';

/** A pass beside the engine over the same readings, plugged in by another module (see month-extension.ts). */
export interface MonthPassContext {
  month: string;
  start: Date;
  end: Date;
  /** Electricity PPE owned in the month, with the renewable flag. */
  periods: readonly OwnershipPeriod[];
  members: string[];
}

export interface MonthPass {
  addDay(day: MeterDayValues): void;
  /** After the statements: its result (stored, frozen in the close); it may add information to the statements. */
  finish(statements: MemberStatement[]): Record<string, unknown>;
}

export type MonthPassFactory = (context: MonthPassContext) => MonthPass;

/** PPE whose quarter-hours were, in part, divided from hourly values (quality hourly_split). */
export interface HourlyNote {
  ppeSettledFromHourlyData?: { ppeCode: string; quarterHours: number }[];
}

export interface MonthCalculation {
  month: string;
  agreement: AgreementVersion;
  statements: MemberStatement[];
  cluster: ClusterMonth;
  /** What a plugged-in pass computed beside the statements (the support ledger), and the pass. */
  extension?: { result: Record<string, unknown>; pass: MonthPass };
  /** The transfer matrix, when asked for. */
  transfers?: Transfer[];
  /** What each day gave before pricing: summed, the days give the month exactly (a late day is computed alone). */
  days: DayPart[];
}

/**
 * What a run of intervals gives before pricing, per member index-aligned with the month's
 * memberIds: whole Wh, so the parts of the days sum to the month's exactly, and a month
 * whose one day changed is the stored days with that day computed again.
 */
export interface SettlementPart {
  totals: Record<MemberTotalField, number[]>;
  /** Each contract's totals, in the order the contracts were first in force (the statements list them so). */
  contracts: [string, { contractedWh: number; deliveredWh: number; shortfallWh: number }][];
  renewableExportWh: number[];
  /** Quarter-hours divided from hourly values, by PPE. */
  hourlyQuarterHours: [string, number][];
}

export interface DayPart {
  /** The Warsaw day, YYYY-MM-DD. */
  day: string;
  /** The month's active members (activeMembers), in the order of the part's arrays. */
  memberIds: string[];
  part: SettlementPart;
}

/** What a calculation computes beside the statements (each costs a pass of its own). */
export interface CalculationExtras {
  /** A pass beside the engine over the same readings (see month-extension.ts). */
  pass?: MonthPassFactory;
  /** Compute the transfer matrix. */
  transfers?: boolean;
}

/** Contracts in force in an interval, in the order they are served. */
export type ContractsAt = (intervalStart: Date) => ActiveContract[];

const NO_CONTRACTS: { terms: ContractTerms[]; at: ContractsAt } = { terms: [], at: () => [] };

/** Members who belong to the cluster on at least one day of the month. */
export function activeMembers(state: ClusterState, month: string): string[] {
  const first = `${month}-01`;
  const last = isoDateOf(DateTime.fromISO(first).endOf('month'));
  return Object.values(state.members)
    .filter((m) => m.admittedOn <= last && (m.withdrawnOn === null || m.withdrawnOn > first))
    .map((m) => m.memberId)
    .sort();
}

/**
 * Meter days may come in pages (an async iterable of arrays), so a month of 10,000 PPE
 * never sits in memory as rows; per-interval detail goes out a day at a time to onDay.
 * The inputs are calculateDays'; the month is its days priced together.
 */
export async function calculateMonth(...inputs: Parameters<typeof calculateDays>): Promise<MonthCalculation> {
  const [state, month, , contracts = NO_CONTRACTS] = inputs;
  const computed = await calculateDays(...inputs);
  const { agreement, memberIds, periods, days: dayParts, transfers, pass } = computed;
  const { statements, cluster } = settleParts(
    state,
    agreement,
    memberIds,
    periods,
    sumParts(
      dayParts.map((d) => d.part),
      memberIds.length,
    ),
    contracts.terms,
  );
  const calculation: MonthCalculation = { month, agreement, statements, cluster, days: dayParts };
  if (transfers) calculation.transfers = transfers;
  if (pass) calculation.extension = { result: pass.finish(statements), pass };
  return calculation;
}

/**
 * What each day of the range gives before pricing (and the transfer matrix, the detail and
 * the plugged-in pass's sums, when asked for), with no statements: a late day needs only
 * its part, summed with the stored days' (settleDays) into the month's statements.
 */
export async function calculateDays(
  state: ClusterState,
  month: string,
  meterDays: Iterable<MeterDayValues> | AsyncIterable<MeterDayValues[]>,
  contracts: { terms: ContractTerms[]; at: ContractsAt } = NO_CONTRACTS,
  onDay?: (details: MemberDayDetail[]) => void,
  /** Only the intervals in [start, end): interval detail of one day without the whole month. */
  range?: { start: Date; end: Date },
  extras: CalculationExtras = {},
): Promise<{ agreement: AgreementVersion; memberIds: string[]; periods: readonly OwnershipPeriod[]; days: DayPart[]; transfers?: Transfer[]; pass: MonthPass | null }> {
  const agreement = agreementForMonth(state, month);
  if (!agreement) throw DomainError.conflict(`No agreement version is in force for ${month}: add one before settling`);
  const bounds = monthBounds(month);
  const start = range ? new Date(Math.max(range.start.getTime(), bounds.start.getTime())) : bounds.start;
  const end = range ? new Date(Math.min(range.end.getTime(), bounds.end.getTime())) : bounds.end;
  // the month's periods (computed once a registry state), those of the range among them
  const periods = range ? electricityPeriods(state, bounds.start, bounds.end).filter((p) => p.fromUtc < end && (p.toUtc === null || p.toUtc > start)) : electricityPeriods(state, start, end);
  const members = activeMembers(state, month);
  const intervalMs = agreement.intervalMinutes * 60_000;
  const days = daysOf(start, end, intervalMs);
  const builder = new MonthFlowsBuilder(start, end, agreement.intervalMinutes, periods, members, days.intervalDay, days.list.length);
  const pass = extras.pass?.({ month, start, end, periods, members }) ?? null;
  // quarter-hours divided from hourly values, by day and PPE: the statements name those PPE
  const hourly = days.list.map(() => new Map<string, number>());
  const addDay = (day: MeterDayValues) => {
    builder.addDay(day);
    pass?.addDay(day);
    if (!day.quality?.includes('h')) return;
    const stepMs = day.intervalMinutes * 60_000;
    for (let j = 0; j < day.quality.length; j++) {
      const t = day.dayStart.getTime() + j * stepMs;
      if (day.quality[j] !== 'h' || t < start.getTime() || t >= end.getTime()) continue;
      const counts = hourly[days.intervalDay[Math.floor((t - start.getTime()) / intervalMs)] ?? -1];
      if (counts) counts.set(day.ppeCode, (counts.get(day.ppeCode) ?? 0) + 1);
    }
  };
  if (Symbol.asyncIterator in meterDays) {
    for await (const page of meterDays) for (const day of page) addDay(day);
  } else {
    for (const day of meterDays) addDay(day);
  }
  const flows = builder.build();
  const contractsAt = (i: number) => {
    const at = flows.intervalStarts[i];
    return at ? contracts.at(at) : []; // i is an interval of the month: always there
  };
  const detail = onDay ? new DayDetails(flows, agreement.intervalMinutes, onDay) : null;
  // the transfer matrix: a pass of its own over each interval's pool and contract deliveries
  const transfers = extras.transfers ? new TransferAccumulator(flows.memberIds) : null;
  const onInterval =
    detail || transfers
      ? (view: IntervalView) => {
          detail?.add(view);
          transfers?.addView(flows.memberIds, view, contractsAt(view.interval));
        }
      : undefined;
  // the engine a day at a time over that day's run of intervals (flows are [interval × member]):
  // each day's part is kept, and the month is their sum
  const n = flows.memberIds.length;
  const dayParts: DayPart[] = days.list.map(({ day, from, to }, d) => {
    const allocation = allocateMonth(
      { memberIds: flows.memberIds, intervalCount: to - from, exportWh: flows.exportWh.subarray(from * n, to * n), importWh: flows.importWh.subarray(from * n, to * n) },
      { ownNetting: agreement.ownNetting, allocation: agreement.allocation, contractsAt: (i) => contractsAt(from + i) },
      onInterval &&
        ((view) => {
          view.interval += from; // the month's interval, as the detail and the matrix index them
          onInterval(view);
        }),
    );
    const renewable = Array.from(flows.renewableExportWhByDay.subarray(d * n, (d + 1) * n));
    return { day, memberIds: flows.memberIds, part: partOf(allocation, renewable, hourly[d] ?? new Map<string, number>()) };
  });
  detail?.flush();
  return { agreement, memberIds: flows.memberIds, periods, days: dayParts, ...(transfers ? { transfers: transfers.transfers() } : {}), pass };
}

/** Each frozen registry state's periods by range: a late day asks for them twice, for 10,000 PPE. */
const periodsOfFrozenState = new WeakMap<ClusterState, Map<string, readonly OwnershipPeriod[]>>();

/** Electricity PPE owned in [start, end), by ownership period, with the renewable flag. */
export function electricityPeriods(state: ClusterState, start: Date, end: Date): readonly OwnershipPeriod[] {
  // a frozen state never changes, so its periods are computed once (a state being folded is not kept)
  if (!Object.isFrozen(state)) return computeElectricityPeriods(state, start, end);
  const key = `${String(start.getTime())}|${String(end.getTime())}`;
  let byRange = periodsOfFrozenState.get(state);
  if (!byRange) periodsOfFrozenState.set(state, (byRange = new Map<string, readonly OwnershipPeriod[]>()));
  let periods = byRange.get(key);
  if (!periods) byRange.set(key, (periods = deepFreeze(computeElectricityPeriods(state, start, end))));
  return periods;
}

function computeElectricityPeriods(state: ClusterState, start: Date, end: Date): OwnershipPeriod[] {
  const periods: OwnershipPeriod[] = [];
  for (const point of Object.values(state.points)) {
    if (point.carrier !== 'electricity') continue;
    for (const p of ownershipPeriods(state, point.ppeCode)) {
      if (p.fromUtc >= end || (p.toUtc !== null && p.toUtc <= start)) continue;
      periods.push({ ...p, renewable: point.source !== null && RENEWABLE_SOURCES.includes(point.source) });
    }
  }
  return periods;
}

/** The Warsaw days in [start, end), each with its run of intervals [from, to), and the day of each interval. */
function daysOf(start: Date, end: Date, intervalMs: number): { list: { day: string; from: number; to: number }[]; intervalDay: Int32Array } {
  const spanMs = end.getTime() - start.getTime();
  if (spanMs % intervalMs !== 0) throw new Error(`the range is not a whole number of ${String(intervalMs / 60_000)}-minute intervals`);
  const count = spanMs / intervalMs;
  const intervalDay = new Int32Array(count);
  const list: { day: string; from: number; to: number }[] = [];
  let nextDayMs = -Infinity; // the next Warsaw midnight: the calendar is asked once a day, not once an interval
  for (let i = 0; i < count; i++) {
    const t = start.getTime() + i * intervalMs;
    const last = list[list.length - 1];
    if (last && t < nextDayMs) last.to = i + 1;
    else {
      const at = DateTime.fromMillis(t, { zone: ZONE });
      list.push({ day: isoDateOf(at), from: i, to: i + 1 });
      nextDayMs = at.startOf('day').plus({ days: 1 }).toMillis();
    }
    intervalDay[i] = list.length - 1;
  }
  return { list, intervalDay };
}

function partOf(allocation: MonthAllocation, renewableExportWh: number[], hourly: Map<string, number>): SettlementPart {
  const totals = Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, Array.from(allocation.totals[f])])) as Record<MemberTotalField, number[]>;
  return { totals, contracts: [...allocation.contracts].map(([id, t]) => [id, { ...t }]), renewableExportWh, hourlyQuarterHours: [...hourly] };
}

/** The parts summed, in the order given (contracts keep the order they first appear in). */
export function sumParts(parts: SettlementPart[], memberCount: number): SettlementPart {
  const totals = Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, new Array<number>(memberCount).fill(0)])) as Record<MemberTotalField, number[]>;
  const renewableExportWh = new Array<number>(memberCount).fill(0);
  const contracts = new Map<string, { contractedWh: number; deliveredWh: number; shortfallWh: number }>();
  const hourly = new Map<string, number>();
  const add = (into: number[], from: number[], what: string) => {
    if (from.length !== memberCount) throw new Error(`a part's ${what} has ${String(from.length)} members, the month ${String(memberCount)}`);
    for (let m = 0; m < memberCount; m++) into[m] = (into[m] ?? 0) + (from[m] ?? 0);
  };
  for (const part of parts) {
    for (const f of MEMBER_TOTAL_FIELDS) add(totals[f], part.totals[f], f);
    add(renewableExportWh, part.renewableExportWh, 'renewableExportWh');
    for (const [id, t] of part.contracts) {
      const sums = contracts.get(id) ?? { contractedWh: 0, deliveredWh: 0, shortfallWh: 0 };
      contracts.set(id, { contractedWh: sums.contractedWh + t.contractedWh, deliveredWh: sums.deliveredWh + t.deliveredWh, shortfallWh: sums.shortfallWh + t.shortfallWh });
    }
    for (const [ppeCode, quarterHours] of part.hourlyQuarterHours) hourly.set(ppeCode, (hourly.get(ppeCode) ?? 0) + quarterHours);
  }
  for (const f of MEMBER_TOTAL_FIELDS) if (!totals[f].every(Number.isSafeInteger)) throw new Error(`${f} of a member passes 2^53 Wh in a month`);
  return { totals, contracts: [...contracts], renewableExportWh, hourlyQuarterHours: [...hourly] };
}

/** The statements of the month from its summed part: prices, fees, KPIs and the notes on hourly data. */
export function settleParts(
  state: ClusterState,
  agreement: AgreementVersion,
  memberIds: readonly string[],
  periods: readonly OwnershipPeriod[],
  part: SettlementPart,
  terms: ContractTerms[],
): { statements: MemberStatement[]; cluster: ClusterMonth } {
  const accumulator = new MonthAccumulator([]);
  memberIds.forEach((memberId, m) => {
    accumulator.members.set(memberId, Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, part.totals[f][m] ?? 0])) as EnergyTotals);
  });
  for (const [contractId, totals] of part.contracts) accumulator.contracts.set(contractId, { ...totals });
  const vatPayers = new Set(
    Object.values(state.members)
      .filter((m) => m.vatPayer)
      .map((m) => m.memberId),
  );
  const renewable = new Map(memberIds.map((memberId, m) => [memberId, part.renewableExportWh[m] ?? 0]));
  const { members: statements, cluster } = buildStatements(accumulator, { ...agreement }, terms, renewable, vatPayers);
  // Only when there are some: statements closed before this was shown stay equal to a replay.
  const hourly = part.hourlyQuarterHours.filter(([, quarterHours]) => quarterHours > 0);
  if (hourly.length > 0) {
    const notes = hourly.map(([ppeCode, quarterHours]) => ({ ppeCode, quarterHours })).sort((a, b) => (a.ppeCode < b.ppeCode ? -1 : a.ppeCode > b.ppeCode ? 1 : 0));
    (cluster as ClusterMonth & HourlyNote).ppeSettledFromHourlyData = notes;
    for (const statement of statements) {
      const own = notes.filter(({ ppeCode }) => periods.some((p) => p.ppeCode === ppeCode && p.memberId === statement.memberId));
      if (own.length > 0) (statement as MemberStatement & HourlyNote).ppeSettledFromHourlyData = own.map((note) => ({ ...note }));
    }
  }
  return { statements, cluster };
}

/**
 * The month from the parts of its days (stored ones, some computed again): what
 * calculateMonth gives for the same inputs, as the month is the sum of its days. Null when
 * the parts are not one for each day of the month with the month's members (then the
 * month is computed whole).
 */
export function settleDays(state: ClusterState, month: string, days: DayPart[], terms: ContractTerms[]): { agreement: AgreementVersion; statements: MemberStatement[]; cluster: ClusterMonth } | null {
  const agreement = agreementForMonth(state, month);
  if (!agreement) throw DomainError.conflict(`No agreement version is in force for ${month}: add one before settling`);
  const bounds = monthBounds(month);
  const expected = daysOf(bounds.start, bounds.end, agreement.intervalMinutes * 60_000).list;
  const members = [...activeMembers(state, month)].sort(); // as MonthFlowsBuilder orders them
  const sameMembers = (ids: string[]) => ids.length === members.length && ids.every((id, i) => id === members[i]);
  if (days.length !== expected.length || days.some((d, i) => d.day !== expected[i]?.day || !sameMembers(d.memberIds))) return null;
  const part = sumParts(
    days.map((d) => d.part),
    members.length,
  );
  return { agreement, ...settleParts(state, agreement, members, electricityPeriods(state, bounds.start, bounds.end), part, terms) };
}
