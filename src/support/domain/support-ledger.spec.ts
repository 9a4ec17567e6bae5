// The hand-computed examples of docs/support-ledger-examples.md, and properties.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { splitByLargestRemainder, splitSorted } from '../../shared/largest-remainder.js';
import { type AllocationMethod, allocateInterval, type MemberFlow } from '../../settlement/domain/engine/allocate.js';
import { poolTransfers, type Transfer, TransferAccumulator } from '../../settlement/domain/engine/transfers.js';
import type { MeterDayInput, OwnershipPeriod } from '../../settlement/domain/month-flows.js';
import { eachHour, HourlyFlowsBuilder, ppeHourRows, supportLedger } from './hourly-ledger.js';
import { defaultLegalParameters, evolveLegalParameters, inForce, legalParametersDecider } from './legal-parameters.js';
import { complianceReport, percentText } from './compliance.js';

/** The value a step of the test found; a test that finds nothing fails here. */
function found<T>(value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const warsaw = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Warsaw' }).toJSDate();
const monthStart = (month: string) => warsaw(`${month}-01T00:00`);
const monthEnd = (month: string) => DateTime.fromISO(`${month}-01`, { zone: 'Europe/Warsaw' }).plus({ months: 1 }).toJSDate();
const period = (ppeCode: string, memberId: string, renewable: boolean): OwnershipPeriod => ({ ppeCode, memberId, fromUtc: new Date('2020-01-01T00:00:00Z'), toUtc: null, renewable });
/** A meter day of one PPE with the given values at local times (HH:MM), zero elsewhere. */
function day(ppeCode: string, date: string, minutes: number, values: Record<string, { exp?: number; imp?: number }>): MeterDayInput {
  const start = warsaw(`${date}T00:00`);
  const end = DateTime.fromJSDate(start).plus({ days: 1 }).toJSDate();
  const n = Math.round((end.getTime() - start.getTime()) / (minutes * 60_000));
  const importWh = new Int32Array(n);
  const exportWh = new Int32Array(n);
  for (const [key, v] of Object.entries(values)) {
    // a key is a local time or a UTC instant (for the repeated hour)
    const at = key.endsWith('Z') ? new Date(key) : warsaw(`${date}T${key}`);
    const j = Math.round((at.getTime() - start.getTime()) / (minutes * 60_000));
    importWh[j] = v.imp ?? 0;
    exportWh[j] = v.exp ?? 0;
  }
  return { ppeCode, dayStart: start, intervalMinutes: minutes, importWh, exportWh };
}

/** The engine over member flows of each interval (what calculateMonth does), with the matrix. */
function engineWithMatrix(intervals: MemberFlow[][], ownNetting: boolean, allocation: AllocationMethod = { method: 'pro_rata' }) {
  const matrix = new TransferAccumulator();
  const supplied = new Map<string, number>();
  const received = new Map<string, number>();
  for (const members of intervals) {
    const result = allocateInterval({ members, ownNetting, allocation });
    matrix.add(result);
    for (const m of result.members) {
      supplied.set(m.memberId, (supplied.get(m.memberId) ?? 0) + m.suppliedWh);
      received.set(m.memberId, (received.get(m.memberId) ?? 0) + m.receivedWh);
    }
  }
  return { transfers: matrix.transfers(), supplied, received };
}

describe('example 1: a quarter-hour cluster where the hour matches what the quarter-hours do not', () => {
  const days = [
    day('A-PV', '2026-05-04', 15, { '10:00': { exp: 100_001 }, '11:00': { exp: 60_000 } }),
    day('B-LOAD', '2026-05-04', 15, { '10:45': { imp: 300_000 }, '11:00': { imp: 20_000 } }),
    day('C-LOAD', '2026-05-04', 15, { '10:15': { imp: 100_000 }, '11:00': { imp: 20_000 } }),
  ];
  const periods = [period('A-PV', 'A', true), period('B-LOAD', 'B', false), period('C-LOAD', 'C', false)];

  test('the quarter-hour allocation shares only 11:00; the matrix is A → B and A → C, 20,000 each', () => {
    const q = (a: number, b: number, c: number): MemberFlow[] => [
      { memberId: 'A', exportWh: a, importWh: 0 },
      { memberId: 'B', exportWh: 0, importWh: b },
      { memberId: 'C', exportWh: 0, importWh: c },
    ];
    const { transfers, supplied, received } = engineWithMatrix([q(100_001, 0, 0), q(0, 0, 100_000), q(0, 0, 0), q(0, 300_000, 0), q(60_000, 20_000, 20_000)], true);
    expect(transfers).toEqual([
      { fromMemberId: 'A', toMemberId: 'B', kind: 'pool', wh: 20_000 },
      { fromMemberId: 'A', toMemberId: 'C', kind: 'pool', wh: 20_000 },
    ]);
    expect(supplied.get('A')).toBe(40_000);
    expect(received.get('B')).toBe(20_000);
  });

  test('the hourly ledger matches 100,001 at 10:00 and shares it 75,001 / 25,000', () => {
    const builder = new HourlyFlowsBuilder(monthStart('2026-05'), monthEnd('2026-05'), periods, ['A', 'B', 'C']);
    for (const d of days) builder.addDay(d);
    const ledger = supportLedger(builder.build(), '2026-05', defaultLegalParameters());
    const hour10 = found(ledger.hours.find((h) => h.localStart === '2026-05-04T10:00:00+02:00'));
    expect(hour10).toMatchObject({ fedInWh: 100_001, takenWh: 400_000, renewableFedInWh: 100_001, matchedWh: 100_001, renewableMatchedWh: 100_001 });
    expect(ledger.hours.find((h) => h.localStart === '2026-05-04T11:00:00+02:00')).toMatchObject({ matchedWh: 40_000, renewableMatchedWh: 40_000 });
    expect(ledger.totals).toMatchObject({ fedInWh: 160_001, takenWh: 440_000, matchedWh: 140_001, renewableMatchedWh: 140_001, selfConsumptionBp: 3182, renewableShareBp: 10_000 });
    const b = found(ledger.members.find((m) => m.memberId === 'B'));
    const c = found(ledger.members.find((m) => m.memberId === 'C'));
    expect(b).toMatchObject({ renewableMatchedWh: 95_001, exemptWh: 95_001, waivedOzeGrosze: 69, waivedCogenerationGrosze: 29, waivedFeesGrosze: 98 });
    expect(c).toMatchObject({ renewableMatchedWh: 45_000, waivedOzeGrosze: 33, waivedCogenerationGrosze: 14 });
    expect(ledger.totals.waivedFeesGrosze).toBe(98 + 47);
    expect(ledger.hourCount).toBe(744);
  });
});

test('example 2: the matrix of a split with remainders meets every row and column', () => {
  const rows: Transfer[] = [];
  const ids = ['R1', 'R2', 'R3', 'S1', 'S2'];
  poolTransfers(ids, [0, 0, 0, 3, 2], [2, 2, 1, 0, 0], (s, r, wh) => rows.push({ fromMemberId: ids[s] ?? `#${String(s)}`, toMemberId: ids[r] ?? `#${String(r)}`, kind: 'pool', wh }));
  expect(rows).toEqual([
    { fromMemberId: 'S1', toMemberId: 'R1', kind: 'pool', wh: 1 },
    { fromMemberId: 'S2', toMemberId: 'R1', kind: 'pool', wh: 1 },
    { fromMemberId: 'S1', toMemberId: 'R2', kind: 'pool', wh: 1 },
    { fromMemberId: 'S2', toMemberId: 'R2', kind: 'pool', wh: 1 },
    { fromMemberId: 'S1', toMemberId: 'R3', kind: 'pool', wh: 1 },
  ]);
});

describe('example 3: the DST day of 25 hours', () => {
  test('the two local 02:00 hours stay apart: 1,000 matched, not 2,000', () => {
    const periods = [period('W-WIND', 'W', true), period('B-LOAD', 'B', false)];
    const builder = new HourlyFlowsBuilder(monthStart('2026-10'), monthEnd('2026-10'), periods, ['B', 'W']);
    builder.addDay(day('W-WIND', '2026-10-25', 60, { '2026-10-25T01:00:00Z': { exp: 3000 } }));
    builder.addDay(day('B-LOAD', '2026-10-25', 60, { '2026-10-25T00:00:00Z': { imp: 1000 }, '2026-10-25T01:00:00Z': { imp: 1000 } }));
    const ledger = supportLedger(builder.build(), '2026-10', defaultLegalParameters());
    expect(ledger.hourCount).toBe(745);
    const repeated = ledger.hours.filter((h) => h.localStart.startsWith('2026-10-25T02:00:00'));
    expect(repeated.map((h) => [h.localStart, h.matchedWh, h.renewableMatchedWh])).toEqual([
      ['2026-10-25T02:00:00+02:00', 0, 0],
      ['2026-10-25T02:00:00+01:00', 1000, 1000],
    ]);
    expect(ledger.hours.filter((h) => h.localStart.startsWith('2026-10-25')).length).toBe(25);
    expect(ledger.totals).toMatchObject({ fedInWh: 3000, takenWh: 2000, matchedWh: 1000 });
  });

  test('March 2026 has 743 hours, its 29th day 23', () => {
    const ledger = supportLedger(new HourlyFlowsBuilder(monthStart('2026-03'), monthEnd('2026-03'), [], []).build(), '2026-03', defaultLegalParameters());
    expect(ledger.hourCount).toBe(743);
    expect(ledger.hours.filter((h) => h.localStart.startsWith('2026-03-29')).length).toBe(23);
  });
});

describe('example 4: a member with a producer and a consumer PPE', () => {
  const periods = [period('P-PV', 'P', true), period('P-LOAD', 'P', false), period('Q-LOAD', 'Q', false), period('R-CHP', 'R', false)];
  const days = [
    day('P-PV', '2026-05-04', 60, { '12:00': { exp: 5_000_000 } }),
    day('P-LOAD', '2026-05-04', 60, { '12:00': { imp: 2_000_000 } }),
    day('Q-LOAD', '2026-05-04', 60, { '12:00': { imp: 4_000_000 } }),
    day('R-CHP', '2026-05-04', 60, { '12:00': { exp: 3_000_000 } }),
  ];

  test('the ledger counts both of its PPE; CHP is not renewable', () => {
    const builder = new HourlyFlowsBuilder(monthStart('2026-05'), monthEnd('2026-05'), periods, ['P', 'Q', 'R'], { perPpe: true });
    for (const d of days) builder.addDay(d);
    const flows = builder.build();
    const ledger = supportLedger(flows, '2026-05', defaultLegalParameters());
    expect(ledger.totals).toMatchObject({
      fedInWh: 8_000_000,
      renewableFedInWh: 5_000_000,
      takenWh: 6_000_000,
      matchedWh: 6_000_000,
      renewableMatchedWh: 5_000_000,
      renewableShareBp: 6250,
      selfConsumptionBp: 10_000,
    });
    expect(ledger.members.find((m) => m.memberId === 'P')).toMatchObject({
      fedInWh: 5_000_000,
      takenWh: 2_000_000,
      renewableMatchedWh: 1_666_667,
      waivedOzeGrosze: 1217,
      waivedCogenerationGrosze: 500,
    });
    expect(ledger.members.find((m) => m.memberId === 'Q')).toMatchObject({ renewableMatchedWh: 3_333_333, waivedOzeGrosze: 2433, waivedCogenerationGrosze: 1000 });
    expect(ledger.members.find((m) => m.memberId === 'R')).toMatchObject({ fedInWh: 3_000_000, renewableFedInWh: 0, renewableMatchedWh: 0 });
    const rows = ppeHourRows(flows).filter((r) => r.localStart === '2026-05-04T12:00:00+02:00');
    expect(rows.map((r) => [r.ppeCode, r.renewableMatchedWh])).toEqual([
      ['P-LOAD', 1_666_667],
      ['P-PV', 0],
      ['Q-LOAD', 3_333_333],
      ['R-CHP', 0],
    ]);
  });

  test('the engine nets P itself and the matrix is P → Q and R → Q, 2,000,000 each', () => {
    const { transfers } = engineWithMatrix(
      [
        [
          { memberId: 'P', exportWh: 5_000_000, importWh: 2_000_000 },
          { memberId: 'Q', exportWh: 0, importWh: 4_000_000 },
          { memberId: 'R', exportWh: 3_000_000, importWh: 0 },
        ],
      ],
      true,
    );
    expect(transfers).toEqual([
      { fromMemberId: 'P', toMemberId: 'Q', kind: 'pool', wh: 2_000_000 },
      { fromMemberId: 'R', toMemberId: 'Q', kind: 'pool', wh: 2_000_000 },
    ]);
  });
});

describe('legal parameters', () => {
  test('the defaults: 2026 rates, 50% renewable share from 2027', () => {
    const p = defaultLegalParameters();
    expect(inForce(p.feeRates, '2026-06-01')).toMatchObject({ ozeGroszePerMwh: 730, cogenerationGroszePerMwh: 300 });
    expect(inForce(p.feeRates, '2025-12-31')).toMatchObject({ ozeGroszePerMwh: 350 });
    expect(found(inForce(p.thresholds, '2026-12-31')).renewableShareBp).toBe(3000);
    expect(found(inForce(p.thresholds, '2027-01-01')).renewableShareBp).toBe(5000);
  });

  test('a change from a date replaces the entry of that date; earlier dates keep theirs', () => {
    const [event] = legalParametersDecider.decide(
      { type: 'SetFeeRates', validFrom: '2026-01-01', ozeGroszePerMwh: 700, cogenerationGroszePerMwh: 300, basis: 'URE notice', reason: 'corrected' },
      defaultLegalParameters(),
    );
    if (!event) throw new Error('the change recorded nothing');
    const p = evolveLegalParameters(defaultLegalParameters(), event);
    expect(p.version).toBe(0);
    expect(p.feeRates.filter((r) => r.validFrom === '2026-01-01')).toHaveLength(1);
    expect(found(inForce(p.feeRates, '2026-03-01')).ozeGroszePerMwh).toBe(700);
    expect(found(inForce(p.feeRates, '2025-03-01')).ozeGroszePerMwh).toBe(350);
  });

  test('a bad change names its fields', () => {
    expect(() =>
      legalParametersDecider.decide({ type: 'SetThresholds', validFrom: '2027-02-30', renewableShareBp: 12_000, selfConsumptionBp: 6000, basis: 'x', reason: '' }, defaultLegalParameters()),
    ).toThrow(
      expect.objectContaining({
        errors: [
          { field: 'validFrom', reason: expect.any(String) as unknown },
          { field: 'reason', reason: expect.any(String) as unknown },
          { field: 'renewableShareBp', reason: expect.any(String) as unknown },
        ],
      }) as Error,
    );
  });

  test('the ledger prices each hour at the rate in force on its day', () => {
    const [event] = legalParametersDecider.decide(
      { type: 'SetFeeRates', validFrom: '2026-05-04', ozeGroszePerMwh: 1_000_000, cogenerationGroszePerMwh: 0, basis: 'test', reason: 'test' },
      defaultLegalParameters(),
    );
    if (!event) throw new Error('the change recorded nothing');
    const p = evolveLegalParameters(defaultLegalParameters(), event);
    const builder = new HourlyFlowsBuilder(monthStart('2026-05'), monthEnd('2026-05'), [period('A', 'A', true), period('B', 'B', false)], ['A', 'B']);
    builder.addDay(day('A', '2026-05-03', 60, { '12:00': { exp: 1000 } }));
    builder.addDay(day('B', '2026-05-03', 60, { '12:00': { imp: 1000 } }));
    builder.addDay(day('A', '2026-05-04', 60, { '12:00': { exp: 1000 } }));
    builder.addDay(day('B', '2026-05-04', 60, { '12:00': { imp: 1000 } }));
    const b = found(supportLedger(builder.build(), '2026-05', p).members.find((m) => m.memberId === 'B'));
    // 1,000 Wh at 730 gr/MWh (0.73 → 1) and 1,000 Wh at 1,000,000 gr/MWh (1000)
    expect(b.waivedOzeGrosze).toBe(1 + 1000);
  });
});

describe('compliance', () => {
  const month = (m: string, fedInWh: number, renewableFedInWh: number) => ({ month: m, fedInWh, renewableFedInWh, takenWh: 1000, matchedWh: 700 });
  test('from January 2027 the renewable share must be 50%; the last 12 months give 41%', () => {
    const months = Array.from({ length: 12 }, (_, i) => month(`2025-${String(i + 1).padStart(2, '0')}`.replace(/^2025-(\d+)$/, '$&'), 100, 41)).map((m, i) => ({
      ...m,
      month: i < 1 ? '2025-12' : `2026-${String(i).padStart(2, '0')}`,
    }));
    const report = complianceReport('2026-12-02', months, defaultLegalParameters());
    expect(report.trailing12Months).toMatchObject({ from: '2025-12', to: '2026-11', renewableShareBp: 4100, selfConsumptionBp: 7000 });
    const upcoming = found(report.years[1]?.checks.find((c) => c.threshold === 'renewableShare'));
    expect(upcoming).toMatchObject({ from: '2027-01-01', requiredBp: 5000, trailing12MonthsBp: 4100, met: false, status: 'upcoming' });
    expect(found(upcoming.warning).en).toBe('From 1 January 2027 the renewable share of the energy generated in the cluster must be at least 50%; the last 12 months give 41%.');
    expect(found(upcoming.warning).pl).toBe('Od 1 stycznia 2027 udział energii z OZE w energii wytworzonej w klastrze musi wynosić co najmniej 50%; ostatnie 12 miesięcy dają 41%.');
    // 41% meets the 30% in force now
    expect(report.years[0]?.checks.find((c) => c.threshold === 'renewableShare')).toMatchObject({ requiredBp: 3000, met: true, warning: null, status: 'in_force' });
    expect(report.warnings.map((w) => w.key)).toEqual(['support.compliance.renewableShare.upcoming']);
    expect(percentText(4123, 'pl')).toBe('41,23%');
  });
});

// --- properties ------------------------------------------------------------------------

const wh = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 10_000_000 }));

