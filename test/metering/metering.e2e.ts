import { createHash } from 'node:crypto';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

/** A value as GET .../readings answers it. */
interface Reading {
  intervalStart: string;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  quality: string;
  history: unknown[];
}

/** The value a step of the test found; a test that finds nothing fails here. */
function found<T>(value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let cityId: string;
let homeId: string;

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const admit = (body: Record<string, unknown>) => t.http.post(`/clusters/${clusterId}/members`).set(coordinator).send(body).expect(201);
  cityId = (
    (await admit({ kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', address: 'Orzesze', invoiceEmail: 'um@orzesze.pl', vatPayer: true, admittedOn: '2026-01-01' })).body as {
      memberId: string;
    }
  ).memberId;
  homeId = ((await admit({ kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' })).body as { memberId: string })
    .memberId;
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLCITY0001', memberId: cityId, role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 50, validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHOME0001', memberId: homeId, role: 'consumer', carrier: 'electricity', validFrom: '2026-05-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
});
afterAll(() => t.stop());

const quarter = (i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + i * 900_000).toISOString();
const batch = (ppeCode: string, count: number, importWh: (i: number) => number, exportWh: (i: number) => number = () => 0) => ({
  source: 'osd-api',
  readings: Array.from({ length: count }, (_, i) => ({ ppeCode, intervalStart: quarter(i), intervalMinutes: 15, importWh: importWh(i), exportWh: exportWh(i), quality: 'measured' })),
});

async function eventCount() {
  const { rows } = await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return found(rows[0]).n;
}

test('a JSON batch is recorded; the same batch again records nothing; a changed value is a correction', async () => {
  const first = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send(batch('PLHOME0001', 96 * 2, (i) => 100 + i))
    .expect(200);
  expect(first.body).toMatchObject({ new: 192, unchanged: 0, corrected: 0, eventsAppended: 2, status: 'recorded' });
  const again = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send(batch('PLHOME0001', 96 * 2, (i) => 100 + i))
    .expect(200);
  expect(again.body).toMatchObject({ new: 0, unchanged: 192, corrected: 0, eventsAppended: 0, status: 'nothing new' });
  const corrected = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd-correction', readings: [{ ppeCode: 'plhome 0001', intervalStart: quarter(5), intervalMinutes: 15, importWh: 999, exportWh: 0, quality: 'substituted' }] })
    .expect(200);
  expect(corrected.body).toMatchObject({ new: 0, unchanged: 0, corrected: 1 });

  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHOME0001/readings`)
    .query({ from: '2026-05-01T01:00:00+02:00', to: '2026-05-01T02:00:00+02:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items.map((r) => r.importWh)).toEqual([104, 999, 106, 107]);
  expect((read.body as { items: Reading[] }).items[1]).toMatchObject({ quality: 'substituted', history: [{ importWh: 105, exportWh: 0, quality: 'measured', source: 'osd-correction' }] });
});

test('a batch with any bad reading is rejected whole with every reason, and records nothing', async () => {
  const before = await eventCount();
  const body = batch(
    'PLCITY0001',
    4,
    () => 0,
    () => 500,
  );
  const [r0, r1, r2, r3] = body.readings;
  if (!r0 || !r1 || !r2 || !r3) throw new Error('the batch holds four readings');
  body.readings.push({ ...r0, ppeCode: 'PLNOBODY01' });
  body.readings.push({ ...r1, exportWh: 501 });
  body.readings.push({ ...r2, ppeCode: 'PLHOME0001', intervalStart: '2026-04-30T12:00:00Z' });
  body.readings.push({
    ...r3,
    intervalStart: new Date(Date.now() + 86_400_000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:\d\dZ$/, ':00Z')
      .replace(/T(\d\d):\d\d/, 'T$1:00'),
  });
  const res = await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(body).expect(400);
  expect((res.body as { detail: string }).detail).toMatch(/nothing was recorded/);
  expect((res.body as { errors: unknown[] }).errors).toEqual([
    { field: 'readings[4].ppeCode', reason: expect.stringMatching(/unknown metering point/) as unknown },
    { field: 'readings[5].intervalStart', reason: expect.stringMatching(/twice with different values/) as unknown },
    { field: 'readings[6].ppeCode', reason: expect.stringMatching(/not assigned to any member/) as unknown },
    { field: 'readings[7].intervalStart', reason: expect.stringMatching(/has not ended/) as unknown },
  ]);
  const shape = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'x', readings: [{ ppeCode: 'PLCITY0001', intervalStart: '2026-05-01T00:00:00', intervalMinutes: 15, importWh: -1, exportWh: 1.5 }] })
    .expect(400);
  expect(shape.headers['content-type']).toMatch(/application\/problem\+json/);
  expect((shape.body as { errors: unknown[] }).errors).toEqual(
    expect.arrayContaining([
      { field: 'readings[0].intervalStart', reason: expect.stringMatching(/has no offset/) as unknown },
      { field: 'readings[0].importWh', reason: 'must be at least 0' },
      { field: 'readings[0].exportWh', reason: 'must be integer' },
    ]),
  );
  expect((shape.body as { errors: unknown[] }).errors).toHaveLength(3);
  const fields = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ readings: [{ ppeCode: 'PLCITY0001', intervalStart: quarter(0), intervalMinutes: 5, importWh: 1, kWh: 1 }] })
    .expect(400);
  expect((fields.body as { errors: unknown[] }).errors).toEqual(
    expect.arrayContaining([
      { field: 'source', reason: 'is required' },
      { field: 'readings[0].exportWh', reason: 'is required' },
      { field: 'readings[0].kWh', reason: 'is not a field of this request' },
      { field: 'readings[0].intervalMinutes', reason: 'must be one of 15, 60, 1440, or a whole month (40320 to 44700) for heat' },
    ]),
  );
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'x', readings: [] }).expect(400);
  expect(await eventCount()).toBe(before);
});

test('a Tauron file is imported through the file endpoint; a bad file is rejected with line numbers', async () => {
  const rows = ['Data;Strefa;Wartość kWh;Rodzaj'];
  for (let h = 1; h <= 24; h++) rows.push(`2026-05-03 ${String(h)}:00;1;${h < 7 || h > 20 ? '0' : '2,5'};oddanie`);
  const hourly = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'tauron', ppeCode: 'PLCITY0001' })
    .set(coordinator)
    .set('content-type', 'text/csv')
    .send(rows.join('\r\n'))
    .expect(200);
  // the agreement settles in 15 minutes: each hour is divided evenly into its quarter-hours
  expect(hourly.body).toMatchObject({ readings: 24, new: 96, hourlySplit: { hours: 24, quarterHours: 96, rule: 'even' } });

  const bad = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'tauron', ppeCode: 'PLCITY0001' })
    .set(coordinator)
    .set('content-type', 'text/csv')
    .send('Data;Strefa;Wartość kWh;Rodzaj\n2026-05-03 1:00;1;x;oddanie\n2026-05-03 2:00;1;1;oddanie\n2026-05-03 27:00;1;1;oddanie\n')
    .expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([
    { line: 2, field: 'Wartość kWh', reason: expect.any(String) as unknown },
    { line: 4, field: 'Data', reason: expect.any(String) as unknown },
  ]);
  const missing = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ format: 'tauron' }).set(coordinator).set('content-type', 'text/csv').send('x').expect(400);
  expect((missing.body as { errors: unknown[] }).errors).toEqual([{ field: 'ppeCode', reason: expect.any(String) as unknown }]);
});

test('a generic CSV file is recorded and its digest kept on the events', async () => {
  const lines = ['ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality'];
  for (let i = 0; i < 8; i++) lines.push(`PLCITY0001,${quarter(96 * 3 + i)},15,0,${String(i * 10)},measured`);
  const res = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ format: 'generic' }).set(coordinator).set('content-type', 'text/csv').send(lines.join('\n')).expect(200);
  expect(res.body).toMatchObject({ new: 8, linesRead: 9 });
  const { rows } = await t.service.database.pool.query<{ data: { fileSha256: string; lineRanges: unknown } }>(
    `SELECT data FROM events WHERE type = 'MeterReadingsRecorded' AND data->>'ppeCode' = 'PLCITY0001' AND data->>'source' = 'file:generic'`,
  );
  expect(rows[0]?.data.fileSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(rows[0]?.data.lineRanges).toEqual([[2, 9]]);
});

test('completeness lists the missing ranges of each PPE over its membership', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/completeness`).query({ month: '2026-05' }).set(coordinator).expect(200);
  expect(res.body).toMatchObject({ month: '2026-05', intervalMinutes: 15, complete: false });
  const home = (res.body as { ppe: { ppeCode: string }[] }).ppe.find((p: { ppeCode: string }) => p.ppeCode === 'PLHOME0001');
  expect(home).toMatchObject({ expectedIntervals: 31 * 96, presentIntervals: 192, missing: [{ from: '2026-05-02T22:00:00.000Z', to: '2026-05-31T22:00:00.000Z' }] });
  await t.http.get(`/clusters/${clusterId}/completeness`).query({ month: '2026-13' }).set(coordinator).expect(400);
});

test('a meter-data token submits readings and nothing else; a member reads only its own PPE', async () => {
  const meter = await tokenFor(t, 'meter-data', clusterId);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(meter)
    .send(batch('PLHOME0001', 1, () => 100))
    .expect(200);
  await t.http.get(`/clusters/${clusterId}/completeness`).query({ month: '2026-05' }).set(meter).expect(403);
  const member = await tokenFor(t, 'member', clusterId, homeId);
  const own = await t.http.get(`/clusters/${clusterId}/metering-points/PLHOME0001/readings`).query({ from: '2026-05-01T00:00:00+02:00', to: '2026-05-01T01:00:00+02:00' }).set(member).expect(200);
  expect((own.body as { items: Reading[] }).items).toHaveLength(4);
  await t.http.get(`/clusters/${clusterId}/metering-points/PLCITY0001/readings`).query({ from: '2026-05-01T00:00:00+02:00', to: '2026-05-01T01:00:00+02:00' }).set(member).expect(404);
});

test('the import CLI records a file like the endpoint, and lists the bad lines of a rejected one', async () => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const join = (...parts: string[]) => path.join(...parts);
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  const good = join(dir, 'good.csv');
  const lines = ['ppe_code,interval_start,interval_minutes,import_wh,export_wh'];
  for (let i = 0; i < 4; i++) lines.push(`PLCITY0001,${quarter(96 * 5 + i)},15,0,${String(i)}`);
  writeFileSync(good, lines.join('\n'));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, `${String(lines[0])}\nPLCITY0001,not-a-time,15,0,1\n`);
  const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent', ADMIN_TOKEN: 'test-admin-token-0123456789abcdefghijklmnop' };
  // asynchronously: this process's own projection runner must keep running meanwhile
  const run = (file: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['dist/src/cli/import.js', '--cluster', clusterId, '--format', 'generic', file], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  const ok = await run(good);
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({ new: 4, status: 'recorded' });
  const rejected = await run(bad);
  expect(rejected.status).toBe(1);
  expect(rejected.stderr).toMatch(/line 2: "not-a-time"/);
});

test('a heat meter may report a whole Warsaw month, as its length in minutes; a month that is not one is refused', async () => {
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHEAT0001', memberId: cityId, role: 'consumer', carrier: 'heat', validFrom: '2026-01-01' })
    .expect(201);
  const month = (intervalStart: string, intervalMinutes: number, importWh = 5_400_000) => ({
    source: 'heat-meter',
    readings: [{ ppeCode: 'PLHEAT0001', intervalStart, intervalMinutes, importWh, exportWh: 0 }],
  });
  // March 2026 has 31 days less the hour of the spring change: 44,580 minutes
  const march = await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(month('2026-03-01T00:00:00+01:00', 44_580)).expect(200);
  expect(march.body).toMatchObject({ new: 1, eventsAppended: 1 });
  const wrongLength = await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(month('2026-04-01T00:00:00+02:00', 44_640)).expect(400);
  expect((wrongLength.body as { errors: unknown[] }).errors).toEqual([
    { field: 'readings[0].intervalMinutes', reason: 'the month starting 2026-03-31T22:00:00.000Z is 43200 minutes long, not 44640' },
  ]);
  const midMonth = await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(month('2026-04-02T00:00:00+02:00', 43_200)).expect(400);
  expect((midMonth.body as { errors: unknown[] }).errors[0]).toMatchObject({ field: 'readings[0].intervalStart', reason: expect.stringMatching(/beginning of a month/) as unknown });
  // electricity is never read by the month
  const electricity = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'x', readings: [{ ppeCode: 'PLCITY0001', intervalStart: '2026-04-01T00:00:00+02:00', intervalMinutes: 43_200, importWh: 1, exportWh: 0 }] })
    .expect(400);
  expect((electricity.body as { errors: unknown[] }).errors[0]).toMatchObject({ field: 'readings[0].intervalMinutes', reason: expect.stringMatching(/not an interval for electricity/) as unknown });

  // days in a series follow the Warsaw calendar across the autumn change (the 25th has 25 hours)
  const days = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'heat-meter', series: [{ ppeCode: 'PLHEAT0001', intervalStart: '2026-10-24T00:00:00+02:00', intervalMinutes: 1440, importWh: [100, 200, 300], exportWh: [0, 0, 0] }] })
    .expect(200);
  expect(days.body).toMatchObject({ new: 3, eventsAppended: 3 });
  const october = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHEAT0001/readings`)
    .query({ from: '2026-10-24T00:00:00+02:00', to: '2026-10-27T00:00:00+01:00' })
    .set(coordinator)
    .expect(200);
  expect((october.body as { items: Reading[] }).items.map((r) => [r.intervalStart, r.importWh])).toEqual([
    ['2026-10-23T22:00:00.000Z', 100],
    ['2026-10-24T22:00:00.000Z', 200],
    ['2026-10-25T23:00:00.000Z', 300],
  ]);
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHEAT0001/readings`)
    .query({ from: '2026-03-01T00:00:00+01:00', to: '2026-03-02T00:00:00+01:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items).toEqual([
    { intervalStart: '2026-02-28T23:00:00.000Z', intervalMinutes: 44_580, importWh: 5_400_000, exportWh: 0, quality: 'measured', history: [] },
  ]);
  // the same month again records nothing
  const again = await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(month('2026-03-01T00:00:00+01:00', 44_580)).expect(200);
  expect(again.body).toMatchObject({ new: 0, unchanged: 1, status: 'nothing new' });
});

