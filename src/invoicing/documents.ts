// Invoices from a closed month (art. 106e of the VAT act): to each member an invoice for
// energy received from the cluster and the coordinator's fees; for energy it supplied, a
// self-billing invoice (a VAT payer that consented) or a settlement statement. Numbers
// are gapless per series and year: the invoicing-{cluster}-{year} stream appends a whole
// month's documents in one event with the expected version. Pure.
import { DomainError } from '../common/domain-error.js';
import { canonicalJson } from '../event-store/hash-chain.js';
import { applyRateBp, priceWh } from '../common/largest-remainder.js';
import type { ClusterProfile, Member } from '../clusters/registry/registry.js';
import type { AgreementVersion } from '../clusters/registry/registry.js';
import type { MemberStatement } from '../settlement/engine/statement.js';

export type DocumentKind = 'invoice' | 'self_billing' | 'settlement_statement' | 'correction';

export interface Party {
  name: string;
  nip: string | null;
  address: string;
  /** The municipality's subordinate unit the invoice concerns (FA(3): JST 1, Podmiot3 role 8). */
  jstUnit?: { name: string; nip: string; address?: string } | null;
}

export interface InvoiceLine {
  description: string;
  category: 'energy' | 'fee';
  /** Energy lines: the quantity in Wh (shown in kWh) and the unit price per MWh. */
  quantityWh: number | null;
  unitPriceGroszePerMwh: number | null;
  netGrosze: number;
  /** The line's VAT rate when it differs from the document's. */
  vatRateBp?: number;
}

export interface InvoiceDocument {
  invoiceId: string;
  number: string;
  series: string;
  sequence: number;
  kind: DocumentKind;
  clusterId: string;
  memberId: string;
  month: string;
  issueDate: string;
  saleDate: string;
  seller: Party;
  buyer: Party;
  lines: InvoiceLine[];
  vatRateBp: number;
  totalNetGrosze: number;
  totalVatGrosze: number;
  totalGrossGrosze: number;
  /** Corrections: the kind and document corrected, why, and the lines before. */
  correctedKind?: DocumentKind;
  correctedInvoiceNumber?: string;
  correctedInvoiceId?: string;
  correctedIssueDate?: string;
  reason?: string;
  linesBefore?: InvoiceLine[];
  totalNetBeforeGrosze?: number;
  totalVatBeforeGrosze?: number;
  totalGrossBeforeGrosze?: number;
  /** Corrections of corrections: the document whose figures are the "before" (the original or the last correction). */
  beforeDocumentNumber?: string;
  /** The instant the document was issued (ISO, UTC): FA(3) DataWytworzeniaFa. Older documents have only the date. */
  issuedAt?: string;
  /** When the buyer pays, and to which account of the seller (IBAN). */
  dueDate?: string;
  sellerBankAccount?: string | null;
}

/** The instant the document was made, without fractions of a second; a document without one: noon UTC of its issue date. */
export function documentIssuedAt(document: Pick<InvoiceDocument, 'issuedAt' | 'issueDate'>): string {
  if (document.issuedAt) return `${document.issuedAt.slice(0, 19)}Z`;
  return `${document.issueDate}T12:00:00Z`;
}

export const lineRateBp = (line: InvoiceLine, documentRateBp: number): number => line.vatRateBp ?? documentRateBp;

export interface RateTotal {
  rateBp: number;
  netGrosze: number;
  vatGrosze: number;
}

/** Per VAT rate (highest first): the sum of the net values and the VAT on that sum, rounded half up. */
export function rateTotals(lines: InvoiceLine[], documentRateBp: number): RateTotal[] {
  const nets = new Map<number, number>();
  for (const l of lines) nets.set(lineRateBp(l, documentRateBp), (nets.get(lineRateBp(l, documentRateBp)) ?? 0) + l.netGrosze);
  return [...nets.entries()].sort(([a], [b]) => b - a).map(([rateBp, netGrosze]) => ({ rateBp, netGrosze, vatGrosze: applyRateBp(netGrosze, rateBp) }));
}

export interface InvoicingState {
  /** Last sequence used per series in this year. */
  sequences: Record<string, number>;
  /** Documents by month. */
  documents: InvoiceDocument[];
}

export type InvoicingEvent =
  | { type: 'InvoicesIssued'; data: { month: string; documents: InvoiceDocument[] } }
  | { type: 'CorrectionInvoicesIssued'; data: { month: string; documents: InvoiceDocument[] } };

