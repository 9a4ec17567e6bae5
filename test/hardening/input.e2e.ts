// Inputs that must be refused (400 naming the field, nothing recorded), token scopes, the
// Idempotency-Key race across two service processes, and 16 concurrent writers on one stream.
import { createService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import request from 'supertest';
import { ChainVerifier } from '../../src/audit/domain/verify-chain.js';
import { WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';
import { AGREEMENT, clusterWithCoordinator, ORZESZE, tokenFor } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { containing, matching } from '../support/expect.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let memberId: string;

const MEMBER = { kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' };

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  memberId = ((await t.http.post(`/clusters/${clusterId}/members`).set(coordinator).send(MEMBER).expect(201)).body as { memberId: string }).memberId;
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHOME0001', memberId, role: 'prosumer', carrier: 'electricity', source: 'pv', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
});
afterAll(() => t.stop());

async function logHead() {
  const { rows } = await t.service.database.pool.query('SELECT count(*)::int AS n, max(global_position)::text AS head FROM events');
  return rows[0] as { n: number; head: string };
}

function expectRefused(res: request.Response, field: string, reason?: RegExp) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect((res.body as { errors: unknown }).errors).toEqual(expect.arrayContaining([containing({ field, ...(reason ? { reason: matching(reason) } : {}) })]));
}

