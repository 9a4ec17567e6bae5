// The transfer matrix: who got whose energy. A pass beside the engine over each
// interval's result: contract deliveries go from seller to buyer as delivered; the pool's
// part is divided receiver by receiver (in id order) among the suppliers pro rata to what
// each still has to give that interval, by largest remainder with ties by member id: the
// first receiver's split is exactly the engine's pro rata, and what each split leaves
// lets the last receiver take exactly the rest, so every row sums to the supplier's
// suppliedWh and every column to the receiver's receivedWh, to the Wh. Without own
// netting a member can supply and receive in one interval, and so appear on both sides
// of a cell. Pure; integers only.
import { splitSorted } from '../../common/fast-split.js';
import type { ActiveContract, IntervalResult } from './allocate.js';

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
 * every positive cell.
 */
export function poolTransfers(ids: readonly string[], suppliedWh: ArrayLike<number>, receivedWh: ArrayLike<number>, emit: (supplier: number, receiver: number, wh: number) => void): void {
  const supplierIds: string[] = [];
  const supplierIndex: number[] = [];
  const left: number[] = [];
  let leftTotal = 0;
  let receivedTotal = 0;
  for (let i = 0; i < ids.length; i++) {
    if (suppliedWh[i] > 0) {
      supplierIds.push(ids[i]);
      supplierIndex.push(i);
      left.push(suppliedWh[i]);
      leftTotal += suppliedWh[i];
    }
    receivedTotal += receivedWh[i];
  }
  if (leftTotal !== receivedTotal) throw new Error(`pool transfers: supplied ${leftTotal} differs from received ${receivedTotal}`);
  if (leftTotal === 0) return;
  const shares = new Array<number>(supplierIds.length);
  for (let r = 0; r < ids.length; r++) {
    const amount = receivedWh[r];
    if (amount === 0) continue;
    if (amount === leftTotal) {
      // the last receiver: exactly what is left
      for (let k = 0; k < left.length; k++) {
        if (left[k] > 0) emit(supplierIndex[k], r, left[k]);
        left[k] = 0;
      }
      leftTotal = 0;
      break;
    }
    splitSorted(amount, supplierIds, left, shares);
    for (let k = 0; k < left.length; k++) {
      if (shares[k] === 0) continue;
      emit(supplierIndex[k], r, shares[k]);
      left[k] -= shares[k];
    }
    leftTotal -= amount;
  }
}

/** Sums the matrix over intervals, keyed by pair, holding no interval. */
export class TransferAccumulator {
  private readonly pool = new Map<string, number>();
  private readonly contract = new Map<string, number>();

  add(result: IntervalResult, contracts: readonly ActiveContract[] = []): void {
    const members = result.members;
    const ids = members.map((m) => m.memberId);
    poolTransfers(ids, members.map((m) => m.poolSuppliedWh), members.map((m) => m.poolReceivedWh), (s, r, wh) => {
      const key = `${ids[s]}\u0000${ids[r]}`;
      this.pool.set(key, (this.pool.get(key) ?? 0) + wh);
    });
    if (result.contracts.length === 0) return;
    const byId = new Map(contracts.map((c) => [c.contractId, c]));
    for (const c of result.contracts) {
      const terms = byId.get(c.contractId);
      if (!terms || c.deliveredWh === 0) continue;
      const key = `${terms.sellerMemberId}\u0000${terms.buyerMemberId}`;
      this.contract.set(key, (this.contract.get(key) ?? 0) + c.deliveredWh);
    }
  }

  /** Sorted by supplier, receiver, kind (contract before pool). */
  transfers(): Transfer[] {
    const rows: Transfer[] = [];
    for (const [kind, map] of [['contract', this.contract], ['pool', this.pool]] as const) {
      for (const [key, wh] of map) {
        const [fromMemberId, toMemberId] = key.split('\u0000');
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
