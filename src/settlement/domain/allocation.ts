// Who received whose energy in one interval (DOMAIN.md, "Allocation"): own netting, then
// bilateral contracts in order, then the pool by the agreement's key, the rest to and
// from the grid. Pure: integer Wh only, no I/O. Every split is by largest remainder with
// ties by member id, so totals are exact and the result is independent of input order.
import { compareIds, splitByLargestRemainder } from '../../common/split.js';

export type AllocationMethod =
  | { method: 'pro_rata' }
  | { method: 'static'; redistribute: boolean; keys: { memberId: string; shareBp: number }[] }
  | { method: 'priority'; tiers: string[][] };

export interface MemberFlow {
  memberId: string;
  exportWh: number;
  importWh: number;
}

/**
 * A contract active in the interval with its volume for that interval. The caller passes
 * only the active ones, in the order of sortContracts (signedAt, then contractId).
 */
export interface ActiveContract {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  contractedWh: number;
}

export interface IntervalAllocationInput {
  members: MemberFlow[];
  ownNetting: boolean;
  allocation: AllocationMethod;
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
  /** contract + pool */
  receivedWh: number;
  /** contract + pool */
  suppliedWh: number;
  gridImportWh: number;
  gridExportWh: number;
}

export interface ContractIntervalResult {
  contractId: string;
  sellerMemberId: string;
  buyerMemberId: string;
  contractedWh: number;
  deliveredWh: number;
  shortfallWh: number;
}

export interface IntervalAllocationResult {
  /** Sorted by memberId (code unit order). */
  members: MemberIntervalResult[];
  /** In the order the contracts were given. */
  contracts: ContractIntervalResult[];
}

/** The deterministic contract order: the first signed is served first; contractId breaks ties. */
export function sortContracts<T extends { contractId: string; signedAt: string }>(contracts: readonly T[]): T[] {
  return [...contracts].sort((a, b) => compareIds(a.signedAt, b.signedAt) || compareIds(a.contractId, b.contractId));
}