describe('text that no field may hold', () => {
  const bad = ['Nowak\u0000', 'Nowak\ud800', '\udc00Nowak', 'No\u001bwak', 'No\u007fwak', 'No\u0085wak', 'Nowak\nKowalski', 'Nowak\tK', '\uffff'];

  test.each(bad.map((s) => [JSON.stringify(s), s]))('a member name %s is refused naming the field, nothing recorded', async (_label, legalName) => {
    const before = await logHead();
    const res = await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .send({ ...MEMBER, legalName });
    expectRefused(res, 'legalName');
    expect(await logHead()).toEqual(before);
    await t.http.get(`/clusters/${clusterId}/members`).set(coordinator).expect(200);
  });

  test('nested fields are named by their path; an emoji (a surrogate pair) is text like any other', async () => {
    const res = await t.http
      .post('/clusters')
      .set(t.admin)
      .send({
        ...ORZESZE,
        area: {
          gminy: [
            { name: 'Orzesze', teryt: '2408031' },
            { name: 'Or\u0000', teryt: '2408032' },
          ],
        },
      });
    expectRefused(res, 'area.gminy[1].name');
    const emoji = await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .send({ ...MEMBER, legalName: 'Słoneczko ☀️ 😀' })
      .expect(201);
    expect((emoji.body as { legalName: string }).legalName).toBe('Słoneczko ☀️ 😀');
  });

  test('a reason may span lines and hold tabs, but not NUL', async () => {
    const res = await t.http.post(`/clusters/${clusterId}/settlements/2026-01/corrections`).set(coordinator).send({ reason: 'line one\n\tline two\u0000' });
    expectRefused(res, 'reason', /control character/);
    // multi-line text passes the text check (and fails later for a business reason, not for the text)
    const ok = await t.http.post(`/clusters/${clusterId}/settlements/2026-01/corrections`).set(coordinator).send({ reason: 'line one\r\n\tline two' });
    expect((ok.body as { errors?: { field: string }[] }).errors?.some((e: { field: string }) => e.field === 'reason') ?? false).toBe(false);
  });

  test('query and path parameters, readings batches and field names are checked too', async () => {
    expectRefused(await t.http.get(`/clusters/${clusterId}/completeness?month=2026-05%00`).set(coordinator), 'month');
    expectRefused(await t.http.get(`/clusters/${clusterId}/metering-points/PL%00X`).set(coordinator), 'ppeCode');
    expectRefused(await t.http.get(`/clusters/${clusterId}/completeness?month=2026-05&month=2026-06`).set(coordinator), 'month', /once/);
    expectRefused(await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd\u0000', series: [] }), 'source');
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/readings`)
        .set(coordinator)
        .send({ source: 'osd', readings: [{ ppeCode: 'PLHOME0001\ud83d', intervalStart: '2026-05-01T00:00:00+02:00', intervalMinutes: 15, importWh: 1, exportWh: 0 }] }),
      'readings[0].ppeCode',
    );
    const key = await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .send({ ...MEMBER, 'a\u0000b': 1 });
    expect(key.status).toBe(400);
    expect((key.body as { errors: { reason: string }[] }).errors[0]?.reason).toMatch(/field name/);
  });

  test('a token label with NUL is 400, not 500', async () => {
    expectRefused(await t.http.post('/tokens').set(t.admin).send({ role: 'auditor', clusterId, label: 'audytor\u0000' }), 'label');
  });

  test('a body nested thousands deep is refused, not a stack overflow', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const res = await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .send({ ...MEMBER, legalName: deep });
    expect(res.status).toBe(400);
  });
});

describe('the calendar and the numbers, exact or refused', () => {
  const instant = (intervalStart: string) => ({ source: 'osd', readings: [{ ppeCode: 'PLHOME0001', intervalStart, intervalMinutes: 15, importWh: 1, exportWh: 0 }] });
  test.each([
    ['2026-02-30T00:00:00+01:00', /not a day of the calendar/],
    ['2026-11-31T00:00:00+01:00', /not a day of the calendar/],
    ['2026-05-01T24:00:00+02:00', /00 to 23/],
    ['2026-05-01T10:00:00+25:00', /-14:00 and \+14:00/],
    ['2026-05-01T10:00:00+14:30', /-14:00 and \+14:00/],
    ['2026-05-01T10:00:00', /no offset/],
    ['2026-05-01T10:61:00Z', /time of day/],
  ])('a reading at %s is refused naming the field', async (text, reason) => {
    const before = await logHead();
    expectRefused(await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(instant(text)), 'readings[0].intervalStart', reason);
    const series = { source: 'osd', series: [{ ppeCode: 'PLHOME0001', intervalStart: text, intervalMinutes: 15, importWh: [1], exportWh: [0] }] };
    expectRefused(await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(series), 'series[0].intervalStart', reason);
    expectRefused(await t.http.get(`/clusters/${clusterId}/metering-points/PLHOME0001/readings`).query({ from: text, to: '2026-05-02T00:00:00Z' }).set(coordinator), 'from', reason);
    expectRefused(await t.http.get(`/clusters/${clusterId}/settlements/2026-05/members/${memberId}`).query({ asOf: text }).set(coordinator), 'asOf', reason);
    expectRefused(
      await t.http
        .post('/tokens')
        .set(t.admin)
        .send({ role: 'auditor', clusterId, label: 'a', expiresAt: text.replace('2026', '2099') }),
      'expiresAt',
    );
    expect(await logHead()).toEqual(before);
  });

  test('days and months off the calendar are refused in query and path parameters and bodies', async () => {
    expectRefused(await t.http.get(`/clusters/${clusterId}/settlements/2026-02/members/${memberId}/intervals?day=2026-02-30`).set(coordinator), 'day');
    expectRefused(await t.http.get(`/clusters/${clusterId}/settlements/2026-13`).set(coordinator), 'month');
    expectRefused(await t.http.get(`/clusters/${clusterId}/completeness?month=2026-00`).set(coordinator), 'month');
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/members`)
        .set(coordinator)
        .send({ ...MEMBER, admittedOn: '2026-02-30' }),
      'admittedOn',
    );
  });

  test('Wh and grosze above the documented maxima are refused on every JSON path', async () => {
    const { MAX_WH_PER_VALUE, MAX_GROSZE_PER_MWH, MAX_GROSZE } = await import('../../src/shared/limits.js');
    const reading = (importWh: number) => ({ source: 'osd', readings: [{ ppeCode: 'PLHOME0001', intervalStart: '2026-05-01T00:00:00+02:00', intervalMinutes: 15, importWh, exportWh: 0 }] });
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/readings`)
        .set(coordinator)
        .send(reading(MAX_WH_PER_VALUE + 1)),
      'readings[0].importWh',
      /at most/,
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/readings`)
        .set(coordinator)
        .send(reading(2 ** 53)),
      'readings[0].importWh',
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/readings`)
        .set(coordinator)
        .send({ source: 'osd', series: [{ ppeCode: 'PLHOME0001', intervalStart: '2026-05-01T00:00:00+02:00', intervalMinutes: 15, importWh: [1, MAX_WH_PER_VALUE + 1], exportWh: [0, 0] }] }),
      'series[0].importWh[1]',
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/agreement-versions`)
        .set(coordinator)
        .send({ ...AGREEMENT, effectiveFrom: '2026-07', internalPriceGroszePerMwh: MAX_GROSZE_PER_MWH + 1 }),
      'internalPriceGroszePerMwh',
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/agreement-versions`)
        .set(coordinator)
        .send({ ...AGREEMENT, effectiveFrom: '2026-07', monthlyFeeGroszePerMember: MAX_GROSZE + 1 }),
      'monthlyFeeGroszePerMember',
    );
    const other = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ ...MEMBER, legalName: 'Kupiec' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
    const contract = { sellerMemberId: memberId, buyerMemberId: other, whPerInterval: 1000, priceGroszePerMwh: 40000, validFrom: '2026-05-01', validTo: '2026-12-31' };
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/contracts`)
        .set(coordinator)
        .send({ ...contract, whPerInterval: MAX_WH_PER_VALUE + 1 }),
      'whPerInterval',
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/contracts`)
        .set(coordinator)
        .send({ ...contract, priceGroszePerMwh: MAX_GROSZE_PER_MWH + 1 }),
      'priceGroszePerMwh',
    );
    // at the maxima it is accepted
    await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send(reading(MAX_WH_PER_VALUE)).expect(200);
  });
});

describe('inputs that gave 500', () => {
  test('POST /clusters without coordinator or area', async () => {
    const withoutCoordinator: Partial<typeof ORZESZE> = { ...ORZESZE };
    delete withoutCoordinator.coordinator;
    expectRefused(await t.http.post('/clusters').set(t.admin).send(withoutCoordinator), 'coordinator');
    const withoutArea: Partial<typeof ORZESZE> = { ...ORZESZE };
    delete withoutArea.area;
    expectRefused(await t.http.post('/clusters').set(t.admin).send(withoutArea), 'area');
    expectRefused(
      await t.http
        .post('/clusters')
        .set(t.admin)
        .send({ ...ORZESZE, coordinator: null }),
      'coordinator',
    );
  });

  test('an agreement without allocation, with tiers that are not lists of ids', async () => {
    const without: Partial<typeof AGREEMENT> = { ...AGREEMENT };
    delete without.allocation;
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/agreement-versions`)
        .set(coordinator)
        .send({ ...without, effectiveFrom: '2026-08' }),
      'allocation',
    );
    expectRefused(
      await t.http
        .post(`/clusters/${clusterId}/agreement-versions`)
        .set(coordinator)
        .send({ ...AGREEMENT, effectiveFrom: '2026-08', allocation: { method: 'priority', tiers: [[1], null] } }),
      'allocation.tiers',
    );
  });
});

