import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { TradingController } from './http/trading.controller.js';
import { TradingCommandHandler } from './commands/trading-command.js';
import { ListContractsHandler } from './queries/contracts.query.js';

@Module({ imports: [ClustersModule], controllers: [TradingController], providers: [TradingCommandHandler, ListContractsHandler] })
export class TradingModule {}
