// Invoicing as a coordinator describes it: given the documents already on the
// invoicing-{cluster}-{year} stream, when a closed month's documents (or corrections) are
// asked for, then what is issued, by the stream's decider (invoicingDecider: the pure
// decideIssue and decideCorrections behind one decide).
import fc from 'fast-check';
import { DeciderSpecification } from '../../shared/decider-specification.js';
import type { AgreementVersion, ClusterProfile, Member } from '../../clusters/domain/registry.js';
import type { MemberStatement } from '../../settlement/domain/engine/statement.js';
import { type InvoiceDocument, type InvoicingCommand, invoicingDecider, type InvoicingEvent, type IssueInput } from './documents.js';

const invoicing = DeciderSpecification.for(invoicingDecider);

const cluster: ClusterProfile = {
  clusterId: 'orzesze',
  name: 'Orzeski Klaster Energii',
  coordinator: { legalName: 'Orzeska Energia Sp. z o.o.', nip: '5261040828', address: 'ul. Gliwicka 8, 43-180 Orzesze' },
  distributionSystemOperator: 'Tauron Dystrybucja S.A.',
  area: { powiat: 'mikołowski' },
  ureRegisterEntry: null,
};
const member = (memberId: string, legalName: string, vatPayer: boolean, selfBillingConsent: boolean): Member => ({
  memberId,
  kind: vatPayer ? 'company' : 'household',
  legalName,
  nip: vatPayer ? '6462933516' : null,
  address: 'Orzesze',
  invoiceEmail: `${memberId}@example.pl`,
  vatPayer,
  selfBillingConsent,
  admittedOn: '2026-01-01',
  withdrawnOn: null,
});
// a school that buys, a PV farm that sells under self-billing, a household prosumer that sells without VAT
const members: Record<string, Member> = {
  school: member('school', 'Szkoła Podstawowa nr 1', true, false),
  farm: member('farm', 'Farma PV Orzesze', true, true),
  house: member('house', 'Jan Kowalski', false, false),
};
const agreement: AgreementVersion = {
  version: 1,
  effectiveFrom: '2026-01',
  intervalMinutes: 60,
  ownNetting: true,
  allocation: { method: 'pro_rata' },
  internalPriceGroszePerMwh: 45_000,
  referenceGridPriceGroszePerMwh: 90_000,
  feeGroszePerMwhReceived: 1_000,
  feeGroszePerMwhSupplied: 0,
  monthlyFeeGroszePerMember: 0,
  vatRateBp: 2_300,
  invoiceSeries: 'FV',
  thresholds: {},
};

/** A member's month: only the energy the documents are priced from; the rest is zero. */
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
    poolReceivedValueGrosze: 0,
    receivedValueGrosze: 0,
    poolSuppliedValueGrosze: 0,
    suppliedValueGrosze: 0,
    feeReceivedGrosze: 0,
    feeSuppliedGrosze: 0,
    monthlyFeeGrosze: 0,
    feesGrosze: 0,
    vatRateBp: 2_300,
    vatGrosze: 0,
    netAmountGrosze: 0,
    savingsGrosze: 0,
    exportShareBp: 0,
    importShareBp: 0,
    suppliedShareBp: 0,
    receivedShareBp: 0,
    contracts: [],
  };
}
const mayStatements = [statement('school', 800_000, 0), statement('farm', 0, 600_000), statement('house', 0, 200_000)];

function input(month: string, statements: MemberStatement[], issueDate = '2026-06-03'): IssueInput {
  let n = 0;
  return {
    clusterId: 'orzesze',
    month,
    issueDate,
    issuedAt: `${issueDate}T09:00:00.000Z`,
    saleDate: `${month}-28`,
    cluster,
    members,
    agreement,
    statements,
    newId: () => `${month}-doc-${String(++n)}`,
  };
}
const issue = (month: string, statements = mayStatements, issueDate?: string): InvoicingCommand => ({ type: 'IssueMonth', input: input(month, statements, issueDate) });
const correct = (month: string, statements: MemberStatement[], reason = 'Korekta danych pomiarowych OSD'): InvoicingCommand => ({
  type: 'IssueCorrections',
  input: input(month, statements, '2026-07-02'),
  reason,
});
/** The events a command gives on a history: to build the next given. */
const decided = (history: InvoicingEvent[], command: InvoicingCommand) =>
  invoicingDecider.decide(
    command,
    history.reduce((s, e) => invoicingDecider.evolve(s, e), invoicingDecider.initialState()),
  );
const documentsOf = (events: InvoicingEvent[]) => events.flatMap((e) => e.data.documents);
const summary = (d: InvoiceDocument) => ({ number: d.number, kind: d.kind, memberId: d.memberId });

