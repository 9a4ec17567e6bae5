import { chainEvents, prepareEvents } from './append-preparation.js';
import { eventHash, GENESIS_HASH } from './domain/hash-chain.js';

const now = '2026-01-01T00:00:00.000Z';

test('each event is chained to the one before it from the head, hashed as eventHash hashes it', () => {
  const prepared = prepareEvents(
    [
      { type: 'A', data: { b: 2, a: 1 } },
      { type: 'B', data: { list: [1, 2] }, schemaVersion: 2 },
    ],
    now,
  );
  const chained = chainEvents('s-1', prepared, { position: -1, hash: GENESIS_HASH });
  expect(chained.map((e) => e.streamPosition)).toEqual([0, 1]);
  expect(chained[0]?.previousHash).toBe(GENESIS_HASH);
  expect(chained[1]?.previousHash).toBe(chained[0]?.hash);
  for (const e of chained) {
    const content = {
      streamId: 's-1',
      streamPosition: e.streamPosition,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: JSON.parse(e.dataJson) as unknown,
      metadata: JSON.parse(e.metadataJson) as unknown,
    };
    expect(e.hash).toBe(eventHash(e.previousHash, content));
  }
  expect(prepared[0]?.dataJson).toBe('{"a":1,"b":2}');
});

test('events without metadata share the batch metadata; an event with its own keeps it', () => {
  const prepared = prepareEvents(
    [
      { type: 'A', data: {} },
      { type: 'A', data: {} },
      { type: 'A', data: {}, metadata: { correlationId: 'c-1' } },
    ],
    now,
  );
  expect(prepared[0]?.metadataJson).toBe(prepared[1]?.metadataJson);
  expect(JSON.parse(prepared[2]?.metadataJson ?? '{}')).toMatchObject({ correlationId: 'c-1', recordedAt: now });
  expect(chainEvents('s-1', prepared, { position: 4, hash: 'f'.repeat(64) })[0]?.streamPosition).toBe(5);
});
