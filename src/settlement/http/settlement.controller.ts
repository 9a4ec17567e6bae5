import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { MeteringService } from '../../metering/metering.service.js';
import { sendJsonWithTail } from '../../common/json-answer.js';
import { ApiCsvResponse, ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { DomainError } from '../../shared/domain-error.js';
import { parseInstant } from '../../shared/instant.js';
import { CloseMonth, closedMonthOf } from '../commands/close-month.command.js';
import { checkMonth } from '../domain/months.js';
import { GetClusterMonth, GetMemberIntervals, GetMemberStatement, GetTransfers } from '../queries/settlement.query.js';
import { CloseMonthDto } from './settlement.dto.js';
import { ClosedMonthDto, ClusterMonthDto, MemberIntervalsDto, MemberStatementDto, TransfersDto } from './settlement.responses.js';

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('clusters/:clusterId/settlements/:month')
export class SettlementController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
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
    const closed = closedMonthOf(await this.commandBus.execute(new CloseMonth(clusterId, month, { allowGaps: body.allowGaps ?? false, reason: body.reason ?? null, gaps })));
    const { statements, ...rest } = closed;
    return { ...rest, status: 'closed', members: statements.length };
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: ClusterMonthDto })
  @ApiReadProblems()
  async clusterMonth(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal, @Res() res: Response) {
    const { members, ...head } = await this.queryBus.execute(new GetClusterMonth(clusterId, month, principal));
    // the members' statements serialized once per stored month or close, not per request
    sendJsonWithTail(res, head, 'members', members);
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
    status: 200,
    description: 'The transfer matrix: JSON, or CSV with Accept: text/csv',
    content: { 'application/json': { schema: { $ref: getSchemaPath(TransfersDto) } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiExtraModels(TransfersDto)
  @ApiReadProblems()
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month' })
  async transfers(
    @Param('clusterId') clusterId: string,
    @Param('month') month: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
    @Query('day') day?: string,
  ) {
    const { status, transfers } = await this.queryBus.execute(new GetTransfers(clusterId, month, day, principal));
    if ((accept ?? '').includes('text/csv')) {
      const lines = ['from_member_id,to_member_id,kind,wh', ...transfers.map((t) => `${t.fromMemberId},${t.toMemberId},${t.kind},${String(t.wh)}`)];
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="transfers-${clusterId}-${day ?? month}.csv"`);
      res.send(lines.join('\r\n') + '\r\n');
      return;
    }
    res.json({ clusterId, month, ...(day ? { day } : {}), status, transfers });
  }

  @Get('members/:memberId')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberStatementDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant with an offset: the statement from the events recorded up to then' })
  async memberStatement(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('asOf') asOf?: string) {
    checkMonth(month);
    if (asOf === undefined) return this.queryBus.execute(new GetMemberStatement(clusterId, month, memberId));
    const ms = parseInstant(asOf);
    if (typeof ms === 'string') throw DomainError.validation([{ field: 'asOf', reason: ms }]);
    return this.queryBus.execute(new GetMemberStatement(clusterId, month, memberId, new Date(ms)));
  }

  @Get('members/:memberId/intervals')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: MemberIntervalsDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'day', required: false, description: 'one day YYYY-MM-DD of the month (paging by day); all days when absent' })
  async intervals(@Param('clusterId') clusterId: string, @Param('month') month: string, @Param('memberId') memberId: string, @Query('day') day?: string) {
    return this.queryBus.execute(new GetMemberIntervals(clusterId, month, memberId, day));
  }
}
