// The Orzeski Klaster Energii (shared/seeds/000_*): the city of Orzesze, the social
// cooperative Zielone Śląskie and the coordinator Klastry Energii sp. z o.o., plus a
// prosumer household. NIPs other than 5261040828 are made up, with valid checksums.
import { evolveInPlace, foldEvents, initialState } from './decider.js';
import { complianceWarnings } from './compliance.js';
import { given, play } from './given.js';
import { activeMeteringPoints, agreementForMonth, memberActiveOn, ownerAt } from './queries.js';
import type { AgreementTerms, ClusterCommand } from './types.js';

const CITY_PV = 'PL0037580000000001';
const CITY_HALL = 'PL0037580000000002';
const BAKERY = 'PL0037580000000003';
const HOUSE = 'PL0037580000000004';
const HEAT = 'PL0037580000000005';

const terms: AgreementTerms = {
  effectiveFrom: '2026-01', intervalMinutes: 60, allocation: { method: 'pro_rata' }, internalPriceGroszePerMwh: 45_000, referenceGridPriceGroszePerMwh: 95_000,
  feeGroszePerMwhReceived: 1_500, feeGroszePerMwhSupplied: 500, monthlyFeeGroszePerMember: 5_000, vatRateBp: 2300, invoiceSeries: 'OKE',
};

