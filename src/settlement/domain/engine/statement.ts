// Each member's monthly statement and the cluster's month, from interval results (docs/DOMAIN.md,
// Monthly settlement). Sum the Wh first, then price once, rounding half up to the grosz.
// Money: positive netAmountGrosze is what the member pays; negative, what it is paid.
import { applyRateBp, basisPoints, priceWh } from '../../../shared/largest-remainder.js';
import { exactOrRefused } from '../../../shared/limits.js';
import type { AgreementVersion } from '../../../clusters/domain/registry.js';
import type { IntervalResult } from './allocate.js';

/** The terms of the agreement version that price a month. */
export type PricingTerms = Pick<
  AgreementVersion,
  | 'version'
  | 'effectiveFrom'
  | 'internalPriceGroszePerMwh'
  | 'referenceGridPriceGroszePerMwh'
  | 'feeGroszePerMwhReceived'
  | 'feeGroszePerMwhSupplied'
  | 'monthlyFeeGroszePerMember'
  | 'vatRateBp'
  | 'thresholds'
>;

export interface ContractTerms {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  priceGroszePerMwh: number;
}

const ENERGY_FIELDS = [
  'importWh',
  'exportWh',
  'selfConsumedWh',
  'receivedWh',
  'poolReceivedWh',
  'contractReceivedWh',
  'suppliedWh',
  'poolSuppliedWh',
  'contractSuppliedWh',
  'gridImportWh',
  'gridExportWh',
] as const;
type EnergyField = (typeof ENERGY_FIELDS)[number];
export type EnergyTotals = Record<EnergyField, number>;

const zero = (): EnergyTotals => Object.fromEntries(ENERGY_FIELDS.map((f) => [f, 0])) as EnergyTotals;

/** Sums interval results per member and per contract, holding no interval in memory. */
export class MonthAccumulator {
  readonly members = new Map<string, EnergyTotals>();
  readonly contracts = new Map<string, { contractedWh: number; deliveredWh: number; shortfallWh: number }>();

  constructor(memberIds: Iterable<string>) {
    for (const id of memberIds) this.members.set(id, zero());
  }

  add(result: IntervalResult): void {
    for (const m of result.members) {
      let totals = this.members.get(m.memberId);
      if (!totals) this.members.set(m.memberId, (totals = zero()));
      totals.importWh += m.importWh;
      totals.exportWh += m.exportWh;
      totals.selfConsumedWh += m.selfConsumedWh;
      totals.receivedWh += m.receivedWh;
      totals.poolReceivedWh += m.poolReceivedWh;
      totals.contractReceivedWh += m.contractReceivedWh;
      totals.suppliedWh += m.suppliedWh;
      totals.poolSuppliedWh += m.poolSuppliedWh;
      totals.contractSuppliedWh += m.contractSuppliedWh;
      totals.gridImportWh += m.gridImportWh;
      totals.gridExportWh += m.gridExportWh;
    }
    for (const c of result.contracts) {
      const totals = this.contracts.get(c.contractId) ?? { contractedWh: 0, deliveredWh: 0, shortfallWh: 0 };
      totals.contractedWh += c.contractedWh;
      totals.deliveredWh += c.deliveredWh;
      totals.shortfallWh += c.shortfallWh;
      this.contracts.set(c.contractId, totals);
    }
  }
}

export interface ContractLine {
  contractId: string;
  counterpartyMemberId: string;
  role: 'buyer' | 'seller';
  contractedWh: number;
  deliveredWh: number;
  shortfallWh: number;
  priceGroszePerMwh: number;
  valueGrosze: number;
}

