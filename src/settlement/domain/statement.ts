// A member's monthly statement and the cluster's month (DOMAIN.md, "Monthly settlement of
// a member"): sum the Wh of the month's intervals first, then price once, rounding half up
// to the grosz. Pure: integer Wh and grosze only, no I/O.
//
// Sign: netAmountGrosze > 0 is what the member pays; < 0 is what the cluster owes it.
// VAT base: receivedValue + fees (the member buys energy and the coordinator's services);
// energy the member supplied is settled on a separate document, so it bears no VAT here.
import { applyBasisPoints, basisPoints, compareIds, priceWh } from '../../common/split.js';
import type { IntervalAllocationResult } from './allocation.js';

export interface AgreementTerms {
  version: number;
  /** YYYY-MM, the first month the version applies to */
  effectiveFrom: string;
  internalPriceGroszePerMwh: number;
  referenceGridPriceGroszePerMwh: number;
  feeGroszePerMwhReceived: number;
  feeGroszePerMwhSupplied: number;
  monthlyFeeGroszePerMember: number;
  vatRateBp: number;
}

export interface ContractTerms {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  priceGroszePerMwh: number;
}

export interface KpiThresholds {
  selfSufficiencyBp?: number;
  renewableShareBp?: number;
}

export const ENERGY_FIELDS = [
  'importWh', 'exportWh', 'selfConsumedWh', 'receivedWh', 'poolReceivedWh', 'contractReceivedWh',
  'suppliedWh', 'poolSuppliedWh', 'contractSuppliedWh', 'gridImportWh', 'gridExportWh',
] as const;
export type EnergyField = (typeof ENERGY_FIELDS)[number];
export type EnergyTotals = Record<EnergyField, number>;

export function zeroEnergy(): EnergyTotals {
  return Object.fromEntries(ENERGY_FIELDS.map((f) => [f, 0])) as EnergyTotals;
}

export interface ContractMonthTotals {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  contractedWh: number;
  deliveredWh: number;
  shortfallWh: number;
}

/** The Wh of one month, summed per member and per contract. */
export interface MonthEnergy {
  members: Map<string, EnergyTotals>;
  contracts: Map<string, ContractMonthTotals>;
}

export function emptyMonthEnergy(): MonthEnergy {
  return { members: new Map(), contracts: new Map() };
}

function assertSafeSum(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new Error(`${what} exceeds the safe integer range`);
  return value;
}

/** Adds one interval's allocation to the month (lets a caller stream intervals). */
export function addIntervalToMonth(month: MonthEnergy, interval: IntervalAllocationResult): void {
  for (const m of interval.members) {
    let totals = month.members.get(m.memberId);
    if (!totals) month.members.set(m.memberId, (totals = zeroEnergy()));
    for (const f of ENERGY_FIELDS) totals[f] = assertSafeSum(totals[f] + m[f], `${f} of ${m.memberId}`);
  }
  for (const c of interval.contracts) {
    let totals = month.contracts.get(c.contractId);
    if (!totals) {
      totals = { contractId: c.contractId, sellerMemberId: c.sellerMemberId, buyerMemberId: c.buyerMemberId, contractedWh: 0, deliveredWh: 0, shortfallWh: 0 };
      month.contracts.set(c.contractId, totals);
    }
    if (totals.sellerMemberId !== c.sellerMemberId || totals.buyerMemberId !== c.buyerMemberId) throw new Error(`contract ${c.contractId} changed parties within the month`);
    totals.contractedWh = assertSafeSum(totals.contractedWh + c.contractedWh, `contractedWh of ${c.contractId}`);
    totals.deliveredWh += c.deliveredWh;
    totals.shortfallWh += c.shortfallWh;
  }
}

export function sumMonth(intervals: Iterable<IntervalAllocationResult>): MonthEnergy {
  const month = emptyMonthEnergy();
  for (const interval of intervals) addIntervalToMonth(month, interval);
  return month;
}

export interface ContractLine {
  contractId: string;
  counterpartyMemberId: string;
  role: 'buyer' | 'seller';
  contractedWh: number;
  deliveredWh: number;
  shortfallWh: number;
  priceGroszePerMwh: number;
  /** deliveredWh priced once at the contract's price; the buyer's and the seller's lines agree. */
  valueGrosze: number;
}

