// Two contracts compete for one seller's surplus, through HTTP, into the statements.
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};
const contracts: Record<string, string> = {};

// Termination dates must lie in the future whenever the suite runs.
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const quarter = (i: number) => new Date(Date.parse('2026-05-04T00:00:00+02:00') + i * 900_000).toISOString();

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  for (const [key, kind, nip] of [
    ['plant', 'company', '5261040828'],
    ['school', 'municipal_company', '7770001111'],
    ['water', 'municipal_company', '6351831037'],
  ] as const) {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ kind, legalName: key, nip, address: 'x', invoiceEmail: `${key}@example.pl`, vatPayer: true, admittedOn: '2026-01-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  }
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLPLANT001', memberId: ids.plant, role: 'producer', carrier: 'electricity', source: 'chp', capacityKw: 2000, validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLSCHOOL01', memberId: ids.school, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLWATER001', memberId: ids.water, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15 })
    .expect(201);
  // signed in this order: the school's contract is served first
  contracts.school = (
    (
      await t.http
        .post(`/clusters/${clusterId}/contracts`)
        .set(coordinator)
        .send({ sellerMemberId: ids.plant, buyerMemberId: ids.school, whPerInterval: 700, priceGroszePerMwh: 30_000, validFrom: '2026-05-01', validTo: '2030-12-31' })
        .expect(201)
    ).body as { contractId: string }
  ).contractId;
  contracts.water = (
    (
      await t.http
        .post(`/clusters/${clusterId}/contracts`)
        .set(coordinator)
        .send({ sellerMemberId: ids.plant, buyerMemberId: ids.water, whPerInterval: 500, priceGroszePerMwh: 35_000, validFrom: '2026-05-01', validTo: '2030-12-31' })
        .expect(201)
    ).body as { contractId: string }
  ).contractId;
  // one day (Monday 2026-05-04): the plant exports 1000 Wh a quarter-hour, school and water draw 800 each
  const readings = Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLPLANT001', intervalStart: quarter(i), intervalMinutes: 15, importWh: 0, exportWh: 1000 },
    { ppeCode: 'PLSCHOOL01', intervalStart: quarter(i), intervalMinutes: 15, importWh: 800, exportWh: 0 },
    { ppeCode: 'PLWATER001', intervalStart: quarter(i), intervalMinutes: 15, importWh: 800, exportWh: 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
});
afterAll(() => t.stop());

interface StatementBody {
  contracts: { role: string; deliveredWh: number }[];
  [field: string]: unknown;
}
interface ListBody {
  items: { contractId: string }[];
}
interface ProblemBody {
  errors: { field: string }[];
}
const statement = async (key: string) =>
  (
    await t.http
      .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids[key])}`)
      .set(coordinator)
      .expect(200)
  ).body as StatementBody;

test('two contracts compete for one seller: the first signed is served first, the second has a shortfall, the pool gets the rest', async () => {
  // per quarter-hour: school 700 by contract; water min(500, 1000 - 700) = 300 by contract, shortfall 200;
  // nothing left for the pool; school still short 100, water 500 → from the grid. The month's other
  // 2880 quarter-hours have no surplus: all they contracted is shortfall, not an error.
  const school = await statement('school');
  expect(school).toMatchObject({ contractReceivedWh: 96 * 700, poolReceivedWh: 0, receivedWh: 96 * 700, gridImportWh: 96 * 100 });
  expect(school.contracts).toEqual([
    {
      contractId: contracts.school,
      counterpartyMemberId: ids.plant,
      role: 'buyer',
      contractedWh: 2976 * 700,
      deliveredWh: 96 * 700,
      shortfallWh: 2880 * 700,
      priceGroszePerMwh: 30_000,
      valueGrosze: 2016,
    },
  ]);
  const water = await statement('water');
  expect(water.contracts).toEqual([
    {
      contractId: contracts.water,
      counterpartyMemberId: ids.plant,
      role: 'buyer',
      contractedWh: 2976 * 500,
      deliveredWh: 96 * 300,
      shortfallWh: 2976 * 500 - 96 * 300,
      priceGroszePerMwh: 35_000,
      valueGrosze: 1008,
    },
  ]);
  expect(water).toMatchObject({ receivedWh: 96 * 300, gridImportWh: 96 * 500 });
  const plant = await statement('plant');
  expect(plant).toMatchObject({ suppliedWh: 96 * 1000, contractSuppliedWh: 96 * 1000, gridExportWh: 0, suppliedValueGrosze: 2016 + 1008 });
  expect(plant.contracts.map((c: { role: string }) => c.role)).toEqual(['seller', 'seller']);
});

test('contracts are listed; a member sees its own; bad contracts are 400 and change nothing', async () => {
  const list = await t.http.get(`/clusters/${clusterId}/contracts`).set(coordinator).expect(200);
  expect((list.body as ListBody).items.map((c: { contractId: string }) => c.contractId)).toEqual([contracts.school, contracts.water]);
  const member = await tokenFor(t, 'member', clusterId, ids.water);
  const own = await t.http.get(`/clusters/${clusterId}/contracts`).set(member).expect(200);
  expect((own.body as ListBody).items.map((c: { contractId: string }) => c.contractId)).toEqual([contracts.water]);
  const bad = await t.http
    .post(`/clusters/${clusterId}/contracts`)
    .set(coordinator)
    .send({ sellerMemberId: ids.plant, buyerMemberId: ids.plant, whPerInterval: 1, priceGroszePerMwh: -5, validFrom: '2026-05-01', validTo: '2026-04-01' })
    .expect(400);
  expect((bad.body as ProblemBody).errors.map((e: { field: string }) => e.field).sort()).toEqual(['priceGroszePerMwh']);
  const self = await t.http
    .post(`/clusters/${clusterId}/contracts`)
    .set(coordinator)
    .send({ sellerMemberId: ids.plant, buyerMemberId: ids.plant, whPerInterval: 1, priceGroszePerMwh: 5, validFrom: '2026-05-01', validTo: '2026-04-01' })
    .expect(400);
  expect((self.body as ProblemBody).errors.map((e: { field: string }) => e.field).sort()).toEqual(['buyerMemberId', 'validTo']);
  expect(((await t.http.get(`/clusters/${clusterId}/contracts`).set(coordinator).expect(200)).body as ListBody).items).toHaveLength(2);
});

test('a termination from a later date leaves what was delivered; a past one is refused', async () => {
  await t.http
    .post(`/clusters/${clusterId}/contracts/${String(contracts.water)}/termination`)
    .set(coordinator)
    .send({ effectiveFrom: '2026-05-02' })
    .expect(400);
  await t.http
    .post(`/clusters/${clusterId}/contracts/${String(contracts.water)}/termination`)
    .set(coordinator)
    .send({ effectiveFrom: daysFromNow(30) })
    .expect(200);
  await t.http
    .post(`/clusters/${clusterId}/contracts/${String(contracts.water)}/termination`)
    .set(coordinator)
    .send({ effectiveFrom: daysFromNow(60) })
    .expect(409);
  expect((await statement('water')).contracts[0]?.deliveredWh).toBe(96 * 300);
});
