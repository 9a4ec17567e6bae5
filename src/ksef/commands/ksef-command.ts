// The coordinator's KSeF commands through the CommandBus, on ksef-{cluster}.
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PlainStreamCommand, PlainStreamCommandHandler } from '../../command-path/stream-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { type KsefCommand, ksefDecider, type KsefEvent, type KsefState, ksefStreamId } from '../domain/outbox.js';

export class KsefCommandMessage extends PlainStreamCommand<KsefCommand, KsefEvent> {
  constructor(clusterId: string, command: KsefCommand) {
    super(ksefStreamId(clusterId), command);
  }
}

@CommandHandler(KsefCommandMessage)
export class KsefCommandHandler extends PlainStreamCommandHandler<KsefCommandMessage, KsefCommand, KsefEvent, KsefState> implements ICommandHandler<KsefCommandMessage> {
  protected readonly decider = ksefDecider;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(ProjectionRunner) runner: ProjectionRunner) {
    super(store, runner);
  }
}
