// The cluster-{id} stream: who is in the cluster, their metering points and the
// agreement versions. A pure decider: decide(command, state) → events, evolve(state,
// event) → state. No Nest, no SQL. Dates are Warsaw calendar dates (YYYY-MM-DD),
// months YYYY-MM. Every failing field of a command is named in one error.
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { isValidDate, isValidMonth, startOfWarsawDay } from '../../shared/calendar.js';
import { isValidNip, normaliseNip } from './nip.js';
import { checkIban, normaliseIban } from './iban.js';
import { normalisePpeCode } from '../../shared/ppe-code.js';

export const MEMBER_KINDS = ['municipality', 'municipal_company', 'company', 'cooperative', 'research_unit', 'ngo', 'household', 'public_transport'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
export type PpeRole = 'consumer' | 'producer' | 'prosumer' | 'storage';
export type Carrier = 'electricity' | 'heat';
export type GenerationSource = 'pv' | 'wind' | 'hydro' | 'biogas' | 'biomass' | 'chp' | 'other';
export const RENEWABLE_SOURCES: GenerationSource[] = ['pv', 'wind', 'hydro', 'biogas', 'biomass'];

export type Allocation = { method: 'pro_rata' } | { method: 'static'; redistribute: boolean; keys: { memberId: string; shareBp: number }[] } | { method: 'priority'; tiers: string[][] };

export interface AgreementTerms {
  effectiveFrom: string;
  intervalMinutes: 15 | 60;
  ownNetting: boolean;
  allocation: Allocation;
  internalPriceGroszePerMwh: number;
  referenceGridPriceGroszePerMwh: number;
  feeGroszePerMwhReceived: number;
  feeGroszePerMwhSupplied: number;
  monthlyFeeGroszePerMember: number;
  vatRateBp: number;
  invoiceSeries: string;
  thresholds: { selfSufficiencyBp?: number; renewableShareBp?: number };
  /** Days from an invoice's issue to its due date (versions recorded before it was asked: 14). */
  paymentTermDays?: number;
}

export interface AgreementVersion extends AgreementTerms {
  version: number;
  /** The version in force from effectiveFrom that this one replaces (required when that month already has one); null or absent otherwise. */
  supersedesVersion?: number | null;
}

export interface Coordinator {
  legalName: string;
  nip: string;
  address?: string;
  /** IBAN (electronic format) members pay their invoices into. */
  bankAccount?: string;
}

export interface ClusterProfile {
  clusterId: string;
  name: string;
  /** The address is on every invoice the coordinator issues (clusters registered before it was asked may lack it). */
  coordinator: Coordinator;
  distributionSystemOperator: string;
  area: { gminy?: { name: string; teryt: string }[]; powiat?: string };
  ureRegisterEntry: string | null;
}

export interface Member {
  memberId: string;
  kind: MemberKind;
  legalName: string;
  nip: string | null;
  address: string;
  invoiceEmail: string;
  vatPayer: boolean;
  selfBillingConsent: boolean;
  admittedOn: string;
  withdrawnOn: string | null;
  /** 1 for the first member admitted, and so on (folded from the event order, not recorded). */
  number?: number;
  /** A municipality's subordinate unit (a school, an office) its invoices concern: FA(3) JST. */
  jstUnit?: JstUnit;
}

export interface JstUnit {
  name: string;
  nip: string;
  address?: string;
}

export interface MeteringPoint {
  ppeCode: string;
  role: PpeRole;
  carrier: Carrier;
  source: GenerationSource | null;
  capacityW: number | null;
  validFrom: string;
  decommissionedFrom: string | null;
  /** Owners over time, by date from which each holds it (ascending). */
  assignments: { memberId: string; from: string }[];
}

/** The point's current owner: the last assignment (a point is registered with its first one). */
/** kW with at most 3 decimals (checked by the decider) as whole W, from its decimal digits: no float product. */
function wattsOfKw(kw: number): number {
  const [whole = '0', fraction = ''] = String(kw).split('.');
  return Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
}

export function currentAssignment(point: MeteringPoint): { memberId: string; from: string } {
  const current = point.assignments.at(-1);
  if (!current) throw new Error(`Metering point ${point.ppeCode} has no assignment; it is registered with one`);
  return current;
}

export interface ClusterState {
  profile: ClusterProfile | null;
  members: Record<string, Member>;
  points: Record<string, MeteringPoint>;
  agreements: AgreementVersion[];
}

/** A fresh empty state: evolve updates the state it is given (see evolve). */
export function initialClusterState(): ClusterState {
  return { profile: null, members: {}, points: {}, agreements: [] };
}

export type ClusterCommand =
  | {
      type: 'RegisterCluster';
      clusterId: string;
      name: string;
      coordinator: Coordinator;
      distributionSystemOperator: string;
      area: { gminy?: { name: string; teryt: string }[]; powiat?: string };
      ureRegisterEntry?: string;
    }
  | { type: 'ChangeCoordinator'; coordinator: Coordinator }
  // closedMonths: the cluster's closed months (ClustersService.execute fills them in)
  | {
      type: 'AdmitMember';
      memberId: string;
      kind: string;
      legalName: string;
      nip?: string;
      address: string;
      invoiceEmail: string;
      vatPayer: boolean;
      selfBillingConsent?: boolean;
      admittedOn: string;
      jstUnit?: JstUnit;
      closedMonths?: string[];
    }
  | { type: 'WithdrawMember'; memberId: string; effectiveOn: string; closedMonths?: string[] }
  | { type: 'RegisterMeteringPoint'; ppeCode: string; memberId: string; role: PpeRole; carrier: Carrier; source?: GenerationSource; capacityKw?: number; validFrom: string; closedMonths?: string[] }
  | { type: 'ReassignMeteringPoint'; ppeCode: string; memberId: string; effectiveFrom: string; closedMonths?: string[] }
  | { type: 'DecommissionMeteringPoint'; ppeCode: string; effectiveFrom: string; closedMonths?: string[] }
  | { type: 'AmendAgreement'; terms: Omit<AgreementTerms, 'thresholds'> & { thresholds?: AgreementTerms['thresholds'] }; supersedesVersion?: number; closedMonths: string[] };

export type ClusterEvent =
  | { type: 'ClusterRegistered'; data: ClusterProfile }
  | { type: 'CoordinatorChanged'; data: Coordinator }
  | { type: 'MemberAdmitted'; data: Omit<Member, 'withdrawnOn'> }
  | { type: 'MemberWithdrew'; data: { memberId: string; effectiveOn: string } }
  | { type: 'MeteringPointRegistered'; data: { ppeCode: string; memberId: string; role: PpeRole; carrier: Carrier; source: GenerationSource | null; capacityW: number | null; validFrom: string } }
  | { type: 'MeteringPointReassigned'; data: { ppeCode: string; fromMemberId: string; memberId: string; effectiveFrom: string } }
  | { type: 'MeteringPointDecommissioned'; data: { ppeCode: string; effectiveFrom: string } }
  | { type: 'AgreementAmended'; data: AgreementVersion };

export const CLUSTER_EVENT_TYPES = [
  'ClusterRegistered',
  'CoordinatorChanged',
  'MemberAdmitted',
  'MemberWithdrew',
  'MeteringPointRegistered',
  'MeteringPointReassigned',
  'MeteringPointDecommissioned',
  'AgreementAmended',
];

export function clusterStreamId(clusterId: string): string {
  return `cluster-${clusterId}`;
}

/** An agreement that names no payment term: 14 days from the issue date. */
export const DEFAULT_PAYMENT_TERM_DAYS = 14;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NEEDS_SOURCE: PpeRole[] = ['producer', 'prosumer'];

/** A member is active on a date from its admission until the day its withdrawal takes effect. */
export function memberActiveOn(member: Member, date: string): boolean {
  return member.admittedOn <= date && (member.withdrawnOn === null || date < member.withdrawnOn);
}

function checkCoordinator(errors: FieldError[], coordinator: Coordinator): void {
  if (!coordinator.legalName.trim()) errors.push({ field: 'coordinator.legalName', reason: 'must not be empty' });
  checkNip(errors, 'coordinator.nip', coordinator.nip);
  if (coordinator.address !== undefined && !coordinator.address.trim()) errors.push({ field: 'coordinator.address', reason: 'must not be empty when given' });
  if (coordinator.bankAccount !== undefined) checkIban(errors, 'coordinator.bankAccount', coordinator.bankAccount);
}

/** The coordinator as recorded: NIP normalised, the address only when given. */
function coordinatorOf(coordinator: Coordinator): Coordinator {
  return {
    legalName: coordinator.legalName.trim(),
    nip: normaliseNip(coordinator.nip),
    ...(coordinator.address ? { address: coordinator.address.trim() } : {}),
    ...(coordinator.bankAccount ? { bankAccount: normaliseIban(coordinator.bankAccount) } : {}),
  };
}

function requireRegistered(state: ClusterState): ClusterProfile {
  if (!state.profile) throw DomainError.notFound('The cluster does not exist');
  return state.profile;
}

function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw DomainError.validation(errors);
}

