import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { InvoicingModule } from '../invoicing/invoicing.module.js';
import { MeteringModule } from '../metering/metering.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { PortalController } from './portal.controller.js';
import { KsefReadModule } from '../ksef/ksef-read.module.js';

@Module({ imports: [AuthModule, ClustersModule, MeteringModule, SettlementModule, InvoicingModule, AuditModule, KsefReadModule], controllers: [PortalController] })
export class PortalModule {}
