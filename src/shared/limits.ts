// The documented maxima of every Wh and grosze input, one place for every path (JSON
// readings and series, files, agreement prices and fees, contracts). README: "Input limits".

/**
 * The largest Wh a single value may hold: 250 MWh, an hour of a 250 MW unit (the largest
 * a Polish energy cluster holds, such as the 225 MW biomass unit at Połaniec) or a
 * quarter-hour of a 1 GW plant. A month of 10,000 PPE at this maximum in every
 * quarter-hour (2,980 in October) sums to 7.45 × 10^15 Wh, below 2^53 (9.007 × 10^15):
 * month totals of energy stay exact integers.
 */
export const MAX_WH_PER_VALUE = 250_000_000;

/** The largest price or fee per MWh: 1,000,000 zł/MWh (prices today are near 500 zł/MWh). */
export const MAX_GROSZE_PER_MWH = 100_000_000;

/** The largest flat amount (a monthly fee per member): 10,000,000 zł. */
export const MAX_GROSZE = 1_000_000_000;

/**
 * Amounts are computed exactly in BigInt and must come back as safe integers: a value
 * beyond 2^53 would be rounded by JavaScript, so it is refused instead (409, naming it).
 */
export function exactOrRefused(value: number | bigint, what: string): number {
  const safe = typeof value === 'bigint' ? value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) : Number.isSafeInteger(value);
  if (!safe) throw new OutOfExactRangeError(what);
  return Number(value);
}

export class OutOfExactRangeError extends Error {
  readonly code = 'conflict';
  readonly errors = [];
  constructor(readonly what: string) {
    super(`${what} passes 2^53 and cannot be computed exactly: the values recorded are beyond what this service settles`);
  }
}
