import fc from 'fast-check';
import { applyBasisPoints, basisPoints, priceWh, roundHalfUpDiv, splitByLargestRemainder, type SplitPart } from './split.js';

const parts = (...weights: [string, number][]): SplitPart[] => weights.map(([id, weight]) => ({ id, weight }));

describe('splitByLargestRemainder', () => {
  test('exact split needs no leftover', () => {
    expect(splitByLargestRemainder(6000, parts(['A', 5000], ['B', 3000], ['C', 2000]))).toEqual([3000, 1800, 1200]);
  });
  test('leftover goes to the largest remainders', () => {
    // 10 × 1/3, 10 × 1/3, 10 × 1/3: floors 3/3/3, one unit left, equal remainders: lowest id
    expect(splitByLargestRemainder(10, parts(['b', 1], ['a', 1], ['c', 1]))).toEqual([3, 4, 3]);
    // 7 × 2/3 = 4.67, 7 × 1/3 = 2.33: floors 4 and 2, the left unit goes to the 0.67
    expect(splitByLargestRemainder(7, parts(['x', 2], ['y', 1]))).toEqual([5, 2]);
  });
  test('ties by plain code unit order, not locale', () => {
    // 'B' (66) sorts before 'a' (97) in code unit order; a locale compare would put 'a' first
    expect(splitByLargestRemainder(1, parts(['a', 1], ['B', 1]))).toEqual([0, 1]);
  });
  test('zero weights get zero; a zero weight sum gives everyone zero', () => {
    expect(splitByLargestRemainder(5, parts(['a', 0], ['b', 1]))).toEqual([0, 5]);
    expect(splitByLargestRemainder(5, parts(['a', 0], ['b', 0]))).toEqual([0, 0]);
    expect(splitByLargestRemainder(5, [])).toEqual([]);
  });
  test('products beyond 2^53 stay exact', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(splitByLargestRemainder(max, parts(['a', max], ['b', max]))).toEqual([(max + 1) / 2, (max - 1) / 2]);
    expect(splitByLargestRemainder(max, parts(['a', max - 1], ['b', 1]))).toEqual([max - 1, 1]);
  });
  test('rejects negative, fractional or unsafe values and duplicate ids', () => {
    expect(() => splitByLargestRemainder(-1, parts(['a', 1]))).toThrow(/total/);
    expect(() => splitByLargestRemainder(1.5, parts(['a', 1]))).toThrow(/total/);
    expect(() => splitByLargestRemainder(1, parts(['a', -1]))).toThrow(/weight/);
    expect(() => splitByLargestRemainder(1, parts(['a', 0.5]))).toThrow(/weight/);
    expect(() => splitByLargestRemainder(2 ** 53, parts(['a', 1]))).toThrow(/total/);
    expect(() => splitByLargestRemainder(1, parts(['a', 1], ['a', 2]))).toThrow(/twice/);
  });

  const partsArb = fc.uniqueArray(
    fc.record({ id: fc.string({ maxLength: 4 }), weight: fc.oneof(fc.constant(0), fc.nat(1000), fc.maxSafeNat()) }),
    { selector: (p) => p.id, maxLength: 30 },
  );
  const totalArb = fc.oneof(fc.constant(0), fc.nat(10_000), fc.maxSafeNat());

  test('property: the sum is conserved exactly (or 0 when all weights are 0)', () => {
    fc.assert(fc.property(totalArb, partsArb, (total, ps) => {
      const shares = splitByLargestRemainder(total, ps);
      const sum = shares.reduce((a, b) => a + BigInt(b), 0n);
      const weightSum = ps.reduce((a, p) => a + BigInt(p.weight), 0n);
      expect(sum).toBe(weightSum === 0n ? 0n : BigInt(total));
    }), { numRuns: 200 });
  });
  test('property: each share is within 1 of the exact quotient', () => {
    fc.assert(fc.property(totalArb, partsArb, (total, ps) => {
      const shares = splitByLargestRemainder(total, ps);
      const weightSum = ps.reduce((a, p) => a + BigInt(p.weight), 0n);
      if (weightSum === 0n) return;
      ps.forEach((p, i) => {
        const exact = BigInt(total) * BigInt(p.weight); // share × weightSum vs exact
        const scaled = BigInt(shares[i]) * weightSum;
        expect(scaled - exact < weightSum && exact - scaled < weightSum).toBe(true);
        if (p.weight === 0) expect(shares[i]).toBe(0);
      });
    }), { numRuns: 200 });
  });
  test('property: the same parts in any order get the same shares', () => {
    fc.assert(fc.property(totalArb, partsArb.chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }))), (total, [ps, shuffled]) => {
      const byId = (list: SplitPart[]) => {
        const shares = splitByLargestRemainder(total, list);
        return Object.fromEntries(list.map((p, i) => [p.id, shares[i]]));
      };
      expect(byId(shuffled)).toEqual(byId(ps));
    }), { numRuns: 200 });
  });
});

describe('rounding', () => {
  test('roundHalfUpDiv rounds halves up and takes numbers or bigints', () => {
    expect(roundHalfUpDiv(5, 2)).toBe(3);
    expect(roundHalfUpDiv(4n, 3n)).toBe(1);
    expect(roundHalfUpDiv(5, 3)).toBe(2);
    expect(roundHalfUpDiv(0, 7)).toBe(0);
    expect(() => roundHalfUpDiv(-1, 2)).toThrow();
    expect(() => roundHalfUpDiv(1, 0)).toThrow();
  });
  test('priceWh: Wh × grosze/MWh / 10^6, half up', () => {
    expect(priceWh(1_000_000, 45_000)).toBe(45_000); // 1 MWh at 450 zł
    expect(priceWh(1, 500_000)).toBe(1); // 0.5 gr rounds up
    expect(priceWh(1, 499_999)).toBe(0);
    expect(priceWh(1234, 60_000)).toBe(74); // 74.04
    expect(priceWh(10 ** 12, 10 ** 7)).toBe(10 ** 13);
    expect(() => priceWh(-1, 1)).toThrow();
    expect(() => priceWh(1.5, 1)).toThrow();
  });
  test('basisPoints: half up, 0 for a zero whole', () => {
    expect(basisPoints(1, 3)).toBe(3333);
    expect(basisPoints(2, 3)).toBe(6667);
    expect(basisPoints(1, 20_000)).toBe(1); // 0.5 bp rounds up
    expect(basisPoints(5, 0)).toBe(0);
    expect(basisPoints(3, 3)).toBe(10_000);
  });
  test('applyBasisPoints: VAT 23% half up', () => {
    expect(applyBasisPoints(10_000, 2300)).toBe(2300);
    expect(applyBasisPoints(50, 2300)).toBe(12); // 11.5 → 12
    expect(applyBasisPoints(49, 2300)).toBe(11); // 11.27
  });
});
