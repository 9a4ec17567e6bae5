// Every member's statement of a stored month, parsed once for each time the month was
// computed: the cluster month GET answers all of them, hundreds of times an hour on the
// first day of a month, and parsing them from settlement_member_months each time was most
// of its cost. A few months are kept; each entry is checked against the stored month's
// computedAt, so a recompute (in this process or another) is never served stale.
import type { Pool } from 'pg';
import { deepFreeze } from '../../shared/deep-freeze.js';
import type { MemberStatement } from '../domain/engine/statement.js';
import type { StoredMonth } from './cluster-months.js';
import { readComputedStatements, readMemberStatement } from './member-months.js';

/** How many months' statements a process keeps (a 10,000-PPE month's are about 15 MiB parsed). */
const MONTHS_KEPT = 8;

interface Kept {
  computedAt: string;
  statements: readonly MemberStatement[];
  byMember: ReadonlyMap<string, MemberStatement>;
}

export class StoredStatements {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly pool: Pool) {}

  /** Every member's statement of the stored month, by member id (frozen: every reader shares them). */
  async all(clusterId: string, month: string, stored: StoredMonth): Promise<readonly MemberStatement[]> {
    const key = `${clusterId}|${month}`;
    const known = this.kept.get(key);
    if (known?.computedAt === stored.computedAt) return known.statements;
    const read = await readComputedStatements(this.pool, clusterId, month);
    const statements = deepFreeze(read.statements);
    // kept under the time the rows were computed at: rows newer than `stored` are not served for it
    if (read.computedAt !== null) this.keep(key, { computedAt: read.computedAt, statements, byMember: new Map(statements.map((s) => [s.memberId, s])) });
    return statements;
  }

  /** One member's statement of the stored month: from what is kept, or its own row. */
  async one(clusterId: string, month: string, stored: StoredMonth, memberId: string): Promise<MemberStatement | undefined> {
    const known = this.kept.get(`${clusterId}|${month}`);
    if (known?.computedAt === stored.computedAt) return known.byMember.get(memberId);
    return readMemberStatement(this.pool, clusterId, month, memberId);
  }

  private keep(key: string, entry: Kept): void {
    this.kept.delete(key);
    const oldest = this.kept.keys().next();
    if (this.kept.size >= MONTHS_KEPT && !oldest.done) this.kept.delete(oldest.value);
    this.kept.set(key, entry);
  }
}
