// A small cluster, two days of 15-minute readings through the import path, and every
// statement figure computed by hand (see the comments).
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};
const idOf = (key: string): string => {
  const id = ids[key];
  if (id === undefined) throw new Error(`member ${key} was not admitted`);
  return id;
};
let afterFirstDay: string;

const quarter = (i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + i * 900_000).toISOString();
const sunny = (i: number) => i % 96 >= 40 && i % 96 < 64; // 24 quarter-hours a day

function readings(ppeCode: string, from: number, to: number, importWh: (i: number) => number, exportWh: (i: number) => number) {
  return Array.from({ length: to - from }, (_, k) => ({ ppeCode, intervalStart: quarter(from + k), intervalMinutes: 15, importWh: importWh(from + k), exportWh: exportWh(from + k) }));
}

async function importDay(day: number) {
  const from = day * 96;
  const to = from + 96;
  const body = {
    source: 'osd',
    readings: [
      ...readings(
        'PLCITYPV01',
        from,
        to,
        () => 0,
        (i) => (sunny(i) ? 1000 : 0),
      ),
      ...readings(
        'PLSCHOOL01',
        from,
        to,
        () => 300,
        () => 0,
      ),
      ...readings(
        'PLHOME0001',
        from,
        to,
        () => 100,
        (i) => (sunny(i) ? 200 : 0),
      ),
      ...readings(
        'PLFIRM0001',
        from,
        to,
        () => 200,
        () => 0,
      ),
    ],
  };
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(body).expect(200);
}

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const admit = async (key: string, body: Record<string, unknown>) => {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ address: 'Orzesze', vatPayer: true, admittedOn: '2026-01-01', ...body })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  };
  await admit('city', { kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', invoiceEmail: 'um@orzesze.pl' });
  await admit('school', { kind: 'municipal_company', legalName: 'Szkoła Podstawowa nr 1', nip: '5261040828', invoiceEmail: 'sp1@orzesze.pl' });
  await admit('home', { kind: 'household', legalName: 'Anna Nowak', invoiceEmail: 'anna@example.pl', vatPayer: false });
  await admit('firm', { kind: 'company', legalName: 'Piekarnia Orzeska', nip: '7770001111', invoiceEmail: 'biuro@piekarnia.pl' });
  const point = (ppeCode: string, memberId: string, role: string, source?: string) =>
    t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId, role, carrier: 'electricity', ...(source ? { source, capacityKw: 40 } : {}), validFrom: '2026-01-01' })
      .expect(201);
  await point('PLCITYPV01', idOf('city'), 'producer', 'pv');
  await point('PLSCHOOL01', idOf('school'), 'consumer');
  await point('PLHOME0001', idOf('home'), 'prosumer', 'pv');
  await point('PLFIRM0001', idOf('firm'), 'consumer');
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15 })
    .expect(201);
  await importDay(0);
  await new Promise((r) => setTimeout(r, 20));
  afterFirstDay = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await importDay(1);
});
afterAll(() => t.stop());

interface MonthBody {
  totals: Record<string, unknown>;
  members: { memberId: string }[];
  trailing12Months: unknown;
}
const statement = async (key: string, as = coordinator) =>
  (
    await t.http
      .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids[key])}`)
      .set(as)
      .expect(200)
  ).body as Record<string, unknown>;

test("each member's energy: own netting, received, supplied, grid, by hand", async () => {
  // In each of the 48 sunny quarter-hours: city surplus 1000, home 200 - own 100 = 100;
  // deficits school 300, firm 200. Shared 500; suppliers pro rata to surplus:
  // city 1000/1100 × 500 = 454.5, home 45.45 → 454 + 45 = 499, the leftover Wh to city (remainder 600 > 500).
  expect(await statement('city')).toMatchObject({ exportWh: 48_000, suppliedWh: 48 * 455, gridExportWh: 48_000 - 48 * 455, receivedWh: 0, status: 'provisional', agreementVersion: 1 });
  expect(await statement('home')).toMatchObject({
    importWh: 19_200,
    exportWh: 9_600,
    selfConsumedWh: 4_800,
    suppliedWh: 48 * 45,
    gridExportWh: 9_600 - 4_800 - 2_160,
    gridImportWh: 14_400,
    receivedWh: 0,
  });
  expect(await statement('school')).toMatchObject({ importWh: 57_600, receivedWh: 14_400, gridImportWh: 43_200, selfConsumedWh: 0 });
  expect(await statement('firm')).toMatchObject({ importWh: 38_400, receivedWh: 9_600, gridImportWh: 28_800 });
});

test("each member's money: values at the internal price, fees, VAT, net, savings; shares", async () => {
  // school: 14.4 kWh × 450 zł/MWh = 6.48 zł; fee 14.4 kWh × 10 zł/MWh = 0.144 → 0.14; monthly 20 zł;
  // VAT 23% × 26.62 = 6.1226 → 6.12; net 32.74; savings 14.4 × (900 - 450) zł/MWh = 6.48
  expect(await statement('school')).toMatchObject({
    receivedValueGrosze: 648,
    feesGrosze: 2014,
    vatGrosze: 612,
    netAmountGrosze: 3274,
    savingsGrosze: 648,
    receivedShareBp: 6000,
    importShareBp: 5000,
  });
  expect(await statement('firm')).toMatchObject({ receivedValueGrosze: 432, feesGrosze: 2010, vatGrosze: 562, netAmountGrosze: 3004, savingsGrosze: 432, receivedShareBp: 4000, importShareBp: 3333 });
  // city: 21.84 kWh × 450 = 9.828 → 9.83 zł owed to it; fee 21.84 × 5 zł/MWh = 0.1092 → 0.11; VAT on 20.11 = 4.6253 → 4.63
  // the city is a VAT payer: what it supplied carries VAT too (9.83 × 23% = 2.2609 → 2.26), as its self-billing invoice will
  expect(await statement('city')).toMatchObject({
    suppliedValueGrosze: 983,
    suppliedVatGrosze: 226,
    feesGrosze: 2011,
    vatGrosze: 463,
    netAmountGrosze: 2011 + 463 - 983 - 226,
    exportShareBp: 8333,
    suppliedShareBp: 9100,
  });
  expect(await statement('home')).toMatchObject({ suppliedValueGrosze: 97, feesGrosze: 2001, vatGrosze: 460, netAmountGrosze: 2001 + 460 - 97, exportShareBp: 1667, suppliedShareBp: 900 });
});

test('the cluster month: totals, KPIs against thresholds, one row per member', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(coordinator).expect(200);
  const body = res.body as MonthBody;
  expect(body).toMatchObject({ status: 'provisional', agreementVersion: 1, computedThrough: expect.any(String) as unknown });
  expect(body.totals).toMatchObject({
    importWh: 115_200,
    exportWh: 57_600,
    receivedWh: 24_000,
    suppliedWh: 24_000,
    selfConsumedWh: 4_800,
    selfSufficiency: { valueBp: 2500, thresholdBp: 3000, met: false },
    renewableShare: { valueBp: 10_000, thresholdBp: 5000, met: true },
  });
  expect(body.members).toHaveLength(4);
  expect(body.trailing12Months).toMatchObject({ monthsIncluded: ['2026-05'], selfSufficiency: { valueBp: 2500 } });
  // the statements are sent from their serialized bytes: still JSON, and unchanged content answers 304
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(body).at(-1)).toBe('members');
  await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(coordinator).set('if-none-match', String(res.headers.etag)).expect(304);
});

test('as of an instant: the statement from the events recorded up to then', async () => {
  const then = await t.http
    .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.school)}`)
    .query({ asOf: afterFirstDay })
    .set(coordinator)
    .expect(200);
  expect(then.body).toMatchObject({ receivedWh: 7_200, importWh: 28_800, asOf: afterFirstDay });
});

