// settlement_day_parts: what each day of a stored month gave before pricing, written with
// the month (provisional-months.ts), so that a late day is computed alone and summed with
// the others; and settlement_dirty_days, the days readings arrived for (settlement.projection.ts).
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DayPart, SettlementPart } from '../domain/month-calculation.js';

type Db = Pool | PoolClient;

/**
 * Every stored day of the month, in day order, for the month's members (in their order): a
 * day stored for other members comes with none (settleDays then refuses the days).
 */
export async function readDayParts(db: Db, clusterId: string, month: string, memberIds: string[]): Promise<DayPart[]> {
  const { rows } = await db.query<{ day: string; members_digest: string; part: SettlementPart }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, members_digest, part FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2 ORDER BY day`,
    [clusterId, month],
  );
  const digest = membersDigest(memberIds);
  return rows.map((r) => ({ day: r.day, memberIds: r.members_digest === digest ? memberIds : [], part: r.part }));
}

/** Replaces the given days of the month (all of them: the days of a whole recompute). */
export async function writeDayParts(client: PoolClient, clusterId: string, month: string, days: DayPart[], replaceAll: boolean): Promise<void> {
  if (replaceAll) await client.query('DELETE FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
  else await client.query('DELETE FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2 AND day = ANY($3::date[])', [clusterId, month, days.map((d) => d.day)]);
  if (days.length === 0) return;
  await client.query(
    `INSERT INTO settlement_day_parts (cluster_id, month, day, members_digest, part)
     SELECT $1, $2, d::date, m, p::json FROM unnest($3::text[], $4::text[], $5::text[]) AS t(d, m, p)`,
    [clusterId, month, days.map((d) => d.day), days.map((d) => membersDigest(d.memberIds)), days.map((d) => JSON.stringify(d.part))],
  );
}

/** The members a part's arrays follow, as a digest (the list itself is the month's, thousands of ids). */
function membersDigest(memberIds: string[]): string {
  return createHash('sha256').update(memberIds.join('\n')).digest('hex');
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
