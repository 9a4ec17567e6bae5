import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../auth/roles.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { checkMonth, SettlementService } from './settlement.service.js';

const STATUS = 'provisional';

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('clusters/:clusterId/settlements/:month')
export class SettlementController {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService) {}

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  async clusterMonth(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal) {
    const data = await this.settlement.clusterMonth(clusterId, month);
    // a member sees the cluster's totals and its own row, never another member's
    const members = principal.role === 'member' ? data.statements.filter((s) => s.memberId === principal.memberId) : data.statements;
    return {
      clusterId, month, status: STATUS, agreementVersion: data.agreementVersion, computedThrough: data.computedThrough, computedAt: data.computedAt,
      totals: data.cluster, trailing12Months: await this.settlement.trailingYear(clusterId, month), members,
    };
  }

  @Get('members/:memberId')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: the statement from the events recorded up to then' })
  async memberStatement(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('asOf') asOf?: string) {
    if (asOf !== undefined) {
      const instant = new Date(asOf);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(instant.getTime())) throw DomainError.validation([{ field: 'asOf', reason: 'must be an ISO 8601 instant' }]);
      const { calculation, statement } = await this.settlement.memberStatementAsOf(clusterId, month, memberId, instant);
      return { clusterId, month, status: STATUS, asOf: instant.toISOString(), ...statement, agreementVersion: calculation.agreement.version };
    }
    checkMonth(month);
    const data = await this.settlement.memberStatement(clusterId, month, memberId);
    return { clusterId, month, status: STATUS, computedThrough: data.computedThrough, computedAt: data.computedAt, ...data.statement, agreementVersion: data.agreementVersion };
  }

  @Get('members/:memberId/intervals')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month (paging by day); all days when absent' })
  async intervals(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('day') day?: string) {
    checkMonth(month);
    return this.settlement.memberIntervals(clusterId, month, memberId, day);
  }
}
