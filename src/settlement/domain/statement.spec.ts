import fc from 'fast-check';
import { type ActiveContract, allocateInterval, type AllocationMethod, type IntervalAllocationResult, type MemberFlow } from './allocation.js';
import {
  addIntervalToMonth, type AgreementTerms, type ContractTerms, emptyMonthEnergy, type MemberStatement, settleMonth,
  settleMonthEnergy, trailingTwelveMonthKpis,
} from './statement.js';

const terms: AgreementTerms = {
  version: 2,
  effectiveFrom: '2025-01',
  internalPriceGroszePerMwh: 40_000, // 400 zł/MWh
  referenceGridPriceGroszePerMwh: 80_000,
  feeGroszePerMwhReceived: 1_000,
  feeGroszePerMwhSupplied: 500,
  monthlyFeeGroszePerMember: 2_000,
  vatRateBp: 2300,
};
const c1: ActiveContract = { contractId: 'c1', sellerMemberId: 'S', buyerMemberId: 'B', contractedWh: 1000 };
const c1Terms: ContractTerms = { contractId: 'c1', sellerMemberId: 'S', buyerMemberId: 'B', priceGroszePerMwh: 30_000 };
const pro = { method: 'pro_rata' } as const;

// Two intervals, own netting on:
// 1: A imports 3000, B 1000, S exports 4000 → contract 1000 to B, pool 3000 to A
// 2: A imports 2000, B 2000, S exports 1500 and imports 500 → self 500, contract 1000 to B, pool nothing
const intervals = (): IntervalAllocationResult[] => [
  allocateInterval({
    ownNetting: true, allocation: pro, contracts: [c1],
    members: [{ memberId: 'A', exportWh: 0, importWh: 3000 }, { memberId: 'B', exportWh: 0, importWh: 1000 }, { memberId: 'S', exportWh: 4000, importWh: 0 }],
  }),
  allocateInterval({
    ownNetting: true, allocation: pro, contracts: [c1],
    members: [{ memberId: 'A', exportWh: 0, importWh: 2000 }, { memberId: 'B', exportWh: 0, importWh: 2000 }, { memberId: 'S', exportWh: 1500, importWh: 500 }],
  }),
];
const settle = (extra: Partial<Parameters<typeof settleMonth>[0]> = {}) =>
  settleMonth({
    month: '2025-06', terms, contracts: [c1Terms], activeMemberIds: ['S', 'B', 'A'], intervals: intervals(),
    renewableExportWh: new Map([['S', 4400]]), thresholds: { selfSufficiencyBp: 6000, renewableShareBp: 9000 }, ...extra,
  });
const byId = (statements: MemberStatement[]) => Object.fromEntries(statements.map((s) => [s.memberId, s]));

