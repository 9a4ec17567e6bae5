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

/**
 * Two households admitted from 2026-01-01, one with a PV prosumer PPE and one with a
 * consumer PPE, and an agreement version: the smallest cluster that shares energy.
 */
export async function prosumerAndConsumer(
  t: TestService,
  clusterId: string,
  coordinator: { Authorization: string },
  options: { prosumer: [string, string]; consumer: [string, string]; agreement: Record<string, unknown> },
) {
  const admit = async (legalName: string) =>
    (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ kind: 'household', legalName, address: 'x', invoiceEmail: 'x@example.pl', vatPayer: false, admittedOn: '2026-01-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  const [prosumerName, prosumerPpe] = options.prosumer;
  const [consumerName, consumerPpe] = options.consumer;
  const prosumer = await admit(prosumerName);
  const consumer = await admit(consumerName);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: prosumerPpe, memberId: prosumer, role: 'prosumer', carrier: 'electricity', source: 'pv', validFrom: '2026-01-01' })
    .expect(201);
  await t.http
    .post(`/clusters/${clusterId}/metering-points`)
    .set(coordinator)
    .send({ ppeCode: consumerPpe, memberId: consumer, role: 'consumer', carrier: 'electricity', validFrom: '2026-01-01' })
    .expect(201);
  await t.http.post(`/clusters/${clusterId}/agreement-versions`).set(coordinator).send(options.agreement).expect(201);
  return { prosumer, consumer };
}
