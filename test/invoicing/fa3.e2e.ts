// FA(3) e-invoices through the API: the coordinator's IBAN and the payment term in the
// registry, documents validated before they exist (422, nothing recorded), the XML of every
// invoice, statements that are not invoices, and a member's documents equal to its statement
// at the close and after a self-billing correction.
import { fa3Schema } from '../../src/common/xml-schema.js';
import { AGREEMENT, clusterWithCoordinator, ORZESZE } from '../support/fixtures.js';
import { defined, matching } from '../support/expect.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};
const IBAN = 'PL34102010130000000000001001';
type DocumentsView = { amountDueGrosze: number; closedStatementAmountGrosze: number; currentStatementAmountGrosze: number; pendingCorrectionGrosze: number };

const quarter = (month: string, i: number) => new Date(Date.parse(`${month}-01T00:00:00+02:00`) + i * 900_000).toISOString();
async function importDay(month: string, pvWh = 1000) {
  const readings = Array.from({ length: 96 }, (_, i) => [
    { ppeCode: 'PLCITYPV01', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: 0, exportWh: i >= 40 && i < 64 ? pvWh : 0 },
    { ppeCode: 'PLHOMEPV01', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: i < 40 ? 100 : 0, exportWh: i >= 40 && i < 64 ? 300 : 0 },
    { ppeCode: 'PLFIRM0001', intervalStart: quarter(month, i), intervalMinutes: 15, importWh: 900, exportWh: 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
}
const close = (month: string) => t.http.post(`/clusters/${clusterId}/settlements/${month}/close`).set(coordinator).send({ allowGaps: true, reason: 'one day of test data' }).expect(201);
const list = async () =>
  (
    (await t.http.get(`/clusters/${clusterId}/invoices`).set(coordinator).expect(200)).body as {
      items: { invoiceId: string; number: string; kind: string; correctedKind?: string; memberId: string; month: string; fa3: boolean }[];
    }
  ).items;

beforeAll(async () => {
  t = await startTestService();
  // a bad IBAN is refused by its checksum, naming the field
  const bad = await t.http
    .post('/clusters')
    .set(t.admin)
    .send({ ...ORZESZE, name: 'Zły rachunek', coordinator: { ...ORZESZE.coordinator, bankAccount: 'PL34102010130000000000001002' } })
    .expect(400);
  expect((bad.body as { errors: unknown[] }).errors).toEqual([{ field: 'coordinator.bankAccount', reason: matching(/not a valid IBAN/) }]);
  ({ clusterId, coordinator } = await clusterWithCoordinator(t, { ...ORZESZE, name: 'Klaster FA(3)', coordinator: { ...ORZESZE.coordinator, bankAccount: 'pl34 1020 1013 0000 0000 0000 1001' } }));
  const admit = async (key: string, body: Record<string, unknown>) => {
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ address: 'ul. Rynek 1, 43-180 Orzesze', admittedOn: '2026-01-01', invoiceEmail: `${key}@example.pl`, ...body })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  };
  await admit('city', {
    kind: 'municipality',
    legalName: 'Gmina Orzesze',
    nip: '6351831037',
    vatPayer: true,
    selfBillingConsent: true,
    jstUnit: { name: 'Szkoła Podstawowa nr 1 w Orzeszu', nip: '6410754345' },
  });
  await admit('home', { kind: 'household', legalName: 'Zofia Wójcik', vatPayer: false });
  await admit('firm', { kind: 'company', legalName: 'Firma "Źródło" & <Synowie> sp.j.', nip: '7770001111', vatPayer: true });
  for (const [ppeCode, key, role] of [
    ['PLCITYPV01', 'city', 'producer'],
    ['PLHOMEPV01', 'home', 'prosumer'],
    ['PLFIRM0001', 'firm', 'consumer'],
  ] as const) {
    await t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId: ids[key], role, carrier: 'electricity', ...(role !== 'consumer' ? { source: 'pv', capacityKw: 50 } : {}), validFrom: '2026-01-01' })
      .expect(201);
  }
  // April at 10%, a rate FA(3) does not know; May at 23% with a 10-day payment term
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-04', intervalMinutes: 15, vatRateBp: 1000 })
    .expect(201);
  const may = await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 15, paymentTermDays: 10 })
    .expect(201);
  expect(may.body).toMatchObject({ paymentTermDays: 10 });
  await importDay('2026-04');
  await importDay('2026-05');
}, 60_000);
afterAll(() => t.stop());

