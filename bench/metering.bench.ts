// Ingest one month of 15-minute readings for N PPE through the public HTTP path (JSON
// batches, as one object per reading and as series) until the interval read model has them
// all; COPY of the same rows into a bare table in the same run is the physical baseline.
// Sizes: BENCH_PPE, BENCH_DAYS; BENCH_BATCH_PPE PPE per request, one day each (1000: a day
// of the whole cluster, as a DSO delivers it); BENCH_CONCURRENCY requests in flight (4);
// BENCH_SERVICES service processes on the one database (2: one per core of our 2-core
// machines, as it would be deployed); BENCH_FORMS which body forms (readings,series).
import { from as copyFrom } from 'pg-copy-streams';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { monthIntervals, syntheticReading } from './cluster-setup.js';
import { sendBodies, startBenchService, writeDayBodies } from './service.js';
import { type Figure, freePort, peakRssMib, processCpuSeconds, processCpuSecondsOf, size, startCpuProfile, timed } from './support.js';

export const BENCH_MONTH = '2026-05';

/** How a request carries readings: one object per interval, or a series (arrays) per PPE-day. */
type BodyForm = 'readings' | 'series';

interface IngestRun {
  form: BodyForm;
  seconds: number;
  cpu: { service: number; postgres: number };
  rssMib: number;
}

/**
 * One month for BENCH_PPE PPE into a fresh database through HTTP JSON, both body forms
 * in turn (BENCH_FORMS); then, on the last database, the rebuild, the COPY baseline and
 * the file endpoint.
 */
export async function benchMetering(serverUrl: string): Promise<Figure[]> {
  const forms = (process.env.BENCH_FORMS ?? 'readings,series').split(',') as BodyForm[];
  const runs: IngestRun[] = [];
  let context: Awaited<ReturnType<typeof prepare>> | undefined;
  for (const form of forms) {
    await context?.close();
    context = await prepare(serverUrl, `bench_metering_${form}`);
    runs.push(await ingest(context, form));
  }
  if (context === undefined || runs.length === 0) throw new Error('BENCH_FORMS names no body form');
  const { service, base, token, points, intervals, values, dir } = context;
  const lastRun = runs[runs.length - 1] as IngestRun;
  const stored = (
    await service.database.pool.query<{
      events_bytes: number;
      days_bytes: number;
      event_bytes: number;
    }>(`SELECT pg_total_relation_size('events') AS events_bytes, pg_total_relation_size('meter_days') AS days_bytes,
      (SELECT avg(octet_length(data::text))::int FROM events WHERE type = 'MeterReadingsRecorded') AS event_bytes`)
  ).rows[0] ?? { events_bytes: 0, days_bytes: 0, event_bytes: 0 };

  // the audit's full rebuild: every projection from zero, from the event log alone
  const runner = service.app.get(ProjectionRunner);
  const rebuild = await timed(async () => {
    for (const projection of runner.list()) await runner.rebuild(projection.name);
  });

  // the physical floor: COPY the same rows into a bare table, the text written beforehand
  const copyFile = join(dir, 'copy.tsv');
  const copyOut = openSync(copyFile, 'w');
  for (const [p, point] of points.entries()) {
    let chunk = '';
    for (const [i, interval] of intervals.entries()) {
      const r = syntheticReading(point, p, i, 96);
      chunk += `${point.ppeCode}\t${interval.toISOString()}\t${String(r.importWh)}\t${String(r.exportWh)}\tmeasured\n`;
    }
    writeSync(copyOut, chunk);
  }
  closeSync(copyOut);
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
  await context.close();

  const copyRate = values / copy.seconds;
  const services = size('BENCH_SERVICES', 2);
  const concurrency = size('BENCH_CONCURRENCY', 4);
  const described = { readings: 'one object per reading', series: 'a series (arrays) per PPE-day' };
  return [
    { benchmark: 'metering ingest', figure: `COPY into a bare table, ${String(points.length)} PPE × ${String(intervals.length)} intervals`, value: Math.round(copyRate), unit: 'values/s' },
    ...runs.flatMap((run): Figure[] => [
      {
        benchmark: 'metering ingest',
        figure: `HTTP JSON, ${described[run.form]} → events → interval read model (${values.toLocaleString('en-US')} values, ${run.seconds.toFixed(1)} s; ${String(services)} service processes, ${String(concurrency)} requests in flight)`,
        value: Math.round(values / run.seconds),
        unit: 'values/s',
        baseline: Math.round(copyRate),
        ratio: values / run.seconds / copyRate,
        target: '>= 0.50 of COPY',
        met: values / run.seconds / copyRate >= 0.5,
      },
      {
        benchmark: 'metering ingest',
        figure: `${run.form}: CPU during ingest, the services / PostgreSQL; peak RSS of a service`,
        value: Number(run.cpu.service.toFixed(1)),
        unit: `s / ${run.cpu.postgres.toFixed(1)} s; ${String(run.rssMib)} MiB`,
      },
    ]),
    {
      benchmark: 'metering ingest',
      figure: `stored: events table (a day's event ${String(stored.event_bytes)} B of JSON) / interval read model`,
      value: Math.round(stored.events_bytes / 1048576),
      unit: `MiB / ${String(Math.round(stored.days_bytes / 1048576))} MiB`,
    },
    {
      benchmark: 'metering file',
      figure: `one generic CSV of ${file.megabytes.toFixed(0)} MB (${file.lines.toLocaleString('en-US')} lines) through the file endpoint, into the read model`,
      value: Math.round(file.lines / file.seconds),
      unit: `lines/s (${file.seconds.toFixed(1)} s; the service's RSS rose ${String(file.rssRiseMib)} MiB)`,
    },
    {
      benchmark: 'audit',
      figure: `rebuild every projection from the log (${values.toLocaleString('en-US')} values)`,
      value: Number(rebuild.seconds.toFixed(1)),
      unit: 's',
      baseline: Number(lastRun.seconds.toFixed(1)),
      ratio: rebuild.seconds / lastRun.seconds,
      target: '<= 2x the ingest time',
      met: rebuild.seconds <= 2 * lastRun.seconds,
    },
  ];
}

