// settlement_member_months: each member's provisional statement of a month, one row a
// member (hundreds of members read their own at once), read and replaced here alone.
import type { Pool, PoolClient } from 'pg';
import type { MemberStatement } from '../domain/engine/statement.js';

type Db = Pool | PoolClient;

/** Every member's statement of the month, by member id. */
export async function readMemberStatements(db: Db, clusterId: string, month: string): Promise<MemberStatement[]> {
  return (await readComputedStatements(db, clusterId, month)).statements;
}

/** Every member's statement of the month with when they were computed (null: none stored). */
export async function readComputedStatements(db: Db, clusterId: string, month: string): Promise<{ computedAt: string | null; statements: MemberStatement[] }> {
  const { rows } = await db.query<{ statement: MemberStatement; computed_at: Date }>(
    'SELECT statement, computed_at FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 ORDER BY member_id',
    [clusterId, month],
  );
  return { computedAt: rows[0]?.computed_at.toISOString() ?? null, statements: rows.map((r) => r.statement) };
}

export async function readMemberStatement(db: Db, clusterId: string, month: string, memberId: string): Promise<MemberStatement | undefined> {
  const { rows } = await db.query<{ statement: MemberStatement }>('SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 AND member_id = $3', [
    clusterId,
    month,
    memberId,
  ]);
  return rows[0]?.statement;
}

export async function deleteMemberStatements(client: PoolClient, clusterId: string, month: string): Promise<void> {
  await client.query('DELETE FROM settlement_member_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
}

export async function insertMemberStatements(
  client: PoolClient,
  clusterId: string,
  month: string,
  computed: { agreementVersion: number; computedThrough: string | null; computedAt: Date },
  statements: MemberStatement[],
): Promise<void> {
  await client.query(
    // one JSON array, not an array of JSON texts: a text[] parameter escapes every quote of every statement
    `INSERT INTO settlement_member_months (cluster_id, month, member_id, agreement_version, statement, computed_through, computed_at)
     SELECT $1, $2, st->>'memberId', $3, st, $4, $5 FROM jsonb_array_elements($6::jsonb) AS t(st)`,
    [clusterId, month, computed.agreementVersion, computed.computedThrough, computed.computedAt, JSON.stringify(statements)],
  );
}
