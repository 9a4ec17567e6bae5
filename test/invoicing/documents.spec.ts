// Documents of a month and their corrections (art. 106j): series, marking, signs; and every
// kind, generated with awkward names, zero amounts and several rates, validates as FA(3).
import fc from 'fast-check';
import type { AgreementVersion, ClusterProfile, Member } from '../../src/clusters/domain/registry.js';
import type { MemberStatement } from '../../src/settlement/domain/engine/statement.js';
import { fa3Schema } from '../../src/common/xml-schema.js';
import {
  decideCorrections,
  decideIssue,
  evolveInvoicing,
  initialInvoicingState,
  type InvoiceDocument,
  type InvoiceLine,
  type InvoicingState,
  memberMonthDocuments,
  settlementOf,
  totals,
} from '../../src/invoicing/domain/documents.js';
import { renderFa3 } from '../../src/invoicing/domain/fa3/render.js';
import { priceWh } from '../../src/shared/largest-remainder.js';

const cluster: ClusterProfile = {
  clusterId: 'c1',
  name: 'Klaster',
  coordinator: { legalName: 'Koordynator sp. z o.o.', nip: '6410000008', address: 'ul. Demonstracyjna 1, 43-180 Orzesze', bankAccount: 'PL34102010130000000000001001' },
  distributionSystemOperator: 'OSD',
  area: { powiat: 'mikołowski' },
  ureRegisterEntry: null,
};
const member = (memberId: string, over: Partial<Member> = {}): Member => ({
  memberId,
  kind: 'company',
  legalName: `Członek ${memberId}`,
  nip: '6410377173',
  address: 'ul. Przykładowa 1, 43-180 Orzesze',
  invoiceEmail: 'a@b.pl',
  vatPayer: true,
  selfBillingConsent: true,
  admittedOn: '2026-01-01',
  withdrawnOn: null,
  ...over,
});
const members: Record<string, Member> = { a: member('a'), b: member('b', { kind: 'household', nip: null, vatPayer: false, selfBillingConsent: false, legalName: 'Jan Kowalski' }), c: member('c') };
const agreement: AgreementVersion = {
  version: 1,
  effectiveFrom: '2026-01',
  intervalMinutes: 60,
  ownNetting: true,
  allocation: { method: 'pro_rata' },
  internalPriceGroszePerMwh: 48_000,
  referenceGridPriceGroszePerMwh: 95_000,
  feeGroszePerMwhReceived: 1_500,
  feeGroszePerMwhSupplied: 800,
  monthlyFeeGroszePerMember: 2_500,
  vatRateBp: 2300,
  invoiceSeries: 'FV',
  thresholds: {},
  paymentTermDays: 21,
};

function statement(memberId: string, receivedWh: number, suppliedWh: number): MemberStatement {
  return {
    memberId,
    agreementVersion: 1,
    importWh: receivedWh,
    exportWh: suppliedWh,
    selfConsumedWh: 0,
    receivedWh,
    poolReceivedWh: receivedWh,
    contractReceivedWh: 0,
    suppliedWh,
    poolSuppliedWh: suppliedWh,
    contractSuppliedWh: 0,
    gridImportWh: 0,
    gridExportWh: 0,
    contracts: [],
    // the documents take only the energy and the agreement from a statement
    poolReceivedValueGrosze: 0,
    receivedValueGrosze: 0,
    poolSuppliedValueGrosze: 0,
    suppliedValueGrosze: 0,
    feeReceivedGrosze: 0,
    feeSuppliedGrosze: 0,
    monthlyFeeGrosze: 0,
    feesGrosze: 0,
    vatRateBp: 2300,
    vatGrosze: 0,
    netAmountGrosze: 0,
    savingsGrosze: 0,
    exportShareBp: 0,
    importShareBp: 0,
    suppliedShareBp: 0,
    receivedShareBp: 0,
  };
}

let ids = 0;
const base = {
  clusterId: 'c1',
  month: '2026-05',
  issueDate: '2026-06-02',
  issuedAt: '2026-06-02T07:00:00.000Z',
  saleDate: '2026-05-31',
  cluster,
  members,
  agreement,
  newId: () => `d${String(++ids)}`,
};

function run(steps: MemberStatement[][]): InvoicingState {
  let state = initialInvoicingState();
  const apply = (events: ReturnType<typeof decideIssue>) => {
    for (const e of events) state = evolveInvoicing(state, e);
  };
  apply(decideIssue({ ...base, statements: steps[0] ?? [] }, state));
  steps.slice(1).forEach((statements, i) => {
    apply(decideCorrections({ ...base, issueDate: `2026-06-1${String(i)}`, statements, reason: 'Korekta odczytów OSD', latest: state.documents }, state));
  });
  return state;
}