test('the fast split is the common split', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 20 }), fc.array(wh, { minLength: 20, maxLength: 20 }), wh, (raw, weights, total) => {
      const ids = [...raw].sort();
      const w = weights.slice(0, ids.length);
      const out = new Array<number>(ids.length);
      expect(splitSorted(total, ids, w, out)).toEqual(
        splitByLargestRemainder(
          total,
          ids.map((id, i) => ({ id, weight: w[i] ?? 0 })),
        ),
      );
    }),
  );
});

const intervals = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { minLength: 1, maxLength: 12 }).chain((ids) =>
  fc.record({
    ids: fc.constant(ids),
    ownNetting: fc.boolean(),
    allocation: fc.oneof(
      fc.constant<AllocationMethod>({ method: 'pro_rata' }),
      fc.constant<AllocationMethod>({ method: 'priority', tiers: [ids.filter((_, i) => i % 2 === 0)] }),
      fc.constant<AllocationMethod>({ method: 'static', redistribute: true, keys: ids.map((memberId) => ({ memberId, shareBp: Math.floor(10_000 / ids.length) })) }),
    ),
    flows: fc.array(fc.tuple(...ids.map(() => fc.tuple(wh, wh))), { minLength: 1, maxLength: 8 }),
    contracts: fc.array(fc.record({ s: fc.nat(ids.length - 1), b: fc.nat(ids.length - 1), contractedWh: wh }), { maxLength: 3 }),
  }),
);

