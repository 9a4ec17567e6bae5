// settlement_dirty_months (written by settlement.projection.ts): the month's last mark, so a
// stored settlement remembers which readings it was computed after.
import type { Pool, PoolClient } from 'pg';

/** The month's last dirty mark (0: never marked). */
export async function readDirtySeq(db: Pool | PoolClient, clusterId: string, month: string): Promise<number> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM settlement_dirty_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
  return rows[0]?.seq ?? 0;
}
