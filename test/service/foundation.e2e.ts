import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.stop());

test('GET /health reports the database, the event store and projection lag', async () => {
  const res = await t.http.get('/health').expect(200);
  expect(res.body).toMatchObject({ status: 'ok', database: 'up', eventStore: 'up' });
  expect(Array.isArray((res.body as { projections: unknown }).projections)).toBe(true);
});

test('the OpenAPI document is served at /docs-json and the UI at /docs', async () => {
  const res = await t.http.get('/docs-json').expect(200);
  const document = res.body as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toMatch(/^3\./);
  expect(Object.keys(document.paths)).toContain('/health');
  await t.http.get('/docs').expect(200);
});

test('errors are application/problem+json without a stack trace', async () => {
  const res = await t.http.get('/no-such-route').expect(404);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|node_modules/);
});

test('malformed JSON is a 400 naming the body', async () => {
  const res = await t.http.post('/tokens').set(t.admin).set('content-type', 'application/json').send('{"role": ').expect(400);
  expect((res.body as { errors: unknown }).errors).toEqual([{ field: 'body', reason: 'malformed JSON' }]);
});

test('a correlation id is echoed back, or one is made', async () => {
  const given = await t.http.get('/health').set('x-correlation-id', 'abc-123').expect(200);
  expect(given.headers['x-correlation-id']).toBe('abc-123');
  const made = await t.http.get('/health').expect(200);
  expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('security headers are set and x-powered-by is not', async () => {
  const res = await t.http.get('/health').expect(200);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
});