test("property: the pool's division is receiver by receiver the common split over what suppliers still have", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(wh, wh), { minLength: 1, maxLength: 15 }), (pairs) => {
      const ids = pairs.map((_, i) => `m${String(i).padStart(2, '0')}`);
      // a pool where the totals agree: receivers take the suppliers' total pro rata
      const supplied = pairs.map(([s]) => s);
      const total = supplied.reduce((a, b) => a + b, 0);
      const received = splitByLargestRemainder(
        total,
        pairs.map(([, r], i) => ({ id: ids[i] ?? `#${String(i)}`, weight: r + 1 })),
      );
      const fast: string[] = [];
      poolTransfers(ids, supplied, received, (s, r, x) => fast.push(`${String(s)}>${String(r)}:${String(x)}`));
      const reference: string[] = [];
      const left = supplied.slice();
      for (let r = 0; r < ids.length; r++) {
        if (received[r] === 0) continue;
        const shares = splitByLargestRemainder(
          received[r] ?? 0,
          ids.map((id, k) => ({ id, weight: left[k] ?? 0 })),
        );
        shares.forEach((x, k) => {
          if (x > 0) {
            reference.push(`${String(k)}>${String(r)}:${String(x)}`);
            left[k] = (left[k] ?? 0) - x;
          }
        });
      }
      expect(fast).toEqual(reference);
    }),
  );
});

