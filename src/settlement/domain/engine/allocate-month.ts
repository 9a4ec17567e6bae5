/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: `!` only on array elements indexed
   within bounds asserted at the loop heads (see the comments there), not a guard per element */
// The allocation engine over a whole month at once: the same rules and the same integer
// results as allocateInterval (its reference, checked against it by property tests), on
// typed arrays indexed [interval × members + member], with scratch arrays reused from one
// interval to the next: no object per member per interval, no BigInt while the products
// stay below 2^53, no sort when a few leftover Wh can be placed by a linear pass.
import { splitByLargestRemainder } from '../../../shared/largest-remainder.js';
import type { ActiveContract, AllocationMethod, ContractIntervalResult } from './allocate.js';

export interface MonthFlowsInput {
  /** Sorted by code unit: the order in which ties are broken. */
  memberIds: readonly string[];
  intervalCount: number;
  exportWh: Float64Array;
  importWh: Float64Array;
}

export interface MonthAllocationRules {
  ownNetting: boolean;
  allocation: AllocationMethod;
  /** Contracts in force in interval i, in the order they are served. */
  contractsAt: (interval: number) => ActiveContract[];
}

/** What one interval gave each member; valid only during the onInterval call. */
export interface IntervalView {
  interval: number;
  selfConsumedWh: Float64Array;
  receivedWh: Float64Array;
  suppliedWh: Float64Array;
  /** The pool's part of received and supplied (the transfer matrix divides it). */
  poolReceivedWh: Float64Array;
  poolSuppliedWh: Float64Array;
  /** What each contract in force delivered, in the order of contractsAt(interval). */
  contractDeliveredWh: number[];
}

export const MEMBER_TOTAL_FIELDS = [
  'importWh',
  'exportWh',
  'selfConsumedWh',
  'receivedWh',
  'poolReceivedWh',
  'contractReceivedWh',
  'suppliedWh',
  'poolSuppliedWh',
  'contractSuppliedWh',
  'gridImportWh',
  'gridExportWh',
] as const;
export type MemberTotalField = (typeof MEMBER_TOTAL_FIELDS)[number];

export interface MonthAllocation {
  /** Per field, the month's total of each member (index-aligned with memberIds). */
  totals: Record<MemberTotalField, Float64Array>;
  contracts: Map<string, Omit<ContractIntervalResult, 'contractId'>>;
}

const SAFE = Number.MAX_SAFE_INTEGER;

