// The outbox against the KSeF stand-in, on a real PostgreSQL event store: what reaches KSeF
// (every request checked against the official OpenAPI document, every invoice decrypted
// and validated against the FA(3) XSD), what is recorded, and what survives faults and kills.
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { migrate } from '../../src/database/migrate.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { decideAndAppend, loadStream } from '../../src/event-store/command-handling.js';
import { upoSchema } from '../../src/common/xml-schema.js';
import { isFa3Document, renderFa3 } from '../../src/invoicing/domain/fa3/render.js';
import type { InvoiceDocument } from '../../src/invoicing/domain/documents.js';
import { KsefClient } from '../../src/ksef/client/ksef-client.js';
import { isValidKsefNumber } from '../../src/ksef/domain/environments.js';
import { type KsefCommand, ksefDecider, type KsefState, ksefStreamId, viewOf } from '../../src/ksef/domain/outbox.js';
import { SecretBox } from '../../src/ksef/commands/secret-box.js';
import { KsefSender } from '../../src/ksef/worker/sender.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { defined, matching } from '../support/expect.js';
import { type Fault, KsefStandIn } from '../support/ksef-stand-in.js';
import { COORDINATOR_NIP, correctionOf, invoice, MEMBER_NIP, selfBilling } from '../support/ksef-documents.js';

const KSEF_TOKEN = `20260601-EC-${randomBytes(8).toString('hex').toUpperCase()}|nip-${COORDINATOR_NIP}|${randomBytes(16).toString('hex')}`;
/** jest's expect.stringContaining, held as unknown (its type is `any`). */
const containingText = (text: string): unknown => expect.stringContaining(text);
const OPENAPI_KSEF_NUMBER = /^([1-9](\d[1-9]|[1-9]\d)\d{7})-(20[2-9][0-9]|2[1-9]\d{2}|[3-9]\d{3})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})$/;

let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;
let standIn: KsefStandIn;
const secrets = new SecretBox(randomBytes(32));
const delays: number[] = [];
const fastSleep = async (ms: number) => {
  delays.push(ms);
  await new Promise((r) => setTimeout(r, 1));
};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 10 });
  pool.on('error', () => undefined);
  await migrate(pool);
  store = new PostgresEventStore(pool, { pollMs: 50 });
  standIn = await KsefStandIn.start({ tokens: { [KSEF_TOKEN]: COORDINATOR_NIP } });
});
afterAll(async () => {
  await standIn.stop();
  await pool.end();
  await db.drop();
});
afterEach(() => {
  // a request the official document does not allow fails the test that made it
  expect(standIn.violations).toEqual([]);
  expect(standIn.responseViolations).toEqual([]);
  standIn.faultFor = () => null;
});

interface Cluster {
  clusterId: string;
  documents: InvoiceDocument[];
}

async function connectedCluster(): Promise<Cluster> {
  const clusterId = randomUUID();
  await command(clusterId, { type: 'Connect', environment: 'test', contextNip: COORDINATOR_NIP, token: secrets.seal(clusterId, KSEF_TOKEN), now: new Date().toISOString() });
  return { clusterId, documents: [] };
}

const command = (clusterId: string, c: KsefCommand) => decideAndAppend(store, ksefStreamId(clusterId), ksefDecider, c);
const state = async (clusterId: string): Promise<KsefState> => (await loadStream(store, ksefStreamId(clusterId), ksefDecider)).state;

/** The sender's clock: real time plus what a test moved it on by (retries that fall due later). */
let clockOffsetMs = 0;
const now = () => Date.now() + clockOffsetMs;

function sender(cluster: Cluster, fetchImpl: typeof fetch = fetch, timeoutMs = 1000) {
  return new KsefSender({
    now,
    store,
    secrets,
    documents: () => Promise.resolve(cluster.documents),
    renderer: { render: renderFa3, isFa3: isFa3Document },
    client: () => new KsefClient({ baseUrl: standIn.url, timeoutMs, fetch: fetchImpl, sleep: fastSleep }),
    sleep: fastSleep,
    statusPolls: 3,
    statusPollDelayMs: 1,
    passRetry: { baseDelayMs: 0, maxDelayMs: 0 },
  });
}

