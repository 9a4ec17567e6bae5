// Import profiles (issue 21): defined, checked against a sample, saved as an event,
// chosen by name on upload; a sample that does not match is refused with line and reason.
import { readFileSync } from 'node:fs';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const memberId = (
    (
      await t.http
        .post(`/clusters/${clusterId}/members`)
        .set(coordinator)
        .send({ kind: 'household', legalName: 'Jan Kowalski', address: 'Orzesze', invoiceEmail: 'j@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
        .expect(201)
    ).body as { memberId: string }
  ).memberId;
  for (const ppeCode of ['PLPROF0001', 'PLPROF0002', 'PLPGE00001', 'PLENERGA01']) {
    await t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId, role: 'prosumer', carrier: 'electricity', source: 'pv', capacityKw: 10, validFrom: '2026-01-01' })
      .expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
});
afterAll(() => t.stop());

// an export of a made-up DSO: a title line, then quarter-hours starting at the time given, Wh, the PPE in a column
const profile = {
  name: 'osd-lokalny',
  delimiter: '\t',
  decimalSeparator: '.',
  encoding: 'auto',
  headerRow: 2,
  unit: 'Wh',
  time: { convention: 'hour-starting', intervalMinutes: 15, dateColumn: 'Dzień', timeColumn: 'Od', dateFormat: 'DD.MM.YYYY' },
  ppeColumn: 'Kod PPE',
  values: [
    { column: 'Pobór Wh', direction: 'import' },
    { column: 'Oddanie Wh', direction: 'export' },
  ],
};
const exportOf = (day: string, rows: [string, string, number, number][]) =>
  ['Eksport danych pomiarowych', 'Kod PPE\tDzień\tOd\tPobór Wh\tOddanie Wh', ...rows.map(([ppe, time, imp, exp]) => `${ppe}\t${day}\t${time}\t${String(imp)}\t${String(exp)}`)].join('\r\n');

