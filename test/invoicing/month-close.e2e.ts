// Month close, invoices with gapless numbers under concurrency, the PDF, a late
// correction with its correction invoice, and the ledger balanced after each step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { defined, matching } from '../support/expect.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};
type Ledger = { balanced: boolean; totalDebitGrosze: number; totalCreditGrosze: number; accounts: { account: string; balanceGrosze: number }[] };
type Listed = { kind: string; number: string; memberId: string; month: string; invoiceId: string; totalGrossGrosze: number; correctedInvoiceNumber?: string };
type Correction = { memberId: string; number: string; totalGrossGrosze: number; totalGrossBeforeGrosze: number };

const quarter = (month: string, i: number) => new Date(Date.parse(`${month}-01T00:00:00+02:00`) + i * 900_000).toISOString();
async function importDay(month: string, firmImportWh = 200) {
  const readings = Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLCITYPV01', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: 0, exportWh: i >= 40 && i < 64 ? 1000 : 0 },
    { ppeCode: 'PLHOME0001', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: 100, exportWh: 0 },
    { ppeCode: 'PLFIRM0001', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: firmImportWh, exportWh: 0 },
  ]).flat();
  return t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
}
async function ledgerBalanced(month?: string) {
  const res = await t.http
    .get(`/clusters/${clusterId}/ledger`)
    .query(month ? { month } : {})
    .set(coordinator)
    .expect(200);
  const body = res.body as Ledger;
  expect(body.balanced).toBe(true);
  expect(body.totalDebitGrosze).toBe(body.totalCreditGrosze);
  return body;
}