/** Passes until nothing is left to do (or the limit). */
async function settle(cluster: Cluster, s = sender(cluster), limit = 20) {
  for (let i = 0; i < limit; i++) {
    await s.pass(cluster.clusterId);
    if (KsefSender.pending(await state(cluster.clusterId)).length === 0) return;
  }
}

/** Unique invoice numbers across tests: KSeF keeps one per seller, kind and number. */
let serial = 0;
const number = (series = 'FV') => `${series}/2026/${String(++serial).padStart(6, '0')}`;

test('an invoice, a self-billing invoice and a correction reach KSeF: KSeF numbers, UPOs, the correction names the original', async () => {
  const c = await connectedCluster();
  const original = invoice(number());
  const self = selfBilling(number('FVS'));
  const correction = correctionOf(original, number('FVK'));
  c.documents.push(original, self, correction);
  standIn.selfInvoicing.add(MEMBER_NIP);
  await command(c.clusterId, { type: 'RecordSelfInvoicing', memberId: self.memberId, granted: true, knownMember: true, now: new Date().toISOString() });
  const report = await sender(c).pass(c.clusterId);
  let s = await state(c.clusterId);
  expect(report).toMatchObject({ failed: null });
  expect(s.documents[original.invoiceId]).toMatchObject({ status: 'accepted', upo: true });
  expect(s.documents[self.invoiceId]).toMatchObject({ status: 'accepted', upo: true });
  // the correction waited for the original's number, and went in the next pass
  expect(defined(s.documents[correction.invoiceId], "the correction's record").status).toBe('queued');
  await sender(c).pass(c.clusterId);
  s = await state(c.clusterId);
  for (const d of [original, self, correction]) {
    const recorded = defined(s.documents[d.invoiceId], `the record of ${d.number}`);
    expect(recorded.status).toBe('accepted');
    expect(recorded.ksefNumber).toMatch(OPENAPI_KSEF_NUMBER);
    expect(isValidKsefNumber(defined(recorded.ksefNumber, 'the KSeF number'))).toBe(true);
    const upo = defined(
      (await store.readStream(ksefStreamId(c.clusterId))).find((e) => e.type === 'KsefUpoReceived' && e.data.invoiceId === d.invoiceId),
      'the UPO event',
    ).data.upo as string;
    expect(upoSchema().validate(upo)).toEqual({ valid: true });
    expect(upo).toContain(recorded.ksefNumber);
  }
  const sentCorrection = defined(
    standIn.received.find((r) => r.invoiceNumber === correction.number),
    'the correction KSeF received',
  );
  expect(sentCorrection.xml).toContain(`<NrKSeFFaKorygowanej>${String(defined(s.documents[original.invoiceId], "the original's record").ksefNumber)}</NrKSeFFaKorygowanej>`);
  expect(
    defined(
      standIn.received.find((r) => r.invoiceNumber === self.number),
      'the self-billing invoice KSeF received',
    ).sellerNip,
  ).toBe(MEMBER_NIP);
  expect(standIn.doubleSends()).toEqual([]);
  // nothing left: another pass sends nothing
  const before = standIn.received.length;
  await sender(c).pass(c.clusterId);
  expect(standIn.received.length).toBe(before);
});