export const invoicingStreamId = (clusterId: string, year: string) => `invoicing-${clusterId}-${year}`;

export function formatNumber(series: string, year: string, sequence: number): string {
  return `${series}/${year}/${String(sequence).padStart(6, '0')}`;
}

/** Series: the agreement's prefix for invoices; S self-billing, R settlement statements, K corrections. */
export function seriesOf(prefix: string, kind: DocumentKind): string {
  return kind === 'invoice' ? prefix : `${prefix}${kind === 'self_billing' ? 'S' : kind === 'settlement_statement' ? 'R' : 'K'}`;
}

/** VAT per rate from the sum of the net values at that rate, rounded half up; the totals sum the rates. */
export function totals(lines: InvoiceLine[], vatRateBp: number) {
  const perRate = rateTotals(lines, vatRateBp);
  const net = perRate.reduce((a, t) => a + t.netGrosze, 0);
  const vat = perRate.reduce((a, t) => a + t.vatGrosze, 0);
  return { totalNetGrosze: net, totalVatGrosze: vat, totalGrossGrosze: net + vat };
}

const energyLine = (description: string, wh: number, price: number): InvoiceLine => ({ description, category: 'energy', quantityWh: wh, unitPriceGroszePerMwh: price, netGrosze: priceWh(wh, price) });
const feeLine = (description: string, wh: number, price: number): InvoiceLine => ({ description, category: 'fee', quantityWh: wh, unitPriceGroszePerMwh: price, netGrosze: priceWh(wh, price) });

/** The lines a member's statement gives: what it buys, and what it sells to the cluster. */
export function linesOf(statement: MemberStatement, agreement: Pick<AgreementVersion, 'internalPriceGroszePerMwh' | 'feeGroszePerMwhReceived' | 'feeGroszePerMwhSupplied' | 'monthlyFeeGroszePerMember'>, names: (memberId: string) => string) {
  const bought: InvoiceLine[] = [];
  if (statement.poolReceivedWh > 0) bought.push(energyLine('Energia elektryczna otrzymana z klastra (pula)', statement.poolReceivedWh, agreement.internalPriceGroszePerMwh));
  for (const c of statement.contracts.filter((k) => k.role === 'buyer' && k.deliveredWh > 0)) bought.push(energyLine(`Energia elektryczna z umowy z ${names(c.counterpartyMemberId)}`, c.deliveredWh, c.priceGroszePerMwh));
  if (statement.receivedWh > 0 && agreement.feeGroszePerMwhReceived > 0) bought.push(feeLine('Opłata koordynatora od energii otrzymanej', statement.receivedWh, agreement.feeGroszePerMwhReceived));
  if (statement.suppliedWh > 0 && agreement.feeGroszePerMwhSupplied > 0) bought.push(feeLine('Opłata koordynatora od energii oddanej', statement.suppliedWh, agreement.feeGroszePerMwhSupplied));
  if (agreement.monthlyFeeGroszePerMember > 0) bought.push({ description: 'Opłata miesięczna koordynatora', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: agreement.monthlyFeeGroszePerMember });
  const sold: InvoiceLine[] = [];
  if (statement.poolSuppliedWh > 0) sold.push(energyLine('Energia elektryczna oddana do klastra (pula)', statement.poolSuppliedWh, agreement.internalPriceGroszePerMwh));
  for (const c of statement.contracts.filter((k) => k.role === 'seller' && k.deliveredWh > 0)) sold.push(energyLine(`Energia elektryczna z umowy z ${names(c.counterpartyMemberId)}`, c.deliveredWh, c.priceGroszePerMwh));
  return { bought, sold };
}

export interface IssueInput {
  clusterId: string;
  month: string;
  issueDate: string;
  saleDate: string;
  cluster: ClusterProfile;
  members: Record<string, Member>;
  agreement: AgreementVersion;
  statements: MemberStatement[];
  newId: () => string;
}

function partyOf(member: Member): Party {
  return { name: member.legalName, nip: member.nip, address: member.address };
}