function checkNip(errors: FieldError[], field: string, nip: string | undefined) {
  if (nip !== undefined && !isValidNip(nip)) errors.push({ field, reason: 'is not a valid NIP (10 digits with the official checksum)' });
}

function checkDate(errors: FieldError[], field: string, date: string) {
  if (!isValidDate(date)) errors.push({ field, reason: 'must be a date YYYY-MM-DD' });
}

function checkAllocation(errors: FieldError[], state: ClusterState, allocation: Allocation) {
  const known = (id: unknown) => typeof id === 'string' && state.members[id] !== undefined;
  if (allocation.method === 'static') {
    if (typeof allocation.redistribute !== 'boolean') errors.push({ field: 'allocation.redistribute', reason: 'is required for static keys (true or false)' });
    if (!Array.isArray(allocation.keys) || allocation.keys.length === 0) {
      errors.push({ field: 'allocation.keys', reason: 'static allocation needs at least one key' });
      return;
    }
    const seen = new Set<string>();
    let sum = 0;
    allocation.keys.forEach((key, i) => {
      if (!known(key.memberId)) errors.push({ field: `allocation.keys[${String(i)}].memberId`, reason: `unknown member ${key.memberId}` });
      if (seen.has(key.memberId)) errors.push({ field: `allocation.keys[${String(i)}].memberId`, reason: 'the member has a key already' });
      seen.add(key.memberId);
      if (!Number.isInteger(key.shareBp) || key.shareBp < 0) errors.push({ field: `allocation.keys[${String(i)}].shareBp`, reason: 'must be a whole number of basis points, 0 or more' });
      sum += key.shareBp;
    });
    if (sum > 10000) errors.push({ field: 'allocation.keys', reason: `keys sum to ${String(sum)} bp, more than 10000` });
  } else if (allocation.method === 'priority') {
    if (!Array.isArray(allocation.tiers) || allocation.tiers.length === 0) {
      errors.push({ field: 'allocation.tiers', reason: 'priority allocation needs at least one tier' });
      return;
    }
    const seen = new Set<string>();
    allocation.tiers.forEach((tier, t) => {
      if (!Array.isArray(tier) || tier.length === 0) {
        errors.push({ field: `allocation.tiers[${String(t)}]`, reason: 'a tier lists at least one member' });
        return;
      }
      tier.forEach((memberId, i) => {
        if (!known(memberId)) errors.push({ field: `allocation.tiers[${String(t)}][${String(i)}]`, reason: `unknown member ${memberId}` });
        else if (seen.has(memberId)) errors.push({ field: `allocation.tiers[${String(t)}][${String(i)}]`, reason: `member ${memberId} is in another tier already` });
        seen.add(memberId);
      });
    });
    // the type says pro_rata by now; a body from outside may still name another method
  } else if ((allocation as { method: string }).method !== 'pro_rata') {
    errors.push({ field: 'allocation.method', reason: 'must be pro_rata, static or priority' });
  }
}

