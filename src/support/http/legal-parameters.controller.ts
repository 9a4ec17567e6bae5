import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { Roles } from '../../auth/roles.decorator.js';
import type { LegalParametersCommand } from '../domain/legal-parameters.js';
import { LegalParametersMessage } from '../commands/legal-parameters-command.js';
import { GetLegalParameters } from '../queries/legal-parameters.query.js';
import { DiscountBracketsDto, FeeRatesDto, SupportPeriodDto, ThresholdsDto } from './support.dto.js';
import { LegalParametersChangedDto, LegalParametersDto } from './support.responses.js';

/** The law's dated values, global (not per cluster): read by every cluster role, changed by the admin. */
@ApiTags('support')
@ApiBearerAuth()
@Controller('legal-parameters')
export class LegalParametersController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  /** The change through the CommandBus; the answer: the parameters as now recorded, and what it recorded. */
  private async change(command: LegalParametersCommand) {
    const result = await this.commandBus.execute(new LegalParametersMessage(command));
    return { ...(await this.queryBus.execute(new GetLegalParameters())), recorded: result.events.map((e) => e.type) };
  }

  @Get()
  @Roles('admin', 'coordinator', 'auditor', 'member')
  @ApiOkResponse({ type: LegalParametersDto })
  @ApiReadProblems()
  async get() {
    return this.queryBus.execute(new GetLegalParameters());
  }

  @Post('fee-rates')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async feeRates(@Body() body: FeeRatesDto) {
    return this.change({
      type: 'SetFeeRates',
      validFrom: body.validFrom,
      ozeGroszePerMwh: body.ozeGroszePerMwh,
      cogenerationGroszePerMwh: body.cogenerationGroszePerMwh,
      basis: body.basis,
      reason: body.reason,
    });
  }

  @Post('thresholds')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async thresholds(@Body() body: ThresholdsDto) {
    return this.change({
      type: 'SetThresholds',
      validFrom: body.validFrom,
      renewableShareBp: body.renewableShareBp,
      selfConsumptionBp: body.selfConsumptionBp,
      basis: body.basis,
      reason: body.reason,
    });
  }

  @Post('discount-brackets')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async discountBrackets(@Body() body: DiscountBracketsDto) {
    return this.change({
      type: 'SetDiscountBrackets',
      validFrom: body.validFrom,
      basis: body.basis,
      reason: body.reason,
      brackets: body.brackets.map((b) => ({ fromSelfConsumptionBp: b.fromSelfConsumptionBp, discountBp: b.discountBp ?? null })),
    });
  }

  @Post('support-period')
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: LegalParametersChangedDto, description: 'the parameters as now recorded, and what the change recorded' })
  @ApiWriteProblems()
  async supportPeriod(@Body() body: SupportPeriodDto) {
    return this.change({ type: 'SetSupportPeriod', validFrom: body.validFrom, supportFrom: body.supportFrom, supportTo: body.supportTo, basis: body.basis, reason: body.reason });
  }
}
