// Bilateral contracts between members (the trading-{cluster} stream): a seller delivers a
// flat volume per settlement interval to a buyer at a price, inside a validity window and
// optionally only in local-time windows on working days (Monday to Friday, Polish public
// holidays excluded). Pure decider and queries.
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { isoDateOf, isValidDate, ZONE } from '../../shared/calendar.js';
import { type ClusterState, memberActiveOn, refuseClosedMonths } from '../../clusters/domain/registry.js';

export interface DeliveryWindow {
  /** Local time HH:MM from which the contract delivers (inclusive). */
  from: string;
  /** Local time HH:MM until which it delivers (exclusive); 24:00 for the end of the day. */
  to: string;
  workingDaysOnly: boolean;
}

export interface Contract {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  whPerInterval: number;
  priceGroszePerMwh: number;
  /** First day of delivery (Warsaw date). */
  validFrom: string;
  /** Last day of delivery, inclusive (Warsaw date). */
  validTo: string;
  window: DeliveryWindow | null;
  signedAt: string;
  terminatedFrom: string | null;
}

export interface TradingState {
  contracts: Record<string, Contract>;
}

export const initialTradingState = (): TradingState => ({ contracts: {} });

export type TradingCommand =
  | { type: 'SignContract'; contract: Omit<Contract, 'terminatedFrom'>; registry: ClusterState; closedMonths?: string[] }
  | { type: 'TerminateContract'; contractId: string; effectiveFrom: string; today: string };

export type TradingEvent =
  { type: 'BilateralContractSigned'; data: Omit<Contract, 'terminatedFrom'> } | { type: 'BilateralContractTerminated'; data: { contractId: string; effectiveFrom: string; validTo: string } };

export const TRADING_EVENT_TYPES = ['BilateralContractSigned', 'BilateralContractTerminated'];

export function tradingStreamId(clusterId: string): string {
  return `trading-${clusterId}`;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = DateTime.fromISO(from); isoDateOf(d) <= to && days.length <= 3700; d = d.plus({ days: 1 })) days.push(isoDateOf(d));
  return days;
}

export function decideTrading(command: TradingCommand, state: TradingState): TradingEvent[] {
  if (command.type === 'SignContract') {
    const c = command.contract;
    const errors: FieldError[] = [];
    if (state.contracts[c.contractId]) throw DomainError.conflict(`Contract ${c.contractId} exists already`);
    if (c.sellerMemberId === c.buyerMemberId) errors.push({ field: 'buyerMemberId', reason: 'the buyer must be another member than the seller' });
    if (!Number.isSafeInteger(c.whPerInterval) || c.whPerInterval <= 0) errors.push({ field: 'whPerInterval', reason: 'must be a whole number of Wh above 0' });
    if (!Number.isSafeInteger(c.priceGroszePerMwh) || c.priceGroszePerMwh < 0) errors.push({ field: 'priceGroszePerMwh', reason: 'must be a whole number of grosze per MWh, 0 or more' });
    if (!isValidDate(c.validFrom)) errors.push({ field: 'validFrom', reason: 'must be a date YYYY-MM-DD' });
    if (!isValidDate(c.validTo)) errors.push({ field: 'validTo', reason: 'must be a date YYYY-MM-DD' });
    else if (isValidDate(c.validFrom) && c.validTo < c.validFrom) errors.push({ field: 'validTo', reason: 'must not be before validFrom' });
    if (c.window) {
      if (!TIME.test(c.window.from)) errors.push({ field: 'window.from', reason: 'must be a local time HH:MM' });
      if (!TIME.test(c.window.to)) errors.push({ field: 'window.to', reason: 'must be a local time HH:MM (24:00 for the end of the day)' });
      else if (TIME.test(c.window.from) && c.window.to <= c.window.from) errors.push({ field: 'window.to', reason: 'must be after window.from' });
    }
    // both members active for the whole validity
    if (errors.every((e) => !e.field.startsWith('valid'))) {
      for (const [field, memberId] of [
        ['sellerMemberId', c.sellerMemberId],
        ['buyerMemberId', c.buyerMemberId],
      ] as const) {
        const member = command.registry.members[memberId];
        if (!member) errors.push({ field, reason: `unknown member ${memberId}` });
        else if (!daysBetween(c.validFrom, c.validTo).every((d) => memberActiveOn(member, d))) {
          errors.push({ field, reason: `${member.legalName} is not a member for the whole validity (admitted ${member.admittedOn}${member.withdrawnOn ? `, withdrawn ${member.withdrawnOn}` : ''})` });
        }
      }
    }
    if (errors.length) throw DomainError.validation(errors);
    // a contract delivers from validFrom: it would change a closed month's allocation
    refuseClosedMonths(command.closedMonths, c.validFrom, 'a contract delivering');
    return [{ type: 'BilateralContractSigned', data: { ...c } }];
  }
  const contract = state.contracts[command.contractId];
  if (!contract) throw DomainError.notFound(`Contract ${command.contractId} not found`);
  if (contract.terminatedFrom) throw DomainError.conflict(`Contract ${command.contractId} is terminated already from ${contract.terminatedFrom}`);
  const errors: FieldError[] = [];
  if (!isValidDate(command.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'must be a date YYYY-MM-DD' });
  // what was delivered stays delivered: a termination only reaches forward
  else if (command.effectiveFrom < command.today) errors.push({ field: 'effectiveFrom', reason: `must be today (${command.today}) or later: a termination does not touch what was delivered` });
  else if (command.effectiveFrom > contract.validTo) errors.push({ field: 'effectiveFrom', reason: `the contract ends on ${contract.validTo} anyway` });
  if (errors.length) throw DomainError.validation(errors);
  return [{ type: 'BilateralContractTerminated', data: { contractId: command.contractId, effectiveFrom: command.effectiveFrom, validTo: contract.validTo } }];
}