/**
 * A registry change effective from a date changes that date's month and every month after
 * it (a member counts in each month it is active, a PPE's readings go to its owner of the
 * day). Closed months stay closed: the first closed month such a change would reach, if any.
 */
export function closedMonthReached(closedMonths: readonly string[], effectiveDate: string): string | undefined {
  const month = effectiveDate.slice(0, 7);
  return [...closedMonths].filter((m) => m >= month).sort()[0];
}

/** 409 when a change effective from a date (or month) would alter a closed month. */
export function refuseClosedMonths(closedMonths: readonly string[] | undefined, effective: string, change: string): void {
  const reached = closedMonthReached(closedMonths ?? [], effective);
  if (reached === undefined) return;
  // reached is one of the closed months, so there is a last one
  const last = [...(closedMonths ?? [])].sort().at(-1) ?? reached;
  const y = Number(last.slice(0, 4));
  const m = Number(last.slice(5, 7));
  const firstOpen = `${String(m === 12 ? y + 1 : y)}-${String((m % 12) + 1).padStart(2, '0')}`;
  throw DomainError.conflict(
    `Month ${reached} is closed: ${change} from ${effective} would change its settlement. Closed months stay closed; make the change effective from ${firstOpen}${effective.length > 7 ? '-01' : ''} or later`,
  );
}

