import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { MeteringRecorder } from './commands/readings-recorder.js';
import { RecordFileHandler } from './commands/record-file.command.js';
import { RecordReadingsHandler } from './commands/record-readings.command.js';
import { SaveImportProfileHandler } from './commands/save-import-profile.command.js';
import { ImportProfilesController } from './http/import-profiles.controller.js';
import { MeteringController } from './http/metering.controller.js';
import { meteringProjection } from './metering.projection.js';
import { MeteringService } from './metering.service.js';
import { MonthCompletenessHandler } from './queries/completeness.query.js';
import { ImportProfilesService, ListImportProfilesHandler, ResolveImportProfileHandler } from './queries/import-profiles.query.js';
import { MeteringRegistry } from './queries/metering-registry.js';
import { PpeReadingsHandler } from './queries/ppe-readings.query.js';
import { QuarterHourProfile } from './queries/quarter-hour-profile.js';

@Module({
  imports: [ClustersModule],
  controllers: [MeteringController, ImportProfilesController],
  providers: [
    MeteringRecorder,
    RecordReadingsHandler,
    RecordFileHandler,
    SaveImportProfileHandler,
    MeteringRegistry,
    QuarterHourProfile,
    ImportProfilesService,
    MonthCompletenessHandler,
    PpeReadingsHandler,
    ListImportProfilesHandler,
    ResolveImportProfileHandler,
    MeteringService,
  ],
  exports: [MeteringService, ImportProfilesService],
})
export class MeteringModule implements OnModuleInit {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onModuleInit() {
    this.runner.register(meteringProjection);
  }
}
