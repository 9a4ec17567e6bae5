// settlement_cluster_months: one cluster month's provisional settlement as last computed
// (totals, the registry version and dirty mark it was computed at, what the plugged-in
// pass stored), read and replaced here alone.
import type { Pool, PoolClient } from 'pg';
import type { ClusterMonth } from '../domain/engine/statement.js';

type Db = Pool | PoolClient;

export interface StoredMonth {
  agreementVersion: number;
  cluster: ClusterMonth;
  computedThrough: string | null;
  computedAt: string;
}

export async function readStoredMonth(db: Db, clusterId: string, month: string): Promise<StoredMonth | undefined> {
  const { rows } = await db.query<{ agreement_version: number; totals: ClusterMonth; computed_through: string | null; computed_at: Date }>(
    'SELECT agreement_version, totals, computed_through, computed_at FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2',
    [clusterId, month],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { agreementVersion: row.agreement_version, cluster: row.totals, computedThrough: row.computed_through, computedAt: row.computed_at.toISOString() };
}

/** The inputs the stored month was computed at: the registry version and the dirty mark (a bigint, as text). */
export async function readStoredInputs(db: Db, clusterId: string, month: string): Promise<{ registryVersion: number; dirtySeq: string } | undefined> {
  const { rows } = await db.query<{ registry_version: number; dirty_seq: string }>(
    'SELECT registry_version, dirty_seq::text AS dirty_seq FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2',
    [clusterId, month],
  );
  const row = rows[0];
  return row ? { registryVersion: row.registry_version, dirtySeq: row.dirty_seq } : undefined;
}

/** What the plugged-in pass stored with the month (null: none ran). */
export async function readStoredExtension(
  db: Db,
  clusterId: string,
  month: string,
): Promise<{ result: Record<string, unknown> | null; computedThrough: string | null; computedAt: string } | undefined> {
  const { rows } = await db.query<{ support: Record<string, unknown> | null; computed_through: string | null; computed_at: Date }>(
    'SELECT support, computed_through, computed_at FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2',
    [clusterId, month],
  );
  const row = rows[0];
  return row ? { result: row.support, computedThrough: row.computed_through, computedAt: row.computed_at.toISOString() } : undefined;
}

/** The months of a cluster that have a stored settlement, with their totals. */
export async function readStoredMonths(db: Db, clusterId: string): Promise<{ month: string; totals: ClusterMonth }[]> {
  const { rows } = await db.query<{ month: string; totals: ClusterMonth }>('SELECT month, totals FROM settlement_cluster_months WHERE cluster_id = $1 ORDER BY month', [clusterId]);
  return rows;
}

/**
 * The stored month when it is still what its inputs give: computed at the cluster's
 * registry version as it is now (the registry's registry_stream_version, migration 096),
 * after the month's last dirty mark (settlement.projection.ts) and, with a pass plugged in,
 * at the version of what the pass reads and with its result. Undefined when stale, when
 * nothing is stored or when the cluster is unknown. One query: hundreds of statement GETs
 * ask it at once.
 */
export async function readFreshStoredMonth(db: Db, clusterId: string, month: string, extensionVersion: number | null): Promise<StoredMonth | undefined> {
  const { rows } = await db.query<{ agreement_version: number; totals: ClusterMonth; computed_through: string | null; computed_at: Date }>({
    name: 'settlement-fresh-month',
    text: `SELECT s.agreement_version, s.totals, s.computed_through, s.computed_at
       FROM settlement_cluster_months s
       LEFT JOIN settlement_dirty_months d ON d.cluster_id = s.cluster_id AND d.month = s.month
      WHERE s.cluster_id = $1 AND s.month = $2
        AND s.registry_version = registry_stream_version($1) AND s.dirty_seq >= coalesce(d.seq, 0)
        AND ($3::int IS NULL OR (s.parameters_version = $3 AND s.support IS NOT NULL))`,
    values: [clusterId, month, extensionVersion],
  });
  const row = rows[0];
  if (!row) return undefined;
  return { agreementVersion: row.agreement_version, cluster: row.totals, computedThrough: row.computed_through, computedAt: row.computed_at.toISOString() };
}

export interface ClusterMonthRow {
  agreementVersion: number;
  registryVersion: number;
  dirtySeq: number;
  totals: ClusterMonth;
  computedThrough: string | null;
  computedAt: Date;
  /** The version of what the plugged-in pass read (-2: no pass plugged in). */
  parametersVersion: number;
  support: Record<string, unknown> | null;
}

export async function deleteStoredMonth(client: PoolClient, clusterId: string, month: string): Promise<void> {
  await client.query('DELETE FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
}

export async function insertStoredMonth(client: PoolClient, clusterId: string, month: string, row: ClusterMonthRow): Promise<void> {
  await client.query(
    `INSERT INTO settlement_cluster_months (cluster_id, month, agreement_version, registry_version, dirty_seq, totals, computed_through, computed_at, parameters_version, support)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      clusterId,
      month,
      row.agreementVersion,
      row.registryVersion,
      row.dirtySeq,
      JSON.stringify(row.totals),
      row.computedThrough,
      row.computedAt,
      row.parametersVersion,
      row.support ? JSON.stringify(row.support) : null,
    ],
  );
}
