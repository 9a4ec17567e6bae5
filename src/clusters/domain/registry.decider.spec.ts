// The cluster registry as a coordinator describes it: given what the cluster-{id} stream
// holds, when the coordinator asks for a change, then what is recorded (or why not).
// registry.spec.ts beside it holds the finer field-by-field cases.
import fc from 'fast-check';
import { DeciderSpecification } from '../../shared/decider-specification.js';
import { type AgreementTerms, type ClusterCommand, type ClusterEvent, clusterDecider } from './registry.js';

const registry = DeciderSpecification.for(clusterDecider);

const registered: ClusterEvent = {
  type: 'ClusterRegistered',
  data: {
    clusterId: 'orzesze',
    name: 'Orzeski Klaster Energii',
    coordinator: { legalName: 'Orzeska Energia Sp. z o.o.', nip: '5261040828', address: 'ul. Gliwicka 8, 43-180 Orzesze' },
    distributionSystemOperator: 'Tauron Dystrybucja S.A.',
    area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
    ureRegisterEntry: null,
  },
};
const admitted = (memberId: string, admittedOn: string, extra: Partial<Extract<ClusterEvent, { type: 'MemberAdmitted' }>['data']> = {}): ClusterEvent => ({
  type: 'MemberAdmitted',
  data: {
    memberId,
    kind: 'company',
    legalName: `Firma ${memberId}`,
    nip: '6462933516',
    address: 'Orzesze',
    invoiceEmail: `${memberId}@example.pl`,
    vatPayer: true,
    selfBillingConsent: false,
    admittedOn,
    ...extra,
  },
});
const city = admitted('city', '2026-01-01', { kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', selfBillingConsent: true });
const bakery = admitted('bakery', '2026-01-01');
const withdrew = (memberId: string, effectiveOn: string): ClusterEvent => ({ type: 'MemberWithdrew', data: { memberId, effectiveOn } });
const schoolRoof: ClusterEvent = {
  type: 'MeteringPointRegistered',
  data: { ppeCode: 'PL0037580000000001', memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityW: 49_500, validFrom: '2026-01-01' },
};
const terms: Omit<AgreementTerms, 'thresholds'> = {
  effectiveFrom: '2026-01',
  intervalMinutes: 60,
  ownNetting: true,
  allocation: { method: 'pro_rata' },
  internalPriceGroszePerMwh: 45_000,
  referenceGridPriceGroszePerMwh: 90_000,
  feeGroszePerMwhReceived: 1_000,
  feeGroszePerMwhSupplied: 500,
  monthlyFeeGroszePerMember: 2_000,
  vatRateBp: 2_300,
  invoiceSeries: 'FV',
};
const amended = (version: number, effectiveFrom: string, supersedesVersion: number | null = null): ClusterEvent => ({
  type: 'AgreementAmended',
  data: { ...terms, version, effectiveFrom, thresholds: {}, supersedesVersion, paymentTermDays: 14 },
});

const admitBakery = (admittedOn: string, closedMonths: string[] = []): Extract<ClusterCommand, { type: 'AdmitMember' }> => ({
  type: 'AdmitMember',
  memberId: 'bakery',
  kind: 'company',
  legalName: ' Piekarnia Kłos ',
  nip: '646-293-35-16',
  address: 'ul. Rynek 1, Orzesze',
  invoiceEmail: 'biuro@klos.pl',
  vatPayer: true,
  admittedOn,
  closedMonths,
});

describe('admitting and withdrawing members', () => {
  test('a company joins a registered cluster with its NIP written as digits only and its name trimmed', () => {
    registry
      .given([registered])
      .when(admitBakery('2026-02-01'))
      .then([
        {
          type: 'MemberAdmitted',
          data: {
            memberId: 'bakery',
            kind: 'company',
            legalName: 'Piekarnia Kłos',
            nip: '6462933516',
            address: 'ul. Rynek 1, Orzesze',
            invoiceEmail: 'biuro@klos.pl',
            vatPayer: true,
            selfBillingConsent: false,
            admittedOn: '2026-02-01',
          },
        },
      ]);
  });

  test('nobody can join a cluster that was never registered', () => {
    registry.given([]).when(admitBakery('2026-02-01')).thenThrows('not_found', 'does not exist');
  });

  test('the same member cannot be admitted twice', () => {
    registry.given([registered, bakery]).when(admitBakery('2026-02-01')).thenThrows('conflict', 'exists already');
  });

  test('a household joins without a NIP, and is refused when one is given', () => {
    const household: ClusterCommand = {
      type: 'AdmitMember',
      memberId: 'jan',
      kind: 'household',
      legalName: 'Jan Kowalski',
      address: 'Orzesze',
      invoiceEmail: 'jan@example.pl',
      vatPayer: false,
      admittedOn: '2026-02-01',
    };
    registry
      .given([registered])
      .when(household)
      .then((events) => {
        expect(events).toMatchObject([{ type: 'MemberAdmitted', data: { memberId: 'jan', nip: null } }]);
      });
    registry
      .given([registered])
      .when({ ...household, nip: '6462933516' })
      .thenThrows('validation', 'nip: a household member has no NIP');
  });

  test('self-billing is offered to VAT payers only', () => {
    registry
      .given([registered])
      .when({ ...admitBakery('2026-02-01'), vatPayer: false, selfBillingConsent: true })
      .thenThrows('validation', 'selfBillingConsent: self-billing applies to VAT payers only');
  });

  test('a member withdraws from a day after its admission, once', () => {
    registry
      .given([registered, bakery])
      .when({ type: 'WithdrawMember', memberId: 'bakery', effectiveOn: '2026-07-01' })
      .then([withdrew('bakery', '2026-07-01')]);
    registry.given([registered, bakery]).when({ type: 'WithdrawMember', memberId: 'bakery', effectiveOn: '2026-01-01' }).thenThrows('validation', 'effectiveOn: must be after the admission');
    registry
      .given([registered, bakery, withdrew('bakery', '2026-07-01')])
      .when({ type: 'WithdrawMember', memberId: 'bakery', effectiveOn: '2026-08-01' })
      .thenThrows('conflict', 'has withdrawn already');
  });

  test('a member the cluster does not know cannot withdraw', () => {
    registry.given([registered]).when({ type: 'WithdrawMember', memberId: 'ghost', effectiveOn: '2026-07-01' }).thenThrows('not_found', 'ghost');
  });
});

describe('metering points (PPE)', () => {
  const registerPv = (ppeCode: string, memberId = 'city', validFrom = '2026-01-01'): ClusterCommand => ({
    type: 'RegisterMeteringPoint',
    ppeCode,
    memberId,
    role: 'producer',
    carrier: 'electricity',
    source: 'pv',
    capacityKw: 49.5,
    validFrom,
  });

  test("a producer's PPE is registered with its code without spaces in capitals and its capacity in watts", () => {
    registry.given([registered, city]).when(registerPv('pl 0037 5800 0000 0001')).then([schoolRoof]);
  });

  test('a PPE already in the cluster cannot be registered again, and a decommissioned code is never reused', () => {
    registry.given([registered, city, schoolRoof]).when(registerPv('PL0037580000000001')).thenThrows('validation', 'is already registered in this cluster');
    registry
      .given([registered, city, schoolRoof, { type: 'MeteringPointDecommissioned', data: { ppeCode: 'PL0037580000000001', effectiveFrom: '2026-06-01' } }])
      .when(registerPv('PL0037580000000001', 'city', '2026-07-01'))
      .thenThrows('validation', 'use a new code');
  });

  test('a PPE is registered only for a member on the day it starts, and a producer names its source', () => {
    registry
      .given([registered, admitted('late', '2026-05-01')])
      .when(registerPv('PL0000000000000009', 'late', '2026-04-01'))
      .thenThrows('validation', 'is not a member on 2026-04-01');
    registry
      .given([registered, city])
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'PL0000000000000009', memberId: 'city', role: 'producer', carrier: 'electricity', validFrom: '2026-01-01' })
      .thenThrows('validation', 'source: is required for a producer');
  });

  test('a PPE passes to another member from a later day; the event names who held it before', () => {
    registry
      .given([registered, city, bakery, schoolRoof])
      .when({ type: 'ReassignMeteringPoint', ppeCode: 'pl0037580000000001', memberId: 'bakery', effectiveFrom: '2026-03-01' })
      .then([{ type: 'MeteringPointReassigned', data: { ppeCode: 'PL0037580000000001', fromMemberId: 'city', memberId: 'bakery', effectiveFrom: '2026-03-01' } }]);
  });

  test('a reassignment to its own owner, from the day the current holder got it, or to a member who withdrew is refused', () => {
    const given = registry.given([registered, city, bakery, withdrew('bakery', '2026-02-01'), schoolRoof]);
    given.when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0037580000000001', memberId: 'city', effectiveFrom: '2026-03-01' }).thenThrows('validation', 'belongs to city already');
    given.when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0037580000000001', memberId: 'bakery', effectiveFrom: '2026-03-01' }).thenThrows('validation', 'is not a member on 2026-03-01');
    registry
      .given([registered, city, bakery, schoolRoof])
      .when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0037580000000001', memberId: 'bakery', effectiveFrom: '2026-01-01' })
      .thenThrows('validation', 'when the current assignment began');
  });

  test('an unknown PPE cannot be reassigned; a decommissioned one cannot be decommissioned again', () => {
    registry.given([registered, city]).when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0000000000000404', memberId: 'city', effectiveFrom: '2026-03-01' }).thenThrows('not_found');
    const decommissioned: ClusterEvent = { type: 'MeteringPointDecommissioned', data: { ppeCode: 'PL0037580000000001', effectiveFrom: '2026-06-01' } };
    registry.given([registered, city, schoolRoof]).when({ type: 'DecommissionMeteringPoint', ppeCode: 'PL0037580000000001', effectiveFrom: '2026-06-01' }).then([decommissioned]);
    registry
      .given([registered, city, schoolRoof, decommissioned])
      .when({ type: 'DecommissionMeteringPoint', ppeCode: 'PL0037580000000001', effectiveFrom: '2026-07-01' })
      .thenThrows('conflict', 'decommissioned already');
  });
});

