/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot code: `!` only on array elements indexed
   within bounds asserted at the loop heads (see the comments there), not a guard per element */
// Who received whose energy in one interval (docs/DOMAIN.md, Allocation): own netting, then
// bilateral contracts in their order, then the pool by the agreement's key, the rest to
// and from the grid. Integer Wh; every split by largest remainder with ties by member
// id, so totals are exact and independent of input order. Pure, no I/O.
import { splitByLargestRemainder } from '../../../shared/largest-remainder.js';

import type { Allocation } from '../../../clusters/domain/registry.js';
import type { ActiveContract } from '../../../trading/domain/contracts.js';

export type { ActiveContract };

/** The agreement's allocation key, as the registry records it. */
export type AllocationMethod = Allocation;

export interface MemberFlow {
  memberId: string;
  exportWh: number;
  importWh: number;
}

export interface IntervalInput {
  members: MemberFlow[];
  ownNetting: boolean;
  allocation: AllocationMethod;
  /** Taken in the order given (trading's contractsInOrder: first signed, first served). */
  contracts?: ActiveContract[];
}

export interface MemberIntervalResult {
  memberId: string;
  exportWh: number;
  importWh: number;
  selfConsumedWh: number;
  contractReceivedWh: number;
  contractSuppliedWh: number;
  poolReceivedWh: number;
  poolSuppliedWh: number;
  receivedWh: number;
  suppliedWh: number;
  gridImportWh: number;
  gridExportWh: number;
}

export interface ContractIntervalResult {
  contractId: string;
  contractedWh: number;
  deliveredWh: number;
  shortfallWh: number;
}

export interface IntervalResult {
  members: MemberIntervalResult[];
  contracts: ContractIntervalResult[];
}

const byId = (a: { memberId: string }, b: { memberId: string }) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

