// Import profiles of a cluster, read from their stream (`import-profiles-{clusterId}`) itself:
// a cluster has a handful, and a profile saved is usable at once; the built-in profiles
// beside them. ImportProfilesService is the reader the portal, the CLI, the file upload and
// the save command use; ListImportProfiles is the route's query.
import { Inject, Injectable } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../shared/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { BUILTIN_PROFILES } from '../domain/files/builtin-profiles.js';
import { type ImportProfile, PROFILE_NAME } from '../domain/files/profile.js';
import { type ImportProfileSavedData, importProfilesStreamId } from '../domain/import-profile-events.js';

export interface SavedProfile {
  data: ImportProfileSavedData;
  savedAt: string;
  savedBy: unknown;
}

export type ImportProfileListItem = ImportProfile & { builtIn: boolean; revision?: number; savedAt?: string; savedBy?: unknown; sampleSha256?: string; sampleReadings?: number };

@Injectable()
export class ImportProfilesService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  /** The cluster's saved profiles by name (the last save of each) and the stream's version. */
  async saved(clusterId: string): Promise<{ byName: Map<string, SavedProfile>; version: number | 'no_stream' }> {
    const events = await this.store.readStream(importProfilesStreamId(clusterId));
    const byName = new Map<string, SavedProfile>();
    for (const e of events)
      if (e.type === 'ImportProfileSaved') byName.set((e.data as ImportProfileSavedData).name, { data: e.data as ImportProfileSavedData, savedAt: e.recordedAt, savedBy: e.metadata.actor });
    return { byName, version: events.at(-1)?.streamPosition ?? ('no_stream' as const) };
  }

  async list(clusterId: string): Promise<{ items: ImportProfileListItem[] }> {
    await this.clusters.state(clusterId);
    const { byName } = await this.saved(clusterId);
    return {
      items: [
        ...BUILTIN_PROFILES.map((profile) => ({ ...profile, builtIn: true })),
        ...[...byName.values()]
          .sort((a, b) => (a.data.name < b.data.name ? -1 : 1))
          .map((s) => ({
            ...s.data.profile,
            builtIn: false,
            revision: s.data.revision,
            savedAt: s.savedAt,
            savedBy: s.savedBy,
            sampleSha256: s.data.sampleSha256,
            sampleReadings: s.data.sampleReadings,
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
}

/** The built-in profiles, then the cluster's by name. */
export class ListImportProfiles extends Query<{ items: ImportProfileListItem[] }> {
  constructor(readonly clusterId: string) {
    super();
  }
}

@QueryHandler(ListImportProfiles)
export class ListImportProfilesHandler implements IQueryHandler<ListImportProfiles> {
  constructor(@Inject(ImportProfilesService) private readonly profiles: ImportProfilesService) {}

  execute({ clusterId }: ListImportProfiles): Promise<{ items: ImportProfileListItem[] }> {
    return this.profiles.list(clusterId);
  }
}

/** An import profile by name for an upload (the name given as `field`); an unknown name is a 400. */
export class ResolveImportProfile extends Query<ImportProfile> {
  constructor(
    readonly clusterId: string,
    readonly name: string,
    readonly field = 'profile',
  ) {
    super();
  }
}

@QueryHandler(ResolveImportProfile)
export class ResolveImportProfileHandler implements IQueryHandler<ResolveImportProfile> {
  constructor(@Inject(ImportProfilesService) private readonly profiles: ImportProfilesService) {}

  execute({ clusterId, name, field }: ResolveImportProfile): Promise<ImportProfile> {
    return this.profiles.resolve(clusterId, name, field);
  }
}
