// One place that turns configuration into a migrated connection pool.
import pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';
import { isDatabaseUnavailable } from './unavailable.js';
import './pg-types.js';

export interface Database {
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

/** Connections at most, and how many stay open while idle (the rest close after a minute idle). */
const POOL_MAX = 20;
const POOL_KEPT = 6;
const POOL_IDLE_MS = 60_000;

/** Opens `count` connections at once and gives them back to the pool, which keeps them. */
async function warm(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>, logger: Logger): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger });
  const url = config.databaseUrl ?? embedded?.url;
  if (url === undefined) throw new Error('neither DATABASE_URL nor an embedded PostgreSQL');
  // Connections are made on demand: once PostgreSQL is back, the next request gets a new one.
  // Until then a connection attempt fails within seconds (503), it does not hang. A few are
  // kept open however long idle, and opened at start: a new connection costs a backend and a
  // SCRAM exchange, and a burst of statement GETs after a quiet hour used to wait on them.
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, min: POOL_KEPT, idleTimeoutMillis: POOL_IDLE_MS, connectionTimeoutMillis: 5000, keepAlive: true });
  // A connection lost while its client is checked out (between the statements of a
  // transaction) is emitted on the client, where nothing listens: without this the process
  // would end. The statement in flight, or the next one, fails and is answered (503).
  pool.on('connect', (client) =>
    client.on('error', (error) => {
      logger.debug({ err: error }, 'PostgreSQL connection lost while in use');
    }),
  );
  pool.on('error', (error) => {
    // 57P01: the server shut down; a lost server is reported by /health, not per idle client
    if (isDatabaseUnavailable(error)) logger.warn({ err: { code: (error as { code?: string }).code, message: error.message } }, 'PostgreSQL closed an idle connection');
    else logger.error({ err: error }, 'idle PostgreSQL client failed');
  });
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await warm(pool, POOL_KEPT);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    pool,
    url,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
