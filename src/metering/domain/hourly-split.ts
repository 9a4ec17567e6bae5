// An hour of a PPE settled in a quarter-hour cluster: the hour's value divided into its
// four quarter-hours. The parts always sum to the hour exactly (largest remainder, ties
// to the earlier quarter). Pure.
import { splitByLargestRemainder } from '../../shared/largest-remainder.js';

/**
 * How an hour is divided:
 * - `even`: four equal parts (the default);
 * - `cluster-profile`: in proportion to the quarter-hours the cluster's other PPE
 *   measured in the same hour and direction (their sum), evenly where they sum to 0.
 */
export const HOURLY_SPLIT_RULES = ['even', 'cluster-profile'] as const;
export type HourlySplitRule = (typeof HOURLY_SPLIT_RULES)[number];

/** The quality of a quarter-hour derived from an hourly value. */
export const HOURLY_SPLIT_QUALITY = 'h';

const QUARTERS = ['0', '1', '2', '3'];

/** The hour's four quarter-hours; weights (four non-negative integers) shape them, none or all zero is even. */
export function splitHour(hourWh: number, weights?: readonly number[]): [number, number, number, number] {
  const shaped = weights !== undefined && weights.length === 4 && weights.some((w) => w > 0);
  const parts = splitByLargestRemainder(
    hourWh,
    QUARTERS.map((id, i) => ({ id, weight: shaped ? (weights[i] ?? 0) : 1 })),
  );
  const [a, b, c, d] = parts;
  if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error(`splitHour: ${String(parts.length)} parts of an hour, not 4`);
  return [a, b, c, d];
}
