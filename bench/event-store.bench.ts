// The store's cost over the bare table: appends of 100-event batches through the port
// beside raw multi-row INSERTs into the same table in the same run, in interleaved rounds;
// then readAll.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { GENESIS_HASH } from '../src/event-store/domain/hash-chain.js';
import { type Figure, freshDatabase, size, timed } from './support.js';

const BATCH = 100;

async function rawInsert(pool: pg.Pool, prefix: string, events: number, streams: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const batch = next++;
      if (batch * BATCH >= events) return;
      const streamId = `${prefix}-${String(batch % streams)}-${String(batch)}`;
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let i = 0; i < BATCH; i++) {
        const o = i * 7;
        rows.push(`($${String(o + 1)}, $${String(o + 2)}, $${String(o + 3)}, 'MeterReadingsRecorded', 1, $${String(o + 4)}, $${String(o + 5)}, $${String(o + 6)}, $${String(o + 7)})`);
        values.push(randomUUID(), streamId, i, JSON.stringify({ n: i, importWh: 1234, exportWh: 0 }), JSON.stringify({ actor: { role: 'bench' } }), GENESIS_HASH, GENESIS_HASH);
      }
      await pool.query(`INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, previous_hash, hash) VALUES ${rows.join(',')}`, values);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function storeAppend(store: PostgresEventStore, prefix: string, events: number, streams: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const batch = next++;
      if (batch * BATCH >= events) return;
      const streamId = `${prefix}-${String(batch % streams)}-${String(batch)}`;
      await store.append(
        streamId,
        Array.from({ length: BATCH }, (_, i) => ({ type: 'MeterReadingsRecorded', data: { n: i, importWh: 1234, exportWh: 0 } })),
        'no_stream',
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function benchEventStore(serverUrl: string): Promise<Figure[]> {
  const events = size('BENCH_EVENTS', 100_000);
  const concurrency = 4;
  const { pool } = await freshDatabase(serverUrl, 'bench_event_store');
  const store = new PostgresEventStore(pool);
  // warm up both paths
  await rawInsert(pool, 'warm-raw', 2_000, 10, concurrency);
  await storeAppend(store, 'warm-store', 2_000, 10, concurrency);
  // interleaved rounds, each path's median rate: a checkpoint or a noisy neighbour in one
  // stretch of the run then weighs on both paths alike, not on whichever ran at that time
  const rounds = 5;
  const perRound = Math.max(BATCH, Math.round(events / rounds / BATCH) * BATCH);
  const rawRates: number[] = [];
  const appendRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const raw = await timed(() => rawInsert(pool, `raw-${String(round)}`, perRound, 100, concurrency));
    const appended = await timed(() => storeAppend(store, `store-${String(round)}`, perRound, 100, concurrency));
    rawRates.push(perRound / raw.seconds);
    appendRates.push(perRound / appended.seconds);
  }
  const median = (rates: number[]) => [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? 0;
  const rawRate = median(rawRates);
  const appendRate = median(appendRates);
  const read = await timed(async () => {
    let cursor: string | null = null;
    let count = 0;
    for (;;) {
      const batch = await store.readAll(cursor, 5000);
      if (batch.events.length === 0) return count;
      count += batch.events.length;
      cursor = batch.cursor;
    }
  });
  await pool.end();
  return [
    {
      benchmark: 'event store',
      figure: `raw multi-row INSERT, ${String(BATCH)}-row batches (median of ${String(rounds)} rounds of ${String(perRound)}, interleaved with the port's)`,
      value: Math.round(rawRate),
      unit: 'events/s',
    },
    {
      benchmark: 'event store',
      figure: `append through the port, ${String(BATCH)}-event batches (median of ${String(rounds)} rounds)`,
      value: Math.round(appendRate),
      unit: 'events/s',
      baseline: Math.round(rawRate),
      ratio: appendRate / rawRate,
      target: '>= 0.90 of raw INSERT',
      met: appendRate / rawRate >= 0.9,
    },
    { benchmark: 'event store', figure: `readAll, 5000-event pages (${String(read.result)} events)`, value: Math.round(read.result / read.seconds), unit: 'events/s' },
  ];
}
