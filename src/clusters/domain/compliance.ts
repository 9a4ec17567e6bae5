// What the coordinator should look at before the regulator does. Warnings, not rejections:
// a cluster is often assembled in steps and may be out of line for a while.
import { memberOf } from './decider.js';
import { memberActiveOn } from './queries.js';
import type { ClusterState } from './types.js';

export interface ComplianceWarning {
  code: 'no_public_party' | 'too_many_gminy' | 'ppe_of_withdrawn_member';
  message: string;
  memberId?: string;
  ppeCode?: string;
}

const MAX_GMINY = 5;

/** `today` is a Warsaw date 'YYYY-MM-DD', given by the caller so the function stays pure. */
export function complianceWarnings(state: ClusterState, today: string): ComplianceWarning[] {
  if (!state.profile) return [];
  const warnings: ComplianceWarning[] = [];
  const members = Object.values(state.members);

  // Since 2024 at least one party is a JST or a company it controls.
  if (!members.some((m) => (m.kind === 'municipality' || m.kind === 'municipal_company') && memberActiveOn(state, m.memberId, today))) {
    warnings.push({ code: 'no_public_party', message: 'No member in the cluster today is a municipality (JST) or a company it controls' });
  }

  // The area is one powiat or at most 5 gminy; gminy listed beside a powiat only describe it.
  const gminy = state.profile.area.gminy?.length ?? 0;
  if (gminy > MAX_GMINY && state.profile.area.powiat === undefined) {
    warnings.push({ code: 'too_many_gminy', message: `The area lists ${gminy} gminy; a cluster without a powiat covers at most ${MAX_GMINY}` });
  }

  // A point whose last owner withdrew (or will) and that nobody has taken over or decommissioned.
  for (const point of Object.values(state.points)) {
    const owner = memberOf(state, point.assignments[point.assignments.length - 1].memberId);
    if (!owner || owner.withdrawnOn === null) continue;
    if (point.decommissionedFrom !== null && point.decommissionedFrom <= owner.withdrawnOn) continue;
    const when = owner.withdrawnOn <= today ? 'withdrew' : 'withdraws';
    warnings.push({
      code: 'ppe_of_withdrawn_member',
      message: `${point.ppeCode} is still assigned to ${owner.legalName}, who ${when} effective ${owner.withdrawnOn}; reassign or decommission it`,
      memberId: owner.memberId,
      ppeCode: point.ppeCode,
    });
  }
  return warnings;
}
