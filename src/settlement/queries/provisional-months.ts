// The provisional settlement: computed from the read models when first asked after its
// inputs changed (new readings or contracts mark the month, settlement.projection.ts; a
// registry change moves the registry version; a change of what the plugged-in pass reads
// moves its version), stored, and served.
import type { Pool, PoolClient } from 'pg';
import { DomainError } from '../../shared/domain-error.js';
import type { ProjectionRunner } from '../../projections/projection-runner.js';
import type { ClustersService } from '../../clusters/queries/clusters.service.js';
import { readMeterDays } from '../../metering/queries/meter-days.js';
import { calculateMonth, type ContractsAt, type MonthCalculation } from '../domain/month-calculation.js';
import type { ContractTerms } from '../domain/engine/statement.js';
import { monthDays } from '../domain/months.js';
import type { MonthExtension } from '../month-extension.js';
import { deleteStoredMonth, insertStoredMonth, readFreshStoredMonth, readStoredMonth, type StoredMonth } from './cluster-months.js';
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

  /** The stored month, computed again first when its inputs changed since it was stored (an unknown cluster is 404). */
  async ensureFresh(clusterId: string, month: string): Promise<StoredMonth> {
    const fresh = await this.freshStored(clusterId, month);
    if (fresh) return fresh;
    await this.recompute(clusterId, month);
    const stored = await readStoredMonth(this.pool, clusterId, month);
    if (!stored) throw new Error(`settlement_cluster_months has no row for ${clusterId} ${month} after its recompute`);
    return stored;
  }

  private async freshStored(clusterId: string, month: string): Promise<StoredMonth | undefined> {
    // with a pass plugged in: stale when what it reads changed, or when it never ran on the month
    const extension = this.extension();
    const [registry, extensionVersion] = await Promise.all([this.clusters.versionedState(clusterId, this.pool), extension ? extension.version() : null]);
    if (!registry) return undefined;
    return readFreshStoredMonth(this.pool, clusterId, month, registry.streamVersion, extensionVersion);
  }

  /** The metering projection's checkpoint, through the runner (null without one, or before its first event). */
  private async meteringCheckpoint(): Promise<string | null> {
    if (!this.runner) return null;
    return (await this.runner.status()).find((p) => p.name === METERING_PROJECTION)?.position ?? null;
  }

  /** Computes the month from the read models and replaces its stored settlement, in one transaction. */
  async recompute(clusterId: string, month: string): Promise<MonthCalculation> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await lockMonth(client, clusterId, month);
      const registry = await this.clusters.versionedState(clusterId, client);
      if (!registry) throw DomainError.notFound('The cluster was not found');
      const dirtySeq = await readDirtySeq(client, clusterId, month);
      const through = await this.meteringCheckpoint();
      await deleteMemberStatements(client, clusterId, month);
      await deleteStoredMonth(client, clusterId, month);
      // meter days through the metering reader: one COPY, in pages (bounded memory)
      const prepared = await this.extension()?.prepare({});
      const calculation = await calculateMonth(registry.state, month, readMeterDays(client, clusterId, ...monthDays(month)), await this.contracts(clusterId), undefined, undefined, {
        pass: prepared?.pass,
      });
      const now = new Date();
      await insertStoredMonth(client, clusterId, month, {
        agreementVersion: calculation.agreement.version,
        registryVersion: registry.streamVersion,
        dirtySeq,
        totals: calculation.cluster,
        computedThrough: through,
        computedAt: now,
        parametersVersion: prepared?.version ?? -2,
        support: calculation.extension?.result ?? null,
      });
      await insertMemberStatements(client, clusterId, month, { agreementVersion: calculation.agreement.version, computedThrough: through, computedAt: now }, calculation.statements);
      await client.query('COMMIT');
      return calculation;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** One recompute of a month at a time, across processes, until the transaction ends. */
async function lockMonth(client: PoolClient, clusterId: string, month: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `${clusterId}|${month}`]);
}
