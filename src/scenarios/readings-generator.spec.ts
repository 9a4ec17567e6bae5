import { generateReadings, monthIntervalStarts, polishHolidays } from './readings-generator.js';
import { SCENARIOS } from './seed-clusters.js';
import { isValidNip } from '../clusters/domain/nip.js';

const points = [
  { ppeCode: 'H', role: 'consumer' as const, profile: 'H25' as const, annualConsumptionKwh: 3_600 },
  { ppeCode: 'PV', role: 'producer' as const, pvCapacityKw: 10 },
  { ppeCode: 'P', role: 'prosumer' as const, profile: 'H25' as const, annualConsumptionKwh: 4_000, pvCapacityKw: 5 },
];

test('the same seed gives the same Wh; another seed other ones', () => {
  const a = generateReadings({ seed: 1, month: '2026-06', intervalMinutes: 15, points });
  expect(generateReadings({ seed: 1, month: '2026-06', intervalMinutes: 15, points })).toEqual(a);
  expect(generateReadings({ seed: 2, month: '2026-06', intervalMinutes: 15, points }).points[1]?.exportWh).not.toEqual(a.points[1]?.exportWh);
});

test('every value is a non-negative whole number of Wh; DST months have 2972 and 2980 quarter-hours', () => {
  expect(monthIntervalStarts('2026-03', 15)).toHaveLength(2972);
  expect(monthIntervalStarts('2026-10', 15)).toHaveLength(2980);
  expect(monthIntervalStarts('2026-10', 60)).toHaveLength(745);
  const october = generateReadings({ seed: 3, month: '2026-10', intervalMinutes: 60, points });
  expect(october.intervalStarts).toHaveLength(745);
  for (const p of october.points) for (const v of [...p.importWh, ...p.exportWh]) expect(Number.isInteger(v) && v >= 0).toBe(true);
});

test('PV is zero at night and produces at a summer noon; a household uses about its share of the year', () => {
  const june = generateReadings({ seed: 4, month: '2026-06', intervalMinutes: 60, points });
  const [household, pv] = june.points;
  if (!household || !pv) throw new Error('two points were generated');
  const hourOf = (i: number) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', hour: '2-digit', hourCycle: 'h23' }).format(june.intervalStarts[i] ?? NaN));
  june.intervalStarts.forEach((_, i) => {
    if (hourOf(i) < 3 || hourOf(i) >= 23) expect(pv.exportWh[i]).toBe(0);
  });
  expect(Math.max(...june.intervalStarts.map((_, i) => (hourOf(i) === 12 ? (pv.exportWh[i] ?? 0) : 0)))).toBeGreaterThan(3_000);
  // 10 kWp at ~1,000 kWh/kWp a year: June well above a twelfth
  const monthKwh = pv.exportWh.reduce((a, b) => a + b, 0) / 1000;
  expect(monthKwh).toBeGreaterThan(600);
  expect(monthKwh).toBeLessThan(2_500);
  const householdKwh = household.importWh.reduce((a, b) => a + b, 0) / 1000;
  expect(householdKwh).toBeGreaterThan((3_600 / 12) * 0.7);
  expect(householdKwh).toBeLessThan((3_600 / 12) * 1.3);
});

test('Polish holidays include the movable feasts', () => {
  const h = polishHolidays(2026);
  for (const d of ['2026-04-05', '2026-04-06', '2026-05-24', '2026-06-04', '2026-12-24', '2026-11-11']) expect(h.has(d)).toBe(true);
});

test('every scenario is consistent: valid NIPs, unique PPE, keys at most 10000 bp, disjoint tiers, contracts within the cluster', () => {
  expect(SCENARIOS.map((s) => s.key)).toEqual(['orzesze', 'staszow', 'czestochowa', 'lesna-kraina', 'legnica']);
  const codes = new Set<string>();
  for (const s of SCENARIOS) {
    expect(isValidNip(s.cluster.coordinator.nip)).toBe(true);
    const keys = new Set(s.members.map((m) => m.key));
    for (const m of s.members) {
      if (m.kind === 'household') expect(m.nip).toBeUndefined();
      else {
        if (m.nip === undefined) throw new Error(`member ${m.key} of ${s.key} (${m.kind}) has no NIP`);
        expect(isValidNip(m.nip)).toBe(true);
      }
    }
    for (const p of s.points) {
      expect(codes.has(p.ppeCode)).toBe(false);
      codes.add(p.ppeCode);
      expect(keys.has(p.memberKey)).toBe(true);
    }
    const a = s.agreement.allocation;
    if (a.method === 'static') expect(a.keys.reduce((x, k) => x + k.shareBp, 0)).toBeLessThanOrEqual(10_000);
    if (a.method === 'priority') expect(new Set(a.tiers.flat()).size).toBe(a.tiers.flat().length);
    for (const c of s.contracts) expect(keys.has(c.sellerKey) && keys.has(c.buyerKey) && c.sellerKey !== c.buyerKey).toBe(true);
  }
  expect(new Set(SCENARIOS.map((s) => (s.agreement.allocation.method === 'static' ? `static-${String(s.agreement.allocation.redistribute)}` : s.agreement.allocation.method))).size).toBe(4);
});
