import { given } from './given.js';
import type { AgreementTerms, AmendAgreement, AdmitMember, ClusterEvent, RegisterCluster, RegisterMeteringPoint } from './types.js';

const registered: ClusterEvent = {
  type: 'ClusterRegistered',
  data: {
    clusterId: 'orzesze', name: 'Orzeski Klaster Energii', coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '5261040828' },
    distributionSystemOperator: 'Tauron Dystrybucja S.A.', area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] }, ureRegisterEntry: null,
  },
};
const city: ClusterEvent = {
  type: 'MemberAdmitted',
  data: { memberId: 'city', kind: 'municipality', legalName: 'Miasto Orzesze', nip: '6451234565', address: 'ul. Zamkowa 8, 43-180 Orzesze', invoiceEmail: 'um@orzesze.example.pl', vatPayer: true, selfBillingConsent: true, admittedOn: '2026-01-01' },
};
const coop: ClusterEvent = {
  type: 'MemberAdmitted',
  data: { memberId: 'coop', kind: 'cooperative', legalName: 'Spółdzielnia Socjalna Zielone Śląskie', nip: '9510000009', address: 'Orzesze', invoiceEmail: 'biuro@zielone.example.pl', vatPayer: true, selfBillingConsent: false, admittedOn: '2026-01-01' },
};
const house: ClusterEvent = {
  type: 'MemberAdmitted',
  data: { memberId: 'house', kind: 'household', legalName: 'Anna Nowak', nip: null, address: 'ul. Gliwicka 1, Orzesze', invoiceEmail: 'anna@example.pl', vatPayer: false, selfBillingConsent: false, admittedOn: '2026-02-01' },
};
const PV = 'PL0037580000000001';
const pv: ClusterEvent = {
  type: 'MeteringPointRegistered',
  data: { ppeCode: PV, memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityW: 499_500, validFrom: '2026-01-01' },
};
const withdrew = (memberId: string, effectiveOn: string): ClusterEvent => ({ type: 'MemberWithdrew', data: { memberId, effectiveOn } });
const decommissioned = (ppeCode: string, effectiveFrom: string): ClusterEvent => ({ type: 'MeteringPointDecommissioned', data: { ppeCode, effectiveFrom } });

const registerCluster = (overrides: Partial<RegisterCluster> = {}): RegisterCluster => ({
  type: 'RegisterCluster', clusterId: 'orzesze', name: 'Orzeski Klaster Energii', coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '5261040828' },
  distributionSystemOperator: 'Tauron Dystrybucja S.A.', area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] }, ...overrides,
});
const admit = (overrides: Partial<AdmitMember> = {}): AdmitMember => ({
  type: 'AdmitMember', memberId: 'firm', kind: 'company', legalName: 'Firma Sp. z o.o.', nip: '7770001111', address: 'Orzesze', invoiceEmail: 'faktury@firma.example.pl',
  vatPayer: true, admittedOn: '2026-01-01', ...overrides,
});
const registerPoint = (overrides: Partial<RegisterMeteringPoint> = {}): RegisterMeteringPoint => ({
  type: 'RegisterMeteringPoint', ppeCode: 'PL0037580000000002', memberId: 'city', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01', ...overrides,
});
const TERMS: AgreementTerms = {
  effectiveFrom: '2026-01', intervalMinutes: 60, ownNetting: true, allocation: { method: 'pro_rata' }, internalPriceGroszePerMwh: 45_000, referenceGridPriceGroszePerMwh: 90_000,
  feeGroszePerMwhReceived: 1_000, feeGroszePerMwhSupplied: 500, monthlyFeeGroszePerMember: 2_000, vatRateBp: 2300, invoiceSeries: 'FV',
};
const amend = (terms: Partial<AgreementTerms> = {}, closedMonths: string[] = []): AmendAgreement => ({ type: 'AmendAgreement', terms: { ...TERMS, ...terms }, closedMonths });
const version1: ClusterEvent = { type: 'AgreementAmended', data: { version: 1, ...TERMS, ownNetting: true, thresholds: {} } };

