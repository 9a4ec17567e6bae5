// What issuing a month's documents starts from: the closed month (settlement's), the registry
// and the agreement version the close used (clusters'), read through those modules' services.
import { Inject, Injectable } from '@nestjs/common';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { agreementForMonth, type AgreementVersion, type ClusterState } from '../../clusters/domain/registry.js';
import { SettlementService } from '../../settlement/queries/settlement.service.js';
import { DomainError } from '../../shared/domain-error.js';

export interface MonthInputs {
  closed: NonNullable<Awaited<ReturnType<SettlementService['closedMonth']>>>;
  state: ClusterState;
  agreement: AgreementVersion;
}

@Injectable()
export class MonthInputsReader {
  constructor(
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
  ) {}

  /** The closed month, the registry, and the agreement version named in the close (409 while the month is open). */
  async closedMonth(clusterId: string, month: string): Promise<MonthInputs> {
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (!closed) throw DomainError.conflict(`${month} is not closed: documents come only from a closed month`);
    const state = await this.clusters.state(clusterId);
    const agreement = agreementForMonth(state, month);
    if (!agreement || agreement.version !== closed.agreementVersion) {
      // the closed statements name their version; the registry holds every version
      const version = state.agreements.find((a) => a.version === closed.agreementVersion);
      if (!version) throw DomainError.conflict(`agreement version ${String(closed.agreementVersion)} of the close is not in the registry`);
      return { closed, state, agreement: version };
    }
    return { closed, state, agreement };
  }

  /** The member statements as the data stands now (provisional). */
  currentStatements(clusterId: string, month: string) {
    return this.settlement.provisionalStatements(clusterId, month);
  }

  /** The member statements of the closed month, or null while it is open. */
  async closedStatements(clusterId: string, month: string) {
    return (await this.settlement.closedMonth(clusterId, month))?.statements ?? null;
  }

  registry(clusterId: string): Promise<ClusterState> {
    return this.clusters.state(clusterId);
  }
}