/** A fresh database with the service on it and the cluster set up. */
async function prepare(serverUrl: string, name: string) {
  const bench = await startBenchService(serverUrl, name, { ppe: size('BENCH_PPE', 1000), agreementFrom: BENCH_MONTH });
  const intervals = monthIntervals(BENCH_MONTH).slice(0, size('BENCH_DAYS', 31) * 96);
  const dir = mkdtempSync(join(tmpdir(), 'bench-metering-'));
  return {
    ...bench,
    token: bench.meterToken,
    intervals,
    dir,
    values: bench.points.length * intervals.length,
    async close() {
      rmSync(dir, { recursive: true, force: true });
      await bench.close();
    },
  };
}

/**
 * The timed ingest: request bodies (BENCH_BATCH_PPE PPE, one day each) are written to files
 * first, then a load generator in its own process sends them, BENCH_CONCURRENCY at a time,
 * to BENCH_SERVICES service processes (this one and more on the same database), until the
 * interval read model holds every value.
 */
async function ingest(context: Awaited<ReturnType<typeof prepare>>, form: BodyForm): Promise<IngestRun> {
  const { service, base, token, points, intervals, dir, values, url } = context;
  const days = Array.from({ length: Math.ceil(intervals.length / 96) }, (_, d) => ({ intervals: intervals.slice(d * 96, (d + 1) * 96) }));
  const requests = writeDayBodies(dir, points, days, form, size('BENCH_BATCH_PPE', 1000));
  const extra = await startServiceProcesses(size('BENCH_SERVICES', 2) - 1, url);
  await service.database.pool.query('CHECKPOINT'); // the timed phases start from a checkpoint
  const profiler = process.env.BENCH_CPU_PROFILE ? await startCpuProfile() : undefined;
  const cpuBefore = { service: process.cpuUsage(), postgres: processCpuSeconds('postgres'), others: extra.cpuSeconds() };
  const run = await timed(() => sendBodies([base, ...extra.urls], token, size('BENCH_CONCURRENCY', 4), requests));
  const { rows } = await service.database.pool.query<{ n: number }>('SELECT sum(present)::bigint AS n FROM meter_days');
  if (rows[0]?.n !== values) throw new Error(`read model holds ${String(rows[0]?.n)} values, expected ${String(values)}`);
  const serviceCpu = process.cpuUsage(cpuBefore.service);
  if (profiler) await profiler.stop((process.env.BENCH_CPU_PROFILE ?? 'bench').replace(/(\.cpuprofile)?$/, `-${form}.cpuprofile`));
  // before the other services stop: their connections' backends end with them
  const cpu = {
    service: (serviceCpu.user + serviceCpu.system) / 1e6 + extra.cpuSeconds() - cpuBefore.others,
    postgres: processCpuSeconds('postgres') - cpuBefore.postgres,
  };
  await extra.stop();
  for (const file of requests) rmSync(file);
  return { form, seconds: run.seconds, cpu, rssMib: peakRssMib() };
}

/** More service processes (npm start's entry point) on the same database, listening on free ports. */
async function startServiceProcesses(count: number, databaseUrl: string): Promise<{ urls: string[]; cpuSeconds(): number; stop(): Promise<void> }> {
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const children: ReturnType<typeof spawn>[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    children.push(
      spawn(process.execPath, [...process.execArgv, main], {
        env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' },
        stdio: 'inherit',
      }),
    );
    urls.push(`http://127.0.0.1:${String(port)}`);
  }
  for (const url of urls) {
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (attempt > 300) throw new Error(`service at ${url} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    urls,
    /** CPU seconds the other services have used (Linux /proc; 0 elsewhere). */
    cpuSeconds: () => children.reduce((sum, child) => sum + (child.pid ? processCpuSecondsOf(child.pid) : 0), 0),
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
        ),
      );
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
  for (const [p, point] of points.slice(0, count).entries()) {
    let chunk = '';
    for (const [i, interval] of intervals.entries()) {
      const r = syntheticReading(point as Parameters<typeof syntheticReading>[0], p, i, 96);
      chunk += `${point.ppeCode},${interval.toISOString()},15,${String(r.importWh)},${String(r.exportWh)},measured\n`;
    }
    writeSync(out, chunk);
  }
  closeSync(out);
  const before = process.memoryUsage().rss;
  let highest = before;
  const sampler = setInterval(() => {
    highest = Math.max(highest, process.memoryUsage().rss);
  }, 50);
  const upload = await timed(async () => {
    const res = await fetch(`${base}/clusters/bench/readings/files?format=generic`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 200) throw new Error(`file import failed: ${String(res.status)} ${await res.text()}`);
  });
  clearInterval(sampler);
  return { lines: count * intervals.length, megabytes: statSync(path).size / 1e6, seconds: upload.seconds, rssRiseMib: Math.round((highest - before) / 1048576) };
}
