// Ingest one month of 15-minute readings for N PPE through the public HTTP path (JSON
// batches) until the interval read model has them all; COPY of the same rows into a bare
// table in the same run is the physical baseline.
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createService } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/common/logger.js';
import { TokenRepository } from '../src/auth/tokens.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { monthIntervals, setUpCluster, syntheticReading } from './cluster-setup.js';
import { type Figure, freshDatabase, peakRssMib, size, timed } from './support.js';

export const BENCH_MONTH = '2026-05';

export async function benchMetering(serverUrl: string): Promise<Figure[]> {
  const ppeCount = size('BENCH_PPE', 1000);
  const days = size('BENCH_DAYS', 31);
  const { url, pool: setupPool } = await freshDatabase(serverUrl, 'bench_metering');
  await setupPool.end();
  const service = await createService(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' }), createLogger('silent'));
  await service.app.listen(0, '127.0.0.1');
  const base = await service.app.getUrl();
  const { token } = await service.app.get(TokenRepository).issue({ role: 'meter-data', clusterId: 'bench', label: 'bench' });
  const { points, lastPosition } = await setUpCluster(service.eventStore, 'bench', ppeCount, BENCH_MONTH);
  await service.app.get(ProjectionRunner).waitFor(lastPosition, 120_000);

  const intervals = monthIntervals(BENCH_MONTH).slice(0, days * 96);
  const perDay = 96;
  // one request per day and 100 PPE: about 9,600 readings, 1 MB of JSON
  const requests: { day: number; from: number }[] = [];
  for (let d = 0; d * perDay < intervals.length; d++) for (let p = 0; p < points.length; p += 100) requests.push({ day: d, from: p });
  const values = points.length * intervals.length;
  const body = (day: number, from: number) => {
    const readings = [];
    for (let p = from; p < Math.min(from + 100, points.length); p++) {
      for (let i = day * perDay; i < Math.min((day + 1) * perDay, intervals.length); i++) {
        readings.push({ ppeCode: points[p].ppeCode, intervalStart: intervals[i].toISOString(), intervalMinutes: 15, ...syntheticReading(points[p], p, i, perDay), quality: 'measured' });
      }
    }
    return JSON.stringify({ source: 'bench', readings });
  };
  const ingest = await timed(async () => {
    let next = 0;
    await Promise.all(Array.from({ length: 2 }, async () => {
      while (next < requests.length) {
        const { day, from } = requests[next++];
        const res = await fetch(`${base}/clusters/bench/readings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body(day, from) });
        if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
      }
    }));
  });
  const { rows } = await service.database.pool.query('SELECT sum(present)::bigint AS n FROM meter_days');
  if (rows[0].n !== values) throw new Error(`read model holds ${rows[0].n} values, expected ${values}`);
  const ingestRss = peakRssMib();

  // the audit's full rebuild: every projection from zero, from the event log alone
  const runner = service.app.get(ProjectionRunner);
  const rebuild = await timed(async () => {
    for (const projection of runner.list()) await runner.rebuild(projection.name);
  });

  // the physical floor: COPY the same rows into a bare table
  await service.database.pool.query('CREATE TABLE bench_copy (ppe_code text, interval_start timestamptz, import_wh bigint, export_wh bigint, quality text)');
  const copy = await timed(async () => {
    const client = await service.database.pool.connect();
    try {
      const rowsOut = function* () {
        for (let p = 0; p < points.length; p++) {
          let chunk = '';
          for (let i = 0; i < intervals.length; i++) {
            const r = syntheticReading(points[p], p, i, perDay);
            chunk += `${points[p].ppeCode}\t${intervals[i].toISOString()}\t${r.importWh}\t${r.exportWh}\tmeasured\n`;
          }
          yield chunk;
        }
      };
      await pipeline(Readable.from(rowsOut()), client.query(copyFrom('COPY bench_copy FROM STDIN')));
    } finally {
      client.release();
    }
  });
  await service.close();
  const ingestRate = values / ingest.seconds;
  const copyRate = values / copy.seconds;
  return [
    { benchmark: 'metering ingest', figure: `COPY into a bare table, ${points.length} PPE × ${intervals.length} intervals`, value: Math.round(copyRate), unit: 'values/s' },
    {
      benchmark: 'metering ingest', figure: `HTTP JSON batches → events → interval read model (${values.toLocaleString('en-US')} values, ${ingest.seconds.toFixed(1)} s)`,
      value: Math.round(ingestRate), unit: 'values/s', baseline: Math.round(copyRate), ratio: ingestRate / copyRate, target: '>= 0.50 of COPY', met: ingestRate / copyRate >= 0.5,
    },
    { benchmark: 'metering ingest', figure: 'peak RSS after ingest (service and load generator in one process)', value: ingestRss, unit: 'MiB' },
    {
      benchmark: 'audit', figure: `rebuild every projection from the log (${values.toLocaleString('en-US')} values)`, value: Number(rebuild.seconds.toFixed(1)), unit: 's',
      baseline: Number(ingest.seconds.toFixed(1)), ratio: rebuild.seconds / ingest.seconds, target: '<= 2x the ingest time', met: rebuild.seconds <= 2 * ingest.seconds,
    },
  ];
}
