// The decider of the `cluster-{id}` stream: decide(command, state) → events or a
// DomainError, evolve(state, event) → a new state. Pure: no clock, no ids, no I/O;
// whatever varies (member ids, closed months) arrives in the command.
import { DomainError, type FieldError } from '../../common/domain-error.js';
import { isValidDate, isValidMonth } from './calendar.js';
import { isValidNip, normaliseNip } from './nip.js';
import {
  type AdmitMember, type AgreementAmended, type Allocation, type AmendAgreement, CARRIERS, type ClusterCommand, type ClusterEvent,
  type ClusterState, type DecommissionMeteringPoint, type Member, MEMBER_KINDS, type MeteringPoint, PPE_ROLES, type ReassignMeteringPoint, type RegisterCluster,
  type RegisterMeteringPoint, SOURCES, type Thresholds, type WithdrawMember,
} from './types.js';

export { DomainError, type FieldError };

export function streamIdOf(clusterId: string): string {
  return `cluster-${clusterId}`;
}

export function initialState(): ClusterState {
  return { profile: null, members: {}, points: {}, pastRegistrations: [], agreements: [] };
}

/** Spaces removed, upper case: 'pl 0037 5800' → 'PL00375800'. */
export function normalisePpeCode(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}

// Ids become keys of plain objects and parts of URLs: start alphanumeric (so never
// '__proto__'), then letters, digits, '_' or '-'.
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PPE_CODE = /^[A-Z0-9_]{6,40}$/;
const TERYT = /^\d{7}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_BP = 10_000;

// Own properties only: an id such as 'constructor' must not find Object.prototype's.
export function memberOf(state: ClusterState, memberId: string): Member | undefined {
  return typeof memberId === 'string' && Object.hasOwn(state.members, memberId) ? state.members[memberId] : undefined;
}

export function pointOf(state: ClusterState, ppeCode: string): MeteringPoint | undefined {
  if (typeof ppeCode !== 'string') return undefined;
  const code = normalisePpeCode(ppeCode);
  return Object.hasOwn(state.points, code) ? state.points[code] : undefined;
}

const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => values.includes(value as T);
const wholeAtLeastZero = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function rejectIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw DomainError.validation(errors);
}

function requireCluster(state: ClusterState): void {
  if (!state.profile) throw DomainError.notFound('The cluster does not exist');
}

function requireMember(state: ClusterState, memberId: string): Member {
  const member = memberOf(state, memberId);
  if (!member) throw DomainError.notFound(`Member ${String(memberId)} not found in this cluster`);
  return member;
}

function requirePoint(state: ClusterState, ppeCode: string): MeteringPoint {
  const point = pointOf(state, ppeCode);
  if (!point) throw DomainError.notFound(`Metering point ${String(ppeCode)} not found in this cluster`);
  return point;
}

/** Why a member cannot hold anything on a date, or null when it can. */
function outsideMembership(member: Member, date: string): string | null {
  if (date < member.admittedOn) return `is before member ${member.memberId} was admitted (${member.admittedOn})`;
  if (member.withdrawnOn !== null && date >= member.withdrawnOn) return `member ${member.memberId} withdrew effective ${member.withdrawnOn}`;
  return null;
}

/** kW with up to 3 decimals, read from its decimal text so that no float rounding hides a 4th decimal. */
export function capacityWattsOf(kw: unknown): number | undefined {
  if (typeof kw !== 'number' || !Number.isFinite(kw) || kw < 0) return undefined;
  const parts = /^(\d+)(?:\.(\d{1,3}))?$/.exec(String(kw));
  if (!parts) return undefined;
  const watts = Number(parts[1]) * 1000 + Number((parts[2] ?? '').padEnd(3, '0'));
  return Number.isSafeInteger(watts) ? watts : undefined;
}

export function decide(command: ClusterCommand, state: ClusterState): ClusterEvent[] {
  switch (command.type) {
    case 'RegisterCluster':
      return registerCluster(command, state);
    case 'AdmitMember':
      return admitMember(command, state);
    case 'WithdrawMember':
      return withdrawMember(command, state);
    case 'RegisterMeteringPoint':
      return registerMeteringPoint(command, state);
    case 'ReassignMeteringPoint':
      return reassignMeteringPoint(command, state);
    case 'DecommissionMeteringPoint':
      return decommissionMeteringPoint(command, state);
    case 'AmendAgreement':
      return amendAgreement(command, state);
    default:
      throw DomainError.validation([{ field: 'type', reason: `unknown command ${String((command as { type?: unknown }).type)}` }]);
  }
}