export interface MemberStatement extends EnergyTotals {
  memberId: string;
  month: string;
  agreementVersion: number;
  poolReceivedValueGrosze: number;
  contractReceivedValueGrosze: number;
  receivedValueGrosze: number;
  poolSuppliedValueGrosze: number;
  contractSuppliedValueGrosze: number;
  suppliedValueGrosze: number;
  feeReceivedGrosze: number;
  feeSuppliedGrosze: number;
  monthlyFeeGrosze: number;
  feesGrosze: number;
  vatRateBp: number;
  /** VAT on receivedValueGrosze + feesGrosze */
  vatGrosze: number;
  /** receivedValue + fees + VAT − suppliedValue; positive: the member pays */
  netAmountGrosze: number;
  /** receivedWh at the reference grid price, minus receivedValueGrosze (negative if the cluster was dearer) */
  savingsGrosze: number;
  exportShareBp: number;
  importShareBp: number;
  suppliedShareBp: number;
  receivedShareBp: number;
  /** Contracts of the member active in at least one interval of the month, by contractId. */
  contracts: ContractLine[];
}

export interface Kpi {
  valueBp: number;
  /** null when no threshold is configured */
  thresholdBp: number | null;
  /** valueBp ≥ thresholdBp; null when no threshold is configured */
  met: boolean | null;
}

export interface ClusterMonthTotals extends EnergyTotals {
  month: string;
  agreementVersion: number;
  memberCount: number;
  renewableExportWh: number;
  /** (selfConsumed + received) / import of the members */
  selfSufficiency: Kpi;
  /** renewable export / export */
  renewableShare: Kpi;
  receivedValueGrosze: number;
  suppliedValueGrosze: number;
  feesGrosze: number;
  vatGrosze: number;
  netAmountGrosze: number;
  /**
   * Σ pool received value − Σ pool supplied value. The Wh match exactly, but each member's
   * value is rounded half up on its own, so the money may differ by under 1 grosz per member;
   * the ledger posts this difference (e.g. to a rounding account).
   */
  poolRoundingGrosze: number;
}

export interface MonthSettlement {
  members: MemberStatement[];
  cluster: ClusterMonthTotals;
}

export interface SettleMonthInput {
  /** YYYY-MM (Europe/Warsaw calendar month) */
  month: string;
  terms: AgreementTerms;
  /** Terms of every contract that appears in the month's interval results (others are ignored). */
  contracts: readonly ContractTerms[];
  /** Every member active in the month gets a statement (and the monthly fee), even with no energy. */
  activeMemberIds: Iterable<string>;
  /** Renewable export per member; missing members count 0. */
  renewableExportWh?: ReadonlyMap<string, number>;
  thresholds?: KpiThresholds;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function assertAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, got ${value}`);
}

function kpi(valueBp: number, thresholdBp: number | undefined): Kpi {
  if (thresholdBp === undefined) return { valueBp, thresholdBp: null, met: null };
  assertAmount(thresholdBp, 'threshold');
  return { valueBp, thresholdBp, met: valueBp >= thresholdBp };
}

function selfSufficiencyBp(t: Pick<EnergyTotals, 'importWh' | 'selfConsumedWh' | 'receivedWh'>): number {
  return basisPoints(t.selfConsumedWh + t.receivedWh, t.importWh);
}

/** The statements of a month from its interval results (all members, all intervals). */
export function settleMonth(input: SettleMonthInput & { intervals: Iterable<IntervalAllocationResult> }): MonthSettlement {
  return settleMonthEnergy({ ...input, energy: sumMonth(input.intervals) });
}

/** As settleMonth, from Wh already summed with addIntervalToMonth (for streamed intervals). */
export function settleMonthEnergy(input: SettleMonthInput & { energy: MonthEnergy }): MonthSettlement {
  const { month, terms, energy } = input;
  if (!MONTH.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
  if (!MONTH.test(terms.effectiveFrom) || terms.effectiveFrom > month) throw new Error(`agreement version ${terms.version} (from ${terms.effectiveFrom}) does not apply to ${month}`);
  for (const f of ['internalPriceGroszePerMwh', 'referenceGridPriceGroszePerMwh', 'feeGroszePerMwhReceived', 'feeGroszePerMwhSupplied', 'monthlyFeeGroszePerMember', 'vatRateBp'] as const) {
    assertAmount(terms[f], f);
  }

  const active = [...new Set(input.activeMemberIds)].sort(compareIds);
  const activeSet = new Set(active);
  for (const id of energy.members.keys()) {
    if (!activeSet.has(id)) throw new Error(`member ${id} has energy in ${month} but is not active in the month`);
  }
  const renewable = input.renewableExportWh ?? new Map<string, number>();
  for (const [id, wh] of renewable) {
    assertAmount(wh, `renewableExportWh of ${id}`);
    if (!activeSet.has(id)) throw new Error(`renewable export given for ${id}, not active in ${month}`);
    if (wh > (energy.members.get(id)?.exportWh ?? 0)) throw new Error(`renewable export of ${id} exceeds its export`);
  }
  const termsById = new Map(input.contracts.map((c) => [c.contractId, c]));
  for (const c of energy.contracts.values()) {
    const t = termsById.get(c.contractId);
    if (!t) throw new Error(`no terms for contract ${c.contractId}`);
    if (t.sellerMemberId !== c.sellerMemberId || t.buyerMemberId !== c.buyerMemberId) throw new Error(`terms of contract ${c.contractId} name other parties than its deliveries`);
    assertAmount(t.priceGroszePerMwh, `priceGroszePerMwh of ${c.contractId}`);
  }
  const contractsInOrder = [...energy.contracts.values()].sort((a, b) => compareIds(a.contractId, b.contractId));

  const cluster = zeroEnergy();
  for (const id of active) {
    const totals = energy.members.get(id);
    if (totals) for (const f of ENERGY_FIELDS) cluster[f] = assertSafeSum(cluster[f] + totals[f], `cluster ${f}`);
  }
  if (cluster.receivedWh !== cluster.suppliedWh) throw new Error(`the month's received ${cluster.receivedWh} Wh differ from supplied ${cluster.suppliedWh} Wh`);

