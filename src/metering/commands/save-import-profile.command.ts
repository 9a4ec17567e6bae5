// Saving an import profile: the definition checked, the sample read with it (every bad
// line named), then ImportProfileSaved appended on the cluster's profiles stream at the
// version read (saving a name again is its next revision).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { BUILTIN_PROFILES } from '../domain/files/builtin-profiles.js';
import { checkProfile, type ImportProfile, MAX_SAMPLE_BYTES } from '../domain/files/profile.js';
import { parseMeteringFile } from '../domain/files/parse.js';
import { type ImportProfileSavedData, importProfilesStreamId } from '../domain/import-profile-events.js';
import { ImportProfilesService } from '../queries/import-profiles.query.js';
import { MAX_REPORTED_ERRORS } from './readings-recorder.js';

/** A sample's PPE when the profile reads one PPE a file. */
const SAMPLE_PPE = 'SAMPLE';

export type SavedImportProfile = ImportProfile & { builtIn: false; revision: number; sampleSha256: string; sampleReadings: number };

/** The body as sent: the definition and `sample`, the text of an export it reads. */
export class SaveImportProfile extends Command<SavedImportProfile> {
  constructor(
    readonly clusterId: string,
    readonly body: unknown,
  ) {
    super();
  }
}

@CommandHandler(SaveImportProfile)
export class SaveImportProfileHandler implements ICommandHandler<SaveImportProfile> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ImportProfilesService) private readonly profiles: ImportProfilesService,
  ) {}

  async execute({ clusterId, body }: SaveImportProfile): Promise<SavedImportProfile> {
    await this.clusters.state(clusterId);
    const { profile, errors } = checkProfile(body);
    const sample = (body as { sample?: unknown } | null)?.sample;
    const sampleErrors: FieldError[] = [];
    if (typeof sample !== 'string' || sample.trim() === '') sampleErrors.push({ field: 'sample', reason: 'is required: the text of an export this profile reads, to check it before it is saved' });
    else if (Buffer.byteLength(sample, 'utf8') > MAX_SAMPLE_BYTES) sampleErrors.push({ field: 'sample', reason: `must be at most ${String(MAX_SAMPLE_BYTES / 1024)} KB` });
    if (profile && BUILTIN_PROFILES.some((p) => p.name === profile.name)) errors.push({ field: 'name', reason: `${profile.name} is a built-in profile; choose another name` });
    if (errors.length > 0 || sampleErrors.length > 0 || !profile || typeof sample !== 'string') throw DomainError.validation([...errors, ...sampleErrors]);
    const text = sample;
    // the sample is read as an upload would be, as UTF-8 text
    const parsed = await parseMeteringFile(Readable.from([Buffer.from(text, 'utf8')]), {
      format: 'profile',
      profile: { ...profile, encoding: 'utf-8' },
      ppeCode: SAMPLE_PPE,
      maxErrors: MAX_REPORTED_ERRORS,
    });
    if (parsed.errorCount > 0) {
      throw DomainError.validation(
        parsed.tally
          .summary(MAX_REPORTED_ERRORS)
          .map((e) => ({ field: 'sample', line: e.line, reason: e.field ? `${e.field}: ${e.reason}` : e.reason, ...(e.count ? { count: e.count, lastLine: e.lastLine } : {}) })),
        `The sample does not match the profile: ${String(parsed.errorCount)} bad ${parsed.errorCount === 1 ? 'line' : 'lines'}; the profile was not saved`,
      );
    }
    if (parsed.readingCount === 0)
      throw DomainError.validation([{ field: 'sample', reason: 'holds no readings: give a few lines of a real export' }], 'The sample does not match the profile; the profile was not saved');
    const { byName, version } = await this.profiles.saved(clusterId);
    const data: ImportProfileSavedData = {
      clusterId,
      name: profile.name,
      revision: (byName.get(profile.name)?.data.revision ?? 0) + 1,
      profile,
      sample: text,
      sampleSha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      sampleReadings: parsed.readingCount,
    };
    await this.store.append(importProfilesStreamId(clusterId), [{ type: 'ImportProfileSaved', data }], version);
    return { ...profile, builtIn: false, revision: data.revision, sampleSha256: data.sampleSha256, sampleReadings: data.sampleReadings };
  }
}