describe('agreement versions', () => {
  test('the first agreement is version 1, the next one version 2', () => {
    registry
      .given([registered, city])
      .when({ type: 'AmendAgreement', terms, closedMonths: [] })
      .then([amended(1, '2026-01')]);
    registry
      .given([registered, city, amended(1, '2026-01')])
      .when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-04' }, closedMonths: [] })
      .then([amended(2, '2026-04')]);
  });

  test('a new version cannot take effect before the one in force', () => {
    registry
      .given([registered, city, amended(1, '2026-04')])
      .when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-03' }, closedMonths: [] })
      .thenThrows('validation', 'must not be before 2026-04, when version 1 took effect');
  });

  test('static keys name known members and share out at most 100%', () => {
    registry
      .given([registered, city, bakery])
      .when({
        type: 'AmendAgreement',
        terms: {
          ...terms,
          allocation: {
            method: 'static',
            redistribute: true,
            keys: [
              { memberId: 'city', shareBp: 7000 },
              { memberId: 'bakery', shareBp: 4000 },
            ],
          },
        },
        closedMonths: [],
      })
      .thenThrows('validation', 'keys sum to 11000 bp, more than 10000');
    registry
      .given([registered, city])
      .when({ type: 'AmendAgreement', terms: { ...terms, allocation: { method: 'static', redistribute: true, keys: [{ memberId: 'ghost', shareBp: 1000 }] } }, closedMonths: [] })
      .thenThrows('validation', 'unknown member ghost');
  });

  test('versions are numbered 1, 2, 3… without a gap over any run of amendments (a second one for a month names the one it replaces)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), (steps) => {
        const history: ClusterEvent[] = [registered, city];
        let month = 0;
        steps.forEach((step, i) => {
          month += step; // the same month again or a later one
          const effectiveFrom = `${String(2026 + Math.floor(month / 12))}-${String((month % 12) + 1).padStart(2, '0')}`;
          const supersedesVersion = i > 0 && step === 0 ? i : undefined;
          registry
            .given(history)
            .when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom }, supersedesVersion, closedMonths: [] })
            .then([amended(i + 1, effectiveFrom, supersedesVersion ?? null)]);
          history.push(amended(i + 1, effectiveFrom, supersedesVersion ?? null));
        });
      }),
    );
  });
});

