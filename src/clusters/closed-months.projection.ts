// settlement_closed_months: the months already closed for a cluster, from SettlementPeriodClosed,
// so that an agreement version may not reach back into them. A projection, so it works with
// either event store; read by queries/closed-months.ts.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';

export const closedMonthsProjection: Projection = {
  name: 'closed-months',
  version: 1,
  tables: ['settlement_closed_months'],
  eventTypes: ['SettlementPeriodClosed'],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    for (const event of events) {
      const data = event.data as { clusterId: string; month: string; closedAt: string };
      await client.query('INSERT INTO settlement_closed_months (cluster_id, month, closed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [data.clusterId, data.month, data.closedAt]);
    }
  },
};
