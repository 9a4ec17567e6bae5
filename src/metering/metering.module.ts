import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { MeteringController } from './http/metering.controller.js';
import { meteringProjection } from './metering.projection.js';
import { MeteringService } from './metering.service.js';
import { ImportProfilesController } from './http/import-profiles.controller.js';
import { ImportProfilesService } from './queries/import-profiles.query.js';

@Module({
  imports: [ClustersModule],
  controllers: [MeteringController, ImportProfilesController],
  providers: [MeteringService, ImportProfilesService],
  exports: [MeteringService, ImportProfilesService],
})
export class MeteringModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(meteringProjection);
  }
}
