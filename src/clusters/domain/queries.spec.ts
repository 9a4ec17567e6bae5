import { complianceWarnings } from './compliance.js';
import { evolve, foldEvents, initialState } from './decider.js';
import { play } from './given.js';
import { activeMeteringPoints, agreementForMonth, memberActiveOn, ownerAt, ownershipPeriods } from './queries.js';
import type { AgreementTerms, Area, ClusterCommand, ClusterEvent, ClusterState } from './types.js';

const P = 'PLQUERY0000000001';
const cluster = (area: Area = { gminy: [{ name: 'Orzesze', teryt: '2408031' }] }): ClusterCommand => ({
  type: 'RegisterCluster', clusterId: 'q', name: 'Q', coordinator: { legalName: 'K', nip: '5261040828' }, distributionSystemOperator: 'Tauron', area,
});
const member = (memberId: string, kind: 'municipality' | 'company' | 'household' = 'company', admittedOn = '2026-01-01'): ClusterCommand => ({
  type: 'AdmitMember', memberId, kind, legalName: memberId, ...(kind === 'household' ? {} : { nip: '7770001111' }), address: 'a', invoiceEmail: `${memberId}@example.pl`, vatPayer: kind !== 'household', admittedOn,
});
const point = (memberId: string, validFrom: string, ppeCode = P): ClusterCommand => ({ type: 'RegisterMeteringPoint', ppeCode, memberId, role: 'consumer', carrier: 'electricity', validFrom });
const terms: AgreementTerms = {
  effectiveFrom: '2026-01', intervalMinutes: 60, allocation: { method: 'pro_rata' }, internalPriceGroszePerMwh: 1, referenceGridPriceGroszePerMwh: 2,
  feeGroszePerMwhReceived: 0, feeGroszePerMwhSupplied: 0, monthlyFeeGroszePerMember: 0, vatRateBp: 2300, invoiceSeries: 'FV',
};

describe('ownerAt: dates begin at Warsaw midnight, in winter and summer time', () => {
  // Summer time starts on 29 March 2026 and ends on 25 October 2026.
  const { state } = play([
    cluster(), member('a'), member('b'), point('a', '2026-01-01'),
    { type: 'ReassignMeteringPoint', ppeCode: P, memberId: 'b', effectiveFrom: '2026-03-29' },
    { type: 'ReassignMeteringPoint', ppeCode: P, memberId: 'a', effectiveFrom: '2026-10-25' },
  ]);

  test.each([
    ['2025-12-31T22:59:59Z', undefined],
    ['2025-12-31T23:00:00Z', 'a'],
    ['2026-03-28T22:59:59Z', 'a'],
    ['2026-03-28T23:00:00Z', 'b'], // 00:00 CET on the day the clocks go forward
    ['2026-10-24T21:59:59Z', 'b'],
    ['2026-10-24T22:00:00Z', 'a'], // 00:00 CEST on the day the clocks go back
  ])('at %s the owner is %s', (instant, owner) => expect(ownerAt(state, P, new Date(instant))).toBe(owner));

  test('an unknown code has no owner, and no periods', () => {
    expect(ownerAt(state, 'PLNOPE000000', new Date('2026-05-01T00:00:00Z'))).toBeUndefined();
    expect(ownershipPeriods(state, 'PLNOPE000000')).toEqual([]);
  });
});

