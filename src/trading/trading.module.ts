import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { TradingController } from './trading.controller.js';
import { TradingCommandHandler } from './commands/trading-command.js';

@Module({ imports: [ClustersModule], controllers: [TradingController], providers: [TradingCommandHandler] })
export class TradingModule {}
