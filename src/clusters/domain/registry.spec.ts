import fc from 'fast-check';
import { DomainError } from '../../shared/domain-error.js';
import { isValidNip, nipCheckDigit } from './nip.js';
import { agreementForMonth, closedMonthReached, type ClusterCommand, type ClusterEvent, type ClusterState, complianceWarnings, decide, evolve, initialClusterState, ownerAt } from './registry.js';

// given/when/then over the decider: events in, a command, events or an error out
function given(...events: ClusterEvent[]) {
  const state = events.reduce<ClusterState>(evolve, initialClusterState());
  return {
    state,
    when(command: ClusterCommand) {
      return {
        then(expected: ClusterEvent[] | ((events: ClusterEvent[]) => void)) {
          const events = decide(command, state);
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
        },
        thenRejects(code: DomainError['code'], fields: string[] = []) {
          let error: unknown;
          try {
            decide(command, state);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          expect((error as DomainError).errors.map((e) => e.field).sort()).toEqual([...fields].sort());
        },
      };
    },
  };
}

const registered: ClusterEvent = {
  type: 'ClusterRegistered',
  data: {
    clusterId: 'orzesze',
    name: 'Orzeski Klaster Energii',
    coordinator: { legalName: 'Orzeska Energia Sp. z o.o.', nip: '5261040828' },
    distributionSystemOperator: 'Tauron Dystrybucja S.A.',
    area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
    ureRegisterEntry: null,
  },
};
const city: ClusterEvent = {
  type: 'MemberAdmitted',
  data: {
    memberId: 'city',
    kind: 'municipality',
    legalName: 'Gmina Orzesze',
    nip: '6351831037',
    address: 'ul. Zamkowa 8, 43-180 Orzesze',
    invoiceEmail: 'um@orzesze.pl',
    vatPayer: true,
    selfBillingConsent: true,
    admittedOn: '2026-01-01',
  },
};
const coop: ClusterEvent = {
  type: 'MemberAdmitted',
  data: {
    memberId: 'coop',
    kind: 'cooperative',
    legalName: 'Spółdzielnia Socjalna Orzesze',
    nip: '6462933516',
    address: 'Orzesze',
    invoiceEmail: 'biuro@coop.pl',
    vatPayer: true,
    selfBillingConsent: false,
    admittedOn: '2026-01-01',
  },
};
const house: ClusterEvent = {
  type: 'MemberAdmitted',
  data: {
    memberId: 'house',
    kind: 'household',
    legalName: 'Jan Kowalski',
    nip: null,
    address: 'Orzesze',
    invoiceEmail: 'jan@example.pl',
    vatPayer: false,
    selfBillingConsent: false,
    admittedOn: '2026-02-01',
  },
};
const pv: ClusterEvent = {
  type: 'MeteringPointRegistered',
  data: { ppeCode: 'PL0037580000000001', memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityW: 499500, validFrom: '2026-01-01' },
};
const terms = {
  effectiveFrom: '2026-01',
  intervalMinutes: 60 as const,
  ownNetting: true,
  allocation: { method: 'pro_rata' as const },
  internalPriceGroszePerMwh: 45000,
  referenceGridPriceGroszePerMwh: 90000,
  feeGroszePerMwhReceived: 1000,
  feeGroszePerMwhSupplied: 500,
  monthlyFeeGroszePerMember: 2000,
  vatRateBp: 2300,
  invoiceSeries: 'FV',
};

describe('registering a cluster', () => {
  test('records the cluster with a normalised coordinator NIP', () => {
    given()
      .when({ type: 'RegisterCluster', clusterId: 'x', name: ' K ', coordinator: { legalName: 'C', nip: '526-104-08-28' }, distributionSystemOperator: 'Tauron', area: { powiat: 'mikołowski' } })
      .then([
        {
          type: 'ClusterRegistered',
          data: { clusterId: 'x', name: 'K', coordinator: { legalName: 'C', nip: '5261040828' }, distributionSystemOperator: 'Tauron', area: { powiat: 'mikołowski' }, ureRegisterEntry: null },
        },
      ]);
  });

  test('rejects an invalid NIP, a bad TERYT code and a missing area, naming each field', () => {
    given()
      .when({ type: 'RegisterCluster', clusterId: 'x', name: 'K', coordinator: { legalName: 'C', nip: '5261040829' }, distributionSystemOperator: 'T', area: { gminy: [{ name: 'A', teryt: '12' }] } })
      .thenRejects('validation', ['coordinator.nip', 'area.gminy[0].teryt']);
    given()
      .when({ type: 'RegisterCluster', clusterId: 'x', name: 'K', coordinator: { legalName: 'C', nip: '5261040828' }, distributionSystemOperator: 'T', area: {} })
      .thenRejects('validation', ['area']);
  });

  test("the coordinator's address is kept when given, trimmed; an empty one is refused", () => {
    given()
      .when({
        type: 'RegisterCluster',
        clusterId: 'x',
        name: 'K',
        coordinator: { legalName: 'C', nip: '5261040828', address: ' ul. Gliwicka 8, Orzesze ' },
        distributionSystemOperator: 'T',
        area: { powiat: 'p' },
      })
      .then([
        {
          type: 'ClusterRegistered',
          data: {
            clusterId: 'x',
            name: 'K',
            coordinator: { legalName: 'C', nip: '5261040828', address: 'ul. Gliwicka 8, Orzesze' },
            distributionSystemOperator: 'T',
            area: { powiat: 'p' },
            ureRegisterEntry: null,
          },
        },
      ]);
    given()
      .when({ type: 'RegisterCluster', clusterId: 'x', name: 'K', coordinator: { legalName: 'C', nip: '5261040828', address: '  ' }, distributionSystemOperator: 'T', area: { powiat: 'p' } })
      .thenRejects('validation', ['coordinator.address']);
  });

  test('the coordinator may change (name, NIP, address); a bad NIP is refused; no cluster, not found', () => {
    given(registered)
      .when({ type: 'ChangeCoordinator', coordinator: { legalName: 'Nowy Koordynator Sp. z o.o.', nip: '635-183-10-37', address: 'ul. Nowa 1, Orzesze' } })
      .then([{ type: 'CoordinatorChanged', data: { legalName: 'Nowy Koordynator Sp. z o.o.', nip: '6351831037', address: 'ul. Nowa 1, Orzesze' } }]);
    given(registered)
      .when({ type: 'ChangeCoordinator', coordinator: { legalName: 'X', nip: '6351831038' } })
      .thenRejects('validation', ['coordinator.nip']);
    given()
      .when({ type: 'ChangeCoordinator', coordinator: { legalName: 'X', nip: '6351831037' } })
      .thenRejects('not_found');
  });

  test('a second registration of the same stream is a conflict', () => {
    given(registered)
      .when({ type: 'RegisterCluster', clusterId: 'orzesze', name: 'K', coordinator: { legalName: 'C', nip: '5261040828' }, distributionSystemOperator: 'T', area: { powiat: 'p' } })
      .thenRejects('conflict');
  });
});

describe('members', () => {
  const admit = (overrides: Partial<Extract<ClusterCommand, { type: 'AdmitMember' }>>): ClusterCommand => ({
    type: 'AdmitMember',
    memberId: 'm',
    kind: 'company',
    legalName: 'Firma',
    nip: '5261040828',
    address: 'a',
    invoiceEmail: 'a@b.pl',
    vatPayer: true,
    admittedOn: '2026-01-01',
    ...overrides,
  });

  test('a company is admitted with its NIP', () => {
    given(registered)
      .when(admit({}))
      .then((events) => {
        expect(events[0]).toMatchObject({ type: 'MemberAdmitted', data: { memberId: 'm', nip: '5261040828', selfBillingConsent: false } });
      });
  });

  test('an invalid NIP, a household with a NIP, a company without, a bad e-mail are rejected', () => {
    given(registered)
      .when(admit({ nip: '1234567890' }))
      .thenRejects('validation', ['nip']);
    given(registered)
      .when(admit({ kind: 'household', nip: '5261040828' }))
      .thenRejects('validation', ['nip']);
    given(registered)
      .when(admit({ nip: undefined, invoiceEmail: 'nope', kind: 'spaceship' }))
      .thenRejects('validation', ['kind', 'nip', 'invoiceEmail']);
  });

  test('members cannot join a cluster that does not exist', () => {
    given().when(admit({})).thenRejects('not_found');
  });

  test('withdrawal must come after admission; withdrawing twice is a conflict', () => {
    given(registered, city).when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '2025-12-31' }).thenRejects('validation', ['effectiveOn']);
    given(registered, city, { type: 'MemberWithdrew', data: { memberId: 'city', effectiveOn: '2026-06-01' } })
      .when({ type: 'WithdrawMember', memberId: 'city', effectiveOn: '2026-07-01' })
      .thenRejects('conflict');
    given(registered).when({ type: 'WithdrawMember', memberId: 'ghost', effectiveOn: '2026-07-01' }).thenRejects('not_found');
  });
});

