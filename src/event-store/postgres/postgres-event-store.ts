// PostgreSQL adapter of the event store port.
// Append: advisory lock on the stream, idempotency by event id, version check, one
// multi-row INSERT (unnest), NOTIFY. Read all: only rows whose transaction is older than
// the oldest one still running, ordered by (transaction id, position), so a reader never
// skips an event whose transaction commits late.
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
import { GENESIS_HASH } from '../domain/hash-chain.js';
import { batchMetadataJson, chainEvents, prepareEvents } from '../append-preparation.js';
import { conflictRetries, pauseBeforeRetry } from '../retry-policy.js';

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
  return `${transactionId}:${String(globalPosition)}`;
}

export function decodeCursor(cursor: string | null): [string, number] {
  if (cursor === null) return ['0', 0];
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match) throw new Error(`malformed event cursor "${cursor}"`);
  const [, transactionId, globalPosition] = match;
  if (transactionId === undefined || globalPosition === undefined) throw new Error(`malformed event cursor "${cursor}"`);
  return [transactionId, Number(globalPosition)];
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

export interface PostgresEventStoreOptions {
  pollMs?: number;
}

export class PostgresEventStore implements EventStore {
  private readonly pollMs: number;
  /** Heads this process appended last, per stream: a cache the append statement verifies. */
  private readonly heads = new Map<string, { position: number; hash: string }>();

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
  }

  async append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // canonical JSON once: it is what is stored, and what the chain hashes. One batch
    // shares one actor, correlation id and time unless an event brings its own.
    const prepared = prepareEvents(events, new Date().toISOString());
    const ids = prepared.map((e) => e.eventId);
    // Read the head, then one statement that locks, checks and inserts
    // (migrations/008_append_without_probe.sql). The head is known without a read for a new
    // stream, or when this process made the expected version itself; the statement checks
    // it either way. A head that moved in between is retried for 'any', on the one policy
    // (src/event-store/retry-policy.ts): a bounded number of times, then a conflict like any other.
    for (let attempt = 0; ; attempt++) {
      const retryAny = async () => {
        if (expectedVersion !== 'any' || attempt >= conflictRetries) return false;
        await pauseBeforeRetry(attempt + 1);
        return true;
      };
      const known =
        attempt > 0
          ? undefined
          : expectedVersion === 'no_stream'
            ? { position: -1, hash: GENESIS_HASH }
            : typeof expectedVersion === 'number' && this.heads.get(streamId)?.position === expectedVersion
              ? this.heads.get(streamId)
              : undefined;
      const head = known
        ? { rows: known.position < 0 ? [] : [{ stream_position: known.position, hash: known.hash }] }
        : await this.pool.query<{ stream_position: number; hash: string }>('SELECT stream_position, hash FROM events WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1', [streamId]);
      const [top] = head.rows;
      const current: number | 'no_stream' = top ? top.stream_position : 'no_stream';
      const from = { position: current === 'no_stream' ? -1 : current, hash: top ? top.hash : GENESIS_HASH };
      // The head the insert requires: the caller's expectation, or what we saw for 'any'.
      // A mismatch still goes to the database, which answers duplicates before conflicts.
      const headPosition = expectedVersion === 'any' ? from.position : expectedVersion === 'no_stream' ? -1 : expectedVersion;
      const chained = chainEvents(streamId, prepared, from);
      const { streamPosition: position, hash: lastHash } = chained.at(-1) ?? { streamPosition: from.position, hash: from.hash };
      let rows: { status: string; stream_id: string; stream_position: number; transaction_text: string; global_position: number }[];
      try {
        // data and metadata as one JSON array each (migrations/091_append_events_json_arrays.sql): no array literal to escape
        ({ rows } = await this.pool.query('SELECT * FROM append_events($1, $2, $3::uuid[], $4::text[], $5::int[], $6::json, $7::json, $8::text[], $9::text[])', [
          streamId,
          headPosition,
          ids,
          prepared.map((e) => e.type),
          prepared.map((e) => e.schemaVersion),
          jsonArray(prepared.map((e) => e.dataJson)),
          jsonArray(prepared.map((e) => e.metadataJson)),
          chained.map((e) => e.previousHash),
          chained.map((e) => e.hash),
        ]));
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === '23505' && constraint === 'events_stream_id_stream_position_key') {
          // a batch append (appendMany takes no lock) took the position between check and insert
          this.heads.delete(streamId);
          if (await retryAny()) continue;
          // a 23505: uniqueViolation always names it
          throw this.uniqueViolation(error, streamId, expectedVersion, ids) ?? error;
        }
        // The unique index refused an event id already stored: a repeat, or a conflict.
        if (code === '23505') return this.repeatOrConflict(streamId, ids);
        throw error;
      }
      const status = rows[0]?.status;
      if (status === 'conflict' || status === undefined) {
        const actual = rows[0]?.stream_position ?? -1;
        const actualVersion: number | 'no_stream' = actual < 0 ? 'no_stream' : actual;
        this.heads.delete(streamId);
        // the head moved: perhaps by this very append, made before and repeated now
        const stored = await this.pool.query('SELECT 1 FROM events WHERE event_id = ANY($1::uuid[]) LIMIT 1', [ids]);
        if (stored.rows.length > 0) return this.repeatOrConflict(streamId, ids);
        if (await retryAny()) continue;
        throw new WrongExpectedVersionError(streamId, expectedVersion, actualVersion);
      }
      const last = rows.reduce((a, b) => (b.global_position > a.global_position ? b : a));
      this.rememberHead(streamId, position, lastHash);
      return { streamVersion: position, lastGlobalPosition: encodeCursor(last.transaction_text, last.global_position), appended: true };
    }
  }

  private rememberHead(streamId: string, position: number, hash: string): void {
    if (this.heads.size >= 50_000) this.heads.clear(); // bounded: it is only a shortcut
    this.heads.set(streamId, { position, hash });
  }

  /** A repeat of an append already made answers as the first time and stores nothing. */
  private async repeatOrConflict(streamId: string, ids: string[]): Promise<AppendResult> {
    const { rows } = await this.pool.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`, [ids]);
    if (rows.length === ids.length && rows.every((r) => r.stream_id === streamId)) {
      const last = rows.at(-1);
      if (!last) throw new Error(`stream ${streamId}: a repeat of an append without events`);
      const stored = await this.pool.query<{ head: number }>('SELECT max(stream_position) AS head FROM events WHERE stream_id = $1', [streamId]);
      const [head] = stored.rows;
      if (!head) throw new Error(`stream ${streamId}: no head after a repeated append`);
      return { streamVersion: head.head, lastGlobalPosition: encodeCursor(last.transaction_text, last.global_position), appended: false };
    }
    throw new IdempotencyConflictError(
      streamId,
      rows.map((r) => r.event_id),
    );
  }

  /**
   * Several streams in one statement, so one transaction: all or none. No lock and no
   * per-stream call: the heads come from the expectation, this process's last append or
   * one query, and the unique (stream, position) index refuses an event at a position
   * another writer took meanwhile (it waits for that writer to commit, then fails): a
   * version conflict. Rows go in stream order so two such statements cannot deadlock.
   */
  async appendMany(batches: { streamId: string; events: NewEvent[]; expectedVersion: ExpectedVersion }[]): Promise<AppendResult[]> {
    const ordered = [...batches].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    if (new Set(ordered.map((b) => b.streamId)).size !== ordered.length) throw new Error('appendMany takes each stream once');
    if (ordered.some((b) => b.events.length === 0)) throw new Error('append needs at least one event');
    const now = new Date().toISOString();
    const batchMetadata = batchMetadataJson(now);
    const known = (b: { streamId: string; expectedVersion: ExpectedVersion }) =>
      b.expectedVersion === 'no_stream' || (typeof b.expectedVersion === 'number' && this.heads.get(b.streamId)?.position === b.expectedVersion);
    const unknown = ordered.filter((b) => !known(b)).map((b) => b.streamId);
    const heads = new Map<string, { position: number; hash: string }>();
    if (unknown.length > 0) {
      const { rows } = await this.pool.query<{ stream_id: string; stream_position: number; hash: string }>(
        'SELECT DISTINCT ON (stream_id) stream_id, stream_position, hash FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_position DESC',
        [unknown],
      );
      for (const r of rows) heads.set(r.stream_id, { position: r.stream_position, hash: r.hash });
    }
    const columns = {
      ids: [] as string[],
      streams: [] as string[],
      positions: [] as number[],
      types: [] as string[],
      schemaVersions: [] as number[],
      data: [] as string[],
      metadata: [] as string[],
      previousHashes: [] as string[],
      hashes: [] as string[],
    };
    const lastOf = new Map<string, { position: number; hash: string }>();
    for (const batch of ordered) {
      const head = batch.expectedVersion === 'no_stream' ? undefined : (heads.get(batch.streamId) ?? this.heads.get(batch.streamId));
      const headPosition = head ? head.position : -1;
      if (batch.expectedVersion !== 'any' && headPosition !== (batch.expectedVersion === 'no_stream' ? -1 : batch.expectedVersion)) {
        throw new WrongExpectedVersionError(batch.streamId, batch.expectedVersion, headPosition < 0 ? 'no_stream' : headPosition);
      }
      const from = { position: headPosition, hash: head ? head.hash : GENESIS_HASH };
      const chained = chainEvents(batch.streamId, prepareEvents(batch.events, now, batchMetadata), from);
      for (const event of chained) {
        columns.ids.push(event.eventId);
        columns.streams.push(batch.streamId);
        columns.positions.push(event.streamPosition);
        columns.types.push(event.type);
        columns.schemaVersions.push(event.schemaVersion);
        columns.data.push(event.dataJson);
        columns.metadata.push(event.metadataJson);
        columns.previousHashes.push(event.previousHash);
        columns.hashes.push(event.hash);
      }
      const last = chained.at(-1);
      lastOf.set(batch.streamId, last ? { position: last.streamPosition, hash: last.hash } : from);
    }
    let rows: { stream_id: string; stream_position: number; transaction_text: string; global_position: number }[];
    try {
      ({ rows } = await this.pool.query(
        `WITH inserted AS (
           INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, previous_hash, hash)
           SELECT t.event_id, t.stream_id, t.stream_position, t.type, t.schema_version, d.data, m.metadata, t.previous_hash, t.hash
             FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $8::text[], $9::text[])
                  WITH ORDINALITY AS t(event_id, stream_id, stream_position, type, schema_version, previous_hash, hash, ord)
             JOIN json_array_elements($6::json) WITH ORDINALITY AS d(data, ord) ON d.ord = t.ord
             JOIN json_array_elements($7::json) WITH ORDINALITY AS m(metadata, ord) ON m.ord = t.ord
           RETURNING stream_id, stream_position, transaction_id, global_position)
         SELECT stream_id, max(stream_position) AS stream_position, max(transaction_id::text) AS transaction_text,
                max(global_position) AS global_position, pg_notify('${CHANNEL}', '') IS NULL AS notified
           FROM inserted GROUP BY stream_id`,
        [columns.ids, columns.streams, columns.positions, columns.types, columns.schemaVersions, jsonArray(columns.data), jsonArray(columns.metadata), columns.previousHashes, columns.hashes],
      ));
    } catch (error) {
      for (const batch of ordered) this.heads.delete(batch.streamId);
      const first = ordered[0];
      throw (first && this.uniqueViolation(error, first.streamId, first.expectedVersion, columns.ids)) ?? error;
    }
    const results = new Map(rows.map((row) => [row.stream_id, { streamVersion: row.stream_position, lastGlobalPosition: encodeCursor(row.transaction_text, row.global_position), appended: true }]));
    for (const [streamId, head] of lastOf) this.rememberHead(streamId, head.position, head.hash);
    return batches.map((b) => {
      const result = results.get(b.streamId);
      if (!result) throw new Error(`stream ${b.streamId}: appendMany inserted none of its events`);
      return result;
    });
  }

  /** A refused duplicate: of a (stream, position), a version conflict; of an event id, an idempotency conflict. */
  private uniqueViolation(error: unknown, streamId: string, expectedVersion: ExpectedVersion, ids: string[]): Error | undefined {
    const { code, constraint, detail } = error as { code?: string; constraint?: string; detail?: string };
    if (code !== '23505') return undefined;
    if (constraint === 'events_stream_id_stream_position_key') {
      // detail: Key (stream_id, stream_position)=(meter-..., 0) already exists.
      const match = /=\((.*), (\d+)\) already exists/.exec(detail ?? '');
      return new WrongExpectedVersionError(match?.[1] ?? streamId, expectedVersion, match ? Number(match[2]) : 'no_stream');
    }
    return new IdempotencyConflictError(streamId, ids);
  }

  async readStreams(streamIds: string[]): Promise<Map<string, RecordedEvent[]>> {
    const result = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    const { rows } = await this.pool.query<EventRow>({
      name: 'events-of-streams',
      text: `SELECT ${COLUMNS} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_position`,
      values: [streamIds],
    });
    for (const row of rows) {
      const events = result.get(row.stream_id);
      if (!events) throw new Error(`stream ${row.stream_id} was read but not asked for`);
      events.push(toRecorded(row));
    }
    return result;
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'events-of-stream',
      text: `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position`,
      values: [streamId, fromPosition],
    });
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
    return { events, cursor: events.at(-1)?.globalPosition ?? after };
  }

  async countAfter(after: string | null): Promise<number> {
    const [transactionId, globalPosition] = decodeCursor(after);
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::bigint AS count FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)', [
      transactionId,
      globalPosition,
    ]);
    const [row] = rows;
    if (!row) throw new Error('count(*) answered no row');
    return row.count;
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
    let retry: NodeJS.Timeout | undefined;
    const timer = setInterval(listener, this.pollMs);
    timer.unref();
    // LISTEN wakes us at once; the timer is the fallback when a notification is lost, and
    // while the connection is gone (the database restarting): it is made again then.
    const listen = () => {
      this.pool.connect().then(
        async (c) => {
          if (closed) {
            c.release();
            return;
          }
          client = c;
          c.on('notification', () => {
            listener();
          });
          c.on('error', () => {
            if (client !== c) return;
            client = undefined;
            c.release(true);
            if (!closed) (retry = setTimeout(listen, this.pollMs)).unref();
          });
          await c.query(`LISTEN ${CHANNEL}`).catch(() => undefined);
          listener(); // whatever was appended while we were not listening
        },
        () => {
          if (!closed) (retry = setTimeout(listen, this.pollMs)).unref();
        },
      );
    };
    listen();
    return {
      async close() {
        closed = true;
        clearInterval(timer);
        clearTimeout(retry);
        const c = client;
        client = undefined;
        if (c) {
          await c.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
          c.release();
        }
      },
    };
  }

  subscribe(after: string | null, handler: (events: RecordedEvent[]) => Promise<void>, batchSize = 1000): Subscription {
    return subscribeByPolling(this, after, handler, batchSize);
  }
}

/** A catch-up subscription built on readAll and watch, for any adapter. */
export function subscribeByPolling(store: Pick<EventStore, 'readAll' | 'watch'>, after: string | null, handler: (events: RecordedEvent[]) => Promise<void>, batchSize: number): Subscription {
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
    running = running
      .then(() => {
        pending = false;
        return drain();
      })
      .catch(() => undefined);
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

/** Canonical JSON texts as one JSON array (each is a complete JSON value: joined, they are one). */
function jsonArray(texts: string[]): string {
  return `[${texts.join(',')}]`;
}
