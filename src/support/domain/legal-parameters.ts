// Dated legal parameters of the cluster support (RES act, clusters entered in the URE
// register): fee rates, discount brackets, thresholds. One global stream,
// `legal-parameters`; each event sets one kind of parameter from a date. The entry in
// force on a date is the one with the latest validFrom on or before it; a second event
// with the same validFrom replaces the first (a correction, like any other). The defaults
// below are the state before any event. Pure.
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import type { Decider } from '../../shared/decider.js';

export const LEGAL_PARAMETERS_STREAM = 'legal-parameters';

export interface FeeRates {
  validFrom: string;
  /** opłata OZE, grosze per MWh (3.50 zł/MWh = 350). */
  ozeGroszePerMwh: number;
  /** opłata kogeneracyjna, grosze per MWh. */
  cogenerationGroszePerMwh: number;
  basis: string;
}

export interface DiscountBracket {
  /** The bracket applies to a self-consumption share (ΣM / ΣI) above this. */
  fromSelfConsumptionBp: number;
  /** Discount on the variable network rate and the quality fee; null: set by the DSO's tariff, not by the act. */
  discountBp: number | null;
}

export interface DiscountBrackets {
  validFrom: string;
  brackets: DiscountBracket[];
  basis: string;
}

export interface Thresholds {
  validFrom: string;
  /** Least share of the cluster's generation from renewable sources (ΣEres / ΣE). */
  renewableShareBp: number;
  /** Self-consumption (ΣM / ΣI) above which (strictly) the network discount applies. */
  selfConsumptionBp: number;
  basis: string;
}

export interface SupportPeriod {
  validFrom: string;
  /** First day of the support: hours before it are in the ledger but exempt nothing. */
  supportFrom: string;
  /** Last day of the support (inclusive). */
  supportTo: string;
  basis: string;
}

export interface LegalParametersState {
  version: number;
  feeRates: FeeRates[];
  discountBrackets: DiscountBrackets[];
  thresholds: Thresholds[];
  supportPeriods: SupportPeriod[];
}

export type LegalParameterKind = 'feeRates' | 'discountBrackets' | 'thresholds' | 'supportPeriod';

export type LegalParametersEvent =
  | { type: 'FeeRatesSet'; data: FeeRates & { reason: string } }
  | { type: 'DiscountBracketsSet'; data: DiscountBrackets & { reason: string } }
  | { type: 'ThresholdsSet'; data: Thresholds & { reason: string } }
  | { type: 'SupportPeriodSet'; data: SupportPeriod & { reason: string } };

export const LEGAL_PARAMETER_EVENT_TYPES = ['FeeRatesSet', 'DiscountBracketsSet', 'ThresholdsSet', 'SupportPeriodSet'];

const CHECK = "not confirmed in the act's text: the coordinator must check it";

/**
 * What ships. Fee rates: opłata OZE 0 zł/MWh in 2024, 3.50 zł/MWh from 2025-01-01 (URE
 * notice, ure.gov.pl), 7.30 zł/MWh from 2026-01-01 (press on the URE notice of November
 * 2025); opłata kogeneracyjna 6.18 zł/MWh in 2024, 3.00 zł/MWh in 2025 and 2026
 * (regulations of the minister under art. 64(4) of the CHP act, as the press reported
 * them). Thresholds: 30% renewable share of generation, 50% from 2027-01-01, and 60%
 * self-consumption for the network discount, as issue 22 states them. The support runs
 * 2024-07-02 to 2029-12-31 (issue 22). The discount itself is the DSO's: no rate ships.
 */