describe('metering points', () => {
  test('the code is normalised and must be unique in the cluster', () => {
    given(registered, city)
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'pl 0037 5800 0000 0001', memberId: 'city', role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 499.5, validFrom: '2026-01-01' })
      .then([pv]);
    given(registered, city, pv)
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'PL0037580000000001', memberId: 'city', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
      .thenRejects('validation', ['ppeCode']);
  });

  test('dates outside membership, an unknown member and a producer without source are rejected', () => {
    given(registered, house)
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'PL0001', memberId: 'house', role: 'consumer', carrier: 'electricity', validFrom: '2026-01-15' })
      .thenRejects('validation', ['validFrom']);
    given(registered)
      .when({ type: 'RegisterMeteringPoint', ppeCode: 'PL0001', memberId: 'ghost', role: 'producer', carrier: 'electricity', validFrom: '2026-01-15' })
      .thenRejects('validation', ['memberId', 'source', 'capacityKw']);
  });

  test('reassignment moves ownership from a date; the query answers by instant in Warsaw time', () => {
    const { state } = given(registered, city, coop, pv, { type: 'MeteringPointReassigned', data: { ppeCode: pv.data.ppeCode, fromMemberId: 'city', memberId: 'coop', effectiveFrom: '2026-03-01' } });
    expect(ownerAt(state, 'PL0037580000000001', new Date('2026-02-28T22:59:59Z'))).toBe('city');
    expect(ownerAt(state, 'PL0037580000000001', new Date('2026-02-28T23:00:00Z'))).toBe('coop');
    expect(ownerAt(state, 'PL0037580000000001', new Date('2025-12-31T22:00:00Z'))).toBeUndefined();
  });

  test('reassignment to a withdrawn member, to the same owner, or before the current one is rejected', () => {
    const withdrawn: ClusterEvent = { type: 'MemberWithdrew', data: { memberId: 'coop', effectiveOn: '2026-02-01' } };
    given(registered, city, coop, withdrawn, pv)
      .when({ type: 'ReassignMeteringPoint', ppeCode: pv.data.ppeCode, memberId: 'coop', effectiveFrom: '2026-03-01' })
      .thenRejects('validation', ['effectiveFrom']);
    given(registered, city, pv).when({ type: 'ReassignMeteringPoint', ppeCode: pv.data.ppeCode, memberId: 'city', effectiveFrom: '2026-03-01' }).thenRejects('validation', ['memberId']);
    given(registered, city, coop, pv).when({ type: 'ReassignMeteringPoint', ppeCode: pv.data.ppeCode, memberId: 'coop', effectiveFrom: '2026-01-01' }).thenRejects('validation', ['effectiveFrom']);
    given(registered, city, pv).when({ type: 'ReassignMeteringPoint', ppeCode: 'NOPE01', memberId: 'city', effectiveFrom: '2026-03-01' }).thenRejects('not_found');
  });

  test('after withdrawal nothing is owned, and decommissioning ends ownership', () => {
    const { state } = given(registered, city, pv, { type: 'MemberWithdrew', data: { memberId: 'city', effectiveOn: '2026-05-01' } });
    expect(ownerAt(state, 'PL0037580000000001', new Date('2026-04-30T12:00:00Z'))).toBe('city');
    expect(ownerAt(state, 'PL0037580000000001', new Date('2026-05-01T12:00:00Z'))).toBeUndefined();
    const decommissioned = given(registered, city, pv, { type: 'MeteringPointDecommissioned', data: { ppeCode: 'PL0037580000000001', effectiveFrom: '2026-04-01' } });
    expect(ownerAt(decommissioned.state, 'PL0037580000000001', new Date('2026-04-01T12:00:00Z'))).toBeUndefined();
    decommissioned.when({ type: 'DecommissionMeteringPoint', ppeCode: 'PL0037580000000001', effectiveFrom: '2026-05-01' }).thenRejects('conflict');
  });
});

