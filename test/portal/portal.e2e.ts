// The portal in a real browser (Debian's chromium driven by playwright-core): each role
// signs in and sees only what it may; a file import with its readable report, a month
// close, documents, a PDF download, data that arrives after the close shown apart as the
// pending correction, corrections as signed differences. Then every page, for each role and
// in both languages: no identifier-shaped word, no English on Polish pages, no serious or
// critical axe-core violation; a keyboard-only path. Screenshots of every page go to
// test-output/screenshots/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AGREEMENT, clusterWithCoordinator, tokenFor } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { defined } from '../support/expect.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/screenshots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let t: TestService;
let browser: Browser;
let base: string;
let clusterId: string;
let coordinator: { Authorization: string };
// filled in beforeAll
const ids = {} as Record<'city' | 'home' | 'firm', string>;
const secrets = {} as Record<'coordinator' | 'home' | 'auditor', string>;

const quarter = (i: number) => new Date(Date.parse('2026-05-01T00:00:00+02:00') + i * 900_000).toISOString();
const plKwh = (wh: number) => `${Math.floor(wh / 1000).toLocaleString('pl-PL', { useGrouping: 'always' })},${String(wh % 1000).padStart(3, '0')} kWh`;

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
    ids[key] = (
      (
        await t.http
          .post(`/clusters/${clusterId}/members`)
          .set(coordinator)
          .send({ ...body, address: 'Orzesze', invoiceEmail: `${key}@example.pl`, admittedOn: '2026-03-01' })
          .expect(201)
      ).body as { memberId: string }
    ).memberId;
  }
  for (const [ppeCode, key, role] of [
    ['PLCITYPV01', 'city', 'producer'],
    ['PLHOME0001', 'home', 'consumer'],
    ['PLFIRM0001', 'firm', 'consumer'],
  ] as const) {
    await t.http
      .post(`/clusters/${clusterId}/metering-points`)
      .set(coordinator)
      .send({ ppeCode, memberId: ids[key], role, carrier: 'electricity', ...(role === 'producer' ? { source: 'pv', capacityKw: 50 } : {}), validFrom: '2026-03-01' })
      .expect(201);
  }
  await t.http
    .post(`/clusters/${clusterId}/agreement-versions`)
    .set(coordinator)
    .send({ ...AGREEMENT, effectiveFrom: '2026-05', intervalMinutes: 60 })
    .expect(201);
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
  // unset when beforeAll failed early
  await (browser as Browser | undefined)?.close();
  await (t as TestService | undefined)?.stop();
});

const cspViolations: string[] = [];

async function newPage(viewport = { width: 1200, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true, locale: 'pl-PL' }); // a Polish browser, as a member's
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

async function signIn(token: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(viewport);
  await page.goto(`${base}/portal`);
  await page.getByLabel('Token dostępu od koordynatora').fill(token);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(/\/portal\/home$/);
  return page;
}