export function evolveTrading(state: TradingState, event: TradingEvent): TradingState {
  if (event.type === 'BilateralContractSigned') state.contracts[event.data.contractId] = { ...event.data, terminatedFrom: null };
  else {
    const contract = state.contracts[event.data.contractId];
    if (!contract) throw new Error(`BilateralContractTerminated for an unknown contract ${event.data.contractId}`);
    state.contracts[event.data.contractId] = { ...contract, terminatedFrom: event.data.effectiveFrom };
  }
  return state;
}

export const tradingDecider = { initialState: initialTradingState, decide: decideTrading, evolve: evolveTrading };

/** Contracts in the order they are served: signing time, then id. */
export function contractsInOrder(state: TradingState): Contract[] {
  return Object.values(state.contracts).sort((a, b) => (a.signedAt === b.signedAt ? (a.contractId < b.contractId ? -1 : 1) : a.signedAt < b.signedAt ? -1 : 1));
}

const polishHolidays = new Holidays('PL');
const workingDays = new Map<string, boolean>();

/** Monday to Friday, and not a Polish public holiday (Wigilia included from 2025). */
export function isWorkingDay(date: string): boolean {
  let working = workingDays.get(date);
  if (working === undefined) {
    const weekday = DateTime.fromISO(date, { zone: ZONE }).weekday;
    // noon: the library reads the date in its own zone, and noon is that day in any
    const holiday = (polishHolidays.isHoliday(new Date(`${date}T12:00:00Z`)) || []).some((h) => h.type === 'public');
    working = weekday <= 5 && !holiday;
    if (workingDays.size > 10_000) workingDays.clear();
    workingDays.set(date, working);
  }
  return working;
}

/** The contracts delivering in the interval starting at an instant, in serving order. */
/** A contract in force in one interval, with the volume it contracts for that interval (the allocation engine's input). */
export interface ActiveContract {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  contractedWh: number;
}

export function contractsActiveAt(ordered: Contract[], intervalStart: Date): ActiveContract[] {
  const local = DateTime.fromJSDate(intervalStart, { zone: ZONE });
  const day = isoDateOf(local);
  const time = local.toFormat('HH:mm');
  const result: ActiveContract[] = [];
  for (const c of ordered) {
    if (day < c.validFrom || day > c.validTo) continue;
    if (c.terminatedFrom && day >= c.terminatedFrom) continue;
    if (c.window) {
      if (c.window.workingDaysOnly && !isWorkingDay(day)) continue;
      if (time < c.window.from || time >= c.window.to) continue;
    }
    result.push({ contractId: c.contractId, sellerMemberId: c.sellerMemberId, buyerMemberId: c.buyerMemberId, contractedWh: c.whPerInterval });
  }
  return result;
}

/** The Warsaw months a contract can deliver in (to mark their settlement for recomputation). */
export function contractMonths(c: Pick<Contract, 'validFrom' | 'validTo'>): string[] {
  const months: string[] = [];
  for (let m = DateTime.fromISO(c.validFrom).startOf('month'); isoDateOf(m) <= c.validTo && months.length < 240; m = m.plus({ months: 1 })) months.push(m.toFormat('yyyy-MM'));
  return months;
}
