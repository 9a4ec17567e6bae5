// The support ledger and the transfer matrix through HTTP: example 1 of
// docs/support-ledger-examples.md in a quarter-hour cluster, the member's view, CSV,
// the close freezing both, the legal parameters as events, the compliance monitor.
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { inputDigest, settlementStreamId } from '../../src/settlement/domain/closing.js';
import { SettlementService } from '../../src/settlement/queries/settlement.service.js';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

/** The value a step of the test found; a test that finds nothing fails here. */
function found<T>(value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let memberB: { Authorization: string };
const ids: Record<string, string> = {};

const at = (local: string) => new Date(`2026-05-04T${local}:00+02:00`).toISOString();
const reading = (ppeCode: string, local: string, exportWh: number, importWh: number) => ({ ppeCode, intervalStart: at(local), intervalMinutes: 15, exportWh, importWh });
const example1 = (aAt10: number) => [
  reading('PLA0000001', '10:00', aAt10, 0),
  reading('PLA0000001', '11:00', 60_000, 0),
  reading('PLB0000001', '10:45', 0, 300_000),
  reading('PLB0000001', '11:00', 0, 20_000),
  reading('PLC0000001', '10:15', 0, 100_000),
  reading('PLC0000001', '11:00', 0, 20_000),
];

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  for (const key of ['A', 'B', 'C']) {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ kind: 'household', legalName: `Member ${key}`, address: 'x', invoiceEmail: 'x@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  }
  // member ids are random: the examples' tie-breaks do not depend on them (no ties in example 1)
  for (const [ppeCode, key, role] of [
    ['PLA0000001', 'A', 'producer'],
    ['PLB0000001', 'B', 'consumer'],
    ['PLC0000001', 'C', 'consumer'],
  ] as const) {
    await t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId: ids[key], role, carrier: 'electricity', ...(role === 'producer' ? { source: 'pv', capacityKw: 500 } : {}), validFrom: '2026-01-01' })
      .expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-04', intervalMinutes: 15 })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: example1(100_001) })
    .expect(200);
  memberB = await tokenFor(t, 'member', clusterId, ids.B);
});
afterAll(() => t.stop());