export function allocateMonth(flows: MonthFlowsInput, rules: MonthAllocationRules, onInterval?: (view: IntervalView) => void): MonthAllocation {
  const n = flows.memberIds.length;
  const T = flows.intervalCount;
  if (flows.exportWh.length !== n * T || flows.importWh.length !== n * T) throw new Error('flows must hold intervalCount × members values');
  assertWhArray(flows.exportWh, 'exportWh');
  assertWhArray(flows.importWh, 'importWh');
  const indexOf = new Map(flows.memberIds.map((id, i) => [id, i]));
  if (indexOf.size !== n) throw new Error('a member appears twice in the month');

  const totals = Object.fromEntries(MEMBER_TOTAL_FIELDS.map((f) => [f, new Float64Array(n)])) as Record<MemberTotalField, Float64Array>;
  const contracts = new Map<string, Omit<ContractIntervalResult, 'contractId'>>();
  const pool = new PoolSplitter(n, rules.allocation, flows.memberIds, indexOf);

  const active = new Int32Array(n);
  // every per-member array here and in totals has length n, and every m (from active or indexOf) is
  // a member index < n: the `!` on their elements below are within bounds
  const self = new Float64Array(n);
  const surplus = new Float64Array(n);
  const deficit = new Float64Array(n);
  const contractReceived = new Float64Array(n);
  const contractSupplied = new Float64Array(n);
  const poolReceived = new Float64Array(n);
  const poolSupplied = new Float64Array(n);
  const received = new Float64Array(n);
  const supplied = new Float64Array(n);
  const view: IntervalView = { interval: 0, selfConsumedWh: self, receivedWh: received, suppliedWh: supplied, poolReceivedWh: poolReceived, poolSuppliedWh: poolSupplied, contractDeliveredWh: [] };

  for (let t = 0; t < T; t++) {
    const base = t * n;
    // members with a flow in the interval, in id order; the others take part in nothing
    let k = 0;
    for (let m = 0; m < n; m++) {
      const e = flows.exportWh[base + m]!;
      const imp = flows.importWh[base + m]!;
      self[m] = surplus[m] = deficit[m] = contractReceived[m] = contractSupplied[m] = poolReceived[m] = poolSupplied[m] = received[m] = supplied[m] = 0;
      if (e === 0 && imp === 0) continue;
      active[k++] = m;
      // 1. own netting: the member covers its own import with its own export
      const own = rules.ownNetting ? Math.min(e, imp) : 0;
      self[m] = own;
      surplus[m] = e - own;
      deficit[m] = imp - own;
    }

    // 2. bilateral contracts, in order: never more than contracted, the seller's surplus or the buyer's deficit
    const inForce = rules.contractsAt(t);
    if (onInterval) view.contractDeliveredWh.length = 0;
    for (let c = 0; c < inForce.length; c++) {
      const contract = inForce[c]!;
      if (!Number.isSafeInteger(contract.contractedWh) || contract.contractedWh < 0) throw new Error(`contractedWh of ${contract.contractId} must be a non-negative whole number of Wh`);
      const s = indexOf.get(contract.sellerMemberId);
      const b = indexOf.get(contract.buyerMemberId);
      const delivered = s === undefined || b === undefined || s === b ? 0 : Math.min(contract.contractedWh, surplus[s]!, deficit[b]!);
      if (delivered > 0) {
        surplus[s!]! -= delivered;
        deficit[b!]! -= delivered;
        contractSupplied[s!]! += delivered;
        contractReceived[b!]! += delivered;
      }
      if (onInterval) view.contractDeliveredWh.push(delivered);
      let sums = contracts.get(contract.contractId);
      if (!sums) contracts.set(contract.contractId, (sums = { contractedWh: 0, deliveredWh: 0, shortfallWh: 0 }));
      sums.contractedWh += contract.contractedWh;
      sums.deliveredWh += delivered;
      sums.shortfallWh += contract.contractedWh - delivered;
    }

    // 3. the pool over what is left; suppliers contribute pro rata to their surplus
    const delivered = pool.receive(active, k, surplus, deficit, poolReceived);
    pool.split(delivered, active, k, surplus, poolSupplied, 0);

    // 4. the rest to and from the grid, with the invariants checked on every interval
    let receivedSum = 0;
    let suppliedSum = 0;
    for (let j = 0; j < k; j++) {
      const m = active[j]!;
      const e = flows.exportWh[base + m]!;
      const imp = flows.importWh[base + m]!;
      const r = contractReceived[m]! + poolReceived[m]!;
      const s = contractSupplied[m]! + poolSupplied[m]!;
      const gridImport = imp - self[m]! - r;
      const gridExport = e - self[m]! - s;
      if (gridImport < 0 || gridExport < 0) throw new Error(`invariant: negative grid flow for ${String(flows.memberIds[m])} in interval ${String(t)}`);
      received[m] = r;
      supplied[m] = s;
      receivedSum += r;
      suppliedSum += s;
      totals.importWh[m]! += imp;
      totals.exportWh[m]! += e;
      totals.selfConsumedWh[m]! += self[m]!;
      totals.receivedWh[m]! += r;
      totals.poolReceivedWh[m]! += poolReceived[m]!;
      totals.contractReceivedWh[m]! += contractReceived[m]!;
      totals.suppliedWh[m]! += s;
      totals.poolSuppliedWh[m]! += poolSupplied[m]!;
      totals.contractSuppliedWh[m]! += contractSupplied[m]!;
      totals.gridImportWh[m]! += gridImport;
      totals.gridExportWh[m]! += gridExport;
    }
    if (receivedSum !== suppliedSum) throw new Error(`invariant: received ${String(receivedSum)} differs from supplied ${String(suppliedSum)} in interval ${String(t)}`);
    if (onInterval) {
      view.interval = t;
      onInterval(view);
    }
  }
  for (const f of MEMBER_TOTAL_FIELDS) for (let m = 0; m < n; m++) if (totals[f][m]! > SAFE) throw new Error(`${f} of ${String(flows.memberIds[m])} passes 2^53 Wh in a month`);
  return { totals, contracts };
}

