// A projection that cannot apply an event (here: a member name with U+0000, written below
// the HTTP layer, which refuses it) must not wedge the service: /health names it, writes
// elsewhere answer 2xx or 202 (never 5xx), the other projections move on, a restart serves.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createService, type RunningService } from '../../src/app.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { AGREEMENT, clusterWithCoordinator, ORZESZE } from '../support/fixtures.js';
import { anyString, containing, defined } from '../support/expect.js';

/** GET /health: the service's state and each projection's. */
interface Health {
  status: string;
  projections: { name: string; status: string; position: string | null; lag: number; failure?: { eventPosition: string; error: string } }[];
}

let t: TestService;
let restarted: RunningService | undefined;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await restarted?.close();
  await t.stop();
});

const member = (legalName: string) => ({ kind: 'household', legalName, address: 'ul. Polna 1, 43-180 Orzesze', invoiceEmail: 'a@example.pl', vatPayer: false, admittedOn: '2026-01-01' });

test('a poisoned registry event: /health 503 naming it, other clusters answer 202 not 500, metering moves on, a restart serves', async () => {
  const a = await clusterWithCoordinator(t);
  const b = await clusterWithCoordinator(t, { ...ORZESZE, name: 'Drugi Klaster' });
  const admitted = await t.http.post(`/clusters/${a.clusterId}/members`).set(a.coordinator).send(member('Jan Kowalski')).expect(201);
  expect(admitted.headers['read-model-status']).toBeUndefined();

  // below the HTTP layer: the log takes it (json keeps \u0000 as text), the registry's jsonb cannot
  const poisoned = await t.service.eventStore.append(
    `cluster-${a.clusterId}`,
    [
      {
        type: 'MemberAdmitted',
        data: { ...member('Zła\u0000nazwa'), memberId: randomUUID(), nip: null, selfBillingConsent: false },
      },
    ],
    'any',
  );

  let health = await t.http.get('/health');
  for (let i = 0; i < 100 && health.status === 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    health = await t.http.get('/health');
  }
  expect(health.status).toBe(503);
  expect((health.body as Health).status).toBe('degraded');
  const registry = defined(
    (health.body as Health).projections.find((p: { name: string }) => p.name === 'registry'),
    'the registry projection',
  );
  expect(registry.status).toBe('failed');
  expect(registry.failure).toMatchObject({ eventPosition: poisoned.lastGlobalPosition, streamId: `cluster-${a.clusterId}`, eventType: 'MemberAdmitted' });
  expect(registry.failure?.error).toMatch(/Unicode|0x00|escape/i);
  expect(registry.failure?.error).not.toMatch(/INSERT|SELECT|registry_clusters|postgres:\/\//);
  expect(registry.position).not.toBe(poisoned.lastGlobalPosition);
  expect(registry.lag).toBeGreaterThanOrEqual(1);
  expect((health.body as Health).projections.filter((p: { status: string }) => p.status === 'failed').map((p: { name: string }) => p.name)).toEqual(['registry']);

  // another cluster's write is recorded and answered 202, saying the registry lags
  const other = await t.http.post(`/clusters/${b.clusterId}/members`).set(b.coordinator).send(member('Anna Nowak'));
  expect(other.status).toBe(202);
  expect(other.headers['read-model-status']).toBe('lagging');
  const recorded = other.body as { memberId: string; streamVersion: number; readModel: unknown };
  expect(recorded.memberId).toEqual(anyString);
  expect(recorded.streamVersion).toBe(1);
  expect(recorded.readModel).toEqual({ status: 'lagging', projections: [containing({ name: 'registry', failed: true })] });
  const stream = await t.service.eventStore.readStream(`cluster-${b.clusterId}`);
  expect(stream.map((e) => e.type)).toEqual(['ClusterRegistered', 'MemberAdmitted']);

  // a write whose answer needs the read model after the append still says what was recorded
  const agreement = await t.http.post(`/clusters/${b.clusterId}/agreement-versions`).set(b.coordinator).send(AGREEMENT);
  expect(agreement.status).toBe(202);
  expect((agreement.body as { readModel: { status: string } }).readModel.status).toBe('lagging');

  // the other projections moved on past the poisoned event
  health = await t.http.get('/health').expect(503);
  for (const p of (health.body as Health).projections.filter((x: { name: string }) => x.name !== 'registry')) expect(p).toMatchObject({ status: 'running', lag: 0 });

  // a restart comes up with the failed projection and serves
  const config = loadConfig({ DATABASE_URL: t.db.url, ADMIN_TOKEN, LOG_LEVEL: 'silent', PROJECTION_POLL_MS: '50' });
  await t.service.close();
  restarted = await createService(config, createLogger('silent'));
  t.http = request(restarted.app.getHttpServer());
  health = await t.http.get('/health').expect(503);
  expect((health.body as Health).projections.find((p: { name: string }) => p.name === 'registry')?.failure?.eventPosition).toBe(poisoned.lastGlobalPosition);
  await t.http.get(`/clusters/${b.clusterId}`).set(t.admin).expect(200);
  const third = await t.http.post(`/clusters/${b.clusterId}/members`).set(b.coordinator).send(member('Piotr Wiśniewski'));
  expect(third.status).toBe(202);
});