test("the coordinator's IBAN is kept in its electronic form and can be changed", async () => {
  const cluster = await t.http.get(`/clusters/${clusterId}`).set(coordinator).expect(200);
  expect((cluster.body as { coordinator: unknown }).coordinator).toMatchObject({ bankAccount: IBAN });
  await t.http
    .put(`/clusters/${clusterId}/coordinator`)
    .set(t.admin)
    .send({ ...ORZESZE.coordinator, bankAccount: 'XX00 1234' })
    .expect(400);
  await t.http
    .put(`/clusters/${clusterId}/coordinator`)
    .set(t.admin)
    .send({ ...ORZESZE.coordinator, bankAccount: IBAN })
    .expect(200);
});

test('a month whose documents would not validate as FA(3) is not issued: 422 naming the element, nothing recorded', async () => {
  await close('2026-04');
  const res = await t.http.post(`/clusters/${clusterId}/settlements/2026-04/invoices`).set(coordinator).expect(422);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  const invalid: unknown = expect.stringContaining('would not be a valid FA(3) e-invoice');
  expect(res.body).toMatchObject({ status: 422, detail: invalid });
  expect((res.body as { errors: unknown[] }).errors[0]).toMatchObject({ field: 'P_12', reason: matching(/not an element of the set|enumeration/) });
  expect(await list()).toEqual([]);
});

test("May: invoices and a self-billing invoice as FA(3) XML; the household's statement is not an invoice", async () => {
  await close('2026-05');
  const issued = await t.http.post(`/clusters/${clusterId}/settlements/2026-05/invoices`).set(coordinator).expect(200);
  const items = await list();
  const kinds = items.map((i) => [i.kind, i.memberId, i.fa3]).sort();
  expect(kinds).toEqual(
    [
      ['invoice', ids.city, true],
      ['invoice', ids.firm, true],
      ['invoice', ids.home, true],
      ['self_billing', ids.city, true],
      ['settlement_statement', ids.home, false],
    ].sort(),
  );
  const selfBilling = defined(
    items.find((i) => i.kind === 'self_billing'),
    'the self-billing invoice',
  );
  expect(selfBilling.number).toBe('FVS-001/2026/000001');
  for (const item of items.filter((i) => i.fa3)) {
    const byAccept = await t.http.get(`/clusters/${clusterId}/invoices/${item.invoiceId}`).set(coordinator).set('Accept', 'application/xml').expect(200);
    expect(byAccept.headers['content-type']).toMatch(/application\/xml/);
    const bySuffix = await t.http.get(`/clusters/${clusterId}/invoices/${item.invoiceId}.xml`).set(coordinator).expect(200);
    expect(bySuffix.text).toBe(byAccept.text); // the same document, the same bytes
    expect([item.number, fa3Schema().validate(bySuffix.text)]).toEqual([item.number, { valid: true }]);
  }
  const firm = defined(
    items.find((i) => i.kind === 'invoice' && i.memberId === ids.firm),
    "the firm's invoice",
  );
  const xml = (await t.http.get(`/clusters/${clusterId}/invoices/${firm.invoiceId}.xml`).set(coordinator).expect(200)).text;
  expect(xml).toContain('<Nazwa>Firma "Źródło" &amp; &lt;Synowie&gt; sp.j.</Nazwa>');
  expect(xml).toContain(`<NrRB>${IBAN}</NrRB>`);
  const cityXml = (
    await t.http
      .get(
        `/clusters/${clusterId}/invoices/${
          defined(
            items.find((i) => i.kind === 'invoice' && i.memberId === ids.city),
            "the city's invoice",
          ).invoiceId
        }.xml`,
      )
      .set(coordinator)
      .expect(200)
  ).text;
  expect(cityXml).toMatch(/<JST>1<\/JST>[\s\S]*<Podmiot3>[\s\S]*<NIP>6410754345<\/NIP>[\s\S]*<Rola>8<\/Rola>/);
  const homeXml = (
    await t.http
      .get(
        `/clusters/${clusterId}/invoices/${
          defined(
            items.find((i) => i.kind === 'invoice' && i.memberId === ids.home),
            "the household's invoice",
          ).invoiceId
        }.xml`,
      )
      .set(coordinator)
      .expect(200)
  ).text;
  expect(homeXml).toContain('<BrakID>1</BrakID>');
  // the JSON: the due date from the agreement's term, the account, who pays whom
  const json = (await t.http.get(`/clusters/${clusterId}/invoices/${firm.invoiceId}`).set(coordinator).expect(200)).body as { issueDate: string; totalGrossGrosze: number };
  const due = new Date(`${json.issueDate}T00:00:00Z`);
  due.setUTCDate(due.getUTCDate() + 10);
  expect(json).toMatchObject({
    fa3: true,
    dueDate: due.toISOString().slice(0, 10),
    sellerBankAccount: IBAN,
    settlement: { direction: 'do_zaplaty', payer: 'member', payee: 'coordinator', amountGrosze: json.totalGrossGrosze },
  });
  // a statement has no FA(3) form
  const statement = defined(
    items.find((i) => i.kind === 'settlement_statement'),
    'the settlement statement',
  );
  await t.http.get(`/clusters/${clusterId}/invoices/${statement.invoiceId}.xml`).set(coordinator).expect(404);
  await t.http.get(`/clusters/${clusterId}/invoices/${statement.invoiceId}`).set(coordinator).set('Accept', 'application/xml').expect(406);
  expect((await t.http.get(`/clusters/${clusterId}/invoices/${statement.invoiceId}`).set(coordinator).expect(200)).body).toMatchObject({
    fa3: false,
    vatRateBp: 0,
    title: 'Informacja o rozliczeniu energii',
    sellerVat: 'not_taxpayer',
  });
  expect((issued.body as { documents: unknown[] }).documents).toHaveLength(5);
});

