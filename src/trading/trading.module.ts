import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { TradingController } from './trading.controller.js';

@Module({ imports: [ClustersModule], controllers: [TradingController] })
export class TradingModule {}
