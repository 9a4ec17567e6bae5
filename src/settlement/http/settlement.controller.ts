import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type Transfer, transfersOf } from '../domain/engine/transfers.js';
import { dayRange } from '../domain/day-range.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { MeteringService } from '../../metering/metering.service.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiCsvResponse, ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { ClosedMonthDto, ClusterMonthDto, MemberIntervalsDto, MemberStatementDto, TransfersDto } from './settlement.responses.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { DomainError } from '../../shared/domain-error.js';
import { parseInstant } from '../../shared/instant.js';
import { checkMonth, SettlementService } from '../queries/settlement.service.js';

export class CloseMonthDto {
  @ApiPropertyOptional({ description: 'close although readings are missing (needs a reason)' }) @IsOptional() @IsBoolean() allowGaps?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) reason?: string;
}

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('clusters/:clusterId/settlements/:month')
export class SettlementController {
  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(MeteringService) private readonly metering: MeteringService,
  ) {}

  @Post('close')
  @HttpCode(201)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ClosedMonthDto })
  @ApiWriteProblems()
  async close(@Param('clusterId') clusterId: string, @Param('month') month: string, @Body() body: CloseMonthDto) {
    checkMonth(month);
    if (body.allowGaps && !body.reason) throw DomainError.validation([{ field: 'reason', reason: 'is required to close a month with gaps' }]);
    const completeness = await this.metering.completeness(clusterId, month);
    const gaps = completeness.ppe.filter((p) => p.missing.length > 0).map((p) => ({ ppeCode: p.ppeCode, missingIntervals: p.expectedIntervals - p.presentIntervals }));
    const closed = await this.settlement.close(clusterId, month, { allowGaps: body.allowGaps ?? false, reason: body.reason ?? null, gaps });
    const { statements, ...rest } = closed;
    return { ...rest, status: 'closed', members: statements.length };
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: ClusterMonthDto })
  @ApiReadProblems()
  async clusterMonth(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal) {
    checkMonth(month);
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (closed) {
      const members = principal.role === 'member' ? closed.statements.filter((s) => s.memberId === principal.memberId) : closed.statements;
      return {
        clusterId, month, status: 'closed', agreementVersion: closed.agreementVersion, closedAt: closed.closedAt, lastEventPosition: closed.lastEventPosition,
        inputDigest: closed.inputDigest, totals: closed.totals, trailing12Months: await this.settlement.trailingYear(clusterId, month), members,
      };
    }
    const data = await this.settlement.clusterMonth(clusterId, month);
    // a member sees the cluster's totals and its own row, never another member's
    const members = principal.role === 'member' ? data.statements.filter((s) => s.memberId === principal.memberId) : data.statements;
    return {
      clusterId, month, status: 'provisional', agreementVersion: data.agreementVersion, computedThrough: data.computedThrough, computedAt: data.computedAt,
      totals: data.cluster, trailing12Months: await this.settlement.trailingYear(clusterId, month), members,
    };
  }

  /** Who got whose energy: JSON, or CSV with Accept: text/csv or the .csv suffix. */
  @Get('transfers.csv')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiCsvResponse('The transfer matrix as CSV: from_member_id,to_member_id,kind,wh')
  @ApiReadProblems()
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month' })
  async transfersCsv(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal, @Res() res: Response, @Query('day') day?: string) {
    return this.transfers(clusterId, month, principal, 'text/csv', res, day);
  }

  @Get('transfers')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiResponse({
    status: 200, description: 'The transfer matrix: JSON, or CSV with Accept: text/csv',
    content: { 'application/json': { schema: { $ref: getSchemaPath(TransfersDto) } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiExtraModels(TransfersDto)
  @ApiReadProblems()
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month' })
  async transfers(
    @Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined, @Res() res: Response, @Query('day') day?: string,
  ) {
    checkMonth(month);
    const range = dayRange(month, day);
    const result = await this.settlement.transfers(clusterId, month, range);
    // a member sees the rows and columns that are its own
    const transfers: Transfer[] = principal.role === 'member' ? transfersOf(result.transfers, principal.memberId!) : result.transfers;
    if ((accept ?? '').includes('text/csv')) {
      const lines = ['from_member_id,to_member_id,kind,wh', ...transfers.map((t) => `${t.fromMemberId},${t.toMemberId},${t.kind},${String(t.wh)}`)];
      res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="transfers-${clusterId}-${day ?? month}.csv"`);
      res.send(lines.join('\r\n') + '\r\n');
      return;
    }
    res.json({ clusterId, month, ...(day ? { day } : {}), status: result.status, transfers });
  }

  @Get('members/:memberId')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberStatementDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant with an offset: the statement from the events recorded up to then' })
  async memberStatement(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('asOf') asOf?: string) {
    if (asOf !== undefined) {
      checkMonth(month);
      const ms = parseInstant(asOf);
      if (typeof ms === 'string') throw DomainError.validation([{ field: 'asOf', reason: ms }]);
      const instant = new Date(ms);
      const { calculation, statement } = await this.settlement.memberStatementAsOf(clusterId, month, memberId, instant);
      return { clusterId, month, status: 'as_of', asOf: instant.toISOString(), ...statement, agreementVersion: calculation.agreement.version };
    }
    checkMonth(month);
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (closed) {
      const statement = closed.statements.find((s) => s.memberId === memberId);
      if (!statement) throw DomainError.notFound('The member has no statement for this month');
      return { clusterId, month, status: 'closed', closedAt: closed.closedAt, ...statement, agreementVersion: closed.agreementVersion };
    }
    const data = await this.settlement.memberStatement(clusterId, month, memberId);
    return { clusterId, month, status: 'provisional', computedThrough: data.computedThrough, computedAt: data.computedAt, ...data.statement, agreementVersion: data.agreementVersion };
  }

  @Get('members/:memberId/intervals')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberIntervalsDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month (paging by day); all days when absent' })
  async intervals(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('day') day?: string) {
    checkMonth(month);
    return this.settlement.memberIntervals(clusterId, month, memberId, day);
  }
}
