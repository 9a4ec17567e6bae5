// Hourly DSO files in a quarter-hour cluster: split into quarter-hours, settled, named,
// and replaced by quarter-hour data that arrives later (issue 21).
import { readFileSync } from 'node:fs';
import { AGREEMENT, clusterWithCoordinator } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let homeId: string;

/** A value as GET .../readings answers it. */
interface Reading {
  intervalStart: string;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  quality: string;
  history: unknown[];
}

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const admit = (body: Record<string, unknown>) => t.http.post(`/clusters/${clusterId}/members`).set(coordinator).send(body).expect(201);
  homeId = ((await admit({ kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' })).body as { memberId: string })
    .memberId;
  const schoolId = (
    (await admit({ kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', address: 'Orzesze', invoiceEmail: 'um@orzesze.pl', vatPayer: true, admittedOn: '2026-01-01' })).body as {
      memberId: string;
    }
  ).memberId;
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHOURLY01', memberId: homeId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLAMI00001', memberId: schoolId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLPV000001', memberId: schoolId, role: 'producer', carrier: 'electricity', source: 'pv', capacityKw: 50, validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
});
afterAll(() => t.stop());

const file = (name: string) => readFileSync(new URL(`../data/dso/${name}`, import.meta.url), 'utf8');
/** The file's values in Wh, from its kWh with a decimal comma. */
const fileWh = (text: string) =>
  text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => Number((line.split(';')[2] ?? '').replace(',', '')));
const upload = (text: string, query: Record<string, string> = {}) =>
  t.http
    .post(`/clusters/${clusterId}/readings/files`)
    .query({ format: 'tauron', ppeCode: 'PLHOURLY01', ...query })
    .set(coordinator)
    .set('content-type', 'text/csv')
    .send(text);

test('an hourly Tauron file of each DST day is accepted in a 15-minute cluster and settles to the Wh of the file', async () => {
  const spring = file('tauron-hourly-2026-03-29.csv');
  const autumn = file('tauron-hourly-2026-10-25.csv');
  const springRes = await upload(spring).expect(200);
  expect(springRes.body).toMatchObject({ readings: 23, new: 92, status: 'recorded', hourlySplit: { hours: 23, quarterHours: 92, rule: 'even' } });
  const autumnRes = await upload(autumn).expect(200);
  expect(autumnRes.body).toMatchObject({ readings: 25, new: 100, hourlySplit: { hours: 25, quarterHours: 100 } });

  for (const [month, text, quarterHours] of [
    ['2026-03', spring, 92],
    ['2026-10', autumn, 100],
  ] as const) {
    const sum = fileWh(text).reduce((a, b) => a + b, 0);
    const cluster = await t.http.get(`/clusters/${clusterId}/settlements/${month}`).set(coordinator).expect(200);
    expect((cluster.body as { totals: { importWh: number; ppeSettledFromHourlyData?: unknown } }).totals.importWh).toBe(sum);
    expect((cluster.body as { totals: { importWh: number; ppeSettledFromHourlyData?: unknown } }).totals.ppeSettledFromHourlyData).toEqual([{ ppeCode: 'PLHOURLY01', quarterHours }]);
    const statement = await t.http.get(`/clusters/${clusterId}/settlements/${month}/members/${homeId}`).set(coordinator).expect(200);
    expect(statement.body).toMatchObject({ importWh: sum, ppeSettledFromHourlyData: [{ ppeCode: 'PLHOURLY01', quarterHours }] });
    const completeness = await t.http.get(`/clusters/${clusterId}/completeness`).query({ month }).set(coordinator).expect(200);
    expect((completeness.body as { ppeFromHourlyData: string[] }).ppeFromHourlyData).toEqual(['PLHOURLY01']);
    expect((completeness.body as { ppe: { ppeCode: string }[] }).ppe.find((p: { ppeCode: string }) => p.ppeCode === 'PLHOURLY01')).toMatchObject({ hourlySplitQuarterHours: quarterHours });
  }
  // the repeated autumn hour is two hours, each in its own four quarter-hours
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHOURLY01/readings`)
    .query({ from: '2026-10-25T02:00:00+02:00', to: '2026-10-25T03:00:00+01:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items).toHaveLength(8);
  expect((read.body as { items: Reading[] }).items.every((i: { quality: string; intervalMinutes: number }) => i.quality === 'hourly_split' && i.intervalMinutes === 15)).toBe(true);
  const [, , first, second] = fileWh(autumn);
  const sums = [0, 4].map((k) => (read.body as { items: Reading[] }).items.slice(k, k + 4).reduce((a: number, i: { importWh: number }) => a + i.importWh, 0));
  expect(sums).toEqual([first, second]);
  // the same file again records nothing
  expect((await upload(autumn).expect(200)).body).toMatchObject({ new: 0, unchanged: 100, status: 'nothing new' });
});

test('quarter-hour data for the same day then replaces the split values as a correction', async () => {
  const importWh = Array.from({ length: 100 }, (_, i) => 10 + i);
  const res = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'ami', series: [{ ppeCode: 'PLHOURLY01', intervalStart: '2026-10-25T00:00:00+02:00', intervalMinutes: 15, importWh, exportWh: importWh.map(() => 0) }] })
    .expect(200);
  expect(res.body).toMatchObject({ new: 0, corrected: 100, status: 'recorded' });
  const cluster = await t.http.get(`/clusters/${clusterId}/settlements/2026-10`).set(coordinator).expect(200);
  expect((cluster.body as { totals: { importWh: number; ppeSettledFromHourlyData?: unknown } }).totals.importWh).toBe(importWh.reduce((a, b) => a + b, 0));
  expect((cluster.body as { totals: { importWh: number; ppeSettledFromHourlyData?: unknown } }).totals.ppeSettledFromHourlyData).toBeUndefined();
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHOURLY01/readings`)
    .query({ from: '2026-10-25T00:00:00+02:00', to: '2026-10-25T00:15:00+02:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items[0]).toMatchObject({ importWh: 10, quality: 'measured', history: [{ quality: 'hourly_split' }] });
  // an hourly file for a day measured in quarter-hours changes nothing there
  expect((await upload(file('tauron-hourly-2026-10-25.csv')).expect(200)).body).toMatchObject({ new: 0, corrected: 0, unchanged: 100 });
});

test('by the cluster profile: an hour follows the quarter-hours the other PPE measured that hour', async () => {
  // the AMI meter: 1, 0, 0, 3 Wh in each hour of 4 May
  const shape = Array.from({ length: 96 }, (_, i) => [1, 0, 0, 3][i % 4]);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'ami', series: [{ ppeCode: 'PLAMI00001', intervalStart: '2026-05-04T00:00:00+02:00', intervalMinutes: 15, importWh: shape, exportWh: shape.map(() => 0) }] })
    .expect(200);
  const rows = ['Data;Strefa;Wartość kWh;Rodzaj'];
  for (let h = 1; h <= 24; h++) rows.push(`2026-05-04 ${String(h)}:00;1;1,000;pobór`);
  await upload(rows.join('\n'), { hourlySplit: 'nonsense' }).expect(400);
  const res = await upload(rows.join('\n'), { hourlySplit: 'cluster-profile' }).expect(200);
  expect((res.body as { hourlySplit: unknown }).hourlySplit).toEqual({ hours: 24, quarterHours: 96, rule: 'cluster-profile' });
  const read = await t.http
    .get(`/clusters/${clusterId}/metering-points/PLHOURLY01/readings`)
    .query({ from: '2026-05-04T10:00:00+02:00', to: '2026-05-04T11:00:00+02:00' })
    .set(coordinator)
    .expect(200);
  expect((read.body as { items: Reading[] }).items.map((i: { importWh: number }) => i.importWh)).toEqual([250, 0, 0, 750]);
});

test('a file failing for one reason says it once, with the count and the line range, then the lines that fail otherwise', async () => {
  const rows = ['Data;Strefa;Wartość kWh;Rodzaj'];
  // December 2025: the PPE belongs to no member before 2026
  for (let h = 1; h <= 24; h++) rows.push(`2025-12-20 ${String(h)}:00;1;1,000;pobór`);
  rows.push('2030-01-01 1:00;1;1,000;pobór');
  const res = await upload(rows.join('\n')).expect(400);
  expect((res.body as { detail: string }).detail).toMatch(/25 bad lines; nothing was recorded/);
  expect((res.body as { errors: unknown[] }).errors).toEqual([
    { line: 2, lastLine: 25, count: 24, field: 'ppeCode', reason: expect.stringMatching(/PLHOURLY01 is not assigned to any member at 2025-12-19T23:00:00.000Z/) as unknown },
    { line: 26, field: 'intervalStart', reason: expect.stringMatching(/has not ended yet/) as unknown },
  ]);
  const one = await upload(rows.slice(0, 25).join('\n')).expect(400);
  expect((one.body as { detail: string }).detail).toMatch(/all 24 bad lines \(2 to 25\) fail for one reason: PLHOURLY01 is not assigned/);
  expect((one.body as { errors: unknown[] }).errors).toHaveLength(1);
});

test('after a close, quarter-hours replacing split hours are a pending correction; the closed statement keeps naming the hourly PPE', async () => {
  // the school's PV feeds the cluster on 29 March: what the household receives depends on its quarter-hours
  const pv = Array.from({ length: 92 }, () => 500);
  await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'ami', series: [{ ppeCode: 'PLPV000001', intervalStart: '2026-03-29T00:00:00+01:00', intervalMinutes: 15, importWh: pv.map(() => 0), exportWh: pv }] })
    .expect(200);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-03/close`).set(coordinator).send({ allowGaps: true, reason: 'Dane godzinowe OSD, brak innych' }).expect(201);
  await t.http
    .post(`/clusters/${clusterId}/settlements/2026-03/invoices`)
    .set(coordinator)
    .send({})
    .expect((r) => {
      expect(r.status).toBeLessThan(300);
    });
  const importWh = Array.from({ length: 92 }, (_, i) => 1 + i);
  const res = await t.http
    .post(`/clusters/${clusterId}/readings`)
    .set(coordinator)
    .send({ source: 'ami', series: [{ ppeCode: 'PLHOURLY01', intervalStart: '2026-03-29T00:00:00+01:00', intervalMinutes: 15, importWh, exportWh: importWh.map(() => 0) }] })
    .expect(200);
  expect(res.body).toMatchObject({ corrected: 92 });
  const pending = await t.http.get(`/clusters/${clusterId}/settlements/2026-03/corrections`).set(coordinator).expect(200);
  expect((pending.body as { pending: { memberId: string }[] }).pending.map((p: { memberId: string }) => p.memberId)).toContain(homeId);
  const closed = await t.http.get(`/clusters/${clusterId}/settlements/2026-03/members/${homeId}`).set(coordinator).expect(200);
  expect(closed.body).toMatchObject({ status: 'closed', ppeSettledFromHourlyData: [{ ppeCode: 'PLHOURLY01', quarterHours: 92 }] });
});
