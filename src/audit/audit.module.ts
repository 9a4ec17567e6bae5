import { Module } from '@nestjs/common';
import { SettlementModule } from '../settlement/settlement.module.js';
import { AuditController } from './http/audit.controller.js';
import { ChainHeadsHandler, ExportEventsHandler, ReplayMonthHandler, VerifyChainsHandler } from './queries/audit.queries.js';
import { AuditService } from './queries/audit.service.js';

@Module({
  imports: [SettlementModule],
  controllers: [AuditController],
  providers: [AuditService, ExportEventsHandler, VerifyChainsHandler, ChainHeadsHandler, ReplayMonthHandler],
  exports: [AuditService],
})
export class AuditModule {}
