// given/when/then over a decider, for specs: the events already in the stream, a command,
// and the events it must produce, the DomainError it must raise, or nothing. The shape of
// emmett's DeciderSpecification (event-driven-io/emmett), written for this project's
// Decider and DomainError. Pure and framework-free: a mismatch throws an AssertionError
// (node:assert), which jest and node:test both report with a diff.
// `when(...)` has a `then` method, so never return or await it: JavaScript would take it
// for a promise. Call one of then / thenThrows / thenNothing in a test body with braces.
import { AssertionError, deepStrictEqual } from 'node:assert';
import type { Decider, DomainEvent } from './decider.js';
import { type DomainErrorCode, isDomainError } from './domain-error.js';

export interface DeciderThen<Event> {
  /** The command yields exactly these events, or events an assertion accepts (it throws to fail). */
  then(expected: Event[] | ((events: Event[]) => void)): void;
  /**
   * The command is refused: with a DomainError of this code (and, when `matching` is given,
   * a message or a failing field "field: reason" that contains or matches it), or with an
   * error the predicate accepts.
   */
  thenThrows(expected: DomainErrorCode | ((error: unknown) => boolean), matching?: string | RegExp): void;
  /** The command is accepted and changes nothing: no events (a repeat, an idempotent no-op). */
  thenNothing(): void;
}

export interface DeciderWhen<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

export interface DeciderSpec<Command, Event> {
  given(events: Event[]): DeciderWhen<Command, Event>;
}

type Outcome<Event> = { events: Event[] } | { error: unknown };

/** A DomainError's message and each failing field, as the lines `matching` is tried against. */
function describeError(error: unknown): string[] {
  if (isDomainError(error)) return [error.message, ...error.errors.map((e) => `${e.field}: ${e.reason}`)];
  return [error instanceof Error ? error.message : String(error)];
}

function show(outcome: Outcome<unknown>): string {
  if ('events' in outcome) return `events ${JSON.stringify(outcome.events)}`;
  const e = outcome.error;
  return isDomainError(e) ? `DomainError ${e.code}: ${describeError(e).join(' | ')}` : `error ${describeError(e).join(' | ')}`;
}

function fail(message: string, actual?: unknown, expected?: unknown): never {
  throw new AssertionError({ message, actual, expected });
}

export const DeciderSpecification = {
  for<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>): DeciderSpec<Command, Event> {
    return {
      given(events) {
        return {
          when(command) {
            // run lazily, on a fresh fold each time: evolve may update the state in place
            const run = (): Outcome<Event> => {
              const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
              try {
                return { events: decider.decide(command, state) };
              } catch (error) {
                return { error };
              }
            };
            return {
              then(expected) {
                const outcome = run();
                if (!('events' in outcome)) fail(`expected the command to be accepted, got ${show(outcome)}`);
                if (typeof expected === 'function') expected(outcome.events);
                else deepStrictEqual(outcome.events, expected);
              },
              thenThrows(expected, matching) {
                const outcome = run();
                if (!('error' in outcome)) fail(`expected the command to be refused, got ${show(outcome)}`);
                const { error } = outcome;
                if (typeof expected === 'function') {
                  if (!expected(error)) fail(`the error did not satisfy the predicate: ${show(outcome)}`);
                } else if (!isDomainError(error) || error.code !== expected) {
                  fail(`expected a DomainError ${expected}, got ${show(outcome)}`, isDomainError(error) ? error.code : error, expected);
                }
                if (matching !== undefined) {
                  const lines = describeError(error);
                  const hit = lines.some((line) => (typeof matching === 'string' ? line.includes(matching) : matching.test(line)));
                  if (!hit) fail(`expected the error to mention ${String(matching)}, got ${show(outcome)}`, lines, matching);
                }
              },
              thenNothing() {
                const outcome = run();
                if (!('events' in outcome)) fail(`expected no events, got ${show(outcome)}`);
                if (outcome.events.length > 0) fail(`expected no events, got ${show(outcome)}`, outcome.events, []);
              },
            };
          },
        };
      },
    };
  },
};