test("self-billing waits for the recorded permission; KSeF's refusal for a missing one says so plainly; granting sends it again", async () => {
  const c = await connectedCluster();
  const self = selfBilling(number('FVS'), { seller: { name: 'Spółdzielnia', nip: '7770001111', address: 'ul. Polna 1' } });
  c.documents.push(self);
  await sender(c).pass(c.clusterId);
  let s = await state(c.clusterId);
  expect(viewOf(s, self.invoiceId, true)).toMatchObject({ status: 'queued', waiting: matching(/SelfInvoicing permission/) });
  expect(standIn.received.some((r) => r.invoiceNumber === self.number)).toBe(false);
  // recorded as granted, but KSeF does not have it
  await command(c.clusterId, { type: 'RecordSelfInvoicing', memberId: self.memberId, granted: true, knownMember: true, now: new Date().toISOString() });
  await sender(c).pass(c.clusterId);
  s = await state(c.clusterId);
  expect(viewOf(s, self.invoiceId, true)).toMatchObject({ status: 'refused', code: 410, reason: matching(/has not granted the coordinator the SelfInvoicing permission/) });
  // refused: not sent again by later passes
  await sender(c).pass(c.clusterId);
  expect(standIn.received.filter((r) => r.invoiceNumber === self.number)).toHaveLength(1);
  // the member grants it in KSeF; the coordinator records it: the document goes again
  standIn.selfInvoicing.add('7770001111');
  await command(c.clusterId, { type: 'RecordSelfInvoicing', memberId: self.memberId, granted: true, knownMember: true, now: new Date().toISOString() });
  await sender(c).pass(c.clusterId);
  expect((await state(c.clusterId)).documents[self.invoiceId]).toMatchObject({ status: 'accepted' });
});

