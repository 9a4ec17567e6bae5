// Starts one real PostgreSQL for the whole jest run (the service's own embedded manager,
// src/database/embedded.ts, on a free port, data in a temp directory), unless
// TEST_DATABASE_URL points at a server already running. Each test file then creates its
// own database on it (see test/support/database.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Jest loads global setup as its own module, outside the module mapping that turns the
// tests' './x.js' into './x.ts', so a static import of './ports.js' finds no file. require()
// goes through jest's transform while this module loads, so it takes ports.ts itself.
const { freePort } = createRequire(import.meta.url)('./ports.ts') as typeof import('./ports.js');

/** A temp directory the user "postgres" may enter (as root), so the data stays in it. */
function searchable(dir: string): string {
  chmodSync(dir, 0o711);
  return dir;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  // Global setup is loaded without the module mapping that lets tests import src/, so it
  // takes the manager from the build (`npm test` builds first; built here when it is
  // missing or older than its source).
  const source = join(process.cwd(), 'src/database/embedded.ts');
  const built = join(process.cwd(), 'dist/src/database/embedded.js');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) {
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
  const { startEmbeddedPostgres } = (await import(pathToFileURL(built).href)) as typeof import('../../src/database/embedded.js');
  const { pino } = await import('pino');
  // As root, the manager runs PostgreSQL as "postgres" and keeps binaries that user cannot reach where it can.
  const server = await startEmbeddedPostgres({
    dataDir: searchable(mkdtempSync(join(tmpdir(), 'klaster-ledger-test-pg-'))),
    port: await freePort(),
    logger: pino({ level: process.env.TEST_PG_LOG ?? 'warn' }),
    database: 'postgres',
    persistent: false,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
  });
  (globalThis as Record<string, unknown>).__KLASTER_TEST_PG__ = server;
  process.env.TEST_DATABASE_URL = server.url;
}
