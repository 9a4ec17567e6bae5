import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiCsvResponse, ApiReadProblems } from '../../common/openapi.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { GetCompliance, GetPpeHours, GetSupportMonth, GetSupportYear } from '../queries/support.query.js';
import { ComplianceDto, PpeHoursDto, SupportMonthDto, SupportYearDto } from './support.responses.js';
import { PPE_HOURS_CSV_HEADER, ppeHoursCsv } from './support.views.js';

@ApiTags('support')
@ApiBearerAuth()
@Controller('clusters/:clusterId/support')
export class SupportController {
  constructor(@Inject(QueryBus) private readonly queryBus: QueryBus) {}

  /** Declared before :month so "compliance" is not taken for a month. */
  @Get('compliance')
  @Roles(...CLUSTER_READERS)
  @ApiOkResponse({ type: ComplianceDto })
  @ApiReadProblems()
  async compliance(@Param('clusterId') clusterId: string) {
    return this.queryBus.execute(new GetCompliance(clusterId));
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: SupportYearDto })
  @ApiReadProblems()
  @ApiQuery({ name: 'year', required: true, description: 'YYYY: the months of the year so far, summed' })
  async year(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal, @Query('year') year?: string) {
    return this.queryBus.execute(new GetSupportYear(clusterId, year, principal));
  }

  /** Per PPE and hour: CSV (the data a DSO needs to apply the exemption); JSON with Accept: application/json. */
  @Get(':month/ppe-hours.csv')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiCsvResponse(`per PPE and hour: ${PPE_HOURS_CSV_HEADER}`)
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
    const result = await this.queryBus.execute(new GetPpeHours(clusterId, month, principal));
    if ((accept ?? '').includes('application/json')) {
      res.json(result);
      return;
    }
    res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="support-${clusterId}-${month}.csv"`);
    res.send(ppeHoursCsv(result.rows));
  }

  @Get(':month')
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: SupportMonthDto })
  @ApiReadProblems()
  async month(@Param('clusterId') clusterId: string, @Param('month') month: string, @CurrentPrincipal() principal: Principal) {
    return this.queryBus.execute(new GetSupportMonth(clusterId, month, principal));
  }
}
