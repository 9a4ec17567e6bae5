import { ANY, NO_STREAM, WrongExpectedVersionError as KurrentWrongExpectedVersion } from '@kurrent/kurrentdb-client';
import { WrongExpectedVersionError } from '../event-store.port.js';
import { eventHash, GENESIS_HASH } from '../hash-chain.js';
import { decodePosition, encodePosition, fromKurrentEvent, isServiceStream, mapAppendError, positionAtOrAfter, toStoredMetadata, toStreamState } from './mapping.js';

test('expected versions map to KurrentDB stream states', () => {
  expect(toStreamState('any')).toBe(ANY);
  expect(toStreamState('no_stream')).toBe(NO_STREAM);
  expect(toStreamState(41)).toBe(41n);
});

test('$all positions round-trip as cursors and compare by commit, then prepare', () => {
  const cursor = encodePosition({ commit: 12345678901234567890n, prepare: 12345678901234567890n });
  expect(cursor).toBe('12345678901234567890/12345678901234567890');
  expect(decodePosition(cursor)).toEqual({ commit: 12345678901234567890n, prepare: 12345678901234567890n });
  expect(positionAtOrAfter('10/5', '10/4')).toBe(true);
  expect(positionAtOrAfter('10/5', '11/0')).toBe(false);
  expect(positionAtOrAfter('10/5', '10/5')).toBe(true);
  expect(positionAtOrAfter(null, '1/1')).toBe(false);
  expect(positionAtOrAfter('1/1', null)).toBe(true);
  expect(() => decodePosition('12:7')).toThrow(/malformed/);
});

test('system streams are not ours', () => {
  expect(isServiceStream('$stats-127.0.0.1:2113')).toBe(false);
  expect(isServiceStream('cluster-abc')).toBe(true);
});

test('a KurrentDB event becomes a recorded event with its chain, verifiable like a PostgreSQL one', () => {
  const metadata = { actor: { tokenId: 't', role: 'coordinator' }, correlationId: 'c', causationId: null, recordedAt: '2026-05-01T00:00:00.000Z' };
  const content = { streamId: 'cluster-x', streamPosition: 0, type: 'ClusterRegistered', schemaVersion: 1, data: { name: 'K' }, metadata };
  const hash = eventHash(GENESIS_HASH, content);
  const recorded = fromKurrentEvent({
    streamId: 'cluster-x', id: 'e1', revision: 0n, type: 'ClusterRegistered', created: new Date('2026-05-01T00:00:01Z'), data: { name: 'K' },
    metadata: toStoredMetadata(metadata, 1, GENESIS_HASH, hash), position: { commit: 100n, prepare: 99n },
  });
  expect(recorded).toMatchObject({ eventId: 'e1', streamPosition: 0, globalPosition: '100/99', schemaVersion: 1, previousHash: GENESIS_HASH, hash, metadata });
  expect(eventHash(recorded.previousHash, recorded)).toBe(recorded.hash);
});

test('a version conflict maps to the port\'s error with the actual version', () => {
  const conflict = new KurrentWrongExpectedVersion(undefined, { streamName: 's', expected: 3n, current: 5n } as never);
  const mapped = mapAppendError(conflict, 's', 3);
  expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
  expect(mapped).toMatchObject({ streamId: 's', expected: 3 });
  const other = new Error('boom');
  expect(mapAppendError(other, 's', 3)).toBe(other);
});
