// Invoices from a closed month (art. 106e of the VAT act): to each member an invoice for
// energy received from the cluster and the coordinator's fees; for energy it supplied, a
// self-billing invoice (a VAT payer that consented) or a settlement statement. Numbers
// are gapless per series and year: the invoicing-{cluster}-{year} stream appends a whole
// month's documents in one event with the expected version. Pure.
import { DomainError } from '../../shared/domain-error.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { applyRateBp, priceWh } from '../../shared/largest-remainder.js';
import type { ClusterProfile, Member } from '../../clusters/domain/registry.js';
import type { AgreementVersion } from '../../clusters/domain/registry.js';
import { DEFAULT_PAYMENT_TERM_DAYS } from '../../clusters/domain/registry.js';
import type { MemberStatement } from '../../settlement/domain/engine/statement.js';
import type { Decider } from '../../shared/decider.js';

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
  /** The coordinator's account, where a member pays what it owes on any document (a refund of a self-billing correction too). */
  coordinatorBankAccount?: string | null;
  /** A statement's seller: a VAT payer (issues its own invoice), exempt (art. 113), or not a taxpayer at all (a household). */
  sellerVat?: 'payer' | 'exempt' | 'not_taxpayer';
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
  { type: 'InvoicesIssued'; data: { month: string; documents: InvoiceDocument[] } } | { type: 'CorrectionInvoicesIssued'; data: { month: string; documents: InvoiceDocument[] } };

export const invoicingStreamId = (clusterId: string, year: string) => `invoicing-${clusterId}-${year}`;

export function formatNumber(series: string, year: string, sequence: number): string {
  return `${series}/${year}/${String(sequence).padStart(6, '0')}`;
}

/**
 * Each kind of document has its own gapless series: the agreement's prefix for invoices, R
 * settlement statements, K corrections of invoices, RK corrections of statements. A
 * self-billing invoice is the member's invoice, issued in its name by the coordinator: each
 * member has its own series (S-003: the third member admitted), its corrections SK-003.
 */
export function seriesOf(prefix: string, kind: DocumentKind, options: { correctedKind?: DocumentKind; memberNumber?: number } = {}): string {
  const member = () => {
    if (options.memberNumber === undefined) throw new Error("a self-billing series is the member's: give its number");
    return `-${String(options.memberNumber).padStart(3, '0')}`;
  };
  switch (kind) {
    case 'invoice':
      return prefix;
    case 'self_billing':
      return `${prefix}S${member()}`;
    case 'settlement_statement':
      return `${prefix}R`;
    case 'correction':
      if (options.correctedKind === 'self_billing') return `${prefix}SK${member()}`;
      return options.correctedKind === 'settlement_statement' ? `${prefix}RK` : `${prefix}K`;
  }
}

/** The member's number in the registry (admission order, from 1): its self-billing series. */
export function memberNumber(members: Record<string, Member>, memberId: string): number {
  const member = members[memberId];
  if (!member) throw DomainError.conflict(`member ${memberId} is not in the registry`);
  // a state folded before members were numbered: the admission order of its keys
  return member.number ?? Object.keys(members).indexOf(memberId) + 1;
}

/** The kind of the original a document stands for: itself, or what a correction corrects. */
export const originalKind = (d: Pick<InvoiceDocument, 'kind' | 'correctedKind'>): DocumentKind => (d.kind === 'correction' ? (d.correctedKind ?? 'invoice') : d.kind);

/** Whether the buyer pays the seller on this kind: the member on its invoice, the coordinator for what the member supplied. */
const memberSigned = (kind: DocumentKind): 1 | -1 => (kind === 'invoice' ? 1 : -1);

/** What a document moves, as the member sees it: positive the member pays, negative it is paid. */
export function memberSignedGrosze(d: InvoiceDocument): number {
  const gross = d.kind === 'correction' ? d.totalGrossGrosze - (d.totalGrossBeforeGrosze ?? 0) : d.totalGrossGrosze;
  return memberSigned(originalKind(d)) * gross;
}

export interface Settlement {
  /** "do zapłaty": the buyer pays the seller; "do zwrotu": the seller returns to the buyer (a correction down). */
  direction: 'do_zaplaty' | 'do_zwrotu';
  payer: 'member' | 'coordinator';
  payee: 'member' | 'coordinator';
  amountGrosze: number;
}

