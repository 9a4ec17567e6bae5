// KurrentDB (formerly EventStoreDB) behind the event store port, through
// @kurrent/kurrentdb-client. Events keep our ids, types and JSON data; KurrentDB's event
// metadata holds ours plus schemaVersion, previousHash and hash (the chain of
// domain/hash-chain.ts, computed here on append from the stream's head). Cursors are $all
// positions as "commit/prepare"; only streams not starting with '$' are read.
//
// Append: expected revision as streamState, conditional on the head the chain was
// computed from. A repeat (the same event ids where the expectation says they would be)
// answers appended: false as KurrentDB's own idempotency does; some of them is an
// IdempotencyConflictError. Unlike PostgreSQL, an id is not checked against other
// streams, nor (with a numeric expectation met) against older events of the stream.
import { type AllStreamSubscription, BACKWARDS, END, FORWARDS, jsonEvent, KurrentDBClient, START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  IdempotencyConflictError,
  type NewEvent,
  type ReadAllResult,
  type RecordedEvent,
  type Subscription,
  WrongExpectedVersionError,
} from '../event-store.port.js';
import { GENESIS_HASH } from '../domain/hash-chain.js';
import { chainEvents, prepareEvents } from '../append-preparation.js';
import { conflictRetries } from '../retry-policy.js';
import {
  classifyRepeat,
  cursorAtOrAfter,
  decodePosition,
  expectedHead,
  fromKurrentEvent,
  isAfterCursor,
  isServiceEvent,
  serviceStreamFilter,
  toPortError,
  toStoredMetadata,
  toStreamState,
} from './mapping.js';

/** countAfter reads forward and counts at most this many events (projection lag is shown capped). */
export const MAX_COUNTED = 10_000;
/** With 'any', a repeat is recognised among this many last events of the stream. */
export const ANY_REPEAT_WINDOW = 100;
/** Appends with 'any' retried after losing a race for the head. */
const MAX_ATTEMPTS = conflictRetries + 1; // the one policy: src/event-store/retry-policy.ts

interface Head {
  position: number; // -1: no stream
  hash: string;
}

const NO_HEAD: Head = { position: -1, hash: GENESIS_HASH };