export function decide(command: ClusterCommand, state: ClusterState): ClusterEvent[] {
  switch (command.type) {
    case 'RegisterCluster': {
      if (state.profile) throw DomainError.conflict(`Cluster ${command.clusterId} is registered already`);
      const errors: FieldError[] = [];
      if (!command.name.trim()) errors.push({ field: 'name', reason: 'must not be empty' });
      checkCoordinator(errors, command.coordinator);
      const gminy = command.area.gminy ?? [];
      if (gminy.length === 0 && !command.area.powiat) errors.push({ field: 'area', reason: 'name the gminy or the powiat the cluster covers' });
      const teryts = new Set<string>();
      gminy.forEach((g, i) => {
        if (!/^\d{7}$/.test(g.teryt)) errors.push({ field: `area.gminy[${String(i)}].teryt`, reason: 'must be a 7-digit TERYT code' });
        if (teryts.has(g.teryt)) errors.push({ field: `area.gminy[${String(i)}].teryt`, reason: 'listed twice' });
        teryts.add(g.teryt);
      });
      throwIfErrors(errors);
      return [
        {
          type: 'ClusterRegistered',
          data: {
            clusterId: command.clusterId,
            name: command.name.trim(),
            coordinator: coordinatorOf(command.coordinator),
            distributionSystemOperator: command.distributionSystemOperator,
            area: { ...(command.area.gminy ? { gminy: command.area.gminy } : {}), ...(command.area.powiat ? { powiat: command.area.powiat } : {}) },
            ureRegisterEntry: command.ureRegisterEntry ?? null,
          },
        },
      ];
    }
    case 'ChangeCoordinator': {
      requireRegistered(state);
      const errors: FieldError[] = [];
      checkCoordinator(errors, command.coordinator);
      throwIfErrors(errors);
      return [{ type: 'CoordinatorChanged', data: coordinatorOf(command.coordinator) }];
    }
    case 'AdmitMember': {
      requireRegistered(state);
      if (state.members[command.memberId]) throw DomainError.conflict(`Member ${command.memberId} exists already`);
      const errors: FieldError[] = [];
      if (!(MEMBER_KINDS as readonly string[]).includes(command.kind)) errors.push({ field: 'kind', reason: `must be one of ${MEMBER_KINDS.join(', ')}` });
      if (!command.legalName.trim()) errors.push({ field: 'legalName', reason: 'must not be empty' });
      if (command.kind === 'household') {
        if (command.nip) errors.push({ field: 'nip', reason: 'a household member has no NIP' });
      } else if (!command.nip) {
        errors.push({ field: 'nip', reason: `is required for a member of kind ${command.kind}` });
      } else checkNip(errors, 'nip', command.nip);
      if (!EMAIL.test(command.invoiceEmail)) errors.push({ field: 'invoiceEmail', reason: 'is not an e-mail address' });
      checkDate(errors, 'admittedOn', command.admittedOn);
      if (command.selfBillingConsent && !command.vatPayer) errors.push({ field: 'selfBillingConsent', reason: 'self-billing applies to VAT payers only' });
      if (command.jstUnit) {
        if (command.kind !== 'municipality') errors.push({ field: 'jstUnit', reason: 'only a municipality has subordinate units' });
        if (!command.jstUnit.name.trim()) errors.push({ field: 'jstUnit.name', reason: 'must not be empty' });
        if (!isValidNip(command.jstUnit.nip)) errors.push({ field: 'jstUnit.nip', reason: 'is not a valid NIP (10 digits with the official checksum)' });
      }
      throwIfErrors(errors);
      refuseClosedMonths(command.closedMonths, command.admittedOn, 'a member admitted');
      return [
        {
          type: 'MemberAdmitted',
          data: {
            memberId: command.memberId,
            kind: command.kind as MemberKind,
            legalName: command.legalName.trim(),
            nip: command.nip ? normaliseNip(command.nip) : null,
            address: command.address,
            invoiceEmail: command.invoiceEmail,
            vatPayer: command.vatPayer,
            selfBillingConsent: command.selfBillingConsent ?? false,
            admittedOn: command.admittedOn,
            ...(command.jstUnit
              ? { jstUnit: { name: command.jstUnit.name.trim(), nip: normaliseNip(command.jstUnit.nip), ...(command.jstUnit.address ? { address: command.jstUnit.address.trim() } : {}) } }
              : {}),
          },
        },
      ];
    }
    case 'WithdrawMember': {
      requireRegistered(state);
      const member = state.members[command.memberId];
      if (!member) throw DomainError.notFound(`Member ${command.memberId} not found`);
      if (member.withdrawnOn) throw DomainError.conflict(`Member ${command.memberId} has withdrawn already, effective ${member.withdrawnOn}`);
      const errors: FieldError[] = [];
      checkDate(errors, 'effectiveOn', command.effectiveOn);
      if (errors.length === 0 && command.effectiveOn <= member.admittedOn) errors.push({ field: 'effectiveOn', reason: `must be after the admission on ${member.admittedOn}` });
      throwIfErrors(errors);
      refuseClosedMonths(command.closedMonths, command.effectiveOn, 'a withdrawal');
      return [{ type: 'MemberWithdrew', data: { memberId: command.memberId, effectiveOn: command.effectiveOn } }];
    }
    case 'RegisterMeteringPoint': {
      requireRegistered(state);
      const ppeCode = normalisePpeCode(command.ppeCode);
      const errors: FieldError[] = [];
      if (!/^[A-Z0-9]{6,40}$/.test(ppeCode)) errors.push({ field: 'ppeCode', reason: 'must be 6 to 40 letters and digits (spaces are removed)' });
      const existing = state.points[ppeCode];
      if (existing) {
        const { decommissionedFrom } = existing;
        if (decommissionedFrom === null) errors.push({ field: 'ppeCode', reason: `${ppeCode} is already registered in this cluster` });
        else errors.push({ field: 'ppeCode', reason: `${ppeCode} was decommissioned in this cluster on ${decommissionedFrom}; use a new code` });
      }
      checkDate(errors, 'validFrom', command.validFrom);
      const member = state.members[command.memberId];
      if (!member) errors.push({ field: 'memberId', reason: `unknown member ${command.memberId}` });
      else if (isValidDate(command.validFrom) && !memberActiveOn(member, command.validFrom)) {
        errors.push({
          field: 'validFrom',
          reason: `member ${command.memberId} is not a member on ${command.validFrom} (admitted ${member.admittedOn}${member.withdrawnOn ? `, withdrawn ${member.withdrawnOn}` : ''})`,
        });
      }
      if (NEEDS_SOURCE.includes(command.role) && !command.source) errors.push({ field: 'source', reason: `is required for a ${command.role}` });
      if (command.role === 'producer' && command.capacityKw === undefined) errors.push({ field: 'capacityKw', reason: 'is required for a producer' });
      if (command.role === 'consumer' && command.source) errors.push({ field: 'source', reason: 'a consumer has no generation source' });
      // kW arrive as a JSON number; with at most 3 decimals it is a whole number of watts
      if (command.capacityKw !== undefined && (command.capacityKw < 0 || !/^\d+(\.\d{1,3})?$/.test(String(command.capacityKw))))
        errors.push({ field: 'capacityKw', reason: 'must be 0 or more with at most 3 decimals' });
      throwIfErrors(errors);
      refuseClosedMonths(command.closedMonths, command.validFrom, `metering point ${ppeCode} registered`);
      return [
        {
          type: 'MeteringPointRegistered',
          data: {
            ppeCode,
            memberId: command.memberId,
            role: command.role,
            carrier: command.carrier,
            source: command.source ?? null,
            // kW with up to 3 decimals is a whole number of watts
            capacityW: command.capacityKw === undefined ? null : wattsOfKw(command.capacityKw),
            validFrom: command.validFrom,
          },
        },
      ];
    }
    case 'ReassignMeteringPoint': {
      requireRegistered(state);
      const ppeCode = normalisePpeCode(command.ppeCode);
      const point = state.points[ppeCode];
      if (!point) throw DomainError.notFound(`Metering point ${ppeCode} not found`);
      const errors: FieldError[] = [];
      checkDate(errors, 'effectiveFrom', command.effectiveFrom);
      const current = currentAssignment(point);
      const member = state.members[command.memberId];
      if (!member) errors.push({ field: 'memberId', reason: `unknown member ${command.memberId}` });
      else if (command.memberId === current.memberId) errors.push({ field: 'memberId', reason: `${ppeCode} belongs to ${command.memberId} already` });
      else if (isValidDate(command.effectiveFrom) && !memberActiveOn(member, command.effectiveFrom)) {
        errors.push({ field: 'effectiveFrom', reason: `member ${command.memberId} is not a member on ${command.effectiveFrom}` });
      }
      if (isValidDate(command.effectiveFrom)) {
        if (command.effectiveFrom <= current.from) errors.push({ field: 'effectiveFrom', reason: `must be after ${current.from}, when the current assignment began` });
        if (point.decommissionedFrom && command.effectiveFrom >= point.decommissionedFrom)
          errors.push({ field: 'effectiveFrom', reason: `${ppeCode} is decommissioned from ${point.decommissionedFrom}` });
      }
      throwIfErrors(errors);
      refuseClosedMonths(command.closedMonths, command.effectiveFrom, `${ppeCode} reassigned`);
      return [{ type: 'MeteringPointReassigned', data: { ppeCode, fromMemberId: current.memberId, memberId: command.memberId, effectiveFrom: command.effectiveFrom } }];
    }
    case 'DecommissionMeteringPoint': {
      requireRegistered(state);
      const ppeCode = normalisePpeCode(command.ppeCode);
      const point = state.points[ppeCode];
      if (!point) throw DomainError.notFound(`Metering point ${ppeCode} not found`);
      if (point.decommissionedFrom) throw DomainError.conflict(`${ppeCode} is decommissioned already from ${point.decommissionedFrom}`);
      const errors: FieldError[] = [];
      checkDate(errors, 'effectiveFrom', command.effectiveFrom);
      if (isValidDate(command.effectiveFrom) && command.effectiveFrom <= point.validFrom)
        errors.push({ field: 'effectiveFrom', reason: `must be after ${point.validFrom}, when the point was registered` });
      throwIfErrors(errors);
      refuseClosedMonths(command.closedMonths, command.effectiveFrom, `${ppeCode} decommissioned`);
      return [{ type: 'MeteringPointDecommissioned', data: { ppeCode, effectiveFrom: command.effectiveFrom } }];
    }
    case 'AmendAgreement': {
      requireRegistered(state);
      const terms = command.terms;
      const errors: FieldError[] = [];
      if (!isValidMonth(terms.effectiveFrom)) errors.push({ field: 'effectiveFrom', reason: 'must be a month YYYY-MM' });
      const latest = state.agreements[state.agreements.length - 1];
      if (latest && terms.effectiveFrom < latest.effectiveFrom) {
        errors.push({ field: 'effectiveFrom', reason: `must not be before ${latest.effectiveFrom}, when version ${String(latest.version)} took effect` });
      }
      if (!([15, 60] as number[]).includes(terms.intervalMinutes)) errors.push({ field: 'intervalMinutes', reason: 'must be 15 or 60' });
      for (const field of ['internalPriceGroszePerMwh', 'referenceGridPriceGroszePerMwh', 'feeGroszePerMwhReceived', 'feeGroszePerMwhSupplied', 'monthlyFeeGroszePerMember', 'vatRateBp'] as const) {
        if (!Number.isInteger(terms[field]) || terms[field] < 0) errors.push({ field, reason: 'must be a whole number, 0 or more' });
      }
      if (terms.vatRateBp > 10000) errors.push({ field: 'vatRateBp', reason: 'must be at most 10000 bp' });
      if (terms.paymentTermDays !== undefined && (!Number.isInteger(terms.paymentTermDays) || terms.paymentTermDays < 0 || terms.paymentTermDays > 365)) {
        errors.push({ field: 'paymentTermDays', reason: 'must be a whole number of days from 0 to 365' });
      }
      checkAllocation(errors, state, terms.allocation);
      throwIfErrors(errors);
      // A month that already has a version gets another only by naming the one it replaces:
      // an agreement changed by mistake is a conflict, not a silent replacement.
      const sameMonth = state.agreements.filter((v) => v.effectiveFrom === terms.effectiveFrom).at(-1);
      const inForce = agreementForMonth(state, terms.effectiveFrom);
      if (sameMonth && command.supersedesVersion === undefined) {
        throw DomainError.conflict(`Version ${String(sameMonth.version)} already takes effect from ${terms.effectiveFrom}: to replace it, name it in supersedesVersion`);
      }
      if (command.supersedesVersion !== undefined && command.supersedesVersion !== inForce?.version) {
        throw DomainError.conflict(
          inForce
            ? `supersedesVersion ${String(command.supersedesVersion)} is not the version in force from ${terms.effectiveFrom}: that is version ${String(inForce.version)}`
            : `supersedesVersion ${String(command.supersedesVersion)}: no version is in force from ${terms.effectiveFrom}`,
        );
      }
      refuseClosedMonths(command.closedMonths, terms.effectiveFrom, 'an agreement version effective');
      const allocation: Allocation =
        terms.allocation.method === 'static'
          ? { method: 'static', redistribute: terms.allocation.redistribute, keys: terms.allocation.keys.map((k) => ({ memberId: k.memberId, shareBp: k.shareBp })) }
          : terms.allocation.method === 'priority'
            ? { method: 'priority', tiers: terms.allocation.tiers.map((t) => [...t]) }
            : { method: 'pro_rata' };
      return [
        {
          type: 'AgreementAmended',
          data: {
            version: (latest?.version ?? 0) + 1,
            effectiveFrom: terms.effectiveFrom,
            intervalMinutes: terms.intervalMinutes,
            ownNetting: terms.ownNetting,
            allocation,
            internalPriceGroszePerMwh: terms.internalPriceGroszePerMwh,
            referenceGridPriceGroszePerMwh: terms.referenceGridPriceGroszePerMwh,
            feeGroszePerMwhReceived: terms.feeGroszePerMwhReceived,
            feeGroszePerMwhSupplied: terms.feeGroszePerMwhSupplied,
            monthlyFeeGroszePerMember: terms.monthlyFeeGroszePerMember,
            vatRateBp: terms.vatRateBp,
            invoiceSeries: terms.invoiceSeries,
            thresholds: { ...terms.thresholds },
            supersedesVersion: command.supersedesVersion ?? null,
            paymentTermDays: terms.paymentTermDays ?? DEFAULT_PAYMENT_TERM_DAYS,
          },
        },
      ];
    }
  }
}

