/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: `!` only on array elements indexed
   within bounds asserted at the loop heads (see the comments there), not a guard per element */
// The transfer matrix: who got whose energy. A pass beside the engine over each
// interval's result: contract deliveries go from seller to buyer as delivered; the pool's
// part is divided receiver by receiver (in id order) among the suppliers pro rata to what
// each still has to give that interval, by largest remainder with ties by member id: the
// first receiver's split is exactly the engine's pro rata, and what each split leaves
// lets the last receiver take exactly the rest, so every row sums to the supplier's
// suppliedWh and every column to the receiver's receivedWh, to the Wh. Without own
// netting a member can supply and receive in one interval, and so appear on both sides
// of a cell. Pure; integers only.
import { splitSorted } from '../../../shared/largest-remainder.js';
import type { ActiveContract, IntervalResult } from './allocate.js';
import type { IntervalView } from './allocate-month.js';

export type TransferKind = 'pool' | 'contract';

export interface Transfer {
  fromMemberId: string;
  toMemberId: string;
  kind: TransferKind;
  wh: number;
}

/** As frozen in the close: [fromMemberId, toMemberId, kind, wh], in the order of transfers(). */
export type TransferTuple = [string, string, TransferKind, number];

/**
 * Divides one interval's pool among suppliers and receivers. `ids` sorted ascending;
 * suppliedWh and receivedWh index-aligned and with equal sums. Calls emit(s, r, wh) for
 * every positive cell. Runs for every receiver of every interval, so it allocates per
 * interval, not per receiver, and ranks remainders with a native numeric sort.
 */
export function poolTransfers(ids: readonly string[], suppliedWh: ArrayLike<number>, receivedWh: ArrayLike<number>, emit: (supplier: number, receiver: number, wh: number) => void): void {
  if (suppliedWh.length < ids.length || receivedWh.length < ids.length)
    throw new Error(`pool transfers: ${String(ids.length)} members but ${String(suppliedWh.length)} supplied and ${String(receivedWh.length)} received values`);
  // below, i and r < ids.length index suppliedWh and receivedWh (lengths asserted above), and
  // k < count indexes supplierIndex, left, shares and keys (all of length count)
  let count = 0;
  let leftTotal = 0;
  let receivedTotal = 0;
  for (let i = 0; i < ids.length; i++) {
    const supplied = suppliedWh[i]!;
    if (supplied > 0) {
      count++;
      leftTotal += supplied;
    }
    receivedTotal += receivedWh[i]!;
  }
  if (leftTotal !== receivedTotal) throw new Error(`pool transfers: supplied ${String(leftTotal)} differs from received ${String(receivedTotal)}`);
  if (leftTotal === 0) return;
  const supplierIndex = new Int32Array(count);
  const left = new Float64Array(count);
  for (let i = 0, k = 0; i < ids.length; i++) {
    const supplied = suppliedWh[i]!;
    if (supplied > 0) {
      supplierIndex[k] = i;
      left[k++] = supplied;
    }
  }
  const shares = new Float64Array(count);
  const keys = new Float64Array(count);
  const supplierIds = Array.from(supplierIndex, (i) => ids[i]!); // supplier indices are < ids.length
  for (let r = 0; r < ids.length; r++) {
    const amount = receivedWh[r]!;
    if (amount === 0) continue;
    if (amount === leftTotal) {
      // the last receiver: exactly what is left
      for (let k = 0; k < count; k++) {
        const rest = left[k]!;
        if (rest > 0) emit(supplierIndex[k]!, r, rest);
        left[k] = 0;
      }
      break;
    }
    if (amount * leftTotal * count > Number.MAX_SAFE_INTEGER) {
      splitSorted(amount, supplierIds, left, shares, count); // beyond plain numbers: the BigInt split
    } else {
      // floor each share; rank the remainders (desc), ties by the lower index (= member id)
      let given = 0;
      let ranked = 0;
      for (let k = 0; k < count; k++) {
        const rest = left[k]!;
        const product = amount * rest;
        const share = Math.floor(product / leftTotal);
        shares[k] = share;
        given += share;
        if (rest > 0) keys[ranked++] = (product - share * leftTotal) * count + (count - 1 - k);
      }
      const leftover = amount - given;
      if (leftover > 0) {
        const ordered = keys.subarray(0, ranked).sort();
        // leftover < ranked (one unit at most per ranked remainder); a key % count is a k < count
        for (let j = 0; j < leftover; j++) shares[count - 1 - (ordered[ranked - 1 - j]! % count)]!++;
      }
    }
    for (let k = 0; k < count; k++) {
      const share = shares[k]!;
      if (share === 0) continue;
      emit(supplierIndex[k]!, r, share);
      left[k]! -= share;
    }
    leftTotal -= amount;
  }
}

/** Above this many members the month's matrix is kept in a map, not a dense array. */
const DENSE_MEMBERS = 2500;

/** Sums the matrix over intervals, keyed by pair, holding no interval. */
export class TransferAccumulator {
  private readonly ids: string[];
  private readonly index: Map<string, number>;
  private readonly dense: Float64Array | null;
  private readonly pool = new Map<number, number>();
  private readonly contract = new Map<number, number>();

  /** `memberIds`: every member that can appear (others are added as they come). */
  constructor(memberIds: Iterable<string> = []) {
    this.ids = [...new Set(memberIds)].sort();
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    this.dense = this.ids.length > 0 && this.ids.length <= DENSE_MEMBERS ? new Float64Array(this.ids.length * this.ids.length) : null;
  }

