import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiReadProblems, ApiWriteProblems } from '../common/openapi.js';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_GROSZE_PER_MWH, MAX_WH_PER_VALUE } from '../shared/limits.js';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { CLUSTER_READERS, type Principal, Roles } from '../auth/roles.decorator.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { CommandBus } from '@nestjs/cqrs';
import { loadStream } from '../event-store/command-handling.js';
import { TradingCommandMessage } from './commands/trading-command.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ContractListDto, SignedContractDto, TerminatedContractDto } from './trading.responses.js';
import { contractsInOrder, type TradingCommand, tradingDecider, tradingStreamId } from './contracts.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class DeliveryWindowDto {
  @ApiProperty({ example: '06:00' }) @Matches(/^\d{2}:\d{2}$/, { message: 'must be a local time HH:MM' }) from!: string;
  @ApiProperty({ example: '22:00' }) @Matches(/^\d{2}:\d{2}$/, { message: 'must be a local time HH:MM' }) to!: string;
  @ApiProperty({ description: 'Monday to Friday only, Polish public holidays excluded' }) @IsBoolean() workingDaysOnly!: boolean;
}

export class SignContractDto {
  @ApiProperty() @IsString() @Length(1, 64) sellerMemberId!: string;
  @ApiProperty() @IsString() @Length(1, 64) buyerMemberId!: string;
  @ApiProperty({ description: 'volume per settlement interval, Wh' }) @IsInt() @Min(1) @Max(MAX_WH_PER_VALUE) whPerInterval!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(MAX_GROSZE_PER_MWH) priceGroszePerMwh!: number;
  @ApiProperty({ example: '2026-05-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validFrom!: string;
  @ApiProperty({ example: '2026-12-31', description: 'last day of delivery, inclusive' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) validTo!: string;
  @ApiPropertyOptional({ type: DeliveryWindowDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => DeliveryWindowDto) window?: DeliveryWindowDto;
}

export class TerminationDto {
  @ApiProperty({ example: '2026-09-01' }) @Matches(DATE, { message: 'must be a date YYYY-MM-DD' }) effectiveFrom!: string;
}

@ApiTags('trading')
@ApiBearerAuth()
@Controller('clusters/:clusterId/contracts')
export class TradingController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
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
    const contract = { contractId: randomUUID(), ...body, window: body.window ? { ...body.window } : null, signedAt: new Date().toISOString() };
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
    const today = DateTime.now().setZone('Europe/Warsaw').toISODate()!;
    const { streamVersion } = await this.execute(clusterId, { type: 'TerminateContract', contractId, effectiveFrom: body.effectiveFrom, today });
    return { contractId, terminatedFrom: body.effectiveFrom, streamVersion };
  }

  @Get()
  @Roles(...CLUSTER_READERS, 'member')
  @ApiOkResponse({ type: ContractListDto })
  @ApiReadProblems()
  async list(@Param('clusterId') clusterId: string, @CurrentPrincipal() principal: Principal) {
    await this.clusters.state(clusterId);
    const { state } = await loadStream(this.store, tradingStreamId(clusterId), tradingDecider);
    const items = contractsInOrder(state).filter((c) => principal.role !== 'member' || c.sellerMemberId === principal.memberId || c.buyerMemberId === principal.memberId);
    return { items };
  }
}
