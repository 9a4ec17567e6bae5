// Contract commands through the CommandBus: one trading stream per cluster, the trading
// decider. The controller gathers the registry, the closed months and today's date into the
// command; the rules (who may sell, overlapping windows, dates in closed months) are the decider's.
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PlainStreamCommand, PlainStreamCommandHandler } from '../../command-path/stream-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { type TradingCommand, tradingDecider, type TradingEvent, type TradingState, tradingStreamId } from '../domain/contracts.js';

export class TradingCommandMessage extends PlainStreamCommand<TradingCommand, TradingEvent> {
  constructor(clusterId: string, command: TradingCommand) {
    super(tradingStreamId(clusterId), command);
  }
}

@CommandHandler(TradingCommandMessage)
export class TradingCommandHandler extends PlainStreamCommandHandler<TradingCommandMessage, TradingCommand, TradingEvent, TradingState> implements ICommandHandler<TradingCommandMessage> {
  protected readonly decider = tradingDecider;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(ProjectionRunner) runner: ProjectionRunner) {
    super(store, runner);
  }
}
