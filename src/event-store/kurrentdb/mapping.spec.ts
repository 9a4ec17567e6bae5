// The KurrentDB mapping without a server: stream states, positions as cursors, events
// with their hash chain, repeats, errors. The adapter against a live server is covered by
// the contract suite (test/event-store/kurrentdb.e2e.ts) when KURRENTDB_URL is set.
import { ANY, jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError as KurrentWrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { type EventMetadata, WrongExpectedVersionError } from '../event-store.port.js';
import { eventHash, eventHashOfCanonical, GENESIS_HASH } from '../domain/hash-chain.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import {
  classifyRepeat,
  comparePositions,
  cursorAtOrAfter,
  decodePosition,
  encodePosition,
  expectedHead,
  fromKurrentEvent,
  isAfterCursor,
  isServiceEvent,
  type KurrentRecord,
  redactConnectionString,
  SERVICE_STREAMS_REGEX,
  serviceStreamFilter,
  toPortError,
  toStoredMetadata,
  toStreamState,
} from './mapping.js';

const metadata: EventMetadata = {
  actor: { tokenId: 't1', role: 'coordinator' },
  correlationId: 'c-1',
  causationId: null,
  recordedAt: '2026-05-01T00:00:00.000Z',
};

/** What the client writes and the server gives back: JSON bytes, parsed again. */
function throughKurrent(streamId: string, revision: number, position: { commit: bigint; prepare: bigint }, event: { id: string; type: string; data: unknown; metadata?: unknown }): KurrentRecord {
  return {
    streamId,
    id: event.id,
    revision: BigInt(revision),
    type: event.type,
    created: new Date('2026-05-01T00:00:01.000Z'),
    data: JSON.parse(Buffer.from(JSON.stringify(event.data)).toString('utf8')),
    metadata: JSON.parse(JSON.stringify(event.metadata)),
    position,
  };
}

