import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { InvoicingCommandHandler } from './commands/invoicing-command.js';
import { InvoicingController } from './http/invoicing.controller.js';
import { InvoicingService } from './invoicing.service.js';
import { KsefReadModule } from '../ksef/queries/ksef-read.module.js';

@Module({ imports: [ClustersModule, SettlementModule, KsefReadModule], controllers: [InvoicingController], providers: [InvoicingService, InvoicingCommandHandler], exports: [InvoicingService] })
export class InvoicingModule {}
