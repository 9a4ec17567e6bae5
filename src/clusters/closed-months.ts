// Months already closed for a cluster: an agreement version may not reach back into them.
// Kept by a projection of SettlementPeriodClosed, so it works with either event store.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '../core.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import type { ClosedMonthsSource } from './commands/cluster-command.js';

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

@Injectable()
export class ClosedMonthsReader implements ClosedMonthsSource {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async closedMonths(clusterId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ month: string }>('SELECT month FROM settlement_closed_months WHERE cluster_id = $1 ORDER BY month', [clusterId]);
    return rows.map((r) => r.month);
  }
}
