// The event store as the application uses it: every append is noted in the request's
// context, so an answer that cannot be completed after it still says what was recorded.
import { randomUUID } from 'node:crypto';
import { noteRecorded } from '../common/request-context.js';
import type { EventStore, NewEvent } from './event-store.port.js';

const withIds = (events: NewEvent[]): (NewEvent & { eventId: string })[] => events.map((e) => (e.eventId ? { ...e, eventId: e.eventId } : { ...e, eventId: randomUUID() }));

export function recordingEventStore(store: EventStore): EventStore {
  const append: EventStore['append'] = async (streamId, events, expectedVersion) => {
    const identified = withIds(events);
    const result = await store.append(streamId, identified, expectedVersion);
    if (result.appended) noteRecorded({ streamId, streamVersion: result.streamVersion, eventIds: identified.map((e) => e.eventId) });
    return result;
  };
  const appendManyOf = store.appendMany?.bind(store);
  const appendMany: EventStore['appendMany'] = appendManyOf
    ? async (batches) => {
        const identified = batches.map((b) => ({ ...b, events: withIds(b.events) }));
        const results = await appendManyOf(identified);
        results.forEach((result, i) => {
          const batch = identified[i];
          if (!batch) throw new Error('appendMany answered more results than batches');
          if (result.appended) noteRecorded({ streamId: batch.streamId, streamVersion: result.streamVersion, eventIds: batch.events.map((e) => e.eventId) });
        });
        return results;
      }
    : undefined;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      if (property === 'appendMany') return appendMany;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
