import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { InvoicingModule } from '../invoicing/invoicing.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { KsefCommands } from './commands/ksef-commands.js';
import { KsefCommandHandler } from './commands/ksef-command.js';
import { KsefController } from './http/ksef.controller.js';
import { CorrectedKsefNumberHandler, DocumentKsefPrintMarkHandler, DocumentKsefStatesHandler } from './queries/document-ksef.query.js';
import { KsefReadModule } from './queries/ksef-read.module.js';
import { ksefConnectionsProjection } from './ksef.projection.js';
import { KsefWorker } from './worker/worker.js';

@Module({
  imports: [ClustersModule, InvoicingModule, KsefReadModule],
  controllers: [KsefController],
  providers: [KsefCommands, KsefCommandHandler, KsefWorker, DocumentKsefStatesHandler, DocumentKsefPrintMarkHandler, CorrectedKsefNumberHandler],
  exports: [KsefWorker],
})
export class KsefModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(ksefConnectionsProjection);
  }
}
