import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { migrate } from '../../src/database/migrate.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { defined } from '../support/expect.js';

const worker = fileURLToPath(new URL('../support/projection-worker.mjs', import.meta.url));
let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  // a connection ended by the database's drop at teardown is not a failure of whatever test runs then
  pool.on('error', () => undefined);
  await migrate(pool);
  await pool.query('CREATE TABLE applied_events (event_id uuid NOT NULL)');
  store = new PostgresEventStore(pool);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function appendCounted(streamId: string, count: number) {
  for (let i = 0; i < count; i += 50) {
    await store.append(
      streamId,
      Array.from({ length: Math.min(50, count - i) }, (_, k) => ({ type: 'Counted', data: { n: i + k } })),
      'any',
    );
  }
}

async function appliedCounts() {
  const { rows } = await pool.query('SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct FROM applied_events');
  return rows[0] as { total: number; distinct: number };
}

test('a runner killed in the middle of a batch, restarted, applies every event exactly once', async () => {
  await appendCounted('counter-1', 400);
  await store.append('other-1', [{ type: 'Ignored', data: {} }], 'no_stream');

  const first = spawn(process.execPath, [worker, db.url], { stdio: 'ignore' });
  // Wait until some batches committed, then kill without warning.
  for (let i = 0; i < 500 && (await appliedCounts()).total < 100; i++) await new Promise((r) => setTimeout(r, 10));
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const partial = await appliedCounts();
  expect(partial.total).toBeGreaterThan(0);
  expect(partial.total).toBeLessThan(400);
  expect(partial.total).toBe(partial.distinct);

  const second = spawn(process.execPath, [worker, db.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  second.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  const code = await new Promise((resolve) => second.once('exit', resolve));
  expect(code).toBe(0);
  expect(output).toContain('caught-up');
  expect(await appliedCounts()).toEqual({ total: 400, distinct: 400 });
});

test('a rebuild empties the read model and applies the log again from zero; status shows no lag', async () => {
  const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }), 100);
  runner.register({
    name: 'applied-counter',
    version: 1,
    tables: ['applied_events'],
    eventTypes: ['Counted'],
    async apply(client, events) {
      for (const event of events) await client.query('INSERT INTO applied_events (event_id) VALUES ($1)', [event.eventId]);
    },
  });
  await runner.start(false);
  await appendCounted('counter-2', 10);
  const before = await runner.status();
  expect(before[0]?.lag).toBe(10);
  await runner.catchUp();
  expect(await appliedCounts()).toEqual({ total: 410, distinct: 410 });
  await runner.rebuild('applied-counter');
  expect(await appliedCounts()).toEqual({ total: 410, distinct: 410 });
  expect((await runner.status())[0]?.lag).toBe(0);
  await runner.stop();
});

test('a projection whose version changed is rebuilt at start', async () => {
  const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }), 100);
  let applied = 0;
  runner.register({
    name: 'applied-counter',
    version: 2,
    tables: ['applied_events'],
    eventTypes: ['Counted'],
    apply(_client, events) {
      applied += events.length;
      return Promise.resolve();
    },
  });
  await runner.start(false);
  expect(applied).toBe(410);
  expect((await appliedCounts()).total).toBe(0);
  await runner.stop();
});

