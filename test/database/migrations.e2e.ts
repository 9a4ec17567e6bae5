// Upgrading a database written before events were stored as json (migration 010): every
// event is still there, reads back the same, and its hash chain still verifies.
import pg from 'pg';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { migrate } from '../../src/database/migrate.js';
import { migrationsDir } from '../../src/database/paths.js';
import { ChainVerifier } from '../../src/audit/domain/verify-chain.js';
import { eventHashOfCanonical, GENESIS_HASH } from '../../src/event-store/domain/hash-chain.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { evolveMeterStream, type MeterEvent } from '../../src/metering/domain/meter-stream.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { defined } from '../support/expect.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

test('events written before migration 010 (jsonb) read back the same after it, and their chain verifies', async () => {
  const before = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const file of readdirSync(migrationsDir()).filter((f) => f < '010')) cpSync(join(migrationsDir(), file), join(before, file));
  await migrate(pool, before);
  rmSync(before, { recursive: true, force: true });

  // a version 1 meter event and an event with nested objects, through the old jsonb function
  const streamId = 'meter-c1-PL0001-2026-05-01';
  const v1 = {
    clusterId: 'c1',
    ppeCode: 'PL0001',
    day: '2026-05-01',
    dayStart: '2026-04-30T22:00:00.000Z',
    intervalMinutes: 15,
    source: 'osd',
    fileSha256: null,
    indexes: [0, 1, 5],
    importWh: [10, 20, 30],
    exportWh: [0, 0, 7],
    quality: 'mme',
    lines: [2, 3, 7],
  };
  const second = { nested: { z: 1, a: [1, { b: 'ż' }] }, big: 9007199254740991 };
  const metadata = { actor: 'test', correlationId: 'c', recordedAt: '2026-05-02T00:00:00.000Z' };
  let previousHash = GENESIS_HASH;
  const rows = [v1, second].map((data, position) => {
    const hash = eventHashOfCanonical(previousHash, streamId, position, position === 0 ? 'MeterReadingsRecorded' : 'Other', 1, canonicalJson(data), canonicalJson(metadata));
    const row = { id: randomUUID(), type: position === 0 ? 'MeterReadingsRecorded' : 'Other', data: canonicalJson(data), previousHash, hash };
    previousHash = hash;
    return row;
  });
  await pool.query('SELECT * FROM append_events($1, -1, $2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])', [
    streamId,
    rows.map((r) => r.id),
    rows.map((r) => r.type),
    [1, 1],
    rows.map((r) => r.data),
    [canonicalJson(metadata), canonicalJson(metadata)],
    rows.map((r) => r.previousHash),
    rows.map((r) => r.hash),
  ]);

  expect(await migrate(pool)).toEqual(
    readdirSync(migrationsDir())
      .filter((f) => f >= '010' && f.endsWith('.sql'))
      .sort(),
  );
  const { rows: types } = await pool.query<{ data_type: string }>(`SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name IN ('data', 'metadata')`);
  expect(types.map((r) => r.data_type)).toEqual(['json', 'json']);

  const store = new PostgresEventStore(pool);
  const events = await store.readStream(streamId);
  expect(events.map((e) => e.data)).toEqual([v1, second]);
  const verifier = new ChainVerifier();
  for (const event of (await store.readAll(null, 100)).events) verifier.add(event);
  expect(verifier.result()).toMatchObject({ intact: true, events: 2 });
  // the version 1 event folds to the values it holds
  const day = defined(evolveMeterStream(new Map(), events[0] as unknown as MeterEvent).get('2026-05-01'), 'the day 2026-05-01');
  expect([...day.values.entries()]).toEqual([
    [0, { importWh: 10, exportWh: 0, quality: 'm' }],
    [1, { importWh: 20, exportWh: 0, quality: 'm' }],
    [5, { importWh: 30, exportWh: 7, quality: 'e' }],
  ]);
  // and the stream goes on with a version 2 event, chained to the old head
  await store.append(streamId, [{ type: 'Other', data: { after: true } }], 1);
  const verifyAgain = new ChainVerifier();
  for (const event of (await store.readAll(null, 100)).events) verifyAgain.add(event);
  expect(verifyAgain.result()).toMatchObject({ intact: true, events: 3 });
});

test('the values read and written whole at every settlement are stored uncompressed (migrations 092 and 093)', async () => {
  const fresh = await createTestDatabase();
  const freshPool = new pg.Pool({ connectionString: fresh.url });
  try {
    await migrate(freshPool);
    const { rows } = await freshPool.query<{ relname: string; attname: string; attstorage: string }>(
      `SELECT c.relname, a.attname, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE (c.relname, a.attname) IN (('meter_days', 'import_wh'), ('meter_days', 'export_wh'), ('settlement_day_parts', 'part'), ('settlement_cluster_months', 'support'))
        ORDER BY 1, 2`,
    );
    // 'e': EXTERNAL, out of line and never compressed
    expect(rows.map((r) => `${r.relname}.${r.attname} ${r.attstorage}`)).toEqual([
      'meter_days.export_wh e',
      'meter_days.import_wh e',
      'settlement_cluster_months.support e',
      'settlement_day_parts.part e',
    ]);
  } finally {
    await freshPool.end();
    await fresh.drop();
  }
});
