// The settlement's GETs, through the QueryBus: each asks SettlementService (the reader) and
// shapes what the route answers. A closed month answers from its close, an open one from the
// provisional settlement; a member sees the cluster's totals and its own rows alone.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../auth/roles.decorator.js';
import { DomainError } from '../../shared/domain-error.js';
import type { ClusterMonth, MemberStatement } from '../domain/engine/statement.js';
import { type Transfer, transfersOf } from '../domain/engine/transfers.js';
import { dayRange } from '../domain/day-range.js';
import { checkMonth } from '../domain/months.js';
import { SettlementService } from './settlement.service.js';

type TrailingYear = Awaited<ReturnType<SettlementService['trailingYear']>>;

export type ClusterMonthView = {
  clusterId: string;
  month: string;
  agreementVersion: number;
  totals: ClusterMonth;
  trailing12Months: TrailingYear;
  members: readonly MemberStatement[];
} & ({ status: 'closed'; closedAt: string; lastEventPosition: string; inputDigest: string } | { status: 'provisional'; computedThrough: string | null; computedAt: string });

const visibleTo = (principal: Principal, statements: readonly MemberStatement[]) => (principal.role === 'member' ? statements.filter((s) => s.memberId === principal.memberId) : statements);

/** The cluster month: closed (from its close) or provisional, with the trailing 12 months. */
export class GetClusterMonth extends Query<ClusterMonthView> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetClusterMonth)
export class GetClusterMonthHandler implements IQueryHandler<GetClusterMonth> {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  async execute({ clusterId, month, principal }: GetClusterMonth): Promise<ClusterMonthView> {
    const { closed, stored } = await this.settlement.current(clusterId, month);
    if (closed) {
      return {
        clusterId,
        month,
        status: 'closed',
        agreementVersion: closed.agreementVersion,
        closedAt: closed.closedAt,
        lastEventPosition: closed.lastEventPosition,
        inputDigest: closed.inputDigest,
        totals: closed.totals,
        trailing12Months: await this.settlement.trailingYear(clusterId, month, closed.totals),
        members: visibleTo(principal, closed.statements),
      };
    }
    return {
      clusterId,
      month,
      status: 'provisional',
      agreementVersion: stored.agreementVersion,
      computedThrough: stored.computedThrough,
      computedAt: stored.computedAt,
      totals: stored.cluster,
      trailing12Months: await this.settlement.trailingYear(clusterId, month, stored.cluster),
      members: visibleTo(principal, await this.settlement.statementsOf(clusterId, month, stored)),
    };
  }
}

/** Who got whose energy in the month, or in one day of it; a member sees its own rows and columns. */
export class GetTransfers extends Query<{ status: 'closed' | 'provisional'; transfers: Transfer[] }> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly day: string | undefined,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetTransfers)
export class GetTransfersHandler implements IQueryHandler<GetTransfers> {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  async execute({ clusterId, month, day, principal }: GetTransfers): Promise<{ status: 'closed' | 'provisional'; transfers: Transfer[] }> {
    checkMonth(month);
    const result = await this.settlement.transfers(clusterId, month, dayRange(month, day));
    if (principal.role !== 'member') return result;
    // a member principal names its member; none would match no row
    return { status: result.status, transfers: transfersOf(result.transfers, principal.memberId ?? '') };
  }
}

export type MemberStatementView = MemberStatement & { clusterId: string; month: string; agreementVersion: number } & (
    { status: 'as_of'; asOf: string } | { status: 'closed'; closedAt: string } | { status: 'provisional'; computedThrough: string | null; computedAt: string }
  );

/** One member's statement: as of an instant (from the events recorded up to then), closed, or provisional. */
export class GetMemberStatement extends Query<MemberStatementView> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly memberId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetMemberStatement)
export class GetMemberStatementHandler implements IQueryHandler<GetMemberStatement> {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  async execute({ clusterId, month, memberId, asOf }: GetMemberStatement): Promise<MemberStatementView> {
    checkMonth(month);
    if (asOf !== undefined) {
      const { calculation, statement } = await this.settlement.memberStatementAsOf(clusterId, month, memberId, asOf);
      return { clusterId, month, status: 'as_of', asOf: asOf.toISOString(), ...statement, agreementVersion: calculation.agreement.version };
    }
    const { closed, stored } = await this.settlement.current(clusterId, month);
    if (closed) {
      const statement = closed.statements.find((s) => s.memberId === memberId);
      if (!statement) throw DomainError.notFound('The member has no statement for this month');
      return { clusterId, month, status: 'closed', closedAt: closed.closedAt, ...statement, agreementVersion: closed.agreementVersion };
    }
    const statement = await this.settlement.statementOf(clusterId, month, stored, memberId);
    return { clusterId, month, status: 'provisional', computedThrough: stored.computedThrough, computedAt: stored.computedAt, ...statement, agreementVersion: stored.agreementVersion };
  }
}

/** One member's allocation per interval for one day of the month. */
export class GetMemberIntervals extends Query<Awaited<ReturnType<SettlementService['memberIntervals']>>> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly memberId: string,
    readonly day: string | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetMemberIntervals)
export class GetMemberIntervalsHandler implements IQueryHandler<GetMemberIntervals> {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  execute({ clusterId, month, memberId, day }: GetMemberIntervals) {
    checkMonth(month);
    return this.settlement.memberIntervals(clusterId, month, memberId, day);
  }
}

export const SETTLEMENT_QUERY_HANDLERS = [GetClusterMonthHandler, GetTransfersHandler, GetMemberStatementHandler, GetMemberIntervalsHandler];
