// Integer splits that conserve the total exactly (docs/DOMAIN.md, Units and arithmetic):
// floor each share, then hand out the leftover units one by one by largest remainder,
// ties by party id (plain code-unit order). Same inputs, same split, on every machine.
import { exactOrRefused } from './limits.js';

export interface Part {
  id: string;
  weight: number;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Shares of `total` in the order of `parts`. A total weight of 0 gives everyone 0. */
export function splitByLargestRemainder(total: number, parts: Part[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`split total must be a non-negative safe integer, got ${String(total)}`);
  const shares = new Array<number>(parts.length).fill(0);
  let weightSum = 0;
  for (const p of parts) {
    if (!Number.isSafeInteger(p.weight) || p.weight < 0) throw new Error(`split weight must be a non-negative safe integer, got ${String(p.weight)} for ${p.id}`);
    weightSum += p.weight;
  }
  if (total === 0 || weightSum === 0) return shares;
  // the parties with a weight, with their remainders: the leftover goes to them
  const ranked: { index: number; id: string; remainder: bigint }[] = [];
  let given = 0;
  const bigTotal = BigInt(total);
  const bigSum = BigInt(weightSum);
  for (const [i, part] of parts.entries()) {
    // total × weight can pass 2^53: do it in BigInt
    const product = bigTotal * BigInt(part.weight);
    const share = product / bigSum;
    if (share > SAFE) throw new Error('split share exceeds the safe integer range');
    shares[i] = Number(share);
    given += Number(share);
    if (part.weight > 0) ranked.push({ index: i, id: part.id, remainder: product % bigSum });
  }
  let leftover = total - given;
  if (leftover > 0) {
    ranked.sort((a, b) => (a.remainder === b.remainder ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.remainder > b.remainder ? -1 : 1));
    for (let k = 0; leftover > 0; k++, leftover--) {
      const next = ranked[k];
      // each remainder is less than one unit: the leftover is less than the parties with a weight
      if (!next) throw new Error('split leftover exceeds the parties with a weight');
      shares[next.index] = (shares[next.index] ?? 0) + 1;
    }
  }
  return shares;
}

/** round(numerator / denominator) with halves rounded up, for non-negative integers. */
export function roundHalfUpDivide(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new Error('roundHalfUpDivide takes a non-negative numerator and a positive denominator');
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** The value of energy: Wh × grosze per MWh / 1,000,000, rounded half up to the grosz. */
export function priceWh(energyWh: number, priceGroszePerMwh: number): number {
  return exactOrRefused(roundHalfUpDivide(BigInt(energyWh) * BigInt(priceGroszePerMwh), 1_000_000n), 'The value of energy in grosze');
}

/** A share in basis points, rounded half up; 0 when the whole is 0. */
export function basisPoints(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Number(roundHalfUpDivide(BigInt(part) * 10_000n, BigInt(whole)));
}

/** An amount × a rate in basis points, rounded half up (VAT). */
export function applyRateBp(amount: number, rateBp: number): number {
  return exactOrRefused(roundHalfUpDivide(BigInt(amount) * BigInt(rateBp), 10_000n), 'An amount of VAT in grosze');
}

// The same split over parallel arrays, in plain numbers while the products stay below
// 2^53 (Wh of one interval or hour always do), BigInt only beyond. Used where a split
// runs for every receiver of every interval (the transfer matrix, the hourly ledger), so
// no object per party is built.
/**
 * Shares of `total` by `weights`, written into `out` (index-aligned with `ids`, which are
 * sorted ascending: ties then go to the lower index, as by id). Returns `out`.
 */
export function splitSorted(total: number, ids: readonly string[], weights: ArrayLike<number>, out: number[] | Float64Array, count = ids.length): number[] | Float64Array {
  if (count > ids.length || count > weights.length) throw new Error(`split of ${String(count)} parties given ${String(ids.length)} ids and ${String(weights.length)} weights`);
  // below: i < count, within ids and weights (checked above): the `?? 0` never applies
  let weightSum = 0;
  for (let i = 0; i < count; i++) weightSum += weights[i] ?? 0;
  for (let i = 0; i < count; i++) out[i] = 0;
  if (total === 0 || weightSum === 0) return out;
  if (total * weightSum > Number.MAX_SAFE_INTEGER) {
    const shares = splitByLargestRemainder(
      total,
      ids.slice(0, count).map((id, i) => ({ id, weight: weights[i] ?? 0 })),
    );
    for (let i = 0; i < count; i++) out[i] = shares[i] ?? 0;
    return out;
  }
  let given = 0;
  const remainders: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    const w = weights[i] ?? 0;
    if (w === 0) continue;
    const product = total * w;
    const share = Math.floor(product / weightSum);
    out[i] = share;
    given += share;
    remainders[i] = product - share * weightSum;
    order.push(i);
  }
  let leftover = total - given;
  if (leftover > 0) {
    // ids are sorted, so the lower index wins a tie; every index in order has its remainder
    order.sort((a, b) => (remainders[a] === remainders[b] ? a - b : (remainders[b] ?? 0) - (remainders[a] ?? 0)));
    for (let k = 0; leftover > 0; k++, leftover--) {
      const next = order[k];
      // each remainder is less than one unit: the leftover is less than the parties with a weight
      if (next === undefined) throw new Error('split leftover exceeds the parties with a weight');
      out[next] = (out[next] ?? 0) + 1;
    }
  }
  return out;
}
