// The trailing 12 months of a cluster month answer the same whatever was read before and
// after a rebuild: two clusters with the same data, one read month by month, the other
// asked for the last month only; then every read model rebuilt and the stored months gone.
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { AGREEMENT, clusterWithCoordinator, prosumerAndConsumer } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
const clusters: { clusterId: string; coordinator: { Authorization: string } }[] = [];

async function loadCluster() {
  const c = await clusterWithCoordinator(t);
  await prosumerAndConsumer(t, c.clusterId, c.coordinator, { prosumer: ['PV', 'PLPV000001'], consumer: ['Dom', 'PLHOME0001'], agreement: { ...AGREEMENT, effectiveFrom: '2026-02' } });
  // a day of readings in January (no agreement yet), February, March and May
  for (const [day, exportWh] of [
    ['2026-01-10', 100],
    ['2026-02-10', 300],
    ['2026-03-10', 900],
    ['2026-05-10', 1500],
  ] as const) {
    const start = Date.parse(`${day}T00:00:00+01:00`) - (day >= '2026-03-29' ? 3_600_000 : 0);
    const readings = Array.from({ length: 24 }, (_, h) => [
      { ppeCode: 'PLPV000001', intervalStart: new Date(start + h * 3_600_000).toISOString(), intervalMinutes: 60, importWh: 0, exportWh: h >= 9 && h < 16 ? exportWh : 0 },
      { ppeCode: 'PLHOME0001', intervalStart: new Date(start + h * 3_600_000).toISOString(), intervalMinutes: 60, importWh: 600, exportWh: 0 },
    ]).flat();
    await t.http.post(`/clusters/${c.clusterId}/readings`).set(c.coordinator).send({ source: 'osd', readings }).expect(200);
  }
  return c;
}

beforeAll(async () => {
  t = await startTestService();
  clusters.push(await loadCluster(), await loadCluster());
});
afterAll(() => t.stop());

interface Trailing {
  monthsIncluded: string[];
  importWh: number;
  [field: string]: unknown;
}
const trailing = async (c: { clusterId: string; coordinator: { Authorization: string } }, month: string) =>
  ((await t.http.get(`/clusters/${c.clusterId}/settlements/${month}`).set(c.coordinator).expect(200)).body as { trailing12Months: Trailing }).trailing12Months;

test("reading another month first does not change a month's trailing 12 months; a rebuild does not either", async () => {
  const [a, b] = clusters;
  if (!a || !b) throw new Error('beforeAll loaded two clusters');
  await trailing(a, '2026-03'); // a: March read before May
  const afterReading = await trailing(a, '2026-05');
  const alone = await trailing(b, '2026-05'); // b: May asked first
  expect(alone.monthsIncluded).toEqual(['2026-02', '2026-03', '2026-05']);
  expect(afterReading).toEqual(alone);
  expect(alone.importWh).toBe(3 * 24 * 600);
  // closing February changes nothing of the numbers: its closed totals are what it computed
  await t.http.post(`/clusters/${a.clusterId}/settlements/2026-02/close`).set(a.coordinator).send({ allowGaps: true, reason: 'one day' }).expect(201);
  expect(await trailing(a, '2026-05')).toEqual(alone);

  // every read model rebuilt from the log and the stored settlements gone
  const runner = t.service.app.get(ProjectionRunner);
  for (const projection of runner.list()) await runner.rebuild(projection.name);
  await t.service.database.pool.query('DELETE FROM settlement_member_months');
  await t.service.database.pool.query('DELETE FROM settlement_cluster_months');
  expect(await trailing(a, '2026-05')).toEqual(alone);
  expect(await trailing(b, '2026-05')).toEqual(alone);
  // a month's own trailing window from an earlier month: March counts February and March
  expect((await trailing(b, '2026-03')).monthsIncluded).toEqual(['2026-02', '2026-03']);
});
