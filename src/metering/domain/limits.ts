// Limits of metering values, the same on every path (JSON batches and every file format).

/**
 * The largest Wh a single value may hold, on every path (JSON, every file format):
 * 250 MWh, an hour of a 250 MW unit (the largest a Polish energy cluster holds, such as
 * the 225 MW biomass unit at Połaniec) or a quarter-hour of a 1 GW plant. A month of
 * 10,000 PPE at this maximum in every quarter-hour (2,980 in October) sums to
 * 7.45 × 10^15 Wh, below 2^53 (9.007 × 10^15): every month total stays an exact integer.
 */
export const MAX_WH_PER_VALUE = 250_000_000;