/** Every document of a month, numbered after what the state has used. */
export function decideIssue(input: IssueInput, state: InvoicingState): InvoicingEvent[] {
  if (state.documents.some((d) => d.month === input.month && d.kind !== 'correction')) return [];
  const sequences = { ...state.sequences };
  const year = input.issueDate.slice(0, 4);
  // a cluster registered without the coordinator's address shows its name there (a compliance warning says so)
  const coordinator: Party = { name: input.cluster.coordinator.legalName, nip: input.cluster.coordinator.nip, address: input.cluster.coordinator.address ?? input.cluster.name };
  const names = (id: string) => input.members[id]?.legalName ?? id;
  const documents: InvoiceDocument[] = [];
  const add = (kind: DocumentKind, memberId: string, seller: Party, buyer: Party, lines: InvoiceLine[], vatRateBp: number) => {
    const series = seriesOf(input.agreement.invoiceSeries, kind);
    const sequence = (sequences[series] ?? 0) + 1;
    sequences[series] = sequence;
    documents.push({
      invoiceId: input.newId(), number: formatNumber(series, year, sequence), series, sequence, kind, clusterId: input.clusterId, memberId, month: input.month,
      issueDate: input.issueDate, saleDate: input.saleDate, seller, buyer, lines, vatRateBp, ...totals(lines, vatRateBp),
    });
  };
  for (const statement of [...input.statements].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    const member = input.members[statement.memberId];
    if (!member) throw DomainError.conflict(`member ${statement.memberId} of the closed month is not in the registry`);
    const { bought, sold } = linesOf(statement, input.agreement, names);
    if (bought.length > 0) add('invoice', member.memberId, coordinator, partyOf(member), bought, input.agreement.vatRateBp);
    if (sold.length > 0) {
      if (member.vatPayer && member.selfBillingConsent) add('self_billing', member.memberId, partyOf(member), coordinator, sold, input.agreement.vatRateBp);
      else add('settlement_statement', member.memberId, partyOf(member), coordinator, sold, 0);
    }
  }
  return [{ type: 'InvoicesIssued', data: { month: input.month, documents } }];
}

/** Correction documents for members whose figures changed since the last document of each kind. */
export function decideCorrections(input: IssueInput & { reason: string; latest: InvoiceDocument[] }, state: InvoicingState): InvoicingEvent[] {
  const sequences = { ...state.sequences };
  const year = input.issueDate.slice(0, 4);
  const names = (id: string) => input.members[id]?.legalName ?? id;
  const documents: InvoiceDocument[] = [];
  for (const statement of [...input.statements].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    const { bought, sold } = linesOf(statement, input.agreement, names);
    const member = input.members[statement.memberId];
    const supplyKind: DocumentKind = member?.vatPayer && member.selfBillingConsent ? 'self_billing' : 'settlement_statement';
    for (const [kind, lines] of [['invoice', bought], [supplyKind, sold]] as const) {
      // the latest document of this kind for the member: the original or its last correction
      const previous = [...input.latest].reverse().find((d) => d.memberId === statement.memberId && (d.kind === kind || d.correctedKind === kind));
      if (!previous) continue; // a member with no document of this kind at the close: left to the coordinator
      const after = totals(lines, previous.vatRateBp);
      if (canonicalJson(lines) === canonicalJson(previous.lines)) continue;
      const series = seriesOf(input.agreement.invoiceSeries, 'correction');
      const sequence = (sequences[series] ?? 0) + 1;
      sequences[series] = sequence;
      documents.push({
        invoiceId: input.newId(), number: formatNumber(series, year, sequence), series, sequence, kind: 'correction', correctedKind: kind, clusterId: input.clusterId,
        memberId: statement.memberId, month: input.month, issueDate: input.issueDate, saleDate: previous.saleDate, seller: previous.seller, buyer: previous.buyer,
        lines, vatRateBp: previous.vatRateBp, ...after,
        correctedInvoiceNumber: previous.correctedInvoiceNumber ?? previous.number, correctedInvoiceId: previous.correctedInvoiceId ?? previous.invoiceId,
        correctedIssueDate: previous.correctedIssueDate ?? previous.issueDate, reason: input.reason,
        linesBefore: previous.lines, totalNetBeforeGrosze: previous.totalNetGrosze, totalVatBeforeGrosze: previous.totalVatGrosze, totalGrossBeforeGrosze: previous.totalGrossGrosze,
      });
    }
  }
  return documents.length === 0 ? [] : [{ type: 'CorrectionInvoicesIssued', data: { month: input.month, documents } }];
}

export function evolveInvoicing(state: InvoicingState, event: InvoicingEvent): InvoicingState {
  for (const d of event.data.documents) state.sequences[d.series] = Math.max(state.sequences[d.series] ?? 0, d.sequence);
  state.documents.push(...event.data.documents);
  return state;
}

export const initialInvoicingState = (): InvoicingState => ({ sequences: {}, documents: [] });
