import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { migrate } from '../../src/database/migrate.js';
import { eventHash, GENESIS_HASH } from '../../src/event-store/domain/hash-chain.js';
import { IdempotencyConflictError, WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { drain, eventStoreContract } from './contract.js';

let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;

async function setup() {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 30 });
  // a connection ended by the database's drop at teardown is not a failure of whatever test runs then
  pool.on('error', () => undefined);
  await migrate(pool);
  store = new PostgresEventStore(pool, { pollMs: 50 });
  return { store };
}

async function teardown() {
  await pool.end();
  await db.drop();
}

eventStoreContract('event store contract: PostgreSQL', setup, teardown);

describe('PostgreSQL event store specifics', () => {
  beforeAll(setup);
  afterAll(teardown);

  test('UPDATE, DELETE and TRUNCATE on events are refused by the database', async () => {
    await store.append(`t-${randomUUID()}`, [{ type: 'X', data: {} }], 'no_stream');
    await expect(pool.query(`UPDATE events SET type = 'Y'`)).rejects.toThrow(/immutable/);
    await expect(pool.query('DELETE FROM events')).rejects.toThrow(/immutable/);
    await expect(pool.query('TRUNCATE events')).rejects.toThrow(/immutable/);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type = 'X'`);
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  test('a reader never skips an event whose transaction commits late', async () => {
    const { cursor } = await drain(store, null);
    // A writer holds an open transaction with an event in it...
    const slow = await pool.connect();
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, previous_hash, hash)
       VALUES ($1, $2, 0, 'Late', 1, '{}', '{}', $3, 'x')`,
      [randomUUID(), `late-${randomUUID()}`, GENESIS_HASH],
    );
    // ...while a later transaction commits.
    await store.append(`early-${randomUUID()}`, [{ type: 'Early', data: {} }], 'no_stream');
    const before = await store.readAll(cursor, 100);
    expect(before.events.map((e) => e.type)).toEqual([]);
    await slow.query('COMMIT');
    slow.release();
    const after = await store.readAll(cursor, 100);
    expect(after.events.map((e) => e.type)).toEqual(['Late', 'Early']);
  });

  test('each event carries the hash of its predecessor and its own hash', async () => {
    const id = `chain-${randomUUID()}`;
    await store.append(
      id,
      [
        { type: 'A', data: { n: 1 } },
        { type: 'B', data: { n: 2, nested: { z: 1, a: [1, 2] } } },
      ],
      'no_stream',
    );
    const [a, b] = await store.readStream(id);
    if (!a || !b) throw new Error('two events were appended');
    expect(a.previousHash).toBe(GENESIS_HASH);
    expect(b.previousHash).toBe(a.hash);
    expect(b.hash).toBe(eventHash(a.hash, b));
    expect(a.hash).toBe(eventHash(GENESIS_HASH, a));
  });

  test('appendMany writes several streams in one transaction: a conflict on one leaves all unwritten', async () => {
    const a = `many-a-${randomUUID()}`;
    const b = `many-b-${randomUUID()}`;
    await store.append(b, [{ type: 'X', data: { n: 0 } }], 'no_stream');
    await expect(
      store.appendMany([
        { streamId: a, events: [{ type: 'X', data: { n: 1 } }], expectedVersion: 'no_stream' },
        { streamId: b, events: [{ type: 'X', data: { n: 2 } }], expectedVersion: 'no_stream' },
      ]),
    ).rejects.toThrow(/expected version no_stream/);
    expect(await store.readStream(a)).toEqual([]);
    const results = await store.appendMany([
      {
        streamId: a,
        events: [
          { type: 'X', data: { n: 1 } },
          { type: 'X', data: { n: 2 } },
        ],
        expectedVersion: 'no_stream',
      },
      { streamId: b, events: [{ type: 'X', data: { n: 3 } }], expectedVersion: 0 },
    ]);
    expect(results.map((r) => r.streamVersion)).toEqual([1, 1]);
    const [b0, b1] = await store.readStream(b);
    if (!b0 || !b1) throw new Error('two events were appended');
    expect(b1.previousHash).toBe(b0.hash);
    expect(b1.hash).toBe(eventHash(b0.hash, b1));
    const streams = await store.readStreams([a, b, 'nothing-here']);
    expect(streams.get(a)?.map((e) => e.data.n)).toEqual([1, 2]);
    expect(streams.get('nothing-here')).toEqual([]);
  });

  test('appendMany: a head another writer moved is a version conflict, even when this process remembers the old one', async () => {
    const a = `many-stale-${randomUUID()}`;
    const other = new PostgresEventStore(pool);
    await store.appendMany([{ streamId: a, events: [{ type: 'X', data: { n: 0 } }], expectedVersion: 'no_stream' }]);
    await other.append(a, [{ type: 'X', data: { n: 1 } }], 0);
    // store still remembers head 0: the unique (stream, position) index refuses position 1
    await expect(store.appendMany([{ streamId: a, events: [{ type: 'X', data: { n: 2 } }], expectedVersion: 0 }])).rejects.toThrow(WrongExpectedVersionError);
    await expect(store.appendMany([{ streamId: a, events: [{ type: 'X', data: { n: 2 } }], expectedVersion: 5 }])).rejects.toThrow(/expected version 5, actual 1/);
    expect((await store.readStream(a)).map((e) => e.data.n)).toEqual([0, 1]);
  });

  test('appendMany: of twenty writers creating the same streams at once, one wins and the others get a version conflict', async () => {
    const streams = [`race-a-${randomUUID()}`, `race-b-${randomUUID()}`];
    const writers = Array.from({ length: 20 }, (_, i) =>
      new PostgresEventStore(pool).appendMany(
        (i % 2 === 0 ? streams : [...streams].reverse()).map((streamId) => ({ streamId, events: [{ type: 'X', data: { writer: i } }], expectedVersion: 'no_stream' as const })),
      ),
    );
    const outcomes = await Promise.allSettled(writers);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
    const [a, b] = await Promise.all(streams.map((id) => store.readStream(id)));
    if (!a || !b) throw new Error('two streams were read');
    expect(a).toHaveLength(1);
    expect(b.map((e) => e.data.writer)).toEqual(a.map((e) => e.data.writer));
  });

  test('appendMany: an event id stored before is an idempotency conflict, and nothing of the batch is written', async () => {
    const eventId = randomUUID();
    await store.append(`id-${randomUUID()}`, [{ eventId, type: 'X', data: {} }], 'no_stream');
    const fresh = `id-fresh-${randomUUID()}`;
    await expect(
      store.appendMany([
        { streamId: fresh, events: [{ type: 'X', data: {} }], expectedVersion: 'no_stream' },
        { streamId: `id-again-${randomUUID()}`, events: [{ eventId, type: 'X', data: {} }], expectedVersion: 'no_stream' },
      ]),
    ).rejects.toThrow(IdempotencyConflictError);
    expect(await store.readStream(fresh)).toEqual([]);
  });
});
