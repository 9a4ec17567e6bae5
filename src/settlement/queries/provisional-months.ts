// The provisional settlement: computed from the read models when first asked after its
// inputs changed (new readings or contracts mark the month, settlement.projection.ts; a
// registry change moves the registry version; a change of what the plugged-in pass reads
// moves its version), stored, and served.
import type { Pool, PoolClient } from 'pg';
import { DomainError } from '../../shared/domain-error.js';
import type { ProjectionRunner } from '../../projections/projection-runner.js';
import type { ClustersService } from '../../clusters/queries/clusters.service.js';
import { readMeterDays } from '../../metering/queries/meter-days.js';
import { activeMembers, calculateDays, calculateMonth, type ContractsAt, type DayPart, type MonthCalculation, settleDays } from '../domain/month-calculation.js';
import { dayRange } from '../domain/day-range.js';
import type { ContractTerms, MemberStatement } from '../domain/engine/statement.js';
import { monthDays } from '../domain/months.js';
import type { MonthExtension } from '../month-extension.js';
import { type ClusterMonthRow, deleteStoredMonth, insertStoredMonth, readFreshStoredMonth, readStoredInputs, readStoredMonth, type StoredMonth } from './cluster-months.js';
import { daysMarkedSince, readDayParts, writeDayParts } from './day-parts.js';
import { readDirtySeq } from './dirty-months.js';
import { deleteMemberStatements, insertMemberStatements } from './member-months.js';

const LOCK_SPACE = 7_274_003;

/** The projection whose checkpoint a stored month was computed through (the meter days it read). */
const METERING_PROJECTION = 'metering';

export class ProvisionalMonths {
  constructor(
    private readonly pool: Pool,
    private readonly clusters: Pick<ClustersService, 'versionedState'>,
    private readonly extension: () => MonthExtension | null,
    private readonly contracts: (clusterId: string) => Promise<{ terms: ContractTerms[]; at: ContractsAt }>,
    private readonly runner?: ProjectionRunner,
  ) {}

  /**
   * The stored month, computed again first when its inputs changed since it was stored (an
   * unknown cluster is 404). With a pass plugged in, its version as now read: the month is
   * stale when what the pass reads changed, or when the pass never ran on it.
   */
  async ensureFresh(clusterId: string, month: string, extensionVersion: number | null): Promise<StoredMonth> {
    if ((extensionVersion === null) !== (this.extension() === null)) throw new Error('ensureFresh needs the plugged-in pass version, and only with a pass');
    return (await this.fresh(clusterId, month, extensionVersion)).stored;
  }

  /**
   * The stored month with its statements fresh, the plugged-in pass's result maybe not (what
   * a pending correction needs): after a late file, only the days it changed are computed.
   * With the statements when they were computed here (what was just stored, not read back).
   */
  ensureStatementsFresh(clusterId: string, month: string): Promise<{ stored: StoredMonth; statements: MemberStatement[] | null }> {
    return this.fresh(clusterId, month, null);
  }

  /** extensionVersion null: the pass's result is not asked for, so the days alone may be computed again. */
  private async fresh(clusterId: string, month: string, extensionVersion: number | null): Promise<{ stored: StoredMonth; statements: MemberStatement[] | null }> {
    // the registry version is compared inside that query; an unknown cluster is 404 in the recompute
    const fresh = await readFreshStoredMonth(this.pool, clusterId, month, extensionVersion);
    if (fresh) return { stored: fresh, statements: null };
    const statements = (extensionVersion === null ? await this.recomputeDays(clusterId, month) : null) ?? (await this.recompute(clusterId, month)).statements;
    const stored = await readStoredMonth(this.pool, clusterId, month);
    if (!stored) throw new Error(`settlement_cluster_months has no row for ${clusterId} ${month} after its recompute`);
    return { stored, statements };
  }

  /** The metering projection's checkpoint, through the runner (null without one, or before its first event). */
  private async meteringCheckpoint(): Promise<string | null> {
    if (!this.runner) return null;
    return (await this.runner.status()).find((p) => p.name === METERING_PROJECTION)?.position ?? null;
  }