test("property: every matrix row sums to the supplier's suppliedWh and every column to the receiver's receivedWh", () => {
  fc.assert(
    fc.property(intervals, ({ ids, ownNetting, allocation, flows, contracts }) => {
      const active = contracts.map((c, k) => ({
        contractId: `k${String(k)}`,
        sellerMemberId: ids[c.s] ?? `#${String(c.s)}`,
        buyerMemberId: ids[c.b] ?? `#${String(c.b)}`,
        contractedWh: c.contractedWh,
      }));
      const matrix = new TransferAccumulator();
      const supplied = new Map<string, number>();
      const received = new Map<string, number>();
      const poolSupplied = new Map<string, number>();
      for (const interval of flows) {
        const result = allocateInterval({
          members: ids.map((memberId, i) => ({ memberId, exportWh: interval[i]?.[0] ?? 0, importWh: interval[i]?.[1] ?? 0 })),
          ownNetting,
          allocation,
          contracts: active,
        });
        matrix.add(result, active);
        for (const m of result.members) {
          supplied.set(m.memberId, (supplied.get(m.memberId) ?? 0) + m.suppliedWh);
          received.set(m.memberId, (received.get(m.memberId) ?? 0) + m.receivedWh);
          poolSupplied.set(m.memberId, (poolSupplied.get(m.memberId) ?? 0) + m.poolSuppliedWh);
        }
      }
      const rows = new Map<string, number>();
      const columns = new Map<string, number>();
      const poolRows = new Map<string, number>();
      for (const t of matrix.transfers()) {
        expect(t.wh).toBeGreaterThan(0);
        expect(Number.isSafeInteger(t.wh)).toBe(true);
        rows.set(t.fromMemberId, (rows.get(t.fromMemberId) ?? 0) + t.wh);
        columns.set(t.toMemberId, (columns.get(t.toMemberId) ?? 0) + t.wh);
        if (t.kind === 'pool') poolRows.set(t.fromMemberId, (poolRows.get(t.fromMemberId) ?? 0) + t.wh);
      }
      for (const id of ids) {
        expect(rows.get(id) ?? 0).toBe(supplied.get(id));
        expect(columns.get(id) ?? 0).toBe(received.get(id));
        expect(poolRows.get(id) ?? 0).toBe(poolSupplied.get(id));
      }
    }),
  );
});

