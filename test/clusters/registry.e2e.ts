import { AGREEMENT, clusterWithCoordinator, ORZESZE } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

interface Problem {
  detail: string;
  errors: { field: string; reason: string }[];
}
interface AdmittedMember {
  memberId: string;
  nip: string | null;
}
interface PointView {
  ppeCode: string;
  memberId: string;
  ownership: unknown[];
}

// asymmetric matchers are typed any; held as unknown they sit in typed literals
const anyString: unknown = expect.any(String);
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.stop());

async function eventCount() {
  const { rows } = await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  const [row] = rows;
  if (!row) throw new Error('SELECT count(*) answered no row');
  return row.n;
}

test('the Orzesze cluster: members, PPE, two agreement versions, a reassignment and a withdrawal, read back', async () => {
  const { clusterId, coordinator } = await clusterWithCoordinator(t);
  const admit = (body: Record<string, unknown>) => t.http.post(`/clusters/${clusterId}/members`).set(coordinator).send(body).expect(201);
  const city = (
    await admit({
      kind: 'municipality',
      legalName: 'Gmina Orzesze',
      nip: '6351831037',
      address: 'ul. Zamkowa 8, 43-180 Orzesze',
      invoiceEmail: 'um@orzesze.pl',
      vatPayer: true,
      selfBillingConsent: true,
      admittedOn: '2026-01-01',
    })
  ).body as AdmittedMember;
  const coop = (
    await admit({
      kind: 'cooperative',
      legalName: 'Spółdzielnia Socjalna "Orzeszanka"',
      nip: '6462933516',
      address: 'Orzesze',
      invoiceEmail: 'biuro@orzeszanka.pl',
      vatPayer: true,
      admittedOn: '2026-01-01',
    })
  ).body as AdmittedMember;
  const home = (await admit({ kind: 'household', legalName: 'Anna Nowak', address: 'ul. Gliwicka 1, Orzesze', invoiceEmail: 'anna@example.pl', vatPayer: false, admittedOn: '2026-02-01' }))
    .body as AdmittedMember;
  expect(city).toMatchObject({ memberId: anyString, kind: 'municipality', nip: '6351831037', streamVersion: 1 });
  expect(home.nip).toBeNull();

  const point = (body: Record<string, unknown>) => t.http.post(`/clusters/${clusterId}/metering-points`).set(coordinator).send(body).expect(201);
  await point({ ppeCode: 'pl0037 5800 0000 0001', memberId: city.memberId, role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 499.5, validFrom: '2026-01-01' });
  await point({ ppeCode: 'PL0037580000000002', memberId: city.memberId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' });
  await point({ ppeCode: 'PL0037580000000003', memberId: home.memberId, role: 'prosumer', carrier: 'electricity', source: 'pv', capacityKw: 6.2, validFrom: '2026-02-01' });

  await t.http.post(`/clusters/${clusterId}/agreement-versions`).set(coordinator).send(AGREEMENT).expect(201);
  const v2 = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-04', allocation: { method: 'priority', tiers: [[city.memberId], [coop.memberId]] } })
    .expect(201);
  expect(v2.body).toMatchObject({ version: 2, effectiveFrom: '2026-04', allocation: { method: 'priority' } });

  await t.http.post(`/clusters/${clusterId}/metering-points/PL0037580000000002/reassignment`).set(coordinator).send({ memberId: coop.memberId, effectiveFrom: '2026-03-01' }).expect(200);
  await t.http.post(`/clusters/${clusterId}/members/${home.memberId}/withdrawal`).set(coordinator).send({ effectiveOn: '2026-06-01' }).expect(200);

  const cluster = await t.http.get(`/clusters/${clusterId}`).set(coordinator).expect(200);
  expect(cluster.body).toMatchObject({ clusterId, name: ORZESZE.name, members: 3, meteringPoints: 3, latestAgreementVersion: { version: 2, effectiveFrom: '2026-04' } });
  const members = await t.http.get(`/clusters/${clusterId}/members`).set(coordinator).expect(200);
  expect((members.body as { items: { legalName: string; status: string }[] }).items.map((m) => [m.legalName, m.status])).toEqual([
    ['Anna Nowak', 'withdrawn'],
    ['Gmina Orzesze', 'active'],
    ['Spółdzielnia Socjalna "Orzeszanka"', 'active'],
  ]);
  const points = await t.http.get(`/clusters/${clusterId}/metering-points`).set(coordinator).expect(200);
  const pointItems = (points.body as { items: PointView[] }).items;
  const moved = pointItems.find((p) => p.ppeCode === 'PL0037580000000002');
  expect(moved?.memberId).toBe(coop.memberId);
  expect(moved?.ownership).toEqual([
    { memberId: city.memberId, from: '2025-12-31T23:00:00.000Z', to: '2026-02-28T23:00:00.000Z' },
    { memberId: coop.memberId, from: '2026-02-28T23:00:00.000Z', to: null },
  ]);
  const prosumer = pointItems.find((p) => p.ppeCode === 'PL0037580000000003');
  expect(prosumer?.ownership).toEqual([{ memberId: home.memberId, from: '2026-01-31T23:00:00.000Z', to: '2026-05-31T22:00:00.000Z' }]);
  expect(pointItems[0]).toMatchObject({ ppeCode: 'PL0037580000000001', capacityKw: 499.5, source: 'pv' });
  const versions = await t.http.get(`/clusters/${clusterId}/agreement-versions`).set(coordinator).expect(200);
  expect((versions.body as { items: { version: number }[] }).items.map((v) => v.version)).toEqual([1, 2]);
  const compliance = await t.http.get(`/clusters/${clusterId}/compliance`).set(coordinator).expect(200);
  expect((compliance.body as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toEqual(['ppe_of_withdrawn_member']);

  // every event names its actor and the request's correlation id
  const { rows } = await t.service.database.pool.query<{ metadata: { actor: { role: string; tokenId: string | null }; correlationId: unknown } }>(
    `SELECT metadata FROM events WHERE stream_id = $1 ORDER BY stream_position`,
    [`cluster-${clusterId}`],
  );
  expect(rows.length).toBe(11);
  expect(rows[1]?.metadata.actor).toMatchObject({ role: 'coordinator', tokenId: anyString });
  expect(rows[0]?.metadata.actor.role).toBe('admin');
  expect(rows.every((r) => typeof r.metadata.correlationId === 'string')).toBe(true);
});

test('bad input is a 400 naming every failing field, and records nothing', async () => {
  const { clusterId, coordinator } = await clusterWithCoordinator(t);
  const before = await eventCount();
  const bad = await t.http
    .post(`/clusters/${clusterId}/members`)
    .set(coordinator)
    .send({ kind: 'company', legalName: 'X', nip: '1234567890', address: 'a', invoiceEmail: 'x@y.pl', vatPayer: true, admittedOn: '2026-01-01', shoeSize: 44 })
    .expect(400);
  expect(bad.headers['content-type']).toMatch(/problem\+json/);
  expect((bad.body as Problem).errors).toEqual([{ field: 'shoeSize', reason: matching(/should not exist/) }]);
  const nip = await t.http
    .post(`/clusters/${clusterId}/members`)
    .set(coordinator)
    .send({ kind: 'company', legalName: 'X', nip: '1234567890', address: 'a', invoiceEmail: 'x@y.pl', vatPayer: true, admittedOn: '2026-01-01' })
    .expect(400);
  expect((nip.body as Problem).errors).toEqual([{ field: 'nip', reason: matching(/NIP/) }]);
  const keys = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, allocation: { method: 'static', redistribute: true, keys: [{ memberId: 'ghost', shareBp: 10001 }] } })
    .expect(400);
  expect((keys.body as Problem).errors.map((e) => e.field)).toEqual(expect.arrayContaining(['allocation.keys[0].shareBp']));
  const types = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 30, vatRateBp: -1 })
    .expect(400);
  expect((types.body as Problem).errors.map((e) => e.field).sort()).toEqual(['intervalMinutes', 'vatRateBp']);
  expect(await eventCount()).toBe(before);
});

