// One settlement benchmark size in its own process: fill meter_days with a month for N
// PPE (straight into the read model, as the benchmark starts from there), then settle.
import { pino } from 'pino';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { registryProjection } from '../src/clusters/registry.projection.js';
import { SettlementService } from '../src/settlement/queries/settlement.service.js';
import { settlementInputsProjection } from '../src/settlement/settlement.projection.js';
import type { RecordedEvent } from '../src/event-store/event-store.port.js';
import { SupportExtension } from '../src/support/support.extension.js';
import { activeMembers, calculateMonth } from '../src/settlement/domain/month-calculation.js';
import { allocateMonth } from '../src/settlement/domain/engine/allocate-month.js';
import { allocateInterval, type MemberFlow } from '../src/settlement/domain/engine/allocate.js';
import { MonthFlowsBuilder } from '../src/settlement/domain/month-flows.js';
import { agreementForMonth, ownershipPeriods } from '../src/clusters/domain/registry.js';
import { isoDateOf, monthBounds, ZONE } from '../src/shared/calendar.js';
import { to as copyTo } from 'pg-copy-streams';
import { ClustersService } from '../src/clusters/queries/clusters.service.js';
import { ClosedMonthsReader } from '../src/clusters/queries/closed-months.js';
import { readMeterDays } from '../src/metering/queries/meter-days.js';
import type { MeterDayValues } from '../src/metering/domain/meter-day-values.js';
import { packWh, unpackWh } from '../src/metering/domain/packed-wh.js';
import { DateTime } from 'luxon';
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
const stateRow = (await pool.query<{ state: ClusterState }>('SELECT state FROM registry_clusters WHERE cluster_id = $1', ['bench'])).rows[0];
if (stateRow === undefined) throw new Error('the bench cluster is not in the registry read model');
const { state } = stateRow;
const clusters = new ClustersService(store, pool, new ClosedMonthsReader(pool));
const settlement = new SettlementService(pool, store, clusters);
// as the service runs it: the support ledger plugged in
settlement.registerExtension(new SupportExtension(store));
const settle = await timed(() => settlement.recompute('bench', month));
const settleRss = peakRssMib();

// Late files: one PPE's day corrected in the read model (as the metering projection writes
// it) and marked by the settlement's inputs projection (its own code); then the pending
// statements, as the corrections query asks for them: that day computed alone, summed with
// the 30 stored days. Five late files on five days, one after another (the figure is their
// median, with the slowest beside it: this machine's speed drifts); baseline: the whole month.
const latePpe = points[0]?.ppeCode ?? '';
const lateMember = points[0]?.memberId ?? '';
const importOf = (statements: { memberId: string; importWh: number }[]) => statements.find((x) => x.memberId === lateMember)?.importWh ?? 0;
const lateSeconds: number[] = [];
let pendingImportWh = importOf(settle.result.statements);
for (const day of ['17', '03', '09', '24', '30'].map((d) => `${month}-${d}`)) {
  const lateRow = (await pool.query<{ import_wh: Buffer }>(`SELECT import_wh FROM meter_days WHERE cluster_id = 'bench' AND ppe_code = $1 AND day = $2`, [latePpe, day])).rows[0];
  if (lateRow === undefined) throw new Error(`the late PPE-day ${day} is not in the read model`);
  await pool.query(`UPDATE meter_days SET import_wh = $3, corrections = corrections + 1 WHERE cluster_id = 'bench' AND ppe_code = $1 AND day = $2`, [
    latePpe,
    day,
    packWh(unpackWh(lateRow.import_wh).map((wh) => (wh ?? 0) + 100)),
  ]);
  const marking = await pool.connect();
  await settlementInputsProjection.apply(marking, [{ type: 'MeterReadingsCorrected', data: { clusterId: 'bench', day }, globalPosition: '0', streamId: 'metering-bench' } as unknown as RecordedEvent]);
  marking.release();
  const late = await timed(() => settlement.provisionalStatements('bench', month));
  // 100 Wh more in each of the day's 96 quarter-hours
  if (importOf(late.result) - pendingImportWh !== 9_600) throw new Error(`the late day ${day} did not reach the pending statements`);
  pendingImportWh = importOf(late.result);
  lateSeconds.push(late.seconds);
}
const lateSorted = [...lateSeconds].sort((a, b) => a - b);
const { start, end } = monthBounds(month);
// the rows as the settlement reads them (metering's reader), held in memory for the engine-only figures
const meterRows: MeterDayValues[] = [];
for await (const page of readMeterDays(pool, 'bench', `${month}-01`, isoDateOf(DateTime.fromJSDate(end, { zone: ZONE }).minus({ days: 1 })))) meterRows.push(...page);
const engine = await timed(() => calculateMonth(state, month, meterRows));

