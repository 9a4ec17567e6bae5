import fc from 'fast-check';
import type { InvoiceDocument, InvoiceLine } from './documents.js';
import { formatNumber, seriesOf } from './documents.js';
import { balances, postingFor } from './ledger.js';
import { formatKwh, formatUnitPrice, formatZloty } from './print.js';
import { applyRateBp } from '../../shared/largest-remainder.js';

const line = fc
  .record({
    category: fc.constantFrom<'energy' | 'fee'>('energy', 'fee'),
    netGrosze: fc.integer({ min: 0, max: 10_000_000_000 }),
  })
  .map((l): InvoiceLine => ({ description: 'x', quantityWh: null, unitPriceGroszePerMwh: null, ...l }));

const document = fc
  .record({
    kind: fc.constantFrom<InvoiceDocument['kind']>('invoice', 'self_billing', 'settlement_statement', 'correction'),
    correctedKind: fc.constantFrom<InvoiceDocument['kind']>('invoice', 'self_billing', 'settlement_statement'),
    lines: fc.array(line, { maxLength: 6 }),
    linesBefore: fc.array(line, { maxLength: 6 }),
    vatRateBp: fc.constantFrom(0, 500, 800, 2300),
  })
  .map(({ kind, correctedKind, lines, linesBefore, vatRateBp }) => {
    const net = lines.reduce((a, l) => a + l.netGrosze, 0);
    const before = linesBefore.reduce((a, l) => a + l.netGrosze, 0);
    return {
      invoiceId: 'i',
      number: 'FV/2026/000001',
      series: 'FV',
      sequence: 1,
      kind,
      clusterId: 'c',
      memberId: 'm',
      month: '2026-05',
      issueDate: '2026-06-02',
      saleDate: '2026-05-31',
      seller: { name: 's', nip: null, address: '' },
      buyer: { name: 'b', nip: null, address: '' },
      lines,
      vatRateBp,
      totalNetGrosze: net,
      totalVatGrosze: applyRateBp(net, vatRateBp),
      totalGrossGrosze: net + applyRateBp(net, vatRateBp),
      ...(kind === 'correction'
        ? { correctedKind, linesBefore, totalNetBeforeGrosze: before, totalVatBeforeGrosze: applyRateBp(before, vatRateBp), totalGrossBeforeGrosze: before + applyRateBp(before, vatRateBp) }
        : {}),
    } satisfies InvoiceDocument;
  });

test('every document posts a balanced transaction of non-negative whole grosze; so do any number of them', () => {
  fc.assert(
    fc.property(fc.array(document, { maxLength: 20 }), (documents) => {
      const postings = documents.map(postingFor); // postingFor asserts balance itself
      for (const p of postings) for (const e of p.entries) expect(e.debitGrosze >= 0 && e.creditGrosze >= 0).toBe(true);
      const ledger = balances(postings);
      expect(ledger.balanced).toBe(true);
      expect(ledger.totalDebitGrosze).toBe(ledger.totalCreditGrosze);
    }),
    { numRuns: 300 },
  );
});

test('an invoice: the member owes the gross; energy, fees and VAT are credited', () => {
  const [doc] = fc.sample(
    document.filter((d) => d.kind === 'invoice'),
    { numRuns: 1, seed: 7 },
  ) as [InvoiceDocument];
  const entries = postingFor({
    ...doc,
    lines: [
      { description: 'e', category: 'energy', quantityWh: 1, unitPriceGroszePerMwh: 1, netGrosze: 1000 },
      { description: 'f', category: 'fee', quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: 200 },
    ],
    totalVatGrosze: 276,
  }).entries;
  expect(entries).toEqual([
    { account: 'cluster_clearing', debitGrosze: 0, creditGrosze: 1000 },
    { account: 'coordinator_fee_income', debitGrosze: 0, creditGrosze: 200 },
    { account: 'member_receivable:m', debitGrosze: 1476, creditGrosze: 0 },
    { account: 'output_vat', debitGrosze: 0, creditGrosze: 276 },
  ]);
});

test('numbers and Polish formatting', () => {
  expect(formatNumber('FV', '2026', 123)).toBe('FV/2026/000123');
  expect(seriesOf('FV', 'invoice')).toBe('FV');
  expect(seriesOf('FV', 'self_billing', { memberNumber: 3 })).toBe('FVS-003');
  expect(seriesOf('FV', 'settlement_statement')).toBe('FVR');
  expect(seriesOf('FV', 'correction', { correctedKind: 'invoice' })).toBe('FVK');
  expect(seriesOf('FV', 'correction', { correctedKind: 'self_billing', memberNumber: 3 })).toBe('FVSK-003');
  expect(seriesOf('FV', 'correction', { correctedKind: 'settlement_statement' })).toBe('FVRK');
  expect(() => seriesOf('FV', 'self_billing')).toThrow(/member/);
  expect(formatZloty(123456789)).toBe('1\u00a0234\u00a0567,89 zł');
  expect(formatZloty(5)).toBe('0,05 zł');
  expect(formatKwh(12345)).toBe('12,345');
  expect(formatUnitPrice(45_000)).toBe('0,45000 zł/kWh');
});
