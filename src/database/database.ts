// One place that turns configuration into a migrated connection pool.
import pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';
import './pg-types.js';

export interface Database {
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>, logger: Logger): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, logger);
  const url = config.databaseUrl ?? embedded!.url;
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', (error) => {
    // 57P01: the server is shutting down (the embedded one stops on the same signal as we do)
    if ((error as { code?: string }).code === '57P01') logger.debug({ err: error }, 'PostgreSQL closed an idle connection while shutting down');
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
