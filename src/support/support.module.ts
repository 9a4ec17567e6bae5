import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { LegalParametersController } from './legal-parameters.controller.js';
import { SupportController } from './support.controller.js';
import { SupportService } from './support.service.js';

@Module({
  imports: [ClustersModule, SettlementModule],
  controllers: [SupportController, LegalParametersController],
  providers: [SupportService],
})
export class SupportModule {}
