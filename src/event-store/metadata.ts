// Metadata every event carries: who (from the request context when there is one),
// under which correlation id, caused by what, recorded when.
import { randomUUID } from 'node:crypto';
import { currentContext } from '../common/request-context.js';
import type { EventMetadata } from './event-store.port.js';

export function eventMetadata(given: Partial<EventMetadata> | undefined, recordedAt: string): EventMetadata {
  const context = currentContext();
  return {
    actor: context?.actor ?? { tokenId: null, role: 'system' },
    correlationId: context?.correlationId ?? randomUUID(),
    causationId: null,
    ...given,
    recordedAt,
  };
}
