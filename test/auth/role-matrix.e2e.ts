// Every role against every route: 'ok' (passes access control: 2xx, or a 400/409 about the
// request itself), 403 (the role may not), 404 (out of the token's scope: no hint it exists).
// A route of the application missing from this table fails the test.
import { randomUUID } from 'node:crypto';
import { listRoutes } from '../support/routes.js';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

type Expect = 'ok' | 401 | 403 | 404;
type RoleName = 'admin' | 'coordinator' | 'member' | 'auditor' | 'meter-data' | 'other-coordinator';
const ROLES: RoleName[] = ['admin', 'coordinator', 'member', 'auditor', 'meter-data', 'other-coordinator'];

interface Row {
  method: string;
  route: string;
  /** The concrete path; {own} is the member's id, {other} another member's. */
  path: string;
  expect: Record<RoleName, Expect>;
}

const all = (value: Expect, overrides: Partial<Record<RoleName, Expect>> = {}) => Object.fromEntries(ROLES.map((r) => [r, overrides[r] ?? value])) as Record<RoleName, Expect>;
const coordinatorOnly = all(403, { coordinator: 'ok', 'other-coordinator': 404 });
// a meter-data token submits readings and reads nothing
const readers = all('ok', { 'meter-data': 403, 'other-coordinator': 404 });