function registerCluster(command: RegisterCluster, state: ClusterState): ClusterEvent[] {
  if (state.profile) throw DomainError.conflict(`Cluster ${state.profile.clusterId} is registered already`);
  const errors: FieldError[] = [];
  if (typeof command.clusterId !== 'string' || !ID.test(command.clusterId)) errors.push({ field: 'clusterId', reason: 'must be 1 to 64 letters, digits, _ or -, starting with a letter or digit' });
  if (!text(command.name)) errors.push({ field: 'name', reason: 'must not be empty' });
  if (!text(command.coordinator?.legalName)) errors.push({ field: 'coordinator.legalName', reason: 'must not be empty' });
  if (!isValidNip(command.coordinator?.nip)) errors.push({ field: 'coordinator.nip', reason: 'is not a valid NIP (10 digits with the official checksum)' });
  if (!text(command.distributionSystemOperator)) errors.push({ field: 'distributionSystemOperator', reason: 'must not be empty' });
  const gminy = command.area?.gminy;
  const powiat = command.area?.powiat;
  if (gminy !== undefined && !Array.isArray(gminy)) errors.push({ field: 'area.gminy', reason: 'must be a list of { name, teryt }' });
  if (powiat !== undefined && !text(powiat)) errors.push({ field: 'area.powiat', reason: 'must not be empty when given' });
  if ((!Array.isArray(gminy) || gminy.length === 0) && powiat === undefined) errors.push({ field: 'area', reason: 'name the gminy or the powiat the cluster covers' });
  const teryts = new Set<string>();
  (Array.isArray(gminy) ? gminy : []).forEach((gmina, i) => {
    if (!text(gmina?.name)) errors.push({ field: `area.gminy[${i}].name`, reason: 'must not be empty' });
    if (typeof gmina?.teryt !== 'string' || !TERYT.test(gmina.teryt)) errors.push({ field: `area.gminy[${i}].teryt`, reason: 'must be a 7-digit TERYT code' });
    else if (teryts.has(gmina.teryt)) errors.push({ field: `area.gminy[${i}].teryt`, reason: `gmina ${gmina.teryt} is listed twice` });
    else teryts.add(gmina.teryt);
  });
  if (command.ureRegisterEntry !== undefined && !text(command.ureRegisterEntry)) errors.push({ field: 'ureRegisterEntry', reason: 'must not be empty when given' });
  rejectIfAny(errors);
  return [{
    type: 'ClusterRegistered',
    data: {
      clusterId: command.clusterId,
      name: command.name.trim(),
      coordinator: { legalName: command.coordinator.legalName.trim(), nip: normaliseNip(command.coordinator.nip) },
      distributionSystemOperator: command.distributionSystemOperator.trim(),
      area: {
        ...(gminy && gminy.length > 0 ? { gminy: gminy.map((g) => ({ name: g.name.trim(), teryt: g.teryt })) } : {}),
        ...(powiat !== undefined ? { powiat: powiat.trim() } : {}),
      },
      ureRegisterEntry: command.ureRegisterEntry?.trim() ?? null,
    },
  }];
}

function admitMember(command: AdmitMember, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  if (memberOf(state, command.memberId)) throw DomainError.conflict(`Member ${command.memberId} exists already`);
  const errors: FieldError[] = [];
  if (typeof command.memberId !== 'string' || !ID.test(command.memberId)) errors.push({ field: 'memberId', reason: 'must be 1 to 64 letters, digits, _ or -, starting with a letter or digit' });
  if (!isOneOf(MEMBER_KINDS, command.kind)) errors.push({ field: 'kind', reason: `must be one of ${MEMBER_KINDS.join(', ')}` });
  if (!text(command.legalName)) errors.push({ field: 'legalName', reason: 'must not be empty' });
  // An empty NIP field is no NIP: forms send '' as often as they leave it out.
  const hasNip = text(command.nip);
  if (command.kind === 'household') {
    if (hasNip) errors.push({ field: 'nip', reason: 'a household member has no NIP' });
  } else if (!hasNip) {
    errors.push({ field: 'nip', reason: `is required for a member of kind ${String(command.kind)}` });
  } else if (!isValidNip(command.nip)) {
    errors.push({ field: 'nip', reason: 'is not a valid NIP (10 digits with the official checksum)' });
  }
  if (!text(command.address)) errors.push({ field: 'address', reason: 'must not be empty' });
  if (typeof command.invoiceEmail !== 'string' || !EMAIL.test(command.invoiceEmail)) errors.push({ field: 'invoiceEmail', reason: 'is not an e-mail address' });
  if (typeof command.vatPayer !== 'boolean') errors.push({ field: 'vatPayer', reason: 'must be true or false' });
  if (command.selfBillingConsent !== undefined && typeof command.selfBillingConsent !== 'boolean') errors.push({ field: 'selfBillingConsent', reason: 'must be true or false' });
  if (!isValidDate(command.admittedOn)) errors.push({ field: 'admittedOn', reason: 'must be a date YYYY-MM-DD' });
  rejectIfAny(errors);
  return [{
    type: 'MemberAdmitted',
    data: {
      memberId: command.memberId,
      kind: command.kind,
      legalName: command.legalName.trim(),
      nip: hasNip ? normaliseNip(command.nip as string) : null,
      address: command.address.trim(),
      invoiceEmail: command.invoiceEmail,
      vatPayer: command.vatPayer,
      selfBillingConsent: command.selfBillingConsent ?? false,
      admittedOn: command.admittedOn,
    },
  }];
}