test('projections read each batch once; one that fails stays at its checkpoint while the others move on', async () => {
  await pool.query('CREATE TABLE IF NOT EXISTS seen_by_healthy (event_id uuid NOT NULL)');
  const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }), 100);
  let failing = true;
  runner.register({
    name: 'healthy',
    version: 1,
    tables: ['seen_by_healthy'],
    eventTypes: ['Counted'],
    async apply(client, events) {
      for (const event of events) await client.query('INSERT INTO seen_by_healthy (event_id) VALUES ($1)', [event.eventId]);
    },
  });
  runner.register({
    name: 'fragile',
    version: 1,
    tables: [],
    eventTypes: ['Counted'],
    async apply(client) {
      await client.query('SELECT 1'); // a write that the savepoint must undo would go here
      if (failing) throw new Error('fragile projection broke');
    },
  });
  const reads = jest.spyOn(store, 'readAll');
  // neither the start nor a catch-up fails for it: it is reported and retried with backoff
  await runner.start(false);
  await runner.catchUp();
  expect(runner.failed().get('fragile')).toMatchObject({ attempts: 1, error: 'fragile projection broke', event: { type: 'Counted', streamId: 'counter-1', streamPosition: 0 } });
  expect((await runner.status()).find((p) => p.name === 'fragile')).toMatchObject({ status: 'failed', lag: 411 });
  expect((await runner.status()).find((p) => p.name === 'healthy')).toMatchObject({ status: 'running', lag: 0 });
  const positions = async () =>
    new Map(
      (await pool.query<{ name: string; position: string | null }>(`SELECT name, position FROM projection_checkpoints WHERE name IN ('healthy', 'fragile')`)).rows.map((r) => [r.name, r.position]),
    );
  let checkpoints = await positions();
  expect(checkpoints.get('fragile')).toBeNull();
  expect(checkpoints.get('healthy')).not.toBeNull();
  const seen = async () => defined((await pool.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM seen_by_healthy')).rows[0], 'a count row');
  expect((await seen()).n).toBeGreaterThan(0);

  failing = false;
  await runner.catchUp(); // its retry is not due yet: nothing changes
  expect((await positions()).get('fragile')).toBeNull();
  reads.mockClear();
  await runner.retryFailed();
  expect(runner.failed().size).toBe(0);
  checkpoints = await positions();
  expect(checkpoints.get('fragile')).toBe(checkpoints.get('healthy'));
  // the healthy one skipped what it had, so every event was applied to it once
  expect(await seen()).toEqual({ n: 410, d: 410 });
  // one read per batch for both projections (410 events and the last, empty read)
  expect(reads.mock.calls.length).toBeLessThanOrEqual(Math.ceil(411 / 100) + 1);
  reads.mockRestore();
  await runner.stop();
});

test('a projection that cannot apply one event moves up to it, names it, is retried with growing delays, and resumes once it can', async () => {
  await pool.query('CREATE TABLE IF NOT EXISTS picky_seen (n int NOT NULL)');
  await store.append(
    'picky-1',
    [1, 2, 3].map((n) => ({ type: 'Picky', data: { n } })),
    'no_stream',
  );
  const poison = await store.append('picky-1', [{ type: 'Picky', data: { n: -1 } }], 0 + 2);
  await store.append('picky-1', [{ type: 'Picky', data: { n: 4 } }], 3);
  const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }), 100);
  let accepts = (n: number) => n > 0;
  runner.register({
    name: 'picky',
    version: 1,
    tables: ['picky_seen'],
    eventTypes: ['Picky'],
    async apply(client, events) {
      for (const event of events) {
        const n = (event.data as { n: number }).n;
        await client.query('INSERT INTO picky_seen (n) VALUES ($1)', [n]);
        if (!accepts(n)) throw Object.assign(new Error('cannot take a negative n: "Jan Kowalski"; see postgres://user:secret@host/db password=hunter2'), { code: '22023' });
      }
    },
  });
  await runner.start(false);
  const failure = defined(runner.failed().get('picky'), 'the failure of picky');
  expect(failure.event).toMatchObject({ globalPosition: poison.lastGlobalPosition, streamId: 'picky-1', streamPosition: 3, type: 'Picky' });
  expect(failure.code).toBe('22023');
  expect(failure.error).toBe('cannot take a negative n: [value]; see [url] password=[hidden]');
  // what came before the poisoned event is applied; its writes and what came after are not
  expect((await pool.query<{ n: number }>('SELECT n FROM picky_seen ORDER BY n')).rows.map((r) => r.n)).toEqual([1, 2, 3]);
  const firstDelay = Date.parse(failure.nextRetryAt) - Date.now();
  await runner.retryFailed();
  const second = defined(runner.failed().get('picky'), 'the failure of picky');
  expect(second.attempts).toBe(2);
  expect(second.since).toBe(failure.since);
  expect(Date.parse(second.nextRetryAt) - Date.now()).toBeGreaterThan(firstDelay);
  accepts = () => true; // the fix: a code update
  await runner.retryFailed();
  expect(runner.failed().size).toBe(0);
  expect((await pool.query<{ n: number }>('SELECT n FROM picky_seen ORDER BY n')).rows.map((r) => r.n)).toEqual([-1, 1, 2, 3, 4]);
  expect((await runner.status()).find((p) => p.name === 'picky')).toMatchObject({ status: 'running', lag: 0 });
  await runner.stop();
});
