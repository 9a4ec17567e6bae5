// Registry commands through the CommandBus: one cluster stream, the registry decider.
// What the decider needs beyond the stream is gathered here: the closed months, so that a
// change dated inside one is refused (409) by the decider, not by a service.
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StreamCommand, StreamCommandHandler } from '../../command-path/stream-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { type ClusterCommand, type ClusterEvent, type ClusterState, clusterDecider, clusterStreamId } from '../domain/registry.js';

export interface ClosedMonthsSource {
  closedMonths(clusterId: string): Promise<string[]>;
}

export const CLOSED_MONTHS = Symbol('CLOSED_MONTHS');

export class ClusterCommandMessage extends StreamCommand<ClusterEvent> {
  constructor(
    readonly clusterId: string,
    readonly command: ClusterCommand,
  ) {
    super();
  }
}

@CommandHandler(ClusterCommandMessage)
export class ClusterCommandHandler extends StreamCommandHandler<ClusterCommandMessage, ClusterCommand, ClusterEvent, ClusterState> implements ICommandHandler<ClusterCommandMessage> {
  protected readonly decider = clusterDecider;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(ProjectionRunner) runner: ProjectionRunner,
    @Inject(CLOSED_MONTHS) private readonly closed: ClosedMonthsSource,
  ) {
    super(store, runner);
  }

  protected streamId(message: ClusterCommandMessage): string {
    return clusterStreamId(message.clusterId);
  }

  /** Every change that takes effect from a date is checked against the closed months. */
  protected async deciderCommand({ clusterId, command }: ClusterCommandMessage): Promise<ClusterCommand> {
    if (command.type === 'RegisterCluster' || command.type === 'ChangeCoordinator') return command;
    return { ...command, closedMonths: await this.closed.closedMonths(clusterId) };
  }
}
