// The event store contract: the same cases for every adapter (PostgreSQL here,
// KurrentDB when a server is reachable). Each case uses fresh stream names.
import { randomUUID } from 'node:crypto';
import { type EventStore, IdempotencyConflictError, type RecordedEvent, WrongExpectedVersionError } from '../../src/event-store/event-store.port.js';

export interface ContractContext {
  store: EventStore;
}

const event = (n: number, eventId?: string) => ({ eventId, type: 'Counted', data: { n } });

export function eventStoreContract(describeName: string, setup: () => Promise<ContractContext>, teardown: () => Promise<void>): void {
  describe(describeName, () => {
    let store: EventStore;
    beforeAll(async () => {
      ({ store } = await setup());
    });
    afterAll(teardown);

    const stream = () => `test-${randomUUID()}`;

    test('appends and reads a stream back in order with positions from 0', async () => {
      const id = stream();
      const first = await store.append(id, [event(1), event(2)], 'no_stream');
      const second = await store.append(id, [event(3)], 1);
      expect(first.streamVersion).toBe(1);
      expect(second.streamVersion).toBe(2);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.streamPosition, e.data.n])).toEqual([
        [0, 1],
        [1, 2],
        [2, 3],
      ]);
      expect((await store.readStream(id, 2)).map((e) => e.data.n)).toEqual([3]);
      expect(await store.readStream(stream())).toEqual([]);
    });

    test('refuses a wrong expected version and changes nothing', async () => {
      const id = stream();
      await store.append(id, [event(1)], 'no_stream');
      await expect(store.append(id, [event(2)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.append(id, [event(2)], 5)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.append(stream(), [event(2)], 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(id)).length).toBe(1);
      await store.append(id, [event(2)], 'any');
      expect((await store.readStream(id)).length).toBe(2);
    });

    test('of concurrent appends with the same expected version exactly one wins', async () => {
      const id = stream();
      await store.append(id, [event(0)], 'no_stream');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append(id, [event(i + 1)], 0)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const r of lost) expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(id)).length).toBe(2);
    });

    test('a repeated event id is not stored twice; a partial repeat is a conflict', async () => {
      const id = stream();
      const ids = [randomUUID(), randomUUID()];
      const first = await store.append(id, [event(1, ids[0]), event(2, ids[1])], 'no_stream');
      const again = await store.append(id, [event(1, ids[0]), event(2, ids[1])], 'no_stream');
      expect(first.appended).toBe(true);
      expect(again.appended).toBe(false);
      expect(again.streamVersion).toBe(1);
      expect(again.lastGlobalPosition).toBe(first.lastGlobalPosition);
      await expect(store.append(id, [event(2, ids[1]), event(3)], 'any')).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect((await store.readStream(id)).length).toBe(2);
    });

    test('16 concurrent writers while a reader follows readAll: every event once, each stream in order', async () => {
      const { cursor: start } = await drain(store, null);
      const writers = 16;
      const perWriter = 25;
      const streams = Array.from({ length: writers }, () => stream());
      const seen: RecordedEvent[] = [];
      // set by this test once the writers are done, read by the reader between batches
      let done = false as boolean;
      const reader = (async () => {
        let cursor = start;
        for (;;) {
          const finished = done;
          const batch = await store.readAll(cursor, 37);
          seen.push(...batch.events);
          cursor = batch.cursor;
          if (batch.events.length === 0) {
            if (finished) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      })();
      await Promise.all(
        streams.map(async (id) => {
          for (let i = 0; i < perWriter; i++) {
            await store.append(id, [event(i)], i === 0 ? 'no_stream' : i - 1);
          }
        }),
      );
      done = true;
      await reader;
      const ours = seen.filter((e) => streams.includes(e.streamId));
      expect(ours).toHaveLength(writers * perWriter);
      expect(new Set(ours.map((e) => e.eventId)).size).toBe(writers * perWriter);
      for (const id of streams) {
        expect(ours.filter((e) => e.streamId === id).map((e) => e.data.n)).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
    });

    test('reading from a cursor resumes exactly after it', async () => {
      const { cursor: start } = await drain(store, null);
      const id = stream();
      await store.append(
        id,
        [1, 2, 3, 4, 5].map((n) => event(n)),
        'no_stream',
      );
      const firstTwo = await store.readAll(start, 2);
      const rest = await store.readAll(firstTwo.cursor, 100);
      expect(firstTwo.events.map((e) => e.data.n)).toEqual([1, 2]);
      expect(rest.events.filter((e) => e.streamId === id).map((e) => e.data.n)).toEqual([3, 4, 5]);
      expect((await store.readAll(rest.cursor, 100)).events).toEqual([]);
      expect(store.isAtOrAfter(rest.cursor, firstTwo.cursor)).toBe(true);
      expect(store.isAtOrAfter(firstTwo.cursor, rest.cursor)).toBe(false);
      expect(await store.countAfter(firstTwo.cursor)).toBe(3);
    });

    test('a subscription delivers events appended after it started, in order', async () => {
      const { cursor } = await drain(store, null);
      const id = stream();
      const received: number[] = [];
      const subscription = store.subscribe(cursor, (events) => {
        received.push(...events.filter((e) => e.streamId === id).map((e) => e.data.n as number));
        return Promise.resolve();
      });
      await store.append(id, [event(1), event(2)], 'no_stream');
      await store.append(id, [event(3)], 1);
      const deadline = Date.now() + 5000;
      while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await subscription.close();
      expect(received).toEqual([1, 2, 3]);
    });

    test('metadata carries actor, correlation and causation ids and the recording time', async () => {
      const id = stream();
      await store.append(id, [{ type: 'Counted', data: { n: 1 }, metadata: { actor: { tokenId: 't1', role: 'coordinator' }, correlationId: 'c-1', causationId: 'x' } }], 'no_stream');
      const [recorded] = await store.readStream(id);
      if (!recorded) throw new Error('the event was not read back');
      expect(recorded.metadata).toMatchObject({ actor: { tokenId: 't1', role: 'coordinator' }, correlationId: 'c-1', causationId: 'x' });
      expect(Number.isNaN(Date.parse(recorded.metadata.recordedAt))).toBe(false);
      expect(recorded.schemaVersion).toBe(1);
    });
  });
}

export async function drain(store: EventStore, cursor: string | null): Promise<{ cursor: string | null; count: number }> {
  let count = 0;
  for (;;) {
    const batch = await store.readAll(cursor, 1000);
    if (batch.events.length === 0) return { cursor, count };
    count += batch.events.length;
    cursor = batch.cursor;
  }
}
