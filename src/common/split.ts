// Integer arithmetic for settlement (DOMAIN.md, "Units and arithmetic"): splits that
// conserve the total exactly, and rounding half up. Products go through BigInt so no
// value up to Number.MAX_SAFE_INTEGER loses precision. No floating point anywhere.

export interface SplitPart {
  id: string;
  weight: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function assertNonNegativeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative safe integer, got ${value}`);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) throw new Error(`${what} exceeds the safe integer range: ${value}`);
  return Number(value);
}

/** Plain UTF-16 code unit order (not locale): the same on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits `total` among `parts` by weight. Returns the shares index-aligned with `parts`
 * (shares[i] belongs to parts[i]).
 *
 * Each part first gets floor(total × weight / Σweight); the leftover units go one by one
 * to the largest remainders, ties by id ascending (code unit order). Hence Σshares = total
 * exactly, each share is within 1 of the exact quotient, and the result does not depend
 * on the order of `parts`. A weight of 0 gets 0; when Σweight is 0 everyone gets 0 (the
 * total is not handed out: the caller decides where it goes). Ids must be unique.
 */
export function splitByLargestRemainder(total: number, parts: readonly SplitPart[]): number[] {
  assertNonNegativeInteger(total, 'split total');
  const ids = new Set<string>();
  let weightSum = 0n;
  for (const p of parts) {
    assertNonNegativeInteger(p.weight, `split weight of ${p.id}`);
    if (ids.has(p.id)) throw new Error(`split part id ${p.id} appears twice`);
    ids.add(p.id);
    weightSum += BigInt(p.weight);
  }
  const shares = new Array<number>(parts.length).fill(0);
  if (total === 0 || weightSum === 0n) return shares;

  const bigTotal = BigInt(total);
  const remainders = new Array<bigint>(parts.length);
  let given = 0n;
  for (let i = 0; i < parts.length; i++) {
    const product = bigTotal * BigInt(parts[i].weight);
    const share = product / weightSum;
    shares[i] = Number(share); // share ≤ total, so it is safe
    remainders[i] = product % weightSum;
    given += share;
  }
  let leftover = Number(bigTotal - given); // < number of parts with weight > 0
  if (leftover > 0) {
    const order = parts.map((_, i) => i).filter((i) => parts[i].weight > 0);
    order.sort((a, b) => (remainders[a] === remainders[b] ? compareIds(parts[a].id, parts[b].id) : remainders[a] > remainders[b] ? -1 : 1));
    for (let k = 0; leftover > 0; k++, leftover--) shares[order[k]]++;
  }
  return shares;
}

/**
 * numerator / denominator rounded half up (0.5 → 1) for a non-negative numerator and a
 * positive denominator. Negative inputs are rejected: "half up" of a negative amount is
 * ambiguous, and no settlement value needs it.
 */
export function roundHalfUpDiv(numerator: bigint | number, denominator: bigint | number): number {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (n < 0n || d <= 0n) throw new Error(`roundHalfUpDiv takes a non-negative numerator and a positive denominator, got ${n}/${d}`);
  return toSafeNumber((n * 2n + d) / (d * 2n), 'rounded quotient');
}

/** Value of energy in grosze: Wh × grosze per MWh / 1,000,000, rounded half up. */
export function priceWh(energyWh: number, priceGroszePerMwh: number): number {
  assertNonNegativeInteger(energyWh, 'energyWh');
  assertNonNegativeInteger(priceGroszePerMwh, 'priceGroszePerMwh');
  return roundHalfUpDiv(BigInt(energyWh) * BigInt(priceGroszePerMwh), 1_000_000n);
}

/** part / whole in basis points, rounded half up; 0 when whole is 0. May exceed 10000 if part > whole. */
export function basisPoints(part: number, whole: number): number {
  assertNonNegativeInteger(part, 'part');
  assertNonNegativeInteger(whole, 'whole');
  if (whole === 0) return 0;
  return roundHalfUpDiv(BigInt(part) * 10_000n, BigInt(whole));
}

/** amount × rate in basis points, rounded half up (e.g. VAT at 2300 bp). */
export function applyBasisPoints(amountGrosze: number, rateBp: number): number {
  assertNonNegativeInteger(amountGrosze, 'amountGrosze');
  assertNonNegativeInteger(rateBp, 'rateBp');
  return roundHalfUpDiv(BigInt(amountGrosze) * BigInt(rateBp), 10_000n);
}