test('the provisional support ledger of example 1: hour by hour, members pro rata to what they took', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(coordinator).expect(200);
  expect(res.body).toMatchObject({ month: '2026-05', status: 'provisional', hourCount: 744 });
  expect((res.body as { hours: { localStart: string }[] }).hours).toHaveLength(744);
  expect((res.body as { totals: unknown }).totals).toMatchObject({
    fedInWh: 160_001,
    takenWh: 440_000,
    matchedWh: 140_001,
    renewableMatchedWh: 140_001,
    selfConsumptionBp: 3182,
    renewableShareBp: 10_000,
    waivedFeesGrosze: 145,
  });
  const b = (res.body as { members: { memberId: string }[] }).members.find((m: { memberId: string }) => m.memberId === ids.B);
  expect(b).toMatchObject({ takenWh: 320_000, renewableMatchedWh: 95_001, exemptWh: 95_001, waivedOzeGrosze: 69, waivedCogenerationGrosze: 29, waivedFeesGrosze: 98 });
  expect((res.body as { parameters: { feeRates: unknown } }).parameters.feeRates).toEqual([expect.objectContaining({ validFrom: '2026-01-01', ozeGroszePerMwh: 730, cogenerationGroszePerMwh: 300 })]);
  // a member sees the cluster's hours and totals and its own row only
  const mine = await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(memberB).expect(200);
  expect((mine.body as { members: { memberId: string }[] }).members.map((m: { memberId: string }) => m.memberId)).toEqual([ids.B]);
  expect((mine.body as { totals: unknown }).totals).toEqual((res.body as { totals: unknown }).totals);
  // the statement shows the exemption as information; its other fields are unchanged
  const statement = await t.http
    .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.B)}`)
    .set(memberB)
    .expect(200);
  expect(statement.body).toMatchObject({
    receivedWh: 20_000,
    importWh: 320_000,
    support: { renewableMatchedWh: 95_001, exemptWh: 95_001, waivedOzeGrosze: 69, waivedCogenerationGrosze: 29, waivedFeesGrosze: 98 },
  });
  await t.http.get(`/clusters/${clusterId}/support/2026-13`).set(coordinator).expect(400);
  // the law's hours whatever the agreement's interval: October has 745, with the repeated hour twice
  const october = await t.http.get(`/clusters/${clusterId}/support/2026-10`).set(coordinator).expect(200);
  expect((october.body as { hourCount: number }).hourCount).toBe(745);
  expect(
    (october.body as { hours: { localStart: string }[] }).hours.filter((h: { localStart: string }) => h.localStart.startsWith('2026-10-25T02:00')).map((h: { localStart: string }) => h.localStart),
  ).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00']);
});

test('the transfer matrix: JSON, per day, CSV; rows and columns meet the statements; a member sees its own', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers`).set(coordinator).expect(200);
  expect(res.body).toEqual({ clusterId, month: '2026-05', status: 'provisional', transfers: expect.any(Array) as unknown });
  expect(new Set((res.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers.map((x: object) => JSON.stringify(x)))).toEqual(
    new Set(
      [
        { fromMemberId: ids.A, toMemberId: ids.B, kind: 'pool', wh: 20_000 },
        { fromMemberId: ids.A, toMemberId: ids.C, kind: 'pool', wh: 20_000 },
      ].map((x) => JSON.stringify(x)),
    ),
  );
  const month = await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(coordinator).expect(200);
  for (const s of (month.body as { members: { memberId: string }[] }).members as { memberId: string; suppliedWh: number; receivedWh: number }[]) {
    const rows = (res.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers
      .filter((x: { fromMemberId: string }) => x.fromMemberId === s.memberId)
      .reduce((a: number, x: { wh: number }) => a + x.wh, 0);
    const columns = (res.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers
      .filter((x: { toMemberId: string }) => x.toMemberId === s.memberId)
      .reduce((a: number, x: { wh: number }) => a + x.wh, 0);
    expect([rows, columns]).toEqual([s.suppliedWh, s.receivedWh]);
  }
  const day = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers?day=2026-05-04`).set(coordinator).expect(200);
  expect(day.body).toMatchObject({ day: '2026-05-04' });
  expect((day.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers).toHaveLength(2);
  expect(
    (
      (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers?day=2026-05-05`).set(coordinator).expect(200)).body as {
        transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[];
      }
    ).transfers,
  ).toEqual([]);
  const bad = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers?day=2026-06-01`).set(coordinator).expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([{ field: 'day', reason: expect.any(String) as unknown }]);
  const csv = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers.csv`).set(coordinator).expect(200);
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.text.split('\r\n')[0]).toBe('from_member_id,to_member_id,kind,wh');
  expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(3);
  const accepted = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers`).set(coordinator).set('accept', 'text/csv').expect(200);
  expect(accepted.text).toBe(csv.text);
  const mine = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers`).set(memberB).expect(200);
  expect((mine.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers).toEqual([
    { fromMemberId: ids.A, toMemberId: ids.B, kind: 'pool', wh: 20_000 },
  ]);
});

test("the per-PPE per-hour export: CSV by default, the member's own PPE only", async () => {
  const csv = await t.http.get(`/clusters/${clusterId}/support/2026-05/ppe-hours.csv`).set(coordinator).expect(200);
  const lines = csv.text.split('\r\n').filter(Boolean);
  expect(lines[0]).toBe('ppe_code,member_id,hour_start,local_start,renewable,fed_in_wh,taken_wh,renewable_matched_wh');
  expect(lines).toContain(`PLB0000001,${String(ids.B)},2026-05-04T08:00:00.000Z,2026-05-04T10:00:00+02:00,false,0,300000,75001`);
  expect(lines).toContain(`PLA0000001,${String(ids.A)},2026-05-04T08:00:00.000Z,2026-05-04T10:00:00+02:00,true,100001,0,0`);
  const mine = await t.http.get(`/clusters/${clusterId}/support/2026-05/ppe-hours`).set(memberB).set('accept', 'application/json').expect(200);
  expect(new Set((mine.body as { rows: { ppeCode: string }[] }).rows.map((r: { ppeCode: string }) => r.ppeCode))).toEqual(new Set(['PLB0000001']));
});

