// Small builders for e2e tests: a registered cluster with a coordinator token.
import type { TestService } from './service.js';

export const ORZESZE = {
  name: 'Orzeski Klaster Energii',
  coordinator: { legalName: 'Orzeska Energia Sp. z o.o.', nip: '5261040828', address: 'ul. Zamkowa 8, 43-180 Orzesze' },
  distributionSystemOperator: 'Tauron Dystrybucja S.A.',
  area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
};

export const AGREEMENT = {
  effectiveFrom: '2026-01',
  intervalMinutes: 60,
  ownNetting: true,
  allocation: { method: 'pro_rata' },
  internalPriceGroszePerMwh: 45000,
  referenceGridPriceGroszePerMwh: 90000,
  feeGroszePerMwhReceived: 1000,
  feeGroszePerMwhSupplied: 500,
  monthlyFeeGroszePerMember: 2000,
  vatRateBp: 2300,
  invoiceSeries: 'FV',
  thresholds: { selfSufficiencyBp: 3000, renewableShareBp: 5000 },
};

export async function clusterWithCoordinator(t: TestService, body: Record<string, unknown> = ORZESZE) {
  const cluster = await t.http.post('/clusters').set(t.admin).send(body).expect(201);
  const clusterId = (cluster.body as { clusterId: string }).clusterId;
  const token = await t.http.post('/tokens').set(t.admin).send({ role: 'coordinator', clusterId, label: 'coordinator' }).expect(201);
  return { clusterId, coordinator: t.as((token.body as { token: string }).token) };
}

export async function tokenFor(t: TestService, role: string, clusterId: string, memberId?: string) {
  const res = await t.http
    .post('/tokens')
    .set(t.admin)
    .send({ role, clusterId, ...(memberId ? { memberId } : {}), label: `${role} ${memberId ?? ''}` })
    .expect(201);
  return t.as((res.body as { token: string }).token);
}