export function defaultLegalParameters(): LegalParametersState {
  return {
    version: -1,
    feeRates: [
      {
        validFrom: '2024-01-01',
        ozeGroszePerMwh: 0,
        cogenerationGroszePerMwh: 618,
        basis: `default: opłata OZE 0 zł/MWh (URE), opłata kogeneracyjna 6.18 zł/MWh for 2024 (regulation of 20 October 2023, as reported); ${CHECK}`,
      },
      {
        validFrom: '2025-01-01',
        ozeGroszePerMwh: 350,
        cogenerationGroszePerMwh: 300,
        basis: `default: opłata OZE 3.50 zł/MWh (URE notice for 2025), opłata kogeneracyjna 3.00 zł/MWh for 2025 (as reported); ${CHECK}`,
      },
      {
        validFrom: '2026-01-01',
        ozeGroszePerMwh: 730,
        cogenerationGroszePerMwh: 300,
        basis: `default: opłata OZE 7.30 zł/MWh for 2026 (URE, as reported in November 2025), opłata kogeneracyjna 3.00 zł/MWh for 2026 (regulation of 28 November 2025, as reported); ${CHECK}`,
      },
    ],
    discountBrackets: [
      {
        validFrom: '2024-07-02',
        brackets: [{ fromSelfConsumptionBp: 6000, discountBp: null }],
        basis: `default: above 60% self-consumption the variable network rate and the quality fee are discounted by the DSO (issue 22); the rate is not set here; ${CHECK}`,
      },
    ],
    thresholds: [
      {
        validFrom: '2024-07-02',
        renewableShareBp: 3000,
        selfConsumptionBp: 6000,
        basis: `default: at least 30% renewable share of generation, 60% self-consumption for the discount (issue 22); ${CHECK}`,
      },
      { validFrom: '2027-01-01', renewableShareBp: 5000, selfConsumptionBp: 6000, basis: `default: at least 50% renewable share of generation from 2027-01-01 (issue 22); ${CHECK}` },
    ],
    supportPeriods: [{ validFrom: '2024-07-02', supportFrom: '2024-07-02', supportTo: '2029-12-31', basis: `default: hourly support from 2 July 2024 to 31 December 2029 (issue 22); ${CHECK}` }],
  };
}

/** The one entry in force on a date (YYYY-MM-DD), or undefined before the first. */
export function inForce<T extends { validFrom: string }>(entries: T[], date: string): T | undefined {
  let found: T | undefined;
  for (const e of entries) if (e.validFrom <= date && (!found || e.validFrom >= found.validFrom)) found = e;
  return found;
}

function put<T extends { validFrom: string }>(entries: T[], entry: T): T[] {
  return [...entries.filter((e) => e.validFrom !== entry.validFrom), entry].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
}

export function evolveLegalParameters(state: LegalParametersState, event: LegalParametersEvent): LegalParametersState {
  // the state keeps the values and their basis; why each was recorded stays in the event
  const data: Record<string, unknown> = { ...(event.data as unknown as Record<string, unknown>) };
  delete data.reason;
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'FeeRatesSet':
      return { ...next, feeRates: put(state.feeRates, data as unknown as FeeRates) };
    case 'DiscountBracketsSet':
      return { ...next, discountBrackets: put(state.discountBrackets, data as unknown as DiscountBrackets) };
    case 'ThresholdsSet':
      return { ...next, thresholds: put(state.thresholds, data as unknown as Thresholds) };
    case 'SupportPeriodSet':
      return { ...next, supportPeriods: put(state.supportPeriods, data as unknown as SupportPeriod) };
    default:
      return state;
  }
}

export type LegalParametersCommand =
  | { type: 'SetFeeRates'; validFrom: string; ozeGroszePerMwh: number; cogenerationGroszePerMwh: number; basis: string; reason: string }
  | { type: 'SetDiscountBrackets'; validFrom: string; brackets: DiscountBracket[]; basis: string; reason: string }
  | { type: 'SetThresholds'; validFrom: string; renewableShareBp: number; selfConsumptionBp: number; basis: string; reason: string }
  | { type: 'SetSupportPeriod'; validFrom: string; supportFrom: string; supportTo: string; basis: string; reason: string };

const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const isBp = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 10_000;
const isRate = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 100_000_000;
const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

