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

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>, logger: Logger): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger });
  const url = config.databaseUrl ?? embedded?.url;
  if (url === undefined) throw new Error('neither DATABASE_URL nor an embedded PostgreSQL');
  // Connections are made on demand: once PostgreSQL is back, the next request gets a new one.
  // Until then a connection attempt fails within seconds (503), it does not hang.
  const pool = new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: 5000, keepAlive: true });
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