export interface MemberStatement extends EnergyTotals {
  memberId: string;
  agreementVersion: number;
  poolReceivedValueGrosze: number;
  receivedValueGrosze: number;
  poolSuppliedValueGrosze: number;
  suppliedValueGrosze: number;
  feeReceivedGrosze: number;
  feeSuppliedGrosze: number;
  monthlyFeeGrosze: number;
  feesGrosze: number;
  vatRateBp: number;
  vatGrosze: number;
  /** VAT on what a VAT-payer member supplied (its self-billing invoice or its own invoice); 0 for a non-payer. */
  suppliedVatGrosze?: number;
  /** The documents' grosses: the member's invoice (received, fees, VAT) and what it supplied (with its VAT). */
  invoiceGrossGrosze?: number;
  suppliedGrossGrosze?: number;
  /** What the member pays (positive) or is paid (negative): invoice gross minus supplied gross. */
  netAmountGrosze: number;
  savingsGrosze: number;
  exportShareBp: number;
  importShareBp: number;
  suppliedShareBp: number;
  receivedShareBp: number;
  contracts: ContractLine[];
  /**
   * The hourly support ledger's figures for the member, as information (the DSO and the
   * seller apply the exemption, not the cluster). Absent on statements closed before it existed.
   */
  support?: StatementSupport;
}

export interface StatementSupport {
  /** Its share of the renewable energy fed in and taken in the cluster in the same hour. */
  renewableMatchedWh: number;
  /** The part in hours of the support period: opłata OZE and kogeneracyjna are not charged on it. */
  exemptWh: number;
  waivedOzeGrosze: number;
  waivedCogenerationGrosze: number;
  waivedFeesGrosze: number;
}

export interface Kpi {
  valueBp: number;
  thresholdBp: number | null;
  met: boolean | null;
}

export interface ClusterMonth extends EnergyTotals {
  agreementVersion: number;
  members: number;
  renewableExportWh: number;
  selfSufficiency: Kpi;
  renewableShare: Kpi;
  receivedValueGrosze: number;
  feesGrosze: number;
  vatGrosze: number;
}

function kpi(valueBp: number, threshold: number | undefined): Kpi {
  return { valueBp, thresholdBp: threshold ?? null, met: threshold === undefined ? null : valueBp >= threshold };
}

/** Self-sufficiency: members' consumption covered by own netting and the cluster. */
export function kpis(totals: Pick<EnergyTotals, 'importWh' | 'exportWh' | 'selfConsumedWh' | 'receivedWh'>, renewableExportWh: number, thresholds: PricingTerms['thresholds']) {
  return {
    selfSufficiency: kpi(basisPoints(totals.selfConsumedWh + totals.receivedWh, totals.importWh), thresholds.selfSufficiencyBp),
    renewableShare: kpi(basisPoints(renewableExportWh, totals.exportWh), thresholds.renewableShareBp),
  };
}

