// One settlement benchmark size in its own process: fill meter_days with a month for N
// PPE (straight into the read model, as the benchmark starts from there), then settle.
import { pino } from 'pino';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { registryProjection } from '../src/clusters/registry.projection.js';
import { SettlementService } from '../src/settlement/queries/settlement.service.js';
import { SupportExtension } from '../src/support/support.extension.js';
import { activeMembers, calculateMonth } from '../src/settlement/domain/month-calculation.js';
import { allocateMonth } from '../src/settlement/domain/engine/allocate-month.js';
import { allocateInterval, type MemberFlow } from '../src/settlement/domain/engine/allocate.js';
import { MonthFlowsBuilder } from '../src/settlement/domain/month-flows.js';
import { agreementForMonth, ownershipPeriods } from '../src/clusters/domain/registry.js';
import { monthBounds } from '../src/shared/calendar.js';
import { to as copyTo } from 'pg-copy-streams';
import type { ClustersService } from '../src/clusters/queries/clusters.service.js';
import type { ClusterState } from '../src/clusters/domain/registry.js';
import { fillMeterDays, setUpCluster } from './cluster-setup.js';
import { freshDatabase, peakRssMib, timed } from './support.js';

const [serverUrl = '', ppeText, daysText] = process.argv.slice(2);
const ppe = Number(ppeText);
const days = Number(daysText);
const month = '2026-05';
const { pool } = await freshDatabase(serverUrl, `bench_settle_${String(ppe)}`);
const store = new PostgresEventStore(pool);
const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }));
runner.register(registryProjection);
await runner.start(false);
const { points, lastPosition } = await setUpCluster(store, 'bench', ppe, month);
await runner.waitFor(lastPosition, 300_000);

await fillMeterDays(pool, 'bench', points, month, days);
const clusters = { state: async () => (await pool.query('SELECT state FROM registry_clusters WHERE cluster_id = $1', ['bench'])).rows[0].state } as unknown as ClustersService;
const settlement = new SettlementService(pool, store, clusters);
// as the service runs it: the support ledger plugged in
settlement.registerExtension(new SupportExtension(store));
const settle = await timed(() => settlement.recompute('bench', month));
const settleRss = peakRssMib();
const stateRow = (await pool.query<{ state: ClusterState }>('SELECT state FROM registry_clusters WHERE cluster_id = $1', ['bench'])).rows[0];
if (stateRow === undefined) throw new Error('the bench cluster is not in the registry read model');
const { state } = stateRow;
const meterRows = (await pool.query('SELECT ppe_code, day_start, interval_minutes, import_wh, export_wh FROM meter_days WHERE cluster_id = $1', ['bench'])).rows
  .map((r) => ({ ppeCode: r.ppe_code, dayStart: r.day_start, intervalMinutes: r.interval_minutes, importWh: r.import_wh, exportWh: r.export_wh }));
const engine = await timed(() => calculateMonth(state, month, meterRows));

// The floor: the same rows read with one COPY ... TO STDOUT, bytes counted, nothing parsed.
const copy = await timed(async () => {
  const client = await pool.connect();
  try {
    let bytes = 0;
    const stream = client.query(copyTo(`COPY (SELECT ppe_code, day_start, interval_minutes, import_wh, export_wh FROM meter_days WHERE cluster_id = 'bench') TO STDOUT`));
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return bytes;
  } finally {
    client.release();
  }
});

// Where the time goes: the flows built from the rows, then the month engine alone on them,
// then the interval engine (the reference the month engine is tested against) on the same flows.
const agreement = agreementForMonth(state, month)!;
const members = activeMembers(state, month);
const periods = Object.values(state.points).flatMap((point) => ownershipPeriods(state, point.ppeCode).map((p) => ({ ...p, renewable: false })));
const { start, end } = monthBounds(month);
const build = await timed(async () => {
  const builder = new MonthFlowsBuilder(start, end, agreement.intervalMinutes, periods, members);
  for (const day of meterRows) builder.addDay(day);
  return builder.build();
});
const flows = build.result;
const input = { memberIds: flows.memberIds, intervalCount: flows.intervalStarts.length, exportWh: flows.exportWh, importWh: flows.importWh };
const rules = { ownNetting: agreement.ownNetting, allocation: agreement.allocation, contractsAt: () => [] };
const monthEngine = await timed(async () => allocateMonth(input, rules));
const reference = process.env.BENCH_REFERENCE_ENGINE === '0' ? null : await timed(async () => {
  const n = flows.memberIds.length;
  let receivedWh = 0;
  for (let t = 0; t < input.intervalCount; t++) {
    const active: MemberFlow[] = [];
    for (let m = 0; m < n; m++) {
      const e = flows.exportWh[t * n + m]!;
      const imp = flows.importWh[t * n + m]!;
      if (e !== 0 || imp !== 0) active.push({ memberId: flows.memberIds[m]!, exportWh: e, importWh: imp });
    }
    for (const r of allocateInterval({ members: active, ownNetting: agreement.ownNetting, allocation: agreement.allocation }).members) receivedWh += r.receivedWh;
  }
  return receivedWh;
});
if (reference && reference.result !== monthEngine.result.totals.receivedWh.reduce((a, b) => a + b, 0)) throw new Error('the month engine and the reference disagree');
await pool.end();
console.log(JSON.stringify({
  settleSeconds: settle.seconds, engineSeconds: engine.seconds, members: settle.result.statements.length, peakRssMib: settleRss,
  copySeconds: copy.seconds, copyBytes: copy.result, readings: meterRows.length * 96,
  flowsSeconds: build.seconds, monthEngineSeconds: monthEngine.seconds, referenceEngineSeconds: reference?.seconds ?? null,
}));