function withdrawMember(command: WithdrawMember, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  const member = requireMember(state, command.memberId);
  if (member.withdrawnOn !== null) throw DomainError.conflict(`Member ${member.memberId} has withdrawn already, effective ${member.withdrawnOn}`);
  const errors: FieldError[] = [];
  if (!isValidDate(command.effectiveOn)) errors.push({ field: 'effectiveOn', reason: 'must be a date YYYY-MM-DD' });
  else if (command.effectiveOn <= member.admittedOn) errors.push({ field: 'effectiveOn', reason: `must be after the admission on ${member.admittedOn}` });
  else {
    // Every assignment must lie within the membership: none may begin on or after the withdrawal.
    for (const point of [...state.pastRegistrations, ...Object.values(state.points)]) {
      const late = point.assignments.find((a) => a.memberId === member.memberId && a.from >= command.effectiveOn);
      if (late) errors.push({ field: 'effectiveOn', reason: `${point.ppeCode} is assigned to the member from ${late.from}; withdraw after that or reassign the point first` });
    }
  }
  rejectIfAny(errors);
  return [{ type: 'MemberWithdrew', data: { memberId: member.memberId, effectiveOn: command.effectiveOn } }];
}

function registerMeteringPoint(command: RegisterMeteringPoint, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  const member = requireMember(state, command.memberId);
  const ppeCode = typeof command.ppeCode === 'string' ? normalisePpeCode(command.ppeCode) : '';
  const existing = pointOf(state, ppeCode);
  if (existing && existing.decommissionedFrom === null) throw DomainError.conflict(`${ppeCode} is already registered in this cluster (to ${existing.assignments.at(-1)?.memberId})`);
  const errors: FieldError[] = [];
  if (!PPE_CODE.test(ppeCode)) errors.push({ field: 'ppeCode', reason: 'must be 6 to 40 letters, digits or _ (spaces are removed)' });
  if (!isOneOf(PPE_ROLES, command.role)) errors.push({ field: 'role', reason: `must be one of ${PPE_ROLES.join(', ')}` });
  if (!isOneOf(CARRIERS, command.carrier)) errors.push({ field: 'carrier', reason: `must be one of ${CARRIERS.join(', ')}` });
  const generates = command.role === 'producer' || command.role === 'prosumer';
  if (command.source !== undefined && !isOneOf(SOURCES, command.source)) errors.push({ field: 'source', reason: `must be one of ${SOURCES.join(', ')}` });
  else if (generates && command.source === undefined) errors.push({ field: 'source', reason: `is required for a ${command.role}` });
  else if (command.role === 'consumer' && command.source !== undefined) errors.push({ field: 'source', reason: 'a consumer has no generation source' });
  const capacityW = command.capacityKw === undefined ? null : capacityWattsOf(command.capacityKw);
  if (capacityW === undefined) errors.push({ field: 'capacityKw', reason: 'must be a number of kW, 0 or more, with at most 3 decimals' });
  else if (generates && capacityW === null) errors.push({ field: 'capacityKw', reason: `is required for a ${command.role}` });
  if (!isValidDate(command.validFrom)) errors.push({ field: 'validFrom', reason: 'must be a date YYYY-MM-DD' });
  else {
    const outside = outsideMembership(member, command.validFrom);
    if (outside) errors.push({ field: 'validFrom', reason: outside });
    // A code registered again continues after its earlier registration ended.
    if (existing?.decommissionedFrom && command.validFrom < existing.decommissionedFrom) {
      errors.push({ field: 'validFrom', reason: `${ppeCode} was decommissioned from ${existing.decommissionedFrom}; it can be registered again from that date` });
    }
  }
  rejectIfAny(errors);
  return [{
    type: 'MeteringPointRegistered',
    data: { ppeCode, memberId: member.memberId, role: command.role, carrier: command.carrier, source: command.source ?? null, capacityW: capacityW ?? null, validFrom: command.validFrom },
  }];
}