function assertWhArray(values: Float64Array, what: string) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= SAFE && Number.isInteger(v))) throw new Error(`${what} must be non-negative whole numbers of Wh, got ${String(v)}`);
  }
}

/** The agreement's pool key and the largest-remainder split, with scratch kept between intervals. */
class PoolSplitter {
  private readonly weights: Float64Array;
  private readonly open: Float64Array;
  private readonly offered: Float64Array;
  private readonly remainder: Float64Array;
  private readonly order: Int32Array;
  /** Tier of each member for priority (tiers.length for members in no tier). */
  private readonly tier: Int32Array;
  /** Key of each member for static keys, in basis points. */
  private readonly key: Float64Array;

  constructor(
    n: number,
    private readonly allocation: AllocationMethod,
    private readonly ids: readonly string[],
    indexOf: Map<string, number>,
  ) {
    // per-member arrays of length n (remainder n + 1), indexed by member indices < n (`!` below)
    this.weights = new Float64Array(n);
    this.open = new Float64Array(n);
    this.offered = new Float64Array(n);
    this.remainder = new Float64Array(n + 1);
    this.order = new Int32Array(n + 1);
    this.tier = new Int32Array(n);
    this.key = new Float64Array(n);
    if (allocation.method === 'priority') {
      this.tier.fill(allocation.tiers.length);
      allocation.tiers.forEach((members, t) => {
        members.forEach((id) => {
          const m = indexOf.get(id);
          if (m !== undefined) this.tier[m] = t;
        });
      });
    }
    if (allocation.method === 'static') {
      for (const k of allocation.keys) {
        const m = indexOf.get(k.memberId);
        if (m !== undefined) this.key[m] = k.shareBp;
      }
    }
  }

  /** Fills received (per member) from the pool; returns what the pool delivered. */
  receive(active: Int32Array, k: number, surplus: Float64Array, deficit: Float64Array, received: Float64Array): number {
    let totalSurplus = 0;
    let totalDeficit = 0;
    for (let j = 0; j < k; j++) {
      totalSurplus += surplus[active[j]!]!;
      totalDeficit += deficit[active[j]!]!;
    }
    if (totalSurplus === 0 || totalDeficit === 0) return 0;
    const a = this.allocation;
    if (a.method === 'pro_rata') {
      const shared = Math.min(totalSurplus, totalDeficit);
      this.split(shared, active, k, deficit, received, 0);
      return shared;
    }
    if (a.method === 'priority') {
      let remaining = totalSurplus;
      let delivered = 0;
      for (let t = 0; t <= a.tiers.length && remaining > 0; t++) {
        let tierDeficit = 0;
        for (let j = 0; j < k; j++) {
          const m = active[j]!;
          this.weights[m] = this.tier[m] === t ? deficit[m]! : 0;
          tierDeficit += this.weights[m];
        }
        const shared = Math.min(remaining, tierDeficit);
        this.split(shared, active, k, this.weights, this.offered, 0);
        for (let j = 0; j < k; j++) received[active[j]!]! += this.offered[active[j]!]!;
        remaining -= shared;
        delivered += shared;
      }
      return delivered;
    }
    // static keys in basis points; members without a key receive nothing from the pool
    let delivered = 0;
    if (!a.redistribute) {
      // each keyed member is offered surplus × key / 10000, capped by its deficit; the
      // unkeyed part (keys under 10000, keys of members absent from the interval) goes to the grid
      let presentKeys = 0;
      for (let j = 0; j < k; j++) presentKeys += this.key[active[j]!]!;
      if (presentKeys > 10_000) throw new Error('static keys add up to more than 10,000 bp');
      this.split(totalSurplus, active, k, this.key, this.offered, 10_000 - presentKeys);
      for (let j = 0; j < k; j++) {
        const m = active[j]!;
        received[m] = Math.min(this.offered[m]!, deficit[m]!);
        delivered += received[m];
      }
      return delivered;
    }
    // redistribute: what a capped member cannot use goes to the others by their key ratio
    let remaining = totalSurplus;
    for (let j = 0; j < k; j++) this.open[active[j]!] = deficit[active[j]!]!;
    for (let round = 0; round <= k && remaining > 0; round++) {
      let anyWeight = false;
      for (let j = 0; j < k; j++) {
        const m = active[j]!;
        this.weights[m] = this.open[m]! > 0 ? this.key[m]! : 0;
        if (this.weights[m] > 0) anyWeight = true;
      }
      if (!anyWeight) break;
      this.split(remaining, active, k, this.weights, this.offered, 0);
      let used = 0;
      for (let j = 0; j < k; j++) {
        const m = active[j]!;
        const take = Math.min(this.offered[m]!, this.open[m]!);
        received[m]! += take;
        this.open[m]! -= take;
        used += take;
      }
      remaining -= used;
      delivered += used;
      if (used === 0) break;
    }
    return delivered;
  }

