import { execFile } from 'node:child_process';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { eventHash } from '../../src/event-store/domain/hash-chain.js';
import { AGREEMENT, clusterWithCoordinator, prosumerAndConsumer, tokenFor } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { anyNumber, containing, defined, matching } from '../support/expect.js';

/** One line of GET /audit/events. */
interface ExportLine {
  globalPosition: string;
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  previousHash: string;
  hash: string;
}

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let auditor: { Authorization: string };
let otherCluster: string;

const quarter = (i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + i * 900_000).toISOString();

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  otherCluster = (await clusterWithCoordinator(t)).clusterId;
  auditor = await tokenFor(t, 'auditor', clusterId);
  await prosumerAndConsumer(t, clusterId, coordinator, { prosumer: ['A', 'PLA0000001'], consumer: ['B', 'PLB0000001'], agreement: { ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15 } });
  const readings = Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLA0000001', intervalStart: quarter(i), intervalMinutes: 15, importWh: 50, exportWh: i % 3 === 0 ? 400 : 0 },
    { ppeCode: 'PLB0000001', intervalStart: quarter(i), intervalMinutes: 15, importWh: 120 + (i % 7), exportWh: 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
});
afterAll(() => t.stop());

function ndjson(text: string) {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportLine);
}

test("the export streams NDJSON in global order with each event's hashes; an auditor sees its cluster only", async () => {
  const res = await t.http.get('/audit/events').set(auditor).expect(200);
  expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
  const lines = ndjson(res.text);
  expect(lines.length).toBe(8); // 6 registry events and one day of readings for each of 2 PPE
  expect(Object.keys(defined(lines[0], 'a first line')).sort()).toEqual(['data', 'globalPosition', 'hash', 'metadata', 'previousHash', 'schemaVersion', 'streamId', 'streamPosition', 'type']);
  expect(lines.every((l) => l.streamId === `cluster-${clusterId}` || l.streamId.startsWith(`meter-${clusterId}-`))).toBe(true);
  // each line verifies on its own with the documented algorithm
  for (const line of lines) expect(eventHash(line.previousHash, line)).toBe(line.hash);
  // paging: after + limit resume exactly
  const first = ndjson((await t.http.get('/audit/events').query({ limit: 3 }).set(auditor).expect(200)).text);
  const rest = ndjson(
    (
      await t.http
        .get('/audit/events')
        .query({ after: defined(first[2], 'a third line').globalPosition })
        .set(auditor)
        .expect(200)
    ).text,
  );
  expect([...first, ...rest].map((l) => l.globalPosition)).toEqual(lines.map((l) => l.globalPosition));
  const all = ndjson((await t.http.get('/audit/events').set(t.admin).expect(200)).text);
  expect(all.some((l) => l.streamId === `cluster-${otherCluster}`)).toBe(true);
  await t.http.get('/audit/events').query({ limit: 0 }).set(auditor).expect(400);
});

test('a month replayed from the events alone equals the live projection; a changed read model is reported', async () => {
  const replay = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(auditor).expect(200);
  expect(replay.body).toMatchObject({ identical: true, differences: [], members: 2, closed: false });
  const pool = t.service.database.pool;
  await pool.query(
    `UPDATE settlement_member_months SET statement = jsonb_set(statement::jsonb, '{receivedWh}', '1')::text WHERE cluster_id = $1 AND month = '2026-05' AND statement::jsonb->>'receivedWh' <> '0'`,
    [clusterId],
  );
  const changed = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(auditor).expect(200);
  const changedBody = changed.body as { identical: boolean; differences: unknown[] };
  expect(changedBody.identical).toBe(false);
  expect(changedBody.differences).toEqual([containing({ field: 'receivedWh', live: 1, closed: null, replayed: anyNumber })]);
  await pool.query(`DELETE FROM settlement_cluster_months WHERE cluster_id = $1`, [clusterId]);
});

test('rebuilding every projection from zero ends in the same read models, table by table', async () => {
  const pool = t.service.database.pool;
  const snapshot = async () => ({
    registry: (await pool.query('SELECT cluster_id, name, state, stream_version FROM registry_clusters ORDER BY cluster_id')).rows,
    meter: (await pool.query('SELECT cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present, corrections FROM meter_days ORDER BY cluster_id, ppe_code, day'))
      .rows,
    dirty: (await pool.query('SELECT cluster_id, month, marked_through FROM settlement_dirty_months ORDER BY cluster_id, month')).rows,
  });
  const before = await snapshot();
  expect(before.meter.length).toBe(2);
  const runner = t.service.app.get(ProjectionRunner);
  for (const projection of runner.list()) await runner.rebuild(projection.name);
  expect(await snapshot()).toEqual(before);
});

test('verify answers intact; an event changed in the database behind the triggers is found', async () => {
  const intact = await t.http.get('/audit/verify').set(auditor).expect(200);
  expect(intact.body).toMatchObject({ intact: true, streams: 3, events: anyNumber });

  const pool = t.service.database.pool;
  const { rows } = await pool.query<{ stream_id: string; stream_position: number; hash: string }>(
    `SELECT stream_id, stream_position, hash FROM events WHERE type = 'MeterReadingsRecorded' AND stream_id LIKE $1 ORDER BY global_position LIMIT 1`,
    [`meter-${clusterId}-%`],
  );
  const event = defined(rows[0], 'a readings event');
  // the superuser can switch the trigger off: the chain still tells
  await pool.query('ALTER TABLE events DISABLE TRIGGER events_no_update');
  await pool.query(`UPDATE events SET data = jsonb_set(data::jsonb, '{importWh,0}', '9999')::json WHERE stream_id = $1 AND stream_position = $2`, [event.stream_id, event.stream_position]);
  await pool.query('ALTER TABLE events ENABLE TRIGGER events_no_update');
  const broken = await t.http.get('/audit/verify').set(auditor).expect(200);
  const brokenBody = broken.body as { intact: boolean; broken: unknown[] };
  expect(brokenBody.intact).toBe(false);
  expect(brokenBody.broken).toEqual([
    { streamId: event.stream_id, streamPosition: event.stream_position, expectedHash: matching(/^[0-9a-f]{64}$/), foundHash: event.hash, reason: matching(/content/) },
  ]);

  const cli = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, ['dist/src/cli/audit-verify.js'], { env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent', ADMIN_TOKEN }, encoding: 'utf8' }, (error, stdout) => {
      resolve({ code: error ? Number(error.code) : 0, stdout });
    });
  });
  expect(cli.code).toBe(1);
  expect(JSON.parse(cli.stdout)).toMatchObject({ intact: false });
});
