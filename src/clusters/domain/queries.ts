// Questions the rest of the system asks of a cluster's state. Dates in the state are
// Warsaw calendar dates; as instants each begins at Warsaw local midnight.
import { warsawMidnight } from './calendar.js';
import { memberOf, pointOf } from './decider.js';
import type { AgreementVersion, Carrier, ClusterState, GenerationSource, MeteringPoint, PpeRole } from './types.js';

export interface OwnershipPeriod {
  memberId: string;
  fromUtc: Date;
  /** Exclusive; null while it has no end. */
  toUtc: Date | null;
}

export interface ActiveMeteringPoint {
  ppeCode: string;
  role: PpeRole;
  carrier: Carrier;
  source: GenerationSource | null;
  capacityW: number | null;
  /** Within the window asked for, ascending, each [fromUtc, toUtc). */
  periods: { memberId: string; fromUtc: Date; toUtc: Date }[];
}

/** A member is in the cluster from its admission until the day its withdrawal takes effect. */
export function memberActiveOn(state: ClusterState, memberId: string, date: string): boolean {
  const member = memberOf(state, memberId);
  return member !== undefined && member.admittedOn <= date && (member.withdrawnOn === null || date < member.withdrawnOn);
}

/** The version in force for a month 'YYYY-MM': the last one recorded that is effective by then. */
export function agreementForMonth(state: ClusterState, month: string): AgreementVersion | undefined {
  let found: AgreementVersion | undefined;
  for (const version of state.agreements) if (version.effectiveFrom <= month) found = version;
  return found;
}

// Who held one registration of a point, as Warsaw dates [from, to): each assignment runs
// until the next one, the decommissioning or the owner's withdrawal, whichever is first.
function datePeriods(state: ClusterState, point: MeteringPoint): { memberId: string; from: string; to: string | null }[] {
  const periods: { memberId: string; from: string; to: string | null }[] = [];
  point.assignments.forEach((assignment, i) => {
    let to = point.assignments[i + 1]?.from ?? point.decommissionedFrom;
    const withdrawn = memberOf(state, assignment.memberId)?.withdrawnOn ?? null;
    if (withdrawn !== null && (to === null || withdrawn < to)) to = withdrawn;
    if (to === null || assignment.from < to) periods.push({ memberId: assignment.memberId, from: assignment.from, to });
  });
  return periods;
}

function registrationsOf(state: ClusterState, ppeCode: string): MeteringPoint[] {
  const current = pointOf(state, ppeCode);
  if (!current) return [];
  return [...(state.pastRegistrations ?? []).filter((p) => p.ppeCode === current.ppeCode), current];
}

/** Every owner a PPE has had, over all its registrations in this cluster, as UTC instants. */
export function ownershipPeriods(state: ClusterState, ppeCode: string): OwnershipPeriod[] {
  return registrationsOf(state, ppeCode).flatMap((point) =>
    datePeriods(state, point).map((p) => ({ memberId: p.memberId, fromUtc: warsawMidnight(p.from), toUtc: p.to === null ? null : warsawMidnight(p.to) })),
  );
}

/** Who owns a PPE at an instant; undefined before registration, after decommissioning or withdrawal. */
export function ownerAt(state: ClusterState, ppeCode: string, instant: Date): string | undefined {
  const t = instant.getTime();
  return ownershipPeriods(state, ppeCode).find((p) => p.fromUtc.getTime() <= t && (p.toUtc === null || t < p.toUtc.getTime()))?.memberId;
}

/**
 * The PPE owned by someone at some time in [fromUtc, toUtc), each with its ownership periods
 * cut to that window; sorted by code. A code registered twice within the window appears once
 * per registration, since role and capacity may differ.
 */
export function activeMeteringPoints(state: ClusterState, fromUtc: Date, toUtc: Date): ActiveMeteringPoint[] {
  const start = fromUtc.getTime();
  const end = toUtc.getTime();
  // Thousands of PPE share a handful of dates: convert each date once.
  const instants = new Map<string, number>();
  const instantOf = (date: string): number => {
    let ms = instants.get(date);
    if (ms === undefined) instants.set(date, (ms = warsawMidnight(date).getTime()));
    return ms;
  };
  const result: ActiveMeteringPoint[] = [];
  for (const point of [...(state.pastRegistrations ?? []), ...Object.values(state.points)]) {
    const periods: ActiveMeteringPoint['periods'] = [];
    for (const p of datePeriods(state, point)) {
      const from = Math.max(instantOf(p.from), start);
      const to = Math.min(p.to === null ? end : instantOf(p.to), end);
      if (from < to) periods.push({ memberId: p.memberId, fromUtc: new Date(from), toUtc: new Date(to) });
    }
    if (periods.length > 0) {
      result.push({ ppeCode: point.ppeCode, role: point.role, carrier: point.carrier, source: point.source, capacityW: point.capacityW, periods });
    }
  }
  return result.sort((a, b) => (a.ppeCode < b.ppeCode ? -1 : a.ppeCode > b.ppeCode ? 1 : a.periods[0].fromUtc.getTime() - b.periods[0].fromUtc.getTime()));
}
