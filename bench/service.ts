// The service as the HTTP benchmarks use it: a fresh database, the service listening on
// loopback in this process, a synthetic cluster "bench" registered, and tokens to call it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createService } from '../src/app.js';
import { TokenRepository } from '../src/auth/queries/tokens.js';
import { createLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config/config.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { setUpCluster, type SyntheticPoint, syntheticReading } from './cluster-setup.js';
import { freshDatabase } from './support.js';

export interface BenchService {
  /** The database's URL (for more service processes on it). */
  url: string;
  service: Awaited<ReturnType<typeof createService>>;
  /** The service's base URL on loopback. */
  base: string;
  /** Tokens of the bench cluster: meter data (readings and files) and its coordinator. */
  meterToken: string;
  coordinatorToken: string;
  points: SyntheticPoint[];
  /** GET (or POST with a JSON body) as the coordinator; throws on any status but 200/201. */
  call<T>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startBenchService(serverUrl: string, database: string, cluster: { ppe: number; agreementFrom: string; memberFrom?: string }): Promise<BenchService> {
  const { url, pool } = await freshDatabase(serverUrl, database);
  await pool.end();
  const service = await createService(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' }), createLogger('silent'));
  await service.app.listen(0, '127.0.0.1');
  const base = (await service.app.getUrl()).replace('[::1]', '127.0.0.1');
  const tokens = service.app.get(TokenRepository);
  const { token: meterToken } = await tokens.issue({ role: 'meter-data', clusterId: 'bench', label: 'bench meter data' });
  const { token: coordinatorToken } = await tokens.issue({ role: 'coordinator', clusterId: 'bench', label: 'bench coordinator' });
  const { points, lastPosition } = await setUpCluster(service.eventStore, 'bench', cluster.ppe, cluster.agreementFrom, cluster.memberFrom);
  await service.app.get(ProjectionRunner).waitFor(lastPosition, 300_000);
  return {
    url,
    service,
    base,
    meterToken,
    coordinatorToken,
    points,
    async call<T>(path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${coordinatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.status !== 200 && res.status !== 201) throw new Error(`${path} answered ${String(res.status)}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    close: () => service.close(),
  };
}

/** Samples this process's RSS until stopped: the highest value, in MiB. */
export function rssSampler(): { stop(): number } {
  let highest = process.memoryUsage().rss;
  const timer = setInterval(() => {
    highest = Math.max(highest, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(highest, process.memoryUsage().rss) / 1048576);
    },
  };
}

/**
 * Request bodies for POST /readings, written to files beforehand (so that building them is
 * not timed): a day of `batchPpe` PPE a request, as one object per reading or as series.
 */
export function writeDayBodies(dir: string, points: SyntheticPoint[], days: { intervals: Date[] }[], form: 'readings' | 'series', batchPpe: number): string[] {
  const files: string[] = [];
  for (const [d, { intervals }] of days.entries()) {
    const dayStart = intervals[0];
    if (dayStart === undefined) throw new Error(`day ${String(d)} has no interval`);
    for (let from = 0; from < points.length; from += batchPpe) {
      const body: { source: string; readings?: unknown[]; series?: unknown[] } = { source: 'bench' };
      for (let p = from; p < Math.min(from + batchPpe, points.length); p++) {
        const point = points[p];
        if (point === undefined) throw new Error(`no point ${String(p)}`);
        const day = intervals.map((_, k) => syntheticReading(point, p, d * 96 + k, 96));
        if (form === 'series') {
          (body.series ??= []).push({
            ppeCode: point.ppeCode,
            intervalStart: dayStart.toISOString(),
            intervalMinutes: 15,
            importWh: day.map((r) => r.importWh),
            exportWh: day.map((r) => r.exportWh),
            quality: 'measured',
          });
        } else {
          (body.readings ??= []).push(...day.map((r, k) => ({ ppeCode: point.ppeCode, intervalStart: intervals[k]?.toISOString(), intervalMinutes: 15, ...r, quality: 'measured' })));
        }
      }
      const file = join(dir, `${form}-${String(files.length)}.json`);
      writeFileSync(file, JSON.stringify(body));
      files.push(file);
    }
  }
  return files;
}

/** Sends the bodies with the load generator in its own process (metering-client.ts), `concurrency` at a time, round the services. */
export async function sendBodies(bases: string[], token: string, concurrency: number, files: string[]): Promise<void> {
  const client = fileURLToPath(new URL('./metering-client.js', import.meta.url));
  const child = spawn(process.execPath, [client, bases.join(','), token, String(concurrency), ...files], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the load generator exited with ${String(code)}`);
}
