// A member's month statement and its documents tell the same amount: what the statement says
// the member pays (or is paid) is exactly the signed sum of the member's documents (invoice
// gross minus self-billing gross, or minus the statement's amount), and after corrections,
// corrections of corrections included, the corrected total. Over the five seed clusters and
// every allocation method, on generated months.
import fc from 'fast-check';
import { allocateInterval, type AllocationMethod, type MemberFlow } from '../../src/settlement/domain/engine/allocate.js';
import { buildStatements, MonthAccumulator, type MemberStatement } from '../../src/settlement/domain/engine/statement.js';
import { generateReadings } from '../../src/scenarios/readings-generator.js';
import { SCENARIOS, type Scenario } from '../../src/scenarios/seed-clusters.js';
import type { AgreementVersion, ClusterProfile, Member } from '../../src/clusters/domain/registry.js';
import { decideCorrections, decideIssue, evolveInvoicing, initialInvoicingState, type InvoiceDocument, type InvoicingState, memberMonthDocuments } from '../../src/invoicing/domain/documents.js';
import { isFa3Document, renderFa3 } from '../../src/invoicing/domain/fa3/render.js';
import { fa3Schema } from '../../src/common/xml-schema.js';

const MONTH = '2026-06';

function registry(scenario: Scenario) {
  const members: Record<string, Member> = {};
  for (const m of scenario.members) {
    members[m.key] = {
      memberId: m.key,
      kind: m.kind,
      legalName: m.legalName,
      nip: m.nip ?? null,
      address: m.address,
      invoiceEmail: `${m.key}@example.pl`,
      vatPayer: m.vatPayer,
      selfBillingConsent: m.selfBillingConsent ?? false,
      admittedOn: '2026-01-01',
      withdrawnOn: null,
    };
  }
  const cluster: ClusterProfile = {
    clusterId: scenario.key,
    name: scenario.cluster.name,
    coordinator: scenario.cluster.coordinator,
    distributionSystemOperator: scenario.cluster.distributionSystemOperator,
    area: scenario.cluster.area,
    ureRegisterEntry: null,
  };
  return { members, cluster };
}

/** The scenario's own method and the others, over its members. */
function methods(scenario: Scenario): AllocationMethod[] {
  const own = scenario.agreement.allocation;
  const ids = scenario.members.map((m) => m.key);
  const equal = Math.floor(10_000 / ids.length);
  return [
    own.method === 'static'
      ? { method: 'static', redistribute: own.redistribute, keys: own.keys.map((k) => ({ memberId: k.memberKey, shareBp: k.shareBp })) }
      : own.method === 'priority'
        ? { method: 'priority', tiers: own.tiers }
        : { method: 'pro_rata' },
    { method: 'pro_rata' },
    { method: 'static', redistribute: false, keys: ids.map((memberId) => ({ memberId, shareBp: equal })) },
    { method: 'priority', tiers: [ids.slice(0, Math.ceil(ids.length / 2)), ids.slice(Math.ceil(ids.length / 2))] },
  ];
}

function statementsOf(scenario: Scenario, allocation: AllocationMethod, seed: number, members: Record<string, Member>): MemberStatement[] {
  const generated = generateReadings({ seed, month: MONTH, intervalMinutes: scenario.agreement.intervalMinutes, points: scenario.points });
  const ownerOf = new Map(scenario.points.map((p) => [p.ppeCode, p.memberKey]));
  const contracts = scenario.contracts.map((k, i) => ({
    contractId: `k${String(i)}`,
    sellerMemberId: k.sellerKey,
    buyerMemberId: k.buyerKey,
    contractedWh: k.whPerInterval,
    priceGroszePerMwh: k.priceGroszePerMwh,
  }));
  const month = new MonthAccumulator(scenario.members.map((m) => m.key));
  generated.intervalStarts.forEach((_, i) => {
    const flows = new Map<string, MemberFlow>();
    for (const p of generated.points) {
      const memberId = ownerOf.get(p.ppeCode) as string;
      const flow = flows.get(memberId) ?? { memberId, exportWh: 0, importWh: 0 };
      flow.exportWh += p.exportWh[i] ?? 0;
      flow.importWh += p.importWh[i] ?? 0;
      flows.set(memberId, flow);
    }
    month.add(allocateInterval({ members: [...flows.values()].filter((f) => f.exportWh > 0 || f.importWh > 0), ownNetting: scenario.agreement.ownNetting, allocation, contracts }));
  });
  const vatPayers = new Set(
    Object.values(members)
      .filter((m) => m.vatPayer)
      .map((m) => m.memberId),
  );
  return buildStatements(month, { ...scenario.agreement, version: 1, effectiveFrom: '2026-01' }, contracts, new Map(), vatPayers).members;
}

