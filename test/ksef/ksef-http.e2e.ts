// KSeF through the service: a coordinator connects its cluster (the token sealed, never
// shown), the month's documents go to the stand-in by the worker, and the invoice list,
// the invoice JSON, the UPO and the PDF show what KSeF said.
import { PORTAL_HOST, portalCookie } from '../support/portal-session.js';

/** A page's text as a person reads it: tags dropped, white space collapsed. */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ');
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { upoSchema } from '../../src/common/xml-schema.js';
import type { InvoiceDocument } from '../../src/invoicing/domain/documents.js';
import { KsefWorker } from '../../src/ksef/worker/worker.js';
import { KsefReader } from '../../src/ksef/queries/ksef-reader.js';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { anyString, defined, matching } from '../support/expect.js';
import { startTestService, type TestService } from '../support/service.js';
import { KsefStandIn } from '../support/ksef-stand-in.js';

const KSEF_TOKEN = `20260601-EC-0123456789-ABCDEF0123-45|nip-5261040828|${randomBytes(16).toString('hex')}`;
const CITY_NIP = '6351831037';

let t: TestService;
let standIn: KsefStandIn;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};

const quarter = (month: string, i: number) => new Date(Date.parse(`${month}-01T00:00:00+02:00`) + i * 900_000).toISOString();

