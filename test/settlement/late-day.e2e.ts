// A late file changes a day, not the month: the pending statements of a month whose only
// change since it was stored is a day of readings come from its stored days with that day
// computed alone, and equal the whole month computed again; a month whose days are not all
// stored is computed whole, and the next GET computes the support ledger with it again.
import { SettlementService } from '../../src/settlement/queries/settlement.service.js';
import { AGREEMENT, clusterWithCoordinator, prosumerAndConsumer } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
const MONTH = '2026-05';

function dayReadings(day: string, pvExportWh: number, homeImportWh: number) {
  const start = Date.parse(`${day}T00:00:00+02:00`);
  return Array.from({ length: 24 }, (_, h) => [
    { ppeCode: 'PLPV000001', intervalStart: new Date(start + h * 3_600_000).toISOString(), intervalMinutes: 60, importWh: 0, exportWh: h >= 9 && h < 16 ? pvExportWh : 0 },
    { ppeCode: 'PLHOME0001', intervalStart: new Date(start + h * 3_600_000).toISOString(), intervalMinutes: 60, importWh: homeImportWh, exportWh: 0 },
  ]).flat();
}

/** The energy and money of each statement (the support ledger's note on them is computed with the whole month only). */
const withoutSupport = (statements: object[]) => statements.map((statement) => Object.fromEntries(Object.entries(statement).filter(([field]) => field !== 'support')));

/** The month's stored days, each with its part. */
async function dayParts() {
  return (
    await t.service.database.pool.query<{ day: string; part: unknown }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, part FROM settlement_day_parts WHERE cluster_id = $1 ORDER BY day`, [clusterId])
  ).rows;
}

/** The statements as the table holds them (the text written, parsed). */
async function storedStatements() {
  const { rows } = await t.service.database.pool.query<{ statement: string }>('SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 ORDER BY member_id', [
    clusterId,
    MONTH,
  ]);
  return rows.map((r) => JSON.parse(r.statement) as unknown);
}

async function dayPartCount() {
  return (await t.service.database.pool.query('SELECT count(*)::int AS n FROM settlement_day_parts WHERE cluster_id = $1 AND month = $2', [clusterId, MONTH])).rows[0] as unknown;
}

/** Whether the stored month's support ledger is left to be computed again. */
async function supportStale() {
  return (await t.service.database.pool.query('SELECT support IS NULL AS stale FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2', [clusterId, MONTH])).rows[0] as unknown;
}

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  await prosumerAndConsumer(t, clusterId, coordinator, { prosumer: ['PV', 'PLPV000001'], consumer: ['Dom', 'PLHOME0001'], agreement: { ...AGREEMENT, effectiveFrom: MONTH } });
  for (const day of ['2026-05-10', '2026-05-11'])
    await t.http
      .post(`/clusters/${clusterId}/readings`)
      .set(coordinator)
      .send({ source: 'osd', readings: dayReadings(day, 1500, 600) })
      .expect(200);
});

afterAll(() => t.stop());

test('a late day is computed alone, and the month equals the whole month computed again', async () => {
  const settlement = t.service.app.get(SettlementService);
  const stored = await t.http.get(`/clusters/${clusterId}/settlements/${MONTH}`).set(coordinator).expect(200);
  expect(await dayPartCount()).toEqual({ n: 31 });
  const partsBefore = await dayParts();

  // the late file: a day that had no readings
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: dayReadings('2026-05-20', 900, 800) })
    .expect(200);
  const pending = await settlement.provisionalStatements(clusterId, MONTH);
  const whole = await settlement.calculateWith(clusterId, MONTH, {});
  expect(withoutSupport(pending)).toEqual(withoutSupport(whole.statements));
  // answered as computed, not read back: what was stored
  expect(await storedStatements()).toEqual(pending);
  expect(withoutSupport(pending)).not.toEqual(withoutSupport((stored.body as { members: object[] }).members));
  // the day path was taken: that day's part alone changed, the support ledger left for the next GET
  const partsAfter = await dayParts();
  expect(partsAfter.filter((p, i) => JSON.stringify(p) !== JSON.stringify(partsBefore[i])).map((p) => p.day)).toEqual(['2026-05-20']);
  expect(await supportStale()).toEqual({ stale: true });

  // the next GET needs the support ledger: the month is computed whole, with the same statements
  const again = await t.http.get(`/clusters/${clusterId}/settlements/${MONTH}`).set(coordinator).expect(200);
  expect(withoutSupport((again.body as { members: object[] }).members)).toEqual(withoutSupport(pending));
  expect(await supportStale()).toEqual({ stale: false });
});

test('a month whose days are not all stored is computed whole', async () => {
  const settlement = t.service.app.get(SettlementService);
  const pool = t.service.database.pool;
  await settlement.provisionalStatements(clusterId, MONTH);
  await pool.query(`DELETE FROM settlement_day_parts WHERE cluster_id = $1 AND day = '2026-05-03'`, [clusterId]);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: dayReadings('2026-05-21', 300, 900) })
    .expect(200);
  const pending = await settlement.provisionalStatements(clusterId, MONTH);
  expect(withoutSupport(pending)).toEqual(withoutSupport((await settlement.calculateWith(clusterId, MONTH, {})).statements));
  expect(await dayPartCount()).toEqual({ n: 31 });
});
