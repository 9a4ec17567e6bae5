// The month engine must give exactly what the interval engine (the reference) gives, summed
// over the intervals, for every method, with and without own netting and contracts.
import fc from 'fast-check';
import { type ActiveContract, type AllocationMethod, allocateInterval, type MemberFlow } from './allocate.js';
import { allocateMonth, MEMBER_TOTAL_FIELDS } from './allocate-month.js';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f'];

const allocations: fc.Arbitrary<AllocationMethod> = fc.oneof(
  fc.constant({ method: 'pro_rata' as const }),
  fc.shuffledSubarray(IDS, { minLength: 1 }).chain((ids) =>
    fc.array(fc.integer({ min: 1, max: ids.length }), { minLength: ids.length, maxLength: ids.length }).map((cuts) => {
      const tiers: string[][] = [];
      ids.forEach((id, i) => (tiers[(cuts[i] ?? 1) - 1] ??= []).push(id));
      return { method: 'priority' as const, tiers: tiers.filter((t) => t.length > 0) };
    }),
  ),
  fc.tuple(fc.boolean(), fc.shuffledSubarray(IDS, { minLength: 1 }), fc.integer({ min: 0, max: 10_000 })).chain(([redistribute, ids, total]) =>
    fc.array(fc.nat(), { minLength: ids.length, maxLength: ids.length }).map((raw) => {
      const sum = raw.reduce((a, b) => a + b, 0) || 1;
      let given = 0;
      const keys = ids.map((memberId, i) => {
        const shareBp = i === ids.length - 1 ? total - given : Math.floor(((raw[i] ?? 0) * total) / sum);
        given += shareBp;
        return { memberId, shareBp: Math.max(0, shareBp) };
      });
      return { method: 'static' as const, redistribute, keys };
    }),
  ),
);

// values small and large: the large ones pass 2^53 in a product and take the exact path
// tiny values make ties of remainders, where the member id decides
const wh = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) },
);

const months = fc.record({
  members: fc.integer({ min: 1, max: IDS.length }),
  intervals: fc.integer({ min: 1, max: 6 }),
  ownNetting: fc.boolean(),
  allocation: allocations,
  values: fc.array(fc.tuple(wh, wh), { minLength: IDS.length * 6, maxLength: IDS.length * 6 }),
  contracts: fc.array(fc.record({ seller: fc.constantFrom(...IDS), buyer: fc.constantFrom(...IDS), contractedWh: fc.integer({ min: 0, max: 1500 }), from: fc.nat(5) }), { maxLength: 3 }),
});

