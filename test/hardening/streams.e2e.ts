// Broken bodies on every streaming route: a truncated multipart form, a form with two files,
// a body cut off mid-upload, an aborted export. Each answers 4xx (or is simply dropped) and
// the service keeps answering afterwards.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AGREEMENT, clusterWithCoordinator } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
let port: number;

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const member = await t.http
    .post(`/clusters/${clusterId}/members`)
    .set(coordinator)
    .send({ kind: 'household', legalName: 'Anna Nowak', address: 'Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: 'PLHOME0001', memberId: (member.body as { memberId: string }).memberId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, intervalMinutes: 15 })
    .expect(201);
  const server = t.service.app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => t.stop());

/** Sends raw bytes; resolves with what came back (status line and body) when the server answers or closes. */
function raw(head: string, body: Buffer | string, options: { end?: boolean; destroyAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('error', () => {
      resolve(received);
    });
    socket.on('close', () => {
      resolve(received);
    });
    socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
    socket.write(body);
    if (options.end) socket.end();
    if (options.destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), options.destroyAfterMs);
  });
}

const CSV = 'ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality\r\nPLHOME0001,2026-05-01T00:00:00+02:00,15,100,0,measured\r\n';

const filePart = (name: string, content: string) => `Content-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${content}`;

async function stillServes() {
  await t.http.get(`/clusters/${clusterId}`).set(coordinator).expect(200);
}

async function eventCount() {
  const { rows } = await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return rows[0]?.n;
}

test('a multipart form that ends early (the boundary never closes) answers 400 and the service lives on', async () => {
  const before = await eventCount();
  const body = `--XyZ\r\n${filePart('file', CSV)}`; // no closing boundary
  const answer = await raw(
    `POST /clusters/${clusterId}/readings/files?format=generic HTTP/1.1\nHost: x\nAuthorization: ${coordinator.Authorization}\nContent-Type: multipart/form-data; boundary=XyZ\nContent-Length: ${String(Buffer.byteLength(body))}\nConnection: close\n`,
    body,
  );
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(answer).toMatch(/application\/problem\+json/);
  expect(answer).toMatch(/"field":"file"/);
  await stillServes();
  expect(await eventCount()).toBe(before);
});

test('a multipart form cut off by the client mid-file does not stop the service', async () => {
  const body = `--XyZ\r\n${filePart('file', CSV.slice(0, 80))}`;
  await raw(
    `POST /clusters/${clusterId}/readings/files?format=generic HTTP/1.1\nHost: x\nAuthorization: ${coordinator.Authorization}\nContent-Type: multipart/form-data; boundary=XyZ\nContent-Length: 100000\n`,
    body,
    { destroyAfterMs: 150 },
  );
  await stillServes();
});

test('a malformed multipart body (garbage, no parts) answers 400', async () => {
  const body = 'this is not a form at all';
  const answer = await raw(
    `POST /clusters/${clusterId}/readings/files?format=generic HTTP/1.1\nHost: x\nAuthorization: ${coordinator.Authorization}\nContent-Type: multipart/form-data; boundary=XyZ\nContent-Length: ${String(body.length)}\nConnection: close\n`,
    body,
  );
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  await stillServes();
});

test('a multipart content type without a boundary answers 400', async () => {
  const res = await t.http.post(`/clusters/${clusterId}/readings/files?format=generic`).set(coordinator).set('content-type', 'multipart/form-data').send('x');
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  await stillServes();
});

test('a form with two file parts is refused (400) and records nothing', async () => {
  const before = await eventCount();
  const res = await t.http.post(`/clusters/${clusterId}/readings/files?format=generic`).set(coordinator).attach('file', Buffer.from(CSV), 'a.csv').attach('other', Buffer.from(CSV), 'b.csv');
  expect(res.status).toBe(400);
  expect((res.body as { errors: unknown }).errors).toEqual([{ field: 'file', reason: 'send one file per request' }]);
  expect(await eventCount()).toBe(before);
  await stillServes();
});

test('a plain file body cut off by the client does not stop the service', async () => {
  await raw(`POST /clusters/${clusterId}/readings/files?format=generic HTTP/1.1\nHost: x\nAuthorization: ${coordinator.Authorization}\nContent-Type: text/csv\nContent-Length: 100000\n`, CSV, {
    destroyAfterMs: 150,
  });
  await stillServes();
});

test("the portal's import cut off by the client does not stop the service", async () => {
  const token = coordinator.Authorization.slice('Bearer '.length);
  const signIn = await t.http.post('/portal/sign-in').type('form').send({ token });
  const cookie = ([] as string[])
    .concat(signIn.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  await raw(`POST /portal/import?format=generic HTTP/1.1\nHost: x\nCookie: ${cookie}\nContent-Type: text/csv\nContent-Length: 100000\n`, CSV, { destroyAfterMs: 150 });
  await stillServes();
});

test('an NDJSON export whose client goes away mid-stream does not stop the service', async () => {
  const answer = await raw(`GET /audit/events HTTP/1.1\nHost: x\nAuthorization: ${t.admin.Authorization}\n`, '', { destroyAfterMs: 20 });
  expect(answer === '' || /^HTTP\/1\.1 200/.test(answer)).toBe(true);
  await stillServes();
  await t.http.get('/audit/events').set(t.admin).expect(200);
});
