// The worker in the service's own process: started with the service, woken by new events,
// it sends a document issued after the cluster was connected without anyone calling it.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { invoicingStreamId } from '../../src/invoicing/domain/documents.js';
import { clusterWithCoordinator } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { KsefStandIn } from '../support/ksef-stand-in.js';
import { invoice } from '../support/ksef-documents.js';

const KSEF_TOKEN = `20260601-EC-0123456789-ABCDEF0123-45|nip-5261040828|${randomBytes(16).toString('hex')}`;
let t: TestService;
let standIn: KsefStandIn;

beforeAll(async () => {
  standIn = await KsefStandIn.start({ tokens: { [KSEF_TOKEN]: '5261040828' } });
  t = await startTestService({ KSEF_SECRET_KEY: randomBytes(32).toString('hex'), KSEF_API_URL: standIn.url, KSEF_POLL_MS: '60000', KSEF_TIMEOUT_MS: '5000' });
});
afterAll(async () => {
  await t.stop();
  await standIn.stop();
});

test('an issued invoice of a connected cluster reaches KSeF by the worker alone', async () => {
  const { clusterId, coordinator } = await clusterWithCoordinator(t);
  await t.http.put(`/clusters/${clusterId}/ksef`).set(coordinator).send({ environment: 'test', token: KSEF_TOKEN }).expect(200);
  const document = invoice('FV/2026/000777', { clusterId });
  const year = DateTime.now().setZone('Europe/Warsaw').year;
  await t.service.eventStore.append(invoicingStreamId(clusterId, String(year)), [{ type: 'InvoicesIssued', data: { month: '2026-05', documents: [document] } }], 'no_stream');
  // the append wakes the worker; wait for what it records (no time is asserted)
  // accepted, then its UPO: two events, so wait for both
  let ksef: { status: string; upo?: boolean } = { status: 'not_sent' };
  for (let i = 0; i < 200 && !(ksef.status === 'accepted' && ksef.upo); i++) {
    await new Promise((r) => setTimeout(r, 100));
    ksef = ((await t.http.get(`/clusters/${clusterId}/invoices/${document.invoiceId}`).set(coordinator).expect(200)).body as { ksef: typeof ksef }).ksef;
  }
  expect(ksef).toMatchObject({ status: 'accepted', upo: true });
  expect(standIn.received.filter((r) => r.invoiceNumber === document.number)).toHaveLength(1);
  expect(standIn.violations).toEqual([]);
});
