// registry_clusters: each cluster's state folded with the decider's own evolve, so the
// read side answers exactly as the write side decides.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { CLUSTER_EVENT_TYPES, type ClusterEvent, type ClusterState, evolve, initialClusterState } from './domain/registry.js';

export const registryProjection: Projection = {
  name: 'registry',
  version: 2, // 2: members carry their admission number
  tables: ['registry_clusters'],
  eventTypes: CLUSTER_EVENT_TYPES,
  async apply(client: PoolClient, events: RecordedEvent[]) {
    const states = new Map<string, { state: ClusterState; version: number }>();
    for (const event of events) {
      const clusterId = event.streamId.slice('cluster-'.length);
      let entry = states.get(clusterId);
      if (!entry) {
        const { rows } = await client.query<{ state: ClusterState; stream_version: number }>('SELECT state, stream_version FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
        entry = rows[0] ? { state: rows[0].state, version: rows[0].stream_version } : { state: initialClusterState(), version: -1 };
        states.set(clusterId, entry);
      }
      entry.state = evolve(entry.state, { type: event.type, data: event.data } as ClusterEvent);
      entry.version = event.streamPosition;
    }
    for (const [clusterId, { state, version }] of states) {
      await client.query(
        `INSERT INTO registry_clusters (cluster_id, name, state, stream_version, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (cluster_id) DO UPDATE SET name = EXCLUDED.name, state = EXCLUDED.state, stream_version = EXCLUDED.stream_version, updated_at = now()`,
        [clusterId, state.profile?.name ?? '', JSON.stringify(state), version],
      );
    }
  },
};
