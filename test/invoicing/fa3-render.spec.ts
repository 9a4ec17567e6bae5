// FA(3) documents as the service renders them validate against the official schema, offline.
import { fa3Schema } from '../../src/common/xml-schema.js';
import type { InvoiceDocument, InvoiceLine } from '../../src/invoicing/domain/documents.js';
import { totals } from '../../src/invoicing/domain/documents.js';
import { isFa3Document, renderFa3 } from '../../src/invoicing/domain/fa3/render.js';

const coordinator = { name: 'Koordynator & <Spółka> "Zażółć" gęślą jaźń', nip: '6410000008', address: 'ul. Łąkowa 1, 43-180 Orzesze' };
const city = { name: 'Miasto Orzesze', nip: '6410377173', address: 'ul. Gliwicka 8, 43-180 Orzesze' };
const energy = (wh: number, price: number, netGrosze: number): InvoiceLine => ({
  description: 'Energia elektryczna otrzymana z klastra (pula)',
  category: 'energy',
  quantityWh: wh,
  unitPriceGroszePerMwh: price,
  netGrosze,
});
const monthly: InvoiceLine = { description: 'Opłata miesięczna koordynatora', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: 2500 };

function document(over: Partial<InvoiceDocument>): InvoiceDocument {
  const lines = over.lines ?? [energy(123_456, 48_000, 5926), monthly];
  return {
    invoiceId: '00000000-0000-4000-8000-000000000001',
    number: 'OKE/2026/000001',
    series: 'OKE',
    sequence: 1,
    kind: 'invoice',
    clusterId: 'c1',
    memberId: 'm1',
    month: '2026-05',
    issueDate: '2026-06-02',
    saleDate: '2026-05-31',
    issuedAt: '2026-06-02T08:15:30.123Z',
    seller: coordinator,
    buyer: city,
    lines,
    vatRateBp: 2300,
    ...totals(lines, 2300),
    dueDate: '2026-06-16',
    sellerBankAccount: 'PL61109010140000071219812874',
    ...over,
  };
}

const expectValid = (xml: string) => {
  expect(fa3Schema().validate(xml)).toEqual({ valid: true });
};

test('an invoice to a member validates, with its month, lines in kWh and totals per rate', () => {
  const xml = renderFa3(document({}), { correctedKsefNumber: null });
  expectValid(xml);
  expect(xml).toContain('<P_6_Od>2026-05-01</P_6_Od>');
  expect(xml).toContain('<P_6_Do>2026-05-31</P_6_Do>');
  expect(xml).toContain('<P_8B>123.456</P_8B>');
  expect(xml).toContain('<P_9A>0.48000</P_9A>');
  expect(xml).toContain('<P_13_1>84.26</P_13_1>');
  expect(xml).toContain('<P_14_1>19.38</P_14_1>');
  expect(xml).toContain('<P_15>103.64</P_15>');
  expect(xml).toContain('<DataWytworzeniaFa>2026-06-02T08:15:30Z</DataWytworzeniaFa>');
  expect(xml).toContain('Koordynator &amp; &lt;Spółka&gt; "Zażółć" gęślą jaźń');
  expect(xml).toContain('<P_17>2</P_17>');
});

test('a self-billing invoice: the member sells, the coordinator buys, P_17 = 1', () => {
  const xml = renderFa3(
    document({ kind: 'self_billing', number: 'OKES-001/2026/000001', seller: city, buyer: coordinator, lines: [energy(500_000, 48_000, 24_000)], ...totals([energy(500_000, 48_000, 24_000)], 2300) }),
    { correctedKsefNumber: null },
  );
  expectValid(xml);
  expect(xml).toContain('<P_17>1</P_17>');
  expect(xml.indexOf('Miasto Orzesze')).toBeLessThan(xml.indexOf('Koordynator'));
});

test('a household buyer without a NIP is BrakID', () => {
  const xml = renderFa3(document({ buyer: { name: 'Jan Kowalski', nip: null, address: 'ul. Polna 3, 43-180 Orzesze' } }), { correctedKsefNumber: null });
  expectValid(xml);
  expect(xml).toContain('<BrakID>1</BrakID>');
});

test('the same document gives the same bytes', () => {
  expect(renderFa3(document({}), { correctedKsefNumber: null })).toBe(renderFa3(structuredClone(document({})), { correctedKsefNumber: null }));
});

test('a settlement statement is not an FA(3) document', () => {
  expect(isFa3Document(document({ kind: 'settlement_statement' }))).toBe(false);
  expect(isFa3Document(document({ kind: 'correction', correctedKind: 'settlement_statement' }))).toBe(false);
  expect(isFa3Document(document({ kind: 'correction', correctedKind: 'self_billing' }))).toBe(true);
  expect(() => renderFa3(document({ kind: 'settlement_statement' }), { correctedKsefNumber: null })).toThrow(/settlement statement/);
});
