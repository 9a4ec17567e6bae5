import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiCsvResponse, ApiReadProblems } from '../../common/openapi.js';
import { ComplianceDto, PpeHoursDto, SupportMonthDto, SupportYearDto } from './support.responses.js';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { DomainError } from '../../shared/domain-error.js';
import { ClustersService } from '../../clusters/clusters.service.js';
import { checkMonth } from '../../settlement/settlement.service.js';
import { SupportService } from '../queries/support.query.js';

@ApiTags('support')
@ApiBearerAuth()
@Controller('clusters/:clusterId/support')
export class SupportController {
  constructor(@Inject(SupportService) private readonly support: SupportService, @Inject(ClustersService) private readonly clusters: ClustersService) {}

  /** Declared before :month so "compliance" is not taken for a month. */
  @Get('compliance')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: ComplianceDto })
  @ApiReadProblems()
  async compliance(@Param('clusterId') clusterId: string) {
    await this.clusters.state(clusterId);
    return this.support.compliance(clusterId);
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: SupportYearDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'year', required: true, description: 'YYYY: the months of the year so far, summed' })
  async year(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal, @Query('year') year?: string) {
    if (year === undefined || !/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100) throw DomainError.validation([{ field: 'year', reason: 'must be a year YYYY (2000 to 2100)' }]);
    await this.clusters.state(clusterId);
    const result = await this.support.year(clusterId, Number(year));
    const own = (rows: { memberId: string }[]) => (principal.role === 'member' ? rows.filter((r) => r.memberId === principal.memberId) : rows);
    return {
      clusterId, year: result.year, hourCount: result.hourCount, totals: result.totals, members: own(result.members),
      months: result.months.map((m) => ({ month: m.month, status: m.status, hourCount: m.ledger.hourCount, totals: m.ledger.totals, renewableShare: m.ledger.renewableShare, selfConsumption: m.ledger.selfConsumption })),
    };
  }

  /** Per PPE and hour: CSV (the data a DSO needs to apply the exemption); JSON with Accept: application/json. */
  @Get(':month/ppe-hours.csv')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiCsvResponse('per PPE and hour: ppe_code,member_id,hour_start,local_start,renewable,fed_in_wh,taken_wh,renewable_matched_wh')
  @ApiReadProblems()
  async ppeHoursCsv(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal, @Res() res: Response) {
    return this.ppeHours(clusterId, month, principal, 'text/csv', res);
  }

  @Get(':month/ppe-hours')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiExtraModels(PpeHoursDto)
  @ApiResponse({
    status: 200,
    description: 'per PPE and hour: CSV, or JSON with Accept: application/json',
    content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { $ref: getSchemaPath(PpeHoursDto) } } },
  })
  @ApiReadProblems()
  async ppeHours(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal, @Headers('accept') accept: string | undefined, @Res() res: Response) {
    checkMonth(month);
    await this.clusters.state(clusterId);
    const result = await this.support.ppeHours(clusterId, month);
    const rows = principal.role === 'member' ? result.rows.filter((r) => r.memberId === principal.memberId) : result.rows;
    if ((accept ?? '').includes('application/json')) {
      res.json({ clusterId, month, status: result.status, rows });
      return;
    }
    const lines = ['ppe_code,member_id,hour_start,local_start,renewable,fed_in_wh,taken_wh,renewable_matched_wh',
      ...rows.map((r) => `${r.ppeCode},${r.memberId},${r.hourStart},${r.localStart},${String(r.renewable)},${String(r.fedInWh)},${String(r.takenWh)},${String(r.renewableMatchedWh)}`)];
    res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="support-${clusterId}-${month}.csv"`);
    res.send(lines.join('\r\n') + '\r\n');
  }

  @Get(':month')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: SupportMonthDto })
  @ApiReadProblems()
  async month(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal) {
    checkMonth(month);
    await this.clusters.state(clusterId);
    const { status, ledger, ...when } = await this.support.month(clusterId, month);
    // a member sees the cluster's hours and totals and its own row, as for settlements
    const members = principal.role === 'member' ? ledger.members.filter((m) => m.memberId === principal.memberId) : ledger.members;
    return {
      clusterId, month, status, ...when, hourCount: ledger.hourCount, hours: ledger.hours, totals: ledger.totals,
      renewableShare: ledger.renewableShare, selfConsumption: ledger.selfConsumption, networkDiscount: ledger.networkDiscount,
      members, parameters: ledger.parameters,
    };
  }
}
