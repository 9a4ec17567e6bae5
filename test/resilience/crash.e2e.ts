// Crash tests on the service as `npm start` runs it, from a project under a closed directory
// (a mktemp -d parent, 0700), on its embedded PostgreSQL: kill -9 of the service during an
// ingest, then kill -9 of the postmaster. After each: every 2xx answer's events are in the
// log, the read models equal a full rebuild, the hash chains verify.
import pg from 'pg';
import { closedProjectCopy, embeddedUrl, postmasterPid, PROCESS_ADMIN_TOKEN, runCli, type ServicePorts, servicePorts, startServiceProcess } from '../support/service-process.js';

const admin = { Authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
let copy: ReturnType<typeof closedProjectCopy>;
let ports: ServicePorts;

beforeAll(async () => {
  copy = closedProjectCopy();
  ports = await servicePorts();
});
afterAll(() => {
  copy.remove();
});

async function call(url: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function setUpCluster(url: string, tag: string) {
  const PPES = ppes(tag);
  const cluster = await call(url, 'POST', '/clusters', admin, {
    name: 'Klaster Awaryjny',
    coordinator: { legalName: 'Awaria Sp. z o.o.', nip: '5261040828', address: 'ul. Zamkowa 8, 43-180 Orzesze' },
    distributionSystemOperator: 'Tauron Dystrybucja S.A.',
    area: { gminy: [{ name: 'Orzesze', teryt: '2408031' }] },
  });
  expect(cluster.status).toBe(201);
  const clusterId = (cluster.body as { clusterId: string }).clusterId;
  const token = await call(url, 'POST', '/tokens', admin, { role: 'coordinator', clusterId, label: 'crash' });
  const coordinator = { Authorization: `Bearer ${(token.body as { token: string }).token}`, 'Content-Type': 'application/json' };
  const memberIds: string[] = [];
  for (const [i, ppeCode] of PPES.entries()) {
    const member = await call(url, 'POST', `/clusters/${clusterId}/members`, coordinator, {
      kind: 'household',
      legalName: `Członek ${String(i)}`,
      address: 'Orzesze',
      invoiceEmail: `m${String(i)}@example.pl`,
      vatPayer: false,
      admittedOn: '2026-01-01',
    });
    const memberId = (member.body as { memberId: string }).memberId;
    memberIds.push(memberId);
    const point = await call(url, 'POST', `/clusters/${clusterId}/metering-points`, coordinator, {
      ppeCode,
      memberId,
      role: i === 0 ? 'producer' : 'consumer',
      carrier: 'electricity',
      ...(i === 0 ? { source: 'pv', capacityKw: 50 } : {}),
      validFrom: '2026-01-01',
    });
    expect(point.status).toBe(201);
  }
  const agreement = await call(url, 'POST', `/clusters/${clusterId}/agreement-versions`, coordinator, {
    effectiveFrom: '2026-01',
    intervalMinutes: 60,
    ownNetting: true,
    allocation: { method: 'pro_rata' },
    internalPriceGroszePerMwh: 45000,
    referenceGridPriceGroszePerMwh: 90000,
    feeGroszePerMwhReceived: 1000,
    feeGroszePerMwhSupplied: 500,
    monthlyFeeGroszePerMember: 2000,
    vatRateBp: 2300,
    invoiceSeries: 'FV',
    thresholds: { selfSufficiencyBp: 3000, renewableShareBp: 5000 },
  });
  expect(agreement.status).toBe(201);
  return { clusterId, coordinator };
}

interface Ingest {
  acknowledged: { streamId: string; status: number }[];
  statuses: Map<number, number>;
  /** Non-JSON or 5xx answers that were not problem+json 503. */
  unexpected: string[];
  stop(): Promise<void>;
}

const ppes = (tag: string) => [1, 2, 3].map((i) => `PLCRASH${tag}000${String(i)}`);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

/** Writers posting one PPE-day each (24 hourly values), days counting up, until stopped or the service is gone. */
function ingest(url: string, tag: string, clusterId: string, coordinator: Record<string, string>, writers = 3, firstDay = 0): Ingest {
  const PPES = ppes(tag);
  const result: Ingest = { acknowledged: [], statuses: new Map(), unexpected: [], stop: () => Promise.resolve() };
  let next = firstDay;
  let stopped = false;
  const writer = async () => {
    while (!stopped) {
      const n = next++;
      const ppeCode = PPES[n % PPES.length];
      const date = day(Math.floor(n / PPES.length));
      let answer;
      try {
        answer = await call(url, 'POST', `/clusters/${clusterId}/readings`, coordinator, {
          source: 'crash-test',
          series: [
            { ppeCode, intervalStart: `${date}T00:00:00Z`, intervalMinutes: 60, importWh: Array.from({ length: 24 }, (_, h) => n * 100 + h), exportWh: Array.from({ length: 24 }, () => n % 7) },
          ],
        });
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // the service is gone or restarting
        continue;
      }
      result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 200 && answer.status < 300) result.acknowledged.push({ streamId: `meter-${clusterId}-${String(ppeCode)}-${date}`, status: answer.status });
      else if (answer.status !== 503 || !answer.type.startsWith('application/problem+json')) result.unexpected.push(`${String(answer.status)} ${JSON.stringify(answer.body).slice(0, 300)}`);
      if (answer.status === 503) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const running = Promise.all(Array.from({ length: writers }, writer));
  result.stop = async () => {
    stopped = true;
    await running;
  };
  return result;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every read-model row, without the columns that say when it was written. */
async function readModels(client: pg.Client): Promise<Record<string, string[]>> {
  const { rows: tables } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('events', 'schema_migrations', 'projection_checkpoints', 'access_tokens', 'idempotency_keys') ORDER BY table_name`,
  );
  const result: Record<string, string[]> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await client.query<{ row: string }>(`SELECT (to_jsonb(t) - 'updated_at' - 'computed_at' - 'created_at' - 'seq')::text AS row FROM ${client.escapeIdentifier(table)} t`);
    result[table] = rows.map((r) => r.row).sort();
  }
  return result;
}

/** The three checks after a crash, on the running service. */
async function checkAfterRecovery(acknowledged: { streamId: string }[]) {
  const client = new pg.Client({ connectionString: embeddedUrl(copy.project, ports) });
  await client.connect();
  try {
    // every 2xx answer's events are in the log
    const streams = [...new Set(acknowledged.map((a) => a.streamId))];
    const { rows } = await client.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1)', [streams]);
    expect(rows.map((r) => r.stream_id).sort()).toEqual(streams.sort());
    // the read models as the service has them equal a rebuild from the whole log
    const { rows: lag } = await client.query<{ behind: number }>('SELECT count(*)::int AS behind FROM projection_checkpoints WHERE position IS NULL');
    expect(lag[0]?.behind).toBe(0);
    const live = await readModels(client);
    expect(Object.values(live).reduce((n, r) => n + r.length, 0)).toBeGreaterThan(0);
    const rebuild = await runCli(copy.project, ports, 'projections-rebuild', ['--all']);
    expect(rebuild).toMatchObject({ code: 0 });
    expect(await readModels(client)).toEqual(live);
  } finally {
    await client.end();
  }
  const verify = await runCli(copy.project, ports, 'audit-verify');
  expect(verify.code).toBe(0);
}

/** Waits until the service answers with every projection caught up to the end of the log. */
async function caughtUp(url: string) {
  await until(async () => {
    const health = await call(url, 'GET', '/health', {}).catch(() => undefined);
    return health?.status === 200 && (health.body as { projections: { lag: number }[] }).projections.every((p: { lag: number }) => p.lag === 0);
  }, 'the projections to catch up');
}

test('kill -9 of the service during an ingest: the next start stops the orphaned postmaster, keeps every 2xx, read models equal a rebuild, the chain verifies', async () => {
  const first = await startServiceProcess(copy.project, ports);
  const { clusterId, coordinator } = await setUpCluster(first.url, 'A');
  const load = ingest(first.url, 'A', clusterId, coordinator);
  await until(() => load.acknowledged.length >= 15, 'some batches to be acknowledged');
  const orphan = postmasterPid(copy.project);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBeNull();
  await load.stop();
  expect(load.unexpected).toEqual([]);
  expect(() => process.kill(orphan, 0)).not.toThrow(); // its postmaster outlived it

  const second = await startServiceProcess(copy.project, ports);
  try {
    expect(() => process.kill(orphan, 0)).toThrow(); // stopped by the new start, which runs its own
    expect(postmasterPid(copy.project)).not.toBe(orphan);
    await caughtUp(second.url);
    await checkAfterRecovery(load.acknowledged);
    // and it takes writes again
    const more = ingest(second.url, 'A', clusterId, coordinator, 1, 300);
    await until(() => more.acknowledged.length >= 2, 'writes after the restart');
    await more.stop();
    expect(more.unexpected).toEqual([]);
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
  // a clean stop stops its PostgreSQL
  expect(() => postmasterPid(copy.project)).toThrow();
});

test('kill -9 of PostgreSQL during an ingest: 503 problem+json and /health database down meanwhile, never 500; the watchdog restarts it and writes resume', async () => {
  const service = await startServiceProcess(copy.project, ports);
  let load: Ingest | undefined;
  try {
    const { clusterId, coordinator } = await setUpCluster(service.url, 'B');
    const writes = ingest(service.url, 'B', clusterId, coordinator, 3, 0);
    load = writes;
    await until(() => writes.acknowledged.length >= 10, 'some batches to be acknowledged');
    const healthSeen: string[] = [];
    const killed = postmasterPid(copy.project);
    process.kill(killed, 'SIGKILL');
    const acknowledgedAtKill = writes.acknowledged.length;
    // while it is gone /health says so
    await until(
      async () => {
        const health = await call(service.url, 'GET', '/health', {});
        const { database } = health.body as { database: string };
        healthSeen.push(`${String(health.status)} ${database}`);
        return health.status === 503 && database === 'down';
      },
      '/health to say the database is down',
      10_000,
    );
    await until(() => (writes.statuses.get(503) ?? 0) > 0, 'a write to be refused with 503', 10_000);
    // the watchdog starts it again; the pool reconnects; writes are acknowledged again
    await until(() => writes.acknowledged.length >= acknowledgedAtKill + 10, 'writes to be acknowledged again', 40_000);
    await writes.stop();
    expect(postmasterPid(copy.project)).not.toBe(killed);
    expect(writes.unexpected).toEqual([]);
    expect(writes.statuses.get(500)).toBeUndefined();
    await caughtUp(service.url);
    await checkAfterRecovery(writes.acknowledged);
  } finally {
    await load?.stop();
    service.child.kill('SIGTERM');
    const code = await service.exited;
    if (code !== 0) console.log(service.output());
    expect(code).toBe(0);
  }
});
