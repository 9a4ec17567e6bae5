// settlement_member_months: each member's provisional statement of a month, one row a
// member (hundreds of members read their own at once), read and replaced here alone. The
// statement is the JSON text written here (migration 095), parsed when read.
import type { Pool, PoolClient } from 'pg';
import type { MemberStatement } from '../domain/engine/statement.js';

type Db = Pool | PoolClient;

/** Every member's statement of the month, by member id. */
export async function readMemberStatements(db: Db, clusterId: string, month: string): Promise<MemberStatement[]> {
  return (await readComputedStatements(db, clusterId, month)).statements;
}

/** Every member's statement of the month with when they were computed (null: none stored). */
export async function readComputedStatements(db: Db, clusterId: string, month: string): Promise<{ computedAt: string | null; statements: MemberStatement[] }> {
  const { rows } = await db.query<{ statement: string; computed_at: Date }>('SELECT statement, computed_at FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 ORDER BY member_id', [
    clusterId,
    month,
  ]);
  return { computedAt: rows[0]?.computed_at.toISOString() ?? null, statements: rows.map((r) => JSON.parse(r.statement) as MemberStatement) };
}

export async function readMemberStatement(db: Db, clusterId: string, month: string, memberId: string): Promise<MemberStatement | undefined> {
  const { rows } = await db.query<{ statement: string }>('SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 AND member_id = $3', [clusterId, month, memberId]);
  const row = rows[0];
  return row ? (JSON.parse(row.statement) as MemberStatement) : undefined;
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
    // the texts joined by U+001E, which JSON.stringify never writes raw (it escapes every
    // control character): one text to split, where a text[] parameter escapes every quote
    `INSERT INTO settlement_member_months (cluster_id, month, member_id, agreement_version, statement, computed_through, computed_at)
     SELECT $1, $2, m, $3, st, $4, $5 FROM unnest($6::text[], string_to_array($7, chr(30))) AS t(m, st)`,
    [
      clusterId,
      month,
      computed.agreementVersion,
      computed.computedThrough,
      computed.computedAt,
      statements.map((st) => st.memberId),
      statements.map((st) => JSON.stringify(st)).join(RECORD_SEPARATOR),
    ],
  );
}

const RECORD_SEPARATOR = '\u001e';