// The floor: the same rows read with one binary COPY ... TO STDOUT, as the reader asks for
// them, bytes counted, nothing decoded.
const copy = await timed(async () => {
  const client = await pool.connect();
  try {
    let bytes = 0;
    const stream = client.query(copyTo(`COPY (SELECT ppe_code, day_start, interval_minutes, import_wh, export_wh, quality FROM meter_days WHERE cluster_id = 'bench') TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return bytes;
  } finally {
    client.release();
  }
});

// Where the time goes: the flows built from the rows, then the month engine alone on them,
// then the interval engine (the reference the month engine is tested against) on the same flows.
const agreement = agreementForMonth(state, month);
if (agreement === undefined) throw new Error(`no agreement in force for ${month}`);
const members = activeMembers(state, month);
const periods = Object.values(state.points).flatMap((point) => ownershipPeriods(state, point.ppeCode).map((p) => ({ ...p, renewable: false })));
const build = await timed(() => {
  const builder = new MonthFlowsBuilder(start, end, agreement.intervalMinutes, periods, members);
  for (const day of meterRows) builder.addDay(day);
  return Promise.resolve(builder.build());
});
const flows = build.result;
const input = { memberIds: flows.memberIds, intervalCount: flows.intervalStarts.length, exportWh: flows.exportWh, importWh: flows.importWh };
const rules = { ownNetting: agreement.ownNetting, allocation: agreement.allocation, contractsAt: () => [] };
const monthEngine = await timed(() => Promise.resolve(allocateMonth(input, rules)));
const reference =
  process.env.BENCH_REFERENCE_ENGINE === '0'
    ? null
    : await timed(() => {
        const n = flows.memberIds.length;
        let receivedWh = 0;
        for (let t = 0; t < input.intervalCount; t++) {
          const active: MemberFlow[] = [];
          for (let m = 0; m < n; m++) {
            const e = flows.exportWh[t * n + m] ?? 0;
            const imp = flows.importWh[t * n + m] ?? 0;
            if (e !== 0 || imp !== 0) active.push({ memberId: flows.memberIds[m] ?? '', exportWh: e, importWh: imp });
          }
          for (const r of allocateInterval({ members: active, ownNetting: agreement.ownNetting, allocation: agreement.allocation }).members) receivedWh += r.receivedWh;
        }
        return Promise.resolve(receivedWh);
      });
if (reference && reference.result !== monthEngine.result.totals.receivedWh.reduce((a, b) => a + b, 0)) throw new Error('the month engine and the reference disagree');
await pool.end();
console.log(
  JSON.stringify({
    settleSeconds: settle.seconds,
    lateDaySeconds: lateSorted[Math.floor(lateSorted.length / 2)] ?? 0,
    lateDaySlowestSeconds: lateSorted[lateSorted.length - 1] ?? 0,
    engineSeconds: engine.seconds,
    members: settle.result.statements.length,
    peakRssMib: settleRss,
    copySeconds: copy.seconds,
    copyBytes: copy.result,
    readings: meterRows.length * 96,
    flowsSeconds: build.seconds,
    monthEngineSeconds: monthEngine.seconds,
    referenceEngineSeconds: reference?.seconds ?? null,
  }),
);
