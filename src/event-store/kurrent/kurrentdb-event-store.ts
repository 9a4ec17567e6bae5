// KurrentDB (formerly EventStoreDB) behind the same port. Appends with the expected
// revision; the hash chain lives in each event's metadata; readAll reads $all without
// system streams, the cursor being "commit/prepare". Projections keep that cursor in
// PostgreSQL in the same transaction as their read model, as with the PostgreSQL store.
import { BACKWARDS, END, FORWARDS, jsonEvent, KurrentDBClient, START, StreamNotFoundError, excludeSystemEvents } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllResult, RecordedEvent, Subscription } from '../event-store.port.js';
import { IdempotencyConflictError } from '../event-store.port.js';
import { eventHash, GENESIS_HASH } from '../hash-chain.js';
import { eventMetadata } from '../metadata.js';
import { subscribeByPolling } from '../postgres/postgres-event-store.js';
import { decodePosition, fromKurrentEvent, isServiceStream, mapAppendError, positionAtOrAfter, toStoredMetadata, toStreamState } from './mapping.js';

/** countAfter reads forward at most this many events (it is only the health check's lag). */
export const MAX_COUNTED = 10_000;

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;

  constructor(connectionString: string, private readonly pollMs = 1000) {
    this.client = KurrentDBClient.connectionString`${connectionString}`;
  }

  /** Fails with a clear message when the server cannot be reached within the deadline. */
  async checkReachable(deadlineMs = 5000): Promise<void> {
    const reads = this.client.readAll({ maxCount: 1, deadline: deadlineMs });
    for await (const _ of reads) break;
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }

  private async tail(streamId: string, count: number): Promise<RecordedEvent[]> {
    try {
      const events: RecordedEvent[] = [];
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count })) {
        if (resolved.event) events.unshift(fromKurrentEvent(resolved.event as never));
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const now = new Date().toISOString();
    const prepared = events.map((e) => ({ eventId: e.eventId ?? randomUUID(), type: e.type, schemaVersion: e.schemaVersion ?? 1, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(eventMetadata(e.metadata, now))) }));
    // A repeat of the last append (same ids at the tail) answers as the first time.
    const tail = await this.tail(streamId, prepared.length);
    const ids = prepared.map((e) => e.eventId);
    if (tail.length === prepared.length && tail.every((e, i) => e.eventId === ids[i])) {
      return { streamVersion: tail[tail.length - 1].streamPosition, lastGlobalPosition: tail[tail.length - 1].globalPosition, appended: false };
    }
    if (tail.some((e) => ids.includes(e.eventId))) throw new IdempotencyConflictError(streamId, ids);
    const head = tail[tail.length - 1];
    let previousHash = head?.hash || GENESIS_HASH;
    let position = head ? head.streamPosition : -1;
    const data = prepared.map((e) => {
      position += 1;
      const hash = eventHash(previousHash, { streamId, streamPosition: position, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata });
      const stored = toStoredMetadata(e.metadata, e.schemaVersion, previousHash, hash);
      previousHash = hash;
      return jsonEvent({ id: e.eventId, type: e.type, data: e.data, metadata: stored as never });
    });
    // The chain was computed from the head we read: append only if it is still the head.
    const expected = expectedVersion === 'any' ? (head ? head.streamPosition : 'no_stream') : expectedVersion;
    try {
      const result = await this.client.appendToStream(streamId, data, { streamState: toStreamState(expected) });
      return { streamVersion: Number(result.nextExpectedRevision), lastGlobalPosition: result.position ? `${result.position.commit}/${result.position.prepare}` : '', appended: true };
    } catch (error) {
      throw mapAppendError(error, streamId, expectedVersion);
    }
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    try {
      const events: RecordedEvent[] = [];
      for await (const resolved of this.client.readStream(streamId, { direction: FORWARDS, fromRevision: BigInt(fromPosition) })) {
        if (resolved.event) events.push(fromKurrentEvent(resolved.event as never));
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllResult> {
    const events: RecordedEvent[] = [];
    // fromPosition is inclusive: read one more and drop the event at the cursor
    const reads = this.client.readAll({ fromPosition: after ? decodePosition(after) : START, maxCount: limit + 1, filter: excludeSystemEvents() });
    for await (const resolved of reads) {
      const event = resolved.event;
      if (!event || !isServiceStream(event.streamId)) continue;
      const recorded = fromKurrentEvent(event as never);
      if (after && recorded.globalPosition === after) continue;
      events.push(recorded);
      if (events.length >= limit) break;
    }
    return { events, cursor: events.length > 0 ? events[events.length - 1].globalPosition : after };
  }

  isAtOrAfter(a: string | null, b: string | null): boolean {
    return positionAtOrAfter(a, b);
  }

  async countAfter(after: string | null): Promise<number> {
    return (await this.readAll(after, MAX_COUNTED)).events.length;
  }

  watch(listener: () => void): Subscription {
    const timer = setInterval(listener, this.pollMs);
    timer.unref();
    return { close: async () => clearInterval(timer) };
  }

  subscribe(after: string | null, handler: (events: RecordedEvent[]) => Promise<void>): Subscription {
    return subscribeByPolling(this, after, handler, 1000);
  }
}