describe('expected versions', () => {
  test('map to KurrentDB stream states', () => {
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState(-1)).toBe(NO_STREAM);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  test('as the head an append expects', () => {
    expect(expectedHead('no_stream')).toBe(-1);
    expect(expectedHead(7)).toBe(7);
    expect(expectedHead('any')).toBe('any');
  });
});

describe('$all positions as cursors', () => {
  test('round-trip as "commit/prepare", up to 64 bits', () => {
    const max = 2n ** 64n - 1n;
    expect(encodePosition({ commit: 1234n, prepare: 1200n })).toBe('1234/1200');
    expect(decodePosition(encodePosition({ commit: max, prepare: max }))).toEqual({ commit: max, prepare: max });
    expect(decodePosition('0/0')).toEqual({ commit: 0n, prepare: 0n });
  });

  test('refuse anything else, naming a PostgreSQL checkpoint left from before a switch', () => {
    expect(() => decodePosition('12:7')).toThrow(/not a KurrentDB position.*rebuild the projections/);
    for (const bad of ['', '1/', '/1', '1/2/3', '-1/0', '1.5/2', ' 1/2']) expect(() => decodePosition(bad)).toThrow(/not a KurrentDB position/);
  });

  test('order by commit, then prepare (numerically, not as text)', () => {
    expect(comparePositions({ commit: 10n, prepare: 5n }, { commit: 9n, prepare: 100n })).toBe(1);
    expect(comparePositions({ commit: 10n, prepare: 4n }, { commit: 10n, prepare: 5n })).toBe(-1);
    expect(comparePositions({ commit: 10n, prepare: 5n }, { commit: 10n, prepare: 5n })).toBe(0);
    expect(cursorAtOrAfter('10/5', '9/100')).toBe(true);
    expect(cursorAtOrAfter('9/100', '10/5')).toBe(false);
    expect(cursorAtOrAfter('10/5', '10/5')).toBe(true);
    expect(cursorAtOrAfter('10/5', '10/6')).toBe(false);
    expect(cursorAtOrAfter('100/0', '99/0')).toBe(true); // "100/0" < "99/0" as text
  });

  test('null is before every position', () => {
    expect(cursorAtOrAfter(null, null)).toBe(true);
    expect(cursorAtOrAfter('0/0', null)).toBe(true);
    expect(cursorAtOrAfter(null, '0/0')).toBe(false);
  });

  test('a read resumes strictly after the cursor', () => {
    expect(isAfterCursor({ commit: 10n, prepare: 5n }, null)).toBe(true);
    expect(isAfterCursor({ commit: 10n, prepare: 5n }, '10/5')).toBe(false);
    expect(isAfterCursor({ commit: 10n, prepare: 6n }, '10/5')).toBe(true);
    expect(isAfterCursor({ commit: 9n, prepare: 9n }, '10/5')).toBe(false);
  });
});

describe('which streams of $all are ours', () => {
  test('the server-side filter is on stream names and leaves out system streams', () => {
    const filter = serviceStreamFilter();
    expect(filter).toMatchObject({ filterOn: 'streamName', regex: SERVICE_STREAMS_REGEX });
    const regex = new RegExp(SERVICE_STREAMS_REGEX);
    for (const ours of ['cluster-1', 'meter-PL0001-2026-05', 'trading-x', 'settlement-x', 'invoicing-x', 'test-1']) expect(regex.test(ours)).toBe(true);
    for (const system of ['$stats-127.0.0.1:2113', '$settings', '$$cluster-1', '$ce-cluster', '$scavenges']) expect(regex.test(system)).toBe(false);
  });

  test('and events of system types are not ours either', () => {
    expect(isServiceEvent('cluster-1', 'ClusterRegistered')).toBe(true);
    expect(isServiceEvent('$stats-x', 'ClusterRegistered')).toBe(false);
    expect(isServiceEvent('cluster-1', '$metadata')).toBe(false);
  });
});

describe('events', () => {
  test('a stored event reads back as a recorded event whose chain verifies like a PostgreSQL one', () => {
    const data = { name: 'Klaster Podhale', members: [{ ppe: 'PL1', share: 0.5 }], nested: { z: 1, a: [2, 1] } };
    const dataJson = canonicalJson(data);
    const metadataJson = canonicalJson(metadata);
    const first = eventHashOfCanonical(GENESIS_HASH, 'cluster-x', 0, 'ClusterRegistered', 2, dataJson, metadataJson);
    const second = eventHashOfCanonical(first, 'cluster-x', 1, 'MemberJoined', 1, '{"ppe":"PL2"}', metadataJson);
    const stored = [
      jsonEvent({
        id: 'a9a3e0c6-2f5b-4c5e-9d57-1f3c0d7c2a01',
        type: 'ClusterRegistered',
        data: JSON.parse(dataJson),
        metadata: toStoredMetadata(JSON.parse(metadataJson) as EventMetadata, 2, GENESIS_HASH, first),
      }),
      jsonEvent({ id: 'a9a3e0c6-2f5b-4c5e-9d57-1f3c0d7c2a02', type: 'MemberJoined', data: { ppe: 'PL2' }, metadata: toStoredMetadata(metadata, 1, first, second) }),
    ];
    const [a, b] = stored.map((e, i) => fromKurrentEvent(throughKurrent('cluster-x', i, { commit: 500n + BigInt(i), prepare: 400n + BigInt(i) }, e)));
    if (!a || !b) throw new Error('two events were stored');
    expect(a).toEqual({
      eventId: 'a9a3e0c6-2f5b-4c5e-9d57-1f3c0d7c2a01',
      streamId: 'cluster-x',
      streamPosition: 0,
      globalPosition: '500/400',
      type: 'ClusterRegistered',
      schemaVersion: 2,
      data,
      metadata,
      recordedAt: '2026-05-01T00:00:01.000Z',
      previousHash: GENESIS_HASH,
      hash: first,
    });
    expect(b.previousHash).toBe(a.hash);
    // the hashed metadata is ours alone: schemaVersion and the hashes are taken out again
    expect(Object.keys(a.metadata).sort()).toEqual(['actor', 'causationId', 'correlationId', 'recordedAt']);
    expect(eventHash(a.previousHash, a)).toBe(a.hash);
    expect(eventHash(b.previousHash, b)).toBe(b.hash);
    // and a changed event no longer verifies
    expect(eventHash(a.previousHash, { ...a, data: { ...a.data, name: 'Inny' } })).not.toBe(a.hash);
  });

  test('metadata may not bring the keys the store keeps there itself', () => {
    for (const key of ['schemaVersion', 'previousHash', 'hash']) {
      expect(() => toStoredMetadata({ ...metadata, [key]: 'x' }, 1, GENESIS_HASH, GENESIS_HASH)).toThrow(new RegExp(`"${key}"`));
    }
  });

  test('an event not written by this service is refused with a clear message', () => {
    const base: KurrentRecord = {
      streamId: 'cluster-x',
      id: 'e1',
      revision: 3n,
      type: 'X',
      created: new Date(),
      data: {},
      metadata: toStoredMetadata(metadata, 1, GENESIS_HASH, GENESIS_HASH),
      position: { commit: 1n, prepare: 1n },
    };
    expect(() => fromKurrentEvent({ ...base, data: new Uint8Array([1, 2]) })).toThrow(/e1 \(cluster-x@3\) is not a JSON event/);
    expect(() => fromKurrentEvent({ ...base, metadata: undefined })).toThrow(/not a JSON event/);
    expect(() => fromKurrentEvent({ ...base, metadata: { ...metadata } })).toThrow(/no hash chain/);
    expect(() => fromKurrentEvent({ ...base, position: undefined })).toThrow(/22\.6 or later/);
  });
});

describe('repeats and errors', () => {
  test('event ids already stored: all a repeat, some a conflict', () => {
    expect(classifyRepeat(['a', 'b'], ['a', 'b'])).toBe('repeat');
    expect(classifyRepeat(['a', 'b'], ['x', 'a', 'b', 'y'])).toBe('repeat');
    expect(classifyRepeat(['b', 'c'], ['a', 'b'])).toBe('conflict');
    expect(classifyRepeat(['c'], ['a', 'b'])).toBe('none');
    expect(classifyRepeat(['c'], [])).toBe('none');
  });

  test("a KurrentDB version conflict becomes the port's, with the actual version", () => {
    const conflict = toPortError(new KurrentWrongExpectedVersionError(undefined, { streamName: 's', expected: 3n, current: 5n }), 's', 3);
    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(conflict).toMatchObject({ streamId: 's', expected: 3, actual: 5 });
    const missing = toPortError(new KurrentWrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: NO_STREAM }), 's', 0);
    expect(missing).toMatchObject({ streamId: 's', expected: 0, actual: 'no_stream', message: 'stream s: expected version 0, actual no_stream' });
    const exists = toPortError(new KurrentWrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current: 0n }), 's', 'no_stream');
    expect(exists).toMatchObject({ expected: 'no_stream', actual: 0 });
  });

  test('other errors pass through unchanged', () => {
    const notFound = new StreamNotFoundError(undefined, 's');
    const boom = new Error('boom');
    expect(toPortError(notFound, 's', 3)).toBe(notFound);
    expect(toPortError(boom, 's', 3)).toBe(boom);
  });

  test('a connection string in a message shows no password', () => {
    expect(redactConnectionString('kurrentdb://admin:changeit@db:2113?tls=false')).toBe('kurrentdb://***@db:2113?tls=false');
    expect(redactConnectionString('kurrentdb+discover://u:p@a:2113,b:2113')).toBe('kurrentdb+discover://***@a:2113,b:2113');
    expect(redactConnectionString('kurrentdb://127.0.0.1:2113?tls=false')).toBe('kurrentdb://127.0.0.1:2113?tls=false');
  });
});
