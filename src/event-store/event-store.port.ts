// The event store port: what every adapter (PostgreSQL, KurrentDB) must do.
// The contract suite in test/event-store/contract.ts runs the same cases on each.
import type { Actor } from '../common/request-context.js';
import { inParallel } from '../shared/in-parallel.js';

export type ExpectedVersion = number | 'no_stream' | 'any';

// the actor is the request context's (common/request-context.ts): events record who acted
export type { Actor } from '../common/request-context.js';

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  recordedAt: string;
  [key: string]: unknown;
}

export interface NewEvent {
  /** Unique id; a repeated append of the same id is not stored twice. Generated when absent. */
  eventId?: string;
  type: string;
  schemaVersion?: number;
  data: Record<string, unknown>;
  metadata?: Partial<EventMetadata>;
}

export interface RecordedEvent<D = Record<string, unknown>> {
  eventId: string;
  streamId: string;
  /** 0-based position of the event in its stream (the stream version after it). */
  streamPosition: number;
  /** Opaque cursor in the global order; pass it to readAll to resume right after. */
  globalPosition: string;
  type: string;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  recordedAt: string;
  previousHash: string;
  hash: string;
}

export interface AppendResult {
  /** Version of the stream after the append (position of its last event). */
  streamVersion: number;
  /** Cursor of the last event written (or already present for an idempotent repeat). */
  lastGlobalPosition: string;
  /** False when every event id was already stored: nothing new was written. */
  appended: boolean;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Cursor after the last event returned (unchanged when nothing new). */
  cursor: string | null;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventStore extends AppendWatcher {
  append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: all or none (optional; a store without
   * it is used stream by stream). A version conflict on any stream rejects the whole call.
   */
  appendMany?(batches: { streamId: string; events: NewEvent[]; expectedVersion: ExpectedVersion }[]): Promise<AppendResult[]>;
  /** Several whole streams in one read (optional; otherwise readStream each). */
  readStreams?(streamIds: string[]): Promise<Map<string, RecordedEvent[]>>;
  /** Events of one stream in order, from a stream position (inclusive). Empty when the stream does not exist. */
  readStream(streamId: string, fromPosition?: number): Promise<RecordedEvent[]>;
  /** Events in global order strictly after the cursor (null: from the start). */
  readAll(after: string | null, limit: number): Promise<ReadAllResult>;
  /** Calls the handler with each new batch after the cursor, in order, until closed. */
  subscribe(after: string | null, handler: (events: RecordedEvent[]) => Promise<void>): Subscription;
  /** True when cursor a is at or after cursor b in the global order. */
  isAtOrAfter(a: string | null, b: string | null): boolean;
  /** The number of events after the cursor (projection lag). */
  countAfter(after: string | null): Promise<number>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`);
  }
}

export class IdempotencyConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(`stream ${streamId}: event ids already stored elsewhere or in part: ${eventIds.join(', ')}`);
  }
}

/** Calls the listener whenever new events may be readable (push where the store has it, else a timer). */
export interface AppendWatcher {
  watch(listener: () => void): Subscription;
}

/** Several whole streams: in one read where the store has it, else a few at a time. */
export async function readManyStreams(store: EventStore, streamIds: string[]): Promise<Map<string, RecordedEvent[]>> {
  if (store.readStreams) return store.readStreams(streamIds);
  const result = new Map<string, RecordedEvent[]>();
  await inParallel(streamIds, 8, async (id) => {
    result.set(id, await store.readStream(id));
  });
  return new Map(
    streamIds.map((id) => {
      const events = result.get(id);
      if (!events) throw new Error(`stream ${id} was not read`);
      return [id, events];
    }),
  );
}