describe('RegisterCluster', () => {
  test('records the cluster with a normalised coordinator NIP and trimmed names', () =>
    given([]).when(registerCluster({ name: ' Orzeski Klaster Energii ', coordinator: { legalName: 'Klastry Energii sp. z o.o.', nip: '526-104-08-28' } })).then([registered]));

  test('a powiat instead of gminy, and the URE register entry when there is one', () =>
    given([]).when(registerCluster({ clusterId: 'czestochowa', area: { powiat: 'częstochowski' }, ureRegisterEntry: 'KE/12/2024' })).then([{
      type: 'ClusterRegistered',
      data: { ...registered.data, clusterId: 'czestochowa', area: { powiat: 'częstochowski' }, ureRegisterEntry: 'KE/12/2024' } as never,
    }]));

  test('every failing field is named in one error', () =>
    given([]).when(registerCluster({
      clusterId: 'no spaces', name: ' ', coordinator: { legalName: '', nip: '5261040829' }, distributionSystemOperator: '',
      area: { gminy: [{ name: 'Orzesze', teryt: '240803' }, { name: '', teryt: '2408011' }, { name: 'Mikołów', teryt: '2408011' }] }, ureRegisterEntry: '',
    })).thenRejects('validation', [
      'clusterId', 'name', 'coordinator.legalName', 'coordinator.nip', 'distributionSystemOperator', 'area.gminy[0].teryt', 'area.gminy[1].name', 'area.gminy[2].teryt', 'ureRegisterEntry',
    ]));

  test('an area with neither gminy nor a powiat is rejected', () => given([]).when(registerCluster({ area: { gminy: [] } })).thenRejects('validation', ['area']));

  test('a NIP whose checksum remainder is 10 is never valid', () =>
    given([]).when(registerCluster({ coordinator: { legalName: 'C', nip: '1234567890' } })).thenRejects('validation', ['coordinator.nip']));

  test('a second RegisterCluster on the stream is a conflict', () => given([registered]).when(registerCluster()).thenRejects('conflict'));
});

describe('AdmitMember', () => {
  test('a company is admitted with its NIP normalised and no self-billing consent by default', () =>
    given([registered]).when(admit({ nip: '777 000-11 11' })).then([{
      type: 'MemberAdmitted',
      data: { memberId: 'firm', kind: 'company', legalName: 'Firma Sp. z o.o.', nip: '7770001111', address: 'Orzesze', invoiceEmail: 'faktury@firma.example.pl', vatPayer: true, selfBillingConsent: false, admittedOn: '2026-01-01' },
    }]));

  test('a household has no NIP; an empty NIP field counts as none', () => {
    given([registered]).when(admit({ memberId: 'house', kind: 'household', nip: undefined, vatPayer: false })).then((events) => expect(events).toMatchObject([{ type: 'MemberAdmitted', data: { nip: null } }]));
    given([registered]).when(admit({ memberId: 'house', kind: 'household', nip: '', vatPayer: false })).then((events) => expect(events).toMatchObject([{ type: 'MemberAdmitted', data: { nip: null } }]));
  });

  test('an invalid NIP is rejected', () => given([registered]).when(admit({ nip: '7770001112' })).thenRejects('validation', ['nip']));

  test('a household with a NIP is rejected', () => given([registered]).when(admit({ kind: 'household', nip: '7770001111' })).thenRejects('validation', ['nip']));

  test('a company without NIP, an unknown kind, a bad e-mail, date, id and flags: every field named', () => {
    given([registered]).when(admit({ nip: undefined, invoiceEmail: 'faktury at firma', admittedOn: '2026-02-30', legalName: ' ', address: '' })).thenRejects('validation', ['nip', 'invoiceEmail', 'admittedOn', 'legalName', 'address']);
    given([registered]).when(admit({ memberId: '__proto__', kind: 'spaceship' as never, vatPayer: 'yes' as never, selfBillingConsent: 1 as never })).thenRejects('validation', ['memberId', 'kind', 'vatPayer', 'selfBillingConsent']);
  });

  test('a member id used already is a conflict; a cluster never registered is not found', () => {
    given([registered, city]).when(admit({ memberId: 'city' })).thenRejects('conflict');
    given([]).when(admit()).thenRejects('not_found');
  });
});