test('a profile is defined, checked against its sample, saved as an event and used by name on upload', async () => {
  const sample = exportOf('01.05.2026', [
    ['PLPROF0001', '00:00', 10, 0],
    ['PLPROF0001', '00:15', 11, 0],
  ]);
  const saved = await t.http
    .post(`/clusters/${clusterId}/import-profiles`)
    .set(coordinator)
    .send({ ...profile, sample })
    .expect(201);
  expect(saved.body).toMatchObject({ name: 'osd-lokalny', builtIn: false, revision: 1, sampleReadings: 2 });
  const { rows } = await t.service.database.pool.query(`SELECT type, data FROM events WHERE stream_id = $1`, [`import-profiles-${clusterId}`]);
  expect(rows).toEqual([
    { type: 'ImportProfileSaved', data: expect.objectContaining({ clusterId, name: 'osd-lokalny', revision: 1, sample, profile: expect.objectContaining({ headerRow: 2 }) as unknown }) as unknown },
  ]);

  const list = await t.http.get(`/clusters/${clusterId}/import-profiles`).set(coordinator).expect(200);
  expect((list.body as { items: { name: string; builtIn: boolean }[] }).items.map((p) => [p.name, p.builtIn])).toEqual([
    ['pge-ebok', true],
    ['energa-moj-licznik', true],
    ['osd-lokalny', false],
  ]);

  const file = exportOf('02.05.2026', [
    ['PLPROF0001', '10:00', 100, 0],
    ['PLPROF0001', '10:15', 200, 0],
    ['PLPROF0002', '10:00', 0, 300],
    ['PLPROF0002', '10:15', 0, 400],
  ]);
  const upload = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ format: 'profile:osd-lokalny' }).set(coordinator).set('content-type', 'text/csv').send(file).expect(200);
  expect(upload.body).toMatchObject({ readings: 4, new: 4, status: 'recorded' });
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLPROF0002/readings`)
    .query({ from: '2026-05-02T10:00:00+02:00', to: '2026-05-02T10:30:00+02:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: { exportWh: number }[] }).items.map((i) => i.exportWh)).toEqual([300, 400]);
  const { rows: recorded } = await t.service.database.pool.query(`SELECT data->>'source' AS source FROM events WHERE type = 'MeterReadingsRecorded' AND data->>'ppeCode' = 'PLPROF0002'`);
  expect(recorded).toEqual([{ source: 'file:profile:osd-lokalny' }]);
  // the same by profile=NAME: nothing new
  const again = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ profile: 'osd-lokalny' }).set(coordinator).set('content-type', 'text/csv').send(file).expect(200);
  expect(again.body).toMatchObject({ status: 'nothing new' });
  // saving the name again is a new revision; the profile is another cluster's business only in its own cluster
  expect(
    (
      (
        await t.http
          .post(`/clusters/${clusterId}/import-profiles`)
          .set(coordinator)
          .send({ ...profile, sample })
          .expect(201)
      ).body as { revision: number }
    ).revision,
  ).toBe(2);
  const other = await clusterWithCoordinator(t);
  const unknown = await t.http
    .post(`/clusters/${other.clusterId}/readings/files`)
    .query({ format: 'profile:osd-lokalny' })
    .set(other.coordinator)
    .set('content-type', 'text/csv')
    .send(file)
    .expect(400);
  expect((unknown.body as { errors: { field: string }[] }).errors).toEqual([{ field: 'format', reason: 'no import profile "osd-lokalny" in this cluster; known: pge-ebok, energa-moj-licznik' }]);
  await t.http.get('/clusters/no-such-cluster/import-profiles').set(t.admin).expect(404);
  const badName = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ profile: 'Zły\u0000' }).set(coordinator).set('content-type', 'text/csv').send(file).expect(400);
  expect((badName.body as { errors: { field: string }[] }).errors).toEqual([{ field: 'profile', reason: expect.stringMatching(/holds a control character/) as unknown }]);
});

test('a sample that does not match the profile is refused with the line and reason, and nothing is saved', async () => {
  const before = (await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n;
  const sample = exportOf('01.05.2026', [
    ['PLPROF0001', '00:00', 10, 0],
    ['PLPROF0001', '00:20', 11, 0],
    ['PLPROF0001', '00:30', 1.5, 0],
  ]);
  const res = await t.http
    .post(`/clusters/${clusterId}/import-profiles`)
    .set(coordinator)
    .send({ ...profile, name: 'zly', sample })
    .expect(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect((res.body as { detail: string }).detail).toMatch(/The sample does not match the profile: 2 bad lines; the profile was not saved/);
  expect((res.body as { errors: { field: string }[] }).errors).toEqual([
    { field: 'sample', line: 4, reason: expect.stringMatching(/^Od: "00:20" is not a time of this profile \(15-minute intervals, 0:00 to 23:45, the start of the interval\)/) as unknown },
    { field: 'sample', line: 5, reason: expect.stringMatching(/^Pobór Wh: "1.5" is not a whole number of Wh/) as unknown },
  ]);
  const header = await t.http
    .post(`/clusters/${clusterId}/import-profiles`)
    .set(coordinator)
    .send({ ...profile, name: 'zly', sample: 'Kod;Dzień\n1;2\n' })
    .expect(400);
  expect((header.body as { errors: { field: string }[] }).errors[0]).toMatchObject({
    field: 'sample',
    line: 2,
    reason: expect.stringMatching(/the header \(1;2\) lacks "Od", "Dzień", "Kod PPE", "Pobór Wh", "Oddanie Wh": profile zly: tab-separated/) as unknown,
  });
  const definition = await t.http
    .post(`/clusters/${clusterId}/import-profiles`)
    .set(coordinator)
    .send({ ...profile, name: 'pge-ebok', unit: 'MWh' })
    .expect(400);
  expect((definition.body as { errors: { field: string }[] }).errors.map((e: { field: string }) => e.field)).toEqual(['unit', 'sample']);
  expect((await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n).toBe(before);
  // a member may not define profiles
  const member = await tokenFor(t, 'meter-data', clusterId);
  await t.http
    .post(`/clusters/${clusterId}/import-profiles`)
    .set(member)
    .send({ ...profile, sample })
    .expect(403);
});

test('the built-in PGE eBOK and Energa Mój Licznik profiles read their sample files', async () => {
  const sample = (name: string) => readFileSync(new URL(`../data/dso/${name}`, import.meta.url), 'utf8');
  const pge = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'profile:pge-ebok', ppeCode: 'PLPGE00001' })
    .set(coordinator)
    .set('content-type', 'text/csv')
    .send(sample('pge-ebok-2026-05-04.csv'))
    .expect(200);
  expect(pge.body).toMatchObject({ readings: 24, new: 96, hourlySplit: { hours: 24 } });
  const energa = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ profile: 'energa-moj-licznik', ppeCode: 'PLENERGA01' })
    .set(coordinator)
    .set('content-type', 'text/csv')
    .send(sample('energa-moj-licznik-2026-10-25.csv'))
    .expect(200);
  expect(energa.body).toMatchObject({ readings: 25, new: 100 });
  const missingPpe = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ profile: 'energa-moj-licznik' }).set(coordinator).set('content-type', 'text/csv').send('x').expect(400);
  expect((missingPpe.body as { errors: { field: string }[] }).errors).toEqual([{ field: 'ppeCode', reason: 'is required: profile energa-moj-licznik reads one PPE a file' }]);
});
