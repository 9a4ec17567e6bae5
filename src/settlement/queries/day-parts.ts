// settlement_day_parts: what each day of a stored month gave before pricing, written with
// the month (provisional-months.ts), so that a late day is computed alone and summed with
// the others; and settlement_dirty_days, the days readings arrived for (settlement.projection.ts).
import type { Pool, PoolClient } from 'pg';
import type { DayPart, SettlementPart } from '../domain/month-calculation.js';

type Db = Pool | PoolClient;

/** Every stored day of the month, in day order. */
export async function readDayParts(db: Db, clusterId: string, month: string): Promise<DayPart[]> {
  const { rows } = await db.query<{ day: string; member_ids: string[]; part: SettlementPart }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, member_ids, part FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2 ORDER BY day`,
    [clusterId, month],
  );
  return rows.map((r) => ({ day: r.day, memberIds: r.member_ids, part: r.part }));
}

/** Replaces the given days of the month (all of them: the days of a whole recompute). */
export async function writeDayParts(client: PoolClient, clusterId: string, month: string, days: DayPart[], replaceAll: boolean): Promise<void> {
  if (replaceAll) await client.query('DELETE FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
  else await client.query('DELETE FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2 AND day = ANY($3::date[])', [clusterId, month, days.map((d) => d.day)]);
  if (days.length === 0) return;
  await client.query(
    `INSERT INTO settlement_day_parts (cluster_id, month, day, member_ids, part)
     SELECT $1, $2, d::date, ids::json, p::json FROM unnest($3::text[], $4::text[], $5::text[]) AS t(d, ids, p)`,
    [clusterId, month, days.map((d) => d.day), days.map((d) => JSON.stringify(d.memberIds)), days.map((d) => JSON.stringify(d.part))],
  );
}

/**
 * The days marked since the stored month's dirty seq, or null when a mark since then reaches
 * the whole month (a contract): then only a whole recompute will do.
 */
export async function daysMarkedSince(db: Db, clusterId: string, month: string, storedDirtySeq: string): Promise<string[] | null> {
  const { rows: marks } = await db.query<{ whole: boolean }>('SELECT whole_seq > $3::bigint AS whole FROM settlement_dirty_months WHERE cluster_id = $1 AND month = $2', [
    clusterId,
    month,
    storedDirtySeq,
  ]);
  if (marks[0]?.whole === true) return null;
  const { rows } = await db.query<{ day: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM settlement_dirty_days WHERE cluster_id = $1 AND month = $2 AND seq > $3::bigint ORDER BY day`, [
    clusterId,
    month,
    storedDirtySeq,
  ]);
  return rows.map((r) => r.day);
}
