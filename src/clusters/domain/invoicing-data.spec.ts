// The registry data invoices need: the coordinator's IBAN (checked by its checksum), the
// agreement's payment term, a municipality's subordinate unit, members' admission numbers.
import fc from 'fast-check';
import { DomainError } from '../../shared/domain-error.js';
import { checkIban, normaliseIban, printIban } from './iban.js';
import { type ClusterCommand, type ClusterEvent, type ClusterState, decide, DEFAULT_PAYMENT_TERM_DAYS, evolve, initialClusterState } from './registry.js';

const registered: ClusterEvent = {
  type: 'ClusterRegistered',
  data: { clusterId: 'c', name: 'Klaster', coordinator: { legalName: 'Koordynator', nip: '5261040828' }, distributionSystemOperator: 'OSD', area: { powiat: 'mikołowski' }, ureRegisterEntry: null },
};
const state = (...events: ClusterEvent[]) => events.reduce<ClusterState>(evolve, initialClusterState());
const fields = (command: ClusterCommand, s: ClusterState) => {
  try {
    decide(command, s);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).errors.map((e) => e.field);
  }
};

test('an IBAN is kept without spaces and must pass its checksum', () => {
  expect(normaliseIban('pl61 1090 1014 0000 0712 1981 2874')).toBe('PL61109010140000071219812874');
  expect(printIban('PL61109010140000071219812874')).toBe('PL61 1090 1014 0000 0712 1981 2874');
  const errors: { field: string; reason: string }[] = [];
  checkIban(errors, 'iban', 'PL61109010140000071219812874');
  expect(errors).toEqual([]);
  // any one digit changed breaks the mod 97 checksum
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 27 }), fc.integer({ min: 1, max: 9 }), (at, delta) => {
      const iban = 'PL61109010140000071219812874';
      const changed = iban.slice(0, at) + String((Number(iban[at]) + delta) % 10) + iban.slice(at + 1);
      const found: { field: string; reason: string }[] = [];
      checkIban(found, 'iban', changed);
      expect(found.map((e) => e.field)).toEqual(['iban']);
    }),
  );
});

test("the coordinator's account at registration and on a change: refused when wrong, normalised when right", () => {
  const s = state(registered);
  expect(fields({ type: 'ChangeCoordinator', coordinator: { legalName: 'K', nip: '5261040828', bankAccount: 'PL61109010140000071219812875' } }, s)).toEqual(['coordinator.bankAccount']);
  const [event] = decide({ type: 'ChangeCoordinator', coordinator: { legalName: 'K', nip: '5261040828', bankAccount: 'pl61 1090 1014 0000 0712 1981 2874' } }, s);
  expect(event).toEqual({ type: 'CoordinatorChanged', data: { legalName: 'K', nip: '5261040828', bankAccount: 'PL61109010140000071219812874' } });
});

test("an agreement's payment term: 14 days unless given, 0 to 365", () => {
  const s = state(registered);
  const terms = {
    effectiveFrom: '2026-01',
    intervalMinutes: 60 as const,
    ownNetting: true,
    allocation: { method: 'pro_rata' as const },
    internalPriceGroszePerMwh: 1,
    referenceGridPriceGroszePerMwh: 1,
    feeGroszePerMwhReceived: 0,
    feeGroszePerMwhSupplied: 0,
    monthlyFeeGroszePerMember: 0,
    vatRateBp: 2300,
    invoiceSeries: 'FV',
  };
  expect(DEFAULT_PAYMENT_TERM_DAYS).toBe(14);
  expect(decide({ type: 'AmendAgreement', terms, closedMonths: [] }, s)[0]).toMatchObject({ data: { paymentTermDays: 14 } });
  expect(decide({ type: 'AmendAgreement', terms: { ...terms, paymentTermDays: 30 }, closedMonths: [] }, s)[0]).toMatchObject({ data: { paymentTermDays: 30 } });
  expect(fields({ type: 'AmendAgreement', terms: { ...terms, paymentTermDays: 366 }, closedMonths: [] }, s)).toEqual(['paymentTermDays']);
});

test('only a municipality names a subordinate unit, with a valid NIP; members are numbered by admission', () => {
  const s = state(registered);
  const admit = (memberId: string, kind: string, jstUnit?: { name: string; nip: string }): ClusterCommand => ({
    type: 'AdmitMember',
    memberId,
    kind,
    legalName: memberId,
    nip: '6410377173',
    address: 'ul. Przykładowa 1',
    invoiceEmail: 'a@b.pl',
    vatPayer: true,
    admittedOn: '2026-01-01',
    ...(jstUnit ? { jstUnit } : {}),
  });
  expect(fields(admit('a', 'company', { name: 'Szkoła', nip: '6410754345' }), s)).toEqual(['jstUnit']);
  expect(fields(admit('a', 'municipality', { name: 'Szkoła', nip: '6410754346' }), s)).toEqual(['jstUnit.nip']);
  const events = [registered, ...decide(admit('z', 'municipality', { name: 'Szkoła', nip: '6410754345' }), s)];
  const next = state(...events, ...decide(admit('a', 'company'), state(...events)));
  expect(next.members.z).toMatchObject({ number: 1, jstUnit: { name: 'Szkoła', nip: '6410754345' } });
  expect(next.members.a).toMatchObject({ number: 2 });
});
