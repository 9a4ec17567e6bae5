// Recording a metering file (generic CSV, a DSO export, or an import profile's): the
// readings go into the batch as they are parsed (no list of a file's readings is kept),
// then the recorder appends what is new or corrected, all or nothing.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import { problem, ProblemException } from '../../common/problem.js';
import { DomainError } from '../../shared/domain-error.js';
import { normalisePpeCode } from '../../shared/ppe-code.js';
import { type FileReading, parseMeteringFile } from '../domain/files/parse.js';
import type { ImportProfile } from '../domain/files/profile.js';
import type { HourlySplitRule } from '../domain/hourly-split.js';
import { QUALITY_CODES } from '../domain/meter-stream.js';
import { ReadingsBatch } from '../domain/readings-batch.js';
import { MeteringRegistry } from '../queries/metering-registry.js';
import { describeLine, type ImportReport, MAX_REPORTED_ERRORS, MeteringRecorder, ReadingsRejected } from './readings-recorder.js';

export interface RecordFileOptions {
  format: 'generic' | 'tauron' | 'enea' | 'profile';
  profile?: ImportProfile;
  ppeCode?: string;
  balancing: 'before' | 'after';
  /** The file's SHA-256, asked for once the whole file is read. */
  digest: () => string;
  source?: string;
  hourlySplit?: HourlySplitRule;
}

export class RecordFile extends Command<ImportReport> {
  constructor(
    readonly clusterId: string,
    readonly input: Readable,
    readonly options: RecordFileOptions,
    readonly now = new Date(),
  ) {
    super();
  }
}

@CommandHandler(RecordFile)
export class RecordFileHandler implements ICommandHandler<RecordFile> {
  constructor(
    @Inject(MeteringRegistry) private readonly registry: MeteringRegistry,
    @Inject(MeteringRecorder) private readonly recorder: MeteringRecorder,
  ) {}

  async execute({ clusterId, input, options, now }: RecordFile): Promise<ImportReport> {
    const batch = new ReadingsBatch(await this.registry.of(clusterId), now.getTime(), 'line');
    const onReading = (r: FileReading) => {
      batch.add(r.line, normalisePpeCode(r.ppeCode), r.intervalStart.getTime(), r.intervalMinutes, r.importWh, r.exportWh, QUALITY_CODES[r.quality]);
    };
    let parsed;
    try {
      parsed = await parseMeteringFile(input, { format: options.format, profile: options.profile, ppeCode: options.ppeCode, balancing: options.balancing, maxErrors: MAX_REPORTED_ERRORS, onReading });
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new ProblemException(problem(400, `The file could not be read: ${(error as Error).message}`));
    }
    if (parsed.errorCount > 0) throw ReadingsRejected.ofFile(parsed.tally, parsed.errorCount);
    if (parsed.readingCount === 0) throw DomainError.validation([{ field: 'file', reason: 'holds no readings' }], 'The file was rejected: it holds no readings; nothing was recorded');
    const rule = options.hourlySplit ?? 'even';
    await this.recorder.splitHours(clusterId, batch, rule);
    return this.recorder.record(clusterId, batch, {
      source: options.source ?? (options.profile ? `file:profile:${options.profile.name}` : `file:${options.format}`),
      fileSha256: options.digest(),
      describe: describeLine,
      linesRead: parsed.linesRead,
      what: 'The file',
      hourlySplit: rule,
    });
  }
}