describe('a code decommissioned and registered again keeps its history', () => {
  const { state } = play([
    cluster(), member('a'), member('b'), point('a', '2026-01-01'),
    { type: 'DecommissionMeteringPoint', ppeCode: P, effectiveFrom: '2026-03-01' },
    { ...point('b', '2026-05-01'), role: 'prosumer', source: 'pv', capacityKw: 10 } as ClusterCommand,
  ]);

  test('owners before, in the gap, and after', () => {
    expect(ownerAt(state, P, new Date('2026-02-15T12:00:00Z'))).toBe('a');
    expect(ownerAt(state, P, new Date('2026-04-15T12:00:00Z'))).toBeUndefined();
    expect(ownerAt(state, P, new Date('2026-05-15T12:00:00Z'))).toBe('b');
    expect(ownershipPeriods(state, P)).toEqual([
      { memberId: 'a', fromUtc: new Date('2025-12-31T23:00:00Z'), toUtc: new Date('2026-02-28T23:00:00Z') },
      { memberId: 'b', fromUtc: new Date('2026-04-30T22:00:00Z'), toUtc: null },
    ]);
  });

  test('a window over both registrations lists the code once per registration, each with its own role', () => {
    const points = activeMeteringPoints(state, new Date('2026-01-31T23:00:00Z'), new Date('2026-05-31T22:00:00Z'));
    expect(points.map((p) => [p.ppeCode, p.role, p.capacityW, p.periods.map((x) => x.memberId)])).toEqual([
      [P, 'consumer', null, ['a']],
      [P, 'prosumer', 10_000, ['b']],
    ]);
  });
});

describe('activeMeteringPoints', () => {
  const { state } = play([
    cluster(), member('a'), member('b'), member('c'),
    point('c', '2026-01-01', 'PLZZZ0000000003'),
    point('a', '2026-01-01', 'PLAAA0000000001'),
    point('b', '2026-04-01', 'PLBBB0000000002'),
    { type: 'WithdrawMember', memberId: 'c', effectiveOn: '2026-03-15' },
  ]);
  const march = [new Date('2026-02-28T23:00:00Z'), new Date('2026-03-31T22:00:00Z')] as const;

  test('cuts periods to the window, ends them at a withdrawal, sorts by code, leaves out what starts later', () => {
    expect(activeMeteringPoints(state, ...march)).toEqual([
      { ppeCode: 'PLAAA0000000001', role: 'consumer', carrier: 'electricity', source: null, capacityW: null, periods: [{ memberId: 'a', fromUtc: march[0], toUtc: march[1] }] },
      { ppeCode: 'PLZZZ0000000003', role: 'consumer', carrier: 'electricity', source: null, capacityW: null, periods: [{ memberId: 'c', fromUtc: march[0], toUtc: new Date('2026-03-14T23:00:00Z') }] },
    ]);
  });

  test('an empty window lists nothing', () => expect(activeMeteringPoints(state, march[0], march[0])).toEqual([]));
});

describe('memberActiveOn', () => {
  const { state } = play([cluster(), member('a', 'company', '2026-02-01'), { type: 'WithdrawMember', memberId: 'a', effectiveOn: '2026-05-01' }]);
  test.each([
    ['2026-01-31', false],
    ['2026-02-01', true],
    ['2026-04-30', true],
    ['2026-05-01', false],
  ])('on %s: %s', (date, active) => expect(memberActiveOn(state, 'a', date)).toBe(active));
  test('an unknown member, or one named like an Object property, is never active', () => {
    expect(memberActiveOn(state, 'ghost', '2026-03-01')).toBe(false);
    expect(memberActiveOn(state, 'toString', '2026-03-01')).toBe(false);
  });
});