  const statements: MemberStatement[] = active.map((memberId) => {
    const totals = energy.members.get(memberId) ?? zeroEnergy();
    const contracts: ContractLine[] = [];
    for (const c of contractsInOrder) {
      const role = c.buyerMemberId === memberId ? 'buyer' : c.sellerMemberId === memberId ? 'seller' : null;
      if (!role) continue;
      const priceGroszePerMwh = termsById.get(c.contractId)!.priceGroszePerMwh;
      contracts.push({
        contractId: c.contractId, counterpartyMemberId: role === 'buyer' ? c.sellerMemberId : c.buyerMemberId, role,
        contractedWh: c.contractedWh, deliveredWh: c.deliveredWh, shortfallWh: c.shortfallWh,
        priceGroszePerMwh, valueGrosze: priceWh(c.deliveredWh, priceGroszePerMwh),
      });
    }
    const bought = contracts.filter((l) => l.role === 'buyer');
    const sold = contracts.filter((l) => l.role === 'seller');
    if (bought.reduce((a, l) => a + l.deliveredWh, 0) !== totals.contractReceivedWh || sold.reduce((a, l) => a + l.deliveredWh, 0) !== totals.contractSuppliedWh) {
      throw new Error(`contract deliveries of ${memberId} do not match its contract Wh`);
    }

    const poolReceivedValueGrosze = priceWh(totals.poolReceivedWh, terms.internalPriceGroszePerMwh);
    const contractReceivedValueGrosze = bought.reduce((a, l) => a + l.valueGrosze, 0);
    const receivedValueGrosze = poolReceivedValueGrosze + contractReceivedValueGrosze;
    const poolSuppliedValueGrosze = priceWh(totals.poolSuppliedWh, terms.internalPriceGroszePerMwh);
    const contractSuppliedValueGrosze = sold.reduce((a, l) => a + l.valueGrosze, 0);
    const suppliedValueGrosze = poolSuppliedValueGrosze + contractSuppliedValueGrosze;
    const feeReceivedGrosze = priceWh(totals.receivedWh, terms.feeGroszePerMwhReceived);
    const feeSuppliedGrosze = priceWh(totals.suppliedWh, terms.feeGroszePerMwhSupplied);
    const feesGrosze = feeReceivedGrosze + feeSuppliedGrosze + terms.monthlyFeeGroszePerMember;
    const vatGrosze = applyBasisPoints(receivedValueGrosze + feesGrosze, terms.vatRateBp);
    return {
      memberId, month, agreementVersion: terms.version, ...totals,
      poolReceivedValueGrosze, contractReceivedValueGrosze, receivedValueGrosze,
      poolSuppliedValueGrosze, contractSuppliedValueGrosze, suppliedValueGrosze,
      feeReceivedGrosze, feeSuppliedGrosze, monthlyFeeGrosze: terms.monthlyFeeGroszePerMember, feesGrosze,
      vatRateBp: terms.vatRateBp, vatGrosze,
      netAmountGrosze: receivedValueGrosze + feesGrosze + vatGrosze - suppliedValueGrosze,
      savingsGrosze: priceWh(totals.receivedWh, terms.referenceGridPriceGroszePerMwh) - receivedValueGrosze,
      exportShareBp: basisPoints(totals.exportWh, cluster.exportWh),
      importShareBp: basisPoints(totals.importWh, cluster.importWh),
      suppliedShareBp: basisPoints(totals.suppliedWh, cluster.suppliedWh),
      receivedShareBp: basisPoints(totals.receivedWh, cluster.receivedWh),
      contracts,
    };
  });

