// Load a stream, fold it, decide, append with the expected version.
// A version conflict is retried on fresh state (src/event-store/retry-policy.ts), then surfaces as 409.
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from './event-store.port.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { withConflictRetry } from './retry-policy.js';

export interface LoadedStream<State> {
  state: State;
  version: number | 'no_stream';
  events: RecordedEvent[];
}

export async function loadStream<Command, Event extends DomainEvent, State>(store: EventStore, streamId: string, decider: Decider<Command, Event, State>): Promise<LoadedStream<State>> {
  const events = await store.readStream(streamId);
  const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), decider.initialState());
  return { state, version: events.at(-1)?.streamPosition ?? 'no_stream', events };
}

export interface DecisionResult<Event> extends AppendResult {
  events: Event[];
}

export async function decideAndAppend<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  toNewEvent: (event: Event) => NewEvent = (event) => ({ type: event.type, data: event.data as Record<string, unknown> }),
  /** Checks what was decided before it is recorded (it throws to record nothing). */
  beforeAppend: (events: Event[]) => void = () => undefined,
): Promise<DecisionResult<Event>> {
  // a retry decides again on the stream as it now is; it never re-sends the first decision
  return withConflictRetry(async () => {
    const { state, version } = await loadStream(store, streamId, decider);
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return { events, streamVersion: version === 'no_stream' ? -1 : version, lastGlobalPosition: '', appended: false };
    }
    beforeAppend(events);
    const result = await store.append(streamId, events.map(toNewEvent), version);
    return { ...result, events };
  });
}
