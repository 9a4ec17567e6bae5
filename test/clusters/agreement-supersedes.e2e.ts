// Agreement versions say what they replace (issue 21): a second version for a month is a
// conflict unless it names the one it supersedes; every version is kept with who added it
// and when; the settlement shows which version it used.
import { AGREEMENT, clusterWithCoordinator } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

interface Problem {
  detail: string;
}
interface VersionItem {
  version: number;
  addedAt: string;
}

// asymmetric matchers are typed any; held as unknown they sit in typed literals
const anyString: unknown = expect.any(String);
const containing = (shape: object): unknown => expect.objectContaining(shape);

let t: TestService;
afterAll(() => t.stop());
beforeAll(async () => {
  t = await startTestService();
});

test('a version for a month that has one is 409 unless it names the version it supersedes; GET shows every version, who and when', async () => {
  const { clusterId, coordinator } = await clusterWithCoordinator(t);
  const memberId = (
    (
      await t.http
        .post(`/clusters/${clusterId}/members`)
        .set(coordinator)
        .send({ kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
        .expect(201)
    ).body as { memberId: string }
  ).memberId;
  await t.http.post(`/clusters/${clusterId}/metering-points`).set(coordinator).send({ ppeCode: 'PLAGR00001', memberId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' }).expect(201);
  const v1 = await t.http.post(`/clusters/${clusterId}/agreement-versions`).set(coordinator).send(AGREEMENT).expect(201);
  expect(v1.body).toMatchObject({ version: 1, supersedesVersion: null });

  const silent = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, internalPriceGroszePerMwh: 50000 })
    .expect(409);
  expect((silent.body as Problem).detail).toMatch(/Version 1 already takes effect from 2026-01: to replace it, name it in supersedesVersion/);
  const wrong = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, internalPriceGroszePerMwh: 50000, supersedesVersion: 5 })
    .expect(409);
  expect((wrong.body as Problem).detail).toMatch(/that is version 1/);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, supersedesVersion: 'one' })
    .expect(400);

  const v2 = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, internalPriceGroszePerMwh: 50000, supersedesVersion: 1 })
    .expect(201);
  expect(v2.body).toMatchObject({ version: 2, supersedesVersion: 1, internalPriceGroszePerMwh: 50000 });

  const list = await t.http.get(`/clusters/${clusterId}/agreement-versions`).set(coordinator).expect(200);
  const { items } = list.body as { items: VersionItem[] };
  expect(items).toEqual([
    containing({ version: 1, effectiveFrom: '2026-01', supersedesVersion: null, supersededBy: 2, addedBy: { tokenId: anyString, role: 'coordinator' }, addedAt: anyString }),
    containing({ version: 2, effectiveFrom: '2026-01', supersedesVersion: 1, supersededBy: null, addedBy: containing({ role: 'coordinator' }) }),
  ]);
  expect(Date.parse(items[1]?.addedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(items[0]?.addedAt ?? ''));

  // the settlement of a month names the version it used, the month and the member's statement alike
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'x', readings: [{ ppeCode: 'PLAGR00001', intervalStart: '2026-02-01T00:00:00+01:00', intervalMinutes: 60, importWh: 1000, exportWh: 0 }] })
    .expect(200);
  const month = await t.http.get(`/clusters/${clusterId}/settlements/2026-02`).set(coordinator).expect(200);
  expect((month.body as { agreementVersion: number }).agreementVersion).toBe(2);
  const statement = await t.http.get(`/clusters/${clusterId}/settlements/2026-02/members/${memberId}`).set(coordinator).expect(200);
  expect((statement.body as { agreementVersion: number }).agreementVersion).toBe(2);
});
