import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';

/** A read model fed from the ordered log. apply() runs inside the runner's transaction. */
export interface Projection {
  /** Stable name; the checkpoint is stored under it. */
  name: string;
  /** Bump when the read model's shape or logic changes: the runner rebuilds it from zero. */
  version: number;
  /** Tables owned by this projection, emptied on rebuild. */
  tables: string[];
  /** Event types it reads; others only move the checkpoint. */
  eventTypes: string[];
  apply(client: PoolClient, events: RecordedEvent[]): Promise<void>;
}