test('allocateMonth equals allocateInterval summed over the month, for every method', () => {
  fc.assert(
    fc.property(months, (m) => {
      const memberIds = IDS.slice(0, m.members);
      const n = memberIds.length;
      const exportWh = new Float64Array(n * m.intervals);
      const importWh = new Float64Array(n * m.intervals);
      for (let t = 0; t < m.intervals; t++)
        for (let i = 0; i < n; i++) {
          const [e, imp] = m.values[t * IDS.length + i] ?? [0, 0];
          exportWh[t * n + i] = e;
          importWh[t * n + i] = imp;
        }
      const contractsAt = (t: number): ActiveContract[] =>
        m.contracts
          .map((c, i) => ({ contractId: `k${String(i)}`, sellerMemberId: c.seller, buyerMemberId: c.buyer, contractedWh: c.contractedWh, from: c.from }))
          .filter((c) => c.from <= t)
          .map(({ contractId, sellerMemberId, buyerMemberId, contractedWh }) => ({ contractId, sellerMemberId, buyerMemberId, contractedWh }));

      const expected = Object.fromEntries(memberIds.map((id) => [id, Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, 0]))]));
      const expectedContracts: Record<string, { contractedWh: number; deliveredWh: number; shortfallWh: number }> = {};
      const perInterval: Record<string, number>[] = [];
      for (let t = 0; t < m.intervals; t++) {
        const members: MemberFlow[] = [];
        memberIds.forEach((memberId, i) => {
          const flow = { memberId, exportWh: exportWh[t * n + i] ?? 0, importWh: importWh[t * n + i] ?? 0 };
          if (flow.exportWh !== 0 || flow.importWh !== 0) members.push(flow);
        });
        const result = allocateInterval({ members, ownNetting: m.ownNetting, allocation: m.allocation, contracts: contractsAt(t) });
        const received: Record<string, number> = {};
        for (const r of result.members) {
          const sums = expected[r.memberId];
          if (!sums) throw new Error(`allocateInterval answered for ${r.memberId}, not a member of the month`);
          for (const f of MEMBER_TOTAL_FIELDS) sums[f] = (sums[f] ?? 0) + r[f];
          received[r.memberId] = r.receivedWh;
        }
        perInterval.push(received);
        for (const c of result.contracts) {
          const s = (expectedContracts[c.contractId] ??= { contractedWh: 0, deliveredWh: 0, shortfallWh: 0 });
          s.contractedWh += c.contractedWh;
          s.deliveredWh += c.deliveredWh;
          s.shortfallWh += c.shortfallWh;
        }
      }

      const seen: Record<string, number>[] = [];
      const month = allocateMonth({ memberIds, intervalCount: m.intervals, exportWh, importWh }, { ownNetting: m.ownNetting, allocation: m.allocation, contractsAt }, (view) => {
        const received: Record<string, number> = {};
        memberIds.forEach((memberId, i) => {
          if (exportWh[view.interval * n + i] !== 0 || importWh[view.interval * n + i] !== 0) received[memberId] = view.receivedWh[i] ?? 0;
        });
        seen.push(received);
      });
      const actual = Object.fromEntries(memberIds.map((id, i) => [id, Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, month.totals[f][i]]))]));
      expect(actual).toEqual(expected);
      expect(Object.fromEntries(month.contracts)).toEqual(expectedContracts);
      expect(seen).toEqual(perInterval);
    }),
    { numRuns: Number(process.env.ENGINE_RUNS ?? 400) },
  );
});

test('ties of remainders go to the first member id, as in the reference', () => {
  // one Wh of surplus, three equal deficits: b and c tie with a; a gets it
  const month = allocateMonth(
    { memberIds: ['a', 'b', 'c', 's'], intervalCount: 1, exportWh: Float64Array.of(0, 0, 0, 1), importWh: Float64Array.of(5, 5, 5, 0) },
    { ownNetting: false, allocation: { method: 'pro_rata' }, contractsAt: () => [] },
  );
  expect(Array.from(month.totals.receivedWh)).toEqual([1, 0, 0, 0]);
  // twelve leftover Wh over 24 equal deficits (the sorting path): the first twelve ids
  const ids = Array.from({ length: 24 }, (_, i) => `m${String(i).padStart(2, '0')}`).concat('s');
  const big = allocateMonth(
    { memberIds: ids, intervalCount: 1, exportWh: Float64Array.from(ids, (id) => (id === 's' ? 12 : 0)), importWh: Float64Array.from(ids, (id) => (id === 's' ? 0 : 7)) },
    { ownNetting: false, allocation: { method: 'pro_rata' }, contractsAt: () => [] },
  );
  expect(Array.from(big.totals.receivedWh)).toEqual([...Array<number>(12).fill(1), ...Array<number>(12).fill(0), 0]);
});

test('a value that is not a whole non-negative number of Wh is refused', () => {
  const run = (v: number) =>
    allocateMonth({ memberIds: ['a'], intervalCount: 1, exportWh: Float64Array.of(v), importWh: Float64Array.of(0) }, { ownNetting: false, allocation: { method: 'pro_rata' }, contractsAt: () => [] });
  expect(() => run(1.5)).toThrow(/whole numbers/);
  expect(() => run(-1)).toThrow(/whole numbers/);
  expect(() => run(Number.NaN)).toThrow(/whole numbers/);
  expect(run(7).totals.gridExportWh[0]).toBe(7);
});
