// Months already closed for a cluster: an agreement version may not reach back into them.
// Closing a month records SettlementPeriodClosed on the cluster's settlement stream; until
// month close is built (issue "Month close"), no stream has one and the list is empty.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../core.module.js';
import type { ClosedMonthsSource } from './clusters.service.js';

@Injectable()
export class ClosedMonthsReader implements ClosedMonthsSource {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async closedMonths(clusterId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ month: string }>(
      `SELECT data->>'month' AS month FROM events WHERE stream_id LIKE $1 AND type = 'SettlementPeriodClosed'`,
      [`settlement-${clusterId}-%`],
    );
    return rows.map((r) => r.month);
  }
}
