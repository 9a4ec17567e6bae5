// The registry as metering's checks need it (which PPE exist, who held them when, the
// agreement's interval per month), kept while the cluster's stream version stands: a large
// import sends many batches, and the cluster's whole state is large to read.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { agreementForMonth, type ClusterState, ownershipPeriods } from '../../clusters/domain/registry.js';
import { DomainError } from '../../shared/domain-error.js';
import type { MeteringRegistryView } from '../domain/readings-batch.js';

export function registryView(state: ClusterState): MeteringRegistryView {
  const points = new Map<string, ReturnType<MeteringRegistryView['point']>>();
  return {
    point: (ppeCode) => {
      if (!points.has(ppeCode)) {
        const point = state.points[ppeCode];
        points.set(ppeCode, point && { carrier: point.carrier, held: ownershipPeriods(state, ppeCode).map((p) => ({ fromMs: p.fromUtc.getTime(), toMs: p.toUtc?.getTime() ?? null })) });
      }
      return points.get(ppeCode);
    },
    intervalMinutesFor: (month) => agreementForMonth(state, month)?.intervalMinutes,
  };
}

@Injectable()
export class MeteringRegistry {
  private readonly views = new Map<string, { version: number; view: MeteringRegistryView }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  /** The cluster's registry view; 404 when the cluster is unknown. */
  async of(clusterId: string): Promise<MeteringRegistryView> {
    // the registry's stream version (the clusters module has no reader of it yet)
    const { rows } = await this.pool.query<{ stream_version: number }>('SELECT stream_version FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
    const [row] = rows;
    if (!row) throw DomainError.notFound('The cluster was not found');
    const cached = this.views.get(clusterId);
    if (cached?.version === row.stream_version) return cached.view;
    const view = registryView(await this.clusters.state(clusterId));
    if (this.views.size >= 100) this.views.clear();
    this.views.set(clusterId, { version: row.stream_version, view });
    return view;
  }
}
