// ksef_connections: which clusters have a KSeF connection, for the worker's round.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';

export const ksefConnectionsProjection: Projection = {
  name: 'ksef-connections',
  version: 1,
  tables: ['ksef_connections'],
  eventTypes: ['KsefConnected', 'KsefDisconnected'],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    for (const event of events) {
      const clusterId = event.streamId.slice('ksef-'.length);
      const connected = event.type === 'KsefConnected';
      await client.query(
        `INSERT INTO ksef_connections (cluster_id, connected, environment, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (cluster_id) DO UPDATE SET connected = EXCLUDED.connected, environment = COALESCE(EXCLUDED.environment, ksef_connections.environment), updated_at = EXCLUDED.updated_at`,
        [clusterId, connected, connected ? (event.data as { environment: string }).environment : null, event.recordedAt],
      );
    }
  },
};
