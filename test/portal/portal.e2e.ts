// The portal in a real browser (Debian's chromium driven by playwright-core): each role
// signs in and sees only what it may; a file import, a month close, a PDF download.
// Screenshots of the main pages go to test-output/screenshots/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/screenshots';
let t: TestService;
let browser: Browser;
let base: string;
let clusterId: string;
let coordinator: { Authorization: string };
const ids: Record<string, string> = {};
const secrets: Record<string, string> = {};

const quarter = (i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + i * 900_000).toISOString();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium package`);
  t = await startTestService();
  await t.service.app.listen(0, '127.0.0.1');
  base = (await t.service.app.getUrl()).replace('[::1]', '127.0.0.1');
  ({ clusterId, coordinator } = await clusterWithCoordinator(t));
  secrets.coordinator = coordinator.Authorization.slice(7);
  for (const [key, body] of [
    ['city', { kind: 'municipality', legalName: 'Gmina Orzesze', nip: '6351831037', vatPayer: true, selfBillingConsent: true }],
    ['home', { kind: 'household', legalName: 'Zofia Wójcik', vatPayer: false }],
    ['firm', { kind: 'company', legalName: 'Piekarnia Śląska', nip: '7770001111', vatPayer: true }],
  ] as const) {
    ids[key] = (await t.http.post(`/clusters/${clusterId}/members`).set(coordinator).send({ ...body, address: 'Orzesze', invoiceEmail: `${key}@example.pl`, admittedOn: '2026-01-01' }).expect(201)).body.memberId;
  }
  for (const [ppeCode, key, role] of [['PLCITYPV01', 'city', 'producer'], ['PLHOME0001', 'home', 'consumer'], ['PLFIRM0001', 'firm', 'consumer']] as const) {
    await t.http.post(`/clusters/${clusterId}/metering-points`).set(coordinator).send({ ppeCode, memberId: ids[key], role, carrier: 'electricity', ...(role === 'producer' ? { source: 'pv', capacityKw: 50 } : {}), validFrom: '2026-01-01' }).expect(201);
  }
  await t.http.post(`/clusters/${clusterId}/agreement-versions`).set(coordinator).send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 60 }).expect(201);
  const readings = Array.from({ length: 48 }, (_, h) => [
    { ppeCode: 'PLCITYPV01', intervalStart: quarter(h * 4), intervalMinutes: 60, importWh: 0, exportWh: h % 24 >= 9 && h % 24 < 16 ? 4000 : 0 },
    { ppeCode: 'PLHOME0001', intervalStart: quarter(h * 4), intervalMinutes: 60, importWh: 400, exportWh: 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings }).expect(200);
  secrets.home = (await tokenFor(t, 'member', clusterId, ids.home)).Authorization.slice(7);
  secrets.auditor = (await tokenFor(t, 'auditor', clusterId)).Authorization.slice(7);
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const cspViolations: string[] = [];

async function signIn(token: string, viewport = { width: 1200, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text()); });
  await page.goto(`${base}/portal`);
  await page.getByLabel('Token dostępu od koordynatora').fill(token);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(/\/portal\/home$/);
  return page;
}

test('a member sees its month with the API\'s numbers, and not another member\'s page', async () => {
  const page = await signIn(secrets.home, { width: 390, height: 844 }); // a phone
  await page.getByRole('link', { name: '2026-05' }).click();
  await page.waitForURL(/months\/2026-05/);
  const api = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/members/${ids.home}`).set(coordinator).expect(200)).body;
  const received = `${Math.floor(api.receivedWh / 1000).toLocaleString('pl-PL')},${String(api.receivedWh % 1000).padStart(3, '0')} kWh`;
  expect(api.receivedWh).toBeGreaterThan(0);
  await expect(page.getByRole('row', { name: /Otrzymane z klastra/ }).textContent()).resolves.toContain(received);
  // the charts are drawn by the portal's own script under the CSP, with nothing refused
  await page.waitForFunction(() => (window as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart('daily') !== undefined);
  expect(cspViolations).toEqual([]);
  expect(await page.getByTestId('status').textContent()).toBe('wstępne');
  // the hourly support ledger's exemption, as information
  const exempt = `${Math.floor(api.support.exemptWh / 1000).toLocaleString('pl-PL')},${String(api.support.exemptWh % 1000).padStart(3, '0')} kWh`;
  await expect(page.getByRole('row', { name: /Energia zwolniona z opłat/ }).textContent()).resolves.toContain(exempt);
  await page.screenshot({ path: `${SHOTS}/member-month-phone.png`, fullPage: true });
  const other = await page.goto(`${base}/portal/months/2026-05?member=${ids.firm}`);
  expect(other?.status()).toBe(404);
  await page.goto(`${base}/portal/months/2026-05?lang=en`);
  await page.getByRole('heading', { name: 'Statement 2026-05' }).waitFor();
  await page.close();
});

