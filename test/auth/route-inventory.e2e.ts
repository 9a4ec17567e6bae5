import { listRoutes } from '../support/routes.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.stop());

test('every route of the application declares who may call it', () => {
  const routes = listRoutes(t.service.app);
  expect(routes.length).toBeGreaterThan(3);
  const undeclared = routes.filter((r) => !r.isPublic && (!r.roles || r.roles.length === 0)).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
  expect(undeclared).toEqual([]);
});

test('the only public routes are the health check and the web pages', () => {
  const publicRoutes = listRoutes(t.service.app)
    .filter((r) => r.isPublic)
    .map((r) => `${r.method} ${r.path}`);
  for (const route of publicRoutes) expect(route).toMatch(/^GET \/health$|^(GET|POST) \/portal/);
});