describe('a small hand-computed month', () => {
  test('energy is summed per member', () => {
    const { A, B, S } = byId(settle().members);
    expect(A).toMatchObject({ importWh: 5000, exportWh: 0, selfConsumedWh: 0, receivedWh: 3000, poolReceivedWh: 3000, contractReceivedWh: 0, suppliedWh: 0, gridImportWh: 2000, gridExportWh: 0 });
    expect(B).toMatchObject({ importWh: 3000, receivedWh: 2000, poolReceivedWh: 0, contractReceivedWh: 2000, gridImportWh: 1000 });
    expect(S).toMatchObject({ importWh: 500, exportWh: 5500, selfConsumedWh: 500, suppliedWh: 5000, poolSuppliedWh: 3000, contractSuppliedWh: 2000, gridExportWh: 0, gridImportWh: 0 });
  });

  test('values, fees, VAT, net and savings', () => {
    const { A, B, S } = byId(settle().members);
    // A: 3000 Wh × 400 zł/MWh = 120 gr; fee 3000 Wh × 10 zł/MWh = 3 gr + 2000; VAT 23% of 2123 = 488.29 → 488
    expect(A).toMatchObject({
      poolReceivedValueGrosze: 120, contractReceivedValueGrosze: 0, receivedValueGrosze: 120, suppliedValueGrosze: 0,
      feeReceivedGrosze: 3, feeSuppliedGrosze: 0, monthlyFeeGrosze: 2000, feesGrosze: 2003, vatRateBp: 2300, vatGrosze: 488,
      netAmountGrosze: 120 + 2003 + 488, savingsGrosze: 240 - 120, agreementVersion: 2, month: '2025-06',
    });
    // B: 2000 Wh at the contract's 300 zł/MWh = 60 gr; VAT 23% of 2062 = 474.26 → 474
    expect(B).toMatchObject({ receivedValueGrosze: 60, contractReceivedValueGrosze: 60, feesGrosze: 2002, vatGrosze: 474, netAmountGrosze: 60 + 2002 + 474, savingsGrosze: 160 - 60 });
    // S: pool 120 + contract 60 supplied; fee 5000 Wh × 5 zł/MWh = 2.5 gr → 3 (half up); VAT only on the fees: 23% of 2003 = 460.69 → 461
    expect(S).toMatchObject({
      poolSuppliedValueGrosze: 120, contractSuppliedValueGrosze: 60, suppliedValueGrosze: 180, receivedValueGrosze: 0,
      feeSuppliedGrosze: 3, feesGrosze: 2003, vatGrosze: 461, netAmountGrosze: 2003 + 461 - 180, savingsGrosze: 0,
    });
  });

  test('contract lines for both parties', () => {
    const { A, B, S } = byId(settle().members);
    expect(A.contracts).toEqual([]);
    expect(B.contracts).toEqual([{ contractId: 'c1', counterpartyMemberId: 'S', role: 'buyer', contractedWh: 2000, deliveredWh: 2000, shortfallWh: 0, priceGroszePerMwh: 30_000, valueGrosze: 60 }]);
    expect(S.contracts).toEqual([{ contractId: 'c1', counterpartyMemberId: 'B', role: 'seller', contractedWh: 2000, deliveredWh: 2000, shortfallWh: 0, priceGroszePerMwh: 30_000, valueGrosze: 60 }]);
  });

  test('shares of the cluster totals in basis points', () => {
    const { A, B, S } = byId(settle().members);
    expect([A.importShareBp, B.importShareBp, S.importShareBp]).toEqual([5882, 3529, 588]); // of 8500 Wh
    expect([A.exportShareBp, S.exportShareBp]).toEqual([0, 10_000]);
    expect([A.receivedShareBp, B.receivedShareBp, S.receivedShareBp]).toEqual([6000, 4000, 0]);
    expect([A.suppliedShareBp, S.suppliedShareBp]).toEqual([0, 10_000]);
  });

  test('cluster totals and KPIs against thresholds', () => {
    const { cluster, members } = settle();
    expect(cluster).toMatchObject({
      month: '2025-06', agreementVersion: 2, memberCount: 3, importWh: 8500, exportWh: 5500, selfConsumedWh: 500,
      receivedWh: 5000, suppliedWh: 5000, gridImportWh: 3000, gridExportWh: 0, renewableExportWh: 4400,
      selfSufficiency: { valueBp: 6471, thresholdBp: 6000, met: true }, // (500 + 5000) / 8500
      renewableShare: { valueBp: 8000, thresholdBp: 9000, met: false }, // 4400 / 5500
      receivedValueGrosze: 180, suppliedValueGrosze: 180, poolRoundingGrosze: 0,
    });
    expect(cluster.netAmountGrosze).toBe(members.reduce((a, s) => a + s.netAmountGrosze, 0));
    expect(settle({ thresholds: undefined }).cluster.selfSufficiency).toEqual({ valueBp: 6471, thresholdBp: null, met: null });
  });

  test('members are sorted by id; an active member with no energy still pays the monthly fee', () => {
    const { members } = settle({ activeMemberIds: ['S', 'B', 'A', 'Z'] });
    expect(members.map((s) => s.memberId)).toEqual(['A', 'B', 'S', 'Z']);
    expect(members[3]).toMatchObject({ importWh: 0, receivedWh: 0, feesGrosze: 2000, vatGrosze: 460, netAmountGrosze: 2460, importShareBp: 0, contracts: [] });
  });

  test('streamed intervals give the same statements', () => {
    const energy = emptyMonthEnergy();
    for (const i of intervals()) addIntervalToMonth(energy, i);
    const streamed = settleMonthEnergy({ month: '2025-06', terms, contracts: [c1Terms], activeMemberIds: ['A', 'B', 'S'], energy, renewableExportWh: new Map([['S', 4400]]), thresholds: { selfSufficiencyBp: 6000, renewableShareBp: 9000 } });
    expect(streamed).toEqual(settle());
  });
});