function assertWh(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer number of Wh, got ${value}`);
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`allocation invariant violated: ${message}`);
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Splits `total` among the members (index-aligned with `ids`) by `weights`. */
function split(total: number, ids: readonly string[], weights: readonly number[]): number[] {
  return splitByLargestRemainder(total, ids.map((id, i) => ({ id, weight: weights[i] })));
}

export function allocateInterval(input: IntervalAllocationInput): IntervalAllocationResult {
  const members = [...input.members].sort((a, b) => compareIds(a.memberId, b.memberId));
  const n = members.length;
  const ids = members.map((m) => m.memberId);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const m = members[i];
    if (typeof m.memberId !== 'string' || m.memberId === '') throw new Error('memberId must be a non-empty string');
    if (index.has(m.memberId)) throw new Error(`member ${m.memberId} appears twice in one interval`);
    index.set(m.memberId, i);
    assertWh(m.exportWh, `exportWh of ${m.memberId}`);
    assertWh(m.importWh, `importWh of ${m.memberId}`);
  }
  validateAllocation(input.allocation);

  // 1. own netting: a member covers its own import with its own export first
  const self = members.map((m) => (input.ownNetting ? Math.min(m.exportWh, m.importWh) : 0));
  const surplus = members.map((m, i) => m.exportWh - self[i]);
  const deficit = members.map((m, i) => m.importWh - self[i]);
  const surplusAfterNettingWh = sum(surplus);
  const deficitAfterNettingWh = sum(deficit);
  if (!Number.isSafeInteger(sum(members.map((m) => m.exportWh))) || !Number.isSafeInteger(sum(members.map((m) => m.importWh)))) {
    throw new Error('the cluster total of exportWh or importWh exceeds the safe integer range');
  }

  // 2. bilateral contracts in the given order; what cannot be delivered is a shortfall, not an error
  const contractReceived = new Array<number>(n).fill(0);
  const contractSupplied = new Array<number>(n).fill(0);
  const contracts: ContractIntervalResult[] = [];
  const seenContracts = new Set<string>();
  for (const c of input.contracts ?? []) {
    assertWh(c.contractedWh, `contractedWh of contract ${c.contractId}`);
    if (seenContracts.has(c.contractId)) throw new Error(`contract ${c.contractId} appears twice in one interval`);
    seenContracts.add(c.contractId);
    if (c.sellerMemberId === c.buyerMemberId) throw new Error(`contract ${c.contractId} has the same seller and buyer`);
    const s = index.get(c.sellerMemberId);
    const b = index.get(c.buyerMemberId);
    // a party absent from this interval has no flows, so nothing is delivered
    const deliveredWh = s === undefined || b === undefined ? 0 : Math.min(c.contractedWh, surplus[s], deficit[b]);
    if (deliveredWh > 0) {
      surplus[s!] -= deliveredWh;
      deficit[b!] -= deliveredWh;
      contractSupplied[s!] += deliveredWh;
      contractReceived[b!] += deliveredWh;
    }
    contracts.push({
      contractId: c.contractId, sellerMemberId: c.sellerMemberId, buyerMemberId: c.buyerMemberId,
      contractedWh: c.contractedWh, deliveredWh, shortfallWh: c.contractedWh - deliveredWh,
    });
  }

  // 3. the pool over what is left; suppliers contribute pro rata to their remaining surplus
  const poolReceived = poolReceivedShares(input.allocation, ids, surplus, deficit);
  const poolDeliveredWh = sum(poolReceived);
  const poolSupplied = split(poolDeliveredWh, ids, surplus);

  // 4. the rest to and from the grid
  const result: MemberIntervalResult[] = members.map((m, i) => {
    const receivedWh = contractReceived[i] + poolReceived[i];
    const suppliedWh = contractSupplied[i] + poolSupplied[i];
    return {
      memberId: m.memberId, exportWh: m.exportWh, importWh: m.importWh, selfConsumedWh: self[i],
      contractReceivedWh: contractReceived[i], contractSuppliedWh: contractSupplied[i],
      poolReceivedWh: poolReceived[i], poolSuppliedWh: poolSupplied[i], receivedWh, suppliedWh,
      gridImportWh: m.importWh - self[i] - receivedWh, gridExportWh: m.exportWh - self[i] - suppliedWh,
    };
  });

  // invariants of DOMAIN.md, checked on every interval
  let receivedTotal = 0;
  let suppliedTotal = 0;
  let poolReceivedTotal = 0;
  for (const m of result) {
    const deficitWh = m.importWh - m.selfConsumedWh;
    const surplusWh = m.exportWh - m.selfConsumedWh;
    check(m.selfConsumedWh >= 0 && deficitWh >= 0 && surplusWh >= 0, `own netting of ${m.memberId}`);
    check(m.receivedWh >= 0 && m.receivedWh <= deficitWh, `${m.memberId} received ${m.receivedWh} Wh of a deficit of ${deficitWh} Wh`);
    check(m.suppliedWh >= 0 && m.suppliedWh <= surplusWh, `${m.memberId} supplied ${m.suppliedWh} Wh of a surplus of ${surplusWh} Wh`);
    check(m.poolReceivedWh >= 0 && m.poolSuppliedWh >= 0 && m.contractReceivedWh >= 0 && m.contractSuppliedWh >= 0, `negative flow for ${m.memberId}`);
    check(m.gridImportWh >= 0 && m.gridExportWh >= 0, `negative grid flow for ${m.memberId}`);
    check(m.exportWh === m.selfConsumedWh + m.suppliedWh + m.gridExportWh, `export of ${m.memberId} does not add up`);
    check(m.importWh === m.selfConsumedWh + m.receivedWh + m.gridImportWh, `import of ${m.memberId} does not add up`);
    receivedTotal += m.receivedWh;
    suppliedTotal += m.suppliedWh;
    poolReceivedTotal += m.poolReceivedWh;
  }
  check(receivedTotal === suppliedTotal, `received ${receivedTotal} Wh differs from supplied ${suppliedTotal} Wh`);
  check(receivedTotal <= Math.min(surplusAfterNettingWh, deficitAfterNettingWh), 'received more than min(ΣS, ΣD)');
  check(poolReceivedTotal <= Math.min(sum(surplus), sum(deficit)), 'pool delivered more than min(ΣS, ΣD) after contracts');
  for (const c of contracts) check(c.deliveredWh >= 0 && c.deliveredWh <= c.contractedWh, `contract ${c.contractId} delivered more than contracted`);
  return { members: result, contracts };
}

function validateAllocation(allocation: AllocationMethod): void {
  if (allocation.method === 'pro_rata') return;
  if (allocation.method === 'static') {
    if (typeof allocation.redistribute !== 'boolean') throw new Error('static allocation needs redistribute true or false');
    const seen = new Set<string>();
    let keySumBp = 0;
    for (const k of allocation.keys) {
      if (!Number.isSafeInteger(k.shareBp) || k.shareBp < 0 || k.shareBp > 10_000) throw new Error(`static key of ${k.memberId} must be an integer 0..10000 bp, got ${k.shareBp}`);
      if (seen.has(k.memberId)) throw new Error(`static key of ${k.memberId} appears twice`);
      seen.add(k.memberId);
      keySumBp += k.shareBp;
    }
    if (keySumBp > 10_000) throw new Error(`static keys sum to ${keySumBp} bp, more than 10000`);
    return;
  }
  if (allocation.method === 'priority') {
    const seen = new Set<string>();
    for (const tier of allocation.tiers) {
      for (const id of tier) {
        if (seen.has(id)) throw new Error(`member ${id} is in more than one priority tier`);
        seen.add(id);
      }
    }
    return;
  }
  throw new Error(`unknown allocation method ${(allocation as { method: unknown }).method}`);
}

// Marks the part of the surplus no key covers (static keys summing under 10000).
const UNKEYED = '\uffff(unkeyed)';

/** What each member (index-aligned with ids) receives from the pool. */
function poolReceivedShares(allocation: AllocationMethod, ids: readonly string[], surplus: readonly number[], deficit: readonly number[]): number[] {
  const n = ids.length;
  const surplusWh = sum(surplus);
  const deficitWh = sum(deficit);
  const received = new Array<number>(n).fill(0);
  if (surplusWh === 0 || deficitWh === 0) return received;

  if (allocation.method === 'pro_rata') return split(Math.min(surplusWh, deficitWh), ids, deficit);

  if (allocation.method === 'priority') {
    const tierOf = new Map<string, number>();
    allocation.tiers.forEach((tier, t) => tier.forEach((id) => tierOf.set(id, t)));
    const lastTier = allocation.tiers.length; // members in no tier
    let remainingWh = surplusWh;
    for (let t = 0; t <= lastTier && remainingWh > 0; t++) {
      const weights = ids.map((id, i) => ((tierOf.get(id) ?? lastTier) === t ? deficit[i] : 0));
      const sharedWh = Math.min(remainingWh, sum(weights));
      const shares = split(sharedWh, ids, weights);
      for (let i = 0; i < n; i++) received[i] += shares[i];
      remainingWh -= sharedWh;
    }
    return received;
  }

  // static keys: members without a key receive nothing from the pool
  const keyOf = new Map(allocation.keys.map((k) => [k.memberId, k.shareBp]));
  const keys = ids.map((id) => keyOf.get(id) ?? 0);
  if (!allocation.redistribute) {
    // each member is offered surplus × key / 10000, capped by its deficit. The rest (keys
    // of absent members, keys under 10000, what capped members cannot use) goes to the grid.
    if (keyOf.has(UNKEYED) || ids.includes(UNKEYED)) throw new Error('reserved member id');
    const offered = splitByLargestRemainder(surplusWh, [
      ...ids.map((id, i) => ({ id, weight: keys[i] })),
      { id: UNKEYED, weight: 10_000 - sum(keys) },
    ]);
    for (let i = 0; i < n; i++) received[i] = Math.min(offered[i], deficit[i]);
    return received;
  }
  // redistribute: the surplus goes by key ratio among keyed members with an open deficit;
  // what a capped member cannot use goes round again to the others, until nothing is left
  // or every keyed deficit is covered. Each round either uses everything or closes at least
  // one member, so there are at most n + 1 rounds.
  let remainingWh = surplusWh;
  const open = deficit.slice();
  for (let round = 0; remainingWh > 0; round++) {
    check(round <= n, 'static redistribution did not converge');
    const weights = keys.map((k, i) => (open[i] > 0 ? k : 0));
    if (sum(weights) === 0) break;
    const offered = split(remainingWh, ids, weights);
    for (let i = 0; i < n; i++) {
      const takeWh = Math.min(offered[i], open[i]);
      received[i] += takeWh;
      open[i] -= takeWh;
      remainingWh -= takeWh;
    }
  }
  return received;
}

export interface MonthIntervalInput {
  intervalStart: string;
  members: MemberFlow[];
  contracts?: ActiveContract[];
}

export interface MonthIntervalResult extends IntervalAllocationResult {
  intervalStart: string;
}

/** Allocates every interval of a month under one agreement's options, in the order given. */
export function allocateMonth(
  intervals: readonly MonthIntervalInput[],
  options: { ownNetting: boolean; allocation: AllocationMethod },
): MonthIntervalResult[] {
  const seen = new Set<string>();
  return intervals.map((interval) => {
    if (seen.has(interval.intervalStart)) throw new Error(`interval ${interval.intervalStart} appears twice`);
    seen.add(interval.intervalStart);
    const result = allocateInterval({ members: interval.members, contracts: interval.contracts, ...options });
    return { intervalStart: interval.intervalStart, ...result };
  });
}