describe('WithdrawMember', () => {
  test('records the date from which the member is out', () =>
    given([registered, city]).when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '2026-07-01' }).then([withdrew('city', '2026-07-01')]));

  test('an unknown member is not found; withdrawing twice is a conflict', () => {
    given([registered]).when({ type: 'WithdrawMember', memberId: 'ghost', effectiveOn: '2026-07-01' }).thenRejects('not_found');
    given([registered]).when({ type: 'WithdrawMember', memberId: 'constructor', effectiveOn: '2026-07-01' }).thenRejects('not_found');
    given([registered, city, withdrew('city', '2026-07-01')]).when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '2026-08-01' }).thenRejects('conflict');
  });

  test('the withdrawal must come after the admission and be a date', () => {
    given([registered, city]).when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '2026-01-01' }).thenRejects('validation', ['effectiveOn']);
    given([registered, city]).when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '1 July' }).thenRejects('validation', ['effectiveOn']);
  });

  test('a withdrawal before a point passes to the member would leave that assignment outside the membership', () => {
    const toCoop: ClusterEvent = { type: 'MeteringPointReassigned', data: { ppeCode: PV, fromMemberId: 'city', memberId: 'coop', effectiveFrom: '2026-05-01' } };
    given([registered, city, coop, pv, toCoop]).when({ type: 'WithdrawMember', memberId: 'coop', effectiveOn: '2026-05-01' }).thenRejects('validation', ['effectiveOn']);
    given([registered, city, coop, pv, toCoop]).when({ type: 'WithdrawMember', memberId: 'coop', effectiveOn: '2026-05-02' }).then([withdrew('coop', '2026-05-02')]);
  });
});

describe('RegisterMeteringPoint', () => {
  test('the code loses its spaces and is upper-cased; kW become whole watts', () =>
    given([registered, city]).when(registerPoint({ ppeCode: ' pl 0037 5800 0000 0001 ', role: 'producer', source: 'pv', capacityKw: 499.5 })).then([pv]));

  test('capacity is read from its decimal text: 6.2 kW is 6200 W, 0.001 kW is 1 W', () => {
    given([registered, city]).when(registerPoint({ role: 'prosumer', source: 'pv', capacityKw: 6.2 })).then((events) => expect(events).toMatchObject([{ type: 'MeteringPointRegistered', data: { capacityW: 6200 } }]));
    given([registered, city]).when(registerPoint({ role: 'storage', capacityKw: 0.001 })).then((events) => expect(events).toMatchObject([{ type: 'MeteringPointRegistered', data: { capacityW: 1, source: null } }]));
  });

  test('a code active elsewhere in the cluster is a conflict, however it is written', () =>
    given([registered, city, coop, pv]).when(registerPoint({ ppeCode: 'pl0037580000000001', memberId: 'coop' })).thenRejects('conflict'));

  test('a decommissioned code can be registered again, from its decommissioning on', () => {
    given([registered, city, coop, pv, decommissioned(PV, '2026-06-01')]).when(registerPoint({ ppeCode: PV, memberId: 'coop', validFrom: '2026-06-01' }))
      .then([{ type: 'MeteringPointRegistered', data: { ppeCode: PV, memberId: 'coop', role: 'consumer', carrier: 'electricity', source: null, capacityW: null, validFrom: '2026-06-01' } }]);
    given([registered, city, coop, pv, decommissioned(PV, '2026-06-01')]).when(registerPoint({ ppeCode: PV, memberId: 'coop', validFrom: '2026-05-31' })).thenRejects('validation', ['validFrom']);
  });

  test('an unknown member is not found', () => given([registered, city]).when(registerPoint({ memberId: 'ghost' })).thenRejects('not_found'));

  test('validFrom must lie within the membership', () => {
    given([registered, house]).when(registerPoint({ memberId: 'house', validFrom: '2026-01-31' })).thenRejects('validation', ['validFrom']);
    given([registered, house]).when(registerPoint({ memberId: 'house', validFrom: '2026-02-01' })).then((events) => expect(events).toMatchObject([{ type: 'MeteringPointRegistered', data: { validFrom: '2026-02-01' } }]));
    given([registered, house, withdrew('house', '2026-06-01')]).when(registerPoint({ memberId: 'house', validFrom: '2026-06-01' })).thenRejects('validation', ['validFrom']);
  });

  test('producers and prosumers need a source and a capacity; a consumer has no source', () => {
    given([registered, city]).when(registerPoint({ role: 'producer' })).thenRejects('validation', ['source', 'capacityKw']);
    given([registered, city]).when(registerPoint({ role: 'prosumer', source: 'pv' })).thenRejects('validation', ['capacityKw']);
    given([registered, city]).when(registerPoint({ role: 'consumer', source: 'wind' })).thenRejects('validation', ['source']);
  });

  test('a bad code, role, carrier, source, capacity and date are all named', () => {
    given([registered, city]).when(registerPoint({ ppeCode: 'PL-1', role: 'boiler' as never, carrier: 'gas' as never, source: 'coal' as never, capacityKw: 1.0005, validFrom: '2026-13-01' }))
      .thenRejects('validation', ['ppeCode', 'role', 'carrier', 'source', 'capacityKw', 'validFrom']);
    given([registered, city]).when(registerPoint({ role: 'producer', source: 'pv', capacityKw: -1 })).thenRejects('validation', ['capacityKw']);
  });
});

