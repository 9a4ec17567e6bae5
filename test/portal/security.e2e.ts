// The portal's protections without a browser: a session id in the cookie (never the
// token), Origin and CSRF token on every POST, the CSP with no inline script, the import's
// size limit, and behind a TLS proxy (TRUST_PROXY) Secure cookies and a rate limit by the
// client's address.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { AGREEMENT, clusterWithCoordinator } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { defined, matching } from '../support/expect.js';

let t: TestService;
let clusterId: string;
let token: string;
const ORIGIN = 'http://portal.test';

beforeAll(async () => {
  t = await startTestService();
  const c = await clusterWithCoordinator(t);
  clusterId = c.clusterId;
  token = c.coordinator.Authorization.slice(7);
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(c.coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05' })
    .expect(201);
});
afterAll(() => t.stop());

const cookieOf = (res: { headers: Record<string, unknown> }, name: string) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (cookie: string | undefined) => cookie?.split(';')[0]?.split('=')[1] ?? '';
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Signs in as a browser would: the sign-in page, then its form with the token. */
async function signIn() {
  const page = await t.http.get('/portal').set('host', 'portal.test').expect(200);
  const pre = valueOf(cookieOf(page, 'kl_csrf'));
  expect(csrfIn(page.text)).toBe(pre);
  const res = await t.http.post('/portal/sign-in').set('host', 'portal.test').set('origin', ORIGIN).set('cookie', `kl_csrf=${pre}`).type('form').send({ token, _csrf: pre }).expect(303);
  const session = valueOf(cookieOf(res, 'kl_session'));
  const home = await t.http.get(`/portal/cluster/2026-05`).set('host', 'portal.test').set('cookie', `kl_session=${session}`).expect(200);
  return { session, csrf: defined(csrfIn(home.text), 'the CSRF field'), home };
}

// the closes recorded (a close appends SettlementPeriodClosed and SupportLedgerClosed together)
const closed = async () =>
  (await t.service.database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'SettlementPeriodClosed'", [`settlement-${clusterId}-2026-05`])).rows[0]
    ?.n;

test('the session cookie is a session id, not the token; only its hash is stored; signing out deletes it', async () => {
  const { session } = await signIn();
  expect(session).not.toBe(token);
  expect(session).not.toContain(token.slice(3, 20));
  const rows = (await t.service.database.pool.query<{ session_hash: string; expires_at: Date }>('SELECT session_hash, expires_at FROM portal_sessions')).rows;
  expect(rows.map((r) => r.session_hash)).toContain(createHash('sha256').update(session).digest('hex'));
  expect(JSON.stringify(rows)).not.toContain(session);
  expect(rows.every((r) => r.expires_at > new Date())).toBe(true);
  const home = await t.http.get('/portal/home').set('host', 'portal.test').set('cookie', `kl_session=${session}`).expect(200);
  const csrf = defined(csrfIn(home.text), 'the CSRF field');
  await t.http.post('/portal/sign-out').set('host', 'portal.test').set('origin', ORIGIN).set('cookie', `kl_session=${session}`).type('form').send({ _csrf: csrf }).expect(303);
  expect(
    (await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM portal_sessions WHERE session_hash = $1', [createHash('sha256').update(session).digest('hex')])).rows[0]?.n,
  ).toBe(0);
  const after = await t.http.get('/portal/home').set('host', 'portal.test').set('cookie', `kl_session=${session}`).expect(303);
  expect(after.headers.location).toBe('/portal?ended=1');
  // the raw token in the cookie opens nothing
  expect((await t.http.get('/portal/home').set('cookie', `kl_session=${token}`).expect(303)).headers.location).toBe('/portal?ended=1');
});

test('a POST from another origin, or without one, or without the CSRF token, is refused and changes nothing', async () => {
  const { session, csrf } = await signIn();
  const post = () => t.http.post('/portal/cluster/2026-05/close').set('host', 'portal.test').set('cookie', `kl_session=${session}`).type('form');
  const crossSite = await post().set('origin', 'https://evil.example').send({ _csrf: csrf, allowGaps: '1', reason: 'x' }).expect(403);
  expect(crossSite.headers['content-type']).toMatch(/application\/problem\+json/);
  await post().set('referer', 'https://evil.example/page').send({ _csrf: csrf, allowGaps: '1', reason: 'x' }).expect(403);
  await post().send({ _csrf: csrf, allowGaps: '1', reason: 'x' }).expect(403); // neither Origin nor Referer
  await post().set('origin', 'null').send({ _csrf: csrf, allowGaps: '1', reason: 'x' }).expect(403);
  await post().set('origin', ORIGIN).send({ allowGaps: '1', reason: 'x' }).expect(403); // no token
  await post()
    .set('origin', ORIGIN)
    .send({ _csrf: 'x'.repeat(csrf.length), allowGaps: '1', reason: 'x' })
    .expect(403);
  // another session's token does not do either (synchronizer: the token is the session's)
  const other = await signIn();
  await post().set('origin', ORIGIN).send({ _csrf: other.csrf, allowGaps: '1', reason: 'x' }).expect(403);
  expect(await closed()).toBe(0);
  // the sign-in form too: without the cookie's token, no session
  await t.http.post('/portal/sign-in').set('host', 'portal.test').set('origin', ORIGIN).type('form').send({ token }).expect(403);
  // with Origin (or a same-site Referer) and the token it goes through
  await post().set('referer', `${ORIGIN}/portal/cluster/2026-05`).send({ _csrf: csrf, allowGaps: '1', reason: 'x' }).expect(303);
  expect(await closed()).toBe(1);
});

test('the CSP allows scripts from the portal only, and no page has an inline script or handler', async () => {
  const { home } = await signIn();
  const csp = home.headers['content-security-policy'] as string;
  const script = csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src'));
  expect(script).toBe("script-src 'self'");
  expect(csp).toMatch(/default-src 'self'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  for (const html of [home.text, (await t.http.get('/portal').expect(200)).text]) {
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/portal\/assets\/|type="application\/json"/);
    expect(html).not.toMatch(/<[^>]+\son[a-z]+=/i);
  }
  await t.http
    .get('/portal/assets/app/cluster-month.js')
    .expect(200)
    .expect('content-type', /javascript/);
  await t.http.get('/portal/assets/app/..%2f..%2fpackage.json').expect(404);
});

test("the portal's import has the API's size limit (413)", async () => {
  const { session, csrf } = await signIn();
  const server = t.service.app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/portal/import?format=generic',
        headers: {
          host: 'portal.test',
          origin: ORIGIN,
          cookie: `kl_session=${session}`,
          'x-csrf-token': csrf,
          'content-type': 'text/csv',
          'content-length': String(64 * 1024 * 1024 + 1),
        },
      },
      (response) => {
        let body = '';
        response.on('data', (c: Buffer) => {
          body += String(c);
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body });
        });
      },
    );
    req.on('error', reject);
    req.write('ppe_code,interval_start,interval_minutes,import_wh,export_wh\n');
  });
  expect(res.status).toBe(413);
  expect(res.type).toMatch(/application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status: 413, detail: matching(/64 MB/) });
});

test('behind a TLS proxy (TRUST_PROXY) the cookies are Secure and the rate limit counts each client apart', async () => {
  const plain = await t.http.get('/portal').set('x-forwarded-proto', 'https');
  expect(cookieOf(plain, 'kl_csrf')).not.toMatch(/;\s*Secure/i); // without TRUST_PROXY the header is not believed
  const proxied = await startTestService({ TRUST_PROXY: '1', RATE_LIMIT_PER_MINUTE: '3' });
  try {
    const res = await proxied.http.get('/portal').set('x-forwarded-proto', 'https').set('x-forwarded-for', '203.0.113.7');
    expect(cookieOf(res, 'kl_csrf')).toMatch(/;\s*Secure/i);
    for (let i = 0; i < 2; i++)
      await proxied.http
        .get('/health')
        .set('x-forwarded-for', '203.0.113.7')
        .expect((r) => {
          expect(r.status).not.toBe(429);
        });
    await proxied.http.get('/health').set('x-forwarded-for', '203.0.113.7').expect(429);
    await proxied.http
      .get('/health')
      .set('x-forwarded-for', '198.51.100.9')
      .expect((r) => {
        expect(r.status).not.toBe(429);
      });
  } finally {
    await proxied.stop();
  }
});