describe('tokens', () => {
  test('expiresAt needs an offset; the past is refused', async () => {
    expectRefused(await t.http.post('/tokens').set(t.admin).send({ role: 'auditor', clusterId, label: 'a', expiresAt: '2099-01-01T00:00:00' }), 'expiresAt', /no offset/);
    expectRefused(await t.http.post('/tokens').set(t.admin).send({ role: 'auditor', clusterId, label: 'a', expiresAt: '2000-01-01T00:00:00Z' }), 'expiresAt', /future/);
    const ok = await t.http.post('/tokens').set(t.admin).send({ role: 'auditor', clusterId, label: 'a', expiresAt: '2099-01-01T01:00:00+01:00' }).expect(201);
    expect((ok.body as { expiresAt: string }).expiresAt).toBe('2099-01-01T00:00:00.000Z');
  });

  test('a token for a cluster that does not exist, or a member not of the cluster, is 404', async () => {
    await t.http.post('/tokens').set(t.admin).send({ role: 'coordinator', clusterId: 'no-such-cluster', label: 'x' }).expect(404);
    await t.http.post('/tokens').set(t.admin).send({ role: 'member', clusterId, memberId: 'no-such-member', label: 'x' }).expect(404);
    const other = await clusterWithCoordinator(t);
    const foreign = ((await t.http.post(`/clusters/${other.clusterId}/members`).set(other.coordinator).send(MEMBER).expect(201)).body as { memberId: string }).memberId;
    // a coordinator: only members of its own cluster
    await t.http.post('/tokens').set(coordinator).send({ role: 'member', clusterId, memberId: foreign, label: 'x' }).expect(404);
    await t.http.post('/tokens').set(coordinator).send({ role: 'member', clusterId: other.clusterId, memberId: foreign, label: 'x' }).expect(404);
    await t.http.post('/tokens').set(coordinator).send({ role: 'member', clusterId, memberId, label: 'x' }).expect(201);
  });

  test('a meter-data token submits readings and reads nothing', async () => {
    const meter = await tokenFor(t, 'meter-data', clusterId);
    for (const path of ['/clusters', `/clusters/${clusterId}`, `/clusters/${clusterId}/metering-points`, `/clusters/${clusterId}/metering-points/PLHOME0001`, `/clusters/${clusterId}/members`]) {
      await t.http.get(path).set(meter).expect(403);
    }
  });
});