function reassignMeteringPoint(command: ReassignMeteringPoint, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  const point = requirePoint(state, command.ppeCode);
  const member = requireMember(state, command.memberId);
  const current = point.assignments[point.assignments.length - 1];
  const errors: FieldError[] = [];
  if (member.memberId === current.memberId) errors.push({ field: 'memberId', reason: `${point.ppeCode} belongs to ${member.memberId} already` });
  if (!isValidDate(command.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'must be a date YYYY-MM-DD' });
  else {
    const date = command.effectiveFrom;
    const outside = outsideMembership(member, date);
    if (outside) errors.push({ field: 'effectiveFrom', reason: outside });
    if (date <= current.from) errors.push({ field: 'effectiveFrom', reason: `must be after ${current.from}, when the current assignment began` });
    if (point.decommissionedFrom !== null && date >= point.decommissionedFrom) errors.push({ field: 'effectiveFrom', reason: `${point.ppeCode} is decommissioned from ${point.decommissionedFrom}` });
  }
  rejectIfAny(errors);
  return [{ type: 'MeteringPointReassigned', data: { ppeCode: point.ppeCode, fromMemberId: current.memberId, memberId: member.memberId, effectiveFrom: command.effectiveFrom } }];
}

function decommissionMeteringPoint(command: DecommissionMeteringPoint, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  const point = requirePoint(state, command.ppeCode);
  if (point.decommissionedFrom !== null) throw DomainError.conflict(`${point.ppeCode} is decommissioned already, from ${point.decommissionedFrom}`);
  const current = point.assignments[point.assignments.length - 1];
  const errors: FieldError[] = [];
  if (!isValidDate(command.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'must be a date YYYY-MM-DD' });
  else if (command.effectiveFrom <= current.from) errors.push({ field: 'effectiveFrom', reason: `must be after ${current.from}, when the current assignment began` });
  rejectIfAny(errors);
  return [{ type: 'MeteringPointDecommissioned', data: { ppeCode: point.ppeCode, effectiveFrom: command.effectiveFrom } }];
}

const PRICE_FIELDS = ['internalPriceGroszePerMwh', 'referenceGridPriceGroszePerMwh', 'feeGroszePerMwhReceived', 'feeGroszePerMwhSupplied', 'monthlyFeeGroszePerMember', 'vatRateBp'] as const;