beforeAll(async () => {
  t = await startTestService();
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  const admit = async (key: string, body: Record<string, unknown>) => {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ address: 'ul. Rynek 1, Orzesze', admittedOn: '2026-01-01', ...body })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  };
  await admit('city', { kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', invoiceEmail: 'um@orzesze.pl', vatPayer: true, selfBillingConsent: true });
  await admit('home', { kind: 'household', legalName: 'Zofia Wójcik', invoiceEmail: 'z@example.pl', vatPayer: false });
  await admit('firm', { kind: 'company', legalName: 'Spółdzielnia Socjalna Zielone Śląskie', nip: '7770001111', invoiceEmail: 'biuro@zs.pl', vatPayer: true });
  for (const [ppeCode, key, role] of [
    ['PLCITYPV01', 'city', 'producer'],
    ['PLHOME0001', 'home', 'consumer'],
    ['PLFIRM0001', 'firm', 'consumer'],
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
  await importDay('2026-05');
  await importDay('2026-04');
});
afterAll(() => t.stop());

test('a month with gaps closes only with allowGaps and a reason; the close is recorded once', async () => {
  const gaps = await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({}).expect(409);
  expect((gaps.body as { detail: string }).detail).toMatch(/missing readings: PLCITYPV01/);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true }).expect(400);
  await t.http.post(`/clusters/${clusterId}/settlements/2099-01/close`).set(coordinator).send({ allowGaps: true, reason: 'x' }).expect(409);
  const closed = await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'OSD data for May 2–31 not delivered' }).expect(201);
  expect(closed.body).toMatchObject({ status: 'closed', month: '2026-05', agreementVersion: 1, allowGaps: true, inputDigest: matching(/^[0-9a-f]{64}$/), members: 3 });
  expect((closed.body as { gaps: unknown[] }).gaps).toHaveLength(3);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/close`).set(coordinator).send({ allowGaps: true, reason: 'again' }).expect(409);
  const statement = await t.http
    .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.firm)}`)
    .set(coordinator)
    .expect(200);
  expect(statement.body).toMatchObject({ status: 'closed', receivedWh: 24 * 200 });
  // no agreement version may reach back into a closed month
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05' })
    .expect(409);
  // the closed month replays to the same figures and the same input digest
  const replay = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/replay`).set(coordinator).expect(200);
  expect(replay.body).toMatchObject({ identical: true, closed: true, digest: { matches: true, closed: (closed.body as { inputDigest: string }).inputDigest } });
});

test('20 concurrent requests give one set of documents numbered without a gap; the PDF reads like an invoice', async () => {
  // the admin records the coordinator's address: the seller's address on every invoice
  const changed = await t.http
    .put(`/clusters/${clusterId}/coordinator`)
    .set(t.admin)
    .send({ legalName: 'Klastry Energii sp. z o.o.', nip: '5261040828', address: 'ul. Gliwicka 8, 43-180 Orzesze' })
    .expect(200);
  expect(changed.body).toMatchObject({ address: 'ul. Gliwicka 8, 43-180 Orzesze' });
  await t.http.put(`/clusters/${clusterId}/coordinator`).set(coordinator).send({ legalName: 'X', nip: '5261040828' }).expect(403);
  const responses = await Promise.all(Array.from({ length: 20 }, () => t.http.post(`/clusters/${clusterId}/settlements/2026-05/invoices`).set(coordinator)));
  for (const r of responses) expect(r.status).toBe(200);
  const sets = new Set(
    responses.map((r) =>
      (r.body as { documents: { invoiceId: string }[] }).documents
        .map((d: { invoiceId: string }) => d.invoiceId)
        .sort()
        .join(','),
    ),
  );
  expect(sets.size).toBe(1);
  expect(responses.filter((r) => (r.body as { issued: boolean }).issued).length).toBe(1);
  const documents = (
    defined(responses[0], 'the first response').body as { documents: { kind: string; number: string; sequence: number; memberId: string; totalGrossGrosze: number; invoiceId: string }[] }
  ).documents;
  const invoices = documents
    .filter((d) => d.kind === 'invoice')
    .map((d) => d.number)
    .sort();
  expect(invoices).toEqual(['FV/2026/000001', 'FV/2026/000002', 'FV/2026/000003']);
  expect(documents.filter((d) => d.kind === 'self_billing').map((d) => [d.number, d.memberId])).toEqual([['FVS-001/2026/000001', ids.city]]);
  await ledgerBalanced('2026-05');

  const firmInvoice = defined(
    documents.find((d) => d.kind === 'invoice' && d.memberId === ids.firm),
    "the firm's invoice",
  );
  const pdf = await t.http
    .get(`/clusters/${clusterId}/invoices/${firmInvoice.invoiceId}.pdf`)
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
  expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/invoice-sample.pdf', pdf.body as Buffer);
  const text = (await new PDFParse({ data: new Uint8Array(pdf.body as Buffer) }).getText()).text;
  expect(text).toContain(firmInvoice.number);
  expect(text).toContain('7770001111');
  expect(text).toContain('Spółdzielnia Socjalna Zielone Śląskie');
  expect(text).toContain('ul. Gliwicka 8, 43-180 Orzesze');
  expect(text).toMatch(/Do zapłaty: [\d\s\u00a0]+,\d\d zł/);
  const json = await t.http.get(`/clusters/${clusterId}/invoices/${firmInvoice.invoiceId}`).set(coordinator).expect(200);
  expect(json.body).toMatchObject({ number: firmInvoice.number, seller: { nip: '5261040828' }, buyer: { nip: '7770001111' }, vatRateBp: 2300 });
  const totals = json.body as { totalGrossGrosze: number; totalNetGrosze: number; totalVatGrosze: number };
  expect(totals.totalGrossGrosze).toBe(totals.totalNetGrosze + totals.totalVatGrosze);
  // a member sees its own documents only
  const member = await tokenFor(t, 'member', clusterId, ids.home);
  const own = await t.http.get(`/clusters/${clusterId}/invoices`).set(member).expect(200);
  expect((own.body as { items: { memberId: string }[] }).items.every((i: { memberId: string }) => i.memberId === ids.home)).toBe(true);
  await t.http.get(`/clusters/${clusterId}/invoices/${firmInvoice.invoiceId}`).set(member).expect(404);
});

test('requests across two months share one series and stay gapless in issue order', async () => {
  await t.http.post(`/clusters/${clusterId}/settlements/2026-04/close`).set(coordinator).send({ allowGaps: true, reason: 'April test data' }).expect(201);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      t.http
        .post(`/clusters/${clusterId}/settlements/${i % 2 ? '2026-04' : '2026-05'}/invoices`)
        .set(coordinator)
        .expect(200),
    ),
  );
  const list = await t.http.get(`/clusters/${clusterId}/invoices`).set(coordinator).expect(200);
  const sequences = (list.body as { items: Listed[] }).items
    .filter((i: { kind: string }) => i.kind === 'invoice')
    .map((i: { number: string }) => Number(i.number.split('/')[2]))
    .sort((a: number, b: number) => a - b);
  expect(sequences).toEqual([1, 2, 3, 4, 5, 6]);
  await ledgerBalanced();
});

test('data after the close is a pending difference; the correction invoice refers to the original; the ledger stays balanced', async () => {
  expect(((await t.http.get(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).expect(200)).body as { pending: unknown[] }).pending).toEqual([]);
  await importDay('2026-05', 150); // the DSO corrects the firm's consumption
  const pending = await t.http.get(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).expect(200);
  expect((pending.body as { pending: { memberId: string }[] }).pending.map((p: { memberId: string }) => p.memberId)).toContain(ids.firm);
  // the closed statement does not change
  expect(
    (
      await t.http
        .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.firm)}`)
        .set(coordinator)
        .expect(200)
    ).body,
  ).toMatchObject({ status: 'closed', receivedWh: 24 * 200 });
  const issued = await t.http.post(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).send({ reason: 'Korekta danych pomiarowych OSD' }).expect(200);
  const correction = defined(
    (issued.body as { documents: Correction[] }).documents.find((d: { memberId: string }) => d.memberId === ids.firm),
    "the firm's correction",
  );
  const invoices = ((await t.http.get(`/clusters/${clusterId}/invoices`).set(coordinator).expect(200)).body as { items: Listed[] }).items;
  const original = defined(
    invoices.find((i: { kind: string; memberId: string; month: string }) => i.kind === 'invoice' && i.memberId === ids.firm && i.month === '2026-05'),
    "the firm's May invoice",
  );
  expect(correction).toMatchObject({ kind: 'correction', correctedInvoiceNumber: original.number, reason: 'Korekta danych pomiarowych OSD', number: matching(/^FVK\/2026\/00000\d$/) });
  expect(correction.totalGrossGrosze).toBeLessThan(correction.totalGrossBeforeGrosze);
  expect(
    defined(
      invoices.find((i: { number: string }) => i.number === correction.number),
      'the correction in the list',
    ).correctedInvoiceNumber,
  ).toBe(original.number);
  // the original document is unchanged
  expect(((await t.http.get(`/clusters/${clusterId}/invoices/${original.invoiceId}`).set(coordinator).expect(200)).body as { totalGrossGrosze: number }).totalGrossGrosze).toBe(
    original.totalGrossGrosze,
  );
  const ledger = await ledgerBalanced('2026-05');
  expect(
    defined(
      ledger.accounts.find((a: { account: string }) => a.account === `member_receivable:${String(ids.firm)}`),
      "the firm's receivable",
    ).balanceGrosze,
  ).toBe(correction.totalGrossGrosze);
  expect(((await t.http.get(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).expect(200)).body as { pending: unknown[] }).pending).toEqual([]);
});
