// Pure mapping between the event store port and KurrentDB: expected versions as stream
// states, $all positions as the port's cursor strings, our events (with the hash chain)
// as KurrentDB event data and metadata, and client errors as the port's errors.
import { ANY, NO_STREAM, type Position, type RegexFilter, streamNameFilter, WrongExpectedVersionError as KurrentWrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { type EventMetadata, type ExpectedVersion, type RecordedEvent, WrongExpectedVersionError } from '../event-store.port.js';

// ---- expected versions ------------------------------------------------------------

/** The port's expected version as KurrentDB's stream state (-1 is "no stream"). */
export function toStreamState(expected: ExpectedVersion): typeof ANY | typeof NO_STREAM | bigint {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected < 0) return NO_STREAM;
  return BigInt(expected);
}

/** The head position an append expects (-1: no stream), or 'any'. */
export function expectedHead(expected: ExpectedVersion): number | 'any' {
  return expected === 'no_stream' ? -1 : expected;
}

// ---- positions and cursors --------------------------------------------------------

/** A $all position as the port's opaque cursor: "<commit>/<prepare>". */
export function encodePosition(position: Position): string {
  return `${String(position.commit)}/${String(position.prepare)}`;
}

export function decodePosition(cursor: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(cursor);
  if (!match) {
    // e.g. "123:45" is a PostgreSQL cursor: a checkpoint kept from before switching stores
    throw new Error(`"${cursor}" is not a KurrentDB position ("commit/prepare"); after switching event stores, rebuild the projections`);
  }
  const [, commit, prepare] = match;
  if (commit === undefined || prepare === undefined) throw new Error(`"${cursor}" is not a KurrentDB position`);
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

/** Order in $all: by commit position, then prepare position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The port's isAtOrAfter: null is before everything. */
export function cursorAtOrAfter(a: string | null, b: string | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  return comparePositions(decodePosition(a), decodePosition(b)) >= 0;
}

/** True when the event is strictly after the cursor (reads from a position may include it). */
export function isAfterCursor(position: Position, cursor: string | null): boolean {
  return cursor === null || comparePositions(position, decodePosition(cursor)) > 0;
}

// ---- which streams are ours -------------------------------------------------------

/**
 * $all holds KurrentDB's own streams too ($stats-…, $settings, $$… metadata streams, …);
 * everything not starting with '$' is this service's (cluster-, meter-, trading-,
 * settlement-, invoicing-, …). The server filters by this; we check again on our side.
 */
export const SERVICE_STREAMS_REGEX = '^[^$]';

export function serviceStreamFilter(): RegexFilter {
  return streamNameFilter({ regex: SERVICE_STREAMS_REGEX });
}

export function isServiceEvent(streamId: string, type: string): boolean {
  return !streamId.startsWith('$') && !type.startsWith('$');
}

// ---- events -----------------------------------------------------------------------

/** Kept in KurrentDB's metadata next to ours; not part of the hashed metadata. */
export const RESERVED_METADATA_KEYS = ['schemaVersion', 'previousHash', 'hash'] as const;

export interface StoredMetadata extends EventMetadata {
  schemaVersion: number;
  previousHash: string;
  hash: string;
}

/** Our metadata plus schema version and the chain's hashes, as stored in KurrentDB. */
export function toStoredMetadata(metadata: EventMetadata, schemaVersion: number, previousHash: string, hash: string): StoredMetadata {
  for (const key of RESERVED_METADATA_KEYS) {
    if (key in metadata) throw new Error(`event metadata may not carry "${key}": the KurrentDB event store keeps it there itself`);
  }
  return { ...metadata, schemaVersion, previousHash, hash };
}

/** What we read of a KurrentDB event (the client's RecordedEvent, structurally). */
export interface KurrentRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function fromKurrentEvent(event: KurrentRecord): RecordedEvent {
  const where = `event ${event.id} (${event.streamId}@${String(event.revision)})`;
  if (!isObject(event.data) || !isObject(event.metadata)) throw new Error(`${where} is not a JSON event written by this service`);
  const { schemaVersion, previousHash, hash, ...metadata } = event.metadata;
  if (typeof previousHash !== 'string' || typeof hash !== 'string') throw new Error(`${where} has no hash chain in its metadata: not written by this service`);
  // Servers since 22.6 give stream reads the $all position too; $all reads always have it.
  if (!event.position) throw new Error(`${where} came without its $all position: KurrentDB 22.6 or later is needed`);
  return {
    eventId: event.id,
    streamId: event.streamId,
    streamPosition: Number(event.revision),
    globalPosition: encodePosition(event.position),
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
    previousHash,
    hash,
  };
}

// ---- repeats and errors -----------------------------------------------------------

/**
 * Whether an append's event ids are already in the stream (among the events read where
 * they would be): all of them is a repeat, some is a conflict, none is neither.
 */
export function classifyRepeat(ids: string[], storedIds: string[]): 'repeat' | 'conflict' | 'none' {
  const stored = new Set(storedIds);
  const found = ids.filter((id) => stored.has(id)).length;
  return found === 0 ? 'none' : found === ids.length ? 'repeat' : 'conflict';
}

/** KurrentDB's version conflict as the port's error; anything else unchanged. */
export function toPortError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (error instanceof KurrentWrongExpectedVersionError) {
    const actual = error.actualState;
    return new WrongExpectedVersionError(streamId, expected, typeof actual === 'bigint' && actual >= 0n ? Number(actual) : 'no_stream');
  }
  return error;
}

/** A connection string fit for a log or an error message: no password. */
export function redactConnectionString(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^@/?#]*@/i, '$1***@');
}
