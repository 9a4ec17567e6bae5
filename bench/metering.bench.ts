// Ingest one month of 15-minute readings for N PPE through the public HTTP path (JSON
// batches) until the interval read model has them all; COPY of the same rows into a bare
// table in the same run is the physical baseline. The load generator is a child process. Sizes: BENCH_PPE, BENCH_DAYS, and
// BENCH_BATCH_PPE (PPE per request, one day each, default 250) with BENCH_CONCURRENCY
// requests in flight (4), to BENCH_SERVICES service processes on the one database (2: one
// per core of our 2-core machines, as it would be deployed).
import { from as copyFrom } from 'pg-copy-streams';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { createService } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/common/logger.js';
import { TokenRepository } from '../src/auth/tokens.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { monthIntervals, setUpCluster, syntheticReading } from './cluster-setup.js';
import { type Figure, freePort, freshDatabase, peakRssMib, processCpuSeconds, size, startCpuProfile, timed } from './support.js';

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
  const batchPpe = size('BENCH_BATCH_PPE', 250);
  const values = points.length * intervals.length;
  // The client's work is not the service's: request bodies and the COPY text are written
  // to files before either is timed, and both timings read their input from those files.
  const dir = mkdtempSync(join(tmpdir(), 'bench-metering-'));
  const requests: string[] = [];
  for (let d = 0; d * perDay < intervals.length; d++) {
    for (let from = 0; from < points.length; from += batchPpe) {
      const readings = [];
      for (let p = from; p < Math.min(from + batchPpe, points.length); p++) {
        for (let i = d * perDay; i < Math.min((d + 1) * perDay, intervals.length); i++) {
          readings.push({ ppeCode: points[p].ppeCode, intervalStart: intervals[i].toISOString(), intervalMinutes: 15, ...syntheticReading(points[p], p, i, perDay), quality: 'measured' });
        }
      }
      const file = join(dir, `request-${requests.length}.json`);
      writeFileSync(file, JSON.stringify({ source: 'bench', readings }));
      requests.push(file);
    }
  }
  const copyFile = join(dir, 'copy.tsv');
  const copyOut = openSync(copyFile, 'w');
  for (let p = 0; p < points.length; p++) {
    let chunk = '';
    for (let i = 0; i < intervals.length; i++) {
      const r = syntheticReading(points[p], p, i, perDay);
      chunk += `${points[p].ppeCode}\t${intervals[i].toISOString()}\t${r.importWh}\t${r.exportWh}\tmeasured\n`;
    }
    writeSync(copyOut, chunk);
  }
  closeSync(copyOut);

  // BENCH_SERVICES=n: n service processes on the one database (this one and n - 1 more)
  const services = size('BENCH_SERVICES', 2);
  const concurrency = size('BENCH_CONCURRENCY', 4);
  const extra = await startServiceProcesses(services - 1, url);
  const client = fileURLToPath(new URL('./metering-client.js', import.meta.url));
  // both timed phases start from a checkpoint: neither pays for the other's dirty pages
  await service.database.pool.query('CHECKPOINT');
  const profiler = process.env.BENCH_CPU_PROFILE ? await startCpuProfile() : undefined;
  const cpuBefore = { service: process.cpuUsage(), postgres: processCpuSeconds('postgres') };
  const ingest = await timed(async () => {
    const child = spawn(process.execPath, [client, [base, ...extra.urls].join(','), token, String(concurrency), ...requests], { stdio: ['ignore', 'inherit', 'inherit'] });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  });
  const { rows } = await service.database.pool.query('SELECT sum(present)::bigint AS n FROM meter_days');
  if (rows[0].n !== values) throw new Error(`read model holds ${rows[0].n} values, expected ${values}`);
  const serviceCpu = process.cpuUsage(cpuBefore.service);
  if (profiler) await profiler.stop(process.env.BENCH_CPU_PROFILE!);
  // before the other services stop: their connections' backends end with them
  const cpu = { service: (serviceCpu.user + serviceCpu.system) / 1e6, postgres: processCpuSeconds('postgres') - cpuBefore.postgres };
  await extra.stop();
  const ingestRss = peakRssMib();
  const stored = (await service.database.pool.query(`SELECT pg_total_relation_size('events') AS events_bytes, pg_total_relation_size('meter_days') AS days_bytes,
      (SELECT avg(octet_length(data::text))::int FROM events WHERE type = 'MeterReadingsRecorded') AS event_bytes`)).rows[0];

  // the audit's full rebuild: every projection from zero, from the event log alone
  const runner = service.app.get(ProjectionRunner);
  const rebuild = await timed(async () => {
    for (const projection of runner.list()) await runner.rebuild(projection.name);
  });

  // the physical floor: COPY the same rows into a bare table
  await service.database.pool.query('CREATE TABLE bench_copy (ppe_code text, interval_start timestamptz, import_wh bigint, export_wh bigint, quality text)');
  await service.database.pool.query('CHECKPOINT');
  const copy = await timed(async () => {
    const client = await service.database.pool.connect();
    try {
      await pipeline(createReadStream(copyFile), client.query(copyFrom('COPY bench_copy FROM STDIN')));
    } finally {
      client.release();
    }
  });
  rmSync(copyFile);
  const file = await benchFileImport(base, token, points, dir);
  rmSync(dir, { recursive: true, force: true });
  await service.close();
  const ingestRate = values / ingest.seconds;
  const copyRate = values / copy.seconds;
  return [
    { benchmark: 'metering ingest', figure: `COPY into a bare table, ${points.length} PPE × ${intervals.length} intervals`, value: Math.round(copyRate), unit: 'values/s' },
    {
      benchmark: 'metering ingest', figure: `HTTP JSON batches → events → interval read model (${values.toLocaleString('en-US')} values, ${ingest.seconds.toFixed(1)} s; ${services} service processes, ${concurrency} requests in flight)`,
      value: Math.round(ingestRate), unit: 'values/s', baseline: Math.round(copyRate), ratio: ingestRate / copyRate, target: '>= 0.50 of COPY', met: ingestRate / copyRate >= 0.5,
    },
    { benchmark: 'metering ingest', figure: 'peak RSS of the service after ingest (the load generator is another process)', value: ingestRss, unit: 'MiB' },
    { benchmark: 'metering ingest', figure: 'CPU during ingest: the service / PostgreSQL', value: Number(cpu.service.toFixed(1)), unit: `s / ${cpu.postgres.toFixed(1)} s` },
    { benchmark: 'metering ingest', figure: `stored: events table (a day's event ${stored.event_bytes} B of JSON) / interval read model`, value: Math.round(stored.events_bytes / 1048576), unit: `MiB / ${Math.round(stored.days_bytes / 1048576)} MiB` },
    {
      benchmark: 'metering file', figure: `one generic CSV of ${file.megabytes.toFixed(0)} MB (${file.lines.toLocaleString('en-US')} lines) through the file endpoint, into the read model`,
      value: Math.round(file.lines / file.seconds), unit: `lines/s (${file.seconds.toFixed(1)} s; the service's RSS rose ${file.rssRiseMib} MiB)`,
    },
    {
      benchmark: 'audit', figure: `rebuild every projection from the log (${values.toLocaleString('en-US')} values)`, value: Number(rebuild.seconds.toFixed(1)), unit: 's',
      baseline: Number(ingest.seconds.toFixed(1)), ratio: rebuild.seconds / ingest.seconds, target: '<= 2x the ingest time', met: rebuild.seconds <= 2 * ingest.seconds,
    },
  ];
}

