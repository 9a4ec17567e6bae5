import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { SettlementService } from '../settlement/queries/settlement.service.js';
import { LegalParametersHandler } from './commands/legal-parameters-command.js';
import { LegalParametersController } from './http/legal-parameters.controller.js';
import { SupportController } from './http/support.controller.js';
import { GetLegalParametersHandler } from './queries/legal-parameters.query.js';
import { GetComplianceHandler, GetPpeHoursHandler, GetSupportMonthHandler, GetSupportYearHandler, SupportService } from './queries/support.query.js';
import { SupportExtension } from './support.extension.js';

@Module({
  imports: [ClustersModule, SettlementModule],
  controllers: [SupportController, LegalParametersController],
  providers: [SupportExtension, SupportService, LegalParametersHandler, GetLegalParametersHandler, GetSupportMonthHandler, GetSupportYearHandler, GetPpeHoursHandler, GetComplianceHandler],
  exports: [SupportService],
})
export class SupportModule implements OnModuleInit {
  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(SupportExtension) private readonly extension: SupportExtension,
  ) {}

  /** The ledger runs with every settlement of a month, stored and closed with it. */
  onModuleInit() {
    this.settlement.registerExtension(this.extension);
  }
}
