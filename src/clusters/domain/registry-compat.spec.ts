// src/clusters/registry already writes the `cluster-{id}` stream. Both deciders must agree
// on what its events look like, or one would misread what the other recorded.
import * as registry from '../registry/registry.js';
import { clusterDecider, foldEvents } from './decider.js';
import { play } from './given.js';
import { agreementForMonth, ownerAt } from './queries.js';
import type { ClusterCommand, ClusterEvent } from './types.js';

const PV = 'PL0037580000000001';
const HALL = 'PL0037580000000002';
const terms = {
  effectiveFrom: '2026-01', intervalMinutes: 60 as const, ownNetting: true, allocation: { method: 'pro_rata' as const }, internalPriceGroszePerMwh: 45_000,
  referenceGridPriceGroszePerMwh: 90_000, feeGroszePerMwhReceived: 1_000, feeGroszePerMwhSupplied: 500, monthlyFeeGroszePerMember: 2_000, vatRateBp: 2300, invoiceSeries: 'FV',
};
const commands: ClusterCommand[] = [
  { type: 'RegisterCluster', clusterId: 'orzesze', name: 'Orzeski Klaster Energii', coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '526-104-08-28' }, distributionSystemOperator: 'Tauron Dystrybucja S.A.', area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] } },
  { type: 'AdmitMember', memberId: 'city', kind: 'municipality', legalName: 'Miasto Orzesze', nip: '6451234565', address: 'Orzesze', invoiceEmail: 'um@orzesze.example.pl', vatPayer: true, selfBillingConsent: true, admittedOn: '2026-01-01' },
  { type: 'AdmitMember', memberId: 'coop', kind: 'cooperative', legalName: 'Spółdzielnia Socjalna Zielone Śląskie', nip: '9510000009', address: 'Orzesze', invoiceEmail: 'biuro@zielone.example.pl', vatPayer: true, admittedOn: '2026-01-01' },
  { type: 'AdmitMember', memberId: 'nowak', kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'anna@example.pl', vatPayer: false, admittedOn: '2026-02-01' },
  { type: 'RegisterMeteringPoint', ppeCode: 'pl 0037 5800 0000 0001', memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 499.5, validFrom: '2026-01-01' },
  { type: 'RegisterMeteringPoint', ppeCode: HALL, memberId: 'city', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' },
  { type: 'AmendAgreement', terms, closedMonths: [] },
  { type: 'ReassignMeteringPoint', ppeCode: HALL, memberId: 'coop', effectiveFrom: '2026-03-01' },
  { type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-04', allocation: { method: 'static', redistribute: false, keys: [{ memberId: 'city', shareBp: 7000 }, { memberId: 'coop', shareBp: 3000 }] }, thresholds: { selfSufficiencyBp: 3000 } }, closedMonths: ['2026-01'] },
  { type: 'WithdrawMember', memberId: 'nowak', effectiveOn: '2026-06-01' },
  { type: 'DecommissionMeteringPoint', ppeCode: PV, effectiveFrom: '2026-09-01' },
];

function registryEvents(): ClusterEvent[] {
  let state = registry.clusterDecider.initialState();
  const events: ClusterEvent[] = [];
  for (const command of commands) {
    for (const event of registry.clusterDecider.decide(command as registry.ClusterCommand, state)) {
      state = registry.clusterDecider.evolve(state, event);
      events.push(event as ClusterEvent);
    }
  }
  return events;
}

test('the same commands give the same events from either decider', () => {
  expect(play(commands).events).toEqual(registryEvents());
});

test('a stream the registry wrote folds here to the same answers', () => {
  const state = foldEvents(registryEvents());
  expect(ownerAt(state, HALL, new Date('2026-02-28T22:59:59Z'))).toBe('city');
  expect(ownerAt(state, HALL, new Date('2026-02-28T23:00:00Z'))).toBe('coop');
  expect(ownerAt(state, PV, new Date('2026-08-31T21:59:59Z'))).toBe('city');
  expect(ownerAt(state, PV, new Date('2026-08-31T22:00:00Z'))).toBeUndefined();
  expect(agreementForMonth(state, '2026-04')?.allocation).toEqual({ method: 'static', redistribute: false, keys: [{ memberId: 'city', shareBp: 7000 }, { memberId: 'coop', shareBp: 3000 }] });
  expect(clusterDecider.decide({ type: 'WithdrawMember', memberId: 'coop', effectiveOn: '2026-07-01' }, state)).toEqual([{ type: 'MemberWithdrew', data: { memberId: 'coop', effectiveOn: '2026-07-01' } }]);
});
