// The registry's reader, which other modules inject: each cluster's state from
// registry_clusters (registry.projection.ts), the closed months, and the agreement versions
// from the cluster stream. Writes go through the CommandBus (commands/cluster-command.ts).
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { deepFreeze } from '../../shared/deep-freeze.js';
import { DomainError } from '../../shared/domain-error.js';
import { PG_POOL } from '../../core.module.js';
import { CLOSED_MONTHS, type ClosedMonthsSource } from '../commands/cluster-command.js';
import { type Actor, EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { type AgreementVersion, type ClusterState, clusterStreamId, ownershipPeriods } from '../domain/registry.js';

/** An agreement version with who added it and when, what it replaced and what replaced it. */
export type AgreementVersionView = AgreementVersion & { addedBy: Actor; addedAt: string; supersedesVersion: number | null; supersededBy: number | null };

/** How many parsed cluster states a process keeps (one is a few MiB for 10,000 PPE). */
const STATES_KEPT = 32;

@Injectable()
export class ClustersService {
  /**
   * Parsed states by cluster, reused while the stream version stands: parsing the state of
   * a 1,000-PPE cluster on every request was most of what a statement GET cost. Frozen, as
   * every request shares it.
   */
  private readonly parsed = new Map<string, { state: ClusterState; streamVersion: number }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOSED_MONTHS) private readonly closed: ClosedMonthsSource,
  ) {}

  /** The cluster's closed months (YYYY-MM), for changes that must not reach into them. */
  closedMonths(clusterId: string): Promise<string[]> {
    return this.closed.closedMonths(clusterId);
  }

  /**
   * Every agreement version as recorded, with who added it and when (from its event's
   * metadata), what it replaced and what replaced it.
   */
  async agreementVersions(clusterId: string): Promise<AgreementVersionView[]> {
    await this.state(clusterId);
    const events = (await this.store.readStream(clusterStreamId(clusterId))).filter((e) => e.type === 'AgreementAmended');
    const versions = events.map((e) => ({ ...(e.data as unknown as AgreementVersion), addedBy: e.metadata.actor, addedAt: e.recordedAt }));
    return versions.map((v) => ({
      ...v,
      supersedesVersion: v.supersedesVersion ?? null,
      supersededBy: versions.find((w) => w.supersedesVersion === v.version)?.version ?? null,
    }));
  }

  /** The cluster's state from the read model; 404 when unknown. */
  async state(clusterId: string): Promise<ClusterState> {
    const state = await this.findState(clusterId);
    if (!state) throw DomainError.notFound('The cluster was not found');
    return state;
  }

  async findState(clusterId: string): Promise<ClusterState | undefined> {
    return (await this.versionedState(clusterId))?.state;
  }

  /**
   * The state with the version of the cluster stream it folds (a stored settlement is stale
   * when the version moved); on the caller's connection when it holds one (a transaction).
   */
  async versionedState(clusterId: string, db: Pool | PoolClient = this.pool): Promise<{ state: ClusterState; streamVersion: number } | undefined> {
    const { rows } = await db.query<{ stream_version: number }>({ name: 'registry-stream-version', text: 'SELECT stream_version FROM registry_clusters WHERE cluster_id = $1', values: [clusterId] });
    const version = rows[0]?.stream_version;
    if (version === undefined) return undefined;
    const known = this.parsed.get(clusterId);
    if (known?.streamVersion === version) return known;
    const { rows: full } = await db.query<{ state: ClusterState; stream_version: number }>('SELECT state, stream_version FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
    const row = full[0];
    if (!row) return undefined;
    const parsed = { state: deepFreeze(row.state), streamVersion: row.stream_version };
    // bounded: the entry stored longest ago leaves first
    this.parsed.delete(clusterId);
    const oldest = this.parsed.keys().next();
    if (this.parsed.size >= STATES_KEPT && !oldest.done) this.parsed.delete(oldest.value);
    this.parsed.set(clusterId, parsed);
    return parsed;
  }

  async list(clusterIds?: string[]): Promise<{ clusterId: string; name: string; state: ClusterState }[]> {
    type Row = { cluster_id: string; name: string; state: ClusterState };
    const { rows } = clusterIds
      ? await this.pool.query<Row>('SELECT cluster_id, name, state FROM registry_clusters WHERE cluster_id = ANY($1) ORDER BY name, cluster_id', [clusterIds])
      : await this.pool.query<Row>('SELECT cluster_id, name, state FROM registry_clusters ORDER BY name, cluster_id');
    return rows.map((r) => ({ clusterId: r.cluster_id, name: r.name, state: r.state }));
  }

  static ownership(state: ClusterState, ppeCode: string) {
    return ownershipPeriods(state, ppeCode).map((p) => ({ memberId: p.memberId, from: p.fromUtc.toISOString(), to: p.toUtc?.toISOString() ?? null }));
  }
}
