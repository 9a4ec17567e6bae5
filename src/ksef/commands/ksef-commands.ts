// The coordinator's KSeF commands: connect (environment, context NIP, token sealed at
// once), rotate the token, disconnect, record a member's SelfInvoicing permission, send a
// refused document again. Each is decided on ksef-{cluster} and appended with its version.
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../shared/domain-error.js';
import { CONFIG } from '../../core.module.js';
import type { AppConfig } from '../../config/config.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { isValidNip, normaliseNip } from '../../clusters/domain/nip.js';
import { CommandBus } from '@nestjs/cqrs';
import { KsefCommandMessage } from './ksef-command.js';
import type { KsefEnvironment } from '../domain/environments.js';
import type { KsefCommand } from '../domain/outbox.js';
import { SecretBox } from './secret-box.js';

@Injectable()
export class KsefCommands {
  readonly secrets: SecretBox;

  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.secrets = new SecretBox(config.ksef.secretKey);
  }

  private execute(clusterId: string, command: KsefCommand) {
    return this.commandBus.execute(new KsefCommandMessage(clusterId, command));
  }

  async connect(clusterId: string, input: { environment: KsefEnvironment; contextNip?: string; token: string }) {
    const cluster = await this.clusters.state(clusterId);
    if (!cluster.profile) throw DomainError.conflict('the cluster has no profile: register its coordinator first');
    const coordinatorNip = cluster.profile.coordinator.nip;
    const contextNip = input.contextNip === undefined ? coordinatorNip : normaliseNip(input.contextNip);
    if (!isValidNip(contextNip)) throw DomainError.validation([{ field: 'contextNip', reason: 'is not a valid NIP (10 digits with its check digit)' }]);
    if (contextNip !== coordinatorNip) throw DomainError.validation([{ field: 'contextNip', reason: `must be the coordinator's NIP (${coordinatorNip}): invoices are sent in its context` }]);
    const token = this.secrets.seal(clusterId, input.token);
    await this.execute(clusterId, { type: 'Connect', environment: input.environment, contextNip, token, now: new Date().toISOString() });
  }

  async rotateToken(clusterId: string, plain: string) {
    await this.clusters.state(clusterId);
    await this.execute(clusterId, { type: 'RotateToken', token: this.secrets.seal(clusterId, plain), now: new Date().toISOString() });
  }

  async disconnect(clusterId: string) {
    await this.clusters.state(clusterId);
    await this.execute(clusterId, { type: 'Disconnect', now: new Date().toISOString() });
  }

  async recordSelfInvoicing(clusterId: string, memberId: string, granted: boolean) {
    const cluster = await this.clusters.state(clusterId);
    await this.execute(clusterId, { type: 'RecordSelfInvoicing', memberId, granted, knownMember: Boolean(cluster.members[memberId]), now: new Date().toISOString() });
  }

  async retry(clusterId: string, invoiceId: string) {
    await this.clusters.state(clusterId);
    await this.execute(clusterId, { type: 'RequestRetry', invoiceId, now: new Date().toISOString() });
  }
}