describe('ReassignMeteringPoint', () => {
  test('records the new owner, the one before, and the date', () =>
    given([registered, city, coop, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: 'pl0037 5800 0000 0001', memberId: 'coop', effectiveFrom: '2026-03-01' })
      .then([{ type: 'MeteringPointReassigned', data: { ppeCode: PV, fromMemberId: 'city', memberId: 'coop', effectiveFrom: '2026-03-01' } }]));

  test('an unknown point or member is not found', () => {
    given([registered, city, coop, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0000000000000000', memberId: 'coop', effectiveFrom: '2026-03-01' }).thenRejects('not_found');
    given([registered, city, coop, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'ghost', effectiveFrom: '2026-03-01' }).thenRejects('not_found');
  });

  test('reassignment to a withdrawn member is refused from its withdrawal on', () => {
    const events = [registered, city, coop, pv, withdrew('coop', '2026-03-01')];
    given(events).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'coop', effectiveFrom: '2026-03-01' }).thenRejects('validation', ['effectiveFrom']);
    given(events).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'coop', effectiveFrom: '2026-02-01' }).then((events) => expect(events).toMatchObject([{ type: 'MeteringPointReassigned', data: { memberId: 'coop' } }]));
  });

  test('reassignment before the new owner was admitted is refused', () =>
    given([registered, city, house, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'house', effectiveFrom: '2026-01-15' }).thenRejects('validation', ['effectiveFrom']));

  test('to the same owner, not after the current assignment, or after decommissioning: refused', () => {
    given([registered, city, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'city', effectiveFrom: '2026-03-01' }).thenRejects('validation', ['memberId']);
    given([registered, city, coop, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'coop', effectiveFrom: '2026-01-01' }).thenRejects('validation', ['effectiveFrom']);
    given([registered, city, coop, pv, decommissioned(PV, '2026-04-01')]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'coop', effectiveFrom: '2026-04-01' }).thenRejects('validation', ['effectiveFrom']);
    given([registered, city, coop, pv]).when({ type: 'ReassignMeteringPoint', ppeCode: PV, memberId: 'coop', effectiveFrom: '2026-3-1' }).thenRejects('validation', ['effectiveFrom']);
  });
});

describe('DecommissionMeteringPoint', () => {
  test('records the date from which the point is out', () =>
    given([registered, city, pv]).when({ type: 'DecommissionMeteringPoint', ppeCode: PV, effectiveFrom: '2026-09-01' }).then([decommissioned(PV, '2026-09-01')]));

  test('unknown is not found, twice is a conflict, not after the current assignment is refused', () => {
    given([registered, city, pv]).when({ type: 'DecommissionMeteringPoint', ppeCode: 'PL0000000000000000', effectiveFrom: '2026-09-01' }).thenRejects('not_found');
    given([registered, city, pv, decommissioned(PV, '2026-09-01')]).when({ type: 'DecommissionMeteringPoint', ppeCode: PV, effectiveFrom: '2026-10-01' }).thenRejects('conflict');
    given([registered, city, pv]).when({ type: 'DecommissionMeteringPoint', ppeCode: PV, effectiveFrom: '2026-01-01' }).thenRejects('validation', ['effectiveFrom']);
  });
});