  /**
   * out[m] = the share of `total` of each active member by weight[m], by largest remainder
   * with ties by member id (the index order); an extra party after every member (static
   * keys' unkeyed part) takes part with `extraWeight`. Returns the extra party's share.
   */
  split(total: number, active: Int32Array, k: number, weight: Float64Array, out: Float64Array, extraWeight: number): number {
    for (let j = 0; j < k; j++) out[active[j]!] = 0;
    if (total === 0) return 0;
    let sum = extraWeight;
    let maxWeight = extraWeight;
    for (let j = 0; j < k; j++) {
      const w = weight[active[j]!]!;
      sum += w;
      if (w > maxWeight) maxWeight = w;
    }
    if (sum === 0) return 0;
    // the products must stay exact in doubles; beyond that, the BigInt reference does it
    if (total * maxWeight + sum > SAFE) return this.splitExactly(total, active, k, weight, out, extraWeight);
    let given = 0;
    let extraShare = 0;
    let candidates = 0;
    for (let j = 0; j <= k; j++) {
      const w = j < k ? weight[active[j]!]! : extraWeight;
      if (w === 0) continue;
      const product = total * w;
      let q = Math.floor(product / sum);
      let r = product - q * sum;
      if (r < 0) {
        q -= 1;
        r += sum;
      } else if (r >= sum) {
        q += 1;
        r -= sum;
      }
      if (j < k) out[active[j]!] = q;
      else extraShare = q;
      given += q;
      this.order[candidates] = j;
      this.remainder[candidates] = r;
      candidates++;
    }
    let leftover = total - given;
    if (leftover === 0) return extraShare;
    if (leftover > 8) {
      // many leftover units: order the candidates once (remainder descending, then id)
      const byRemainder = Array.from({ length: candidates }, (_, c) => c);
      byRemainder.sort((x, y) => this.remainder[y]! - this.remainder[x]! || this.order[x]! - this.order[y]!);
      for (let c = 0; c < leftover; c++) {
        const j = this.order[byRemainder[c]!]!;
        if (j < k) out[active[j]!]! += 1;
        else extraShare += 1;
      }
      return extraShare;
    }
    // a few: take the largest remainder (first in id order on a tie) one at a time
    for (; leftover > 0; leftover--) {
      let best = -1;
      for (let c = 0; c < candidates; c++) if (best < 0 || this.remainder[c]! > this.remainder[best]!) best = c;
      this.remainder[best] = -1;
      const j = this.order[best]!;
      if (j < k) out[active[j]!]! += 1;
      else extraShare += 1;
    }
    return extraShare;
  }

  private splitExactly(total: number, active: Int32Array, k: number, weight: Float64Array, out: Float64Array, extraWeight: number): number {
    const parts = Array.from({ length: k }, (_, j) => ({ id: this.ids[active[j]!]!, weight: weight[active[j]!]! }));
    if (extraWeight > 0) parts.push({ id: '\uffff unkeyed', weight: extraWeight });
    const shares = splitByLargestRemainder(total, parts);
    for (let j = 0; j < k; j++) out[active[j]!] = shares[j]!;
    return extraWeight > 0 ? shares[k]! : 0;
  }
}