describe('concurrency', () => {
  let second: RunningService;
  let secondHttp: ReturnType<typeof request>;
  beforeAll(async () => {
    second = await createService(loadConfig({ DATABASE_URL: t.db.url, ADMIN_TOKEN, LOG_LEVEL: 'silent', PROJECTION_POLL_MS: '50' }), createLogger('silent'));
    secondHttp = request(second.app.getHttpServer());
  });
  afterAll(() => second.close());

  async function membersNamed(legalName: string) {
    const { rows } = await t.service.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'MemberAdmitted' AND data->>'legalName' = $2`, [
      `cluster-${clusterId}`,
      legalName,
    ]);
    return rows[0]?.n;
  }

  test('ten concurrent admissions with one Idempotency-Key, over two service processes: one member, ten equal answers', async () => {
    const body = { ...MEMBER, legalName: 'Idempotentna Spółdzielnia' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? t.http : secondHttp).post(`/clusters/${clusterId}/members`).set(coordinator).set('Idempotency-Key', 'admit-race-1').send(body)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await membersNamed(body.legalName)).toBe(1);
    // the same key with another body is still 409
    await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .set('Idempotency-Key', 'admit-race-1')
      .send({ ...body, legalName: 'Ktoś inny' })
      .expect(409);
  });

  test('a request refused with one key gives the key back: the corrected request then runs', async () => {
    await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .set('Idempotency-Key', 'admit-fix-1')
      .send({ ...MEMBER, legalName: 'x\u0000' })
      .expect(400);
    await t.http
      .post(`/clusters/${clusterId}/members`)
      .set(coordinator)
      .set('Idempotency-Key', 'admit-fix-1')
      .send({ ...MEMBER, legalName: 'Poprawiona' })
      .expect(201);
  });

  test('16 concurrent writers on one stream: each admitted or 409, none lost or doubled, versions contiguous, the chain intact', async () => {
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? t.http : secondHttp)
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ ...MEMBER, legalName: `Pisarz ${String(i)}` }),
      ),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    const admitted = answers.filter((a) => a.status === 201);
    expect(admitted.length).toBeGreaterThan(0);
    for (const [i, answer] of answers.entries()) expect(await membersNamed(`Pisarz ${String(i)}`)).toBe(answer.status === 201 ? 1 : 0);
    const { rows } = await t.service.database.pool.query<{ stream_position: number | string }>('SELECT stream_position FROM events WHERE stream_id = $1 ORDER BY stream_position', [
      `cluster-${clusterId}`,
    ]);
    expect(rows.map((r) => Number(r.stream_position))).toEqual(rows.map((_, i) => i));
    const versions = admitted.map((a) => (a.body as { streamVersion: number }).streamVersion);
    expect(new Set(versions).size).toBe(versions.length);
    const verify = await t.http.get('/audit/verify').set(t.admin).expect(200);
    expect((verify.body as { intact: boolean }).intact).toBe(true);
  });

  test('16 writers on one stream through the event store port of two processes, each retrying on a conflict: every event once, in contiguous versions', async () => {
    const streamId = `writers-${clusterId}`;
    const stores = [t.service.eventStore, second.eventStore];
    await Promise.all(
      Array.from({ length: 16 }, async (_, writer) => {
        const store = stores[writer % 2];
        if (!store) throw new Error('two stores');
        for (let n = 0; n < 5; n++) {
          const eventId = `00000000-0000-4000-8000-${String(writer * 100 + n).padStart(12, '0')}`;
          for (;;) {
            const events = await store.readStream(streamId);
            const expected = events.at(-1)?.streamPosition ?? 'no_stream';
            try {
              await store.append(streamId, [{ eventId, type: 'WriterWrote', data: { writer, n } }], expected);
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError)) throw error;
            }
          }
        }
      }),
    );
    const events = await t.service.eventStore.readStream(streamId);
    expect(events.map((e) => e.streamPosition)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    expect(new Set(events.map((e) => `${String(e.data.writer)}/${String(e.data.n)}`)).size).toBe(80);
    // each writer's events in its own order
    for (let writer = 0; writer < 16; writer++) expect(events.filter((e) => e.data.writer === writer).map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
    const verifier = new ChainVerifier();
    for (const event of events) verifier.add(event);
    expect(verifier.result().intact).toBe(true);
  });
});