describe('pricing rounds half up, once per summed Wh', () => {
  test('0.5 grosz rounds up; per-member rounding shows in poolRoundingGrosze', () => {
    // two receivers of 1 Wh each at 5000 zł/MWh (0.5 gr each → 1 gr each); the supplier's 2 Wh → 1 gr
    const interval = allocateInterval({
      ownNetting: true, allocation: pro,
      members: [{ memberId: 'A', exportWh: 0, importWh: 1 }, { memberId: 'B', exportWh: 0, importWh: 1 }, { memberId: 'S', exportWh: 2, importWh: 0 }],
    });
    const { members, cluster } = settleMonth({
      month: '2025-06', terms: { ...terms, internalPriceGroszePerMwh: 500_000 }, contracts: [], activeMemberIds: ['A', 'B', 'S'], intervals: [interval],
    });
    const s = byId(members);
    expect([s.A.receivedValueGrosze, s.B.receivedValueGrosze, s.S.suppliedValueGrosze]).toEqual([1, 1, 1]);
    expect(cluster.poolRoundingGrosze).toBe(1);
  });
  test('the month is summed before pricing: 4 intervals of 0.4 gr are 1.6 gr → 2, not 4 × 0', () => {
    const one = allocateInterval({
      ownNetting: true, allocation: pro,
      members: [{ memberId: 'A', exportWh: 0, importWh: 1 }, { memberId: 'S', exportWh: 1, importWh: 0 }],
    });
    const { members } = settleMonth({
      month: '2025-06', terms: { ...terms, internalPriceGroszePerMwh: 400_000 }, contracts: [], activeMemberIds: ['A', 'S'], intervals: [one, one, one, one],
    });
    expect(byId(members).A.receivedValueGrosze).toBe(2);
  });
});

describe('rejected input', () => {
  test('energy of a member not active in the month', () => {
    expect(() => settle({ activeMemberIds: ['A', 'B'] })).toThrow(/not active/);
  });
  test('a contract without terms, or with other parties', () => {
    expect(() => settle({ contracts: [] })).toThrow(/no terms for contract c1/);
    expect(() => settle({ contracts: [{ ...c1Terms, buyerMemberId: 'A' }] })).toThrow(/other parties/);
  });
  test('terms not yet in force, a malformed month, negative prices', () => {
    expect(() => settle({ terms: { ...terms, effectiveFrom: '2025-07' } })).toThrow(/does not apply/);
    expect(() => settle({ month: '2025-6' })).toThrow(/YYYY-MM/);
    expect(() => settle({ terms: { ...terms, vatRateBp: -1 } })).toThrow(/vatRateBp/);
  });
  test('renewable export above the member\'s export', () => {
    expect(() => settle({ renewableExportWh: new Map([['S', 5501]]) })).toThrow(/exceeds/);
  });
});

describe('trailing 12 months', () => {
  const month = (m: string, importWh: number, covered: number, exportWh: number, renewableExportWh: number) =>
    ({ month: m, importWh, exportWh, selfConsumedWh: 0, receivedWh: covered, renewableExportWh });
  test('sums the Wh over the window first, then takes the ratio', () => {
    const kpis = trailingTwelveMonthKpis(
      [
        month('2024-06', 1000, 1000, 0, 0), // outside the window
        month('2024-07', 100, 100, 100, 100), // 100% in a small month
        month('2025-01', 900, 0, 900, 0), // 0% in a large month
        month('2025-06', 0, 0, 0, 0),
      ],
      '2025-06',
      { selfSufficiencyBp: 1500 },
    );
    expect(kpis).toMatchObject({ fromMonth: '2024-07', toMonth: '2025-06', importWh: 1000, receivedWh: 100, exportWh: 1000, renewableExportWh: 100 });
    expect(kpis.monthsIncluded).toEqual(['2024-07', '2025-01', '2025-06']);
    expect(kpis.monthsMissing).toHaveLength(9);
    // 100 / 1000 = 10%, not the 50% an average of the monthly ratios would give
    expect(kpis.selfSufficiency).toEqual({ valueBp: 1000, thresholdBp: 1500, met: false });
    expect(kpis.renewableShare).toEqual({ valueBp: 1000, thresholdBp: null, met: null });
  });
  test('a month given twice is rejected', () => {
    expect(() => trailingTwelveMonthKpis([month('2025-01', 1, 1, 1, 1), month('2025-01', 1, 1, 1, 1)], '2025-06')).toThrow(/twice/);
  });
  test('a ClusterMonthTotals can be passed as it is', () => {
    const { cluster } = settle();
    expect(trailingTwelveMonthKpis([cluster], '2025-12').selfSufficiency.valueBp).toBe(cluster.selfSufficiency.valueBp);
  });
});