test("each member's documents sum to its statement; after a self-billing correction, to the corrected figures", async () => {
  for (const key of ['city', 'home', 'firm']) {
    const view = (
      await t.http
        .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids[key])}/documents`)
        .set(coordinator)
        .expect(200)
    ).body as DocumentsView;
    expect([key, view.amountDueGrosze]).toEqual([key, view.closedStatementAmountGrosze]);
    expect(view.pendingCorrectionGrosze).toBe(0);
  }
  await importDay('2026-05', 800); // the DSO corrects the city's production down
  const before = (
    await t.http
      .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.city)}/documents`)
      .set(coordinator)
      .expect(200)
  ).body as DocumentsView;
  expect(before.pendingCorrectionGrosze).toBeGreaterThan(0); // the city is paid less: its amount due rises
  // a reason longer than the schema's 256 characters would make an invalid correction: refused, nothing recorded
  const tooLong = await t.http
    .post(`/clusters/${clusterId}/settlements/2026-05/corrections`)
    .set(coordinator)
    .send({ reason: 'x'.repeat(300) })
    .expect(422);
  expect((tooLong.body as { errors: unknown[] }).errors[0]).toMatchObject({ field: 'PrzyczynaKorekty' });
  expect((await list()).filter((i) => i.kind === 'correction')).toEqual([]);
  await t.http.post(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).send({ reason: 'Korekta danych pomiarowych OSD' }).expect(200);
  const corrections = (await list()).filter((i) => i.kind === 'correction' && i.memberId === ids.city);
  const sbCorrection = defined(
    corrections.find((c) => c.correctedKind === 'self_billing'),
    'the self-billing correction',
  );
  expect(sbCorrection.number).toBe('FVSK-001/2026/000001');
  const doc: unknown = (await t.http.get(`/clusters/${clusterId}/invoices/${sbCorrection.invoiceId}`).set(coordinator).expect(200)).body;
  expect(doc).toMatchObject({ correctedInvoiceNumber: 'FVS-001/2026/000001', seller: { nip: '6351831037' }, settlement: { direction: 'do_zwrotu', payer: 'member', payee: 'coordinator' } });
  const xml = (await t.http.get(`/clusters/${clusterId}/invoices/${sbCorrection.invoiceId}.xml`).set(coordinator).expect(200)).text;
  expect(fa3Schema().validate(xml)).toEqual({ valid: true });
  expect(xml).toContain('<P_17>1</P_17>');
  expect(xml).toContain('<RodzajFaktury>KOR</RodzajFaktury>');
  expect(xml).toMatch(/<P_15>-\d+\.\d\d<\/P_15>/);
  const after = (
    await t.http
      .get(`/clusters/${clusterId}/settlements/2026-05/members/${String(ids.city)}/documents`)
      .set(coordinator)
      .expect(200)
  ).body as DocumentsView;
  expect(after.amountDueGrosze).toBe(after.currentStatementAmountGrosze);
  expect(after.pendingCorrectionGrosze).toBe(0);
});
