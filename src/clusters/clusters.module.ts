import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ClustersController } from './http/clusters.controller.js';
import { ClustersService } from './queries/clusters.service.js';
import { CLOSED_MONTHS, ClusterCommandHandler } from './commands/cluster-command.js';
import { registryProjection } from './registry.projection.js';
import { closedMonthsProjection } from './closed-months.projection.js';
import { ClosedMonthsReader } from './queries/closed-months.js';
import { CLUSTER_QUERY_HANDLERS } from './queries/clusters.query.js';

@Module({
  controllers: [ClustersController],
  providers: [ClustersService, ClusterCommandHandler, ...CLUSTER_QUERY_HANDLERS, { provide: CLOSED_MONTHS, useClass: ClosedMonthsReader }],
  exports: [ClustersService],
})
export class ClustersModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(registryProjection);
    this.runner.register(closedMonthsProjection);
  }
}