function expectReconciled(statements: MemberStatement[], documents: InvoiceDocument[]) {
  for (const s of statements) {
    const { amountDueGrosze } = memberMonthDocuments(documents, s.memberId, MONTH);
    expect([s.memberId, amountDueGrosze]).toEqual([s.memberId, s.netAmountGrosze]);
    expect(s.netAmountGrosze).toBe((s.invoiceGrossGrosze ?? 0) - (s.suppliedGrossGrosze ?? 0));
  }
}

const cases = SCENARIOS.flatMap((scenario) => methods(scenario).map((allocation, i) => [`${scenario.key} / ${i === 0 ? 'own ' : ''}${allocation.method}`, scenario, allocation] as const));

test.each(cases)('%s: the statement is the sum of the documents, at the close and after corrections of corrections', (_name, scenario, allocation) => {
  const { members, cluster } = registry(scenario);
  const agreement: AgreementVersion = { ...scenario.agreement, allocation, version: 1, effectiveFrom: '2026-01', paymentTermDays: 14 };
  let n = 0;
  const base = {
    clusterId: scenario.key,
    month: MONTH,
    issueDate: '2026-07-02',
    issuedAt: '2026-07-02T08:00:00.000Z',
    saleDate: '2026-06-30',
    cluster,
    members,
    agreement,
    newId: () => `doc-${String(++n)}`,
  };
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      let state: InvoicingState = initialInvoicingState();
      const apply = (events: ReturnType<typeof decideIssue>) => {
        for (const e of events) state = evolveInvoicing(state, e);
      };
      const closed = statementsOf(scenario, allocation, seed, members);
      apply(decideIssue({ ...base, statements: closed }, state));
      expectReconciled(closed, state.documents);
      // late data twice: a correction, then a correction of the correction
      for (const [k, later] of [
        [1, seed + 1],
        [2, seed + 2],
      ] as const) {
        const now = statementsOf(scenario, allocation, later, members);
        apply(decideCorrections({ ...base, issueDate: `2026-07-1${String(k)}`, statements: now, reason: 'Korekta odczytów OSD', latest: state.documents.filter((d) => d.month === MONTH) }, state));
        expectReconciled(now, state.documents);
      }
      expect(state.documents.filter((d) => d.kind === 'correction' && d.beforeDocumentNumber !== d.correctedInvoiceNumber).length).toBeGreaterThan(0);
      // and every FA(3) document among them validates
      for (const d of state.documents.filter(isFa3Document)) expect([d.number, fa3Schema().validate(renderFa3(d, { correctedKsefNumber: null }))]).toEqual([d.number, { valid: true }]);
      // each series gapless from 1
      const bySeries = new Map<string, number[]>();
      for (const d of state.documents) bySeries.set(d.series, [...(bySeries.get(d.series) ?? []), d.sequence]);
      for (const [, seqs] of bySeries) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }),
    { numRuns: 1 },
  );
});

test("the issue's producer: −42,08 zł on the statement, as its invoice and its self-billing invoice net", () => {
  const month = new MonthAccumulator(['p']);
  const zero = {
    importWh: 0,
    exportWh: 83_521,
    selfConsumedWh: 0,
    receivedWh: 0,
    poolReceivedWh: 0,
    contractReceivedWh: 0,
    suppliedWh: 83_521,
    poolSuppliedWh: 83_521,
    contractSuppliedWh: 0,
    gridImportWh: 0,
    gridExportWh: 0,
  };
  month.members.set('p', zero);
  const terms = {
    version: 1,
    effectiveFrom: '2026-01',
    internalPriceGroszePerMwh: 48_000,
    referenceGridPriceGroszePerMwh: 95_000,
    feeGroszePerMwhReceived: 0,
    feeGroszePerMwhSupplied: 0,
    monthlyFeeGroszePerMember: 588,
    vatRateBp: 2300,
    thresholds: {},
  };
  const [statement] = buildStatements(month, terms, [], new Map(), new Set(['p'])).members;
  // invoice 5,88 + 1,35 VAT = 7,23; self-billing 40,09 + 9,22 VAT = 49,31
  expect(statement).toMatchObject({ suppliedValueGrosze: 4009, suppliedVatGrosze: 922, invoiceGrossGrosze: 723, suppliedGrossGrosze: 4931, netAmountGrosze: -4208 });
  const [nonPayer] = buildStatements(month, terms, [], new Map(), new Set()).members;
  expect(nonPayer?.netAmountGrosze).toBe(723 - 4009);
});