function amendAgreement(command: AmendAgreement, state: ClusterState): ClusterEvent[] {
  requireCluster(state);
  const terms = command.terms;
  const latest = state.agreements.at(-1);
  const errors: FieldError[] = [];
  if (!isValidMonth(terms.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'must be a month YYYY-MM' });
  // Equal supersedes: a version for the latest version's month replaces it from that month on.
  else if (latest && terms.effectiveFrom < latest.effectiveFrom) {
    errors.push({ field: 'effectiveFrom', reason: `must not be before ${latest.effectiveFrom}, when version ${latest.version} takes effect` });
  }
  if (terms.intervalMinutes !== 15 && terms.intervalMinutes !== 60) errors.push({ field: 'intervalMinutes', reason: 'must be 15 or 60' });
  if (terms.ownNetting !== undefined && typeof terms.ownNetting !== 'boolean') errors.push({ field: 'ownNetting', reason: 'must be true or false' });
  for (const field of PRICE_FIELDS) {
    if (!wholeAtLeastZero(terms[field])) errors.push({ field, reason: 'must be a whole number, 0 or more' });
  }
  if (wholeAtLeastZero(terms.vatRateBp) && terms.vatRateBp > MAX_BP) errors.push({ field: 'vatRateBp', reason: `must be at most ${MAX_BP} bp` });
  if (!text(terms.invoiceSeries) || terms.invoiceSeries.length > 30) errors.push({ field: 'invoiceSeries', reason: 'must be 1 to 30 characters' });
  const thresholds = terms.thresholds ?? {};
  for (const field of ['selfSufficiencyBp', 'renewableShareBp'] as const) {
    const value = thresholds[field];
    if (value !== undefined && !(wholeAtLeastZero(value) && value <= MAX_BP)) errors.push({ field: `thresholds.${field}`, reason: `must be a whole number of bp from 0 to ${MAX_BP}` });
  }
  checkAllocation(errors, state, terms.allocation, isValidMonth(terms.effectiveFrom) ? terms.effectiveFrom : null);
  rejectIfAny(errors);

  // The closed months come with the command: they are recorded by settlement, in other streams.
  const closed = (command.closedMonths ?? []).filter((month) => month >= terms.effectiveFrom).sort();
  if (closed.length > 0) throw DomainError.conflict(`Month ${closed[0]} is closed: a version effective from ${terms.effectiveFrom} would change its settlement`);

  const event: AgreementAmended = {
    type: 'AgreementAmended',
    data: {
      version: (latest?.version ?? 0) + 1,
      effectiveFrom: terms.effectiveFrom,
      intervalMinutes: terms.intervalMinutes,
      ownNetting: terms.ownNetting ?? true,
      allocation: copyAllocation(terms.allocation),
      internalPriceGroszePerMwh: terms.internalPriceGroszePerMwh,
      referenceGridPriceGroszePerMwh: terms.referenceGridPriceGroszePerMwh,
      feeGroszePerMwhReceived: terms.feeGroszePerMwhReceived,
      feeGroszePerMwhSupplied: terms.feeGroszePerMwhSupplied,
      monthlyFeeGroszePerMember: terms.monthlyFeeGroszePerMember,
      vatRateBp: terms.vatRateBp,
      invoiceSeries: terms.invoiceSeries.trim(),
      thresholds: copyThresholds(thresholds),
    },
  };
  return [event];
}

function checkAllocation(errors: FieldError[], state: ClusterState, allocation: Allocation, effectiveFrom: string | null): void {
  // A member named in a key or tier must exist and still be in the cluster when the version starts.
  const memberProblem = (memberId: unknown): string | null => {
    const member = memberOf(state, memberId as string);
    if (!member) return `unknown member ${String(memberId)}`;
    if (effectiveFrom && member.withdrawnOn !== null && member.withdrawnOn <= `${effectiveFrom}-01`) return `member ${member.memberId} withdrew effective ${member.withdrawnOn}, before this version takes effect`;
    return null;
  };
  switch (allocation?.method) {
    case 'pro_rata':
      return;
    case 'static': {
      if (typeof allocation.redistribute !== 'boolean') errors.push({ field: 'allocation.redistribute', reason: 'must be true or false' });
      if (!Array.isArray(allocation.keys) || allocation.keys.length === 0) {
        errors.push({ field: 'allocation.keys', reason: 'static allocation needs at least one key' });
        return;
      }
      const seen = new Set<string>();
      let sum = 0;
      allocation.keys.forEach((key, i) => {
        const problem = memberProblem(key?.memberId);
        if (problem) errors.push({ field: `allocation.keys[${i}].memberId`, reason: problem });
        else if (seen.has(key.memberId)) errors.push({ field: `allocation.keys[${i}].memberId`, reason: `member ${key.memberId} has a key already` });
        seen.add(key?.memberId);
        if (!wholeAtLeastZero(key?.shareBp) || key.shareBp > MAX_BP) errors.push({ field: `allocation.keys[${i}].shareBp`, reason: `must be a whole number of bp from 0 to ${MAX_BP}` });
        else sum += key.shareBp;
      });
      if (sum > MAX_BP) errors.push({ field: 'allocation.keys', reason: `the keys sum to ${sum} bp, more than ${MAX_BP}` });
      return;
    }
    case 'priority': {
      if (!Array.isArray(allocation.tiers) || allocation.tiers.length === 0) {
        errors.push({ field: 'allocation.tiers', reason: 'priority allocation needs at least one tier' });
        return;
      }
      const tierOf = new Map<string, number>();
      allocation.tiers.forEach((tier, t) => {
        if (!Array.isArray(tier) || tier.length === 0) {
          errors.push({ field: `allocation.tiers[${t}]`, reason: 'a tier lists at least one member' });
          return;
        }
        tier.forEach((memberId, i) => {
          const problem = memberProblem(memberId);
          const earlier = tierOf.get(memberId);
          if (problem) errors.push({ field: `allocation.tiers[${t}][${i}]`, reason: problem });
          else if (earlier !== undefined) errors.push({ field: `allocation.tiers[${t}][${i}]`, reason: `member ${memberId} is in tier ${earlier + 1} already` });
          else tierOf.set(memberId, t);
        });
      });
      return;
    }
    default:
      errors.push({ field: 'allocation.method', reason: 'must be pro_rata, static or priority' });
  }
}

