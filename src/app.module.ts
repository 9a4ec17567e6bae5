import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClustersModule } from './clusters/clusters.module.js';
import { MeteringModule } from './metering/metering.module.js';
import { SettlementModule } from './settlement/settlement.module.js';
import { TradingModule } from './trading/trading.module.js';
import { InvoicingModule } from './invoicing/invoicing.module.js';
import { PortalModule } from './portal/portal.module.js';
import { SupportModule } from './support/support.module.js';
import { KsefModule } from './ksef/ksef.module.js';
import { type CoreDependencies, CoreModule } from './core.module.js';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps),
        CqrsModule.forRoot(),
        // lets the route inventory (tests, the portal) read every route's declared roles
        DiscoveryModule,
        AuthModule,
        ClustersModule,
        MeteringModule,
        SettlementModule,
        TradingModule,
        InvoicingModule,
        KsefModule,
        AuditModule,
        PortalModule,
        SupportModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
    };
  }
}
