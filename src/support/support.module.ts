import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { SettlementService } from '../settlement/settlement.service.js';
import { LegalParametersController } from './http/legal-parameters.controller.js';
import { SupportController } from './http/support.controller.js';
import { SupportService } from './queries/support.query.js';
import { LegalParametersHandler } from './commands/legal-parameters-command.js';

@Module({
  imports: [ClustersModule, SettlementModule],
  controllers: [SupportController, LegalParametersController],
  providers: [SupportService, LegalParametersHandler],
  exports: [SupportService],
})
export class SupportModule implements OnModuleInit {
  constructor(@Inject(SettlementService) private readonly settlement: SettlementService, @Inject(SupportService) private readonly support: SupportService) {}

  /** The ledger runs with every settlement of a month, stored and closed with it. */
  onModuleInit() {
    this.settlement.registerExtension(this.support.extension);
  }
}