test('interval detail of one member and day', async () => {
  const res = await t.http
    .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.school)}/intervals`)
    .query({ day: '2026-05-01' })
    .set(coordinator)
    .expect(200);
  const { items } = res.body as { items: unknown[] };
  expect(items).toHaveLength(96);
  expect(items[40]).toMatchObject({ intervalStart: '2026-05-01T08:00:00.000Z', importWh: 300, receivedWh: 300, gridImportWh: 0 });
  expect(items[0]).toMatchObject({ receivedWh: 0, gridImportWh: 300 });
});

test('a member sees its own statement and the totals, and 404 for another member', async () => {
  const member = await tokenFor(t, 'member', clusterId, ids.home);
  expect((await statement('home', member)).memberId).toBe(ids.home);
  await t.http
    .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.school)}`)
    .set(member)
    .expect(404);
  const month = await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(member).expect(200);
  const body = month.body as MonthBody;
  expect(body.members.map((m: { memberId: string }) => m.memberId)).toEqual([ids.home]);
  expect(body.totals.receivedWh).toBe(24_000);
});

test('the provisional settlement follows a correction', async () => {
  // the DSO corrects one of the firm's quarter-hours to nothing
  const correct = (q: number) =>
    t.http
      .post(`/clusters/${clusterId}/readings`)
      .set(coordinator)
      .send({ source: 'osd-correction', readings: [{ ppeCode: 'PLFIRM0001', intervalStart: quarter(q), intervalMinutes: 15, importWh: 0, exportWh: 0 }] })
      .expect(200);
  await correct(40);
  // the firm's 200 Wh in that quarter-hour no longer draw from the pool
  expect(await statement('firm')).toMatchObject({ importWh: 38_200, receivedWh: 9_400 });
  const before = await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(coordinator).expect(200);
  await correct(41);
  expect(await statement('firm')).toMatchObject({ importWh: 38_000, receivedWh: 9_200 });
  // the month changed: its old tag no longer matches, and the answer is the new month
  const month = await t.http.get(`/clusters/${clusterId}/settlements/2026-05`).set(coordinator).set('if-none-match', String(before.headers.etag)).expect(200);
  expect(month.headers.etag).not.toBe(before.headers.etag);
  const { totals } = month.body as MonthBody;
  expect(totals.receivedWh).toBe(totals.suppliedWh);
  expect((month.body as MonthBody).members.find((m: { memberId: string }) => m.memberId === ids.firm)).toMatchObject({ importWh: 38_000, receivedWh: 9_200 });
});

test('a month without an agreement in force is a 409 with the reason; a bad month is 400', async () => {
  const res = await t.http.get(`/clusters/${clusterId}/settlements/2026-03`).set(coordinator).expect(409);
  expect((res.body as { detail: string }).detail).toMatch(/No agreement version is in force for 2026-03/);
  await t.http.get(`/clusters/${clusterId}/settlements/2026-5`).set(coordinator).expect(400);
});

test("a registry change after the month was stored reaches its statements (the stored month's registry version)", async () => {
  const before = (await statement('school')) as { feesGrosze: number };
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15, monthlyFeeGroszePerMember: 3000, supersedesVersion: 1 })
    .expect(201);
  // the monthly fee 20 zł → 30 zł, nothing else changed
  expect(((await statement('school')) as { feesGrosze: number }).feesGrosze - before.feesGrosze).toBe(1000);
});
