// The closes of a cluster's months, read from their settlement-{cluster}-{month} stream. A
// close never changes, so each is read from the log once a process (a bounded few kept),
// frozen: every reader shares it (and the cluster month GET its serialized statements).
import { type EventStore, readManyStreams, type RecordedEvent } from '../../event-store/event-store.port.js';
import { deepFreeze } from '../../shared/deep-freeze.js';
import { type ClosedMonthData, type ClosedSupportData, settlementStreamId } from '../domain/closing.js';

/** How many closes a process keeps in memory (each holds every member's statement). */
const CLOSES_KEPT = 64;

export class Closes {
  private readonly known = new Map<string, ClosedMonthData>();

  constructor(private readonly store: EventStore) {}

  /** The close of a month, when it is closed. */
  async closedMonth(clusterId: string, month: string): Promise<ClosedMonthData | undefined> {
    return (await this.closedMonthWith(clusterId, month, [])).closed;
  }

  /**
   * The close of a month, or, when it is not closed, the other streams asked for, read in
   * the same round trip (a statement GET needs the close and the legal parameters' version).
   */
  async closedMonthWith(clusterId: string, month: string, others: readonly string[]): Promise<{ closed: ClosedMonthData } | { closed?: undefined; others: ReadonlyMap<string, RecordedEvent[]> }> {
    const key = `${clusterId}|${month}`;
    const known = this.known.get(key);
    if (known) return { closed: known };
    const streamId = settlementStreamId(clusterId, month);
    const read = await readManyStreams(this.store, [streamId, ...others]);
    const data = read.get(streamId)?.find((e) => e.type === 'SettlementPeriodClosed')?.data as ClosedMonthData | undefined;
    if (!data) return { others: read };
    const closed = deepFreeze(data);
    // bounded: the oldest read close leaves first
    const oldest = this.known.keys().next();
    if (this.known.size >= CLOSES_KEPT && !oldest.done) this.known.delete(oldest.value);
    this.known.set(key, closed);
    return { closed };
  }

  /** The support ledger frozen in a close (absent for months closed before it existed). */
  async closedSupport(clusterId: string, month: string): Promise<ClosedSupportData | undefined> {
    const events = await this.store.readStream(settlementStreamId(clusterId, month));
    return events.find((e) => e.type === 'SupportLedgerClosed')?.data as ClosedSupportData | undefined;
  }
}
