// A computation beside the settlement over the same readings of the same month, which
// another module plugs in (the support ledger registers one): the settlement knows its
// shape, not its rules, so it stores it with the provisional month, freezes it in the
// close and marks the month stale when what it reads changes, without depending on it.
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { MonthPassFactory } from './domain/month-calculation.js';

export type { MonthPass, MonthPassContext, MonthPassFactory } from './domain/month-calculation.js';

export interface MonthExtension {
  /** The streams it reads besides the cluster's inputs: read with the month's close, in one round trip. */
  readonly versionStreams: readonly string[];
  /** The version of what it reads, from those streams' events: a change makes stored months stale. */
  versionFrom(streams: ReadonlyMap<string, readonly RecordedEvent[]>): number;
  /** Its pass, with what it reads from the log up to a point (pushed to inputs: part of the close's digest). */
  prepare(options: { upTo?: (event: RecordedEvent) => boolean; inputs?: RecordedEvent[]; detail?: boolean }): Promise<{ version: number; pass: MonthPassFactory }>;
}