// Copies only the known fields, so nothing else the caller sent ends up in an event.
function copyAllocation(allocation: Allocation): Allocation {
  switch (allocation.method) {
    case 'static':
      return { method: 'static', redistribute: allocation.redistribute, keys: allocation.keys.map((k) => ({ memberId: k.memberId, shareBp: k.shareBp })) };
    case 'priority':
      return { method: 'priority', tiers: allocation.tiers.map((tier) => [...tier]) };
    default:
      return { method: 'pro_rata' };
  }
}

function copyThresholds(thresholds: Thresholds): Thresholds {
  return {
    ...(thresholds.selfSufficiencyBp !== undefined ? { selfSufficiencyBp: thresholds.selfSufficiencyBp } : {}),
    ...(thresholds.renewableShareBp !== undefined ? { renewableShareBp: thresholds.renewableShareBp } : {}),
  };
}

/** A new state with the event applied; the given state is left as it was. */
export function evolve(state: ClusterState, event: ClusterEvent): ClusterState {
  const next = ownCopy(state);
  applyTo(next, event);
  return next;
}

/**
 * Applies the event to the state it is given and returns that state: the Decider contract
 * of event-store/command-handling.ts allows it for a fold from a fresh initialState(). A pure
 * evolve copies the maps on every event: 28 s instead of 44 ms for a stream of 10,000 PPE.
 * Use it only on a state nothing else holds.
 */
export function evolveInPlace(state: ClusterState, event: ClusterEvent): ClusterState {
  state.pastRegistrations ??= [];
  applyTo(state, event);
  return state;
}

/** Folds a stream in one pass, like reducing with evolve but copying the maps only once. */
export function foldEvents(events: Iterable<ClusterEvent>, from: ClusterState = initialState()): ClusterState {
  const state = ownCopy(from);
  for (const event of events) applyTo(state, event);
  return state;
}

// A copy whose maps and lists may be written; the members and points in it are shared,
// so applyTo replaces them and never changes them.
function ownCopy(state: ClusterState): ClusterState {
  return {
    profile: state.profile,
    members: { ...state.members },
    points: { ...state.points },
    pastRegistrations: [...(state.pastRegistrations ?? [])],
    agreements: [...state.agreements],
  };
}

function applyTo(state: ClusterState, event: ClusterEvent): void {
  switch (event.type) {
    case 'ClusterRegistered':
      state.profile = event.data;
      return;
    case 'MemberAdmitted':
      state.members[event.data.memberId] = { ...event.data, withdrawnOn: null };
      return;
    case 'MemberWithdrew': {
      const member = existingMember(state, event.data.memberId);
      state.members[member.memberId] = { ...member, withdrawnOn: event.data.effectiveOn };
      return;
    }
    case 'MeteringPointRegistered': {
      const { memberId, ...point } = event.data;
      const earlier = pointOf(state, point.ppeCode);
      if (earlier) state.pastRegistrations.push(earlier);
      state.points[point.ppeCode] = { ...point, decommissionedFrom: null, assignments: [{ memberId, from: point.validFrom }] };
      return;
    }
    case 'MeteringPointReassigned': {
      const point = existingPoint(state, event.data.ppeCode);
      state.points[point.ppeCode] = { ...point, assignments: [...point.assignments, { memberId: event.data.memberId, from: event.data.effectiveFrom }] };
      return;
    }
    case 'MeteringPointDecommissioned': {
      const point = existingPoint(state, event.data.ppeCode);
      state.points[point.ppeCode] = { ...point, decommissionedFrom: event.data.effectiveFrom };
      return;
    }
    case 'AgreementAmended':
      state.agreements.push(event.data);
      return;
  }
}

// decide never emits an event about something unknown; if a stream has one, it is damaged.
function existingMember(state: ClusterState, memberId: string): Member {
  const member = memberOf(state, memberId);
  if (!member) throw new Error(`Damaged cluster stream: an event names member ${memberId}, never admitted`);
  return member;
}

function existingPoint(state: ClusterState, ppeCode: string): MeteringPoint {
  const point = pointOf(state, ppeCode);
  if (!point) throw new Error(`Damaged cluster stream: an event names metering point ${ppeCode}, never registered`);
  return point;
}

export const clusterDecider = { initialState, decide, evolve };

