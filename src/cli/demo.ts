// npm run demo [-- --month YYYY-MM]: starts the service on its embedded default, loads the
// five seed clusters through the public API with a month of generated readings, closes the
// month and issues its documents, prints the settlement of each, the portal's address and a
// sign-in token for each role, and keeps serving until Ctrl-C. Running it again duplicates
// nothing: a month already closed stays as it was, its documents are the same.
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { createService } from '../app.js';
import { TokenRepository } from '../auth/queries/tokens.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { type Api, closeAndIssue, issueToken, loadScenario } from '../scenarios/load-scenario.js';
import { SCENARIOS } from '../scenarios/seed-clusters.js';

/** Wh as MWh to a tenth, rounded half up, in integers (no float touches the value). */
function mwh(wh: number): string {
  const tenths = (wh + 50_000 - ((wh + 50_000) % 100_000)) / 100_000;
  return `${String((tenths - (tenths % 10)) / 10)}.${String(tenths % 10)}`;
}

/** Basis points as a percentage with two decimals. */
function percent(bp: number): string {
  return `${String((bp - (bp % 100)) / 100)}.${String(bp % 100).padStart(2, '0')}`;
}

const { values } = parseArgs({ options: { month: { type: 'string' } } });
const month = values.month ?? DateTime.now().setZone('Europe/Warsaw').minus({ months: 1 }).toFormat('yyyy-MM');
if (!/^2026-(0[1-9]|1[0-2])$/.test(month)) {
  console.error("--month must be a month of 2026 (the scenarios' agreements start in 2026-01) that has ended");
  process.exit(2);
}
const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
const service = await createService(config, createLogger(config.logLevel));
await service.app.listen(config.port, config.host);
const base = `http://${config.host}:${String(config.port)}`;
const { token: adminToken } = await service.app.get(TokenRepository).issue({ role: 'admin', label: 'demo admin' });
/** The part of GET /clusters/:id/settlements/:month this summary prints. */
interface SettlementTotals {
  totals: { importWh: number; exportWh: number; receivedWh: number; selfSufficiency: { valueBp: number } };
}
const api: Api = async (method, path, token, body) => {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

console.log(`Loading the five seed clusters for ${month} into ${base} ...`);
for (const scenario of SCENARIOS) {
  const loaded = await loadScenario(api, adminToken, scenario, month);
  const settlement = (await api('GET', `/clusters/${loaded.clusterId}/settlements/${month}`, loaded.coordinatorToken)).body as SettlementTotals;
  const t = settlement.totals;
  console.log(`\n${scenario.cluster.name}  (${scenario.agreement.allocation.method}${scenario.contracts.length ? ', bilateral contracts' : ''})`);
  console.log(`  readings: ${String(loaded.readings.new)} new, ${String(loaded.readings.unchanged)} unchanged`);
  console.log(`  ${month}: import ${mwh(t.importWh)} MWh, export ${mwh(t.exportWh)} MWh, shared in the cluster ${mwh(t.receivedWh)} MWh, self-sufficiency ${percent(t.selfSufficiency.valueBp)} %`);
  const issued = await closeAndIssue(api, loaded.coordinatorToken, loaded.clusterId, month);
  console.log(`  ${month} closed, ${String(issued)} documents issued`);
  console.log(`  API: ${base}/clusters/${loaded.clusterId}/settlements/${month}`);
  const firstMember = scenario.members[0];
  if (firstMember === undefined) throw new Error(`scenario ${scenario.key} has no members to issue a member token for`);
  const memberToken = await issueToken(api, loaded.coordinatorToken, {
    role: 'member',
    clusterId: loaded.clusterId,
    memberId: loaded.memberIds[firstMember.key],
    label: `${scenario.key} member (demo)`,
  });
  const auditorToken = await issueToken(api, loaded.coordinatorToken, { role: 'auditor', clusterId: loaded.clusterId, label: `${scenario.key} auditor (demo)` });
  console.log(`  sign in at ${base}/portal with one of these tokens:`);
  console.log(`    coordinator:             ${loaded.coordinatorToken}`);
  console.log(`    member (${firstMember.legalName}): ${memberToken}`);
  console.log(`    auditor:                 ${auditorToken}`);
}
console.log(`\nPortal: ${base}/portal   OpenAPI: ${base}/docs   admin token for this demo: ${adminToken}`);
console.log('Serving; Ctrl-C to stop.');
const stop = async () => {
  await service.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