describe('closed months stay closed', () => {
  const closed = ['2026-03', '2026-04'];

  test('a member admitted into a closed month is refused, and told the first day it can join', () => {
    registry.given([registered]).when(admitBakery('2026-04-15', closed)).thenThrows('conflict', 'Month 2026-04 is closed');
    registry.given([registered]).when(admitBakery('2026-04-15', closed)).thenThrows('conflict', 'effective from 2026-05-01 or later');
    registry
      .given([registered])
      .when(admitBakery('2026-05-01', closed))
      .then((events) => {
        expect(events).toHaveLength(1);
      });
  });

  test('a withdrawal, a PPE registration, a reassignment or an agreement version reaching a closed month is refused', () => {
    const given = registry.given([registered, city, bakery, schoolRoof]);
    given.when({ type: 'WithdrawMember', memberId: 'bakery', effectiveOn: '2026-04-30', closedMonths: closed }).thenThrows('conflict', 'Month 2026-04 is closed');
    given
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'PL0000000000000002', memberId: 'bakery', role: 'consumer', carrier: 'electricity', validFrom: '2026-02-01', closedMonths: closed })
      .thenThrows('conflict', 'Month 2026-03 is closed');
    given
      .when({ type: 'ReassignMeteringPoint', ppeCode: 'PL0037580000000001', memberId: 'bakery', effectiveFrom: '2026-03-10', closedMonths: closed })
      .thenThrows('conflict', 'Month 2026-03 is closed');
    given.when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-04' }, closedMonths: closed }).thenThrows('conflict', 'effective from 2026-05 or later');
  });

  test('for any closed months, an admission is refused exactly when some closed month is its month or later', () => {
    const monthOf = (i: number) => `2026-${String(i + 1).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 6 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 28 }), (closedIdx, at, day) => {
        const when = registry.given([registered]).when(admitBakery(`${monthOf(at)}-${String(day).padStart(2, '0')}`, closedIdx.map(monthOf)));
        if (closedIdx.some((i) => i >= at)) when.thenThrows('conflict', 'is closed');
        else
          when.then((events) => {
            expect(events).toHaveLength(1);
          });
      }),
    );
  });
});
