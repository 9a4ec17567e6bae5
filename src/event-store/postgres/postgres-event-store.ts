// PostgreSQL adapter of the event store port.
// Append: advisory lock on the stream, idempotency by event id, version check, one
// multi-row INSERT (unnest), NOTIFY. Read all: only rows whose transaction is older than
// the oldest one still running, ordered by (transaction id, position), so a reader never
// skips an event whose transaction commits late.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import '../../database/pg-types.js';
import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllResult,
  type RecordedEvent,
  type Subscription,
  IdempotencyConflictError,
  WrongExpectedVersionError,
} from '../event-store.port.js';
import { GENESIS_HASH, eventHash } from '../hash-chain.js';

const CHANNEL = 'klaster_events';
const COLUMNS = `global_position, transaction_id::text AS transaction_text, event_id, stream_id, stream_position,
  type, schema_version, data, metadata, recorded_at, previous_hash, hash`;

interface EventRow {
  global_position: number;
  transaction_text: string;
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export function encodeCursor(transactionId: string, globalPosition: number): string {
  return `${transactionId}:${globalPosition}`;
}

export function decodeCursor(cursor: string | null): [string, number] {
  if (cursor === null) return ['0', 0];
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match) throw new Error(`malformed event cursor "${cursor}"`);
  return [match[1], Number(match[2])];
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    globalPosition: encodeCursor(row.transaction_text, row.global_position),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/** What is hashed must be what jsonb gives back: drop undefined, turn dates into strings. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface PostgresEventStoreOptions {
  pollMs?: number;
}

export class PostgresEventStore implements EventStore {
  private readonly pollMs: number;

  constructor(private readonly pool: pg.Pool, options: PostgresEventStoreOptions = {}) {
    this.pollMs = options.pollMs ?? 1000;
  }

  async append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const now = new Date().toISOString();
    const prepared = events.map((event) => ({
      eventId: event.eventId ?? randomUUID(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: jsonSafe(event.data),
      metadata: jsonSafe({
        actor: { tokenId: null, role: 'system' },
        correlationId: randomUUID(),
        causationId: null,
        ...event.metadata,
        recordedAt: now,
      } as EventMetadata),
    }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [streamId]);
      const ids = prepared.map((e) => e.eventId);
      // One round trip for both: the ids already stored, and the stream's head.
      const existing = await client.query<EventRow & { head_position: number | null; head_hash: string | null }>(
        `SELECT e.*, head.stream_position AS head_position, head.hash AS head_hash
           FROM (SELECT stream_position, hash FROM events WHERE stream_id = $2 ORDER BY stream_position DESC LIMIT 1) head
           FULL JOIN (SELECT ${COLUMNS} FROM events WHERE event_id = ANY($1::uuid[])) e ON false
          ORDER BY e.global_position`,
        [ids, streamId],
      );
      const headRow = existing.rows.find((r) => r.head_position !== null);
      existing.rows = existing.rows.filter((r) => r.event_id !== null);
      const last = { rows: headRow ? [{ stream_position: headRow.head_position as number, hash: headRow.head_hash as string }] : [] };
      const current: number | 'no_stream' = last.rows.length > 0 ? last.rows[0].stream_position : 'no_stream';
      if (existing.rows.length > 0) {
        await client.query('ROLLBACK');
        // A repeat of an append already made: answer as the first time, store nothing.
        const sameStream = existing.rows.every((r) => r.stream_id === streamId);
        if (existing.rows.length === prepared.length && sameStream) {
          const lastRow = existing.rows[existing.rows.length - 1];
          return {
            streamVersion: current as number,
            lastGlobalPosition: encodeCursor(lastRow.transaction_text, lastRow.global_position),
            appended: false,
          };
        }
        throw new IdempotencyConflictError(streamId, existing.rows.map((r) => r.event_id));
      }
      if (expectedVersion === 'no_stream' ? current !== 'no_stream' : expectedVersion !== 'any' && expectedVersion !== current) {
        await client.query('ROLLBACK');
        throw new WrongExpectedVersionError(streamId, expectedVersion, current);
      }
      let position = current === 'no_stream' ? -1 : current;
      let previousHash = last.rows.length > 0 ? last.rows[0].hash : GENESIS_HASH;
      const positions: number[] = [];
      const previousHashes: string[] = [];
      const hashes: string[] = [];
      for (const event of prepared) {
        position += 1;
        const hash = eventHash(previousHash, { streamId, streamPosition: position, ...event });
        positions.push(position);
        previousHashes.push(previousHash);
        hashes.push(hash);
        previousHash = hash;
      }
      const inserted = await client.query<{ transaction_id: string; global_position: number }>(
        `WITH inserted AS (
           INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, previous_hash, hash)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[])
           RETURNING transaction_id, global_position)
         SELECT transaction_id::text AS transaction_id, global_position, pg_notify('${CHANNEL}', '') FROM inserted`,
        [
          ids,
          prepared.map(() => streamId),
          positions,
          prepared.map((e) => e.type),
          prepared.map((e) => e.schemaVersion),
          prepared.map((e) => JSON.stringify(e.data)),
          prepared.map((e) => JSON.stringify(e.metadata)),
          previousHashes,
          hashes,
        ],
      );
      await client.query('COMMIT');
      const lastInserted = inserted.rows.reduce((a, b) => (b.global_position > a.global_position ? b : a));
      return { streamVersion: position, lastGlobalPosition: encodeCursor(lastInserted.transaction_id, lastInserted.global_position), appended: true };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((error as { code?: string }).code === '23505') {
        // Another transaction stored one of these event ids under another stream's lock.
        throw new IdempotencyConflictError(streamId, prepared.map((e) => e.eventId));
      }
      throw error;
    } finally {
      client.release();
    }
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position`,
      [streamId, fromPosition],
    );
    return rows.map(toRecorded);
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllResult> {
    const [transactionId, globalPosition] = decodeCursor(after);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position
        LIMIT $3`,
      [transactionId, globalPosition, limit],
    );
    const events = rows.map(toRecorded);
    return { events, cursor: events.length > 0 ? events[events.length - 1].globalPosition : after };
  }

  async countAfter(after: string | null): Promise<number> {
    const [transactionId, globalPosition] = decodeCursor(after);
    const { rows } = await this.pool.query<{ count: number }>(
      'SELECT count(*)::bigint AS count FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)',
      [transactionId, globalPosition],
    );
    return rows[0].count;
  }

  isAtOrAfter(a: string | null, b: string | null): boolean {
    const [ta, pa] = decodeCursor(a);
    const [tb, pb] = decodeCursor(b);
    const xa = BigInt(ta);
    const xb = BigInt(tb);
    return xa > xb || (xa === xb && pa >= pb);
  }

  watch(listener: () => void): Subscription {
    let closed = false;
    let client: pg.PoolClient | undefined;
    const timer = setInterval(listener, this.pollMs);
    timer.unref();
    // LISTEN wakes us at once; the timer is the fallback when a notification is lost.
    this.pool.connect().then(
      async (c) => {
        if (closed) return c.release();
        client = c;
        c.on('notification', () => listener());
        c.on('error', () => undefined);
        await c.query(`LISTEN ${CHANNEL}`);
      },
      () => undefined,
    );
    return {
      async close() {
        closed = true;
        clearInterval(timer);
        if (client) {
          await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
          client.release();
        }
      },
    };
  }

  subscribe(after: string | null, handler: (events: RecordedEvent[]) => Promise<void>, batchSize = 1000): Subscription {
    return subscribeByPolling(this, after, handler, batchSize);
  }
}

/** A catch-up subscription built on readAll and watch, for any adapter. */
export function subscribeByPolling(
  store: Pick<EventStore, 'readAll' | 'watch'>,
  after: string | null,
  handler: (events: RecordedEvent[]) => Promise<void>,
  batchSize: number,
): Subscription {
  let cursor = after;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  const drain = async () => {
    while (!closed) {
      const { events, cursor: next } = await store.readAll(cursor, batchSize);
      if (events.length === 0) return;
      await handler(events);
      cursor = next;
    }
  };
  const wake = () => {
    if (pending || closed) return;
    pending = true;
    running = running.then(() => { pending = false; return drain(); }).catch(() => undefined);
  };
  const watcher = store.watch(wake);
  wake();
  return {
    async close() {
      closed = true;
      await watcher.close();
      await running;
    },
  };
}
