// given(events).when(command).then(events) / .thenRejects(code, fields): decider tests
// read as the business states them. Plain node:assert, so this file needs no test runner.
import assert from 'node:assert/strict';
import { decide, DomainError, evolve, foldEvents } from './decider.js';
import type { ClusterCommand, ClusterEvent, ClusterState } from './types.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function given(events: ClusterEvent[] = []) {
  // Frozen, so a decide that writes to its state fails loudly instead of passing by luck.
  const state: ClusterState = deepFreeze(foldEvents(events));
  return {
    state,
    when(command: ClusterCommand) {
      return {
        /** The exact events, or a check of them (for a partial match with jest's expect). */
        then(expected: ClusterEvent[] | ((events: ClusterEvent[]) => void)): void {
          const recorded = decide(command, state);
          if (typeof expected === 'function') expected(recorded);
          else assert.deepStrictEqual(recorded, expected);
          // Events go to the store as JSON: they must come back from it unchanged.
          assert.deepStrictEqual(JSON.parse(JSON.stringify(recorded)), recorded);
        },
        thenRejects(code: DomainError['code'], fields: string[] = []): void {
          let error: unknown;
          try {
            decide(command, state);
          } catch (e) {
            error = e;
          }
          assert.ok(error instanceof DomainError, `expected a DomainError, got ${error === undefined ? 'events' : String(error)}`);
          assert.equal(error.code, code, `${error.code}: ${error.message} ${JSON.stringify(error.errors)}`);
          const named = [...new Set(error.errors.map((e) => e.field))].sort();
          assert.deepStrictEqual(named, [...new Set(fields)].sort(), JSON.stringify(error.errors));
        },
      };
    },
  };
}

/** Runs commands one after another, each decided on the state the ones before produced. */
export function play(commands: ClusterCommand[], from: ClusterEvent[] = []): { events: ClusterEvent[]; state: ClusterState } {
  const events = [...from];
  let state = foldEvents(events);
  for (const command of commands) {
    const recorded = decide(command, state);
    for (const event of recorded) state = evolve(state, event);
    events.push(...recorded);
  }
  return { events, state };
}