export interface KurrentDbEventStoreOptions {
  /** Fallback wake-up interval of watch(), and the pause before a dropped subscription resumes. */
  pollMs?: number;
}

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly pollMs: number;
  /** Heads this process appended last: saves the head read; the server checks them anyway. */
  private readonly heads = new Map<string, Head>();

  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    this.client = KurrentDBClient.connectionString(connectionString);
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Rejects when the server does not answer a one-event read of $all within the deadline. */
  async checkReachable(deadlineMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer within ${String(deadlineMs)} ms`));
      }, deadlineMs);
    });
    // the deadline is ours too: reads go through a native bridge that may not apply it
    const read = async () => {
      const reads = this.client.readAll({ maxCount: 1, deadline: deadlineMs });
      await reads.next();
      await reads.return?.(undefined);
    };
    try {
      await Promise.race([read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }

  async append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // canonical JSON once: what is hashed is exactly what is stored (as with PostgreSQL)
    const prepared = prepareEvents(events, new Date().toISOString());
    const ids = prepared.map((e) => e.eventId);
    const expected = expectedHead(expectedVersion);
    for (let attempt = 1; ; attempt++) {
      let head: Head;
      if (expected === 'any') {
        const tail = await this.readTail(streamId, Math.max(ANY_REPEAT_WINDOW, ids.length));
        const verdict = classifyRepeat(
          ids,
          tail.map((e) => e.eventId),
        );
        if (verdict !== 'none') return this.repeatOrConflict(streamId, ids, tail);
        const last = tail[tail.length - 1];
        head = last ? { position: last.streamPosition, hash: last.hash } : NO_HEAD;
      } else {
        // first try: a new stream, or the head this process left, needs no read
        const known = expected === -1 ? NO_HEAD : this.heads.get(streamId);
        head = attempt === 1 && known?.position === expected ? known : await this.readHead(streamId);
        // Not where the caller expects: the repeat of that very append, part of it, or a conflict.
        if (head.position !== expected) return this.checkRepeatAt(streamId, ids, expectedVersion, expected, head);
      }
      const chained = chainEvents(streamId, prepared, head);
      const data = chained.map((e) => {
        const metadata = toStoredMetadata(JSON.parse(e.metadataJson) as EventMetadata, e.schemaVersion, e.previousHash, e.hash);
        return jsonEvent({ id: e.eventId, type: e.type, data: JSON.parse(e.dataJson) as Record<string, unknown>, metadata });
      });
      let revision: number;
      try {
        // conditional on the head the chain starts from, also for 'any'
        const result = await this.client.appendToStream(streamId, data, { streamState: toStreamState(head.position) });
        revision = Number(result.nextExpectedRevision);
        if (!result.success) throw new WrongExpectedVersionError(streamId, expectedVersion, revision);
      } catch (error) {
        const mapped = toPortError(error, streamId, expectedVersion);
        if (!(mapped instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw mapped;
        // 'any' retries on the new head; a numeric expectation is classified on the next turn
        this.heads.delete(streamId);
        continue;
      }
      // Read the last event back: its $all position as readAll gives it, and whether it
      // is ours (KurrentDB answers a repeat with success too, storing nothing new).
      const [last] = await this.read(streamId, { direction: FORWARDS, fromRevision: BigInt(revision), maxCount: 1 });
      const lastId = ids.at(-1);
      if (!last || last.eventId !== lastId) throw new Error(`stream ${streamId}: event ${String(lastId)} not found at ${String(revision)} after appending it`);
      const appended = last.hash === chained.at(-1)?.hash;
      if (appended) this.rememberHead(streamId, { position: revision, hash: last.hash });
      return { streamVersion: appended ? revision : await this.headPosition(streamId), lastGlobalPosition: last.globalPosition, appended };
    }
  }

  /** The stream moved past (or is short of) the expected head: where our events would be. */
  private async checkRepeatAt(streamId: string, ids: string[], expectedVersion: ExpectedVersion, expected: number, head: Head): Promise<AppendResult> {
    const stored = head.position > expected ? await this.read(streamId, { direction: FORWARDS, fromRevision: BigInt(expected + 1), maxCount: ids.length }) : [];
    if (
      classifyRepeat(
        ids,
        stored.map((e) => e.eventId),
      ) === 'none'
    ) {
      throw new WrongExpectedVersionError(streamId, expectedVersion, head.position < 0 ? 'no_stream' : head.position);
    }
    return this.repeatOrConflict(streamId, ids, stored);
  }

  /** All ids stored: answer as the first time did. Some: a conflict. */
  private async repeatOrConflict(streamId: string, ids: string[], stored: RecordedEvent[]): Promise<AppendResult> {
    const ours = stored.filter((e) => ids.includes(e.eventId));
    if (
      classifyRepeat(
        ids,
        ours.map((e) => e.eventId),
      ) !== 'repeat'
    )
      throw new IdempotencyConflictError(
        streamId,
        ours.map((e) => e.eventId),
      );
    const last = ours.at(-1);
    if (!last) throw new Error(`stream ${streamId}: a repeat with none of its events stored`);
    return { streamVersion: await this.headPosition(streamId), lastGlobalPosition: last.globalPosition, appended: false };
  }

  private rememberHead(streamId: string, head: Head): void {
    if (this.heads.size >= 50_000) this.heads.clear(); // bounded: it is only a shortcut
    this.heads.set(streamId, head);
  }

  private async readTail(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events = await this.read(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count });
    return events.reverse();
  }

  private async readHead(streamId: string): Promise<Head> {
    const [last] = await this.readTail(streamId, 1);
    return last ? { position: last.streamPosition, hash: last.hash } : NO_HEAD;
  }

  private async headPosition(streamId: string): Promise<number> {
    return (await this.readHead(streamId)).position;
  }

  private async read(streamId: string, options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: bigint | typeof END; maxCount?: number }): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) events.push(fromKurrentEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    return this.read(streamId, { direction: FORWARDS, fromRevision: BigInt(fromPosition) });
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllResult> {
    const events: RecordedEvent[] = [];
    // A read from a position may start with the event at it: ask for one more, skip it.
    const reads = this.client.readAll({ fromPosition: after === null ? START : decodePosition(after), maxCount: limit + 1, filter: serviceStreamFilter() });
    for await (const resolved of reads) {
      const event = resolved.event;
      if (!event || !isServiceEvent(event.streamId, event.type) || !isAfterCursor(event.position, after)) continue;
      events.push(fromKurrentEvent(event));
      if (events.length >= limit) break;
    }
    return { events, cursor: events.at(-1)?.globalPosition ?? after };
  }

  isAtOrAfter(a: string | null, b: string | null): boolean {
    return cursorAtOrAfter(a, b);
  }

  /**
   * Projection lag. KurrentDB has no count of $all after a position, so this reads
   * forward (filtered to our streams) and counts: bounded, a lag above MAX_COUNTED
   * shows as MAX_COUNTED.
   */
  async countAfter(after: string | null): Promise<number> {
    let count = 0;
    const reads = this.client.readAll({ fromPosition: after === null ? START : decodePosition(after), maxCount: MAX_COUNTED + 1, filter: serviceStreamFilter() });
    for await (const resolved of reads) {
      const event = resolved.event;
      if (!event || !isServiceEvent(event.streamId, event.type) || !isAfterCursor(event.position, after)) continue;
      if (++count >= MAX_COUNTED) break;
    }
    return count;
  }

  /**
   * Wakes the listener when an event of ours is written: a live subscription to $all
   * (filtered to our streams), plus a timer as PostgreSQL has, which also restarts a
   * dropped subscription.
   */
  watch(listener: () => void): Subscription {
    let closed = false;
    let live: AllStreamSubscription | undefined;
    let pending = false;
    const wake = () => {
      if (pending || closed) return;
      pending = true; // one call for a burst of events
      setImmediate(() => {
        pending = false;
        if (!closed) listener();
      });
    };
    const start = () => {
      const subscription = this.client.subscribeToAll({ fromPosition: END, filter: serviceStreamFilter() });
      const dropped = () => {
        if (live === subscription) live = undefined;
      };
      subscription.on('data', wake).on('error', dropped).on('end', dropped);
      live = subscription;
    };
    start();
    const timer = setInterval(() => {
      if (!live) start();
      listener();
    }, this.pollMs);
    timer.unref();
    return {
      close: async () => {
        closed = true;
        clearInterval(timer);
        await stopSubscription(live);
        live = undefined;
      },
    };
  }

  /**
   * A catch-up subscription to $all filtered to our streams, from the cursor. Events are
   * handed over in order, in batches of what has arrived (up to batchSize); a dropped
   * subscription or a failing handler resumes after the last batch handled.
   */
  subscribe(after: string | null, handler: (events: RecordedEvent[]) => Promise<void>, batchSize = 1000): Subscription {
    let cursor = after;
    let closed = false;
    // set by close() while the loop below awaits: read it afresh (the compiler reads the IIFE inline)
    const isClosed = (): boolean => closed;
    let current: AllStreamSubscription | undefined;
    let wakeFromPause: () => void = () => undefined;
    const follow = async () => {
      const subscription = this.client.subscribeToAll({ fromPosition: cursor === null ? START : decodePosition(cursor), filter: serviceStreamFilter() });
      current = subscription;
      let batch: RecordedEvent[] = [];
      for await (const resolved of subscription) {
        if (closed) return;
        const event = resolved.event;
        if (!event || !isServiceEvent(event.streamId, event.type) || !isAfterCursor(event.position, cursor)) continue;
        const recorded = fromKurrentEvent(event);
        batch.push(recorded);
        if (batch.length >= batchSize || subscription.readableLength === 0) {
          await handler(batch);
          cursor = recorded.globalPosition;
          batch = [];
        }
      }
    };
    const running = (async () => {
      while (!isClosed()) {
        await follow().catch(() => undefined);
        await stopSubscription(current);
        if (!isClosed())
          await new Promise<void>((resolve) => {
            wakeFromPause = resolve;
            setTimeout(resolve, this.pollMs).unref();
          });
      }
    })();
    return {
      async close() {
        closed = true;
        wakeFromPause();
        await stopSubscription(current);
        await running;
      },
    };
  }
}

/** Cancels the server side and ends the local stream (cancelling alone leaves it open). */
async function stopSubscription(subscription: AllStreamSubscription | undefined): Promise<void> {
  if (!subscription || subscription.destroyed) return;
  await subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}
