import { AssertionError } from 'node:assert';
import { DeciderSpecification } from './decider-specification.js';
import { DomainError } from './domain-error.js';

// A tiny decider: a tally that adds whole numbers, refuses a negative one and ignores 0.
type Added = { type: 'Added'; data: { amount: number } };
type Add = { type: 'Add'; amount: number };
let folds = 0;
const tally = {
  initialState: () => {
    folds++;
    return { total: 0 };
  },
  // updates in place, as the registry decider does: the helper must fold afresh each time
  evolve(state: { total: number }, event: Added) {
    state.total += event.data.amount;
    return state;
  },
  decide(command: Add, state: { total: number }): Added[] {
    if (command.amount < 0) throw DomainError.validation([{ field: 'amount', reason: 'must be 0 or more' }]);
    if (state.total + command.amount > 100) throw DomainError.conflict(`the tally is at ${String(state.total)}; at most 100`);
    return command.amount === 0 ? [] : [{ type: 'Added', data: { amount: command.amount } }];
  },
};
const spec = DeciderSpecification.for(tally);
const added = (amount: number): Added => ({ type: 'Added', data: { amount } });

describe('then', () => {
  test('passes on exactly the events decided', () => {
    spec
      .given([added(5)])
      .when({ type: 'Add', amount: 3 })
      .then([added(3)]);
  });

  test('fails on other events, on fewer or more events, and when the command is refused', () => {
    expect(() => {
      spec
        .given([])
        .when({ type: 'Add', amount: 3 })
        .then([added(4)]);
    }).toThrow(AssertionError);
    expect(() => {
      spec.given([]).when({ type: 'Add', amount: 3 }).then([]);
    }).toThrow(AssertionError);
    expect(() => {
      spec
        .given([])
        .when({ type: 'Add', amount: 3 })
        .then([added(3), added(3)]);
    }).toThrow(AssertionError);
    expect(() => {
      spec
        .given([added(100)])
        .when({ type: 'Add', amount: 1 })
        .then([added(1)]);
    }).toThrow(/to be accepted, got DomainError conflict/);
  });

  test('takes an assertion over the events instead of a list', () => {
    spec
      .given([])
      .when({ type: 'Add', amount: 7 })
      .then((events) => {
        expect(events).toHaveLength(1);
      });
    expect(() => {
      spec
        .given([])
        .when({ type: 'Add', amount: 7 })
        .then((events) => {
          expect(events).toHaveLength(2);
        });
    }).toThrow();
  });

  test('folds the given events afresh for every assertion, so a state updated in place is never reused', () => {
    const when = spec.given([added(60)]).when({ type: 'Add', amount: 40 });
    const before = folds;
    when.then([added(40)]);
    when.then([added(40)]);
    expect(folds - before).toBe(2);
  });
});

describe('thenThrows', () => {
  test('passes on a DomainError of the code, and on a message or a field that mentions the text', () => {
    spec
      .given([added(100)])
      .when({ type: 'Add', amount: 1 })
      .thenThrows('conflict');
    spec
      .given([added(100)])
      .when({ type: 'Add', amount: 1 })
      .thenThrows('conflict', 'at most 100');
    spec.given([]).when({ type: 'Add', amount: -1 }).thenThrows('validation', 'amount: must be 0 or more');
    spec
      .given([])
      .when({ type: 'Add', amount: -1 })
      .thenThrows('validation', /^amount:/);
  });

  test('fails on another code, on a text nothing mentions, and when the command is accepted', () => {
    expect(() => {
      spec
        .given([added(100)])
        .when({ type: 'Add', amount: 1 })
        .thenThrows('validation');
    }).toThrow(/expected a DomainError validation, got DomainError conflict/);
    expect(() => {
      spec.given([]).when({ type: 'Add', amount: -1 }).thenThrows('validation', 'total');
    }).toThrow(/to mention total/);
    expect(() => {
      spec.given([]).when({ type: 'Add', amount: 1 }).thenThrows('conflict');
    }).toThrow(/to be refused, got events/);
  });

  test('takes a predicate over the error', () => {
    spec
      .given([])
      .when({ type: 'Add', amount: -1 })
      .thenThrows((e) => e instanceof DomainError && e.errors.length === 1);
    expect(() => {
      spec
        .given([])
        .when({ type: 'Add', amount: -1 })
        .thenThrows((e) => e instanceof RangeError);
    }).toThrow(/did not satisfy the predicate/);
  });
});

describe('thenNothing', () => {
  test('passes when the command is accepted with no events', () => {
    spec
      .given([added(1)])
      .when({ type: 'Add', amount: 0 })
      .thenNothing();
  });

  test('fails on events and on a refusal', () => {
    expect(() => {
      spec.given([]).when({ type: 'Add', amount: 2 }).thenNothing();
    }).toThrow(/expected no events, got events/);
    expect(() => {
      spec.given([]).when({ type: 'Add', amount: -2 }).thenNothing();
    }).toThrow(/expected no events, got DomainError validation/);
  });
});