  const total = (f: (s: MemberStatement) => number) => statements.reduce((a, s) => a + f(s), 0);
  const renewableExportWh = [...renewable.values()].reduce((a, b) => a + b, 0);
  return {
    members: statements,
    cluster: {
      month, agreementVersion: terms.version, memberCount: statements.length, ...cluster, renewableExportWh,
      selfSufficiency: kpi(selfSufficiencyBp(cluster), input.thresholds?.selfSufficiencyBp),
      renewableShare: kpi(basisPoints(renewableExportWh, cluster.exportWh), input.thresholds?.renewableShareBp),
      receivedValueGrosze: total((s) => s.receivedValueGrosze),
      suppliedValueGrosze: total((s) => s.suppliedValueGrosze),
      feesGrosze: total((s) => s.feesGrosze),
      vatGrosze: total((s) => s.vatGrosze),
      netAmountGrosze: total((s) => s.netAmountGrosze),
      poolRoundingGrosze: total((s) => s.poolReceivedValueGrosze) - total((s) => s.poolSuppliedValueGrosze),
    },
  };
}

/** What the trailing KPI needs from one month (a ClusterMonthTotals fits). */
export interface KpiMonth {
  month: string;
  importWh: number;
  exportWh: number;
  selfConsumedWh: number;
  receivedWh: number;
  renewableExportWh: number;
}

export interface TrailingKpis {
  fromMonth: string;
  toMonth: string;
  /** Months of the window found in the input, ascending */
  monthsIncluded: string[];
  /** Months of the window with no data (the KPI is then over fewer months) */
  monthsMissing: string[];
  importWh: number;
  exportWh: number;
  selfConsumedWh: number;
  receivedWh: number;
  renewableExportWh: number;
  selfSufficiency: Kpi;
  renewableShare: Kpi;
}

function addMonths(month: string, delta: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * KPIs over the 12 months ending with `toMonth` (inclusive): the Wh are summed over the
 * months first, then the ratio is taken once (not an average of monthly ratios).
 * Months outside the window are ignored.
 */
export function trailingTwelveMonthKpis(months: readonly KpiMonth[], toMonth: string, thresholds?: KpiThresholds): TrailingKpis {
  if (!MONTH.test(toMonth)) throw new Error(`month must be YYYY-MM, got ${toMonth}`);
  const fromMonth = addMonths(toMonth, -11);
  const window = Array.from({ length: 12 }, (_, i) => addMonths(fromMonth, i));
  const byMonth = new Map<string, KpiMonth>();
  for (const m of months) {
    if (!MONTH.test(m.month)) throw new Error(`month must be YYYY-MM, got ${m.month}`);
    if (byMonth.has(m.month)) throw new Error(`month ${m.month} given twice`);
    byMonth.set(m.month, m);
  }
  const sums = { importWh: 0, exportWh: 0, selfConsumedWh: 0, receivedWh: 0, renewableExportWh: 0 };
  const monthsIncluded: string[] = [];
  const monthsMissing: string[] = [];
  for (const month of window) {
    const m = byMonth.get(month);
    if (!m) {
      monthsMissing.push(month);
      continue;
    }
    monthsIncluded.push(month);
    for (const f of Object.keys(sums) as (keyof typeof sums)[]) {
      assertAmount(m[f], `${f} of ${month}`);
      sums[f] = assertSafeSum(sums[f] + m[f], f);
    }
  }
  return {
    fromMonth, toMonth, monthsIncluded, monthsMissing, ...sums,
    selfSufficiency: kpi(selfSufficiencyBp(sums), thresholds?.selfSufficiencyBp),
    renewableShare: kpi(basisPoints(sums.renewableExportWh, sums.exportWh), thresholds?.renewableShareBp),
  };
}