const setUp: ClusterCommand[] = [
  {
    type: 'RegisterCluster', clusterId: 'orzeski-klaster-energii', name: 'Orzeski Klaster Energii', coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '526-104-08-28' },
    distributionSystemOperator: 'Tauron Dystrybucja S.A.', area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
  },
  { type: 'AdmitMember', memberId: 'city', kind: 'municipality', legalName: 'Miasto Orzesze', nip: '645-123-45-65', address: 'ul. Zamkowa 8, 43-180 Orzesze', invoiceEmail: 'energia@orzesze.example.pl', vatPayer: true, selfBillingConsent: true, admittedOn: '2026-01-01' },
  { type: 'AdmitMember', memberId: 'coop', kind: 'cooperative', legalName: 'Spółdzielnia Socjalna Zielone Śląskie', nip: '9510000009', address: 'Orzesze', invoiceEmail: 'biuro@zielone.example.pl', vatPayer: true, admittedOn: '2026-01-01' },
  { type: 'AdmitMember', memberId: 'coordinator', kind: 'company', legalName: 'Klastry Energii sp. z o.o.', nip: '5261040828', address: 'Katowice', invoiceEmail: 'rozliczenia@klastry.example.pl', vatPayer: true, admittedOn: '2026-01-01' },
  { type: 'AdmitMember', memberId: 'nowak', kind: 'household', legalName: 'Anna Nowak', address: 'ul. Gliwicka 1, 43-180 Orzesze', invoiceEmail: 'anna@example.pl', vatPayer: false, admittedOn: '2026-02-01' },
  { type: 'RegisterMeteringPoint', ppeCode: 'PL 0037 5800 0000 0001', memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 499.5, validFrom: '2026-01-01' },
  { type: 'RegisterMeteringPoint', ppeCode: CITY_HALL, memberId: 'city', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' },
  { type: 'RegisterMeteringPoint', ppeCode: BAKERY, memberId: 'coop', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' },
  { type: 'RegisterMeteringPoint', ppeCode: HOUSE, memberId: 'nowak', role: 'prosumer', carrier: 'electricity', source: 'pv', capacityKw: 6.2, validFrom: '2026-02-01' },
  { type: 'RegisterMeteringPoint', ppeCode: HEAT, memberId: 'city', role: 'producer', carrier: 'heat', source: 'biomass', capacityKw: 1200, validFrom: '2026-01-01' },
  { type: 'AmendAgreement', terms, closedMonths: [] },
];

// The city lends the hall to the cooperative from March; v2 moves to 15-minute periods and
// serves the city first from April; the household moves away at the end of May.
const year: ClusterCommand[] = [
  { type: 'ReassignMeteringPoint', ppeCode: CITY_HALL, memberId: 'coop', effectiveFrom: '2026-03-01' },
  {
    type: 'AmendAgreement', closedMonths: ['2026-01', '2026-02'],
    terms: { ...terms, effectiveFrom: '2026-04', intervalMinutes: 15, allocation: { method: 'priority', tiers: [['city'], ['coop', 'coordinator']] }, thresholds: { selfSufficiencyBp: 3000, renewableShareBp: 5000 } },
  },
  { type: 'WithdrawMember', memberId: 'nowak', effectiveOn: '2026-06-01' },
];

describe('the Orzesze cluster over its first half-year', () => {
  const { events, state } = play([...setUp, ...year]);

  test('records one event per command, in order', () => {
    expect(events.map((e) => e.type)).toEqual([
      'ClusterRegistered', 'MemberAdmitted', 'MemberAdmitted', 'MemberAdmitted', 'MemberAdmitted',
      'MeteringPointRegistered', 'MeteringPointRegistered', 'MeteringPointRegistered', 'MeteringPointRegistered', 'MeteringPointRegistered',
      'AgreementAmended', 'MeteringPointReassigned', 'AgreementAmended', 'MemberWithdrew',
    ]);
    expect(state.profile).toMatchObject({ clusterId: 'orzeski-klaster-energii', coordinator: { nip: '5261040828' } });
    expect(state.members.city.nip).toBe('6451234565');
    expect(state.members.nowak.nip).toBeNull();
    expect(state.points[CITY_PV].capacityW).toBe(499_500);
    expect(state.points[HOUSE].capacityW).toBe(6_200);
  });

  test('the hall belongs to the city until the last instant of February, then to the cooperative', () => {
    // Warsaw midnight of 1 March 2026 is 23:00 UTC on 28 February (CET, UTC+1).
    expect(ownerAt(state, CITY_HALL, new Date('2026-02-28T22:59:59.999Z'))).toBe('city');
    expect(ownerAt(state, CITY_HALL, new Date('2026-02-28T23:00:00Z'))).toBe('coop');
    expect(ownerAt(state, CITY_HALL, new Date('2026-07-01T12:00:00Z'))).toBe('coop');
    expect(ownerAt(state, 'pl0037 5800 0000 0002', new Date('2026-01-15T12:00:00Z'))).toBe('city');
    expect(ownerAt(state, CITY_HALL, new Date('2025-12-31T22:59:59Z'))).toBeUndefined();
  });

  test('the household owns nothing from its withdrawal on (Warsaw midnight, summer time)', () => {
    expect(memberActiveOn(state, 'nowak', '2026-05-31')).toBe(true);
    expect(memberActiveOn(state, 'nowak', '2026-06-01')).toBe(false);
    expect(ownerAt(state, HOUSE, new Date('2026-05-31T21:59:59Z'))).toBe('nowak');
    expect(ownerAt(state, HOUSE, new Date('2026-05-31T22:00:00Z'))).toBeUndefined();
  });

  test('each month is settled under the version in force for it', () => {
    expect(agreementForMonth(state, '2025-12')).toBeUndefined();
    expect(agreementForMonth(state, '2026-03')).toMatchObject({ version: 1, intervalMinutes: 60, ownNetting: true, allocation: { method: 'pro_rata' } });
    expect(agreementForMonth(state, '2026-04')).toMatchObject({ version: 2, intervalMinutes: 15, allocation: { method: 'priority' }, thresholds: { selfSufficiencyBp: 3000 } });
    expect(agreementForMonth(state, '2027-01')?.version).toBe(2);
  });

  test('February and March as the settlement sees them: the hall changes hands, the household arrives', () => {
    const feb = activeMeteringPoints(state, new Date('2026-01-31T23:00:00Z'), new Date('2026-03-31T22:00:00Z'));
    expect(feb.map((p) => p.ppeCode)).toEqual([CITY_PV, CITY_HALL, BAKERY, HOUSE, HEAT]);
    expect(feb.find((p) => p.ppeCode === CITY_HALL)?.periods).toEqual([
      { memberId: 'city', fromUtc: new Date('2026-01-31T23:00:00Z'), toUtc: new Date('2026-02-28T23:00:00Z') },
      { memberId: 'coop', fromUtc: new Date('2026-02-28T23:00:00Z'), toUtc: new Date('2026-03-31T22:00:00Z') },
    ]);
    expect(feb.find((p) => p.ppeCode === HEAT)).toMatchObject({ carrier: 'heat', source: 'biomass', capacityW: 1_200_000 });
    const june = activeMeteringPoints(state, new Date('2026-05-31T22:00:00Z'), new Date('2026-06-30T22:00:00Z'));
    expect(june.map((p) => p.ppeCode)).toEqual([CITY_PV, CITY_HALL, BAKERY, HEAT]);
  });

  test('the coordinator is told the household\'s PPE is still assigned; decommissioning it clears that', () => {
    expect(complianceWarnings(play(setUp).state, '2026-05-15')).toEqual([]);
    expect(complianceWarnings(state, '2026-06-15')).toEqual([expect.objectContaining({ code: 'ppe_of_withdrawn_member', ppeCode: HOUSE, memberId: 'nowak' })]);
    const after = play([{ type: 'DecommissionMeteringPoint', ppeCode: HOUSE, effectiveFrom: '2026-06-01' }], events).state;
    expect(complianceWarnings(after, '2026-06-15')).toEqual([]);
  });

  test('what the coordinator cannot do any more', () => {
    given(events).when({ type: 'ReassignMeteringPoint', ppeCode: CITY_PV, memberId: 'nowak', effectiveFrom: '2026-06-01' }).thenRejects('validation', ['effectiveFrom']);
    given(events).when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-02' }, closedMonths: ['2026-01', '2026-02'] }).thenRejects('validation', ['effectiveFrom']);
    given(events).when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-04' }, closedMonths: ['2026-01', '2026-02', '2026-03', '2026-04'] }).thenRejects('conflict');
    given(events).when({ type: 'RegisterMeteringPoint', ppeCode: 'pl0037580000000003', memberId: 'coordinator', role: 'consumer', carrier: 'electricity', validFrom: '2026-05-01' }).thenRejects('conflict');
  });

  test('the stream folds to the same state in one pass, in place, or event by event, and survives JSON', () => {
    expect(foldEvents(events)).toEqual(state);
    expect(events.reduce(evolveInPlace, initialState())).toEqual(state);
    expect(foldEvents(JSON.parse(JSON.stringify(events)))).toEqual(state);
  });
});