test("a correction of a self-billing invoice is a self-billing correction: the member's series, marked, signed by who pays", () => {
  const state = run([
    [statement('a', 0, 500_000), statement('c', 0, 100_000)],
    [statement('a', 0, 400_000), statement('c', 0, 100_000)],
    [statement('a', 0, 450_000), statement('c', 0, 120_000)],
  ]);
  const selfBilling = state.documents.filter((d) => d.kind === 'self_billing');
  expect(selfBilling.map((d) => d.number)).toEqual(['FVS-001/2026/000001', 'FVS-003/2026/000001']);
  // the fee on energy supplied corrects the invoice too (FVK); the supply is the self-billing side
  const corrections = state.documents.filter((d) => d.kind === 'correction' && d.memberId === 'a' && d.correctedKind === 'self_billing');
  expect(corrections.map((d) => [d.number, d.correctedKind, d.correctedInvoiceNumber, d.beforeDocumentNumber])).toEqual([
    ['FVSK-001/2026/000001', 'self_billing', 'FVS-001/2026/000001', 'FVS-001/2026/000001'],
    ['FVSK-001/2026/000002', 'self_billing', 'FVS-001/2026/000001', 'FVSK-001/2026/000001'],
  ]);
  expect(state.documents.find((d) => d.memberId === 'c' && d.correctedKind === 'self_billing')?.number).toBe('FVSK-003/2026/000001');
  // down 100 kWh: 48,00 net + 11,04 VAT the member returns to the coordinator
  const [down, up] = corrections as [InvoiceDocument, InvoiceDocument];
  expect(down.totalGrossGrosze - (down.totalGrossBeforeGrosze ?? 0)).toBe(-5904);
  expect(settlementOf(down)).toEqual({ direction: 'do_zwrotu', payer: 'member', payee: 'coordinator', amountGrosze: 5904 });
  expect(settlementOf(up)).toEqual({ direction: 'do_zaplaty', payer: 'coordinator', payee: 'member', amountGrosze: 2952 });
  const xml = renderFa3(down, { correctedKsefNumber: null });
  expect(fa3Schema().validate(xml)).toEqual({ valid: true });
  expect(xml).toContain('<P_17>1</P_17>');
  expect(xml).toContain('<RodzajFaktury>KOR</RodzajFaktury>');
  expect(xml).toContain('<NrFaKorygowanej>FVS-001/2026/000001</NrFaKorygowanej>');
  expect(xml).toContain('<NrKSeFN>1</NrKSeFN>');
  expect(xml).toContain('<P_13_1>-48.00</P_13_1>');
  expect(xml).toContain('<P_14_1>-11.04</P_14_1>');
  expect(xml).toContain('<P_15>-59.04</P_15>');
  expect(xml).toContain('<StanPrzed>1</StanPrzed>');
  expect(xml).toContain('<TypKorekty>2</TypKorekty>');
});

test("an invoice correction: the coordinator's K series; the KSeF number of the original once it has one", () => {
  const state = run([[statement('a', 1_000_000, 0)], [statement('a', 1_100_000, 0)]]);
  const correction = state.documents.find((d) => d.kind === 'correction') as InvoiceDocument;
  expect(correction.number).toBe('FVK/2026/000001');
  expect(settlementOf(correction)).toMatchObject({ direction: 'do_zaplaty', payer: 'member', payee: 'coordinator' });
  const xml = renderFa3(correction, { correctedKsefNumber: '6410000008-20260602-0A1B2C-3D4E5F-01' });
  expect(fa3Schema().validate(xml)).toEqual({ valid: true });
  expect(xml).toContain('<NrKSeF>1</NrKSeF>');
  expect(xml).toContain('<NrKSeFFaKorygowanej>6410000008-20260602-0A1B2C-3D4E5F-01</NrKSeFFaKorygowanej>');
  expect(xml).toContain('<TypKorekty>1</TypKorekty>');
  expect(xml).toContain('<P_17>2</P_17>');
  expect(correction.dueDate).toBe('2026-07-01'); // issued 2026-06-10, 21 days
  expect(correction.sellerBankAccount).toBe('PL34102010130000000000001001');
});

test("a non-VAT payer's supply is a statement in its own series, without VAT; its corrections in theirs", () => {
  const state = run([[statement('b', 10_000, 200_000)], [statement('b', 10_000, 100_000)]]);
  const kinds = state.documents.map((d) => [d.number, d.kind, d.vatRateBp]);
  expect(kinds).toEqual([
    ['FV/2026/000001', 'invoice', 2300],
    ['FVR/2026/000001', 'settlement_statement', 0],
    ['FVK/2026/000001', 'correction', 2300],
    ['FVRK/2026/000001', 'correction', 0],
  ]);
  // the statement's 96,00 zł, corrected down by 48,00: the member is paid 48,00 for its supply
  expect(state.documents[1]?.totalGrossGrosze).toBe(9600);
  expect(memberMonthDocuments(state.documents, 'b', '2026-05').amountDueGrosze).toBe((state.documents[2]?.totalGrossGrosze ?? 0) - 4800);
});