// Random months: a handful of members, intervals and contracts under every method.
const whArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 10_000_000_000 }));
const monthArb = fc.integer({ min: 1, max: 8 }).chain((n) => {
  const ids = Array.from({ length: n }, (_, i) => `m${i}`);
  const flows = fc.tuple(...ids.map((memberId) => fc.record({ memberId: fc.constant(memberId), exportWh: whArb, importWh: whArb })));
  const contractTerms = fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 0, max: 200_000 })), { maxLength: n === 1 ? 0 : 3 })
    .map((raw) => raw.filter(([s, b]) => s !== b).map(([s, b, priceGroszePerMwh], i): ContractTerms => ({ contractId: `c${i}`, sellerMemberId: ids[s], buyerMemberId: ids[b], priceGroszePerMwh })));
  const allocation = fc.constantFrom<AllocationMethod>(
    { method: 'pro_rata' },
    { method: 'static', redistribute: true, keys: ids.map((memberId) => ({ memberId, shareBp: Math.floor(10_000 / n) })) },
    { method: 'static', redistribute: false, keys: ids.slice(1).map((memberId) => ({ memberId, shareBp: Math.floor(10_000 / n) })) },
    { method: 'priority', tiers: [ids.slice(0, 1)] },
  );
  return fc.record({
    ids: fc.constant(ids),
    intervals: fc.array(flows, { minLength: 1, maxLength: 6 }),
    contracts: contractTerms,
    contractedWh: whArb,
    allocation,
    ownNetting: fc.boolean(),
    prices: fc.record({
      internalPriceGroszePerMwh: fc.integer({ min: 0, max: 200_000 }),
      referenceGridPriceGroszePerMwh: fc.integer({ min: 0, max: 200_000 }),
      feeGroszePerMwhReceived: fc.integer({ min: 0, max: 5_000 }),
      feeGroszePerMwhSupplied: fc.integer({ min: 0, max: 5_000 }),
      monthlyFeeGroszePerMember: fc.integer({ min: 0, max: 10_000 }),
      vatRateBp: fc.constantFrom(0, 500, 800, 2300),
    }),
  });
});

describe('properties of statements', () => {
  test('Σ received = Σ supplied, month sums match the intervals, money adds up', () => {
    fc.assert(fc.property(monthArb, (m) => {
      const active: ActiveContract[] = m.contracts.map((c) => ({ ...c, contractedWh: m.contractedWh }));
      const results = m.intervals.map((members: MemberFlow[]) => allocateInterval({ members, ownNetting: m.ownNetting, allocation: m.allocation, contracts: active }));
      const { members, cluster } = settleMonth({ month: '2025-06', terms: { version: 1, effectiveFrom: '2025-01', ...m.prices }, contracts: m.contracts, activeMemberIds: m.ids, intervals: results });

      const total = (f: (s: MemberStatement) => number) => members.reduce((a, s) => a + f(s), 0);
      expect(total((s) => s.receivedWh)).toBe(total((s) => s.suppliedWh));
      expect(total((s) => s.poolReceivedWh)).toBe(total((s) => s.poolSuppliedWh));
      expect(total((s) => s.contractReceivedWh)).toBe(total((s) => s.contractSuppliedWh));
      expect(cluster.receivedWh).toBe(total((s) => s.receivedWh));
      // contract money: the buyer's lines and the seller's lines agree exactly
      const lines = members.flatMap((s) => s.contracts);
      expect(lines.filter((l) => l.role === 'buyer').reduce((a, l) => a + l.valueGrosze, 0)).toBe(lines.filter((l) => l.role === 'seller').reduce((a, l) => a + l.valueGrosze, 0));
      // pool money differs only by per-member rounding: under 1 grosz per member
      expect(Math.abs(cluster.poolRoundingGrosze)).toBeLessThanOrEqual(members.length);
      expect(cluster.poolRoundingGrosze).toBe(total((s) => s.poolReceivedValueGrosze) - total((s) => s.poolSuppliedValueGrosze));

      for (const s of members) {
        const mine = results.flatMap((r) => r.members.filter((x) => x.memberId === s.memberId));
        expect(s.importWh).toBe(mine.reduce((a, x) => a + x.importWh, 0));
        expect(s.receivedWh).toBe(mine.reduce((a, x) => a + x.receivedWh, 0));
        expect(s.gridExportWh).toBe(mine.reduce((a, x) => a + x.gridExportWh, 0));
        expect(s.importWh).toBe(s.selfConsumedWh + s.receivedWh + s.gridImportWh);
        expect(s.exportWh).toBe(s.selfConsumedWh + s.suppliedWh + s.gridExportWh);
        expect(s.netAmountGrosze).toBe(s.receivedValueGrosze + s.feesGrosze + s.vatGrosze - s.suppliedValueGrosze);
        expect(s.receivedValueGrosze).toBe(s.poolReceivedValueGrosze + s.contractReceivedValueGrosze);
        for (const bp of [s.importShareBp, s.exportShareBp, s.receivedShareBp, s.suppliedShareBp]) expect(bp >= 0 && bp <= 10_000).toBe(true);
        for (const [k, v] of Object.entries(s)) if (typeof v === 'number' && k !== 'savingsGrosze' && k !== 'netAmountGrosze') expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
      }
      expect(cluster.selfSufficiency.valueBp).toBeLessThanOrEqual(10_000);
    }), { numRuns: 200 });
  });
});
