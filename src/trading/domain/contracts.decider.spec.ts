// Bilateral contracts as a coordinator describes them: given the trading-{cluster} stream,
// when a contract is signed or terminated, then what is recorded (or why not).
import fc from 'fast-check';
import { DeciderSpecification } from '../../shared/decider-specification.js';
import { type ClusterState, initialClusterState } from '../../clusters/domain/registry.js';
import { type Contract, type TradingCommand, tradingDecider, type TradingEvent } from './contracts.js';

const trading = DeciderSpecification.for(tradingDecider);

// the registry as the controller passes it in: who is a member when
const registry: ClusterState = initialClusterState();
for (const [memberId, legalName, admittedOn, withdrawnOn] of [
  ['farm', 'Farma PV Orzesze', '2026-01-01', null],
  ['school', 'Szkoła Podstawowa nr 1', '2026-01-01', null],
  ['newcomer', 'Piekarnia Kłos', '2026-06-01', null],
  ['leaver', 'Hurtownia Śląsk', '2026-01-01', '2026-09-01'],
] as const) {
  registry.members[memberId] = {
    memberId,
    kind: 'company',
    legalName,
    nip: null,
    address: 'Orzesze',
    invoiceEmail: `${memberId}@example.pl`,
    vatPayer: true,
    selfBillingConsent: false,
    admittedOn,
    withdrawnOn,
  };
}

const farmToSchool: Omit<Contract, 'terminatedFrom'> = {
  contractId: 'k-2026-1',
  sellerMemberId: 'farm',
  buyerMemberId: 'school',
  whPerInterval: 2_000,
  priceGroszePerMwh: 38_000,
  validFrom: '2026-05-01',
  validTo: '2026-12-31',
  window: { from: '08:00', to: '16:00', workingDaysOnly: true },
  signedAt: '2026-04-20T10:00:00.000Z',
};
const sign = (contract: Partial<Omit<Contract, 'terminatedFrom'>> = {}, closedMonths?: string[]): TradingCommand => ({
  type: 'SignContract',
  contract: { ...farmToSchool, ...contract },
  registry,
  ...(closedMonths ? { closedMonths } : {}),
});
const signed: TradingEvent = { type: 'BilateralContractSigned', data: farmToSchool };
const terminate = (effectiveFrom: string, today: string): TradingCommand => ({ type: 'TerminateContract', contractId: 'k-2026-1', effectiveFrom, today });

describe('signing a contract', () => {
  test('a PV farm sells 2 kWh per interval to the school on working days from 8 to 16: the contract is recorded as signed', () => {
    trading.given([]).when(sign()).then([signed]);
  });

  test('a contract number is signed once', () => {
    trading.given([signed]).when(sign()).thenThrows('conflict', 'exists already');
  });

  test('a member cannot sell to itself, and the volume is a whole number of Wh above zero', () => {
    trading
      .given([])
      .when(sign({ buyerMemberId: 'farm' }))
      .thenThrows('validation', 'buyerMemberId: the buyer must be another member than the seller');
    trading
      .given([])
      .when(sign({ whPerInterval: 1.5 }))
      .thenThrows('validation', 'whPerInterval: must be a whole number of Wh above 0');
  });

  test('both sides must be members for the whole validity: one admitted later or withdrawing earlier is refused', () => {
    trading
      .given([])
      .when(sign({ buyerMemberId: 'newcomer' }))
      .thenThrows('validation', 'Piekarnia Kłos is not a member for the whole validity');
    trading
      .given([])
      .when(sign({ sellerMemberId: 'leaver' }))
      .thenThrows('validation', 'withdrawn 2026-09-01');
    trading
      .given([])
      .when(sign({ sellerMemberId: 'leaver', validTo: '2026-08-31' }))
      .then((events) => {
        expect(events).toHaveLength(1);
      });
  });

  test('a delivery window ends after it starts', () => {
    trading
      .given([])
      .when(sign({ window: { from: '16:00', to: '08:00', workingDaysOnly: false } }))
      .thenThrows('validation', 'window.to: must be after window.from');
  });

  test('a contract delivering in a closed month is refused; one starting in the first open month is signed', () => {
    trading
      .given([])
      .when(sign({}, ['2026-04', '2026-05']))
      .thenThrows('conflict', 'Month 2026-05 is closed');
    trading
      .given([])
      .when(sign({ validFrom: '2026-06-01' }, ['2026-04', '2026-05']))
      .then([{ type: 'BilateralContractSigned', data: { ...farmToSchool, validFrom: '2026-06-01' } }]);
  });
});

describe('terminating a contract', () => {
  test('a contract is terminated from today or a later day; the event keeps the end it had', () => {
    trading
      .given([signed])
      .when(terminate('2026-08-01', '2026-07-10'))
      .then([{ type: 'BilateralContractTerminated', data: { contractId: 'k-2026-1', effectiveFrom: '2026-08-01', validTo: '2026-12-31' } }]);
    trading
      .given([signed])
      .when(terminate('2026-07-10', '2026-07-10'))
      .then((events) => {
        expect(events).toHaveLength(1);
      });
  });

  test('a termination in the past is refused: what was delivered stays delivered', () => {
    trading.given([signed]).when(terminate('2026-07-01', '2026-07-10')).thenThrows('validation', 'effectiveFrom: must be today (2026-07-10) or later');
  });

  test('a termination after the contract ends anyway is refused', () => {
    trading.given([signed]).when(terminate('2027-01-01', '2026-07-10')).thenThrows('validation', 'the contract ends on 2026-12-31 anyway');
  });

  test('a contract is terminated once, and an unknown contract cannot be', () => {
    const terminated: TradingEvent = { type: 'BilateralContractTerminated', data: { contractId: 'k-2026-1', effectiveFrom: '2026-08-01', validTo: '2026-12-31' } };
    trading.given([signed, terminated]).when(terminate('2026-09-01', '2026-07-10')).thenThrows('conflict', 'terminated already from 2026-08-01');
    trading.given([]).when(terminate('2026-08-01', '2026-07-10')).thenThrows('not_found', 'k-2026-1');
  });

  test('for any day of the validity, a termination is accepted exactly when it is not before today', () => {
    const day = (i: number) => new Date(Date.UTC(2026, 4, 1 + i)).toISOString().slice(0, 10); // 2026-05-01 + i, inside the validity
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 244 }), fc.integer({ min: 0, max: 244 }), (effective, today) => {
        const when = trading.given([signed]).when(terminate(day(effective), day(today)));
        if (effective >= today) when.then([{ type: 'BilateralContractTerminated', data: { contractId: 'k-2026-1', effectiveFrom: day(effective), validTo: '2026-12-31' } }]);
        else when.thenThrows('validation', 'a termination does not touch what was delivered');
      }),
    );
  });
});
