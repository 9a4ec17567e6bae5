import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../../common/openapi.js';
import { DateTime } from 'luxon';
import { isoDateOf, ZONE } from '../../shared/calendar.js';
import { randomUUID } from 'node:crypto';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { TradingCommandMessage } from '../commands/trading-command.js';
import { ContractListDto, SignedContractDto, TerminatedContractDto } from './trading.responses.js';
import type { TradingCommand } from '../domain/contracts.js';
import { ListContracts } from '../queries/contracts.query.js';
import { SignContractDto, TerminationDto } from './trading.dto.js';

@ApiTags('trading')
@ApiBearerAuth()
@Controller('clusters/:clusterId/contracts')
export class TradingController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  private execute(clusterId: string, command: TradingCommand) {
    return this.commandBus.execute(new TradingCommandMessage(clusterId, command));
  }

  @Post()
  @Roles('coordinator')
  @ApiCreatedResponse({ type: SignedContractDto })
  @ApiWriteProblems()
  async sign(@Param('clusterId') clusterId: string, @Body() body: SignContractDto) {
    const registry = await this.clusters.state(clusterId);
    const { sellerMemberId, buyerMemberId, whPerInterval, priceGroszePerMwh, validFrom, validTo } = body;
    const contract = {
      contractId: randomUUID(),
      sellerMemberId,
      buyerMemberId,
      whPerInterval,
      priceGroszePerMwh,
      validFrom,
      validTo,
      window: body.window ? { from: body.window.from, to: body.window.to, workingDaysOnly: body.window.workingDaysOnly } : null,
      signedAt: new Date().toISOString(),
    };
    const { streamVersion } = await this.execute(clusterId, { type: 'SignContract', contract, registry, closedMonths: await this.clusters.closedMonths(clusterId) });
    return { ...contract, terminatedFrom: null, streamVersion };
  }

  @Post(':contractId/termination')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({ type: TerminatedContractDto })
  @ApiWriteProblems()
  async terminate(@Param('clusterId') clusterId: string, @Param('contractId') contractId: string, @Body() body: TerminationDto) {
    await this.clusters.state(clusterId);
    const today = isoDateOf(DateTime.now().setZone(ZONE));
    const { streamVersion } = await this.execute(clusterId, { type: 'TerminateContract', contractId, effectiveFrom: body.effectiveFrom, today });
    return { contractId, terminatedFrom: body.effectiveFrom, streamVersion };
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: ContractListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    await this.clusters.state(clusterId);
    return this.queryBus.execute(new ListContracts(clusterId, principal));
  }
}
