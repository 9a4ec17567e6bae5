import fc from 'fast-check';
import { basisPoints, priceWh, splitByLargestRemainder } from '../../../shared/largest-remainder.js';
import { type ActiveContract, type AllocationMethod, allocateInterval, type IntervalInput, type MemberFlow } from './allocate.js';

// The worked example of docs/DOMAIN.md in Wh: deficits A 5, B 3, C 2 kWh, a supplier S with the surplus
const example = (surplusWh: number): MemberFlow[] => [
  { memberId: 'A', exportWh: 0, importWh: 5000 },
  { memberId: 'B', exportWh: 0, importWh: 3000 },
  { memberId: 'C', exportWh: 0, importWh: 2000 },
  { memberId: 'S', exportWh: surplusWh, importWh: 0 },
];
/** The member's row of an allocation (a test fails when the engine left it out). */
function rowOf<T extends { memberId: string }>(rows: T[] | Map<string, T>, memberId: string): T {
  const row = rows instanceof Map ? rows.get(memberId) : rows.find((m) => m.memberId === memberId);
  if (!row) throw new Error(`no row for ${memberId}`);
  return row;
}
const received = (input: IntervalInput) => Object.fromEntries(allocateInterval(input).members.map((m) => [m.memberId, m.receivedWh]));
const toGrid = (input: IntervalInput) => rowOf(allocateInterval(input).members, 'S').gridExportWh;
const keys = {
  keys: [
    { memberId: 'A', shareBp: 2000 },
    { memberId: 'B', shareBp: 3000 },
    { memberId: 'C', shareBp: 5000 },
  ],
};

describe('the worked example of docs/DOMAIN.md', () => {
  test('surplus 6, pro rata: 3.0 / 1.8 / 1.2, nothing to the grid', () => {
    const input = { members: example(6000), ownNetting: false, allocation: { method: 'pro_rata' as const } };
    expect(received(input)).toEqual({ A: 3000, B: 1800, C: 1200, S: 0 });
    expect(toGrid(input)).toBe(0);
  });
  test('surplus 6, static 20/30/50 with redistribution: 1.6 / 2.4 / 2.0', () => {
    const input = { members: example(6000), ownNetting: false, allocation: { method: 'static' as const, redistribute: true, ...keys } };
    expect(received(input)).toEqual({ A: 1600, B: 2400, C: 2000, S: 0 });
    expect(toGrid(input)).toBe(0);
  });
  test('surplus 6, static 20/30/50 without redistribution: 1.2 / 1.8 / 2.0, 1.0 to the grid', () => {
    const input = { members: example(6000), ownNetting: false, allocation: { method: 'static' as const, redistribute: false, ...keys } };
    expect(received(input)).toEqual({ A: 1200, B: 1800, C: 2000, S: 0 });
    expect(toGrid(input)).toBe(1000);
  });
  test('surplus 12, pro rata: every deficit covered, 2 to the grid', () => {
    const input = { members: example(12000), ownNetting: false, allocation: { method: 'pro_rata' as const } };
    expect(received(input)).toEqual({ A: 5000, B: 3000, C: 2000, S: 0 });
    expect(toGrid(input)).toBe(2000);
  });
});

