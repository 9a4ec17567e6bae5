// The month is the sum of its days: calculateMonth keeps each day's part, settleDays prices
// their sum, and a month whose one day changed is its stored days with that day computed
// alone. Checked against the whole month computed again, for random data and agreements.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { type ClusterCommand, clusterDecider, type ClusterState } from '../../clusters/domain/registry.js';
import type { MeterDayValues } from '../../metering/domain/meter-day-values.js';
import { monthBounds, startOfWarsawDay, ZONE } from '../../shared/calendar.js';
import { dayRange } from './day-range.js';
import { calculateDays, calculateMonth, electricityPeriods, settleDays } from './month-calculation.js';
import { deepFreeze } from '../../shared/deep-freeze.js';

const MONTH = '2026-03'; // 31 days, with the change to summer time (a 23-hour day)

function clusterOf(ppe: { member: string; pv: boolean }[], allocation: 'pro_rata' | 'priority'): ClusterState {
  const members = [...new Set(ppe.map((p) => p.member))];
  const commands: ClusterCommand[] = [
    { type: 'RegisterCluster', clusterId: 'k', name: 'K', coordinator: { legalName: 'C', nip: '5261040828' }, distributionSystemOperator: 'Tauron', area: { powiat: 'p' } },
    ...members.map((memberId, i): ClusterCommand => ({
      type: 'AdmitMember',
      memberId,
      kind: i % 2 === 0 ? 'household' : 'company',
      legalName: memberId,
      address: 'ul. Polna 1',
      invoiceEmail: `${memberId}@example.pl`,
      vatPayer: i % 2 === 1,
      ...(i % 2 === 1 ? { nip: '6351831037' } : {}),
      admittedOn: '2026-01-01',
    })),
    ...ppe.map((p, i): ClusterCommand => ({
      type: 'RegisterMeteringPoint',
      ppeCode: `PL${String(i).padStart(4, '0')}`,
      memberId: p.member,
      role: p.pv ? 'prosumer' : 'consumer',
      carrier: 'electricity',
      ...(p.pv ? { source: 'pv' as const, capacityKw: 10 } : {}),
      validFrom: '2026-01-01',
    })),
    {
      type: 'AmendAgreement',
      closedMonths: [],
      terms: {
        effectiveFrom: MONTH,
        intervalMinutes: 60,
        ownNetting: true,
        allocation: allocation === 'pro_rata' ? { method: 'pro_rata' } : { method: 'priority', tiers: [[members[0] ?? 'a']] },
        internalPriceGroszePerMwh: 45_000,
        referenceGridPriceGroszePerMwh: 90_000,
        feeGroszePerMwhReceived: 1_000,
        feeGroszePerMwhSupplied: 500,
        monthlyFeeGroszePerMember: 2_000,
        vatRateBp: 2300,
        invoiceSeries: 'FV',
      },
    },
  ];
  let state = clusterDecider.initialState();
  for (const command of commands) for (const event of clusterDecider.decide(command, state)) state = clusterDecider.evolve(state, event);
  return state;
}

/** Every day of the month for every PPE: hourly values from a seed (a few hours split from hourly data). */
function meterDays(ppeCount: number, seed: number): MeterDayValues[] {
  const days: MeterDayValues[] = [];
  for (let d = 1; d <= 31; d++) {
    const date = `${MONTH}-${String(d).padStart(2, '0')}`;
    const start = startOfWarsawDay(date);
    const dayMs = DateTime.fromISO(date, { zone: ZONE }).plus({ days: 1 }).toMillis() - start.getTime();
    if (dayMs % 3_600_000 !== 0) throw new Error(`${date} is not a whole number of hours`);
    const hours = dayMs / 3_600_000; // 23, 24 or 25
    for (let p = 0; p < ppeCount; p++) {
      const value = (h: number, k: number) => ((seed * 7919 + d * 131 + p * 31 + h * 17 + k) % 23) * 40;
      days.push({
        ppeCode: `PL${String(p).padStart(4, '0')}`,
        dayStart: start,
        intervalMinutes: 60,
        importWh: Int32Array.from({ length: hours }, (_, h) => value(h, 1)),
        exportWh: Int32Array.from({ length: hours }, (_, h) => (h > 6 && h < 18 ? value(h, 2) : 0)),
        quality: Array.from({ length: hours }, (_, h) => ((seed + d + p + h) % 11 === 0 ? 'h' : 'm')).join(''),
      });
    }
  }
  return days;
}