// decide records these events only for a member or point it found, so an event naming
// another is a stream that was not written by this decider
function recordedMember(state: ClusterState, memberId: string, eventType: string): Member {
  const member = state.members[memberId];
  if (!member) throw new Error(`${eventType} names member ${memberId}, which the stream never admitted`);
  return member;
}

function recordedPoint(state: ClusterState, ppeCode: string, eventType: string): MeteringPoint {
  const point = state.points[ppeCode];
  if (!point) throw new Error(`${eventType} names metering point ${ppeCode}, which the stream never registered`);
  return point;
}

/**
 * Applies an event to the state it is given and returns it. It updates in place: copying
 * the maps of a cluster with 10,000 PPE for every event made folding quadratic. Start a
 * fold from initialClusterState(); never share a state that is still being folded.
 */
export function evolve(state: ClusterState, event: ClusterEvent): ClusterState {
  switch (event.type) {
    case 'ClusterRegistered':
      state.profile = event.data;
      break;
    case 'CoordinatorChanged':
      if (state.profile) state.profile = { ...state.profile, coordinator: event.data };
      break;
    case 'MemberAdmitted':
      // the member's number in the cluster, by admission order: its own self-billing series
      state.members[event.data.memberId] = { ...event.data, withdrawnOn: null, number: Object.keys(state.members).length + 1 };
      break;
    case 'MemberWithdrew':
      state.members[event.data.memberId] = { ...recordedMember(state, event.data.memberId, event.type), withdrawnOn: event.data.effectiveOn };
      break;
    case 'MeteringPointRegistered': {
      const { memberId, ...point } = event.data;
      state.points[point.ppeCode] = { ...point, decommissionedFrom: null, assignments: [{ memberId, from: point.validFrom }] };
      break;
    }
    case 'MeteringPointReassigned': {
      const point = recordedPoint(state, event.data.ppeCode, event.type);
      state.points[point.ppeCode] = { ...point, assignments: [...point.assignments, { memberId: event.data.memberId, from: event.data.effectiveFrom }] };
      break;
    }
    case 'MeteringPointDecommissioned':
      state.points[event.data.ppeCode] = { ...recordedPoint(state, event.data.ppeCode, event.type), decommissionedFrom: event.data.effectiveFrom };
      break;
    case 'AgreementAmended':
      state.agreements = [...state.agreements, event.data];
      break;
  }
  return state;
}