describe('agreement versions', () => {
  test('versions are numbered; the one in force for a month is the latest effective by then', () => {
    const first = decide({ type: 'AmendAgreement', terms, closedMonths: [] }, given(registered, city, coop).state);
    const { state } = given(
      registered,
      city,
      coop,
      ...first,
      ...decide(
        {
          type: 'AmendAgreement',
          terms: {
            ...terms,
            effectiveFrom: '2026-04',
            allocation: {
              method: 'static',
              redistribute: true,
              keys: [
                { memberId: 'city', shareBp: 6000 },
                { memberId: 'coop', shareBp: 4000 },
              ],
            },
          },
          closedMonths: [],
        },
        given(registered, city, coop, ...first).state,
      ),
    );
    expect(agreementForMonth(state, '2025-12')).toBeUndefined();
    expect(agreementForMonth(state, '2026-03')?.version).toBe(1);
    expect(agreementForMonth(state, '2026-04')?.version).toBe(2);
    expect(agreementForMonth(state, '2027-01')?.allocation.method).toBe('static');
  });

  test('a version for a month that already has one is a conflict unless it names the version it supersedes', () => {
    const first = decide({ type: 'AmendAgreement', terms, closedMonths: [] }, given(registered, city, coop).state);
    const once = given(registered, city, coop, ...first);
    once.when({ type: 'AmendAgreement', terms: { ...terms, vatRateBp: 800 }, closedMonths: [] }).thenRejects('conflict');
    once.when({ type: 'AmendAgreement', terms: { ...terms, vatRateBp: 800 }, supersedesVersion: 7, closedMonths: [] }).thenRejects('conflict');
    const second = decide({ type: 'AmendAgreement', terms: { ...terms, vatRateBp: 800 }, supersedesVersion: 1, closedMonths: [] }, once.state);
    expect(second[0]?.data).toMatchObject({ version: 2, supersedesVersion: 1, vatRateBp: 800 });
    const { state } = given(registered, city, coop, ...first, ...second);
    expect(agreementForMonth(state, terms.effectiveFrom)?.version).toBe(2);
    // the replaced version is kept; a later month needs no supersedesVersion, and may name the one in force
    expect(state.agreements.map((v) => v.version)).toEqual([1, 2]);
    expect(decide({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-09' }, closedMonths: [] }, state)[0]?.data).toMatchObject({ version: 3, supersedesVersion: null });
    expect(decide({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-09' }, supersedesVersion: 2, closedMonths: [] }, state)[0]?.data).toMatchObject({
      version: 3,
      supersedesVersion: 2,
    });
    given(registered, city, coop, ...first, ...second)
      .when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-09' }, supersedesVersion: 1, closedMonths: [] })
      .thenRejects('conflict');
  });

  test('unknown members in keys, keys over 10000 bp, overlapping tiers are rejected with every field named', () => {
    given(registered, city, coop)
      .when({
        type: 'AmendAgreement',
        terms: {
          ...terms,
          allocation: {
            method: 'static',
            redistribute: false,
            keys: [
              { memberId: 'city', shareBp: 9000 },
              { memberId: 'ghost', shareBp: 2000 },
            ],
          },
        },
        closedMonths: [],
      })
      .thenRejects('validation', ['allocation.keys[1].memberId', 'allocation.keys']);
    given(registered, city, coop)
      .when({ type: 'AmendAgreement', terms: { ...terms, allocation: { method: 'priority', tiers: [['city'], ['coop', 'city'], []] } }, closedMonths: [] })
      .thenRejects('validation', ['allocation.tiers[1][1]', 'allocation.tiers[2]']);
  });

  test('a version for a closed month is refused', () => {
    given(registered, city)
      .when({ type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-02' }, closedMonths: ['2026-01', '2026-02'] })
      .thenRejects('conflict');
  });
});

describe('compliance view', () => {
  test('warns of no public party, too many gminy and PPE of withdrawn members', () => {
    const wide: ClusterEvent = { type: 'ClusterRegistered', data: { ...registered.data, area: { gminy: ['1', '2', '3', '4', '5', '6'].map((n) => ({ name: `G${n}`, teryt: `240800${n}` })) } } };
    const { state } = given(wide, coop, { ...pv, data: { ...pv.data, memberId: 'coop' } }, { type: 'MemberWithdrew', data: { memberId: 'coop', effectiveOn: '2026-03-01' } });
    expect(
      complianceWarnings(state, '2026-05-01')
        .map((w) => w.code)
        .sort(),
    ).toEqual(['coordinator_address_missing', 'no_public_party', 'ppe_of_withdrawn_member', 'too_many_gminy']);
  });

  test('no warning about the coordinator once its address is recorded', () => {
    const { state } = given(registered, city, { type: 'CoordinatorChanged', data: { ...registered.data.coordinator, address: 'ul. Gliwicka 8, 43-180 Orzesze' } });
    expect(complianceWarnings(state, '2026-05-01')).toEqual([]);
  });
});

describe('closed months stay closed', () => {
  const closed = ['2026-03', '2026-04'];
  const point = pv;
  test('each change effective inside or before a closed month is a conflict; from the first open month it is decided', () => {
    const cases: [ClusterCommand, ClusterCommand][] = [
      [
        { type: 'AdmitMember', memberId: 'new', kind: 'household', legalName: 'N', address: 'x', invoiceEmail: 'n@example.pl', vatPayer: false, admittedOn: '2026-04-30', closedMonths: closed },
        { type: 'AdmitMember', memberId: 'new', kind: 'household', legalName: 'N', address: 'x', invoiceEmail: 'n@example.pl', vatPayer: false, admittedOn: '2026-05-01', closedMonths: closed },
      ],
      [
        { type: 'WithdrawMember', memberId: 'coop', effectiveOn: '2026-02-15', closedMonths: closed },
        { type: 'WithdrawMember', memberId: 'coop', effectiveOn: '2026-05-01', closedMonths: closed },
      ],
      [
        { type: 'RegisterMeteringPoint', ppeCode: 'PL0000000002', memberId: 'coop', role: 'consumer', carrier: 'electricity', validFrom: '2026-03-01', closedMonths: closed },
        { type: 'RegisterMeteringPoint', ppeCode: 'PL0000000002', memberId: 'coop', role: 'consumer', carrier: 'electricity', validFrom: '2026-05-01', closedMonths: closed },
      ],
      [
        { type: 'ReassignMeteringPoint', ppeCode: point.data.ppeCode, memberId: 'coop', effectiveFrom: '2026-04-10', closedMonths: closed },
        { type: 'ReassignMeteringPoint', ppeCode: point.data.ppeCode, memberId: 'coop', effectiveFrom: '2026-05-02', closedMonths: closed },
      ],
      [
        { type: 'DecommissionMeteringPoint', ppeCode: point.data.ppeCode, effectiveFrom: '2026-04-10', closedMonths: closed },
        { type: 'DecommissionMeteringPoint', ppeCode: point.data.ppeCode, effectiveFrom: '2026-05-01', closedMonths: closed },
      ],
      [
        { type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-04' }, closedMonths: closed },
        { type: 'AmendAgreement', terms: { ...terms, effectiveFrom: '2026-05' }, closedMonths: closed },
      ],
    ];
    for (const [into, after] of cases) {
      given(registered, city, coop, point).when(into).thenRejects('conflict');
      given(registered, city, coop, point)
        .when(after)
        .then((events) => {
          expect(events).toHaveLength(1);
        });
    }
  });

  test('the first closed month reached is the earliest closed month from the effective month on', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 35 }), { maxLength: 8 }), fc.integer({ min: 0, max: 35 }), fc.integer({ min: 1, max: 28 }), (closedIdx, at, day) => {
        const month = (i: number) => `${String(2025 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')}`;
        const reached = closedMonthReached(closedIdx.map(month), `${month(at)}-${String(day).padStart(2, '0')}`);
        const later = closedIdx.filter((i) => i >= at).sort((a, b) => a - b);
        const [first] = later;
        expect(reached).toBe(first === undefined ? undefined : month(first));
      }),
    );
  });
});

describe('NIP checksum', () => {
  test('known examples', () => {
    expect(isValidNip('5261040828')).toBe(true);
    expect(isValidNip('526-104-08-28')).toBe(true);
    expect(isValidNip('5261040829')).toBe(false);
    expect(isValidNip('123')).toBe(false);
    // checksums right, but no tax office has such a code (FA(3) refuses them too)
    expect(isValidNip('1000000006')).toBe(false);
    expect(nipCheckDigit('100000000')).toBe(6);
    expect(isValidNip('0123456789')).toBe(false);
  });

  test('a nine-digit prefix with its check digit validates; changing any one digit does not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (prefix, position, delta) => {
        const check = nipCheckDigit(prefix);
        fc.pre(check !== 10 && prefix[0] !== '0' && prefix.slice(1, 3) !== '00');
        const nip = prefix + String(check);
        expect(isValidNip(nip)).toBe(true);
        const digits = nip.split('');
        digits[position] = String((Number(digits[position]) + delta) % 10);
        expect(isValidNip(digits.join(''))).toBe(false);
      }),
    );
  });
});