test('a member with nothing supplied at the close and something after gets the original, not a correction', () => {
  const state = run([[statement('a', 100_000, 0)], [statement('a', 100_000, 50_000)]]);
  expect(state.documents.map((d) => [d.kind, d.number])).toEqual([
    ['invoice', 'FV/2026/000001'],
    ['correction', 'FVK/2026/000001'],
    ['self_billing', 'FVS-001/2026/000001'],
  ]);
});

// names with Polish letters, markup characters and quotes; the schema's tokens collapse
// white space, so the generator gives single-spaced text
const awkward = fc
  .array(fc.constantFrom('ą', 'ę', 'ł', 'ó', 'ś', 'ż', 'ź', 'ć', 'ń', 'Ł', 'Ż', '&', '<', '>', '"', "'", '„', '”', 'a', 'Z', '1', '/', ';'), { minLength: 1, maxLength: 40 })
  .map((cs) => `Firma ${cs.join('')}`);
const rate = fc.constantFrom(2300, 800, 500, 0);
const line: fc.Arbitrary<InvoiceLine> = fc.oneof(
  fc
    .record({ wh: fc.integer({ min: 0, max: 50_000_000 }), price: fc.integer({ min: 0, max: 200_000 }), rate, description: awkward })
    .map(({ wh, price, rate: r, description }) => ({ description, category: 'energy' as const, quantityWh: wh, unitPriceGroszePerMwh: price, netGrosze: priceWh(wh, price), vatRateBp: r })),
  fc
    .record({ net: fc.integer({ min: 0, max: 1_000_000 }), rate })
    .map(({ net, rate: r }) => ({ description: 'Opłata miesięczna koordynatora', category: 'fee' as const, quantityWh: null, unitPriceGroszePerMwh: null, netGrosze: net, vatRateBp: r })),
);
const party = fc.record({ name: awkward, household: fc.boolean(), address: awkward });

test('every kind of FA(3) document validates: awkward names, zero amounts, several rates, corrections of corrections', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<'invoice' | 'self_billing'>('invoice', 'self_billing'),
      party,
      party,
      fc.array(fc.array(line, { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (kind, seller, buyer, states, jst) => {
        const buyerParty = {
          name: buyer.name,
          nip: buyer.household && kind === 'invoice' ? null : '6410377173',
          address: buyer.address,
          ...(jst ? { jstUnit: { name: 'Szkoła Podstawowa nr 1 & <Przedszkole>', nip: '6410754345' } } : {}),
        };
        const sellerParty = { name: seller.name, nip: '6410000008', address: seller.address };
        const first = states[0] ?? [];
        let previous: InvoiceDocument = {
          invoiceId: 'i0',
          number: kind === 'invoice' ? 'FV/2026/000001' : 'FVS-002/2026/000001',
          series: 'FV',
          sequence: 1,
          kind,
          clusterId: 'c1',
          memberId: 'm',
          month: '2026-02',
          issueDate: '2026-03-02',
          issuedAt: '2026-03-02T09:00:00.000Z',
          saleDate: '2026-02-28',
          seller: sellerParty,
          buyer: buyerParty,
          lines: first,
          vatRateBp: 2300,
          ...totals(first, 2300),
          dueDate: '2026-03-16',
          sellerBankAccount: kind === 'invoice' ? 'PL34102010130000000000001001' : null,
        };
        const documents = [previous];
        const original = previous;
        states.slice(1).forEach((lines, i) => {
          const t = totals(lines, 2300);
          previous = {
            ...previous,
            invoiceId: `i${String(i + 1)}`,
            number: `FVK/2026/00000${String(i + 1)}`,
            kind: 'correction',
            correctedKind: kind,
            issueDate: `2026-03-1${String(i)}`,
            issuedAt: `2026-03-1${String(i)}T09:00:00.000Z`,
            lines,
            ...t,
            correctedInvoiceNumber: original.number,
            correctedInvoiceId: 'i0',
            correctedIssueDate: original.issueDate,
            reason: 'Korekta & <odczytów> "OSD"',
            linesBefore: previous.lines,
            totalNetBeforeGrosze: previous.totalNetGrosze,
            totalVatBeforeGrosze: previous.totalVatGrosze,
            totalGrossBeforeGrosze: previous.totalGrossGrosze,
            beforeDocumentNumber: previous.number,
          };
          documents.push(previous);
        });
        for (const d of documents) {
          const xml = renderFa3(d, { correctedKsefNumber: d.kind === 'correction' && d.issueDate.endsWith('1') ? '6410000008-20260302-0A1B2C-3D4E5F-01' : null });
          const result = fa3Schema().validate(xml);
          expect([d.number, result]).toEqual([d.number, { valid: true }]);
          expect(xml).toContain(`<Nazwa>${seller.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</Nazwa>`);
        }
      },
    ),
    { numRuns: 150 },
  );
});