describe('AmendAgreement', () => {
  test('the first version is number 1; own netting defaults to on', () =>
    given([registered, city]).when(amend({ ownNetting: undefined })).then([version1]));

  test('the next version is numbered on, with static keys and thresholds copied', () =>
    given([registered, city, coop, version1]).when(amend({
      effectiveFrom: '2026-04', allocation: { method: 'static', redistribute: true, keys: [{ memberId: 'city', shareBp: 6000 }, { memberId: 'coop', shareBp: 4000 }] },
      thresholds: { selfSufficiencyBp: 4000 },
    })).then([{
      type: 'AgreementAmended',
      data: { ...version1.data, version: 2, effectiveFrom: '2026-04', allocation: { method: 'static', redistribute: true, keys: [{ memberId: 'city', shareBp: 6000 }, { memberId: 'coop', shareBp: 4000 }] }, thresholds: { selfSufficiencyBp: 4000 } } as never,
    }]));

  test('a version for the latest version\'s month supersedes it; an earlier month is refused', () => {
    given([registered, city, version1]).when(amend({ vatRateBp: 800 })).then([{ type: 'AgreementAmended', data: { ...version1.data, version: 2, vatRateBp: 800 } as never }]);
    given([registered, city, { type: 'AgreementAmended', data: { ...version1.data, effectiveFrom: '2026-04' } as never }]).when(amend({ effectiveFrom: '2026-03' })).thenRejects('validation', ['effectiveFrom']);
  });

  test('a version reaching into a closed month is a conflict; months before it do not matter', () => {
    given([registered, city, version1]).when(amend({ effectiveFrom: '2026-02' }, ['2026-01', '2026-02'])).thenRejects('conflict');
    given([registered, city, version1]).when(amend({ effectiveFrom: '2026-03' }, ['2026-01', '2026-02'])).then((events) => expect(events).toMatchObject([{ type: 'AgreementAmended', data: { version: 2, effectiveFrom: '2026-03' } }]));
  });

  test('an unknown member in the keys is named by its position', () =>
    given([registered, city, coop]).when(amend({ allocation: { method: 'static', redistribute: false, keys: [{ memberId: 'city', shareBp: 5000 }, { memberId: 'coop', shareBp: 1000 }, { memberId: 'ghost', shareBp: 1000 }] } }))
      .thenRejects('validation', ['allocation.keys[2].memberId']));

  test('keys over 10000 bp, a member keyed twice, a fractional share: each named', () => {
    given([registered, city, coop]).when(amend({ allocation: { method: 'static', redistribute: true, keys: [{ memberId: 'city', shareBp: 6000 }, { memberId: 'coop', shareBp: 4001 }] } }))
      .thenRejects('validation', ['allocation.keys']);
    given([registered, city, coop]).when(amend({ allocation: { method: 'static', redistribute: 'no' as never, keys: [{ memberId: 'city', shareBp: 10.5 }, { memberId: 'city', shareBp: 1000 }] } }))
      .thenRejects('validation', ['allocation.redistribute', 'allocation.keys[0].shareBp', 'allocation.keys[1].memberId']);
    given([registered, city]).when(amend({ allocation: { method: 'static', redistribute: true, keys: [] } })).thenRejects('validation', ['allocation.keys']);
  });

  test('overlapping tiers, unknown members in tiers and empty tiers are rejected', () => {
    given([registered, city, coop]).when(amend({ allocation: { method: 'priority', tiers: [['city'], ['coop', 'city']] } })).thenRejects('validation', ['allocation.tiers[1][1]']);
    given([registered, city, coop]).when(amend({ allocation: { method: 'priority', tiers: [['city', 'ghost'], [], ['coop']] } })).thenRejects('validation', ['allocation.tiers[0][1]', 'allocation.tiers[1]']);
    given([registered, city]).when(amend({ allocation: { method: 'priority', tiers: [] } })).thenRejects('validation', ['allocation.tiers']);
  });

  test('a member that withdrew before the version takes effect cannot hold a key or a tier', () => {
    const events = [registered, city, coop, withdrew('coop', '2026-04-01')];
    given(events).when(amend({ effectiveFrom: '2026-04', allocation: { method: 'priority', tiers: [['city'], ['coop']] } })).thenRejects('validation', ['allocation.tiers[1][0]']);
    given(events).when(amend({ effectiveFrom: '2026-03', allocation: { method: 'priority', tiers: [['city'], ['coop']] } })).then((events) => expect(events).toMatchObject([{ type: 'AgreementAmended', data: { version: 1 } }]));
  });

  test('prices, fees and rates are whole numbers 0 or more, VAT at most 10000 bp: every field named', () =>
    given([registered, city]).when(amend({
      effectiveFrom: '2026-1', intervalMinutes: 30 as never, ownNetting: 'yes' as never, allocation: { method: 'dynamic' } as never, internalPriceGroszePerMwh: -1, referenceGridPriceGroszePerMwh: 1.5,
      feeGroszePerMwhReceived: '10' as never, feeGroszePerMwhSupplied: Number.NaN, monthlyFeeGroszePerMember: -0.5, vatRateBp: 10_001, invoiceSeries: ' ',
      thresholds: { selfSufficiencyBp: 10_001, renewableShareBp: -1 },
    })).thenRejects('validation', [
      'effectiveFrom', 'intervalMinutes', 'ownNetting', 'allocation.method', 'internalPriceGroszePerMwh', 'referenceGridPriceGroszePerMwh', 'feeGroszePerMwhReceived',
      'feeGroszePerMwhSupplied', 'monthlyFeeGroszePerMember', 'vatRateBp', 'invoiceSeries', 'thresholds.selfSufficiencyBp', 'thresholds.renewableShareBp',
    ]));

  test('no agreement for a cluster never registered', () => given([]).when(amend()).thenRejects('not_found'));
});