const ppeList = fc.array(fc.record({ member: fc.constantFrom('a', 'b', 'c', 'd'), pv: fc.boolean() }), { minLength: 1, maxLength: 6 });

test('the days of a month priced together give what the whole month gives', async () => {
  await fc.assert(
    fc.asyncProperty(ppeList, fc.constantFrom('pro_rata' as const, 'priority' as const), fc.nat(1000), async (ppe, allocation, seed) => {
      const state = clusterOf(ppe, allocation);
      const whole = await calculateMonth(state, MONTH, meterDays(ppe.length, seed));
      expect(whole.days.map((d) => d.day)).toHaveLength(31);
      const fromDays = settleDays(state, MONTH, whole.days, []);
      expect(fromDays?.statements).toEqual(whole.statements);
      expect(fromDays?.cluster).toEqual(whole.cluster);
    }),
    { numRuns: 25 },
  );
});

test('a late day computed alone (its part, no statements) and put with the stored days gives what the whole month computed again gives', async () => {
  await fc.assert(
    fc.asyncProperty(ppeList, fc.integer({ min: 1, max: 31 }), fc.nat(1000), async (ppe, lateDay, seed) => {
      const state = clusterOf(ppe, 'pro_rata');
      const before = meterDays(ppe.length, seed);
      const stored = await calculateMonth(state, MONTH, before);
      // one PPE's day corrected: more import, every hour
      const day = `${MONTH}-${String(lateDay).padStart(2, '0')}`;
      const dayStart = startOfWarsawDay(day).getTime();
      const after = before.map((d) => (d.ppeCode === 'PL0000' && d.dayStart.getTime() === dayStart ? { ...d, importWh: d.importWh.map((v) => v + 500) } : d));
      // what the recompute of a late day runs: the day's part, no statements
      const alone = await calculateDays(
        state,
        MONTH,
        after.filter((d) => d.dayStart.getTime() === dayStart),
        undefined,
        undefined,
        dayRange(MONTH, day),
      );
      expect(alone.days.map((d) => d.day)).toEqual([day]);
      const days = stored.days.map((d) => (d.day === day ? (alone.days[0] ?? d) : d));
      const again = await calculateMonth(state, MONTH, after);
      const incremental = settleDays(state, MONTH, days, []);
      expect(incremental?.statements).toEqual(again.statements);
      expect(incremental?.statements).not.toEqual(stored.statements);
    }),
    { numRuns: 25 },
  );
});

test('days that are not each day of the month with its members are refused (the month is then computed whole)', async () => {
  const state = clusterOf(
    [
      { member: 'a', pv: true },
      { member: 'b', pv: false },
    ],
    'pro_rata',
  );
  const whole = await calculateMonth(state, MONTH, meterDays(2, 1));
  expect(settleDays(state, MONTH, whole.days.slice(1), [])).toBeNull();
  expect(
    settleDays(
      state,
      MONTH,
      whole.days.map((d, i) => (i === 3 ? { ...d, memberIds: ['a'] } : d)),
      [],
    ),
  ).toBeNull();
  expect(settleDays(state, MONTH, whole.days, [])?.statements).toEqual(whole.statements);
});

test('a frozen registry state gives the same periods and days as the state it was frozen from (its periods are kept)', async () => {
  const ppe = [
    { member: 'a', pv: true },
    { member: 'b', pv: false },
    { member: 'b', pv: true },
  ];
  const live = clusterOf(ppe, 'pro_rata');
  const frozen = deepFreeze(clusterOf(ppe, 'pro_rata'));
  const { start, end } = monthBounds(MONTH);
  const day = { start: startOfWarsawDay('2026-03-29'), end: startOfWarsawDay('2026-03-30') }; // the 23-hour day
  expect(electricityPeriods(frozen, start, end)).toEqual(electricityPeriods(live, start, end));
  expect(electricityPeriods(frozen, start, end)).toBe(electricityPeriods(frozen, start, end));
  expect(electricityPeriods(frozen, day.start, day.end)).toEqual(electricityPeriods(live, day.start, day.end));
  const days = meterDays(3, 1);
  expect((await calculateDays(frozen, MONTH, days, undefined, undefined, day)).days).toEqual((await calculateDays(live, MONTH, days, undefined, undefined, day)).days);
  expect((await calculateMonth(frozen, MONTH, days)).statements).toEqual((await calculateMonth(live, MONTH, days)).statements);
});
