// Registry commands: load the cluster stream, decide, append with the expected version,
// wait for the read model. Reads come from registry_clusters.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DomainError } from '../../shared/domain-error.js';
import { PG_POOL } from '../../core.module.js';
import { CommandBus } from '@nestjs/cqrs';
import { CLOSED_MONTHS, ClusterCommandMessage, type ClosedMonthsSource } from '../commands/cluster-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import {
  type AgreementVersion, type ClusterCommand, type ClusterEvent, type ClusterState, clusterStreamId, ownershipPeriods,
} from '../domain/registry.js';

@Injectable()
export class ClustersService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(CLOSED_MONTHS) private readonly closed: ClosedMonthsSource,
  ) {}

  newId(): string {
    return randomUUID();
  }

  /** Through the CommandBus (commands/cluster-command.ts); a change dated in a closed month is 409. */
  async execute(clusterId: string, command: ClusterCommand): Promise<{ events: ClusterEvent[]; streamVersion: number }> {
    const result = await this.commandBus.execute(new ClusterCommandMessage(clusterId, command));
    return { events: result.events, streamVersion: result.streamVersion };
  }

  async amendAgreement(clusterId: string, terms: Extract<ClusterCommand, { type: 'AmendAgreement' }>['terms'], supersedesVersion?: number) {
    return this.execute(clusterId, { type: 'AmendAgreement', terms, supersedesVersion, closedMonths: [] });
  }

  /** The cluster's closed months (YYYY-MM), for changes that must not reach into them. */
  closedMonths(clusterId: string): Promise<string[]> {
    return this.closed.closedMonths(clusterId);
  }

  /**
   * Every agreement version as recorded, with who added it and when (from its event's
   * metadata), what it replaced and what replaced it.
   */
  async agreementVersions(clusterId: string) {
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
    const { rows } = await this.pool.query<{ state: ClusterState }>('SELECT state FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
    return rows[0]?.state;
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
