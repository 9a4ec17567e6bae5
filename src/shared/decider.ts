// A decider (emmett's shape): the state folded from a stream's events, and the events a
// command produces from that state. Pure: no clock, no I/O; what a command needs beyond the
// stream travels in the command.
export interface DomainEvent {
  type: string;
  data: object;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  /** A fresh state to fold from (evolve may update the state it is given). */
  initialState: () => State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}
