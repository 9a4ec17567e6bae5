// Each kind of document as the PDF an accountant reads: Polish dates, the due date and the
// account, the monthly fee as one service at its price, a seller outside VAT said so instead
// of "0%", corrections with their differences per rate and who pays whom. The PDFs are left
// in test-output/pdf/ to be looked at.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import type { InvoiceDocument, InvoiceLine } from '../domain/documents.js';
import { totals } from '../domain/documents.js';
import { formatDatePl, formatMonthPl } from '../domain/print.js';
import { renderInvoicePdf } from './pdf.js';

const coordinator = { name: 'Klastry Energii sp. z o.o.', nip: '6410000008', address: 'ul. Demonstracyjna 1, 43-180 Orzesze' };
const city = { name: 'Gmina Orzesze', nip: '6410377173', address: 'ul. Przykładowa 10, 43-180 Orzesze' };
const home = { name: 'Gospodarstwo domowe ORZ 2', nip: null, address: 'ul. Przykładowa 5, 43-180 Orzesze' };
const energy = (description: string, wh: number, price: number, net: number): InvoiceLine => ({ description, category: 'energy', quantityWh: wh, unitPriceGroszePerMwh: price, netGrosze: net });
const bought = [
  energy('Energia elektryczna otrzymana z klastra (pula)', 1_234_567, 48_000, 59_259),
  energy('Energia elektryczna z umowy z Enea Elektrownia Połaniec S.A.', 57_600_000, 42_000, 2_419_200),
  energy('Opłata koordynatora od energii otrzymanej', 58_834_567, 1_500, 88_252),
  { description: 'Opłata miesięczna koordynatora', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: 2_500 } as InvoiceLine,
];
const sold = [energy('Energia elektryczna oddana do klastra (pula)', 3_210_000, 48_000, 154_080)];

function doc(over: Partial<InvoiceDocument>): InvoiceDocument {
  const lines = over.lines ?? bought;
  const rate = over.vatRateBp ?? 2300;
  return {
    invoiceId: '3f9a1c2e-0000-4000-8000-000000000001',
    number: 'OKE/2026/000007',
    series: 'OKE',
    sequence: 7,
    kind: 'invoice',
    clusterId: 'orzesze',
    memberId: 'm',
    month: '2026-05',
    issueDate: '2026-06-02',
    issuedAt: '2026-06-02T08:00:00.000Z',
    saleDate: '2026-05-31',
    seller: coordinator,
    buyer: city,
    lines,
    vatRateBp: rate,
    ...totals(lines, rate),
    dueDate: '2026-06-16',
    sellerBankAccount: 'PL34102010130000000000001001',
    ...over,
  };
}

const lessSold = [energy('Energia elektryczna oddana do klastra (pula)', 2_900_000, 48_000, 139_200)];
const KINDS: Record<string, InvoiceDocument> = {
  invoice: doc({}),
  'self-billing': doc({ kind: 'self_billing', number: 'OKES-001/2026/000003', seller: city, buyer: coordinator, lines: sold, ...totals(sold, 2300), sellerBankAccount: null }),
  'statement-household': doc({
    kind: 'settlement_statement',
    number: 'OKER/2026/000002',
    seller: home,
    buyer: coordinator,
    lines: sold,
    vatRateBp: 0,
    ...totals(sold, 0),
    sellerBankAccount: null,
    sellerVat: 'not_taxpayer',
  }),
  'self-billing-correction': doc({
    kind: 'correction',
    correctedKind: 'self_billing',
    number: 'OKESK-001/2026/000002',
    seller: city,
    buyer: coordinator,
    lines: lessSold,
    ...totals(lessSold, 2300),
    sellerBankAccount: null,
    coordinatorBankAccount: 'PL34102010130000000000001001',
    correctedInvoiceNumber: 'OKES-001/2026/000003',
    correctedIssueDate: '2026-06-02',
    reason: 'Korekta danych pomiarowych OSD za maj',
    beforeDocumentNumber: 'OKESK-001/2026/000001',
    issueDate: '2026-06-20',
    dueDate: '2026-07-04',
    linesBefore: sold,
    totalNetBeforeGrosze: 154_080,
    totalVatBeforeGrosze: 35_438,
    totalGrossBeforeGrosze: 189_518,
  }),
};

async function textOf(bytes: Buffer) {
  return (await new PDFParse({ data: new Uint8Array(bytes) }).getText()).text;
}

test('Polish dates and months', () => {
  expect(formatDatePl('2026-06-02')).toBe('02.06.2026');
  expect(formatMonthPl('2026-05')).toBe('maj 2026');
  expect(formatMonthPl('2026-10')).toBe('październik 2026');
});

test.each(Object.entries(KINDS))('%s: the PDF reads as its kind', async (name, document) => {
  const bytes = await renderInvoicePdf(document);
  mkdirSync('test-output/pdf', { recursive: true });
  writeFileSync(`test-output/pdf/${name}.pdf`, bytes);
  expect(await renderInvoicePdf(structuredClone(document))).toEqual(bytes); // the same document, the same bytes
  const text = await textOf(bytes);
  expect(text).toContain(document.number);
  expect(text).toContain('Data wystawienia: ');
  expect(text).toContain(formatDatePl(document.issueDate));
  expect(text).toContain('maj 2026');
  if (name === 'invoice') {
    expect(text).toMatch(/Do zapłaty: [\d\s\u00a0]+,\d\d zł/);
    expect(text).toContain('PL34 1020 1013 0000 0000 0000 1001');
    expect(text).toContain('16.06.2026');
    expect(text).toMatch(/Opłata miesięczna koordynatora\s+1\s+usł\./);
    expect(text).toContain('Numer KSeF i kod QR');
  }
  if (name === 'statement-household') {
    expect(text).toContain('niebędący podatnikiem VAT');
    expect(text).toMatch(/nie jest fakturą\s+VAT/);
    expect(text).not.toContain('0%');
    expect(text).toContain('bez VAT');
  }
  if (name === 'self-billing-correction') {
    expect(text).toContain('samofakturowanie');
    expect(text).toContain('Do zwrotu');
    expect(text).toContain('płaci członek klastra, otrzymuje koordynator');
    expect(text).toContain('Różnica 23%');
    expect(text).toContain('na rachunek PL34 1020 1013 0000 0000 0000 1001');
  }
});

test('the KSeF number and its QR code go in their box once the document has them', async () => {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==', 'base64');
  const text = await textOf(await renderInvoicePdf(KINDS.invoice as InvoiceDocument, { ksefNumber: '6410000008-20260602-0A1B2C-3D4E5F-01', qrCodePng: png }));
  expect(text.replace(/\s+/g, '')).toContain('6410000008-20260602-0A1B2C-3D4E5F-01');
  expect(text).not.toContain('pojawią się tu');
});
