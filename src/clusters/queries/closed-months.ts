// Months already closed for a cluster (YYYY-MM), from settlement_closed_months
// (closed-months.projection.ts): an agreement version may not reach back into them.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import type { ClosedMonthsSource } from '../commands/cluster-command.js';

@Injectable()
export class ClosedMonthsReader implements ClosedMonthsSource {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async closedMonths(clusterId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ month: string }>('SELECT month FROM settlement_closed_months WHERE cluster_id = $1 ORDER BY month', [clusterId]);
    return rows.map((r) => r.month);
  }
}
