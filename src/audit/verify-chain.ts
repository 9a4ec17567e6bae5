// Recomputes every stream's hash chain from the ordered log. Memory holds one hash per
// stream, not the events: the log is read page by page.
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { eventHash, GENESIS_HASH } from '../event-store/hash-chain.js';

export interface BrokenLink {
  streamId: string;
  streamPosition: number;
  expectedHash: string;
  foundHash: string;
  reason: string;
}

export class ChainVerifier {
  private readonly heads = new Map<string, { position: number; hash: string }>();
  private readonly broken = new Map<string, BrokenLink>();
  events = 0;

  add(event: RecordedEvent): void {
    this.events++;
    if (this.broken.has(event.streamId)) return; // the first broken link per stream is what matters
    const head = this.heads.get(event.streamId);
    const expectedPosition = head ? head.position + 1 : 0;
    const expectedPrevious = head ? head.hash : GENESIS_HASH;
    const recomputed = eventHash(event.previousHash, event);
    const fail = (reason: string, expectedHash: string, foundHash: string) =>
      this.broken.set(event.streamId, { streamId: event.streamId, streamPosition: event.streamPosition, expectedHash, foundHash, reason });
    if (event.streamPosition !== expectedPosition) fail(`position ${event.streamPosition} where ${expectedPosition} was expected (an event is missing)`, expectedPrevious, event.previousHash);
    else if (event.previousHash !== expectedPrevious) fail('previousHash does not match the hash of the event before it', expectedPrevious, event.previousHash);
    else if (recomputed !== event.hash) fail('the event content does not match its hash', recomputed, event.hash);
    this.heads.set(event.streamId, { position: event.streamPosition, hash: event.hash });
  }

  result() {
    const broken = [...this.broken.values()].sort((a, b) => a.streamId.localeCompare(b.streamId));
    return broken.length === 0
      ? { intact: true as const, streams: this.heads.size, events: this.events }
      : { intact: false as const, streams: this.heads.size, events: this.events, broken };
  }
}

/** Streams that belong to one cluster: its registry stream, its metering and settlement streams. */
export function streamOfCluster(streamId: string, clusterId: string): boolean {
  return streamId === `cluster-${clusterId}` || streamId.startsWith(`meter-${clusterId}-`) || streamId.startsWith(`settlement-${clusterId}-`)
    || streamId.startsWith(`trading-${clusterId}-`) || streamId.startsWith(`invoicing-${clusterId}-`)
    || streamId === `ksef-${clusterId}`;
}