const chartDrawn = (page: Page, id: string) => page.waitForFunction((canvas) => (window as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(canvas) !== undefined, id);

test("a member sees its months from admission, its provisional month with the API's numbers, and not another member's page", async () => {
  const page = await signIn(secrets.home, { width: 390, height: 844 }); // a phone
  // months from the admission (March) on, with or without data
  await page.getByRole('link', { name: 'marzec 2026' }).waitFor();
  await page.getByRole('link', { name: 'maj 2026' }).click();
  await page.waitForURL(/months\/2026-05/);
  const api = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/members/${ids.home}`).set(coordinator).expect(200)).body as { receivedWh: number; support: { exemptWh: number } };
  expect(api.receivedWh).toBeGreaterThan(0);
  await expect(page.getByRole('row', { name: /^Otrzymane z klastra/ }).textContent()).resolves.toContain(plKwh(api.receivedWh));
  // the charts are drawn by the portal's own script under the CSP, with nothing refused
  await chartDrawn(page, 'daily');
  await chartDrawn(page, 'curve');
  // the hourly support ledger's exemption, as information; whose energy it received, by name
  await expect(page.getByRole('row', { name: /^Energia zwolniona z opłat/ }).textContent()).resolves.toContain(plKwh(api.support.exemptWh));
  await chartDrawn(page, 'from-chart');
  await expect(
    page
      .getByTestId('received-from')
      .getByRole('row', { name: /^Gmina Orzesze/ })
      .textContent(),
  ).resolves.toContain(plKwh(api.receivedWh));
  expect(cspViolations).toEqual([]);
  expect(await page.getByTestId('status').textContent()).toMatch(/^wstępne/);
  await page.screenshot({ path: `${SHOTS}/member-month-provisional-phone.png`, fullPage: true });
  const other = await page.goto(`${base}/portal/months/2026-05?member=${ids.firm}`);
  expect(other?.status()).toBe(404);
  // a month without readings opens, and says so
  await page.goto(`${base}/portal/months/2026-03`);
  await page.getByTestId('no-data').waitFor();
  await page.goto(`${base}/portal/months/2026-05?lang=en`);
  await page.getByRole('heading', { name: 'Statement for May 2026' }).waitFor();
  await expect(page.getByRole('row', { name: /^Received from the cluster/ }).textContent()).resolves.toContain(
    `${Math.floor(api.receivedWh / 1000).toLocaleString('en-GB')}.${String(api.receivedWh % 1000).padStart(3, '0')} kWh`,
  );
  await page.close();
});

test('the coordinator imports a DSO file (a readable report; a bad line named), closes the month, issues documents and downloads a PDF', async () => {
  const page = await signIn(secrets.coordinator);
  await page.goto(`${base}/portal/cluster/2026-05`);
  const tauron = ['Data;Strefa;Wartość kWh;Rodzaj', ...Array.from({ length: 24 }, (_, h) => `2026-05-03 ${String(h + 1)}:00;1;0,150;pobór`)].join('\r\n');
  await page.getByLabel('Format').selectOption('tauron');
  await page.getByLabel(/Kod PPE/).fill('PLFIRM0001');
  await page.getByLabel('Plik', { exact: true }).setInputFiles({ name: 'tauron.csv', mimeType: 'text/csv', buffer: Buffer.from(tauron) });
  await page.getByRole('button', { name: 'Wyślij' }).click();
  const report = page.getByTestId('import-report');
  await report.filter({ hasText: 'Plik przyjęty' }).waitFor({ timeout: 20_000 });
  expect(await report.textContent()).toContain('nowych odczytów: 24');
  const bad = ['Data;Strefa;Wartość kWh;Rodzaj', '2026-05-04 1:00;1;abc;pobór'].join('\n');
  await page.getByLabel('Plik', { exact: true }).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Wyślij' }).click();
  await report.filter({ hasText: 'Plik odrzucony' }).waitFor({ timeout: 20_000 });
  // the bad line by number and reason, in Polish, not the API's JSON
  await expect(page.getByRole('row', { name: /^2 to nie jest liczba: „abc”/ }).count()).resolves.toBe(1);
  expect(await report.textContent()).not.toMatch(/[{}]|line 2/);
  await page.screenshot({ path: `${SHOTS}/coordinator-import-report.png`, fullPage: true });
  await chartDrawn(page, 'trend');
  expect(cspViolations).toEqual([]);
  await page.getByLabel('Zamknij mimo braków').check();
  await page.getByLabel(/Uzasadnienie/).fill('Brak danych OSD za część miesiąca');
  await page.getByRole('button', { name: 'Zamknij miesiąc' }).click();
  await page.getByTestId('status').filter({ hasText: 'zamknięte' }).waitFor();
  // the transfer matrix: who received whose energy, by name, as a chart and a table
  await chartDrawn(page, 'transfers');
  const matrix = defined(await page.getByTestId('transfers').textContent(), 'the transfer matrix');
  expect(matrix).toContain('Zofia Wójcik');
  expect(matrix).toContain('Gmina Orzesze');
  await page.getByRole('button', { name: 'Wystaw dokumenty' }).click();
  await page.getByRole('status').filter({ hasText: 'Wystawiono dokumenty' }).waitFor();
  // the month's documents: number, kind in Polish, member by name, gross, downloads
  const documents = page.getByTestId('documents');
  const text = defined(await documents.textContent(), 'the documents');
  expect(text).toMatch(/Faktura/);
  expect(text).toMatch(/Samofaktura/); // the municipality consented to self-billing
  expect(text).toContain('Zofia Wójcik');
  expect(text).not.toMatch(/self_billing|invoice\b/);
  // each document's KSeF state, and the cluster's connection: not connected here
  expect(text).toMatch(/nie wysłano/);
  expect(await page.getByTestId('ksef-connection').textContent()).toMatch(/nie połączono/);
  const api = (await t.http.get(`/clusters/${clusterId}/invoices`).set(coordinator).expect(200)).body as { items?: { number: string }[] };
  const list = (api.items ?? api) as { number: string }[];
  for (const d of list) expect(text).toContain(d.number);
  await page.goto(`${base}/portal/months/2026-05?member=${ids.firm}`);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /PDF/ }).first().click();
  const file = await (await download).path();
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  // the FA(3) e-invoice of the same document
  const xml = page.waitForEvent('download');
  await page.getByRole('link', { name: /XML/ }).first().click();
  expect(readFileSync(await (await xml).path(), 'utf8')).toMatch(/^<\?xml[\s\S]*<Faktura/);
  await page.close();
});

test("data arriving after the close is shown apart as the pending correction; the closed figures and charts stay the close's; a correction reads as its signed difference", async () => {
  const closedStatement = (await t.http.get(`/clusters/${clusterId}/settlements/2026-05/members/${ids.home}`).set(coordinator).expect(200)).body as { importWh: number };
  // a day the close never saw: 5 May, the plant produced and the household drew 1 kWh an hour
  const late = Array.from({ length: 24 }, (_, h) => [
    { ppeCode: 'PLHOME0001', intervalStart: quarter(96 * 4 + h * 4), intervalMinutes: 60, importWh: 1000, exportWh: 0 },
    { ppeCode: 'PLCITYPV01', intervalStart: quarter(96 * 4 + h * 4), intervalMinutes: 60, importWh: 0, exportWh: h >= 9 && h < 16 ? 4000 : 0 },
  ]).flat();
  await t.http.post(`/clusters/${clusterId}/readings`).set(coordinator).send({ source: 'osd', readings: late }).expect(200);
  const pending = ((await t.http.get(`/clusters/${clusterId}/settlements/2026-05/corrections`).set(coordinator).expect(200)).body as { pending: { memberId: string; differenceNetGrosze: number }[] })
    .pending;
  const mine = pending.filter((p) => p.memberId === ids.home);
  expect(mine.length).toBeGreaterThan(0);
  const page = await signIn(secrets.home);
  await page.goto(`${base}/portal/months/2026-05`);
  expect(await page.getByTestId('status').textContent()).toBe('zamknięte');
  // the statement is the close's, the later data is the pending correction with its sign
  const closedRow = await page.getByRole('row', { name: /^Pobór z sieci/ }).textContent();
  expect(closedRow).toContain(plKwh(closedStatement.importWh));
  const box = defined(await page.getByTestId('pending').textContent(), 'the pending correction');
  const d = defined(mine[0], 'a pending correction of the household').differenceNetGrosze;
  expect(box).toContain(`${d > 0 ? '+' : '−'}${String(Math.floor(Math.abs(d) / 100))},${String(Math.abs(d) % 100).padStart(2, '0')} zł`);
  // the daily chart is the close's: no 5 May, which arrived later
  await page.getByTestId('detail-source').waitFor();
  await chartDrawn(page, 'daily');
  const days = await page.evaluate(() => (window as unknown as { Chart: { getChart(id: string): { data: { labels: string[] } } } }).Chart.getChart('daily').data.labels);
  expect(days.some((l) => /^5\b/.test(l))).toBe(false);
  expect(days.length).toBeGreaterThan(0);
  await page.screenshot({ path: `${SHOTS}/member-month-closed-pending.png`, fullPage: true });
  await page.close();
  // the coordinator issues the corrections; the member sees each as a signed difference, not a total
  const coord = await signIn(secrets.coordinator);
  await coord.goto(`${base}/portal/cluster/2026-05`);
  await coord.getByTestId('pending').waitFor();
  await coord.getByLabel('Przyczyna korekty').fill('Odczyty OSD z 5 maja dosłane po zamknięciu');
  await coord.getByRole('button', { name: 'Wystaw faktury korygujące' }).click();
  await coord.getByRole('status').filter({ hasText: 'Wystawiono faktury korygujące' }).waitFor();
  await coord.close();
  const member = await signIn(secrets.home);
  await member.goto(`${base}/portal/months/2026-05`);
  const differences = await member.getByTestId('difference').allTextContents();
  expect(differences.length).toBeGreaterThan(0);
  for (const text of differences) expect(text).toMatch(/^[+−]\d+,\d{2} zł$/);
  expect(await member.getByTestId('documents').textContent()).toMatch(/Korekta/);
  await member.close();
});

test('the auditor sees the chain intact with what its numbers mean, a replay with names, labels and zł; a signed-out session returns to sign-in', async () => {
  const page = await signIn(secrets.auditor);
  await page.goto(`${base}/portal/audit?month=2026-05`);
  await page.getByTestId('chain').filter({ hasText: 'nienaruszony' }).waitFor();
  const verify = (await t.http.get('/audit/verify').set(t.admin).expect(200)).body as { intact: boolean };
  expect(Number(defined(await page.getByTestId('events').textContent(), 'the event count').replace(/\D/g, ''))).toBeGreaterThan(0);
  expect(await page.getByTestId('heads-digest').textContent()).toMatch(/^[0-9a-f]{64}$/);
  expect(verify.intact).toBe(true);
  // the replay reproduces the close; the live view has the later data: differences by name, label, unit
  await page.getByTestId('replay').waitFor();
  const differences = defined(await page.getByTestId('differences').textContent(), 'the differences');
  expect(differences).toContain('Zofia Wójcik');
  expect(differences).toContain('Pobór z sieci');
  expect(differences).toMatch(/\d zł/);
  expect(differences).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|importWh|Grosze/);
  await page.getByRole('button', { name: 'Wyloguj' }).click();
  await page.waitForURL(/\/portal$/);
  await page.goto(`${base}/portal/home`);
  expect(page.url()).toMatch(/\/portal\?$/);
  await page.close();
});

test('a revoked token sends the user back to sign-in with a message', async () => {
  const body = (await t.http.post('/tokens').set(t.admin).send({ role: 'member', clusterId, memberId: ids.home, label: 'short-lived' }).expect(201)).body as { token: string; tokenId: string };
  const page = await signIn(body.token);
  await t.http.post(`/tokens/${body.tokenId}/revocation`).set(t.admin).expect(200);
  await page.goto(`${base}/portal/home`);
  expect(await page.getByRole('status').textContent()).toBe('Sesja wygasła. Zaloguj się ponownie.');
  await page.close();
});

// --- every page, each role, both languages -------------------------------------------------

/** English words a Polish page must not show (names and brands excepted by not being on the list). */
const ENGLISH = [
  'the',
  'and',
  'of',
  'from',
  'with',
  'for',
  'not',
  'is',
  'are',
  'month',
  'months',
  'invoice',
  'invoices',
  'download',
  'line',
  'error',
  'found',
  'member',
  'members',
  'coordinator',
  'auditor',
  'closed',
  'provisional',
  'identical',
  'differences',
  'field',
  'live',
  'replayed',
  'sent',
  'queued',
  'accepted',
  'refused',
  'new',
  'unchanged',
  'corrected',
  'self',
  'billing',
  'statement',
  'correction',
  'kind',
  'number',
  'total',
  'show',
  'sign',
  'out',
  'file',
  'gross',
  'net',
  'day',
  'energy',
  'received',
  'supplied',
  'fees',
  'shares',
  'pending',
  'status',
  'true',
  'false',
  'null',
  'undefined',
  'nan',
];
const BRANDS = new Set(['eBOK', 'eLicznik', 'KSeF', 'kWh', 'MWh']); // brands and units
const IDENTIFIER = [
  { name: 'camelCase', pattern: /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g },
  { name: 'snake_case', pattern: /\b[a-z0-9]+_[a-z0-9_]+\b/gi },
  { name: 'UUID', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
];

async function checkPage(page: Page, path: string, lang: 'pl' | 'en', shot: string) {
  const response = await page.goto(`${base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
  expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
  await page.waitForLoadState('load');
  const canvases = await page.locator('canvas[id]').evaluateAll((nodes) => nodes.map((n) => n.id));
  for (const id of canvases) await chartDrawn(page, id);
  // what a person sees: the rendered text, the select's options, labels read out
  const visible = await page.evaluate(() =>
    [
      document.title,
      document.body.innerText,
      ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')].map(
        (e) => `${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('title') ?? ''} ${e.getAttribute('placeholder') ?? ''}`,
      ),
    ].join('\n'),
  );
  for (const { name, pattern } of IDENTIFIER) {
    const found = (visible.match(pattern) ?? []).filter((w) => !BRANDS.has(w));
    expect({ path, lang, [name]: found }).toEqual({ path, lang, [name]: [] });
  }
  if (lang === 'pl') {
    const words = new Set(visible.toLowerCase().split(/[^\p{L}]+/u));
    expect({ path, english: ENGLISH.filter((w) => words.has(w)) }).toEqual({ path, english: [] });
  }
  const axe = await page.evaluate(async (source) => {
    (0, eval)(source);
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  }, AXE);
  expect({ path, lang, axe }).toEqual({ path, lang, axe: [] });
  await page.screenshot({ path: `${SHOTS}/${shot}-${lang}.png`, fullPage: true });
}

const PAGES: Record<'member' | 'coordinator' | 'auditor', () => [path: string, shot: string][]> = {
  member: () => [
    ['/portal/home', 'member-home'],
    ['/portal/months/2026-05', 'member-month-closed'],
    ['/portal/months/2026-04', 'member-month-no-data'],
  ],
  coordinator: () => [
    ['/portal/home', 'coordinator-home'],
    ['/portal/cluster/2026-05', 'coordinator-month-closed'],
    ['/portal/cluster/2026-06', 'coordinator-month-open'],
    [`/portal/months/2026-05?member=${ids.city}`, 'coordinator-member-month'],
    ['/portal/audit?month=2026-05', 'coordinator-audit'],
  ],
  auditor: () => [
    ['/portal/home', 'auditor-home'],
    ['/portal/audit', 'auditor-audit'],
    ['/portal/audit?month=2026-05', 'auditor-replay'],
    [`/portal/months/2026-05?member=${ids.home}`, 'auditor-member-month'],
  ],
} as const;

test.each(['member', 'coordinator', 'auditor'] as const)('every page of the %s in Polish and English: translated, no identifiers, accessible', async (role) => {
  const page = await signIn(secrets[role === 'member' ? 'home' : role]);
  for (const lang of ['pl', 'en'] as const) for (const [path, shot] of PAGES[role]()) await checkPage(page, path, lang, shot);
  await page.close();
});

test('the sign-in page and an error page in both languages: translated, accessible', async () => {
  const page = await newPage();
  for (const lang of ['pl', 'en'] as const) await checkPage(page, '/portal', lang, 'sign-in');
  await page.getByLabel('Access token from the coordinator').fill(secrets.home);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/portal\/home$/);
  for (const lang of ['pl', 'en'] as const) {
    const response = await page.goto(`${base}/portal/months/2026-05?member=${ids.firm}&lang=${lang}`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('status').textContent()).toBe(lang === 'pl' ? 'Nie znaleziono.' : 'Not found.');
    await page.screenshot({ path: `${SHOTS}/error-404-${lang}.png`, fullPage: true });
  }
  await page.goto(`${base}/portal/home?lang=pl`);
  await page.close();
});

test('keyboard only: sign in, open a statement, download its document', async () => {
  const page = await newPage();
  await page.goto(`${base}/portal?lang=pl`);
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return `${String(e?.tagName)} ${e?.getAttribute('name') ?? ''} ${e?.textContent.trim() ?? ''}`;
    });
  // Tab to the token field: skip link, brand, language switch, the field
  for (let i = 0; i < 10 && !(await focused()).startsWith('INPUT token'); i++) await page.keyboard.press('Tab');
  expect(await focused()).toMatch(/^INPUT token/);
  await page.keyboard.type(secrets.home);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/portal\/home$/);
  for (let i = 0; i < 20 && !(await focused()).endsWith('maj 2026'); i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('A  maj 2026');
  await page.keyboard.press('Enter');
  await page.waitForURL(/months\/2026-05/);
  for (let i = 0; i < 80 && !(await focused()).endsWith('PDF'); i++) await page.keyboard.press('Tab');
  expect(await focused()).toMatch(/^A .*PDF$/);
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect(
    readFileSync(await (await download).path())
      .subarray(0, 5)
      .toString(),
  ).toBe('%PDF-');
  await page.close();
});