describe('examples', () => {
  test("own netting covers a member's import with its own export first", () => {
    const [m] = allocateInterval({ members: [{ memberId: 'P', exportWh: 700, importWh: 300 }], ownNetting: true, allocation: { method: 'pro_rata' } }).members;
    expect(m).toMatchObject({ selfConsumedWh: 300, receivedWh: 0, gridExportWh: 400, gridImportWh: 0 });
    const [off] = allocateInterval({ members: [{ memberId: 'P', exportWh: 700, importWh: 300 }], ownNetting: false, allocation: { method: 'pro_rata' } }).members;
    // without own netting its export goes to the pool like anyone's, and the pool serves its import
    expect(off).toMatchObject({ selfConsumedWh: 0, receivedWh: 300, suppliedWh: 300, gridExportWh: 400, gridImportWh: 0 });
  });

  test('static keys without redistribution: a keyed member absent from the interval leaves its share to the grid', () => {
    const allocation = {
      method: 'static' as const,
      redistribute: false,
      keys: [
        { memberId: 'A', shareBp: 5000 },
        { memberId: 'Z', shareBp: 5000 },
      ],
    };
    const result = allocateInterval({
      members: [
        { memberId: 'A', exportWh: 0, importWh: 9000 },
        { memberId: 'S', exportWh: 6000, importWh: 0 },
      ],
      ownNetting: false,
      allocation,
    });
    // A is offered 6000 × 50% = 3000, not the whole surplus; Z's half goes to the grid
    expect(rowOf(result.members, 'A').receivedWh).toBe(3000);
    expect(rowOf(result.members, 'S').gridExportWh).toBe(3000);
  });

  test('priority tiers: tier 1 first, pro rata inside a tier, members in no tier last', () => {
    const r = received({ members: example(6000), ownNetting: false, allocation: { method: 'priority', tiers: [['C'], ['A', 'B']] } });
    expect(r).toEqual({ C: 2000, A: 2500, B: 1500, S: 0 });
    const last = received({ members: example(6000), ownNetting: false, allocation: { method: 'priority', tiers: [['B']] } });
    expect(last).toEqual({ B: 3000, A: 2143, C: 857, S: 0 });
  });

  test('leftover Wh go by largest remainder, ties by member id', () => {
    expect(
      splitByLargestRemainder(10, [
        { id: 'b', weight: 1 },
        { id: 'a', weight: 1 },
        { id: 'c', weight: 1 },
      ]),
    ).toEqual([3, 4, 3]);
    expect(
      splitByLargestRemainder(Number.MAX_SAFE_INTEGER, [
        { id: 'x', weight: 3 },
        { id: 'y', weight: Number.MAX_SAFE_INTEGER },
      ]).reduce((a, b) => a + b),
    ).toBe(Number.MAX_SAFE_INTEGER);
    expect(priceWh(1, 500_000)).toBe(1); // 0.5 grosz rounds half up
    expect(priceWh(1, 499_999)).toBe(0);
    expect(basisPoints(1, 3)).toBe(3333);
  });

  test("two contracts compete for one seller's surplus in their order; the rest is a shortfall, then the pool", () => {
    const members = [
      { memberId: 'plant', exportWh: 1000, importWh: 0 },
      { memberId: 'school', exportWh: 0, importWh: 800 },
      { memberId: 'water', exportWh: 0, importWh: 800 },
    ];
    const contracts: ActiveContract[] = [
      { contractId: 'k1', sellerMemberId: 'plant', buyerMemberId: 'school', contractedWh: 700 },
      { contractId: 'k2', sellerMemberId: 'plant', buyerMemberId: 'water', contractedWh: 500 },
    ];
    const result = allocateInterval({ members, ownNetting: true, allocation: { method: 'pro_rata' }, contracts });
    expect(result.contracts).toEqual([
      { contractId: 'k1', contractedWh: 700, deliveredWh: 700, shortfallWh: 0 },
      { contractId: 'k2', contractedWh: 500, deliveredWh: 300, shortfallWh: 200 },
    ]);
    expect(Object.fromEntries(result.members.map((m) => [m.memberId, [m.contractReceivedWh, m.poolReceivedWh]]))).toEqual({ plant: [0, 0], school: [700, 0], water: [300, 0] });
    const none = allocateInterval({ members: members.map((m) => ({ ...m, exportWh: 0 })), ownNetting: true, allocation: { method: 'pro_rata' }, contracts });
    expect(none.contracts.map((c) => c.deliveredWh)).toEqual([0, 0]);
  });
});

// --- properties over random clusters ---------------------------------------------------

const wh = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 1_000_000_000_000 }));
const cluster = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 50 }).chain((ids) =>
  fc.record({
    members: fc.tuple(...ids.map((id) => fc.record({ memberId: fc.constant(id), exportWh: wh, importWh: wh }))),
    ownNetting: fc.boolean(),
    allocation: fc.oneof(
      fc.constant<AllocationMethod>({ method: 'pro_rata' }),
      fc.record({ redistribute: fc.boolean(), raw: fc.array(fc.nat(3000), { minLength: ids.length, maxLength: ids.length }) }).map(({ redistribute, raw }): AllocationMethod => {
        // keys summing to at most 10000
        let left = 10_000;
        const keys = ids.map((memberId, i) => {
          const shareBp = Math.min(left, raw[i] ?? 0);
          left -= shareBp;
          return { memberId, shareBp };
        });
        return { method: 'static', redistribute, keys };
      }),
      fc.shuffledSubarray(ids).chain((chosen) =>
        fc.integer({ min: 1, max: 4 }).map((tiers): AllocationMethod => ({
          method: 'priority',
          tiers: Array.from({ length: tiers }, (_, t) => chosen.filter((_, i) => i % tiers === t)).filter((t) => t.length > 0),
        })),
      ),
    ),
    contracts: fc.array(fc.record({ s: fc.nat(ids.length - 1), b: fc.nat(ids.length - 1), contractedWh: wh }), { maxLength: 5 }).map((list) => {
      const idAt = (i: number): string => {
        const id = ids[i];
        if (id === undefined) throw new Error(`no member at ${String(i)}`);
        return id;
      };
      return list.map((c, k) => ({ contractId: `k${String(k)}`, sellerMemberId: idAt(c.s), buyerMemberId: idAt(c.b), contractedWh: c.contractedWh }));
    }),
  }),
);

