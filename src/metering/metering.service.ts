// Metering as the other modules call it (the portal, the settlement routes, the import
// CLI inject it): each method sends one query or command through the buses, so every
// caller takes the same path as the metering routes. It holds no logic of its own.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import { RecordFile, type RecordFileOptions } from './commands/record-file.command.js';
import type { ImportReport } from './commands/readings-recorder.js';
import { type CompletenessResult, MonthCompleteness } from './queries/completeness.query.js';

@Injectable()
export class MeteringService {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  recordFile(clusterId: string, input: Readable, options: RecordFileOptions, now = new Date()): Promise<ImportReport> {
    return this.commandBus.execute(new RecordFile(clusterId, input, options, now));
  }

  completeness(clusterId: string, month: string | undefined, now = new Date()): Promise<CompletenessResult> {
    return this.queryBus.execute(new MonthCompleteness(clusterId, month, now));
  }
}
