import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { MeteringModule } from '../metering/metering.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { CloseMonthHandler } from './commands/close-month.js';
import { SettlementController } from './http/settlement.controller.js';
import { settlementInputsProjection } from './settlement.projection.js';
import { SETTLEMENT_QUERY_HANDLERS } from './queries/settlement.query.js';
import { SettlementService } from './queries/settlement.service.js';

@Module({
  imports: [ClustersModule, MeteringModule],
  controllers: [SettlementController],
  providers: [SettlementService, CloseMonthHandler, ...SETTLEMENT_QUERY_HANDLERS],
  exports: [SettlementService],
})
export class SettlementModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(settlementInputsProjection);
  }
}