test('a file may come as the one part of a multipart form; a form without a file is refused', async () => {
  const lines = ['ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality'];
  for (let i = 0; i < 4; i++) lines.push(`PLCITY0001,${quarter(96 * 20 + i)},15,0,${String(i * 7)},measured`);
  const res = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'generic' })
    .set(coordinator)
    .field('note', 'ignored')
    .attach('file', Buffer.from(lines.join('\r\n')), { filename: 'odczyty.csv', contentType: 'text/csv' })
    .expect(200);
  expect(res.body).toMatchObject({ new: 4, linesRead: 5, status: 'recorded' });
  const { rows } = await t.service.database.pool.query<{ data: { fileSha256: string } }>(
    `SELECT data FROM events WHERE type = 'MeterReadingsRecorded' AND data->>'source' = 'file:generic' AND data->>'day' = $1`,
    ['2026-05-21'],
  );
  // the digest is of the file, not of the form around it
  expect(rows[0]?.data.fileSha256).toBe(createHash('sha256').update(lines.join('\r\n')).digest('hex'));

  const none = await t.http.post(`/clusters/${clusterId}/readings/files`).query({ format: 'generic' }).set(coordinator).field('note', 'no file').expect(400);
  expect((none.body as { errors: unknown[] }).errors).toEqual([{ field: 'file', reason: 'the multipart body holds no file part' }]);
  const bad = await t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'generic' })
    .set(coordinator)
    .attach('file', Buffer.from(`${String(lines[0])}\nPLCITY0001,${quarter(96 * 21)},15,-5,0,measured\n`), 'bad.csv')
    .expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([{ line: 2, field: 'import_wh', reason: expect.any(String) as unknown }]);
});

