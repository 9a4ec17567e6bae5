// Closed months stay closed: every change effective from a date inside (or before) a
// closed month is refused with 409 and records nothing; from the first open month it is
// accepted. A replay of a closed month whose live view has moved on lists the differences
// and never says identical.
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

interface Problem {
  detail: string;
  errors: { field: string }[];
}
interface Difference {
  closed: unknown;
  field: string;
  live: unknown;
  memberId: string;
  replayed: unknown;
}

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let auditor: { Authorization: string };
// the member ids, filled in by beforeAll
const ids = { pv: '', home: '', spare: '' };
const quarter = (day: number, i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + day * 86_400_000 + i * 900_000).toISOString();
const readingsOf = (day: number, exportWh: number) =>
  Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLPV000001', intervalStart: quarter(day, i), intervalMinutes: 15, importWh: 0, exportWh },
    { ppeCode: 'PLHOME0001', intervalStart: quarter(day, i), intervalMinutes: 15, importWh: 300, exportWh: 0 },
  ]).flat();

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  auditor = await tokenFor(t, 'auditor', clusterId);
  for (const key of ['pv', 'home', 'spare'] as const) {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ kind: 'household', legalName: key, address: 'x', invoiceEmail: 'x@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  }
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLPV000001', memberId: ids.pv, role: 'prosumer', carrier: 'electricity', source: 'pv', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHOME0001', memberId: ids.home, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-04', intervalMinutes: 15 })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: readingsOf(2, 500) })
    .expect(200);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'test' }).expect(201);
});
afterAll(() => t.stop());

const member = (admittedOn: string) => ({ kind: 'household', legalName: 'Nowy', address: 'x', invoiceEmail: 'x@example.pl', vatPayer: false, admittedOn });

test('every registry change reaching into a closed month is refused with 409 and records nothing; from June it is accepted', async () => {
  const events = async () =>
    Number((await t.service.database.pool.query<{ count: string }>('SELECT count(*) FROM events WHERE stream_id = ANY($1)', [[`cluster-${clusterId}`, `trading-${clusterId}`]])).rows[0]?.count);
  const before = await events();
  const C = `/clusters/${clusterId}`;
  const refused = [
    t.http.post(`${C}/members`).set(coordinator).send(member('2026-05-10')),
    t.http.post(`${C}/members`).set(coordinator).send(member('2026-04-01')), // April is open, but the member would count in May
    t.http.post(`${C}/metering-points`).set(coordinator).send({ ppeCode: 'PLNEW00001', memberId: ids.spare, role: 'consumer', carrier: 'electricity', validFrom: '2026-05-15' }),
    t.http.post(`${C}/metering-points/PLHOME0001/reassignment`).set(coordinator).send({ memberId: ids.spare, effectiveFrom: '2026-05-20' }),
    t.http.post(`${C}/metering-points/PLHOME0001/decommissioning`).set(coordinator).send({ effectiveFrom: '2026-05-20' }),
    t.http.post(`${C}/members/${ids.spare}/withdrawal`).set(coordinator).send({ effectiveOn: '2026-05-31' }),
    t.http
      .post(`${C}/agreement-versions`)
      .set(coordinator)
      .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15 }),
    t.http
      .post(`${C}/contracts`)
      .set(coordinator)
      .send({ sellerMemberId: ids.pv, buyerMemberId: ids.home, whPerInterval: 10, priceGroszePerMwh: 30_000, validFrom: '2026-05-01', validTo: '2026-12-31' }),
  ];
  for (const res of await Promise.all(refused.map((r) => r.then((x) => x)))) {
    expect([res.status, res.headers['content-type']]).toEqual([409, expect.stringMatching(/application\/problem\+json/)]);
    expect((res.body as Problem).detail).toMatch(/Month 2026-05 is closed: .* from 2026-0[45].* effective from 2026-06(-01)? or later/);
  }
  expect(await events()).toBe(before);

  await t.http.post(`${C}/members`).set(coordinator).send(member('2026-06-01')).expect(201);
  await t.http.post(`${C}/metering-points`).set(coordinator).send({ ppeCode: 'PLNEW00001', memberId: ids.spare, role: 'consumer', carrier: 'electricity', validFrom: '2026-06-01' }).expect(201);
  await t.http.post(`${C}/metering-points/PLHOME0001/reassignment`).set(coordinator).send({ memberId: ids.spare, effectiveFrom: '2026-06-02' }).expect(200);
  await t.http
    .post(`${C}/contracts`)
    .set(coordinator)
    .send({ sellerMemberId: ids.pv, buyerMemberId: ids.home, whPerInterval: 10, priceGroszePerMwh: 30_000, validFrom: '2026-06-01', validTo: '2026-12-31' })
    .expect(201);
  await t.http
    .post(`${C}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-06', intervalMinutes: 15 })
    .expect(201);
  // a bad field is still 400 first, naming it
  const bad = await t.http.post(`${C}/members`).set(coordinator).send(member('2026-02-30')).expect(400);
  expect((bad.body as Problem).errors.map((e) => e.field)).toContain('admittedOn');
});

test('a replay of a closed month never says identical beside a difference: replayed vs closed and live vs closed apart', async () => {
  const clean = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(auditor).expect(200)).body as unknown;
  expect(clean).toMatchObject({ identical: true, replayedIdentical: true, liveIdentical: true, differences: [], closed: true, digest: { matches: true } });
  // a late correction of a closed day: the live view moves, the close does not
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: readingsOf(2, 700) })
    .expect(200);
  const moved = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(auditor).expect(200)).body as { differences: Difference[] };
  expect(moved.differences.length).toBeGreaterThan(0);
  expect(moved).toMatchObject({ identical: false, replayedIdentical: true, liveIdentical: false, digest: { matches: true } });
  for (const d of moved.differences) {
    expect(Object.keys(d).sort()).toEqual(['closed', 'field', 'live', 'memberId', 'replayed']);
    expect(d.replayed).toBe(d.closed);
    expect(d.live).not.toBe(d.closed);
  }
});
