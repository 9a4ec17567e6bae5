// Documents for the KSeF tests, shaped as the invoicing module issues them.
import { randomUUID } from 'node:crypto';
import type { InvoiceDocument, InvoiceLine } from '../../src/invoicing/domain/documents.js';
import { totals } from '../../src/invoicing/domain/documents.js';

export const COORDINATOR_NIP = '5261040828';
export const MEMBER_NIP = '6410377173';
export const coordinator = { name: 'Orzeska Energia Sp. z o.o.', nip: COORDINATOR_NIP, address: 'ul. Zamkowa 8, 43-180 Orzesze' };
export const member = { name: 'Gmina Orzesze & <Spółka>', nip: MEMBER_NIP, address: 'ul. Gliwicka 8, 43-180 Orzesze' };

const energy = (wh: number): InvoiceLine => ({
  description: 'Energia elektryczna otrzymana z klastra (pula)',
  category: 'energy',
  quantityWh: wh,
  unitPriceGroszePerMwh: 45_000,
  netGrosze: Math.round((wh * 45_000) / 1_000_000),
});
const monthly: InvoiceLine = { description: 'Opłata miesięczna koordynatora', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: 2000 };

function base(number: string, over: Partial<InvoiceDocument>): InvoiceDocument {
  const lines = over.lines ?? [energy(120_000), monthly];
  return {
    invoiceId: randomUUID(),
    number,
    series: number.split('/')[0] ?? '',
    sequence: Number(number.split('/').pop()),
    kind: 'invoice',
    clusterId: 'c',
    memberId: 'm-city',
    month: '2026-05',
    issueDate: '2026-06-02',
    saleDate: '2026-05-31',
    issuedAt: '2026-06-02T08:15:30.123Z',
    seller: coordinator,
    buyer: member,
    lines,
    vatRateBp: 2300,
    ...totals(lines, 2300),
    dueDate: '2026-06-16',
    sellerBankAccount: 'PL61109010140000071219812874',
    ...over,
  };
}

export const invoice = (number: string, over: Partial<InvoiceDocument> = {}) => base(number, over);

export function selfBilling(number: string, over: Partial<InvoiceDocument> = {}) {
  const lines = [energy(500_000)];
  return base(number, { kind: 'self_billing', seller: member, buyer: coordinator, lines, ...totals(lines, 2300), ...over });
}

export function correctionOf(original: InvoiceDocument, number: string): InvoiceDocument {
  const lines = [energy(150_000), monthly];
  return base(number, {
    kind: 'correction',
    correctedKind: original.kind,
    memberId: original.memberId,
    seller: original.seller,
    buyer: original.buyer,
    lines,
    ...totals(lines, 2300),
    correctedInvoiceId: original.invoiceId,
    correctedInvoiceNumber: original.number,
    correctedIssueDate: original.issueDate,
    reason: 'Korekta odczytów OSD',
    linesBefore: original.lines,
    totalNetBeforeGrosze: original.totalNetGrosze,
    totalVatBeforeGrosze: original.totalVatGrosze,
    totalGrossBeforeGrosze: original.totalGrossGrosze,
    issueDate: '2026-06-20',
    issuedAt: '2026-06-20T09:00:00.000Z',
  });
}
