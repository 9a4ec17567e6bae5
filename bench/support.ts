// Shared harness: a PostgreSQL for the benchmarks (embedded in a temp dir unless
// BENCH_DATABASE_URL is set), a fresh database per benchmark, and the result table.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/database/embedded.js';
import { migrate } from '../src/database/migrate.js';
import '../src/database/pg-types.js';

export interface Figure {
  benchmark: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target?: string;
  met?: boolean;
}

export interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

/** A temp directory the user "postgres" may enter (as root), so the data stays in it. */
function searchable(dir: string): string {
  chmodSync(dir, 0o711);
  return dir;
}

export async function startBenchServer(): Promise<BenchServer> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: () => Promise.resolve() };
  const server = await startEmbeddedPostgres({
    dataDir: searchable(mkdtempSync(join(tmpdir(), 'klaster-bench-pg-'))),
    port: await freePort(),
    logger: pino({ level: 'silent' }),
    database: 'postgres',
    persistent: false,
    watchdog: false,
    settings: { shared_buffers: '512MB', max_wal_size: '4GB', max_connections: '200' },
  });
  return { url: server.url, stop: () => server.stop() };
}

export async function freshDatabase(serverUrl: string, name: string): Promise<{ url: string; pool: pg.Pool }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  pool.on('error', () => undefined); // an idle connection closed by the server is not a benchmark failure
  await migrate(pool);
  return { url: url.toString(), pool };
}

/**
 * Drops every benchmark database and checkpoints: what one benchmark left (a month of
 * 10,000 PPE is a gigabyte) must not be vacuumed while the next one measures.
 */
export async function dropBenchDatabases(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'");
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.query('CHECKPOINT');
  } finally {
    await admin.end();
  }
}

/** VACUUM ANALYZE and a CHECKPOINT of a benchmark's database once it is filled: autovacuum then has nothing to do while it measures. */
export async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('VACUUM ANALYZE');
  await pool.query('CHECKPOINT');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export function peakRssMib(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function machine() {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGib: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function size(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

/** A process's name and CPU ticks (user + system) from /proc, or undefined when gone. */
function procStat(pid: number | string): { name: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by running processes of that name: Linux /proc, else NaN. */
export function processCpuSeconds(name: string): number {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      const stat = procStat(pid);
      if (stat?.name === name) ticks += stat.ticks;
    }
    return ticks / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used so far by one process (0 when unknown). */
export function processCpuSecondsOf(pid: number): number {
  return (procStat(pid)?.ticks ?? 0) / 100;
}

/** A V8 CPU profile of this process from now until stop(file) (BENCH_CPU_PROFILE=file.cpuprofile). */
export async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      session.post(method, (error, result) => {
        if (error) reject(error);
        else resolve(result);
      });
    });
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
