// The one command path (issue 18). A controller or a worker sends a StreamCommand through
// the CommandBus; its module's handler extends StreamCommandHandler, which has one shape:
// load the stream, fold it, decide, append with the expected version, decide again on a
// version conflict (the bounded policy of retry-policy.ts, then 409), and wait for the
// read models so that the caller reads its own write. Business rules live in the decider;
// a handler only gathers what the decider needs beyond the stream (closed months, ids,
// the clock) into the command it decides.
import { Command } from '@nestjs/cqrs';
import { decideAndAppend, type DecisionResult } from '../event-store/command-handling.js';
import type { EventStore, NewEvent } from '../event-store/event-store.port.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import type { Decider, DomainEvent } from '../shared/decider.js';

export type StreamCommandOutcome<Event> = DecisionResult<Event>;

/** A command for one stream's decider; its handler is the module's StreamCommandHandler. */
export abstract class StreamCommand<Event extends DomainEvent> extends Command<StreamCommandOutcome<Event>> {}

/** The handler of a module's StreamCommand (a concrete subclass adds @CommandHandler and implements ICommandHandler). */
export abstract class StreamCommandHandler<Message extends StreamCommand<Event>, DeciderCommand, Event extends DomainEvent, State> {
  protected abstract readonly decider: Decider<DeciderCommand, Event, State>;

  constructor(
    protected readonly store: EventStore,
    protected readonly runner: ProjectionRunner,
  ) {}

  /** The stream the command is decided on. */
  protected abstract streamId(message: Message): string;

  /** The command as the decider sees it, with the facts from outside the stream it needs. */
  protected abstract deciderCommand(message: Message): DeciderCommand | Promise<DeciderCommand>;

  /** How an event is recorded (type and data by default). */
  protected toNewEvent(event: Event): NewEvent {
    return { type: event.type, data: event.data as Record<string, unknown> };
  }

  /** Checks what the decider decided before it is recorded (throws to record nothing): an FA(3) XSD check, say. */
  protected beforeAppend?(events: Event[]): void;

  /** How long a command waits for the read models before it answers (202 lagging past it). */
  protected readonly readModelWaitMs: number = 10_000;

  async execute(message: Message): Promise<StreamCommandOutcome<Event>> {
    const command = await this.deciderCommand(message);
    const result = await decideAndAppend(
      this.store,
      this.streamId(message),
      this.decider,
      command,
      (event) => this.toNewEvent(event),
      (events) => {
        this.beforeAppend?.(events);
      },
    );
    if (result.lastGlobalPosition) await this.runner.waitFor(result.lastGlobalPosition, this.readModelWaitMs);
    return result;
  }
}

/** The common case: the message names its stream and carries the decider's command as it is. */
export abstract class PlainStreamCommand<DeciderCommand, Event extends DomainEvent> extends StreamCommand<Event> {
  constructor(
    readonly streamId: string,
    readonly command: DeciderCommand,
  ) {
    super();
  }
}

export abstract class PlainStreamCommandHandler<Message extends PlainStreamCommand<DeciderCommand, Event>, DeciderCommand, Event extends DomainEvent, State> extends StreamCommandHandler<
  Message,
  DeciderCommand,
  Event,
  State
> {
  protected streamId(message: Message): string {
    return message.streamId;
  }

  protected deciderCommand(message: Message): DeciderCommand {
    return message.command;
  }
}