export const legalParametersDecider: Decider<LegalParametersCommand, LegalParametersEvent, LegalParametersState> = {
  initialState: defaultLegalParameters,
  evolve: evolveLegalParameters,
  decide(command: LegalParametersCommand): LegalParametersEvent[] {
    const errors: FieldError[] = [];
    if (!isDate(command.validFrom)) errors.push({ field: 'validFrom', reason: 'must be a date YYYY-MM-DD' });
    if (!isText(command.reason, 1000)) errors.push({ field: 'reason', reason: 'is required (1 to 1000 characters): a change of the law is a correction like any other' });
    if (!isText(command.basis, 1000)) errors.push({ field: 'basis', reason: 'is required (1 to 1000 characters): the act, regulation or notice the value comes from' });
    switch (command.type) {
      case 'SetFeeRates':
        if (!isRate(command.ozeGroszePerMwh)) errors.push({ field: 'ozeGroszePerMwh', reason: 'must be a whole number of grosze per MWh, 0 to 100000000' });
        if (!isRate(command.cogenerationGroszePerMwh)) errors.push({ field: 'cogenerationGroszePerMwh', reason: 'must be a whole number of grosze per MWh, 0 to 100000000' });
        break;
      case 'SetThresholds':
        if (!isBp(command.renewableShareBp)) errors.push({ field: 'renewableShareBp', reason: 'must be whole basis points, 0 to 10000' });
        if (!isBp(command.selfConsumptionBp)) errors.push({ field: 'selfConsumptionBp', reason: 'must be whole basis points, 0 to 10000' });
        break;
      case 'SetDiscountBrackets':
        if (!Array.isArray(command.brackets) || command.brackets.length === 0 || command.brackets.length > 20) {
          errors.push({ field: 'brackets', reason: 'must be a list of 1 to 20 brackets' });
          break;
        }
        command.brackets.forEach((b, i) => {
          // a body may hold anything where a bracket belongs
          const bracket = b as DiscountBracket | null | undefined;
          const from = bracket?.fromSelfConsumptionBp;
          if (!isBp(from)) errors.push({ field: `brackets[${String(i)}].fromSelfConsumptionBp`, reason: 'must be whole basis points, 0 to 10000' });
          if (bracket?.discountBp !== null && !isBp(bracket?.discountBp))
            errors.push({ field: `brackets[${String(i)}].discountBp`, reason: 'must be whole basis points, 0 to 10000, or null (set by the DSO)' });
          if (i > 0 && isBp(from) && from <= (command.brackets[i - 1]?.fromSelfConsumptionBp ?? -1))
            errors.push({ field: `brackets[${String(i)}].fromSelfConsumptionBp`, reason: 'brackets must rise' });
        });
        break;
      case 'SetSupportPeriod':
        if (!isDate(command.supportFrom)) errors.push({ field: 'supportFrom', reason: 'must be a date YYYY-MM-DD' });
        if (!isDate(command.supportTo)) errors.push({ field: 'supportTo', reason: 'must be a date YYYY-MM-DD' });
        if (isDate(command.supportFrom) && isDate(command.supportTo) && command.supportTo < command.supportFrom) errors.push({ field: 'supportTo', reason: 'must not be before supportFrom' });
        break;
    }
    if (errors.length > 0) throw DomainError.validation(errors);
    const { validFrom, basis, reason } = command;
    switch (command.type) {
      case 'SetFeeRates':
        return [{ type: 'FeeRatesSet', data: { validFrom, ozeGroszePerMwh: command.ozeGroszePerMwh, cogenerationGroszePerMwh: command.cogenerationGroszePerMwh, basis, reason } }];
      case 'SetDiscountBrackets':
        return [
          { type: 'DiscountBracketsSet', data: { validFrom, brackets: command.brackets.map((b) => ({ fromSelfConsumptionBp: b.fromSelfConsumptionBp, discountBp: b.discountBp })), basis, reason } },
        ];
      case 'SetThresholds':
        return [{ type: 'ThresholdsSet', data: { validFrom, renewableShareBp: command.renewableShareBp, selfConsumptionBp: command.selfConsumptionBp, basis, reason } }];
      case 'SetSupportPeriod':
        return [{ type: 'SupportPeriodSet', data: { validFrom, supportFrom: command.supportFrom, supportTo: command.supportTo, basis, reason } }];
    }
  },
};

/** The parameters in force over a month (every entry valid on one of its days), to freeze with its ledger. */
export function parametersForMonth(state: LegalParametersState, month: string, days: string[]) {
  const pick = <T extends { validFrom: string }>(entries: T[]) => {
    const used = new Map<string, T>();
    for (const day of days) {
      const e = inForce(entries, day);
      if (e) used.set(e.validFrom, e);
    }
    return [...used.values()];
  };
  return {
    month,
    version: state.version,
    feeRates: pick(state.feeRates),
    discountBrackets: pick(state.discountBrackets),
    thresholds: pick(state.thresholds),
    supportPeriods: pick(state.supportPeriods),
  };
}
