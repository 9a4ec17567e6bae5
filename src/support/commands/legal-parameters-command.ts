// The dated legal parameters (fee rates, thresholds, discount brackets, the support period)
// through the CommandBus, on their one service-wide stream.
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PlainStreamCommand, PlainStreamCommandHandler } from '../../command-path/stream-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { LEGAL_PARAMETERS_STREAM, type LegalParametersCommand, legalParametersDecider, type LegalParametersEvent, type LegalParametersState } from '../domain/legal-parameters.js';

export class LegalParametersMessage extends PlainStreamCommand<LegalParametersCommand, LegalParametersEvent> {
  constructor(command: LegalParametersCommand) {
    super(LEGAL_PARAMETERS_STREAM, command);
  }
}

@CommandHandler(LegalParametersMessage)
export class LegalParametersHandler
  extends PlainStreamCommandHandler<LegalParametersMessage, LegalParametersCommand, LegalParametersEvent, LegalParametersState>
  implements ICommandHandler<LegalParametersMessage>
{
  protected readonly decider = legalParametersDecider;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(ProjectionRunner) runner: ProjectionRunner) {
    super(store, runner);
  }
}