beforeAll(async () => {
  standIn = await KsefStandIn.start({ tokens: { [KSEF_TOKEN]: '5261040828' } });
  t = await startTestService({ KSEF_SECRET_KEY: randomBytes(32).toString('base64'), KSEF_API_URL: standIn.url, KSEF_WORKER: 'off', KSEF_TIMEOUT_MS: '5000' });
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  await t.http
    .put(`/clusters/${clusterId}/coordinator`)
    .set(t.admin)
    .send({ legalName: 'Orzeska Energia Sp. z o.o.', nip: '5261040828', address: 'ul. Zamkowa 8, 43-180 Orzesze', iban: 'PL61109010140000071219812874' });
  const admit = async (key: string, body: Record<string, unknown>) => {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ address: 'ul. Rynek 1, 43-180 Orzesze', admittedOn: '2026-01-01', ...body })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  };
  await admit('city', { kind: 'municipality', legalName: 'Gmina Orzesze', nip: CITY_NIP, invoiceEmail: 'um@orzesze.pl', vatPayer: true, selfBillingConsent: true });
  await admit('home', { kind: 'household', legalName: 'Zofia Wójcik', invoiceEmail: 'z@example.pl', vatPayer: false });
  for (const [ppeCode, key, role] of [
    ['PLCITYPV01', 'city', 'producer'],
    ['PLHOME0001', 'home', 'consumer'],
  ] as const) {
    await t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId: ids[key], role, carrier: 'electricity', ...(role === 'producer' ? { source: 'pv', capacityKw: 50 } : {}), validFrom: '2026-01-01' })
      .expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-04', intervalMinutes: 15 })
    .expect(201);
  const readings = Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLCITYPV01', intervalStart: quarter('2026-05', i), intervalMinutes: 15, importWh: 0, exportWh: i >= 40 && i < 64 ? 1000 : 0 },
    { ppeCode: 'PLHOME0001', intervalStart: quarter('2026-05', i), intervalMinutes: 15, importWh: 300, exportWh: 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'one day of data in the test' }).expect(201);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/invoices`).set(coordinator).expect(200);
}, 60_000);
afterAll(async () => {
  await t.stop();
  await standIn.stop();
});

const worker = () => t.service.app.get(KsefWorker);
const list = async () =>
  (
    (await t.http.get(`/clusters/${clusterId}/invoices`).set(coordinator).expect(200)).body as {
      items: { invoiceId: string; number: string; kind: string; memberId: string; ksef: Record<string, unknown> }[];
    }
  ).items;

test('without a connection every document is not sent, and the list says why', async () => {
  const items = await list();
  expect(items.length).toBeGreaterThanOrEqual(2);
  for (const d of items.filter((x) => x.kind !== 'settlement_statement')) expect(d.ksef).toEqual({ status: 'not_sent', reason: 'KSeF is not connected for this cluster' });
  const home = await tokenFor(t, 'member', clusterId, ids.home);
  const portal = await t.http
    .get('/portal/months/2026-05')
    .set('host', PORTAL_HOST)
    .set('Cookie', await portalCookie(t, home))
    .expect(200);
  expect(visibleText(portal.text)).toContain('nie wysłano: klaster nie jest połączony z KSeF');
  expect(await worker().round()).toEqual({});
});

test('connecting: checked, the token sealed and never returned by any read; only the coordinator may', async () => {
  const bad = await t.http.put(`/clusters/${clusterId}/ksef`).set(coordinator).send({ environment: 'prod2', contextNip: '123', token: 'short' }).expect(400);
  expect((bad.body as { errors: { field: string }[] }).errors.map((e: { field: string }) => e.field).sort()).toEqual(['contextNip', 'environment', 'token']);
  const other = await t.http.put(`/clusters/${clusterId}/ksef`).set(coordinator).send({ environment: 'test', contextNip: '7770001111', token: KSEF_TOKEN }).expect(400);
  expect((other.body as { errors: unknown[] }).errors).toEqual([{ field: 'contextNip', reason: matching(/coordinator's NIP \(5261040828\)/) }]);
  const auditor = await tokenFor(t, 'auditor', clusterId);
  await t.http.put(`/clusters/${clusterId}/ksef`).set(auditor).send({ environment: 'test', token: KSEF_TOKEN }).expect(403);

  const connected = await t.http.put(`/clusters/${clusterId}/ksef`).set(coordinator).send({ environment: 'test', token: KSEF_TOKEN }).expect(200);
  expect(connected.body).toMatchObject({ connected: true, environment: 'test', contextNip: '5261040828', secretKeyConfigured: true });
  const secret = defined(KSEF_TOKEN.split('|')[2], 'the secret part of the token');
  for (const res of [connected, await t.http.get(`/clusters/${clusterId}/ksef`).set(auditor).expect(200), await t.http.get(`/audit/events`).set(t.admin).expect(200)]) {
    expect(JSON.stringify(res.body) + res.text).not.toContain(secret);
  }
  const stored = await t.service.database.pool.query<{ data: string }>(`SELECT data::text AS data FROM events WHERE stream_id = $1`, [`ksef-${clusterId}`]);
  expect(stored.rows.length).toBe(1);
  expect(defined(stored.rows[0], 'the stored event').data).not.toContain(secret);
  // the audit sees the cluster's KSeF stream
  const verify = await t.http.get(`/audit/verify`).query({ clusterId }).set(t.admin).expect(200);
  expect(JSON.stringify(verify.body)).not.toMatch(/broken|mismatch/i);
});

test('the worker sends the month: accepted with KSeF numbers in the list and the invoice; the UPO downloads; the PDF carries the number and KOD I', async () => {
  await t.http
    .put(`/clusters/${clusterId}/ksef/self-invoicing/${String(ids.city)}`)
    .set(coordinator)
    .send({ granted: true })
    .expect(200);
  await t.http.put(`/clusters/${clusterId}/ksef/self-invoicing/no-such-member`).set(coordinator).send({ granted: true }).expect(404);
  standIn.selfInvoicing.add(CITY_NIP);
  // two rounds at once (as two instances would): the cluster's lock lets one of them send
  const rounds = await Promise.all([worker().round(), worker().round()]);
  expect(rounds.filter((r) => r[clusterId]).length).toBe(1);
  expect(
    defined(
      rounds.find((r) => r[clusterId]),
      'the round that sent',
    )[clusterId],
  ).toMatchObject({ failed: null, sent: 3, accepted: 3 });
  expect(standIn.doubleSends()).toEqual([]);
  const items = await list();
  const fa3 = items.filter((d) => d.kind !== 'settlement_statement');
  expect(fa3.map((d) => d.kind).sort()).toEqual(['invoice', 'invoice', 'self_billing']);
  for (const d of fa3) expect(d.ksef).toMatchObject({ status: 'accepted', ksefNumber: matching(/^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/), upo: true });
  const selfBilling = defined(
    fa3.find((d) => d.kind === 'self_billing'),
    'the self-billing invoice',
  );
  expect(String(selfBilling.ksef.ksefNumber).startsWith(CITY_NIP)).toBe(true); // the member is the seller

  const invoice = defined(
    fa3.find((d) => d.kind === 'invoice' && d.memberId === ids.home),
    "the household's invoice",
  );
  const json = await t.http.get(`/clusters/${clusterId}/invoices/${invoice.invoiceId}`).set(coordinator).expect(200);
  const document = json.body as InvoiceDocument & { ksef: unknown };
  expect(document.ksef).toEqual(invoice.ksef);
  const upo = await t.http.get(`/clusters/${clusterId}/invoices/${invoice.invoiceId}/upo`).set(coordinator).expect(200);
  expect(upo.headers['content-type']).toMatch(/application\/xml/);
  expect(upoSchema().validate(upo.text)).toEqual({ valid: true });
  expect(upo.text).toContain(String(invoice.ksef.ksefNumber));
  // a member reads its own UPO, not another's
  const home = await tokenFor(t, 'member', clusterId, ids.home);
  await t.http.get(`/clusters/${clusterId}/invoices/${invoice.invoiceId}/upo`).set(home).expect(200);
  await t.http.get(`/clusters/${clusterId}/invoices/${selfBilling.invoiceId}/upo`).set(home).expect(404);

  const pdf = await t.http
    .get(`/clusters/${clusterId}/invoices/${invoice.invoiceId}.pdf`)
    .set(coordinator)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        cb(null, Buffer.concat(chunks));
      });
    })
    .expect(200);
  const parser = new PDFParse({ data: new Uint8Array(pdf.body as Buffer) });
  const text = (await parser.getText()).text.replace(/\s+/g, ' ');
  expect(text.replace(/ /g, '')).toContain(`NumerKSeF:${String(invoice.ksef.ksefNumber)}`); // the box is narrow: the number may wrap
  // KOD I: the environment's QR address, the seller's NIP, the issue date DD-MM-RRRR, the hash of the XML KSeF holds
  const sent = defined(
    standIn.received.find((r) => r.invoiceNumber === invoice.number),
    'the invoice KSeF received',
  );
  const issue = document.issueDate.split('-').reverse().join('-');
  const hash = sent.hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const mark = defined(await t.service.app.get(KsefReader).pdfMark(clusterId, document), 'the PDF mark');
  expect(mark.url).toBe(`https://qr-test.ksef.mf.gov.pl/invoice/5261040828/${issue}/${hash}`);
  expect(mark.png.subarray(1, 4).toString()).toBe('PNG');
  const images = await parser.getImage();
  expect(images.pages.flatMap((p) => p.images).length).toBeGreaterThanOrEqual(1);
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/invoice-with-ksef.pdf', pdf.body as Buffer);
  const shot = await parser.getScreenshot({ scale: 1.5 });
  writeFileSync('test-output/invoice-with-ksef.png', Buffer.from(defined(shot.pages[0], 'the first page').data));
  await parser.destroy();

  // the portal: the member's month shows its invoice accepted with the KSeF number
  const portal = await t.http
    .get('/portal/months/2026-05')
    .set('host', PORTAL_HOST)
    .set('Cookie', await portalCookie(t, home))
    .expect(200);
  expect(portal.text).toContain(`<span data-testid="ksef-number">${String(invoice.ksef.ksefNumber)}</span>`);
  expect(visibleText(portal.text)).toContain(`przyjęto, nr KSeF ${String(invoice.ksef.ksefNumber)}`);

  // nothing is sent again by later rounds
  const count = standIn.received.length;
  await worker().round();
  expect(standIn.received.length).toBe(count);
  expect(standIn.violations).toEqual([]);
  expect(standIn.responseViolations).toEqual([]);
});