describe('agreementForMonth', () => {
  const { state } = play([
    cluster(), member('a'),
    { type: 'AmendAgreement', terms, closedMonths: [] },
    { type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-05', vatRateBp: 800 }, closedMonths: [] },
    // a correction of version 2 before May is settled: same month, supersedes it
    { type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-05', vatRateBp: 500 }, closedMonths: [] },
  ]);
  test('the latest version effective by the month; a superseding version wins its month', () => {
    expect(agreementForMonth(state, '2025-12')).toBeUndefined();
    expect(agreementForMonth(state, '2026-04')).toMatchObject({ version: 1, vatRateBp: 2300 });
    expect(agreementForMonth(state, '2026-05')).toMatchObject({ version: 3, vatRateBp: 500 });
    expect(state.agreements.map((v) => v.version)).toEqual([1, 2, 3]);
  });
});

describe('complianceWarnings', () => {
  const codes = (state: ClusterState, today = '2026-06-15') => complianceWarnings(state, today).map((w) => w.code).sort();

  test('a compliant cluster has none; a cluster never registered has none', () => {
    expect(codes(play([cluster(), member('city', 'municipality'), member('a'), point('a', '2026-01-01')]).state)).toEqual([]);
    expect(complianceWarnings(initialState(), '2026-06-15')).toEqual([]);
  });

  test('no municipality or municipal company in the cluster, including one that has withdrawn', () => {
    expect(codes(play([cluster(), member('a')]).state)).toEqual(['no_public_party']);
    expect(codes(play([cluster(), member('city', 'municipality'), member('a'), { type: 'WithdrawMember', memberId: 'city', effectiveOn: '2026-06-01' }]).state)).toEqual(['no_public_party']);
  });

  test('more than 5 gminy without a powiat; with a powiat the gminy only describe it', () => {
    const gminy = ['Kochanowice', 'Zbrosławice', 'Krupski Młyn', 'Tworóg', 'Pawonków', 'Koszęcin'].map((name, i) => ({ name, teryt: `241600${i}` }));
    expect(codes(play([cluster({ gminy }), member('city', 'municipality')]).state)).toEqual(['too_many_gminy']);
    expect(codes(play([cluster({ gminy: gminy.slice(0, 5) }), member('city', 'municipality')]).state)).toEqual([]);
    expect(codes(play([cluster({ gminy, powiat: 'lubliniecki' }), member('city', 'municipality')]).state)).toEqual([]);
  });

  test('a PPE still assigned to a withdrawn member, or to one whose withdrawal is coming', () => {
    const { events } = play([cluster(), member('city', 'municipality'), member('a'), point('a', '2026-01-01'), { type: 'WithdrawMember', memberId: 'a', effectiveOn: '2026-07-01' }]);
    const [upcoming] = complianceWarnings(foldEvents(events), '2026-06-15');
    expect(upcoming).toMatchObject({ code: 'ppe_of_withdrawn_member', ppeCode: P, memberId: 'a', message: expect.stringContaining('withdraws effective 2026-07-01') });
    expect(complianceWarnings(foldEvents(events), '2026-07-02')[0].message).toContain('withdrew effective 2026-07-01');
    const reassigned = play([member('b'), { type: 'ReassignMeteringPoint', ppeCode: P, memberId: 'b', effectiveFrom: '2026-06-20' }], events).state;
    expect(codes(reassigned)).toEqual([]);
  });
});

describe('evolve', () => {
  test('leaves the state it is given as it was', () => {
    const { state, events } = play([cluster(), member('a'), point('a', '2026-01-01')]);
    const before = JSON.stringify(state);
    const next = evolve(state, { type: 'MemberWithdrew', data: { memberId: 'a', effectiveOn: '2026-03-01' } });
    expect(JSON.stringify(state)).toBe(before);
    expect(next.members.a.withdrawnOn).toBe('2026-03-01');
    expect(foldEvents([], state)).toEqual(state);
    expect(events).toHaveLength(3);
  });

  test('reads a state folded by src/clusters/registry, which has no pastRegistrations', () => {
    const { state } = play([cluster(), member('a'), point('a', '2026-01-01')]);
    const { pastRegistrations: _, ...older } = state;
    const next = evolve(older as ClusterState, { type: 'MeteringPointDecommissioned', data: { ppeCode: P, effectiveFrom: '2026-02-01' } });
    expect(next.pastRegistrations).toEqual([]);
    expect(ownerAt(older as ClusterState, P, new Date('2026-01-15T12:00:00Z'))).toBe('a');
  });

  test('an event about a member never admitted means a damaged stream, and says so', () => {
    const events: ClusterEvent[] = [{ type: 'MemberWithdrew', data: { memberId: 'ghost', effectiveOn: '2026-03-01' } }];
    expect(() => foldEvents(events)).toThrow(/Damaged cluster stream/);
  });
});