describe("issuing a closed month's documents", () => {
  test('each member gets its document: an invoice to the buyer, self-billing for the consenting VAT payer, a settlement statement for the household', () => {
    invoicing
      .given([])
      .when(issue('2026-05'))
      .then((events) => {
        expect(events).toHaveLength(1);
        expect(documentsOf(events).map(summary)).toEqual([
          { number: 'FVS-002/2026/000001', kind: 'self_billing', memberId: 'farm' },
          { number: 'FVR/2026/000001', kind: 'settlement_statement', memberId: 'house' },
          { number: 'FV/2026/000001', kind: 'invoice', memberId: 'school' },
        ]);
      });
  });

  test("the school's invoice prices 800 kWh at 450 zł/MWh plus the coordinator's fee, with 23% VAT on the total", () => {
    invoicing
      .given([])
      .when(issue('2026-05'))
      .then((events) => {
        const invoice = documentsOf(events).find((d) => d.memberId === 'school');
        expect(invoice).toMatchObject({
          seller: { name: 'Orzeska Energia Sp. z o.o.' },
          buyer: { name: 'Szkoła Podstawowa nr 1' },
          totalNetGrosze: 36_000 + 800,
          totalVatGrosze: 8_464,
          totalGrossGrosze: 45_264,
        });
      });
  });

  test('numbers continue from the last one used in the series that year', () => {
    const april = decided([], issue('2026-04', mayStatements, '2026-05-04'));
    invoicing
      .given(april)
      .when(issue('2026-05'))
      .then((events) => {
        expect(documentsOf(events).map((d) => d.number)).toEqual(['FVS-002/2026/000002', 'FVR/2026/000002', 'FV/2026/000002']);
      });
  });

  test('asking again for a month already issued yields nothing new', () => {
    invoicing
      .given(decided([], issue('2026-05')))
      .when(issue('2026-05'))
      .thenNothing();
  });

  test('a member of the closed month that the registry does not know stops the issue', () => {
    invoicing
      .given([])
      .when(issue('2026-05', [...mayStatements, statement('ghost', 1_000, 0)]))
      .thenThrows('conflict', 'member ghost of the closed month is not in the registry');
  });
});

describe('corrections after late data', () => {
  const may = decided([], issue('2026-05'));

  test('only the member whose figures changed gets a correction, in the K series, naming the document it corrects and what it said before', () => {
    const later = [statement('school', 900_000, 0), statement('farm', 0, 600_000), statement('house', 0, 200_000)];
    invoicing
      .given(may)
      .when(correct('2026-05', later))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['CorrectionInvoicesIssued']);
        const [correction, ...others] = documentsOf(events);
        expect(others).toEqual([]);
        expect(correction).toMatchObject({
          number: 'FVK/2026/000001',
          kind: 'correction',
          correctedKind: 'invoice',
          memberId: 'school',
          correctedInvoiceNumber: 'FV/2026/000001',
          reason: 'Korekta danych pomiarowych OSD',
          totalNetBeforeGrosze: 36_800,
          totalNetGrosze: 40_500 + 900,
        });
      });
  });

  test('when nothing changed, no correction is issued', () => {
    invoicing.given(may).when(correct('2026-05', mayStatements)).thenNothing();
  });

  test('a month with no documents yet has nothing to correct', () => {
    invoicing.given([]).when(correct('2026-05', mayStatements)).thenNothing();
  });

  test("a later correction of a self-billing invoice goes into the member's own self-billing correction series and names the original document", () => {
    const first = decided(may, correct('2026-05', [statement('school', 900_000, 0), statement('farm', 0, 600_000), statement('house', 0, 200_000)]));
    invoicing
      .given([...may, ...first])
      .when(correct('2026-05', [statement('school', 900_000, 0), statement('farm', 0, 650_000), statement('house', 0, 200_000)]))
      .then((events) => {
        expect(documentsOf(events).map((d) => [d.number, d.memberId, d.correctedKind, d.correctedInvoiceNumber])).toEqual([['FVSK-002/2026/000001', 'farm', 'self_billing', 'FVS-002/2026/000001']]);
      });
  });
});

describe('numbers without gaps', () => {
  const energy = fc.record({ school: fc.nat({ max: 2_000_000 }), farm: fc.nat({ max: 2_000_000 }), house: fc.nat({ max: 500_000 }) });
  const step = fc.record({ month: fc.integer({ min: 1, max: 12 }), correction: fc.boolean(), energy });

  test('over any run of issues, repeats and corrections, each series is numbered 1, 2, 3… once each, in the order issued', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), (steps) => {
        const history: InvoicingEvent[] = [];
        for (const s of steps) {
          const month = `2026-${String(s.month).padStart(2, '0')}`;
          const statements = [statement('school', s.energy.school, 0), statement('farm', 0, s.energy.farm), statement('house', 0, s.energy.house)];
          history.push(...decided(history, s.correction ? correct(month, statements) : issue(month, statements)));
        }
        const bySeries = new Map<string, number[]>();
        for (const d of documentsOf(history)) {
          bySeries.set(d.series, [...(bySeries.get(d.series) ?? []), d.sequence]);
          expect(d.number).toBe(`${d.series}/2026/${String(d.sequence).padStart(6, '0')}`);
        }
        for (const sequences of bySeries.values()) expect(sequences).toEqual(sequences.map((_, i) => i + 1));
      }),
    );
  });

  test('a month is issued once, whatever came before', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }), fc.nat(), (months, pick) => {
        const history: InvoicingEvent[] = [];
        for (const m of months) history.push(...decided(history, issue(`2026-${String(m).padStart(2, '0')}`)));
        const again = months[pick % months.length] ?? 1;
        invoicing
          .given(history)
          .when(issue(`2026-${String(again).padStart(2, '0')}`))
          .thenNothing();
      }),
    );
  });
});
