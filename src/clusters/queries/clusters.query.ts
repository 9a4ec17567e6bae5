// The registry's GETs, through the QueryBus: each reads the cluster's state from
// registry_clusters through ClustersService (an unknown cluster is 404 there) and shapes
// what the route answers. Members see only what is theirs.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DateTime } from 'luxon';
import type { Principal } from '../../auth/roles.decorator.js';
import { notFound } from '../../common/problem.js';
import { isoDateOf, ZONE } from '../../shared/calendar.js';
import { normalisePpeCode } from '../../shared/ppe-code.js';
import { type ClusterProfile, type ClusterState, type ComplianceWarning, complianceWarnings, currentAssignment, type Member, type MeteringPoint } from '../domain/registry.js';
import { type AgreementVersionView, ClustersService } from './clusters.service.js';

export type MemberView = Member & { status: 'active' | 'withdrawn' };

export interface MeteringPointView {
  ppeCode: string;
  memberId: string;
  role: MeteringPoint['role'];
  carrier: MeteringPoint['carrier'];
  source: MeteringPoint['source'];
  capacityKw: number | null;
  validFrom: string;
  decommissionedFrom: string | null;
  assignments: MeteringPoint['assignments'];
  ownership: { memberId: string; from: string; to: string | null }[];
}

export interface ClusterSummary extends Partial<ClusterProfile> {
  members: number;
  meteringPoints: number;
  latestAgreementVersion: { version: number; effectiveFrom: string } | null;
}

function memberView(member: Member): MemberView {
  return { ...member, status: member.withdrawnOn ? 'withdrawn' : 'active' };
}

function pointView(state: ClusterState, point: MeteringPoint): MeteringPointView {
  const current = currentAssignment(point);
  return {
    ppeCode: point.ppeCode,
    memberId: current.memberId,
    role: point.role,
    carrier: point.carrier,
    source: point.source,
    capacityKw: point.capacityW === null ? null : point.capacityW / 1000,
    validFrom: point.validFrom,
    decommissionedFrom: point.decommissionedFrom,
    assignments: point.assignments,
    ownership: ClustersService.ownership(state, point.ppeCode),
  };
}

const ownsPoint = (point: MeteringPoint, principal: Principal) => point.assignments.some((a) => a.memberId === principal.memberId);

/** The clusters the principal may see (an admin: every one), by name. */
export class ListClusters extends Query<{ items: (ClusterProfile | null)[] }> {
  constructor(readonly principal: Principal) {
    super();
  }
}

@QueryHandler(ListClusters)
export class ListClustersHandler implements IQueryHandler<ListClusters> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ principal }: ListClusters): Promise<{ items: (ClusterProfile | null)[] }> {
    const rows = await this.clusters.list(principal.role === 'admin' ? undefined : [principal.clusterId ?? '']);
    return { items: rows.map(({ state }) => state.profile) };
  }
}

/** The cluster's profile with its counts and the latest agreement version. */
export class GetCluster extends Query<ClusterSummary> {
  constructor(readonly clusterId: string) {
    super();
  }
}

@QueryHandler(GetCluster)
export class GetClusterHandler implements IQueryHandler<GetCluster> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId }: GetCluster): Promise<ClusterSummary> {
    const state = await this.clusters.state(clusterId);
    const latest = state.agreements[state.agreements.length - 1] ?? null;
    return {
      ...state.profile,
      members: Object.keys(state.members).length,
      meteringPoints: Object.keys(state.points).length,
      latestAgreementVersion: latest ? { version: latest.version, effectiveFrom: latest.effectiveFrom } : null,
    };
  }
}

/** The warnings of the cluster's compliance with the law, as of today in Warsaw. */
export class GetCompliance extends Query<{ warnings: ComplianceWarning[] }> {
  constructor(readonly clusterId: string) {
    super();
  }
}

@QueryHandler(GetCompliance)
export class GetComplianceHandler implements IQueryHandler<GetCompliance> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId }: GetCompliance): Promise<{ warnings: ComplianceWarning[] }> {
    return { warnings: complianceWarnings(await this.clusters.state(clusterId), isoDateOf(DateTime.now().setZone(ZONE))) };
  }
}

/** The members by legal name; a member sees itself alone. */
export class ListMembers extends Query<{ items: MemberView[] }> {
  constructor(
    readonly clusterId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(ListMembers)
export class ListMembersHandler implements IQueryHandler<ListMembers> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId, principal }: ListMembers): Promise<{ items: MemberView[] }> {
    const state = await this.clusters.state(clusterId);
    const members = Object.values(state.members).filter((m) => principal.role !== 'member' || m.memberId === principal.memberId);
    return { items: members.sort((a, b) => a.legalName.localeCompare(b.legalName, 'pl') || a.memberId.localeCompare(b.memberId)).map(memberView) };
  }
}

export class GetMember extends Query<MemberView> {
  constructor(
    readonly clusterId: string,
    readonly memberId: string,
  ) {
    super();
  }
}

@QueryHandler(GetMember)
export class GetMemberHandler implements IQueryHandler<GetMember> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId, memberId }: GetMember): Promise<MemberView> {
    const member = (await this.clusters.state(clusterId)).members[memberId];
    if (!member) throw notFound('The member was not found');
    return memberView(member);
  }
}

/** The metering points by PPE code; a member sees those it has owned. */
export class ListMeteringPoints extends Query<{ items: MeteringPointView[] }> {
  constructor(
    readonly clusterId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(ListMeteringPoints)
export class ListMeteringPointsHandler implements IQueryHandler<ListMeteringPoints> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId, principal }: ListMeteringPoints): Promise<{ items: MeteringPointView[] }> {
    const state = await this.clusters.state(clusterId);
    const points = Object.values(state.points)
      .filter((p) => principal.role !== 'member' || ownsPoint(p, principal))
      .sort((a, b) => a.ppeCode.localeCompare(b.ppeCode));
    return { items: points.map((p) => pointView(state, p)) };
  }
}

export class GetMeteringPoint extends Query<MeteringPointView> {
  constructor(
    readonly clusterId: string,
    readonly ppeCode: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetMeteringPoint)
export class GetMeteringPointHandler implements IQueryHandler<GetMeteringPoint> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId, ppeCode, principal }: GetMeteringPoint): Promise<MeteringPointView> {
    const state = await this.clusters.state(clusterId);
    const point = state.points[normalisePpeCode(ppeCode)];
    if (!point || (principal.role === 'member' && !ownsPoint(point, principal))) throw notFound('The metering point was not found');
    return pointView(state, point);
  }
}

/** Every agreement version as recorded, with who added it and what replaced it. */
export class ListAgreementVersions extends Query<{ items: AgreementVersionView[] }> {
  constructor(readonly clusterId: string) {
    super();
  }
}

@QueryHandler(ListAgreementVersions)
export class ListAgreementVersionsHandler implements IQueryHandler<ListAgreementVersions> {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  async execute({ clusterId }: ListAgreementVersions): Promise<{ items: AgreementVersionView[] }> {
    return { items: await this.clusters.agreementVersions(clusterId) };
  }
}

export const CLUSTER_QUERY_HANDLERS = [
  ListClustersHandler,
  GetClusterHandler,
  GetComplianceHandler,
  ListMembersHandler,
  GetMemberHandler,
  ListMeteringPointsHandler,
  GetMeteringPointHandler,
  ListAgreementVersionsHandler,
];