test('the coordinator imports a DSO file, closes the month, issues invoices and downloads a PDF', async () => {
  const page = await signIn(secrets.coordinator);
  await page.goto(`${base}/portal/cluster/2026-05`);
  await page.screenshot({ path: `${SHOTS}/coordinator-month.png`, fullPage: true });
  const tauron = ['Data;Strefa;Wartość kWh;Rodzaj', ...Array.from({ length: 24 }, (_, h) => `2026-05-03 ${h + 1}:00;1;0,150;pobór`)].join('\r\n');
  await page.getByLabel('Format').selectOption('tauron');
  await page.getByLabel('Kod PPE').fill('PLFIRM0001');
  await page.getByLabel('Plik').setInputFiles({ name: 'tauron.csv', mimeType: 'text/csv', buffer: Buffer.from(tauron) });
  await page.getByRole('button', { name: 'Wyślij' }).click();
  await page.locator('#import-result').filter({ hasText: '"new": 24' }).waitFor({ timeout: 20_000 });
  const bad = ['Data;Strefa;Wartość kWh;Rodzaj', '2026-05-04 1:00;1;abc;pobór'].join('\n');
  await page.getByLabel('Plik').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Wyślij' }).click();
  await page.locator('#import-result').filter({ hasText: 'line 2' }).waitFor({ timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart('trend') !== undefined)).toBe(true);
  expect(cspViolations).toEqual([]);
  await page.getByLabel('Zamknij mimo braków').check();
  await page.getByLabel('Uzasadnienie').fill('Brak danych OSD za część miesiąca');
  await page.getByRole('button', { name: 'Zamknij miesiąc' }).click();
  await page.getByTestId('status').filter({ hasText: 'zamknięte' }).waitFor();
  await page.getByRole('button', { name: 'Wystaw faktury' }).click();
  await page.goto(`${base}/portal/months/2026-05?member=${ids.firm}`);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Pobierz PDF' }).first().click();
  const file = await (await download).path();
  expect(readFileSync(file!).subarray(0, 5).toString()).toBe('%PDF-');
  await page.screenshot({ path: `${SHOTS}/coordinator-member-closed.png`, fullPage: true });
  await page.close();
});

test('the auditor sees the chain intact and a month replayed identically; a signed-out session returns to sign-in', async () => {
  const page = await signIn(secrets.auditor);
  await page.goto(`${base}/portal/audit?month=2026-05`);
  await page.getByTestId('chain').filter({ hasText: 'nienaruszony' }).waitFor();
  await page.getByTestId('replay').filter({ hasText: 'zgodne' }).waitFor();
  await page.screenshot({ path: `${SHOTS}/auditor.png`, fullPage: true });
  await page.getByRole('button', { name: 'Wyloguj' }).click();
  await page.waitForURL(/\/portal$/);
  await page.goto(`${base}/portal/home`);
  expect(page.url()).toMatch(/\/portal\?$/);
  await page.close();
});

test('a revoked token sends the user back to sign-in with a message', async () => {
  const { body } = await t.http.post('/tokens').set(t.admin).send({ role: 'member', clusterId, memberId: ids.home, label: 'short-lived' }).expect(201);
  const page = await signIn(body.token);
  await t.http.post(`/tokens/${body.tokenId}/revocation`).set(t.admin).expect(200);
  await page.goto(`${base}/portal/home`);
  expect(await page.getByRole('status').textContent()).toBe('Sesja wygasła. Zaloguj się ponownie.');
  await page.close();
});