const C = '/clusters/{cluster}';
const MATRIX: Row[] = [
  { method: 'GET', route: '/health', path: '/health', expect: all('ok') },
  { method: 'POST', route: '/tokens', path: '/tokens', expect: all(403, { admin: 'ok', coordinator: 'ok', 'other-coordinator': 'ok' }) },
  { method: 'GET', route: '/tokens', path: '/tokens', expect: all(403, { admin: 'ok', coordinator: 'ok', 'other-coordinator': 'ok' }) },
  { method: 'POST', route: '/tokens/:tokenId/revocation', path: '/tokens/{token}/revocation', expect: all(403, { admin: 'ok', coordinator: 'ok', 'other-coordinator': 404 }) },
  { method: 'POST', route: '/clusters', path: '/clusters', expect: all(403, { admin: 'ok' }) },
  { method: 'GET', route: '/clusters', path: '/clusters', expect: all('ok', { 'meter-data': 403 }) },
  { method: 'GET', route: '/clusters/:clusterId', path: C, expect: all('ok', { 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'PUT', route: '/clusters/:clusterId/coordinator', path: `${C}/coordinator`, expect: all(403, { admin: 'ok' }) },
  { method: 'GET', route: '/clusters/:clusterId/compliance', path: `${C}/compliance`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'POST', route: '/clusters/:clusterId/members', path: `${C}/members`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/members', path: `${C}/members`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/members/:memberId', path: `${C}/members/{own}`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/members/:memberId', path: `${C}/members/{other}`, expect: { ...readers, member: 404 } },
  { method: 'POST', route: '/clusters/:clusterId/members/:memberId/withdrawal', path: `${C}/members/{other}/withdrawal`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/metering-points', path: `${C}/metering-points`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/metering-points', path: `${C}/metering-points`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/metering-points/:ppeCode', path: `${C}/metering-points/PLOWN00001`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/metering-points/:ppeCode', path: `${C}/metering-points/PLOTHER001`, expect: { ...readers, member: 404 } },
  { method: 'POST', route: '/clusters/:clusterId/metering-points/:ppeCode/reassignment', path: `${C}/metering-points/PLOTHER001/reassignment`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/metering-points/:ppeCode/decommissioning', path: `${C}/metering-points/PLOTHER001/decommissioning`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/agreement-versions', path: `${C}/agreement-versions`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/agreement-versions', path: `${C}/agreement-versions`, expect: readers },
  { method: 'POST', route: '/clusters/:clusterId/import-profiles', path: `${C}/import-profiles`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/import-profiles', path: `${C}/import-profiles`, expect: all('ok', { member: 403, 'other-coordinator': 404 }) },
  { method: 'POST', route: '/clusters/:clusterId/readings', path: `${C}/readings`, expect: all(403, { coordinator: 'ok', 'meter-data': 'ok', 'other-coordinator': 404 }) },
  { method: 'POST', route: '/clusters/:clusterId/readings/files', path: `${C}/readings/files?format=generic`, expect: all(403, { coordinator: 'ok', 'meter-data': 'ok', 'other-coordinator': 404 }) },
  {
    method: 'GET',
    route: '/clusters/:clusterId/metering-points/:ppeCode/readings',
    path: `${C}/metering-points/PLOWN00001/readings?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z`,
    expect: readers,
  },
  {
    method: 'GET',
    route: '/clusters/:clusterId/metering-points/:ppeCode/readings',
    path: `${C}/metering-points/PLOTHER001/readings?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z`,
    expect: { ...readers, member: 404 },
  },
  { method: 'GET', route: '/clusters/:clusterId/completeness', path: `${C}/completeness?month=2026-05`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month', path: `${C}/settlements/2026-05`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId', path: `${C}/settlements/2026-05/members/{own}`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId', path: `${C}/settlements/2026-05/members/{other}`, expect: { ...readers, member: 404 } },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId/intervals', path: `${C}/settlements/2026-05/members/{own}/intervals`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId/intervals', path: `${C}/settlements/2026-05/members/{other}/intervals`, expect: { ...readers, member: 404 } },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId/documents', path: `${C}/settlements/2026-05/members/{own}/documents`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/members/:memberId/documents', path: `${C}/settlements/2026-05/members/{other}/documents`, expect: { ...readers, member: 404 } },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/replay', path: `${C}/settlements/2026-05/replay`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'POST', route: '/clusters/:clusterId/contracts', path: `${C}/contracts`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/contracts', path: `${C}/contracts`, expect: readers },
  { method: 'POST', route: '/clusters/:clusterId/contracts/:contractId/termination', path: `${C}/contracts/nope/termination`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/settlements/:month/close', path: `${C}/settlements/2026-05/close`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/settlements/:month/invoices', path: `${C}/settlements/2026-05/invoices`, expect: coordinatorOnly },
  {
    method: 'GET',
    route: '/clusters/:clusterId/settlements/:month/corrections',
    path: `${C}/settlements/2026-05/corrections`,
    expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }),
  },
  { method: 'POST', route: '/clusters/:clusterId/settlements/:month/corrections', path: `${C}/settlements/2026-05/corrections`, expect: coordinatorOnly },
  { method: 'GET', route: '/clusters/:clusterId/invoices', path: `${C}/invoices`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/invoices/:invoiceId', path: `${C}/invoices/no-such-invoice`, expect: all(404, { 'meter-data': 403 }) },
  { method: 'GET', route: '/clusters/:clusterId/ledger', path: `${C}/ledger`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'GET', route: '/clusters/:clusterId/ksef', path: `${C}/ksef`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'GET', route: '/clusters/:clusterId/ksef/documents', path: `${C}/ksef/documents`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'PUT', route: '/clusters/:clusterId/ksef', path: `${C}/ksef`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/ksef/token', path: `${C}/ksef/token`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/ksef/disconnection', path: `${C}/ksef/disconnection`, expect: coordinatorOnly },
  { method: 'PUT', route: '/clusters/:clusterId/ksef/self-invoicing/:memberId', path: `${C}/ksef/self-invoicing/{own}`, expect: coordinatorOnly },
  { method: 'POST', route: '/clusters/:clusterId/invoices/:invoiceId/ksef/retry', path: `${C}/invoices/no-such-invoice/ksef/retry`, expect: all(403, { coordinator: 404, 'other-coordinator': 404 }) },
  { method: 'GET', route: '/clusters/:clusterId/invoices/:invoiceId/upo', path: `${C}/invoices/no-such-invoice/upo`, expect: all(404, { 'meter-data': 403 }) },
  // the portal authenticates by its own session cookie, not by bearer tokens: without a cookie it redirects to sign-in
  ...[
    '/portal',
    '/portal/home',
    '/portal/months/:month',
    '/portal/invoices/:file',
    '/portal/cluster/:month',
    '/portal/audit',
    '/portal/audit/export',
    '/portal/assets/chart.umd.min.js',
    '/portal/assets/app/:file',
  ].map((route) => ({ method: 'GET', route, path: route.replace(':month', '2026-05').replace(':file', route.includes('/assets/') ? 'cluster-month.js' : 'x.pdf'), expect: all('ok') })),
  // a portal POST without the portal's Origin and CSRF token is refused whatever bearer header comes with it
  ...['/portal/sign-in', '/portal/sign-out', '/portal/import', '/portal/cluster/:month/:action'].map((route) => ({
    method: 'POST',
    route,
    path: route.replace(':month', '2026-05').replace(':action', 'close'),
    expect: all(403),
  })),
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/transfers', path: `${C}/settlements/2026-05/transfers`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/settlements/:month/transfers.csv', path: `${C}/settlements/2026-05/transfers.csv?day=2026-05-01`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/support/compliance', path: `${C}/support/compliance`, expect: all('ok', { member: 403, 'meter-data': 403, 'other-coordinator': 404 }) },
  { method: 'GET', route: '/clusters/:clusterId/support', path: `${C}/support?year=2026`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/support/:month', path: `${C}/support/2026-05`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/support/:month/ppe-hours', path: `${C}/support/2026-05/ppe-hours`, expect: readers },
  { method: 'GET', route: '/clusters/:clusterId/support/:month/ppe-hours.csv', path: `${C}/support/2026-05/ppe-hours.csv`, expect: readers },
  { method: 'GET', route: '/legal-parameters', path: '/legal-parameters', expect: all('ok', { 'meter-data': 403 }) },
  ...['fee-rates', 'thresholds', 'discount-brackets', 'support-period'].map((kind) => ({
    method: 'POST',
    route: `/legal-parameters/${kind}`,
    path: `/legal-parameters/${kind}`,
    expect: all(403, { admin: 'ok' }),
  })),
  { method: 'GET', route: '/audit/events', path: '/audit/events?limit=5', expect: all(403, { admin: 'ok', auditor: 'ok' }) },
  { method: 'GET', route: '/audit/verify', path: '/audit/verify', expect: all(403, { admin: 'ok', auditor: 'ok' }) },
  { method: 'POST', route: '/audit/verify', path: '/audit/verify', expect: all(403, { admin: 'ok', auditor: 'ok' }) },
  { method: 'GET', route: '/audit/heads', path: '/audit/heads', expect: all(403, { admin: 'ok', auditor: 'ok' }) },
];

let t: TestService;
let clusterId: string;
let own: string;
let other: string;
const tokens = {} as Record<RoleName, { Authorization: string }>;

beforeAll(async () => {
  t = await startTestService();
  const a = await clusterWithCoordinator(t);
  clusterId = a.clusterId;
  const member = (legalName: string) =>
    t.http
      .post(`/clusters/${clusterId}/members`)
      .set(a.coordinator)
      .send({ kind: 'household', legalName, address: 'x', invoiceEmail: 'x@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
      .expect(201);
  own = ((await member('Own')).body as { memberId: string }).memberId;
  other = ((await member('Other')).body as { memberId: string }).memberId;
  for (const [ppeCode, memberId] of [
    ['PLOWN00001', own],
    ['PLOTHER001', other],
  ]) {
    await t.http.post(`/clusters/${clusterId}/metering-points`).set(a.coordinator).send({ ppeCode, memberId, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' }).expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(a.coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05' })
    .expect(201);
  tokens.admin = t.admin;
  tokens.coordinator = a.coordinator;
  tokens.member = await tokenFor(t, 'member', clusterId, own);
  tokens.auditor = await tokenFor(t, 'auditor', clusterId);
  tokens['meter-data'] = await tokenFor(t, 'meter-data', clusterId);
  tokens['other-coordinator'] = (await clusterWithCoordinator(t)).coordinator;
});
afterAll(() => t.stop());

test('every route of the application is in the matrix', () => {
  const inMatrix = new Set(MATRIX.map((r) => `${r.method} ${r.route}`));
  const missing = listRoutes(t.service.app)
    .map((r) => `${r.method} ${r.path}`)
    .filter((r) => !inMatrix.has(r));
  expect(missing).toEqual([]);
});

const cases = MATRIX.flatMap((row) => ROLES.map((role) => [row.method, row.path, role, row.expect[role]] as const));

test.each(cases)('%s %s as %s → %s', async (method, pathTemplate, role, expected) => {
  // a throwaway member token of this cluster to revoke, so revocations change nothing else
  const throwaway = pathTemplate.includes('{token}')
    ? ((await t.http.post('/tokens').set(t.admin).send({ role: 'member', clusterId, memberId: other, label: 'throwaway' }).expect(201)).body as { tokenId: string }).tokenId
    : randomUUID();
  const path = pathTemplate.replace('{cluster}', clusterId).replace('{own}', own).replace('{other}', other).replace('{token}', throwaway);
  let request = method === 'GET' ? t.http.get(path) : method === 'PUT' ? t.http.put(path) : t.http.post(path);
  request = request.set(tokens[role]);
  // writes get a body that fails validation: passing access control is shown by a 400, and nothing is written
  const res = method === 'GET' ? await request : await (path.includes('/readings/files') ? request.set('content-type', 'text/csv').send('') : request.send({ unknownField: true }));
  if (expected === 'ok') {
    expect([401, 403, 404]).not.toContain(res.status);
    expect(res.status).toBeLessThan(500);
  } else {
    expect(res.status).toBe(expected);
  }
});
