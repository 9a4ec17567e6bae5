// Closing a month as a coordinator describes it. The decider holds every close rule: the
// month has ended in Warsaw time, gaps need allowGaps and a reason, and a closed month
// never changes (SettlementService asks the same rules before computing the month).
import fc from 'fast-check';
import { DeciderSpecification } from '../../shared/decider-specification.js';
import { type CloseEvent, closeDecider, type ClosedMonthData, inputDigest } from './closing.js';
import type { ClusterMonth } from './engine/statement.js';

const close = DeciderSpecification.for(closeDecider);

const totals: ClusterMonth = {
  importWh: 1_200_000,
  exportWh: 900_000,
  selfConsumedWh: 100_000,
  receivedWh: 700_000,
  poolReceivedWh: 700_000,
  contractReceivedWh: 0,
  suppliedWh: 700_000,
  poolSuppliedWh: 700_000,
  contractSuppliedWh: 0,
  gridImportWh: 400_000,
  gridExportWh: 100_000,
  agreementVersion: 1,
  members: 2,
  renewableExportWh: 900_000,
  selfSufficiency: { valueBp: 6667, thresholdBp: null, met: null },
  renewableShare: { valueBp: 10000, thresholdBp: null, met: null },
  receivedValueGrosze: 31_500,
  feesGrosze: 4_000,
  vatGrosze: 8_165,
};
const may = (overrides: Partial<ClosedMonthData> = {}): ClosedMonthData => ({
  clusterId: 'orzesze',
  month: '2026-05',
  agreementVersion: 1,
  statements: [],
  totals,
  lastEventPosition: '812:4411',
  inputEvents: 62,
  inputDigest: 'a'.repeat(64),
  allowGaps: false,
  reason: null,
  gaps: [],
  closedAt: '2026-06-03T08:00:00.000Z',
  ...overrides,
});
const closed = (data: ClosedMonthData): CloseEvent => ({ type: 'SettlementPeriodClosed', data });

describe('closing a month', () => {
  test('an open month is closed once, with the statements, the agreement version and the input digest it was closed on', () => {
    close
      .given([])
      .when({ type: 'CloseMonth', data: may() })
      .then([closed(may())]);
  });

  test('a month closed with gaps keeps the reason the coordinator gave and the PPE that were short', () => {
    const withGaps = may({ allowGaps: true, reason: 'Licznik PPE 1 uszkodzony, dane szacunkowe OSD w czerwcu', gaps: [{ ppeCode: 'PL0037580000000001', missingIntervals: 24 }] });
    close
      .given([])
      .when({ type: 'CloseMonth', data: withGaps })
      .then([closed(withGaps)]);
  });

  test('a second close of the same month is refused, saying when it was closed: its statements never change', () => {
    close
      .given([closed(may())])
      .when({ type: 'CloseMonth', data: may({ closedAt: '2026-06-10T09:00:00.000Z', inputEvents: 63 }) })
      .thenThrows('conflict', '2026-05 was closed at 2026-06-03T08:00:00.000Z');
  });

  test('a month is refused until it has ended in Warsaw time (May ends at 22:00 UTC on 31 May)', () => {
    close
      .given([])
      .when({ type: 'CloseMonth', data: may({ closedAt: '2026-05-31T21:59:59.000Z' }) })
      .thenThrows('conflict', '2026-05 has not ended yet in Warsaw time; it can be closed from 2026-05-31T22:00:00.000Z');
    close
      .given([])
      .when({ type: 'CloseMonth', data: may({ closedAt: '2026-05-31T22:00:00.000Z' }) })
      .then([closed(may({ closedAt: '2026-05-31T22:00:00.000Z' }))]);
  });

  test('a month with gaps is refused without allowGaps, naming the PPE that are short', () => {
    close
      .given([])
      .when({ type: 'CloseMonth', data: may({ gaps: [{ ppeCode: 'PL0037580000000001', missingIntervals: 24 }] }) })
      .thenThrows('conflict', '2026-05 has missing readings: PL0037580000000001 (24 intervals). Send allowGaps with a reason');
  });

  test('whatever the second close carries, it is refused', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat({ max: 10_000 }), fc.string(), (allowGaps, inputEvents, reason) => {
        close
          .given([closed(may())])
          .when({ type: 'CloseMonth', data: may({ allowGaps, inputEvents, reason }) })
          .thenThrows('conflict', "a closed month's statements never change");
      }),
    );
  });
});

describe('the input digest anyone can recompute', () => {
  const input = fc.uniqueArray(
    fc.record({
      streamId: fc.constantFrom('meter-PL1-2026-05-01', 'meter-PL2-2026-05-01', 'cluster-orzesze'),
      streamPosition: fc.nat({ max: 50 }),
      hash: fc.stringMatching(/^[0-9a-f]{8}$/),
    }),
    {
      selector: (e) => `${e.streamId}@${String(e.streamPosition)}`,
      minLength: 1,
      maxLength: 20,
    },
  );

  test('does not depend on the order the events were read in', () => {
    fc.assert(
      fc.property(input, fc.infiniteStream(fc.nat()), (events, seeds) => {
        const shuffled = events
          .map((e) => ({ e, k: seeds.next().value as number }))
          .sort((a, b) => a.k - b.k)
          .map(({ e }) => e);
        expect(inputDigest(shuffled)).toBe(inputDigest(events));
      }),
    );
  });

  test('changes when any input event is different', () => {
    fc.assert(
      fc.property(input, fc.nat(), (events, pick) => {
        const i = pick % events.length;
        const changed = events.map((e, j) => (j === i ? { ...e, hash: `${e.hash}0` } : e));
        expect(inputDigest(changed)).not.toBe(inputDigest(events));
      }),
    );
  });
});