  /** Computes the month from the read models and replaces its stored settlement, in one transaction. */
  recompute(clusterId: string, month: string): Promise<MonthCalculation> {
    return this.underMonthLock(clusterId, month, async (client) => {
      const registry = await this.clusters.versionedState(clusterId, client);
      if (!registry) throw DomainError.notFound('The cluster was not found');
      const dirtySeq = await readDirtySeq(client, clusterId, month);
      const through = await this.meteringCheckpoint();
      // meter days through the metering reader: one COPY, in pages (bounded memory)
      const prepared = await this.extension()?.prepare({});
      const calculation = await calculateMonth(registry.state, month, readMeterDays(client, clusterId, ...monthDays(month)), await this.contracts(clusterId), undefined, undefined, {
        pass: prepared?.pass,
      });
      await storeMonth(
        client,
        clusterId,
        month,
        {
          agreementVersion: calculation.agreement.version,
          registryVersion: registry.streamVersion,
          dirtySeq,
          totals: calculation.cluster,
          computedThrough: through,
          computedAt: new Date(),
          parametersVersion: prepared?.version ?? -2,
          support: calculation.extension?.result ?? null,
        },
        calculation.statements,
        { days: calculation.days, all: true },
      );
      return { commit: true, value: calculation };
    });
  }

  /**
   * The month again from its stored days with the days marked since it was stored computed
   * alone (one day of 10,000 PPE reads 1/31 of the month): the cost grows with the late
   * days, not with the month. False, with nothing changed, when that cannot be done: the
   * registry moved, a mark reaches the whole month (a contract), or the days are not all
   * stored. The pass's result is left stale (it is computed whole when next asked for).
   * The statements stored, or null when nothing was done.
   */
  recomputeDays(clusterId: string, month: string): Promise<MemberStatement[] | null> {
    return this.underMonthLock(clusterId, month, async (client) => {
      const registry = await this.clusters.versionedState(clusterId, client);
      const stored = await readStoredInputs(client, clusterId, month);
      const late = stored && registry && stored.registryVersion === registry.streamVersion ? await daysMarkedSince(client, clusterId, month, stored.dirtySeq) : null;
      if (!registry || !late) return { commit: false, value: null };
      const dirtySeq = await readDirtySeq(client, clusterId, month);
      const through = await this.meteringCheckpoint();
      // the stored days read beside the late ones' computation, on a connection of their own:
      // the lock held here keeps any other recompute of the month from committing meanwhile
      const members = [...activeMembers(registry.state, month)].sort();
      const [storedDays, contracts] = await Promise.all([readDayParts(this.pool, clusterId, month, members), this.contracts(clusterId)]);
      const days = new Map(storedDays.map((d) => [d.day, d]));
      const computed: DayPart[] = [];
      for (const day of late) {
        // the day's part alone: its statements would be thrown away (settleDays prices the month)
        const calculation = await calculateDays(registry.state, month, readMeterDays(client, clusterId, day, day), contracts, undefined, dayRange(month, day));
        const [part] = calculation.days;
        if (calculation.days.length !== 1 || part?.day !== day) throw new Error(`the calculation of ${day} gave ${String(calculation.days.length)} days`);
        days.set(day, part);
        computed.push(part);
      }
      const settled = settleDays(
        registry.state,
        month,
        [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
        contracts.terms,
      );
      if (!settled) return { commit: false, value: null };
      await storeMonth(
        client,
        clusterId,
        month,
        {
          agreementVersion: settled.agreement.version,
          registryVersion: registry.streamVersion,
          dirtySeq,
          totals: settled.cluster,
          computedThrough: through,
          computedAt: new Date(),
          parametersVersion: -2,
          support: null,
        },
        settled.statements,
        { days: computed, all: false },
      );
      return { commit: true, value: settled.statements };
    });
  }

  /** The work in one transaction holding the month's lock: committed when it says so, rolled back otherwise or on an error. */
  private async underMonthLock<T>(clusterId: string, month: string, work: (client: PoolClient) => Promise<{ commit: boolean; value: T }>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await lockMonth(client, clusterId, month);
      const { commit, value } = await work(client);
      await client.query(commit ? 'COMMIT' : 'ROLLBACK');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Replaces the stored month, its statements and its days (all of them, or the ones given). */
async function storeMonth(client: PoolClient, clusterId: string, month: string, row: ClusterMonthRow, statements: MemberStatement[], days: { days: DayPart[]; all: boolean }): Promise<void> {
  await deleteMemberStatements(client, clusterId, month);
  await deleteStoredMonth(client, clusterId, month);
  await insertStoredMonth(client, clusterId, month, row);
  await insertMemberStatements(client, clusterId, month, { agreementVersion: row.agreementVersion, computedThrough: row.computedThrough, computedAt: row.computedAt }, statements);
  await writeDayParts(client, clusterId, month, days.days, days.all);
}

/** One recompute of a month at a time, across processes, until the transaction ends. */
async function lockMonth(client: PoolClient, clusterId: string, month: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `${clusterId}|${month}`]);
}
