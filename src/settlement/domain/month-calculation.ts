// One cluster month from its inputs: the registry state, the meter days and the
// contracts. Pure: the live projection, the as-of query and the audit replay all feed
// the same function, so they cannot disagree about the arithmetic.
import { DateTime } from 'luxon';
import { isoDateOf, monthBounds } from '../../shared/calendar.js';
import { agreementForMonth, type AgreementVersion, type ClusterState, ownershipPeriods, RENEWABLE_SOURCES } from '../../clusters/domain/registry.js';
import { DomainError } from '../../shared/domain-error.js';
import type { ActiveContract } from './engine/allocate.js';
import { allocateMonth, type IntervalView, MEMBER_TOTAL_FIELDS } from './engine/allocate-month.js';
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
  periods: OwnershipPeriod[];
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
 */
export async function calculateMonth(
  state: ClusterState,
  month: string,
  meterDays: Iterable<MeterDayValues> | AsyncIterable<MeterDayValues[]>,
  contracts: { terms: ContractTerms[]; at: ContractsAt } = { terms: [], at: () => [] },
  onDay?: (details: MemberDayDetail[]) => void,
  /** Only the intervals in [start, end): interval detail of one day without the whole month. */
  range?: { start: Date; end: Date },
  extras: CalculationExtras = {},
): Promise<MonthCalculation> {
  const agreement = agreementForMonth(state, month);
  if (!agreement) throw DomainError.conflict(`No agreement version is in force for ${month}: add one before settling`);
  const bounds = monthBounds(month);
  const start = range ? new Date(Math.max(range.start.getTime(), bounds.start.getTime())) : bounds.start;
  const end = range ? new Date(Math.min(range.end.getTime(), bounds.end.getTime())) : bounds.end;
  const periods: OwnershipPeriod[] = [];
  for (const point of Object.values(state.points)) {
    if (point.carrier !== 'electricity') continue;
    for (const p of ownershipPeriods(state, point.ppeCode)) {
      if (p.fromUtc >= end || (p.toUtc !== null && p.toUtc <= start)) continue;
      periods.push({ ...p, renewable: point.source !== null && RENEWABLE_SOURCES.includes(point.source) });
    }
  }
  const members = activeMembers(state, month);
  const builder = new MonthFlowsBuilder(start, end, agreement.intervalMinutes, periods, members);
  const pass = extras.pass?.({ month, start, end, periods, members }) ?? null;
  // quarter-hours divided from hourly values, by PPE: the statements name those PPE
  const hourly = new Map<string, number>();
  const addDay = (day: MeterDayValues) => {
    builder.addDay(day);
    pass?.addDay(day);
    if (!day.quality?.includes('h')) return;
    const stepMs = day.intervalMinutes * 60_000;
    let count = 0;
    for (let j = 0; j < day.quality.length; j++) {
      const t = day.dayStart.getTime() + j * stepMs;
      if (day.quality[j] === 'h' && t >= start.getTime() && t < end.getTime()) count++;
    }
    if (count > 0) hourly.set(day.ppeCode, (hourly.get(day.ppeCode) ?? 0) + count);
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
  const allocation = allocateMonth(
    { memberIds: flows.memberIds, intervalCount: flows.intervalStarts.length, exportWh: flows.exportWh, importWh: flows.importWh },
    { ownNetting: agreement.ownNetting, allocation: agreement.allocation, contractsAt },
    onInterval,
  );
  detail?.flush();
  const accumulator = new MonthAccumulator([]);
  flows.memberIds.forEach((memberId, m) => {
    accumulator.members.set(memberId, Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, allocation.totals[f][m] ?? 0])) as EnergyTotals);
  });
  for (const [contractId, totals] of allocation.contracts) accumulator.contracts.set(contractId, totals);
  const vatPayers = new Set(
    Object.values(state.members)
      .filter((m) => m.vatPayer)
      .map((m) => m.memberId),
  );
  const { members: statements, cluster } = buildStatements(accumulator, { ...agreement }, contracts.terms, flows.renewableExportWh, vatPayers);
  // Only when there are some: statements closed before this was shown stay equal to a replay.
  if (hourly.size > 0) {
    const notes = [...hourly].map(([ppeCode, quarterHours]) => ({ ppeCode, quarterHours })).sort((a, b) => (a.ppeCode < b.ppeCode ? -1 : a.ppeCode > b.ppeCode ? 1 : 0));
    (cluster as ClusterMonth & HourlyNote).ppeSettledFromHourlyData = notes;
    for (const statement of statements) {
      const own = notes.filter(({ ppeCode }) => periods.some((p) => p.ppeCode === ppeCode && p.memberId === statement.memberId));
      if (own.length > 0) (statement as MemberStatement & HourlyNote).ppeSettledFromHourlyData = own.map((note) => ({ ...note }));
    }
  }
  const calculation: MonthCalculation = { month, agreement, statements, cluster };
  if (transfers) calculation.transfers = transfers.transfers();
  if (pass) calculation.extension = { result: pass.finish(statements), pass };
  return calculation;
}
