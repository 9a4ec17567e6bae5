// The same split as splitByLargestRemainder (floor each share, leftover units by largest
// remainder, ties by id), over parallel arrays and in plain numbers while the products
// stay below 2^53 (Wh of one interval or hour always do); BigInt only beyond. Used where
// a split runs for every receiver of every interval (the transfer matrix, the hourly
// ledger), so no object per party is built.
import { splitByLargestRemainder } from './largest-remainder.js';

/**
 * Shares of `total` by `weights`, written into `out` (index-aligned with `ids`, which are
 * sorted ascending: ties then go to the lower index, as by id). Returns `out`.
 */
export function splitSorted(total: number, ids: readonly string[], weights: ArrayLike<number>, out: number[] | Float64Array, count = ids.length): number[] | Float64Array {
  let weightSum = 0;
  for (let i = 0; i < count; i++) weightSum += weights[i];
  for (let i = 0; i < count; i++) out[i] = 0;
  if (total === 0 || weightSum === 0) return out;
  if (total * weightSum > Number.MAX_SAFE_INTEGER) {
    const shares = splitByLargestRemainder(total, Array.from({ length: count }, (_, i) => ({ id: ids[i], weight: weights[i] })));
    for (let i = 0; i < count; i++) out[i] = shares[i];
    return out;
  }
  let given = 0;
  const remainders: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    const w = weights[i];
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
    // ids are sorted, so the lower index wins a tie
    order.sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[b] - remainders[a]));
    for (let k = 0; leftover > 0; k++, leftover--) out[order[k]]++;
  }
  return out;
}
