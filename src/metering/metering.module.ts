import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { MeteringController } from './metering.controller.js';
import { meteringProjection } from './metering.projection.js';
import { MeteringService } from './metering.service.js';

@Module({
  imports: [ClustersModule],
  controllers: [MeteringController],
  providers: [MeteringService],
  exports: [MeteringService],
})
export class MeteringModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(meteringProjection);
  }
}