test('property: Mres ≤ M ≤ min(E, I) every hour; the shares sum to Mres and never pass what a member took', () => {
  const ppe = fc.record({ member: fc.constantFrom('a', 'b', 'c', 'd'), renewable: fc.boolean(), minutes: fc.constantFrom(15, 60), values: fc.array(fc.tuple(fc.nat(95), wh, wh), { maxLength: 30 }) });
  fc.assert(
    fc.property(fc.array(ppe, { minLength: 1, maxLength: 6 }), fc.constantFrom('2026-03-29', '2026-10-25', '2026-05-04'), (ppes, date) => {
      const month = date.slice(0, 7);
      const builder = new HourlyFlowsBuilder(
        monthStart(month),
        monthEnd(month),
        ppes.map((p, k) => period(`PPE${String(k)}`, p.member, p.renewable)),
        ['a', 'b', 'c', 'd'],
      );
      ppes.forEach((p, k) => {
        const d = day(`PPE${String(k)}`, date, p.minutes, {});
        for (const [j, exp, imp] of p.values) {
          if (j >= d.importWh.length) continue;
          d.exportWh[j] = exp;
          d.importWh[j] = imp;
        }
        builder.addDay(d);
      });
      const flows = builder.build();
      const broken: string[] = [];
      eachHour(flows, (h, hour, shares) => {
        if (hour.renewableMatchedWh > hour.matchedWh) broken.push(`${String(h)}: Mres > M`);
        if (hour.matchedWh > Math.min(hour.fedInWh, hour.takenWh)) broken.push(`${String(h)}: M > min(E, I)`);
        if (hour.renewableFedInWh > hour.fedInWh) broken.push(`${String(h)}: Eres > E`);
        let sum = 0;
        for (let m = 0; m < 4; m++) {
          if ((shares[m] ?? 0) > (flows.takenWh[h * 4 + m] ?? 0)) broken.push(`${String(h)}: share of ${String(m)} > taken`);
          sum += shares[m] ?? 0;
        }
        if (sum !== hour.renewableMatchedWh) broken.push(`${String(h)}: shares ${String(sum)} ≠ Mres ${String(hour.renewableMatchedWh)}`);
      });
      expect(broken).toEqual([]);
      const ledger = supportLedger(flows, month, defaultLegalParameters());
      expect(ledger.members.reduce((a, m) => a + m.renewableMatchedWh, 0)).toBe(ledger.totals.renewableMatchedWh);
      // the wall clock agrees with the time zone database hour by hour
      expect(
        ledger.hours
          .filter((_, h) => h % 97 === 0 || ledger.hours[h]?.hourStart.startsWith(date) === true)
          .every((row) => DateTime.fromISO(row.hourStart, { zone: 'Europe/Warsaw' }).toISO({ suppressMilliseconds: true }) === row.localStart),
      ).toBe(true);
    }),
    { numRuns: 60 },
  );
});

test('the renewable share must be at least its threshold, the self-consumption above its own', () => {
  const report = (renewableFedInWh: number, matchedWh: number) =>
    complianceReport('2026-12-02', [{ month: '2026-11', fedInWh: 10_000, renewableFedInWh, takenWh: 10_000, matchedWh }], defaultLegalParameters()).years[0]?.checks ?? [];
  const at = report(3000, 6000);
  expect(found(at.find((c) => c.threshold === 'renewableShare')).met).toBe(true);
  expect(found(at.find((c) => c.threshold === 'selfConsumption')).met).toBe(false);
  expect(report(2999, 6001).map((c) => [c.threshold, c.met])).toEqual([
    ['renewableShare', false],
    ['selfConsumption', true],
  ]);
});