export function buildStatements(
  month: MonthAccumulator,
  terms: PricingTerms,
  contracts: ContractTerms[],
  renewableExportWh: Map<string, number>,
  /** Members who are VAT payers: what they supply carries VAT. */
  vatPayers: ReadonlySet<string> = new Set(),
): { members: MemberStatement[]; cluster: ClusterMonth } {
  const cluster = zero();
  for (const totals of month.members.values()) for (const f of ENERGY_FIELDS) cluster[f] += totals[f];
  const statements: MemberStatement[] = [];
  for (const [memberId, totals] of [...month.members.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const lines: ContractLine[] = [];
    for (const c of contracts) {
      const role = c.buyerMemberId === memberId ? 'buyer' : c.sellerMemberId === memberId ? 'seller' : null;
      const sums = month.contracts.get(c.contractId);
      if (!role || !sums) continue;
      lines.push({
        contractId: c.contractId,
        counterpartyMemberId: role === 'buyer' ? c.sellerMemberId : c.buyerMemberId,
        role,
        ...sums,
        priceGroszePerMwh: c.priceGroszePerMwh,
        valueGrosze: priceWh(sums.deliveredWh, c.priceGroszePerMwh),
      });
    }
    const poolReceivedValueGrosze = priceWh(totals.poolReceivedWh, terms.internalPriceGroszePerMwh);
    const poolSuppliedValueGrosze = priceWh(totals.poolSuppliedWh, terms.internalPriceGroszePerMwh);
    const receivedValueGrosze = poolReceivedValueGrosze + lines.filter((l) => l.role === 'buyer').reduce((a, l) => a + l.valueGrosze, 0);
    const suppliedValueGrosze = poolSuppliedValueGrosze + lines.filter((l) => l.role === 'seller').reduce((a, l) => a + l.valueGrosze, 0);
    const feeReceivedGrosze = priceWh(totals.receivedWh, terms.feeGroszePerMwhReceived);
    const feeSuppliedGrosze = priceWh(totals.suppliedWh, terms.feeGroszePerMwhSupplied);
    const feesGrosze = feeReceivedGrosze + feeSuppliedGrosze + terms.monthlyFeeGroszePerMember;
    // VAT on what the member buys: energy received and the coordinator's fees. Energy it
    // supplied is settled on its own document (self-billing or a settlement statement).
    const vatGrosze = applyRateBp(receivedValueGrosze + feesGrosze, terms.vatRateBp);
    // a VAT payer's supply is invoiced with VAT (self-billing or its own invoice); so the
    // amount due is exactly the signed sum of the member's documents
    const suppliedVatGrosze = vatPayers.has(memberId) ? applyRateBp(suppliedValueGrosze, terms.vatRateBp) : 0;
    const invoiceGrossGrosze = receivedValueGrosze + feesGrosze + vatGrosze;
    const suppliedGrossGrosze = suppliedValueGrosze + suppliedVatGrosze;
    statements.push({
      memberId,
      agreementVersion: terms.version,
      ...totals,
      poolReceivedValueGrosze,
      receivedValueGrosze,
      poolSuppliedValueGrosze,
      suppliedValueGrosze,
      feeReceivedGrosze,
      feeSuppliedGrosze,
      monthlyFeeGrosze: terms.monthlyFeeGroszePerMember,
      feesGrosze,
      vatRateBp: terms.vatRateBp,
      vatGrosze,
      suppliedVatGrosze,
      invoiceGrossGrosze,
      suppliedGrossGrosze,
      netAmountGrosze: invoiceGrossGrosze - suppliedGrossGrosze,
      savingsGrosze: priceWh(totals.receivedWh, terms.referenceGridPriceGroszePerMwh) - receivedValueGrosze,
      exportShareBp: basisPoints(totals.exportWh, cluster.exportWh),
      importShareBp: basisPoints(totals.importWh, cluster.importWh),
      suppliedShareBp: basisPoints(totals.suppliedWh, cluster.suppliedWh),
      receivedShareBp: basisPoints(totals.receivedWh, cluster.receivedWh),
      contracts: lines,
    });
  }
  const renewable = [...renewableExportWh.values()].reduce((a, b) => a + b, 0);
  // sums of non-negative integers: once past 2^53 they stay past it, so a check at the end
  // finds every one that JavaScript could no longer add exactly (refused, never rounded)
  for (const f of ENERGY_FIELDS) exactOrRefused(cluster[f], `The cluster's month total ${f}`);
  exactOrRefused(renewable, "The cluster's month total renewableExportWh");
  for (const s of statements) {
    for (const f of ['receivedValueGrosze', 'suppliedValueGrosze', 'feesGrosze', 'netAmountGrosze', 'savingsGrosze'] as const) exactOrRefused(s[f], `${f} of member ${s.memberId}`);
  }
  return {
    members: statements,
    cluster: {
      agreementVersion: terms.version,
      members: statements.length,
      ...cluster,
      renewableExportWh: renewable,
      ...kpis(cluster, renewable, terms.thresholds),
      receivedValueGrosze: exactOrRefused(
        statements.reduce((a, s) => a + s.receivedValueGrosze, 0),
        "The cluster's month receivedValueGrosze",
      ),
      feesGrosze: exactOrRefused(
        statements.reduce((a, s) => a + s.feesGrosze, 0),
        "The cluster's month feesGrosze",
      ),
      vatGrosze: exactOrRefused(
        statements.reduce((a, s) => a + s.vatGrosze, 0),
        "The cluster's month vatGrosze",
      ),
    },
  };
}