  private indexOf(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  // keys of pairs: s * 2^21 + r (at most 2 million members)
  private static key(s: number, r: number) {
    return s * 2_097_152 + r;
  }

  add(result: IntervalResult, contracts: readonly ActiveContract[] = []): void {
    const members = result.members;
    const n = members.length;
    const ids = new Array<string>(n);
    const global = new Int32Array(n);
    const supplied = new Float64Array(n);
    const received = new Float64Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const m = members[i]!; // i < n = members.length
      ids[i] = m.memberId;
      supplied[i] = m.poolSuppliedWh;
      received[i] = m.poolReceivedWh;
      if (m.poolSuppliedWh > 0 || m.poolReceivedWh > 0) {
        any = true;
        global[i] = this.indexOf(m.memberId);
      }
    }
    if (any) {
      const dense = this.dense;
      const size = this.ids.length;
      const inDense = dense !== null && size * size <= dense.length;
      const width = inDense ? Math.sqrt(dense.length) : 0;
      poolTransfers(ids, supplied, received, (s, r, wh) => {
        // s and r are member indices < n, the length of global
        const gs = global[s]!;
        const gr = global[r]!;
        if (inDense && gs < width && gr < width) {
          dense[gs * width + gr]! += wh;
        } else {
          const key = TransferAccumulator.key(gs, gr);
          this.pool.set(key, (this.pool.get(key) ?? 0) + wh);
        }
      });
    }
    if (result.contracts.length === 0) return;
    const byId = new Map(contracts.map((c) => [c.contractId, c]));
    for (const c of result.contracts) {
      const terms = byId.get(c.contractId);
      if (!terms || c.deliveredWh === 0) continue;
      const key = TransferAccumulator.key(this.indexOf(terms.sellerMemberId), this.indexOf(terms.buyerMemberId));
      this.contract.set(key, (this.contract.get(key) ?? 0) + c.deliveredWh);
    }
  }

  /**
   * One interval of the month engine (allocateMonth): `memberIds` the month's (sorted), the
   * view's arrays index-aligned with them, `inForce` the contracts in the order served.
   */
  addView(memberIds: readonly string[], view: IntervalView, inForce: readonly ActiveContract[]): void {
    const n = memberIds.length;
    const global = new Int32Array(n);
    let any = false;
    for (let m = 0; m < n; m++) {
      if (view.poolSuppliedWh[m]! > 0 || view.poolReceivedWh[m]! > 0) {
        any = true;
        global[m] = this.indexOf(memberIds[m]!);
      }
    }
    if (any) {
      const dense = this.dense;
      const width = dense ? Math.sqrt(dense.length) : 0;
      poolTransfers(memberIds, view.poolSuppliedWh, view.poolReceivedWh, (s, r, wh) => {
        if (dense && global[s]! < width && global[r]! < width) {
          dense[global[s]! * width + global[r]!]! += wh; // < width * width = dense.length
        } else {
          const key = TransferAccumulator.key(global[s]!, global[r]!);
          this.pool.set(key, (this.pool.get(key) ?? 0) + wh);
        }
      });
    }
    for (let c = 0; c < inForce.length; c++) {
      const delivered = view.contractDeliveredWh[c] ?? 0;
      if (delivered === 0) continue;
      const key = TransferAccumulator.key(this.indexOf(inForce[c]!.sellerMemberId), this.indexOf(inForce[c]!.buyerMemberId));
      this.contract.set(key, (this.contract.get(key) ?? 0) + delivered);
    }
  }

  /** Sorted by supplier, receiver, kind (contract before pool). */
  transfers(): Transfer[] {
    const pool = new Map(this.pool);
    if (this.dense) {
      const width = Math.sqrt(this.dense.length);
      for (let s = 0; s < width; s++) {
        for (let r = 0; r < width; r++) {
          const wh = this.dense[s * width + r]!; // s, r < width: within width * width
          if (wh === 0) continue;
          const key = TransferAccumulator.key(s, r);
          pool.set(key, (pool.get(key) ?? 0) + wh);
        }
      }
    }
    const rows: Transfer[] = [];
    for (const [kind, map] of [
      ['contract', this.contract],
      ['pool', pool],
    ] as const) {
      for (const [key, wh] of map) {
        const fromMemberId = this.ids[Math.floor(key / 2_097_152)];
        const toMemberId = this.ids[key % 2_097_152];
        if (fromMemberId === undefined || toMemberId === undefined) throw new Error(`transfer key ${String(key)} names a member index not in the accumulator`);
        rows.push({ fromMemberId, toMemberId, kind, wh });
      }
    }
    return sortTransfers(rows);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortTransfers(rows: Transfer[]): Transfer[] {
  return rows.sort((a, b) => cmp(a.fromMemberId, b.fromMemberId) || cmp(a.toMemberId, b.toMemberId) || cmp(a.kind, b.kind));
}

export const toTuples = (rows: Transfer[]): TransferTuple[] => rows.map((t) => [t.fromMemberId, t.toMemberId, t.kind, t.wh]);
export const fromTuples = (tuples: TransferTuple[]): Transfer[] => tuples.map(([fromMemberId, toMemberId, kind, wh]) => ({ fromMemberId, toMemberId, kind, wh }));

/** Only the rows and columns of one member (what a member's token may see). */
export function transfersOf(rows: Transfer[], memberId: string): Transfer[] {
  return rows.filter((t) => t.fromMemberId === memberId || t.toMemberId === memberId);
}