/** Who pays whom and how much, by the sign of the amount and the side the member is on. */
export function settlementOf(d: InvoiceDocument): Settlement {
  const amount = d.kind === 'correction' ? d.totalGrossGrosze - (d.totalGrossBeforeGrosze ?? 0) : d.totalGrossGrosze;
  const memberBuys = originalKind(d) === 'invoice';
  const buyerPays = amount >= 0;
  const payer = buyerPays === memberBuys ? 'member' : 'coordinator';
  return { direction: buyerPays ? 'do_zaplaty' : 'do_zwrotu', payer, payee: payer === 'member' ? 'coordinator' : 'member', amountGrosze: Math.abs(amount) };
}

/**
 * A member's month in documents: each document's signed gross and their sum, which is what
 * the member pays (positive) or is paid (negative). Corrections add their differences.
 */
export function memberMonthDocuments(documents: InvoiceDocument[], memberId: string, month: string) {
  const items = documents
    .filter((d) => d.memberId === memberId && d.month === month)
    .map((d) => ({
      invoiceId: d.invoiceId,
      number: d.number,
      kind: d.kind,
      ...(d.correctedKind ? { correctedKind: d.correctedKind } : {}),
      issueDate: d.issueDate,
      signedGrossGrosze: memberSignedGrosze(d),
    }));
  return { items, amountDueGrosze: items.reduce((a, i) => a + i.signedGrossGrosze, 0) };
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
export function linesOf(
  statement: MemberStatement,
  agreement: Pick<AgreementVersion, 'internalPriceGroszePerMwh' | 'feeGroszePerMwhReceived' | 'feeGroszePerMwhSupplied' | 'monthlyFeeGroszePerMember'>,
  names: (memberId: string) => string,
) {
  const bought: InvoiceLine[] = [];
  if (statement.poolReceivedWh > 0) bought.push(energyLine('Energia elektryczna otrzymana z klastra (pula)', statement.poolReceivedWh, agreement.internalPriceGroszePerMwh));
  for (const c of statement.contracts.filter((k) => k.role === 'buyer' && k.deliveredWh > 0))
    bought.push(energyLine(`Energia elektryczna z umowy z ${names(c.counterpartyMemberId)}`, c.deliveredWh, c.priceGroszePerMwh));
  if (statement.receivedWh > 0 && agreement.feeGroszePerMwhReceived > 0) bought.push(feeLine('Opłata koordynatora od energii otrzymanej', statement.receivedWh, agreement.feeGroszePerMwhReceived));
  if (statement.suppliedWh > 0 && agreement.feeGroszePerMwhSupplied > 0) bought.push(feeLine('Opłata koordynatora od energii oddanej', statement.suppliedWh, agreement.feeGroszePerMwhSupplied));
  if (agreement.monthlyFeeGroszePerMember > 0)
    bought.push({ description: 'Opłata miesięczna koordynatora', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: agreement.monthlyFeeGroszePerMember });
  const sold: InvoiceLine[] = [];
  if (statement.poolSuppliedWh > 0) sold.push(energyLine('Energia elektryczna oddana do klastra (pula)', statement.poolSuppliedWh, agreement.internalPriceGroszePerMwh));
  for (const c of statement.contracts.filter((k) => k.role === 'seller' && k.deliveredWh > 0))
    sold.push(energyLine(`Energia elektryczna z umowy z ${names(c.counterpartyMemberId)}`, c.deliveredWh, c.priceGroszePerMwh));
  return { bought, sold };
}

export interface IssueInput {
  clusterId: string;
  month: string;
  issueDate: string;
  /** The instant of issue (ISO): the XML's DataWytworzeniaFa. */
  issuedAt: string;
  saleDate: string;
  cluster: ClusterProfile;
  members: Record<string, Member>;
  agreement: AgreementVersion;
  statements: MemberStatement[];
  newId: () => string;
}

/** The issue date plus the agreement's payment term, in calendar days. */
export function dueDateOf(issueDate: string, termDays: number): string {
  const d = new Date(`${issueDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + termDays);
  return d.toISOString().slice(0, 10);
}

function partyOf(member: Member): Party {
  return { name: member.legalName, nip: member.nip, address: member.address, ...(member.jstUnit ? { jstUnit: member.jstUnit } : {}) };
}

function coordinatorParty(cluster: ClusterProfile): Party {
  // a cluster registered without the coordinator's address shows its name there (a compliance warning says so)
  return { name: cluster.coordinator.legalName, nip: cluster.coordinator.nip, address: cluster.coordinator.address ?? cluster.name };
}

/** What a member supplied is settled on a self-billing invoice (a VAT payer that consented) or a statement. */
const supplyKindOf = (member: Member): DocumentKind => (member.vatPayer && member.selfBillingConsent ? 'self_billing' : 'settlement_statement');

/** A VAT payer's supply carries VAT (on its self-billing invoice, or its own invoice the statement is the basis for); a non-payer's none. */
const supplyRateOf = (member: Member, agreement: AgreementVersion): number => (member.vatPayer ? agreement.vatRateBp : 0);

class Numbering {
  readonly sequences: Record<string, number>;
  constructor(
    state: InvoicingState,
    private readonly year: string,
  ) {
    this.sequences = { ...state.sequences };
  }
  next(series: string) {
    const sequence = (this.sequences[series] ?? 0) + 1;
    this.sequences[series] = sequence;
    return { series, sequence, number: formatNumber(series, this.year, sequence) };
  }
}

function original(input: IssueInput, numbering: Numbering, kind: DocumentKind, member: Member, lines: InvoiceLine[]): InvoiceDocument {
  const coordinator = coordinatorParty(input.cluster);
  const buying = kind === 'invoice';
  const vatRateBp = buying ? input.agreement.vatRateBp : supplyRateOf(member, input.agreement);
  const numbered = numbering.next(seriesOf(input.agreement.invoiceSeries, kind, { memberNumber: memberNumber(input.members, member.memberId) }));
  return {
    invoiceId: input.newId(),
    ...numbered,
    kind,
    clusterId: input.clusterId,
    memberId: member.memberId,
    month: input.month,
    issueDate: input.issueDate,
    issuedAt: input.issuedAt,
    saleDate: input.saleDate,
    seller: buying ? coordinator : partyOf(member),
    buyer: buying ? partyOf(member) : coordinator,
    lines,
    vatRateBp,
    ...totals(lines, vatRateBp),
    dueDate: dueDateOf(input.issueDate, input.agreement.paymentTermDays ?? DEFAULT_PAYMENT_TERM_DAYS),
    // the member pays into the coordinator's account; what the coordinator pays goes to the member's account, which the registry does not hold
    sellerBankAccount: buying ? (input.cluster.coordinator.bankAccount ?? null) : null,
    coordinatorBankAccount: input.cluster.coordinator.bankAccount ?? null,
    ...(kind === 'settlement_statement' ? { sellerVat: member.vatPayer ? ('payer' as const) : member.kind === 'household' ? ('not_taxpayer' as const) : ('exempt' as const) } : {}),
  };
}

/** Every document of a month, numbered after what the state has used. */
export function decideIssue(input: IssueInput, state: InvoicingState): InvoicingEvent[] {
  if (state.documents.some((d) => d.month === input.month && d.kind !== 'correction')) return [];
  const numbering = new Numbering(state, input.issueDate.slice(0, 4));
  const names = (id: string) => input.members[id]?.legalName ?? id;
  const documents: InvoiceDocument[] = [];
  for (const statement of [...input.statements].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    const member = input.members[statement.memberId];
    if (!member) throw DomainError.conflict(`member ${statement.memberId} of the closed month is not in the registry`);
    const { bought, sold } = linesOf(statement, input.agreement, names);
    if (bought.length > 0) documents.push(original(input, numbering, 'invoice', member, bought));
    if (sold.length > 0) documents.push(original(input, numbering, supplyKindOf(member), member, sold));
  }
  return [{ type: 'InvoicesIssued', data: { month: input.month, documents } }];
}

/**
 * Corrections for members whose figures changed since the latest document of each side (the
 * original or its last correction, so a correction may correct a correction). Each corrects
 * the original (its number and issue date), shows the lines before and after, and is
 * numbered in the series of its kind: a self-billing invoice's correction in the member's
 * self-billing correction series. A member that had nothing on a side at the close and has
 * now gets that side's original document.
 */
export function decideCorrections(input: IssueInput & { reason: string; latest: InvoiceDocument[] }, state: InvoicingState): InvoicingEvent[] {
  const numbering = new Numbering(state, input.issueDate.slice(0, 4));
  const names = (id: string) => input.members[id]?.legalName ?? id;
  const documents: InvoiceDocument[] = [];
  for (const statement of [...input.statements].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    const member = input.members[statement.memberId];
    if (!member) throw DomainError.conflict(`member ${statement.memberId} of the month is not in the registry`);
    const { bought, sold } = linesOf(statement, input.agreement, names);
    for (const [side, lines] of [
      ['buying', bought],
      ['supplying', sold],
    ] as const) {
      const onSide = (d: InvoiceDocument) => d.memberId === member.memberId && (originalKind(d) === 'invoice') === (side === 'buying');
      const previous = [...input.latest].reverse().find(onSide);
      if (!previous) {
        if (lines.length > 0) documents.push(original(input, numbering, side === 'buying' ? 'invoice' : supplyKindOf(member), member, lines));
        continue;
      }
      if (canonicalJson(lines) === canonicalJson(previous.lines)) continue;
      const first = previous.kind === 'correction' ? input.latest.find((d) => d.invoiceId === previous.correctedInvoiceId) : previous;
      const correctedKind = originalKind(previous);
      const numbered = numbering.next(seriesOf(input.agreement.invoiceSeries, 'correction', { correctedKind, memberNumber: memberNumber(input.members, member.memberId) }));
      const after = totals(lines, previous.vatRateBp);
      documents.push({
        invoiceId: input.newId(),
        ...numbered,
        kind: 'correction',
        correctedKind,
        clusterId: input.clusterId,
        memberId: member.memberId,
        month: input.month,
        issueDate: input.issueDate,
        issuedAt: input.issuedAt,
        saleDate: previous.saleDate,
        seller: previous.seller,
        buyer: previous.buyer,
        lines,
        vatRateBp: previous.vatRateBp,
        ...after,
        correctedInvoiceNumber: previous.correctedInvoiceNumber ?? previous.number,
        correctedInvoiceId: previous.correctedInvoiceId ?? previous.invoiceId,
        correctedIssueDate: previous.correctedIssueDate ?? previous.issueDate,
        reason: input.reason,
        linesBefore: previous.lines,
        totalNetBeforeGrosze: previous.totalNetGrosze,
        totalVatBeforeGrosze: previous.totalVatGrosze,
        totalGrossBeforeGrosze: previous.totalGrossGrosze,
        beforeDocumentNumber: previous.number,
        dueDate: dueDateOf(input.issueDate, input.agreement.paymentTermDays ?? DEFAULT_PAYMENT_TERM_DAYS),
        sellerBankAccount: first?.sellerBankAccount ?? previous.sellerBankAccount ?? null,
        coordinatorBankAccount: input.cluster.coordinator.bankAccount ?? null,
        ...(previous.sellerVat ? { sellerVat: previous.sellerVat } : {}),
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

export type InvoicingCommand =
  | { type: 'IssueMonth'; input: IssueInput }
  /** earlier: the month's documents in last year's stream (December's, corrected in January). */
  | { type: 'IssueCorrections'; input: IssueInput; reason: string; earlier?: InvoiceDocument[] };

/** The invoicing-{cluster}-{year} stream: a month's documents once, then its corrections. */
export const invoicingDecider: Decider<InvoicingCommand, InvoicingEvent, InvoicingState> = {
  initialState: initialInvoicingState,
  evolve: evolveInvoicing,
  decide(command, state) {
    if (command.type === 'IssueMonth') return decideIssue(command.input, state);
    const latest = [...(command.earlier ?? []), ...state.documents.filter((d) => d.month === command.input.month)];
    return latest.length === 0 ? [] : decideCorrections({ ...command.input, reason: command.reason, latest }, state);
  },
};
