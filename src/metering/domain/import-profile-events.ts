// The import profiles of a cluster are events on `import-profiles-{clusterId}`
// (ImportProfileSaved; saving a name again replaces it, each save kept).
import type { ImportProfile } from './files/profile.js';

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