describe('properties (every method, with and without contracts)', () => {
  test('the invariants of docs/DOMAIN.md hold in every interval', () => {
    fc.assert(
      fc.property(cluster, (input) => {
        const result = allocateInterval(input);
        let totalReceived = 0;
        let totalSupplied = 0;
        let poolReceived = 0;
        let surplusAfterContracts = 0;
        let deficitAfterContracts = 0;
        for (const m of result.members) {
          const self = input.ownNetting ? Math.min(m.exportWh, m.importWh) : 0;
          expect(m.selfConsumedWh).toBe(self);
          expect(m.receivedWh).toBeGreaterThanOrEqual(0);
          expect(m.receivedWh).toBeLessThanOrEqual(m.importWh - self);
          expect(m.exportWh).toBe(m.selfConsumedWh + m.suppliedWh + m.gridExportWh);
          expect(m.importWh).toBe(m.selfConsumedWh + m.receivedWh + m.gridImportWh);
          totalReceived += m.receivedWh;
          totalSupplied += m.suppliedWh;
          poolReceived += m.poolReceivedWh;
          surplusAfterContracts += m.exportWh - self - m.contractSuppliedWh;
          deficitAfterContracts += m.importWh - self - m.contractReceivedWh;
        }
        expect(totalReceived).toBe(totalSupplied);
        expect(poolReceived).toBeLessThanOrEqual(Math.min(surplusAfterContracts, deficitAfterContracts));
        if (input.allocation.method !== 'static') expect(poolReceived).toBe(Math.min(surplusAfterContracts, deficitAfterContracts));
      }),
      { numRuns: 300 },
    );
  });

  test("a contract never delivers more than contracted, than the seller's surplus or the buyer's deficit", () => {
    fc.assert(
      fc.property(cluster, (input) => {
        const result = allocateInterval(input);
        const byId = new Map(result.members.map((m) => [m.memberId, m]));
        for (const [k, c] of result.contracts.entries()) {
          const contract = input.contracts[k];
          if (!contract) throw new Error(`no input contract for result ${String(k)}`);
          expect(c.deliveredWh + c.shortfallWh).toBe(contract.contractedWh);
          const seller = rowOf(byId, contract.sellerMemberId);
          const buyer = rowOf(byId, contract.buyerMemberId);
          expect(c.deliveredWh).toBeLessThanOrEqual(seller.exportWh - seller.selfConsumedWh);
          expect(c.deliveredWh).toBeLessThanOrEqual(buyer.importWh - buyer.selfConsumedWh);
          if (seller.exportWh === seller.selfConsumedWh) expect(c.deliveredWh).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('same input, same output, whatever the order of members', () => {
    fc.assert(
      fc.property(
        cluster.chain((input) => fc.shuffledSubarray(input.members, { minLength: input.members.length }).map((shuffled) => [input, shuffled] as const)),
        ([input, shuffled]) => {
          expect(allocateInterval({ ...input, members: shuffled })).toEqual(allocateInterval(input));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('splits conserve the total and stay within one unit of the exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = weights.map((weight, i) => ({ id: `p${String(i)}`, weight }));
        const shares = splitByLargestRemainder(total, parts);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : total);
        shares.forEach((s, i) => {
          const weight = weights[i];
          if (weight === undefined) throw new Error(`a share without a weight at ${String(i)}`);
          if (sum > 0) expect(Math.abs(s - (total * weight) / sum)).toBeLessThan(1.0000001);
        });
      }),
      { numRuns: 300 },
    );
  });
});
