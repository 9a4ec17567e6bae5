// Each seed cluster through the public API with a month of generated readings: every
// statement's conservation, and the figures against the engine run independently on the
// same generated data.
import { allocateInterval, type AllocationMethod, type MemberFlow } from '../../src/settlement/domain/engine/allocate.js';
import { buildStatements, MonthAccumulator } from '../../src/settlement/domain/engine/statement.js';
import { generateReadings } from '../../src/scenarios/readings-generator.js';
import { type Api, loadScenario } from '../../src/scenarios/load-scenario.js';
import { SCENARIOS, type Scenario } from '../../src/scenarios/seed-clusters.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fa3Schema } from '../../src/common/xml-schema.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { defined } from '../support/expect.js';

const MONTH = '2026-06';
let t: TestService;
let api: Api;

beforeAll(async () => {
  t = await startTestService();
  api = async (method, path, token, body) => {
    const request = method === 'GET' ? t.http.get(path) : t.http.post(path).send(body as object);
    const res = await request.set('Authorization', `Bearer ${token}`);
    return { status: res.status, body: res.body as unknown };
  };
});
afterAll(() => t.stop());

function independently(scenario: Scenario, memberIds: Record<string, string>) {
  const generated = generateReadings({ seed: 2026, month: MONTH, intervalMinutes: scenario.agreement.intervalMinutes, points: scenario.points });
  const ownerOf = new Map(scenario.points.map((p) => [p.ppeCode, memberIds[p.memberKey]]));
  const idOf = (key: string): string => {
    const id = memberIds[key];
    if (id === undefined) throw new Error(`no member ${key} was loaded`);
    return id;
  };
  const a = scenario.agreement.allocation;
  const allocation: AllocationMethod =
    a.method === 'static'
      ? { method: 'static', redistribute: a.redistribute, keys: a.keys.map((k) => ({ memberId: idOf(k.memberKey), shareBp: k.shareBp })) }
      : a.method === 'priority'
        ? { method: 'priority', tiers: a.tiers.map((tier) => tier.map(idOf)) }
        : { method: 'pro_rata' };
  const contracts = scenario.contracts.map((k, i) => ({ contractId: `k${String(i)}`, sellerMemberId: idOf(k.sellerKey), buyerMemberId: idOf(k.buyerKey), contractedWh: k.whPerInterval }));
  const month = new MonthAccumulator(Object.values(memberIds));
  generated.intervalStarts.forEach((_, i) => {
    const flows = new Map<string, MemberFlow>();
    for (const p of generated.points) {
      const memberId = defined(ownerOf.get(p.ppeCode), `the owner of ${p.ppeCode}`);
      const flow = flows.get(memberId) ?? { memberId, exportWh: 0, importWh: 0 };
      flow.exportWh += p.exportWh[i] ?? 0;
      flow.importWh += p.importWh[i] ?? 0;
      flows.set(memberId, flow);
    }
    month.add(allocateInterval({ members: [...flows.values()].filter((f) => f.exportWh > 0 || f.importWh > 0), ownNetting: scenario.agreement.ownNetting, allocation, contracts }));
  });
  return buildStatements(month, { ...scenario.agreement, version: 1, effectiveFrom: '2026-01' }, [], new Map()).members;
}

const FIELDS = ['importWh', 'exportWh', 'selfConsumedWh', 'receivedWh', 'suppliedWh', 'gridImportWh', 'gridExportWh', 'contractReceivedWh', 'poolReceivedWh'] as const;

