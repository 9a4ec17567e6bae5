import { ORZESZE } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { anyString } from '../support/expect.js';

let t: TestService;
/** The answer to POST /tokens: the token, shown once, and its id. */
interface Issued {
  token: string;
  tokenId: string;
}
interface Problem {
  detail: string;
  errors: { field: string }[];
}
/** Registered clusters (a token's cluster must exist) and their members m1, m2. */
// filled in beforeAll
const c = {} as Record<'c1' | 'c2' | 'c3' | 'c4' | 'c5', string>;
const m = {} as Record<'c4m1' | 'c5m1' | 'c5m2', string>;
beforeAll(async () => {
  t = await startTestService();
  for (const name of ['c1', 'c2', 'c3', 'c4', 'c5'] as const) {
    c[name] = ((await t.http.post('/clusters').set(t.admin).send(ORZESZE).expect(201)).body as { clusterId: string }).clusterId;
  }
  const coordinator = ((await t.http.post('/tokens').set(t.admin).send({ role: 'coordinator', clusterId: c.c4, label: 'setup' }).expect(201)).body as Issued).token;
  const coordinator5 = ((await t.http.post('/tokens').set(t.admin).send({ role: 'coordinator', clusterId: c.c5, label: 'setup' }).expect(201)).body as Issued).token;
  const admit = (token: string, clusterId: string) =>
    t.http
      .post(`/clusters/${clusterId}/members`)
      .set(t.as(token))
      .send({ kind: 'household', legalName: 'Anna', address: 'x', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
      .expect(201);
  m.c4m1 = ((await admit(coordinator, c.c4)).body as { memberId: string }).memberId;
  m.c5m1 = ((await admit(coordinator5, c.c5)).body as { memberId: string }).memberId;
  m.c5m2 = ((await admit(coordinator5, c.c5)).body as { memberId: string }).memberId;
});
afterAll(() => t.stop());

function issue(body: Record<string, unknown>, as = t.admin) {
  return t.http.post('/tokens').set(as).send(body);
}

test('a token is shown once and only its hash is stored', async () => {
  const res = await issue({ role: 'coordinator', clusterId: c.c1, label: 'Orzesze coordinator' }).expect(201);
  const issued = res.body as Issued;
  expect(issued.token).toMatch(/^kl_/);
  const { rows } = await t.service.database.pool.query<{ token_hash: string }>('SELECT token_hash FROM access_tokens WHERE token_id = $1', [issued.tokenId]);
  expect(rows[0]?.token_hash).not.toContain(issued.token);
  const list = await t.http.get('/tokens').set(t.admin).expect(200);
  expect(JSON.stringify(list.body)).not.toContain(issued.token);
});

test('requests without a token, with a malformed header or an unknown token get 401', async () => {
  await t.http.get('/tokens').expect(401);
  const malformed = await t.http.get('/tokens').set('Authorization', 'Token abc').expect(401);
  expect(malformed.headers['content-type']).toMatch(/problem\+json/);
  await t.http.get('/tokens').set('Authorization', 'Bearer ').expect(401);
  await t.http.get('/tokens').set(t.as('kl_thisisnotatokenthatexists000000')).expect(401);
});

test('a revoked token is refused at once', async () => {
  const body = (await issue({ role: 'coordinator', clusterId: c.c2, label: 'to revoke' }).expect(201)).body as Issued;
  await t.http.get('/tokens').set(t.as(body.token)).expect(200);
  await t.http.post(`/tokens/${body.tokenId}/revocation`).set(t.admin).expect(200);
  const res = await t.http.get('/tokens').set(t.as(body.token)).expect(401);
  expect((res.body as Problem).detail).toMatch(/revoked/);
});

test('a token revoked outside the service (the CLI, an operator in SQL) is refused as soon as the change commits', async () => {
  const body = (await issue({ role: 'coordinator', clusterId: c.c2, label: 'revoked in SQL' }).expect(201)).body as Issued;
  // asked twice: the second answer comes from the token kept by the first
  await t.http.get('/tokens').set(t.as(body.token)).expect(200);
  await t.http.get('/tokens').set(t.as(body.token)).expect(200);
  await t.service.database.pool.query('UPDATE access_tokens SET revoked_at = now() WHERE token_id = $1', [body.tokenId]);
  // the notification comes at commit; bounded: 50 tries 20 ms apart
  let status = 200;
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await t.http.get('/tokens').set(t.as(body.token))).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 20));
  }
  expect(status).toBe(401);
});

test('an expired token is refused', async () => {
  const body = (await issue({ role: 'coordinator', clusterId: c.c3, label: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() }).expect(201)).body as Issued;
  await t.http.get('/tokens').set(t.as(body.token)).expect(200);
  await new Promise((r) => setTimeout(r, 1600));
  const res = await t.http.get('/tokens').set(t.as(body.token)).expect(401);
  expect((res.body as Problem).detail).toMatch(/expired/);
});

test('bad token requests name every failing field', async () => {
  const res = await issue({ role: 'member', label: 'x', extra: 1 }).expect(400);
  expect((res.body as Problem).errors).toEqual(expect.arrayContaining([{ field: 'extra', reason: anyString }]));
  const scoped = await issue({ role: 'member', label: 'x' }).expect(400);
  expect((scoped.body as Problem).errors.map((e: { field: string }) => e.field).sort()).toEqual(['clusterId', 'memberId']);
});

test('a coordinator issues member tokens for its own cluster only, and no coordinator tokens', async () => {
  const coordinator = (await issue({ role: 'coordinator', clusterId: c.c4, label: 'coordinator c4' }).expect(201)).body as Issued;
  const as = t.as(coordinator.token);
  await issue({ role: 'member', clusterId: c.c4, memberId: m.c4m1, label: 'member m1' }, as).expect(201);
  await issue({ role: 'member', clusterId: c.c5, memberId: m.c5m1, label: 'member' }, as).expect(404);
  await issue({ role: 'coordinator', clusterId: c.c4, label: 'another' }, as).expect(403);
  const list = await t.http.get('/tokens').set(as).expect(200);
  expect((list.body as { items: { clusterId: string }[] }).items.every((i: { clusterId: string }) => i.clusterId === c.c4)).toBe(true);
});

test('a member may not issue tokens', async () => {
  const body = (await issue({ role: 'member', clusterId: c.c5, memberId: m.c5m1, label: 'member' }).expect(201)).body as Issued;
  await issue({ role: 'member', clusterId: c.c5, memberId: m.c5m2, label: 'x' }, t.as(body.token)).expect(403);
});

test('a body over the JSON limit is refused with 413 and records nothing', async () => {
  const before = await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM access_tokens');
  const res = await t.http
    .post('/tokens')
    .set(t.admin)
    .set('content-type', 'application/json')
    .send(JSON.stringify({ role: 'admin', label: 'x'.repeat(2 * 1024 * 1024) }))
    .expect(413);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  const after = await t.service.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM access_tokens');
  expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
});
