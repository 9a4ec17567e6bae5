import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { InvoicingModule } from '../invoicing/invoicing.module.js';
import { MeteringModule } from '../metering/metering.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { PortalController } from './http/portal.controller.js';
import { ClosedDetail } from './queries/closed-detail.js';
import { SupportModule } from '../support/support.module.js';
import { KsefReadModule } from '../ksef/queries/ksef-read.module.js';
import { PortalSecurityMiddleware } from './http/security.js';
import { PortalSessions } from './queries/portal-sessions.js';

@Module({
  imports: [AuthModule, ClustersModule, MeteringModule, SettlementModule, InvoicingModule, AuditModule, SupportModule, KsefReadModule],
  controllers: [PortalController],
  providers: [PortalSessions, ClosedDetail],
})
export class PortalModule implements NestModule {
  // sessions, the CSRF and origin checks and the CSP for every portal route, whatever its page
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(PortalSecurityMiddleware).forRoutes(PortalController);
  }
}
