// Pure mapping between our event store port and KurrentDB: expected versions, positions
// as cursors, our metadata (with the hash chain) inside KurrentDB's event metadata, and
// client errors as the port's errors.
import { ANY, NO_STREAM, WrongExpectedVersionError as KurrentWrongExpectedVersion } from '@kurrent/kurrentdb-client';
import type { EventMetadata, ExpectedVersion, RecordedEvent } from '../event-store.port.js';
import { WrongExpectedVersionError } from '../event-store.port.js';

export interface KurrentPosition {
  commit: bigint;
  prepare: bigint;
}

/** The port's expected version as KurrentDB's stream state. */
export function toStreamState(expected: ExpectedVersion): typeof ANY | typeof NO_STREAM | bigint {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
}

/** A $all position as the port's opaque cursor, "commit/prepare". */
export function encodePosition(position: KurrentPosition): string {
  return `${position.commit}/${position.prepare}`;
}

export function decodePosition(cursor: string): KurrentPosition {
  const match = /^(\d+)\/(\d+)$/.exec(cursor);
  if (!match) throw new Error(`malformed KurrentDB cursor "${cursor}"`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export function positionAtOrAfter(a: string | null, b: string | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  const x = decodePosition(a);
  const y = decodePosition(b);
  return x.commit > y.commit || (x.commit === y.commit && x.prepare >= y.prepare);
}

/** Our streams only: KurrentDB's own start with '$'. */
export function isServiceStream(streamId: string): boolean {
  return !streamId.startsWith('$');
}

/** What we store in KurrentDB's metadata: ours, plus schema version and the chain's hashes. */
export interface StoredMetadata extends EventMetadata {
  schemaVersion: number;
  previousHash: string;
  hash: string;
}

export function toStoredMetadata(metadata: EventMetadata, schemaVersion: number, previousHash: string, hash: string): StoredMetadata {
  return { ...metadata, schemaVersion, previousHash, hash };
}

export function fromKurrentEvent(event: {
  streamId: string; id: string; revision: bigint; type: string; created: Date; data: unknown; metadata: unknown; position?: KurrentPosition;
}): RecordedEvent {
  const { schemaVersion, previousHash, hash, ...metadata } = event.metadata as StoredMetadata;
  return {
    eventId: event.id, streamId: event.streamId, streamPosition: Number(event.revision),
    globalPosition: event.position ? encodePosition(event.position) : '', type: event.type, schemaVersion: schemaVersion ?? 1,
    data: event.data as Record<string, unknown>, metadata: metadata as EventMetadata, recordedAt: event.created.toISOString(),
    previousHash: previousHash ?? '', hash: hash ?? '',
  };
}

/** KurrentDB's version conflict as the port's, so callers see the same error from either store. */
export function mapAppendError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (error instanceof KurrentWrongExpectedVersion) {
    const actual = error.actualState;
    return new WrongExpectedVersionError(streamId, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
  }
  return error;
}