test('legal parameters are events: the admin changes a rate from a date, the open month follows, others may not', async () => {
  const before = await t.http.get('/legal-parameters').set(coordinator).expect(200);
  expect((before.body as { version: number }).version).toBe(-1);
  await t.http.post('/legal-parameters/fee-rates').set(coordinator).send({ validFrom: '2026-06-01', ozeGroszePerMwh: 1, cogenerationGroszePerMwh: 1, basis: 'x', reason: 'x' }).expect(403);
  const bad = await t.http.post('/legal-parameters/thresholds').set(t.admin).send({ validFrom: '2027-01-01', renewableShareBp: 20_000, selfConsumptionBp: 6000, basis: 'x', reason: 'x' }).expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([{ field: 'renewableShareBp', reason: expect.any(String) as unknown }]);
  const set = await t.http
    .post('/legal-parameters/fee-rates')
    .set(t.admin)
    .send({ validFrom: '2026-05-04', ozeGroszePerMwh: 1_000_000, cogenerationGroszePerMwh: 0, basis: 'test rate', reason: 'test' })
    .expect(201);
  expect(set.body).toMatchObject({ version: 0, recorded: ['FeeRatesSet'] });
  const may = await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(coordinator).expect(200);
  // B: 95,001 Wh at 10,000 zł/MWh = 95,001 grosze; nothing at the kogeneracyjna rate of 0
  expect((may.body as { members: { memberId: string }[] }).members.find((m: { memberId: string }) => m.memberId === ids.B)).toMatchObject({ waivedOzeGrosze: 95_001, waivedCogenerationGrosze: 0 });
  // put the default back (a correction like any other)
  await t.http.post('/legal-parameters/fee-rates').set(t.admin).send({ validFrom: '2026-05-04', ozeGroszePerMwh: 730, cogenerationGroszePerMwh: 300, basis: 'URE', reason: 'back' }).expect(201);
  const back = await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(coordinator).expect(200);
  expect((back.body as { members: { memberId: string }[] }).members.find((m: { memberId: string }) => m.memberId === ids.B)).toMatchObject({ waivedOzeGrosze: 69, waivedCogenerationGrosze: 29 });
});