test('a refusal is recorded with its code and reason and not sent again until the coordinator retries', async () => {
  const c = await connectedCluster();
  const d = invoice(number());
  c.documents.push(d);
  standIn.refuse.set(d.number, { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury' });
  await sender(c).pass(c.clusterId);
  await sender(c).pass(c.clusterId);
  let s = await state(c.clusterId);
  expect(viewOf(s, d.invoiceId, true)).toEqual({ status: 'refused', code: 450, reason: `KSeF refused ${d.number}: Błąd weryfikacji semantyki dokumentu faktury`, details: [] });
  expect(standIn.received.filter((r) => r.invoiceNumber === d.number)).toHaveLength(1);
  await command(c.clusterId, { type: 'RequestRetry', invoiceId: d.invoiceId, now: new Date().toISOString() });
  await sender(c).pass(c.clusterId);
  s = await state(c.clusterId);
  expect(s.documents[d.invoiceId]).toMatchObject({ status: 'accepted' });
  expect(standIn.doubleSends()).toEqual([]);
});

test('a duplicate: KSeF has the invoice already; it is recorded accepted under the number KSeF gave it, with that UPO', async () => {
  const c = await connectedCluster();
  const d = invoice(number());
  c.documents.push(d);
  const earlier = standIn.preload(COORDINATOR_NIP, 'VAT', d.number);
  await sender(c).pass(c.clusterId);
  const s = await state(c.clusterId);
  expect(s.documents[d.invoiceId]).toMatchObject({ status: 'accepted', ksefNumber: earlier.ksefNumber, sessionReference: earlier.sessionReference, upo: true });
});

test('5xx, 429 with Retry-After and timeouts are retried within the limits; a lost answer to a send is found in the session, not sent again', async () => {
  const c = await connectedCluster();
  const docs = [invoice(number()), invoice(number())];
  c.documents.push(...docs);
  const start = standIn.requests.length;
  let sends = 0;
  standIn.faultFor = (n, method, path) => {
    if (n - start === 0) return { kind: 'status', status: 503 };
    if (n - start === 1) return { kind: 'rate-limit', retryAfterSeconds: 7 };
    if (n - start === 2) return { kind: 'timeout' };
    if (method === 'post' && path.endsWith('/invoices') && ++sends === 1) return { kind: 'lost-answer' };
    return null;
  };
  delays.length = 0;
  await settle(c);
  const s = await state(c.clusterId);
  for (const d of docs) expect(s.documents[d.invoiceId]).toMatchObject({ status: 'accepted', upo: true });
  expect(delays).toContain(7000); // Retry-After honoured
  expect(standIn.doubleSends()).toEqual([]);
  for (const d of docs) expect(standIn.received.filter((r) => r.invoiceNumber === d.number)).toHaveLength(1);
});

test('without a connection nothing is queued; an unknown token fails the pass and the documents wait, recorded', async () => {
  const clusterId = randomUUID();
  const c: Cluster = { clusterId, documents: [invoice(number())] };
  await sender(c).pass(clusterId);
  expect(viewOf(await state(clusterId), defined(c.documents[0], 'the document').invoiceId, true)).toEqual({ status: 'not_sent', reason: 'KSeF is not connected for this cluster' });
  await command(clusterId, { type: 'Connect', environment: 'test', contextNip: COORDINATOR_NIP, token: secrets.seal(clusterId, 'not-a-token-known-to-ksef'), now: new Date().toISOString() });
  const report = await sender(c).pass(clusterId);
  expect(report.failed).toMatch(/refused the token/);
  expect((await state(clusterId)).documents[defined(c.documents[0], 'the document').invoiceId]).toMatchObject({ status: 'queued', failures: 1, lastError: matching(/token/) });
  await command(clusterId, { type: 'RotateToken', token: secrets.seal(clusterId, KSEF_TOKEN), now: new Date().toISOString() });
  await sender(c).pass(clusterId);
  expect((await state(clusterId)).documents[defined(c.documents[0], 'the document').invoiceId]).toMatchObject({ status: 'accepted' });
});

test('one authentication serves later passes; once the access token is near its end the refresh token renews it', async () => {
  const c = await connectedCluster();
  const s = sender(c);
  const count = (path: string, from: number) => standIn.requests.slice(from).filter((r) => r.path === path).length;
  let from = standIn.requests.length;
  c.documents.push(invoice(number()));
  await s.pass(c.clusterId);
  expect(count('/auth/challenge', from)).toBe(1);
  expect(count('/auth/token/redeem', from)).toBe(1);
  from = standIn.requests.length;
  c.documents.push(invoice(number()));
  await s.pass(c.clusterId);
  expect(count('/auth/challenge', from) + count('/auth/token/refresh', from)).toBe(0);
  from = standIn.requests.length;
  clockOffsetMs += 20 * 60_000; // past the access token's 15 minutes, within the refresh token's 7 days
  c.documents.push(invoice(number()));
  await s.pass(c.clusterId);
  expect(count('/auth/token/refresh', from)).toBe(1);
  expect(count('/auth/challenge', from)).toBe(0);
  expect(Object.values((await state(c.clusterId)).documents).map((d) => d.status)).toEqual(['accepted', 'accepted', 'accepted']);
});

test('a document whose XML cannot be made is recorded as not sent with the reason; the others still go', async () => {
  const c = await connectedCluster();
  const broken = invoice(number());
  const fine = invoice(number());
  c.documents.push(broken, fine);
  const s = new KsefSender({
    store,
    secrets,
    documents: () => Promise.resolve(c.documents),
    now,
    sleep: fastSleep,
    statusPolls: 3,
    statusPollDelayMs: 1,
    renderer: {
      isFa3: isFa3Document,
      render: (d, o) => {
        if (d.invoiceId === broken.invoiceId) throw new Error('no P_2');
        return renderFa3(d, o);
      },
    },
    client: () => new KsefClient({ baseUrl: standIn.url, timeoutMs: 1000, sleep: fastSleep }),
  });
  await s.pass(c.clusterId);
  const after = await state(c.clusterId);
  expect(viewOf(after, broken.invoiceId, true)).toMatchObject({ status: 'refused', code: 0, reason: containingText('no P_2') });
  expect(defined(after.documents[fine.invoiceId], 'the fine document').status).toBe('accepted');
});

// --- properties over fault sequences, kills included

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.constantFrom<Fault>({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 }, { kind: 'timeout' }, { kind: 'lost-answer' }),
  fc.integer({ min: 1, max: 30 }).map((s): Fault => ({ kind: 'rate-limit', retryAfterSeconds: s })),
);

test('property: whatever the faults and wherever the worker is killed, every document ends accepted or refused with its reason, none is sent twice', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        invoices: fc.integer({ min: 1, max: 3 }),
        withCorrection: fc.boolean(),
        withSelfBilling: fc.boolean(),
        refused: fc.option(fc.nat(2), { nil: null }),
        duplicate: fc.option(fc.nat(2), { nil: null }),
        faults: fc.dictionary(fc.nat(40).map(String), faultArb, { maxKeys: 12 }),
        kills: fc.array(fc.record({ atRequest: fc.integer({ min: 1, max: 25 }), afterForwarding: fc.boolean() }), { maxLength: 3 }),
      }),
      async (plan) => {
        const c = await connectedCluster();
        const invoices = Array.from({ length: plan.invoices }, () => invoice(number()));
        c.documents.push(...invoices);
        if (plan.withCorrection) c.documents.push(correctionOf(defined(invoices[0], 'the first invoice'), number('FVK')));
        if (plan.withSelfBilling) {
          // the member's self-billing invoice, sent in its name under the permission it granted
          const self = selfBilling(number('FVS'));
          c.documents.push(self);
          standIn.selfInvoicing.add(MEMBER_NIP);
          await command(c.clusterId, { type: 'RecordSelfInvoicing', memberId: self.memberId, granted: true, knownMember: true, now: new Date().toISOString() });
        }
        const refusedNumber = plan.refused !== null && plan.refused < invoices.length ? defined(invoices[plan.refused], 'the refused invoice').number : null;
        if (refusedNumber) standIn.refuse.set(refusedNumber, { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury' });
        const duplicate =
          plan.duplicate !== null && plan.duplicate < invoices.length && defined(invoices[plan.duplicate], 'the duplicate invoice').number !== refusedNumber
            ? standIn.preload(COORDINATOR_NIP, 'VAT', defined(invoices[plan.duplicate], 'the duplicate invoice').number)
            : null;
        const start = standIn.requests.length;
        const receivedBefore = standIn.received.length;
        standIn.faultFor = (n) => plan.faults[String(n - start)] ?? null;
        // a cluster's stream of its own per run; the sender of each run is new (as after a restart)

        // each kill: a sender whose process dies at its k-th request (before or after KSeF got it); a new one takes over
        for (const kill of plan.kills) {
          let count = 0;
          let died!: () => void;
          const dead = new Promise<string>(
            (r) =>
              (died = () => {
                r('killed');
              }),
          );
          const dying: typeof fetch = async (input, init) => {
            if (++count < kill.atRequest) return fetch(input, init);
            if (kill.afterForwarding) await fetch(input, init).catch(() => undefined); // KSeF got it; the answer dies with the process
            died();
            return new Promise<Response>(() => undefined); // never answers: the process is gone
          };
          const s = sender(c, dying, 300);
          for (let i = 0; i < 5; i++) {
            const outcome = await Promise.race([s.pass(c.clusterId).then(() => 'done'), dead]);
            if (outcome === 'killed' || KsefSender.pending(await state(c.clusterId)).length === 0) break;
          }
        }
        const survivor = sender(c, fetch, 300);
        for (let i = 0; i < 25; i++) {
          clockOffsetMs += 60_000; // a minute between passes: a Retry-After that ended a pass falls due
          await survivor.pass(c.clusterId);
          if (KsefSender.pending(await state(c.clusterId)).length === 0) break;
        }

        const s = await state(c.clusterId);
        for (const d of c.documents) {
          if (d.kind === 'correction' && defined(invoices[0], 'the first invoice').number === refusedNumber) {
            // the correction of a refused original waits for it, and says so
            expect(viewOf(s, d.invoiceId, true)).toMatchObject({ status: 'queued', waiting: containingText(defined(invoices[0], 'the first invoice').number) });
            continue;
          }
          const recorded = defined(s.documents[d.invoiceId], `the record of ${d.number}`);
          expect(['accepted', 'refused']).toContain(recorded.status);
          if (recorded.status === 'refused') {
            expect(d.number).toBe(refusedNumber);
            expect(recorded.refusal).toMatchObject({ code: 450, reason: containingText('Błąd weryfikacji') });
          } else {
            expect(recorded.upo).toBe(true);
            expect(isValidKsefNumber(defined(recorded.ksefNumber, 'the KSeF number'))).toBe(true);
          }
        }
        if (duplicate)
          expect(defined(s.documents[defined(invoices[defined(plan.duplicate, 'the duplicate index')], 'the duplicate invoice').invoiceId], "the duplicate's record").ksefNumber).toBe(
            duplicate.ksefNumber,
          );
        expect(standIn.doubleSends(receivedBefore)).toEqual([]);
        expect(standIn.violations).toEqual([]);
      },
    ),
    { numRuns: 20 },
  );
});
