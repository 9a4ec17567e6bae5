import { DomainError } from '../../shared/domain-error.js';
import { type ClusterState, initialClusterState } from '../../clusters/domain/registry.js';
import { type Contract, contractMonths, contractsActiveAt, decideTrading, evolveTrading, initialTradingState, isWorkingDay, type TradingState } from './contracts.js';

const registry: ClusterState = initialClusterState();
for (const [memberId, admittedOn, withdrawnOn] of [
  ['plant', '2026-01-01', null],
  ['city', '2026-01-01', null],
  ['late', '2026-06-01', null],
  ['gone', '2026-01-01', '2026-07-01'],
] as const) {
  registry.members[memberId] = { memberId, kind: 'company', legalName: memberId, nip: null, address: '', invoiceEmail: '', vatPayer: true, selfBillingConsent: false, admittedOn, withdrawnOn };
}
const contract: Omit<Contract, 'terminatedFrom'> = {
  contractId: 'k1',
  sellerMemberId: 'plant',
  buyerMemberId: 'city',
  whPerInterval: 500,
  priceGroszePerMwh: 30_000,
  validFrom: '2026-05-01',
  validTo: '2026-12-31',
  window: null,
  signedAt: '2026-04-20T10:00:00Z',
};
const signed = (c = contract): TradingState => evolveTrading(initialTradingState(), { type: 'BilateralContractSigned', data: c });

function rejects(fn: () => unknown, code: DomainError['code'], fields: string[] = []) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).errors.map((e) => e.field).sort()).toEqual(fields.sort());
    return;
  }
  throw new Error('expected a rejection');
}

test('a contract between two active members is signed', () => {
  expect(decideTrading({ type: 'SignContract', contract, registry }, initialTradingState())).toEqual([{ type: 'BilateralContractSigned', data: contract }]);
});

test('the same member on both sides, a negative price, members not active the whole validity are refused', () => {
  rejects(() => decideTrading({ type: 'SignContract', contract: { ...contract, buyerMemberId: 'plant', priceGroszePerMwh: -1 }, registry }, initialTradingState()), 'validation', [
    'buyerMemberId',
    'priceGroszePerMwh',
  ]);
  rejects(() => decideTrading({ type: 'SignContract', contract: { ...contract, buyerMemberId: 'late' }, registry }, initialTradingState()), 'validation', ['buyerMemberId']);
  rejects(() => decideTrading({ type: 'SignContract', contract: { ...contract, sellerMemberId: 'gone' }, registry }, initialTradingState()), 'validation', ['sellerMemberId']);
  rejects(() => decideTrading({ type: 'SignContract', contract: { ...contract, validTo: '2026-04-01', whPerInterval: 0 }, registry }, initialTradingState()), 'validation', [
    'validTo',
    'whPerInterval',
  ]);
});

test('a termination reaches forward only and is refused twice', () => {
  rejects(() => decideTrading({ type: 'TerminateContract', contractId: 'k1', effectiveFrom: '2026-06-01', today: '2026-07-10' }, signed()), 'validation', ['effectiveFrom']);
  const events = decideTrading({ type: 'TerminateContract', contractId: 'k1', effectiveFrom: '2026-08-01', today: '2026-07-10' }, signed());
  const [event] = events;
  if (!event) throw new Error('the termination decided no event');
  const state = evolveTrading(signed(), event);
  rejects(() => decideTrading({ type: 'TerminateContract', contractId: 'k1', effectiveFrom: '2026-09-01', today: '2026-07-10' }, state), 'conflict');
  rejects(() => decideTrading({ type: 'TerminateContract', contractId: 'nope', effectiveFrom: '2026-09-01', today: '2026-07-10' }, state), 'not_found');
  // delivering until the termination, not after
  const k1 = state.contracts.k1;
  if (!k1) throw new Error('contract k1 is not in the state');
  expect(contractsActiveAt([k1], new Date('2026-07-31T12:00:00Z'))).toHaveLength(1);
  expect(contractsActiveAt([k1], new Date('2026-08-01T12:00:00Z'))).toHaveLength(0);
});

test('local-time windows on working days, validity inclusive of its last day', () => {
  const windowed = { ...contract, window: { from: '06:00', to: '22:00', workingDaysOnly: true }, terminatedFrom: null };
  // Friday 2026-05-08: 05:45 local no, 06:00 yes, 21:45 yes, 22:00 no; Saturday no
  expect(contractsActiveAt([windowed], new Date('2026-05-08T03:45:00Z'))).toHaveLength(0);
  expect(contractsActiveAt([windowed], new Date('2026-05-08T04:00:00Z'))).toEqual([{ contractId: 'k1', sellerMemberId: 'plant', buyerMemberId: 'city', contractedWh: 500 }]);
  expect(contractsActiveAt([windowed], new Date('2026-05-08T19:45:00Z'))).toHaveLength(1);
  expect(contractsActiveAt([windowed], new Date('2026-05-08T20:00:00Z'))).toHaveLength(0);
  expect(contractsActiveAt([windowed], new Date('2026-05-09T10:00:00Z'))).toHaveLength(0);
  expect(contractsActiveAt([{ ...contract, terminatedFrom: null }], new Date('2026-12-31T22:59:00Z'))).toHaveLength(1);
  expect(contractsActiveAt([{ ...contract, terminatedFrom: null }], new Date('2026-12-31T23:00:00Z'))).toHaveLength(0);
  expect(contractMonths(contract)).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
});

test('working days are Monday to Friday except Polish public holidays, Wigilia included from 2025', () => {
  for (const holiday of ['2025-12-24', '2026-01-06', '2026-04-06', '2026-06-04', '2026-11-11']) expect(isWorkingDay(holiday)).toBe(false);
  for (const working of ['2026-06-03', '2026-06-05', '2026-11-12', '2026-04-07']) expect(isWorkingDay(working)).toBe(true);
  expect(isWorkingDay('2026-05-09')).toBe(false); // a Saturday
  const windowed = { ...contract, window: { from: '06:00', to: '22:00', workingDaysOnly: true }, terminatedFrom: null };
  // Corpus Christi, Thursday 2026-06-04, at noon: no delivery; the day after: delivery
  expect(contractsActiveAt([windowed], new Date('2026-06-04T10:00:00Z'))).toHaveLength(0);
  expect(contractsActiveAt([windowed], new Date('2026-06-05T10:00:00Z'))).toHaveLength(1);
});
