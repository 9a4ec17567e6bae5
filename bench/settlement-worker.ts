// One settlement benchmark size in its own process: fill meter_days with a month for N
// PPE (straight into the read model, as the benchmark starts from there), then settle.
import { pino } from 'pino';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { registryProjection } from '../src/clusters/registry.projection.js';
import { SettlementService } from '../src/settlement/settlement.service.js';
import { calculateMonth } from '../src/settlement/month-calculation.js';
import { defaultLegalParameters } from '../src/support/domain/legal-parameters.js';
import { SupportExtension, supportPass } from '../src/support/support-extension.js';
import type { ClustersService } from '../src/clusters/clusters.service.js';
import type { ClusterState } from '../src/clusters/registry/registry.js';
import { monthIntervals, setUpCluster, syntheticReading } from './cluster-setup.js';
import { freshDatabase, peakRssMib, timed } from './support.js';

const [serverUrl, ppeText, daysText] = process.argv.slice(2);
const ppe = Number(ppeText);
const days = Number(daysText);
const month = '2026-05';
const { pool } = await freshDatabase(serverUrl, `bench_settle_${ppe}`);
const store = new PostgresEventStore(pool);
const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }));
runner.register(registryProjection);
await runner.start(false);
const { points, lastPosition } = await setUpCluster(store, 'bench', ppe, month);
await runner.waitFor(lastPosition, 300_000);

const intervals = monthIntervals(month).slice(0, days * 96);
const dayCount = Math.ceil(intervals.length / 96);
for (let p0 = 0; p0 < points.length; p0 += 200) {
  const rows: unknown[][] = [[], [], [], [], [], [], [], []];
  for (let p = p0; p < Math.min(p0 + 200, points.length); p++) {
    for (let d = 0; d < dayCount; d++) {
      const imp: number[] = [];
      const exp: number[] = [];
      for (let i = d * 96; i < Math.min((d + 1) * 96, intervals.length); i++) {
        const r = syntheticReading(points[p], p, i, 96);
        imp.push(r.importWh);
        exp.push(r.exportWh);
      }
      rows[0].push(points[p].ppeCode);
      rows[1].push(intervals[d * 96].toISOString().slice(0, 10));
      rows[2].push(intervals[d * 96]);
      rows[3].push(`{${imp.join(',')}}`);
      rows[4].push(`{${exp.join(',')}}`);
      rows[5].push('m'.repeat(imp.length));
    }
  }
  await pool.query(
    `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present)
     SELECT 'bench', p, d::date + 1, ds, 15, i::bigint[], e::bigint[], q, length(q) FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS t(p, d, ds, i, e, q)`,
    rows.slice(0, 6),
  );
}
const clusters = { state: async () => (await pool.query('SELECT state FROM registry_clusters WHERE cluster_id = $1', ['bench'])).rows[0].state } as unknown as ClustersService;
const settlement = new SettlementService(pool, store, clusters);
// as the service runs it: the support ledger plugged in
settlement.registerExtension(new SupportExtension(store));
const settle = await timed(() => settlement.recompute('bench', month));
const settleRss = peakRssMib();
const state = (await pool.query<{ state: ClusterState }>('SELECT state FROM registry_clusters WHERE cluster_id = $1', ['bench'])).rows[0].state;
const meterRows = (await pool.query('SELECT ppe_code, day_start, interval_minutes, import_wh, export_wh FROM meter_days WHERE cluster_id = $1', ['bench'])).rows
  .map((r) => ({ ppeCode: r.ppe_code, dayStart: r.day_start, intervalMinutes: r.interval_minutes, importWh: r.import_wh, exportWh: r.export_wh }));
const engine = await timed(() => calculateMonth(state, month, meterRows));
// the passes beside the engine: the hourly support ledger (every recompute), the transfer matrix (on demand and at the close)
const withLedger = await timed(() => calculateMonth(state, month, meterRows, undefined, undefined, undefined, { pass: supportPass(defaultLegalParameters()) }));
const withMatrix = process.env.BENCH_SETTLE_MATRIX === '0' ? null : await timed(() => calculateMonth(state, month, meterRows, undefined, undefined, undefined, { transfers: true }));
await pool.end();
console.log(JSON.stringify({
  settleSeconds: settle.seconds, engineSeconds: engine.seconds, ledgerSeconds: withLedger.seconds, matrixSeconds: withMatrix?.seconds ?? null,
  matrixRows: withMatrix?.result.transfers?.length ?? null, members: settle.result.statements.length, peakRssMib: settleRss,
}));