test('series: consecutive intervals of a PPE as arrays record the same as one object per reading; errors name the value', async () => {
  const day = 96 * 12; // 2026-05-13
  const importWh = Array.from({ length: 96 }, (_, i) => 40 + i);
  const exportWh = Array.from({ length: 96 }, (_, i) => (i % 4 === 0 ? 3 : 0));
  const res = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd-profile', series: [{ ppeCode: 'plhome 0001', intervalStart: quarter(day), intervalMinutes: 15, importWh, exportWh }] })
    .expect(200);
  expect(res.body).toMatchObject({ new: 96, unchanged: 0, corrected: 0, eventsAppended: 1, readings: 96 });
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHOME0001/readings`)
    .query({ from: quarter(day), to: quarter(day + 96) })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items.map((r) => r.importWh)).toEqual(importWh);
  expect((read.body as { items: Reading[] }).items.map((r) => r.exportWh)).toEqual(exportWh);
  // the same values as objects are unchanged; objects and series may share a batch
  const asObjects = importWh.map((v, i) => ({ ppeCode: 'PLHOME0001', intervalStart: quarter(day + i), intervalMinutes: 15, importWh: v, exportWh: exportWh[i] }));
  const mixed = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'osd', readings: asObjects, series: [{ ppeCode: 'PLHOME0001', intervalStart: quarter(day + 96), intervalMinutes: 15, importWh: [1, 2], exportWh: [0, 0], quality: 'estimated' }] })
    .expect(200);
  expect(mixed.body).toMatchObject({ new: 2, unchanged: 96 });

  const before = await eventCount();
  const shape = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({
      source: 'x',
      series: [
        { ppeCode: 'PLHOME0001', intervalStart: quarter(day), intervalMinutes: 15, importWh: [1, 2, 3, -4], exportWh: [0, 0, 0, 0] },
        { ppeCode: 'PLHOME0001', intervalStart: quarter(day), intervalMinutes: 15, importWh: [1, 2], exportWh: [0] },
      ],
    })
    .expect(400);
  expect((shape.body as { errors: unknown[] }).errors).toEqual([{ field: 'series[0].importWh[3]', reason: 'must be at least 0' }]);
  const lengths = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'x', series: [{ ppeCode: 'PLHOME0001', intervalStart: quarter(day), intervalMinutes: 15, importWh: [1, 2], exportWh: [0] }] })
    .expect(400);
  expect((lengths.body as { errors: unknown[] }).errors).toEqual([{ field: 'series[0].exportWh', reason: 'must hold as many values as importWh (2), not 1' }]);
  const registry = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({
      source: 'x',
      readings: [asObjects[0]],
      series: [
        { ppeCode: 'PLNOBODY01', intervalStart: quarter(day), intervalMinutes: 15, importWh: [1, 2, 3], exportWh: [0, 0, 0] },
        { ppeCode: 'PLHOME0001', intervalStart: quarter(day), intervalMinutes: 15, importWh: [41, 99], exportWh: [3, 0] },
      ],
    })
    .expect(400);
  // one line for the unknown PPE, not one per value; the value in conflict by its index
  expect((registry.body as { errors: unknown[] }).errors).toEqual([
    { field: 'series[0].ppeCode', reason: 'unknown metering point PLNOBODY01 in this cluster' },
    { field: 'series[1].importWh[0]', reason: expect.stringMatching(/^the interval .* appears twice with different values \(first at entry /) as unknown },
  ]);
  expect((registry.body as { detail: string }).detail).toMatch(/4 bad entries/);
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'x', series: [] }).expect(400);
  expect(await eventCount()).toBe(before);
});

test('a month stream of the first version (version 1 events) still counts: a repeat is unchanged, a new value a correction with history', async () => {
  const day = 96 * 25; // 2026-05-26, in the PPE-month stream the first version wrote
  const legacy = {
    clusterId,
    ppeCode: 'PLCITY0001',
    day: '2026-05-26',
    dayStart: quarter(day),
    intervalMinutes: 15,
    source: 'osd-2025',
    fileSha256: null,
    indexes: [0, 1, 2],
    importWh: [0, 0, 0],
    exportWh: [700, 710, 720],
    quality: 'mmm',
    lines: [1, 2, 3],
  };
  const written = await t.service.eventStore.append(`meter-${clusterId}-PLCITY0001-2026-05`, [{ type: 'MeterReadingsRecorded', data: legacy }], 'no_stream');
  await t.service.app.get(ProjectionRunner).waitFor(written.lastGlobalPosition);
  const values = (exportWh: number[]) => ({ source: 'osd', series: [{ ppeCode: 'PLCITY0001', intervalStart: quarter(day), intervalMinutes: 15, importWh: [0, 0, 0], exportWh }] });
  const again = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send(values([700, 710, 720]))
    .expect(200);
  expect(again.body).toMatchObject({ new: 0, unchanged: 3, corrected: 0, status: 'nothing new' });
  const corrected = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send(values([700, 715, 720]))
    .expect(200);
  expect(corrected.body).toMatchObject({ new: 0, unchanged: 2, corrected: 1 });
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLCITY0001/readings`)
    .query({ from: quarter(day), to: quarter(day + 3) })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items.map((r) => r.exportWh)).toEqual([700, 715, 720]);
  expect(found((read.body as { items: Reading[] }).items[1]).history).toEqual([expect.objectContaining({ exportWh: 710, source: 'osd' })]);
});