export const clusterDecider = { initialState: initialClusterState, decide, evolve };

// ---------------------------------------------------------------------------------
// Queries the rest of the system asks of the registry.
// ---------------------------------------------------------------------------------

/** The member owning a PPE at an instant: assigned, not decommissioned, and the member active then. */
export function ownerAt(state: ClusterState, ppeCode: string, instant: Date): string | undefined {
  const period = ownershipPeriods(state, ppeCode).find((p) => p.fromUtc <= instant && (p.toUtc === null || instant < p.toUtc));
  return period?.memberId;
}

export interface OwnershipPeriodOf {
  ppeCode: string;
  memberId: string;
  fromUtc: Date;
  toUtc: Date | null;
}

/** Who held a PPE when, as UTC instants, cut short by decommissioning and by a member's withdrawal. */
export function ownershipPeriods(state: ClusterState, ppeCode: string): OwnershipPeriodOf[] {
  const point = state.points[ppeCode];
  if (!point) return [];
  const end = point.decommissionedFrom ? startOfWarsawDay(point.decommissionedFrom) : null;
  const periods: OwnershipPeriodOf[] = [];
  point.assignments.forEach((assignment, i) => {
    const next = point.assignments[i + 1];
    const from = startOfWarsawDay(assignment.from);
    let to = next ? startOfWarsawDay(next.from) : end;
    const withdrawn = state.members[assignment.memberId]?.withdrawnOn;
    if (withdrawn) {
      const w = startOfWarsawDay(withdrawn);
      if (to === null || w < to) to = w;
    }
    if (to !== null && to <= from) return;
    periods.push({ ppeCode, memberId: assignment.memberId, fromUtc: from, toUtc: to });
  });
  return periods;
}