test('the compliance monitor and the year', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/support/compliance`).set(coordinator).expect(200);
  const year = new Date().getUTCFullYear();
  expect((res.body as { years: { year: number; checks: { threshold: string }[] }[] }).years.map((y: { year: number }) => y.year)).toEqual([year, year + 1]);
  const check = (res.body as { years: { year: number; checks: { threshold: string }[] }[] }).years[0]?.checks.find((c: { threshold: string }) => c.threshold === 'selfConsumption');
  expect(check).toMatchObject({ requiredBp: 6000, met: expect.any(Boolean) as unknown });
  for (const w of (res.body as { warnings: unknown[] }).warnings)
    expect(w).toEqual({ key: expect.stringMatching(/^support\.compliance\./) as unknown, params: expect.any(Object) as unknown, pl: expect.any(String) as unknown, en: expect.any(String) as unknown });
  await t.http.get(`/clusters/${clusterId}/support/compliance`).set(memberB).expect(403);
  const y = await t.http.get(`/clusters/${clusterId}/support?year=2026`).set(coordinator).expect(200);
  expect((y.body as { months: { month: string }[] }).months[0]?.month).toBe('2026-04');
  expect((y.body as { totals: unknown }).totals).toMatchObject({ fedInWh: 160_001, matchedWh: 140_001, selfConsumptionBp: 3182 });
  const mine = await t.http.get(`/clusters/${clusterId}/support?year=2026`).set(memberB).expect(200);
  expect((mine.body as { members: { memberId: string }[] }).members.map((m: { memberId: string }) => m.memberId)).toEqual([ids.B]);
  await t.http.get(`/clusters/${clusterId}/support?year=26`).set(coordinator).expect(400);
});

test('property: the ledger and the matrix of a closed month never change, whatever comes later', async () => {
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'example 1 only' }).expect(201);
  const ledger = (await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(coordinator).expect(200)).body as unknown;
  expect(ledger).toMatchObject({ status: 'closed', totals: { matchedWh: 140_001 } });
  const transfers = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers`).set(coordinator).expect(200)).body as { status: string };
  expect(transfers.status).toBe('closed');
  const csv = (await t.http.get(`/clusters/${clusterId}/support/2026-05/ppe-hours.csv`).set(coordinator).expect(200)).text;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 }), async (aAt10, rate) => {
      // a late correction of the month's readings and a change of the law from before it
      await t.http
        .post(`/clusters/${clusterId}/readings`)
        .set(coordinator)
        .send({ source: 'osd', readings: example1(aAt10) })
        .expect(200);
      await t.http
        .post('/legal-parameters/fee-rates')
        .set(t.admin)
        .send({ validFrom: '2026-05-01', ozeGroszePerMwh: rate, cogenerationGroszePerMwh: rate, basis: 'property', reason: 'property' })
        .expect(201);
      expect((await t.http.get(`/clusters/${clusterId}/support/2026-05`).set(coordinator).expect(200)).body).toEqual(ledger);
      expect((await t.http.get(`/clusters/${clusterId}/settlements/2026-05/transfers`).set(coordinator).expect(200)).body).toEqual(transfers);
      expect((await t.http.get(`/clusters/${clusterId}/support/2026-05/ppe-hours.csv`).set(coordinator).expect(200)).text).toBe(csv);
      const statement = await t.http
        .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.B)}`)
        .set(coordinator)
        .expect(200);
      expect((statement.body as { support: unknown }).support).toEqual({ renewableMatchedWh: 95_001, exemptWh: 95_001, waivedOzeGrosze: 69, waivedCogenerationGrosze: 29, waivedFeesGrosze: 98 });
    }),
    { numRuns: 4 },
  );
  // the replay recomputes the close from the events it read: the same matrix and ledger
  const replay = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(coordinator).expect(200);
  expect(replay.body).toMatchObject({ replayedIdentical: true, transfers: { identical: true }, support: { identical: true } });
});

test('a month closed before the ledger existed: its ledger and matrix come from the events the close read, and stay', async () => {
  const april = (local: string, ppeCode: string, exportWh: number, importWh: number) => ({
    ppeCode,
    intervalStart: new Date(`2026-04-06T${local}:00+02:00`).toISOString(),
    intervalMinutes: 15,
    exportWh,
    importWh,
  });
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: [april('10:00', 'PLA0000001', 5000, 0), april('10:00', 'PLB0000001', 0, 3000), april('10:30', 'PLC0000001', 0, 4000)] })
    .expect(200);
  const before = (await t.http.get(`/clusters/${clusterId}/support/2026-04`).set(coordinator).expect(200)).body as { totals: unknown; members: unknown };
  const matrixBefore = (await t.http.get(`/clusters/${clusterId}/settlements/2026-04/transfers`).set(coordinator).expect(200)).body as Record<string, unknown>;
  expect(before.totals).toMatchObject({ fedInWh: 5000, takenWh: 7000, matchedWh: 5000, renewableMatchedWh: 5000 });
  // the close as the first version wrote it: the statements, no matrix, no SupportLedgerClosed
  const settlement = t.service.app.get(SettlementService);
  const store = t.service.app.get<EventStore>(EVENT_STORE);
  const calculation = await settlement.calculateFromEvents(clusterId, '2026-04');
  const last = found(calculation.inputs.reduce<string | null>((a, e) => (a === null || store.isAtOrAfter(e.globalPosition, a) ? e.globalPosition : a), null));
  await store.append(
    settlementStreamId(clusterId, '2026-04'),
    [
      {
        type: 'SettlementPeriodClosed',
        data: {
          clusterId,
          month: '2026-04',
          agreementVersion: 1,
          statements: calculation.statements.map((statement) => {
            // the first version's statements had no support figures
            const rest: Record<string, unknown> = { ...statement };
            delete rest.support;
            return rest;
          }),
          totals: calculation.cluster,
          lastEventPosition: last,
          inputEvents: calculation.inputs.length,
          inputDigest: inputDigest(calculation.inputs),
          allowGaps: true,
          reason: 'first version',
          gaps: [],
          closedAt: new Date().toISOString(),
        },
      },
    ],
    'no_stream',
  );
  // later readings of April change nothing of the closed month
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: [april('10:00', 'PLA0000001', 9000, 0), april('11:00', 'PLC0000001', 0, 4000)] })
    .expect(200);
  const after = (await t.http.get(`/clusters/${clusterId}/support/2026-04`).set(coordinator).expect(200)).body as { status: string; totals: unknown; members: unknown };
  expect(after.status).toBe('closed');
  expect(after.totals).toEqual(before.totals);
  expect(after.members).toEqual(before.members);
  const matrixAfter = (await t.http.get(`/clusters/${clusterId}/settlements/2026-04/transfers`).set(coordinator).expect(200)).body as unknown;
  expect(matrixAfter).toEqual({ ...matrixBefore, status: 'closed' });
  const replay = (await t.http.get(`/clusters/${clusterId}/settlements/2026-04/replay`).set(coordinator).expect(200)).body as unknown;
  expect(replay).toMatchObject({ replayedIdentical: true, transfers: null, support: null });
});