test('unknown ids are 404; another cluster is 404 to its coordinator', async () => {
  const a = await clusterWithCoordinator(t);
  const b = await clusterWithCoordinator(t);
  await t.http.post(`/clusters/${a.clusterId}/members/nobody/withdrawal`).set(a.coordinator).send({ effectiveOn: '2026-05-01' }).expect(404);
  await t.http.post(`/clusters/${a.clusterId}/metering-points/NOPE0001/reassignment`).set(a.coordinator).send({ memberId: 'x', effectiveFrom: '2026-05-01' }).expect(404);
  await t.http.get(`/clusters/${b.clusterId}/members`).set(a.coordinator).expect(404);
  await t.http.get(`/clusters/00000000-0000-0000-0000-000000000000`).set(t.admin).expect(404);
});

test('a cluster registration with a bad coordinator NIP is refused', async () => {
  const res = await t.http
    .post('/clusters')
    .set(t.admin)
    .send({ ...ORZESZE, coordinator: { legalName: 'X', nip: '1111111112' } })
    .expect(400);
  expect((res.body as Problem).errors).toEqual([{ field: 'coordinator.nip', reason: anyString }]);
});

test('a write repeated with the same Idempotency-Key returns the first answer; another body with that key is 409', async () => {
  const { clusterId, coordinator } = await clusterWithCoordinator(t);
  const body = { kind: 'household', legalName: 'Jan Idempotentny', address: 'x', invoiceEmail: 'j@example.pl', vatPayer: false, admittedOn: '2026-01-01' };
  const first = await t.http.post(`/clusters/${clusterId}/members`).set(coordinator).set('Idempotency-Key', 'admit-jan-1').send(body).expect(201);
  const again = await t.http.post(`/clusters/${clusterId}/members`).set(coordinator).set('Idempotency-Key', 'admit-jan-1').send(body).expect(201);
  expect(again.body).toEqual(first.body);
  const members = await t.http.get(`/clusters/${clusterId}/members`).set(coordinator).expect(200);
  expect((members.body as { items: { legalName: string }[] }).items.filter((m) => m.legalName === 'Jan Idempotentny')).toHaveLength(1);
  const other = await t.http
    .post(`/clusters/${clusterId}/members`)
    .set(coordinator)
    .set('Idempotency-Key', 'admit-jan-1')
    .send({ ...body, legalName: 'Kto inny' })
    .expect(409);
  expect(other.headers['content-type']).toMatch(/problem\+json/);
});