test('a statement is never sent; retry only of a refused document; rotating the token; disconnecting', async () => {
  const items = await list();
  const statement = items.find((d) => d.kind === 'settlement_statement');
  if (statement) expect(statement.ksef).toEqual({ status: 'not_sent', reason: 'not an invoice: a settlement statement is not sent to KSeF' });
  const accepted = defined(
    items.find((d) => d.kind === 'invoice'),
    'an invoice',
  );
  const retry = await t.http.post(`/clusters/${clusterId}/invoices/${accepted.invoiceId}/ksef/retry`).set(coordinator).expect(409);
  expect((retry.body as { detail: string }).detail).toMatch(/only a refused document/);
  const rotated = await t.http.post(`/clusters/${clusterId}/ksef/token`).set(coordinator).send({ token: KSEF_TOKEN }).expect(200);
  expect((rotated.body as { tokenRotatedAt: unknown }).tokenRotatedAt).toEqual(anyString);
  const outbox = await t.http.get(`/clusters/${clusterId}/ksef/documents`).set(coordinator).expect(200);
  expect((outbox.body as { items: { ksef: { status: string } }[] }).items.every((d: { ksef: { status: string } }) => d.ksef.status === 'accepted')).toBe(true);
  const off = await t.http.post(`/clusters/${clusterId}/ksef/disconnection`).set(coordinator).expect(200);
  expect(off.body).toMatchObject({ connected: false });
  // accepted documents keep their KSeF numbers
  expect(
    defined(
      (await list()).find((d) => d.invoiceId === accepted.invoiceId),
      'the accepted invoice',
    ).ksef,
  ).toMatchObject({ status: 'accepted' });
});

test('without KSEF_SECRET_KEY connecting is refused, saying what to set', async () => {
  const plain = await startTestService({ KSEF_WORKER: 'off' });
  try {
    const { clusterId: id, coordinator: c } = await clusterWithCoordinator(plain);
    const res = await plain.http.put(`/clusters/${id}/ksef`).set(c).send({ environment: 'test', token: KSEF_TOKEN }).expect(409);
    expect((res.body as { detail: string }).detail).toMatch(/KSEF_SECRET_KEY/);
    expect((await plain.http.get(`/clusters/${id}/ksef`).set(c).expect(200)).body).toEqual({ connected: false, secretKeyConfigured: false, selfInvoicing: {} });
  } finally {
    await plain.stop();
  }
});