function assertWh(value: number, what: string) {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative whole number of Wh, got ${String(value)}`);
}

/** Split `total` among members by weight (index-aligned); member ids break ties. */
function split(total: number, ids: string[], weights: number[]): number[] {
  if (weights.length !== ids.length) throw new Error(`split: ${String(ids.length)} members but ${String(weights.length)} weights`);
  // index-aligned, lengths asserted above
  return splitByLargestRemainder(
    total,
    ids.map((id, i) => ({ id, weight: weights[i]! })),
  );
}

export function allocateInterval(input: IntervalInput): IntervalResult {
  const members = [...input.members].sort(byId);
  const n = members.length;
  const ids = members.map((m) => m.memberId);
  const index = new Map(ids.map((id, i) => [id, i]));
  if (index.size !== n) throw new Error('a member appears twice in one interval');
  const self = new Array<number>(n);
  const surplus = new Array<number>(n);
  const deficit = new Array<number>(n);
  // members, ids, self, surplus and deficit all have length n: i < n is within bounds below
  for (let i = 0; i < n; i++) {
    const { memberId, exportWh: e, importWh: imp } = members[i]!;
    assertWh(e, `exportWh of ${memberId}`);
    assertWh(imp, `importWh of ${memberId}`);
    // 1. own netting: the member covers its own import with its own export
    const own = input.ownNetting ? Math.min(e, imp) : 0;
    self[i] = own;
    surplus[i] = e - own;
    deficit[i] = imp - own;
  }

  // 2. bilateral contracts, in order: never more than contracted, the seller's surplus or the buyer's deficit
  const contractReceived = new Array<number>(n).fill(0);
  const contractSupplied = new Array<number>(n).fill(0);
  const contracts: ContractIntervalResult[] = [];
  for (const c of input.contracts ?? []) {
    assertWh(c.contractedWh, `contractedWh of ${c.contractId}`);
    const s = index.get(c.sellerMemberId);
    const b = index.get(c.buyerMemberId);
    // s and b come from index, so they are member indices < n
    const delivered = s === undefined || b === undefined || s === b ? 0 : Math.min(c.contractedWh, surplus[s]!, deficit[b]!);
    if (delivered > 0) {
      surplus[s!]! -= delivered;
      deficit[b!]! -= delivered;
      contractSupplied[s!]! += delivered;
      contractReceived[b!]! += delivered;
    }
    contracts.push({ contractId: c.contractId, contractedWh: c.contractedWh, deliveredWh: delivered, shortfallWh: c.contractedWh - delivered });
  }

  // 3. the pool over what is left
  const poolReceived = poolShares(input.allocation, ids, surplus, deficit);
  const delivered = poolReceived.reduce((a, b) => a + b, 0);
  // suppliers contribute to what the pool delivered, pro rata to their surplus
  const poolSupplied = split(delivered, ids, surplus);

  // 4. the rest to and from the grid
  // every array here has one entry per member (length n), so index i of members.map is within bounds
  const result: MemberIntervalResult[] = members.map((m, i) => {
    const selfConsumedWh = self[i]!;
    const contractReceivedWh = contractReceived[i]!;
    const contractSuppliedWh = contractSupplied[i]!;
    const poolReceivedWh = poolReceived[i]!;
    const poolSuppliedWh = poolSupplied[i]!;
    const receivedWh = contractReceivedWh + poolReceivedWh;
    const suppliedWh = contractSuppliedWh + poolSuppliedWh;
    return {
      memberId: m.memberId,
      exportWh: m.exportWh,
      importWh: m.importWh,
      selfConsumedWh,
      contractReceivedWh,
      contractSuppliedWh,
      poolReceivedWh,
      poolSuppliedWh,
      receivedWh,
      suppliedWh,
      gridImportWh: m.importWh - selfConsumedWh - receivedWh,
      gridExportWh: m.exportWh - selfConsumedWh - suppliedWh,
    };
  });
  assertInvariants(result);
  return { members: result, contracts };
}

/** What each member receives from the pool, given surpluses and deficits after contracts. */
function poolShares(allocation: AllocationMethod, ids: string[], surplus: number[], deficit: number[]): number[] {
  const n = ids.length;
  const totalSurplus = surplus.reduce((a, b) => a + b, 0);
  const totalDeficit = deficit.reduce((a, b) => a + b, 0);
  const received = new Array<number>(n).fill(0);
  if (totalSurplus === 0 || totalDeficit === 0) return received;

  if (allocation.method === 'pro_rata') return split(Math.min(totalSurplus, totalDeficit), ids, deficit);

  if (allocation.method === 'priority') {
    const tierOf = new Map<string, number>();
    allocation.tiers.forEach((tier, t) => {
      tier.forEach((id) => tierOf.set(id, t));
    });
    const lastTier = allocation.tiers.length; // members in no tier
    let remaining = totalSurplus;
    for (let t = 0; t <= lastTier && remaining > 0; t++) {
      // deficit, received and shares have one entry per member (length n)
      const weights = ids.map((id, i) => ((tierOf.get(id) ?? lastTier) === t ? deficit[i]! : 0));
      const tierDeficit = weights.reduce((a, b) => a + b, 0);
      const shared = Math.min(remaining, tierDeficit);
      const shares = split(shared, ids, weights);
      for (let i = 0; i < n; i++) received[i]! += shares[i]!;
      remaining -= shared;
    }
    return received;
  }

  // static keys in basis points; members without a key receive nothing from the pool
  const keyOf = new Map(allocation.keys.map((k) => [k.memberId, k.shareBp]));
  const keys = ids.map((id) => keyOf.get(id) ?? 0);
  if (!allocation.redistribute) {
    // each keyed member is offered surplus × key / 10000, capped by its deficit; the
    // unkeyed part (keys under 10000, keys of members absent from the interval) and what
    // capped members cannot use go to the grid
    const presentKeys = keys.reduce((a, k) => a + k, 0);
    // keys, offered (n + 1 parts), deficit and received have an entry per member index < n
    const offered = splitByLargestRemainder(totalSurplus, [...ids.map((id, i) => ({ id, weight: keys[i]! })), { id: '\uffff unkeyed', weight: 10_000 - presentKeys }]);
    for (let i = 0; i < n; i++) received[i] = Math.min(offered[i]!, deficit[i]!);
    return received;
  }
  // redistribute: the surplus goes by key ratio; what a capped member cannot use goes to
  // the others by their key ratio, until nothing is left or every keyed deficit is covered
  let remaining = totalSurplus;
  const open = deficit.slice();
  for (let round = 0; round <= n && remaining > 0; round++) {
    // keys, open, offered and received have one entry per member (length n)
    const weights = keys.map((k, i) => (open[i]! > 0 ? k : 0));
    if (weights.every((w) => w === 0)) break;
    const offered = split(remaining, ids, weights);
    let used = 0;
    for (let i = 0; i < n; i++) {
      const take = Math.min(offered[i]!, open[i]!);
      received[i]! += take;
      open[i]! -= take;
      used += take;
    }
    remaining -= used;
    if (used === 0) break;
  }
  return received;
}

/** The invariants of docs/DOMAIN.md, checked on every interval (TigerBeetle style). */
function assertInvariants(result: MemberIntervalResult[]) {
  let received = 0;
  let supplied = 0;
  for (const m of result) {
    const deficit = m.importWh - m.selfConsumedWh;
    if (m.receivedWh < 0 || m.receivedWh > deficit) throw new Error(`invariant: ${m.memberId} received ${String(m.receivedWh)} of a deficit of ${String(deficit)}`);
    if (m.exportWh !== m.selfConsumedWh + m.suppliedWh + m.gridExportWh) throw new Error(`invariant: export of ${m.memberId} does not add up`);
    if (m.importWh !== m.selfConsumedWh + m.receivedWh + m.gridImportWh) throw new Error(`invariant: import of ${m.memberId} does not add up`);
    if (m.gridExportWh < 0 || m.gridImportWh < 0) throw new Error(`invariant: negative grid flow for ${m.memberId}`);
    received += m.receivedWh;
    supplied += m.suppliedWh;
  }
  if (received !== supplied) throw new Error(`invariant: received ${String(received)} differs from supplied ${String(supplied)}`);
}