/** The agreement version in force for a month: the latest one effective from that month or before. */
export function agreementForMonth(state: ClusterState, month: string): AgreementVersion | undefined {
  let found: AgreementVersion | undefined;
  for (const version of state.agreements) if (version.effectiveFrom <= month) found = version;
  return found;
}

export interface ComplianceWarning {
  code: 'no_public_party' | 'too_many_gminy' | 'ppe_of_withdrawn_member' | 'coordinator_address_missing';
  message: string;
}

/** What the coordinator should look at; warnings, not rejections. */
export function complianceWarnings(state: ClusterState, today: string): ComplianceWarning[] {
  const warnings: ComplianceWarning[] = [];
  const members = Object.values(state.members);
  if (!members.some((m) => (m.kind === 'municipality' || m.kind === 'municipal_company') && memberActiveOn(m, today))) {
    warnings.push({ code: 'no_public_party', message: 'No active member is a municipality (JST) or a company it controls; since 2024 the law requires one' });
  }
  if (state.profile && !state.profile.coordinator.address) {
    warnings.push({
      code: 'coordinator_address_missing',
      message:
        "The coordinator's address is not in the registry: a VAT invoice needs the seller's address, and invoices show the cluster's name in its place until it is given (PUT /clusters/{id}/coordinator)",
    });
  }
  const gminy = state.profile?.area.gminy?.length ?? 0;
  if (gminy > 5) warnings.push({ code: 'too_many_gminy', message: `The area lists ${String(gminy)} gminy; a cluster covers one powiat or at most 5 gminy` });
  for (const point of Object.values(state.points)) {
    if (point.decommissionedFrom && point.decommissionedFrom <= today) continue;
    const member = state.members[currentAssignment(point).memberId];
    if (member?.withdrawnOn) {
      warnings.push({ code: 'ppe_of_withdrawn_member', message: `${point.ppeCode} is still assigned to ${member.legalName}, who withdrew effective ${member.withdrawnOn}` });
    }
  }
  return warnings;
}
