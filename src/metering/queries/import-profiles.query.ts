// Import profiles of a cluster: events on `import-profiles-{clusterId}` (ImportProfileSaved;
// saving a name again replaces it, each save kept), checked against a sample before they
// are saved; the built-in profiles beside them. Read from the stream itself: a cluster
// has a handful, and a profile saved is usable at once.
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ClustersService } from '../../clusters/clusters.service.js';
import { BUILTIN_PROFILES } from '../domain/files/builtin-profiles.js';
import { checkProfile, type ImportProfile, MAX_SAMPLE_BYTES, PROFILE_NAME } from '../domain/files/profile.js';
import { parseMeteringFile } from '../domain/files/parse.js';
import { MAX_REPORTED_ERRORS } from '../commands/readings-recorder.js';

export const importProfilesStreamId = (clusterId: string) => `import-profiles-${clusterId}`;

export interface ImportProfileSavedData extends Record<string, unknown> {
  clusterId: string;
  name: string;
  /** 1 for the first save of the name, then 2, ... */
  revision: number;
  profile: ImportProfile;
  sample: string;
  sampleSha256: string;
  sampleReadings: number;
}

/** A sample's PPE when the profile reads one PPE a file. */
const SAMPLE_PPE = 'SAMPLE';

@Injectable()
export class ImportProfilesService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  private async saved(clusterId: string) {
    const events = await this.store.readStream(importProfilesStreamId(clusterId));
    const byName = new Map<string, { data: ImportProfileSavedData; savedAt: string; savedBy: unknown }>();
    for (const e of events) if (e.type === 'ImportProfileSaved') byName.set((e.data as ImportProfileSavedData).name, { data: e.data as ImportProfileSavedData, savedAt: e.recordedAt, savedBy: e.metadata.actor });
    return { byName, version: events.at(-1)?.streamPosition ?? ('no_stream' as const) };
  }

  async list(clusterId: string) {
    await this.clusters.state(clusterId);
    const { byName } = await this.saved(clusterId);
    return {
      items: [
        ...BUILTIN_PROFILES.map((profile) => ({ ...profile, builtIn: true })),
        ...[...byName.values()].sort((a, b) => (a.data.name < b.data.name ? -1 : 1)).map((s) => ({
          ...s.data.profile, builtIn: false, revision: s.data.revision, savedAt: s.savedAt, savedBy: s.savedBy, sampleSha256: s.data.sampleSha256, sampleReadings: s.data.sampleReadings,
        })),
      ],
    };
  }

  /** The profile of that name in this cluster, or a built-in one; an unknown name is a 400 naming the field. */
  async resolve(clusterId: string, name: string, field = 'profile'): Promise<ImportProfile> {
    if (!PROFILE_NAME.test(name)) throw DomainError.validation([{ field, reason: 'must name an import profile: 1 to 40 lower-case letters, digits or hyphens' }]);
    const builtIn = BUILTIN_PROFILES.find((p) => p.name === name);
    if (builtIn) return builtIn;
    await this.clusters.state(clusterId);
    const { byName } = await this.saved(clusterId);
    const found = byName.get(name);
    if (found) return found.data.profile;
    const known = [...BUILTIN_PROFILES.map((p) => p.name), ...byName.keys()];
    throw DomainError.validation([{ field, reason: `no import profile "${name}" in this cluster; known: ${known.join(', ')}` }]);
  }

  /** Checks the definition, reads the sample with it (every bad line named), and saves it. */
  async save(clusterId: string, body: unknown) {
    await this.clusters.state(clusterId);
    const { profile, errors } = checkProfile(body);
    const sample = (body as { sample?: unknown } | null)?.sample;
    const sampleErrors: FieldError[] = [];
    if (typeof sample !== 'string' || sample.trim() === '') sampleErrors.push({ field: 'sample', reason: 'is required: the text of an export this profile reads, to check it before it is saved' });
    else if (Buffer.byteLength(sample, 'utf8') > MAX_SAMPLE_BYTES) sampleErrors.push({ field: 'sample', reason: `must be at most ${String(MAX_SAMPLE_BYTES / 1024)} KB` });
    if (profile && BUILTIN_PROFILES.some((p) => p.name === profile.name)) errors.push({ field: 'name', reason: `${profile.name} is a built-in profile; choose another name` });
    if (errors.length > 0 || sampleErrors.length > 0 || !profile) throw DomainError.validation([...errors, ...sampleErrors]);
    const text = sample as string;
    // the sample is read as an upload would be, as UTF-8 text
    const parsed = await parseMeteringFile(Readable.from([Buffer.from(text, 'utf8')]), {
      format: 'profile', profile: { ...profile, encoding: 'utf-8' }, ppeCode: SAMPLE_PPE, maxErrors: MAX_REPORTED_ERRORS,
    });
    if (parsed.errorCount > 0) {
      throw DomainError.validation(
        parsed.tally.summary(MAX_REPORTED_ERRORS).map((e) => ({ field: 'sample', line: e.line, reason: e.field ? `${e.field}: ${e.reason}` : e.reason, ...(e.count ? { count: e.count, lastLine: e.lastLine } : {}) })),
        `The sample does not match the profile: ${String(parsed.errorCount)} bad ${parsed.errorCount === 1 ? 'line' : 'lines'}; the profile was not saved`,
      );
    }
    if (parsed.readingCount === 0) throw DomainError.validation([{ field: 'sample', reason: 'holds no readings: give a few lines of a real export' }], 'The sample does not match the profile; the profile was not saved');
    const { byName, version } = await this.saved(clusterId);
    const data: ImportProfileSavedData = {
      clusterId, name: profile.name, revision: (byName.get(profile.name)?.data.revision ?? 0) + 1, profile,
      sample: text, sampleSha256: createHash('sha256').update(text, 'utf8').digest('hex'), sampleReadings: parsed.readingCount,
    };
    await this.store.append(importProfilesStreamId(clusterId), [{ type: 'ImportProfileSaved', data }], version);
    return { ...profile, builtIn: false, revision: data.revision, sampleSha256: data.sampleSha256, sampleReadings: data.sampleReadings };
  }
}