/** More service processes (npm start's entry point) on the same database, listening on free ports. */
async function startServiceProcesses(count: number, databaseUrl: string): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const children: ReturnType<typeof spawn>[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    children.push(spawn(process.execPath, [...process.execArgv, main], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' },
      stdio: 'inherit',
    }));
    urls.push(`http://127.0.0.1:${port}`);
  }
  for (const url of urls) {
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (up) break;
      if (attempt > 300) throw new Error(`service at ${url} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    urls,
    async stop() {
      await Promise.all(children.map((child) => new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      })));
    },
  };
}

/**
 * The file path: one generic CSV of a month of 15-minute values for BENCH_FILE_PPE PPE (a
 * month the JSON ingest did not touch), streamed to the file endpoint. The parse streams,
 * so the service's memory should not grow with the file: its RSS is sampled meanwhile.
 */
async function benchFileImport(base: string, token: string, points: { ppeCode: string }[], dir: string) {
  const count = Math.min(size('BENCH_FILE_PPE', 300), points.length);
  const intervals = monthIntervals('2026-06');
  const path = join(dir, 'readings.csv');
  const out = openSync(path, 'w');
  writeSync(out, 'ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality\n');
  for (let p = 0; p < count; p++) {
    let chunk = '';
    for (let i = 0; i < intervals.length; i++) {
      const r = syntheticReading(points[p] as Parameters<typeof syntheticReading>[0], p, i, 96);
      chunk += `${points[p].ppeCode},${intervals[i].toISOString()},15,${r.importWh},${r.exportWh},measured\n`;
    }
    writeSync(out, chunk);
  }
  closeSync(out);
  const before = process.memoryUsage().rss;
  let highest = before;
  const sampler = setInterval(() => { highest = Math.max(highest, process.memoryUsage().rss); }, 50);
  const upload = await timed(async () => {
    const res = await fetch(`${base}/clusters/bench/readings/files?format=generic`, {
      method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream, duplex: 'half',
    } as RequestInit);
    if (res.status !== 200) throw new Error(`file import failed: ${res.status} ${await res.text()}`);
  });
  clearInterval(sampler);
  return { lines: count * intervals.length, megabytes: statSync(path).size / 1e6, seconds: upload.seconds, rssRiseMib: Math.round((highest - before) / 1048576) };
}