test.each(SCENARIOS.map((s) => [s.key, s] as const))(
  '%s: conservation in every statement, figures equal to the engine run on its own',
  async (_key, scenario) => {
    const loaded = await loadScenario(api, ADMIN_TOKEN, scenario, MONTH);
    expect(loaded.readings.new).toBeGreaterThan(0);
    const res = await t.http.get(`/clusters/${loaded.clusterId}/settlements/${MONTH}`).set('Authorization', `Bearer ${loaded.coordinatorToken}`).expect(200);
    const statements = (res.body as { members: unknown }).members as ({
      importWh: number;
      exportWh: number;
      selfConsumedWh: number;
      receivedWh: number;
      suppliedWh: number;
      gridImportWh: number;
      gridExportWh: number;
      netAmountGrosze: number;
      receivedValueGrosze: number;
      feesGrosze: number;
      vatGrosze: number;
      suppliedValueGrosze: number;
      suppliedVatGrosze: number;
    } & Record<string, number>)[];
    expect(statements).toHaveLength(scenario.members.length);
    let received = 0;
    let supplied = 0;
    for (const s of statements) {
      expect(s.importWh).toBe(s.selfConsumedWh + s.receivedWh + s.gridImportWh);
      expect(s.exportWh).toBe(s.selfConsumedWh + s.suppliedWh + s.gridExportWh);
      expect(s.netAmountGrosze).toBe(s.receivedValueGrosze + s.feesGrosze + s.vatGrosze - s.suppliedValueGrosze - s.suppliedVatGrosze);
      received += s.receivedWh;
      supplied += s.suppliedWh;
    }
    expect(received).toBe(supplied);
    expect(received).toBeGreaterThan(0);
    const expected = independently(scenario, loaded.memberIds);
    for (const e of expected) {
      const s = defined(
        statements.find((x) => x.memberId === (e.memberId as unknown)),
        `the statement of ${e.memberId}`,
      );
      for (const f of FIELDS) expect([e.memberId, f, s[f]]).toEqual([e.memberId, f, e[f]]);
    }
    // the transfer matrix meets every statement: rows sum to suppliedWh, columns to receivedWh, by kind too
    const matrix = await t.http.get(`/clusters/${loaded.clusterId}/settlements/${MONTH}/transfers`).set('Authorization', `Bearer ${loaded.coordinatorToken}`).expect(200);
    const sums = new Map<string, number>();
    const add = (key: string, wh: number) => sums.set(key, (sums.get(key) ?? 0) + wh);
    const transfers = (matrix.body as { transfers: { fromMemberId: string; toMemberId: string; kind: string; wh: number }[] }).transfers;
    for (const x of transfers) {
      add(`${x.fromMemberId} supplied ${x.kind}`, x.wh);
      add(`${x.toMemberId} received ${x.kind}`, x.wh);
    }
    for (const st of statements) {
      const id = st.memberId as unknown as string;
      expect([id, sums.get(`${id} supplied pool`) ?? 0, sums.get(`${id} supplied contract`) ?? 0, sums.get(`${id} received pool`) ?? 0, sums.get(`${id} received contract`) ?? 0]).toEqual([
        id,
        st.poolSuppliedWh,
        st.contractSuppliedWh,
        st.poolReceivedWh,
        st.contractReceivedWh,
      ]);
    }
    if (scenario.contracts.length > 0) expect(transfers.some((x: { kind: string }) => x.kind === 'contract')).toBe(true);
    // the hourly ledger of the same month: its bounds hold on the totals, and its members' shares add up
    const support = (await t.http.get(`/clusters/${loaded.clusterId}/support/${MONTH}`).set('Authorization', `Bearer ${loaded.coordinatorToken}`).expect(200)).body as {
      hourCount: number;
      totals: { renewableMatchedWh: number; matchedWh: number; fedInWh: number; takenWh: number };
      members: { renewableMatchedWh: number }[];
    };
    expect(support.hourCount).toBe(720);
    expect(support.totals.renewableMatchedWh).toBeLessThanOrEqual(support.totals.matchedWh);
    expect(support.totals.matchedWh).toBeLessThanOrEqual(Math.min(support.totals.fedInWh, support.totals.takenWh));
    expect(support.members.reduce((a: number, m: { renewableMatchedWh: number }) => a + m.renewableMatchedWh, 0)).toBe(support.totals.renewableMatchedWh);
    expect(support.totals.takenWh).toBe(statements.reduce((a, st) => a + st.importWh, 0));
    // closed and invoiced: each member's documents sum to its statement, every e-invoice validates
    const c = `/clusters/${loaded.clusterId}`;
    const auth = { Authorization: `Bearer ${loaded.coordinatorToken}` };
    await t.http.post(`${c}/settlements/${MONTH}/close`).set(auth).send({ allowGaps: true, reason: 'generated month' }).expect(201);
    const issued = ((await t.http.post(`${c}/settlements/${MONTH}/invoices`).set(auth).expect(200)).body as { documents: { invoiceId: string; number: string; kind: string }[] }).documents;
    for (const memberId of Object.values(loaded.memberIds)) {
      const view = (await t.http.get(`${c}/settlements/${MONTH}/members/${memberId}/documents`).set(auth).expect(200)).body as { amountDueGrosze: number; closedStatementAmountGrosze: number };
      expect([memberId, view.amountDueGrosze]).toEqual([memberId, view.closedStatementAmountGrosze]);
    }
    for (const d of issued.filter((x) => x.kind !== 'settlement_statement')) {
      const xml = (await t.http.get(`${c}/invoices/${d.invoiceId}.xml`).set(auth).expect(200)).text;
      expect([d.number, fa3Schema().validate(xml)]).toEqual([d.number, { valid: true }]);
    }
    // one PDF of each kind, left to be looked at
    mkdirSync('test-output/pdf', { recursive: true });
    for (const kind of ['invoice', 'self_billing', 'settlement_statement']) {
      const d = issued.find((x) => x.kind === kind);
      if (!d) continue;
      const pdf = await t.http
        .get(`${c}/invoices/${d.invoiceId}.pdf`)
        .set(auth)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            cb(null, Buffer.concat(chunks));
          });
        })
        .expect(200);
      writeFileSync(`test-output/pdf/${scenario.key}-${kind}.pdf`, pdf.body as Buffer);
    }
    // loading again duplicates nothing
    const again = await loadScenario(api, ADMIN_TOKEN, scenario, MONTH);
    expect(again.clusterId).toBe(loaded.clusterId);
    expect(again.readings).toMatchObject({ new: 0, corrected: 0 });
    expect(Object.values(again.memberIds).sort()).toEqual(Object.values(loaded.memberIds).sort());
  },
  120_000,
);
